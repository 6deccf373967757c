"""`guichets letter ddd|prefecture|requete ID --out FILE.docx`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, OutFileOpt, checked_paths

app = typer.Typer(
    help="Letters as editable DOCX: Défenseur des droits, préfecture, draft référé.",
    no_args_is_help=True,
)

TemplatesOpt = Annotated[
    Path | None,
    typer.Option(
        "--templates",
        help="Folder with your own ddd.docx, prefecture.docx, requete.docx.",
        callback=checked_paths,
    ),
]
PdfOpt = Annotated[bool, typer.Option("--pdf", help="Also write a PDF (needs LibreOffice).")]
ExhibitsOpt = Annotated[
    Path | None,
    typer.Option(
        "--exhibits",
        help="List the pièces of this exhibit folder (default: as planned now).",
        callback=checked_paths,
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


LETTERS = {  # command and kind -> its help
    "ddd": "Réclamation to the Défenseur des droits (Libre réponse 71120, 75342 Paris Cedex 07).",
    "prefecture": "Written request to the préfet: an appointment or the « solution de "
    "substitution ».",
    "requete": "Draft référé « mesures utiles » for the lawyer to complete (article L.521-3 CJA).",
}


def _command(kind: str, help: str) -> None:
    """Register ``guichets letter KIND``: every letter takes the same arguments."""

    def command(
        applicant_id: ApplicantArg,
        out: OutFileOpt,
        templates: TemplatesOpt = None,
        pdf: PdfOpt = False,
        exhibits: ExhibitsOpt = None,
    ) -> None:
        _build(kind, applicant_id, out, templates, pdf, exhibits)

    command.__doc__ = help
    app.command(kind)(command)


for _kind, _help in LETTERS.items():
    _command(_kind, _help)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="letter")
