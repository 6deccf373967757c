"""`guichets attempts ID`: the chronological log."""

from __future__ import annotations

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
from toolkit.cli.render import Format

# Most telling first: a narrow terminal leaves out the last ones (and says which).
TABLE_COLUMNS = (
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


def attempts(applicant_id: ApplicantArg, fmt: FormatOpt = Format.table) -> None:
    """List an applicant's attempts and contacts, oldest first, in the préfecture's time."""
    from toolkit.attempts import attempt_records

    with open_ws(read_only=True) as ws:
        rows = attempt_records(ws, applicant_id)
    if fmt is Format.table:
        for r in rows:
            r["flags"] = ", ".join(r["flags"])
        tz = rows[0]["tz"] if rows else ""
        render.emit(rows, fmt, columns=TABLE_COLUMNS, title=f"Attempts of {applicant_id} ({tz})")
    else:
        render.emit(rows, fmt)


def register(app: typer.Typer) -> None:
    app.command("attempts")(attempts)
