"""`guichets chart map --out FILE`: France by département, shaded by the no-slot share."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import OutFileOpt


def map_(
    out: OutFileOpt,
    procedure: Annotated[
        str | None, typer.Option("--procedure", help="Only this procedure, e.g. renouvellement.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="First day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).")] = None,
) -> None:
    """Map of France (DROM as insets): share of robot probes with no slot (.png/.svg/.pdf)."""
    from toolkit.charts.map import france_map

    with open_ws() as ws:
        path = france_map(ws, out, procedure=procedure, since=since, until=until)
    render.info(f"Map written: {path}")


def register(app: typer.Typer) -> None:
    app.command("map")(map_)
