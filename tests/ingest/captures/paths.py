"""Paths shared by the capture tests."""

from __future__ import annotations

from pathlib import Path

FIX = Path(__file__).resolve().parents[2] / "fixtures" / "captures"


def fixture_bytes(name: str) -> bytes:
    return (FIX / name).read_bytes()
