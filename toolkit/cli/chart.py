"""`guichets chart applicant|procedure|prefecture|map`."""

from __future__ import annotations

import typer

from toolkit.cli import chart_applicant, chart_map, chart_prefecture, chart_procedure

app = typer.Typer(
    help="Deterministic charts (PNG, SVG or PDF) with French labels.", no_args_is_help=True
)
chart_applicant.register(app)
chart_procedure.register(app)
chart_prefecture.register(app)
chart_map.register(app)
