"""`guichets letter KIND ID --out FILE.docx`: one command per kind of the letter registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt, OutFileOpt, checked_paths
from toolkit.cli.render import Format

app = typer.Typer(
    help="Letters as editable DOCX, each with a note for the lawyer: Défenseur des droits, "
    "préfet, draft référé.",
    no_args_is_help=True,
)
Opt = typer.Option

TemplatesOpt = Annotated[
    Path | None,
    Opt(
        "--templates",
        help="Folder with your own copies of the templates.",
        callback=checked_paths,
    ),
]
PdfOpt = Annotated[bool, Opt("--pdf", help="Also write a PDF (needs LibreOffice).")]
ExhibitsOpt = Annotated[
    Path | None,
    Opt(
        "--exhibits",
        help="Refer to the pièces of this exhibit folder (default: as planned now).",
        callback=checked_paths,
    ),
]
DraftOpt = Annotated[
    bool,
    Opt("--draft", help="Write it even when `check` fails, each failure marked « À vérifier »."),
]
SignerOpt = Annotated[
    str | None, Opt("--signed-by", help="demandeur or avocat [default: the letter's usual signer].")
]
RefereOpt = Annotated[
    str, Opt("--refere", help="DDD: is a référé none, planned or filed (asks for observations).")
]
RulesOpt = Annotated[Path | None, Opt("--rules", help="Readiness rules laid over the bundled.")]
TodayOpt = Annotated[str | None, Opt("--today", help="Date of the letter, YYYY-MM-DD.")]


def _command(kind: str, help: str) -> None:
    """Register ``guichets letter KIND``: every letter takes the same arguments."""

    def command(
        applicant_id: ApplicantArg,
        out: OutFileOpt,
        templates: TemplatesOpt = None,
        pdf: PdfOpt = False,
        exhibits: ExhibitsOpt = None,
        draft: DraftOpt = False,
        signed_by: SignerOpt = None,
        refere: RefereOpt = "planned",
        rules: RulesOpt = None,
        today: TodayOpt = None,
    ) -> None:
        from toolkit.applicants import parse_date
        from toolkit.documents import build_letter

        with open_ws() as ws:
            result = build_letter(
                ws, applicant_id, kind, out, templates=templates, pdf=pdf, exhibits=exhibits,
                draft=draft, signer=signed_by, refere=refere, rules=rules,
                today=parse_date(today, "--today"),
            )  # fmt: skip
        for warning in result.warnings:
            render.warn(warning)
        render.info(f"{'Draft' if result.draft else 'Letter'} written: {result.docx}")
        render.info(f"Note for the lawyer (not to be filed): {result.note}")
        if result.pdf:
            render.info(f"PDF written: {result.pdf}")

    command.__doc__ = help
    app.command(kind)(command)


@app.command("list")
def list_(
    applicant_id: ApplicantArg, today: TodayOpt = None, fmt: FormatOpt = Format.table
) -> None:
    """Every kind of letter, and whether the timeline proposes it, allows it or refuses it."""
    from toolkit.applicants import parse_date
    from toolkit.documents.letters import letter_choices

    with open_ws(read_only=True) as ws:
        rows = letter_choices(ws, applicant_id, today=parse_date(today, "--today"))
    render.emit(rows, fmt, columns=("kind", "status", "title", "why"), title="Letters")


def _register_kinds() -> None:
    from toolkit.documents.letter_kinds import LETTER_KINDS

    for kind in LETTER_KINDS.values():
        _command(kind.name, kind.help)


_register_kinds()


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="letter")
