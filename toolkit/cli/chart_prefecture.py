"""`guichets chart prefecture CODE --out FILE`."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import OutFileOpt, ProcedureFilterOpt, SinceOpt, UntilOpt


def prefecture(
    code: Annotated[str, typer.Argument(help="Préfecture code or name, e.g. 76.")],
    out: OutFileOpt,
    procedure: ProcedureFilterOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
) -> None:
    """No-slot share over time, when slots appear (weekday × hour), lead times (.png/.svg/.pdf)."""
    from toolkit.charts.prefecture import prefecture_chart

    with open_ws() as ws:
        path = prefecture_chart(ws, code, out, procedure=procedure, since=since, until=until)
    render.info(f"Chart written: {path}")


def register(app: typer.Typer) -> None:
    app.command("prefecture")(prefecture)
