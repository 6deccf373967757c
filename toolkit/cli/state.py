"""Global CLI settings, set by the top-level callback."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class Settings:
    workspace: Path | None = None
    quiet: bool = False
    debug: bool = False
    interruption_said: bool = False  # the one « interrupted » line is printed


settings = Settings()
