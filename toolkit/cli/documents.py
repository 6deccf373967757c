"""`guichets documents list ID` and `guichets documents remove ID DOCUMENT`."""

from __future__ import annotations

import typer

from toolkit.cli import render
from toolkit.cli.attempts import removal_command
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
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


app.command("remove")(
    removal_command(
        "document",
        "Document id (or its first 6+ characters).",
        "Remove one supporting document (custody keeps the row and the reason; the original "
        "stays in the vault).",
    )
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="documents")
