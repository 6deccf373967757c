"""`guichets indicators applicant ID`: days, weeks, hours, span, contacts, corroboration."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
from toolkit.cli.render import Format


def flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` → ``{"a.b": 1}``: one CSV column per value."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(flatten(value, f"{prefix}{key}."))
        elif isinstance(value, list):
            out[f"{prefix}{key}"] = "; ".join(map(str, value))
        else:
            out[f"{prefix}{key}"] = value
    return out


def applicant(
    applicant_id: ApplicantArg,
    fmt: FormatOpt = Format.table,
    window: Annotated[
        int,
        typer.Option("--window", help="Minutes around an attempt in which a robot probe counts."),
    ] = 60,
) -> None:
    """Indicators of one applicant (online attempts in the préfecture's local time)."""
    from toolkit.indicators.applicant import applicant_indicators

    with open_ws(read_only=True) as ws:
        data = applicant_indicators(ws, applicant_id, window_minutes=window)
    if fmt is Format.json:
        render.emit(data, fmt)
    else:
        render.emit(flatten(data), fmt, title=f"Indicators of {applicant_id} ({data['tz']})")


def register(app: typer.Typer) -> None:
    app.command("applicant")(applicant)
