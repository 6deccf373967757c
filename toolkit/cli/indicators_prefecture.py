"""`guichets indicators prefecture`: saturation per préfecture and procedure."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import (
    FormatOpt,
    PrefectureFilterOpt,
    ProcedureFilterOpt,
    SinceOpt,
    UntilOpt,
)
from toolkit.cli.render import Format

TABLE_COLUMNS = (
    "prefecture", "procedure", "period", "probes", "no_slot_rate", "bucket_none",
    "median_lead_days", "longest_no_slot_hours",
)  # fmt: skip


class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"


def prefecture(
    prefecture: PrefectureFilterOpt = None,
    procedure: ProcedureFilterOpt = None,
    since: SinceOpt = None,
    until: UntilOpt = None,
    by: Annotated[
        Period | None, typer.Option("--by", help="One row per local day, ISO week or month.")
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """No-slot share, La Cimade buckets, lead times and longest run without a slot."""
    from toolkit.indicators.prefecture import prefecture_indicator_records

    with open_ws(read_only=True) as ws:
        rows = prefecture_indicator_records(
            ws,
            prefecture=prefecture,
            procedure=procedure,
            since=since,
            until=until,
            by=by.value if by else None,
            flat=fmt is not Format.json,
        )
    if fmt is Format.table:
        render.emit(rows, fmt, columns=TABLE_COLUMNS, title="Robot probes per préfecture")
    else:
        render.emit(rows, fmt)


def register(app: typer.Typer) -> None:
    app.command("prefecture")(prefecture)
