"""Opening the workspace the global options point at."""

from __future__ import annotations

from toolkit.cli.state import settings
from toolkit.workspace import Workspace, open_workspace


def open_ws(*, read_only: bool = False) -> Workspace:
    return open_workspace(settings.workspace, read_only=read_only)
