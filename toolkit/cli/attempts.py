"""`guichets attempts ID`: the chronological log; `guichets attempts remove ID ATTEMPT`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt, ReasonOpt, ReviewerOpt
from toolkit.cli.render import Format

# Most telling first: a narrow terminal leaves out the last ones (and says which).
TABLE_COLUMNS = (
    "id",
    "local_time",
    "outcome",
    "time_source",
    "outcome_source",
    "flags",
    "channel",
    "file",
    "system",
    "corroboration",
    "rule",
    "url",
)
SHORT_ID = 10


class ListByDefault(TyperGroup):
    """``guichets attempts ID`` lists, as it always did; a subcommand name goes to it."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["list", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=ListByDefault,
    help="List an applicant's attempts and contacts (`guichets attempts ID`), or remove one.",
)


@app.command("list")
def list_(applicant_id: ApplicantArg, fmt: FormatOpt = Format.table) -> None:
    """List an applicant's attempts and contacts, oldest first, in the préfecture's time."""
    from toolkit.attempts import attempt_records

    with open_ws(read_only=True) as ws:
        rows = attempt_records(ws, applicant_id)
    if fmt is Format.table:
        for r in rows:
            r["id"] = r["id"][:SHORT_ID]  # enough to name it for `attempts remove`
            r["flags"] = ", ".join(r["flags"])
        tz = rows[0]["tz"] if rows else ""
        title = f"Attempts of {applicant_id} ({tz})"
        render.emit(rows, fmt, columns=TABLE_COLUMNS, title=title, whole=("id",))
    else:
        render.emit(rows, fmt)


def removal_command(kind: str, help: str, doc: str) -> Callable[..., None]:
    """The `remove` command of ``kind`` (attempt or document): one row, with a reason."""

    def remove(
        applicant_id: ApplicantArg,
        row: str,
        reason: ReasonOpt,
        reviewer: ReviewerOpt = None,
        fmt: FormatOpt = Format.table,
    ) -> None:
        from toolkit.removals import remove_row

        with open_ws() as ws:
            done = remove_row(ws, kind, applicant_id, row, reason=reason, reviewer=reviewer)
        render.removal(done, fmt)

    remove.__doc__ = doc
    # the row's argument is named after its kind (annotations are text under __future__)
    remove.__annotations__["row"] = Annotated[str, typer.Argument(metavar=kind, help=help)]
    return remove


app.command("remove")(
    removal_command(
        "attempt",
        "Attempt or contact id (or its first 6+ characters).",
        "Remove one attempt or contact (custody keeps the row and the reason; the original "
        "stays in the vault).",
    )
)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="attempts")
