"""`guichets ingest captures`: saved pages, HAR exports, printed PDFs and e-mails."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantOpt, PathsArg, StrictOpt


def captures(
    paths: PathsArg,
    applicant: ApplicantOpt,
    ocr: Annotated[
        bool | None,
        typer.Option(
            "--ocr/--no-ocr",
            help="Read PDFs that have no text layer with OCR [default: when tesseract is installed].",
        ),
    ] = None,
    strict: StrictOpt = False,
) -> None:
    """Ingest failed-booking captures: .html/.htm, .mhtml/.mht, .har, .pdf (printed page), .eml.

    Each booking page becomes a dated online attempt, classified by system and outcome;
    each e-mail becomes a contact (sent or received).
    """
    from toolkit.ingest.captures import ingest_captures

    with open_ws() as ws, render.progress("Captures") as bar:
        report = ingest_captures(ws, list(paths), applicant, strict=strict, ocr=ocr, progress=bar)
    raise typer.Exit(render.ingest_report(report))


def register(app: typer.Typer) -> None:
    app.command("captures")(captures)
