"""`guichets ingest …`: originals into the vault, facts into the store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantOpt, PathsArg, StrictOpt, checked_paths

app = typer.Typer(help="Ingest evidence files.", no_args_is_help=True)


@app.command("screenshots")
def screenshots(
    paths: PathsArg,
    applicant: ApplicantOpt,
    log: Annotated[
        Path | None,
        typer.Option(
            "--log",
            help="Screenshot log (CSV/XLSX: fichier, date, heure, url, résultat, note).",
            callback=checked_paths,
        ),
    ] = None,
    outcome: Annotated[
        str | None,
        typer.Option(
            "--outcome",
            help="Outcome you declare for files the log does not describe, e.g. no_slot; it "
            "only fills what OCR could not read (a contradiction is flagged for review).",
        ),
    ] = None,
    ocr: Annotated[
        bool | None,
        typer.Option(
            "--ocr/--no-ocr",
            help="Read screenshots with OCR [default: when tesseract is installed].",
        ),
    ] = None,
    strict: StrictOpt = False,
) -> None:
    """Ingest screenshots (PNG, JPEG, WebP, HEIC) as dated online attempts."""
    from toolkit.ingest.screenshots import ingest_screenshots

    with open_ws() as ws, render.progress("Screenshots") as bar:
        report = ingest_screenshots(
            ws,
            list(paths),
            applicant,
            log=log,
            outcome=outcome,
            strict=strict,
            ocr=ocr,
            progress=bar,
        )
    raise typer.Exit(render.ingest_report(report))


def _register() -> None:
    from toolkit.cli import ingest_captures, ingest_crawl, ingest_documents, ingest_files

    ingest_captures.register(app)
    ingest_crawl.register(app)
    ingest_documents.register(app)
    ingest_files.register(app)


_register()
