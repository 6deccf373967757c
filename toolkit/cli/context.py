"""Opening the workspace the global options point at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from toolkit.cli import render
from toolkit.cli.state import settings
from toolkit.errors import WorkspaceError, WorkspaceMissing
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


@contextmanager
def workspace_if_any() -> Iterator[Workspace | None]:
    """The workspace, read-only, when there is one to open; else None, saying why when it
    exists but cannot be opened (a command that can work without it goes on)."""
    try:
        ws = open_workspace(settings.workspace, read_only=True)
    except WorkspaceMissing:
        yield None
        return
    except WorkspaceError as e:
        render.warn(f"{e} (its timestamp tokens were not checked)")
        yield None
        return
    with ws:
        yield ws
