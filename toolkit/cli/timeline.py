"""`guichets timeline ID`: dates, deadlines and remedies of the demand."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
from toolkit.cli.render import Format


def timeline(
    applicant_id: ApplicantArg,
    fmt: FormatOpt = Format.table,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Compute as of this date, YYYY-MM-DD [default: today]."),
    ] = None,
    rules: Annotated[
        Path | None,
        typer.Option("--rules", help="Rules file (TOML) laid over the bundled delays."),
    ] = None,
) -> None:
    """The procedural timeline: filing, renewal window, API coverage, implicit rejection,
    time to sue, and the remedies that fit, in order. Dates resting on an unsettled rule
    are marked « [à vérifier] »."""
    from toolkit.applicants import parse_date
    from toolkit.timeline.gather import procedural_timeline
    from toolkit.timeline.summary import timeline_text

    as_of = parse_date(today, "--today")
    with open_ws(read_only=True) as ws:
        result = procedural_timeline(ws, applicant_id, today=as_of, rules=rules)
    if fmt is Format.table:
        sys.stdout.write(timeline_text(result))
    else:
        render.emit(result, Format.json)


def register(app: typer.Typer) -> None:
    app.command("timeline")(timeline)
