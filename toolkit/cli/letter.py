"""`guichets letter ddd|prefecture|requete ID --out FILE.docx`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, OutFileOpt

app = typer.Typer(
    help="Letters as editable DOCX: Défenseur des droits, préfecture, draft référé.",
    no_args_is_help=True,
)

TemplatesOpt = Annotated[
    Path | None,
    typer.Option(
        "--templates", help="Folder with your own ddd.docx, prefecture.docx, requete.docx."
    ),
]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Also write a PDF (needs LibreOffice).")]
ExhibitsOpt = Annotated[
    Path | None,
    typer.Option(
        "--exhibits", help="List the pièces of this exhibit folder (default: as planned now)."
    ),
]


def _build(
    kind: str,
    applicant_id: str,
    out: Path,
    templates: Path | None,
    pdf: bool,
    exhibits: Path | None,
) -> None:
    from toolkit.documents import build_letter

    with open_ws() as ws:
        path = build_letter(
            ws, applicant_id, kind, out, templates=templates, pdf=pdf, exhibits=exhibits
        )
    render.info(f"Letter written: {path}")
    if pdf:
        render.info(f"PDF written: {path.with_suffix('.pdf')}")


@app.command("ddd")
def ddd(
    applicant_id: ApplicantArg,
    out: OutFileOpt,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
    exhibits: ExhibitsOpt = None,
) -> None:
    """Réclamation to the Défenseur des droits (Libre réponse 71120, 75342 Paris Cedex 07)."""
    _build("ddd", applicant_id, out, templates, pdf, exhibits)


@app.command("prefecture")
def prefecture(
    applicant_id: ApplicantArg,
    out: OutFileOpt,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
    exhibits: ExhibitsOpt = None,
) -> None:
    """Written request to the préfet: an appointment or the « solution de substitution »."""
    _build("prefecture", applicant_id, out, templates, pdf, exhibits)


@app.command("requete")
def requete(
    applicant_id: ApplicantArg,
    out: OutFileOpt,
    templates: TemplatesOpt = None,
    pdf: PdfOpt = False,
    exhibits: ExhibitsOpt = None,
) -> None:
    """Draft référé « mesures utiles » for the lawyer to complete (article L.521-3 CJA)."""
    _build("requete", applicant_id, out, templates, pdf, exhibits)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="letter")
