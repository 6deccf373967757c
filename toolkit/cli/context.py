"""Opening the workspace the global options point at."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from toolkit.cli import render
from toolkit.cli.state import settings
from toolkit.errors import WorkspaceBusy, WorkspaceMissing
from toolkit.workspace import Workspace, open_workspace


def open_ws(*, read_only: bool = False) -> Workspace:
    return open_workspace(settings.workspace, read_only=read_only)


@contextmanager
def workspace_if_any() -> Iterator[Workspace | None]:
    """The workspace, read-only, when there is one to open; else None, saying why when it
    exists but is busy (a command that can work without it goes on)."""
    try:
        ws = open_workspace(settings.workspace, read_only=True)
    except WorkspaceMissing:
        yield None
        return
    except WorkspaceBusy as e:
        render.warn(f"{e} (its timestamp tokens were not checked)")
        yield None
        return
    with ws:
        yield ws
