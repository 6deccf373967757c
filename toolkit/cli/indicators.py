"""`guichets indicators applicant|prefecture`."""

from __future__ import annotations

import typer

from toolkit.cli import indicators_applicant, indicators_prefecture

app = typer.Typer(
    help="Saturation indicators per applicant and per préfecture.", no_args_is_help=True
)
indicators_applicant.register(app)
indicators_prefecture.register(app)
