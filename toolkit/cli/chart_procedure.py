"""`guichets chart procedure ID --out FILE`: the procedure of the demand on one time axis."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, OutFileOpt


def procedure(
    applicant_id: ApplicantArg,
    out: OutFileOpt,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Situation as of this date, YYYY-MM-DD [default: today]."),
    ] = None,
) -> None:
    """Permit, filing window, attestations and gaps, events, implicit rejection (.png/.svg/.pdf)."""
    from toolkit.applicants import parse_date
    from toolkit.charts.procedure import procedure_chart

    with open_ws(read_only=True) as ws:
        path = procedure_chart(ws, applicant_id, out, today=parse_date(today, "--today"))
    render.info(f"Chart written: {path}")


def register(app: typer.Typer) -> None:
    app.command("procedure")(procedure)
