"""`guichets review ID [ATTEMPT]`: what needs a person, and a person's decision."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
from toolkit.cli.render import Format

TABLE_COLUMNS = ("id", "local_time", "file", "outcome", "flags", "reasons")


def review(
    applicant_id: ApplicantArg,
    attempt: Annotated[
        str | None,
        typer.Argument(help="Attempt id (or its first 6+ characters) to record a decision on."),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="What the original shows: no_slot, slots_available, …"),
    ] = None,
    time: Annotated[
        str | None,
        typer.Option("--time", help="Date and time read on the original: YYYY-MM-DD HH:MM."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="Why (kept in custody).")] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """List the attempts that need a person (conflicts, unknown outcomes, weak or conflicting
    times, edited images), or record a person's decision on one (reviewer, previous and new
    values and the note go to custody; machine readings and originals are kept)."""
    from toolkit.review import review_attempt, review_items

    if attempt is None:
        with open_ws(read_only=True) as ws:
            items = review_items(ws, applicant_id)
        if fmt is Format.table:
            rows = [{**i, "flags": ", ".join(i["flags"]), "reasons": "; ".join(i["reasons"])}
                    for i in items]  # fmt: skip
            render.emit(rows, fmt, columns=TABLE_COLUMNS, title=f"To review ({applicant_id})")
        else:
            render.emit(items, fmt, columns=TABLE_COLUMNS if fmt is Format.csv else None)
        render.info(f"{len(items)} attempt(s) of {applicant_id} to review")
        return
    with open_ws() as ws:
        result = review_attempt(ws, applicant_id, attempt, outcome=outcome, time=time, note=note)
    if fmt is not Format.table:
        render.emit(result, fmt)
    done = ", ".join(f"{k} {v['previous']} -> {v['new']}" for k, v in result["changes"].items())
    render.info(f"Review of {result['attempt']} recorded by {result['reviewer']}: {done or 'note'}")


def register(app: typer.Typer) -> None:
    app.command("review")(review)
