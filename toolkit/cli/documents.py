"""`guichets documents list ID` and `guichets documents remove ID DOCUMENT`."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt, ReasonOpt, ReviewerOpt
from toolkit.cli.render import Format

app = typer.Typer(
    help="An applicant's supporting documents: list them, remove one.", no_args_is_help=True
)


@app.command("list")
def list_(applicant_id: ApplicantArg, fmt: FormatOpt = Format.table) -> None:
    """List an applicant's supporting documents (id, kind, title, date, file)."""
    from toolkit.attempts import document_records

    with open_ws(read_only=True) as ws:
        rows = document_records(ws, applicant_id)
    render.emit(rows, fmt, title=f"Documents of {applicant_id}", whole=("id",))


@app.command("remove")
def remove(
    applicant_id: ApplicantArg,
    document: Annotated[str, typer.Argument(help="Document id (or its first 6+ characters).")],
    reason: ReasonOpt,
    reviewer: ReviewerOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Remove one supporting document (custody keeps the row and the reason; the original stays
    in the vault)."""
    from toolkit.removals import remove_document

    with open_ws() as ws:
        done = remove_document(ws, applicant_id, document, reason=reason, reviewer=reviewer)
    render.removal(done, fmt)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="documents")
