"""`guichets init` and `guichets verify`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws, workspace_if_any
from toolkit.cli.options import FormatOpt, checked_paths
from toolkit.cli.render import Format
from toolkit.cli.state import settings


def init() -> None:
    """Create a workspace: DuckDB store, evidence vault and out/ folder."""
    from toolkit.workspace import init_workspace, schema_version

    with init_workspace(settings.workspace) as ws:
        render.info(f"Workspace ready: {ws.root} (schema version {schema_version()})")


def verify(
    folder: Annotated[
        Path | None,
        typer.Argument(
            help="An exhibit folder with manifest.json, or a folder sealed with `guichets "
            "timestamp` (wherever it is now); default: the workspace vault.",
            callback=checked_paths,
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Stop (and fail) after this many seconds.")
    ] = 3600,
    fmt: FormatOpt = Format.table,
) -> None:
    """Re-hash the vault (or a folder) and name every missing, altered or unexpected file; in
    a workspace, also check `files` rows, the custody hash chain and every timestamp token; a
    folder is also checked against the tokens that cover it, wherever it was sealed. A
    workspace that cannot be written to is opened read-only."""
    from toolkit.verify import verify_folder, verify_workspace
    from toolkit.workspace import writable

    if folder is not None:
        with workspace_if_any() as found:
            result = verify_folder(folder, found, timeout=timeout)
    else:
        with open_ws(read_only=not writable(settings.workspace)) as ws:
            result = verify_workspace(ws, timeout=timeout)
    if fmt is Format.json:
        render.emit(result.to_dict(), fmt)
    for line in result.lines():
        (render.info if result.ok else render.error)(line)
    if not result.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command()(init)
    app.command()(verify)
