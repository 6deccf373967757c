"""`guichets chart applicant ID --out FILE`: the timeline of attempts and contacts."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, OutFileOpt


def applicant(
    applicant_id: ApplicantArg,
    out: OutFileOpt,
    probes: Annotated[
        bool,
        typer.Option("--probes/--no-probes", help="Draw robot probes in the background."),
    ] = True,
) -> None:
    """Timeline (hour of day × date) of attempts by outcome, contacts and permit expiry (.png/.svg/.pdf)."""
    from toolkit.charts.applicant import applicant_chart

    with open_ws() as ws:
        path = applicant_chart(ws, applicant_id, out, probes=probes)
    render.info(f"Chart written: {path}")


def register(app: typer.Typer) -> None:
    app.command("applicant")(applicant)
