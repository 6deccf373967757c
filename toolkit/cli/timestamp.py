"""`guichets timestamp [ID | DIR] [--tsa URL …] [--pending]`: RFC 3161 tokens."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import FormatOpt, TsaOpt
from toolkit.cli.render import Format


def timestamp(
    target: Annotated[
        str | None,
        typer.Argument(
            help="An applicant id (its files in the vault) or a folder.", show_default=False
        ),
    ] = None,
    tsa: TsaOpt = None,
    pending: Annotated[
        bool, typer.Option("--pending", help="Ask again the TSAs of pending requests.")
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Ask each time-stamping authority (RFC 3161) for one token over a manifest of the files'
    SHA-256; keep the token, the manifest and the TSA's certificates in the vault."""
    from toolkit.capture import complete_pending, timestamp_files

    if pending == (target is not None):
        raise typer.BadParameter("give an applicant id or a folder, or --pending alone")
    with open_ws() as ws:
        report = complete_pending(ws) if target is None else timestamp_files(ws, target, tsas=tsa)
    if fmt is Format.json:
        render.emit(report.to_dict(), fmt)
    for line in report.lines():
        render.info(line)
    for problem in getattr(report, "problems", []):
        render.error(problem)
    if getattr(report, "problems", []):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("timestamp")(timestamp)
