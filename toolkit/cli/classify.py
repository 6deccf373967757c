"""`guichets classify ID`: classify an applicant's screenshots again, without re-ingesting."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
from toolkit.cli.render import Format

TABLE_COLUMNS = ("file", "previous", "outcome", "system", "rule", "confidence", "flags", "changed")
CSV_COLUMNS = ("id", "sha256", *TABLE_COLUMNS)


def classify(
    applicant_id: ApplicantArg,
    all_attempts: Annotated[
        bool,
        typer.Option(
            "--all",
            help="Every screenshot, read again with today's signatures (a declared outcome "
            "never overrides a reading; a review stays).",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Read the applicant's screenshots with OCR (or their stored OCR text): those never read
    or of unknown outcome; outcomes and times are decided again as at ingest."""
    from toolkit.ingest.reclassify import reclassify

    with open_ws() as ws, render.progress("OCR") as bar:
        report = reclassify(ws, applicant_id, all_attempts=all_attempts, progress=bar)
    if fmt is Format.json:
        render.emit(report.to_dict(), fmt)
    elif report.changes or fmt is Format.csv:
        columns = TABLE_COLUMNS if fmt is Format.table else CSV_COLUMNS
        render.emit(report.changes, fmt, columns=columns, title=f"Reclassified ({applicant_id})")
    for problem in report.problems:
        render.error(problem)
    render.info(report.summary())
    if report.problems:  # a screenshot could not be read: say so in the exit code
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("classify")(classify)
