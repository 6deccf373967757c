"""Opening the workspace the global options point at."""

from __future__ import annotations

from toolkit.cli import render
from toolkit.cli.state import settings
from toolkit.workspace import Workspace, open_workspace


def open_ws(*, read_only: bool = False) -> Workspace:
    ws = open_workspace(settings.workspace, read_only=read_only)
    if ws.swept:
        total = sum(x.size for x in ws.swept)
        names = ", ".join(x.path for x in ws.swept[:5]) + (" …" if len(ws.swept) > 5 else "")
        render.warn(
            f"removed {len(ws.swept)} temporary file(s) ({total / 1e6:.1f} MB) left by an "
            f"interrupted run: {names} (logged in custody)"
        )
    return ws
