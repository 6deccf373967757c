"""`guichets source list|describe`: name who ran each robot and how."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import FormatOpt
from toolkit.cli.render import Format

app = typer.Typer(
    help="Robot crawls: who ran them and how (needed to produce their probes).",
    no_args_is_help=True,
)
Opt = typer.Option


@app.command("list")
def list_(fmt: FormatOpt = Format.table) -> None:
    """List the crawls by name, with their probes and whether their author is on record."""
    from toolkit.sources import crawl_sources

    with open_ws(read_only=True) as ws:
        rows = crawl_sources(ws)
    render.emit(rows, fmt, columns=["name", "files", "probes", "described"])


@app.command("describe")
def describe(
    name: Annotated[str, typer.Argument(help="The crawl's name (see `guichets source list`).")],
    operator: Annotated[str, Opt("--operator", help="Who runs the robot.")],
    method: Annotated[str | None, Opt("--method", help="How it reads the pages.")] = None,
    frequency: Annotated[str | None, Opt("--frequency", help="How often it probes.")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Record who runs a robot, how and how often (printed in its pièce, for a judge)."""
    from toolkit.sources import describe_source

    with open_ws() as ws:
        described = describe_source(ws, name, operator=operator, method=method, frequency=frequency)
    if fmt is Format.json:
        render.emit(described, fmt)
    render.info(f"Robot {described['name']}: run by {described['operator']}")
