"""`guichets aggregate BUNDLE...`: merge pseudonymised bundles into this workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import FormatOpt, checked_paths
from toolkit.cli.render import Format


def aggregate(
    bundles: Annotated[
        list[Path],
        typer.Argument(
            help="Bundles (.zip) written by `guichets export bundle`.",
            show_default=False,
            callback=checked_paths,
        ),
    ],
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help="The association's key: refuse bundles made with another key.",
            callback=checked_paths,
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Check every bundle, then merge them all at once (the same bundle twice adds nothing)."""
    from toolkit.export.aggregate import aggregate_bundles

    with open_ws() as ws:
        report = aggregate_bundles(ws, bundles, key_file=key_file)
    if fmt is Format.json:
        render.emit(report.to_dict(), fmt)
    elif fmt is Format.csv:
        render.emit([b.to_dict() for b in report.bundles], fmt)
    for w in report.warnings:
        render.warn(w)
    for line in report.lines():
        render.info(line)


def register(app: typer.Typer) -> None:
    app.command("aggregate")(aggregate)
