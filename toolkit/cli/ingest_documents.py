"""`guichets ingest documents`: permit, CCC attestation, letters, e-mails, proof of urgency."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantOpt, PathsArg, StrictOpt


def documents(
    paths: PathsArg,
    applicant: ApplicantOpt,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help="permit (titre or récépissé), ccc_attestation, letter (LRAR, avis de réception), "
            "email, urgency (job contract, employer letter, benefits notice, exam convocation…), "
            "identity, sworn_statement (the applicant's attestation sur l'honneur that the "
            "captures are theirs) or other.",
        ),
    ],
    title: Annotated[
        str | None, typer.Option("--title", help="Label for the exhibit list [default: file name].")
    ] = None,
    dated: Annotated[
        str | None,
        typer.Option(
            "--dated", help="Date the document bears, YYYY-MM-DD [default: PDF or e-mail date]."
        ),
    ] = None,
    strict: StrictOpt = False,
) -> None:
    """Ingest supporting documents (PDF, PNG/JPEG/WebP/HEIC image, .eml e-mail)."""
    from toolkit.ingest.documents import ingest_documents

    with open_ws() as ws, render.progress("Documents") as bar:
        report = ingest_documents(
            ws, list(paths), applicant, kind=kind, title=title, dated=dated, strict=strict,
            progress=bar,
        )  # fmt: skip
    raise typer.Exit(render.ingest_report(report))


def register(app: typer.Typer) -> None:
    app.command("documents")(documents)
