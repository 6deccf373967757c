"""`guichets ingest files`: screenshots, captures and a screenshot log, routed by content."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantOpt, PathsArg, StrictOpt


def files(
    paths: PathsArg,
    applicant: ApplicantOpt,
    outcome: Annotated[
        str | None,
        typer.Option("--outcome", help="Outcome for screenshots the log does not describe."),
    ] = None,
    ocr: Annotated[
        bool | None,
        typer.Option("--ocr/--no-ocr", help="Read images with OCR [default: when installed]."),
    ] = None,
    strict: StrictOpt = False,
) -> None:
    """Ingest evidence of attempts of any kind: images go to `ingest screenshots`, a .csv or
    .xlsx file is their log, pages, HAR, PDFs and e-mails go to `ingest captures`."""
    from toolkit.ingest.route import ingest_files

    with open_ws() as ws, render.progress("Files") as bar:
        result = ingest_files(
            ws, list(paths), applicant, outcome=outcome, ocr=ocr, strict=strict, progress=bar
        )
    render.problems(result.problems)
    code = max((render.ingest_report(r) for r in result.reports), default=0)
    raise typer.Exit(1 if result.problems else code)


def register(app: typer.Typer) -> None:
    app.command("files")(files)
