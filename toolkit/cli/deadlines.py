"""`guichets deadlines`: the dates coming up across every file."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import FormatOpt
from toolkit.cli.render import Format


def deadlines(
    within: Annotated[
        int, typer.Option("--within", help="Days ahead to look (passed dates are shown too).")
    ] = 30,
    today: Annotated[
        str | None, typer.Option("--today", help="As of this date, YYYY-MM-DD [default: today].")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Every applicant's coming dates, soonest first: remedy deadlines, implicit rejections
    about to arise, attestations about to end. Dates marked « [à vérifier] » rest on a rule
    that is not settled."""
    from toolkit.applicants import parse_date
    from toolkit.timeline.gather import upcoming_deadlines

    with open_ws(read_only=True) as ws:
        rows = upcoming_deadlines(ws, today=parse_date(today, "--today"), within=within)
    render.emit(rows, fmt, columns=("date", "days", "applicant", "what"), title="Deadlines")


def register(app: typer.Typer) -> None:
    app.command("deadlines")(deadlines)
