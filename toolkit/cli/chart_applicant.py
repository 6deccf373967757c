"""Placeholder: replaced by the module that implements these commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    return None
