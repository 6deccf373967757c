"""An applicant's chronological log of attempts and contacts, with how each fact was found, and
the list of their documents."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from toolkit.applicants import get_applicant
from toolkit.model import Flag
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

ATTEMPT_FIELDS = (
    "id",
    "applicant",
    "channel",
    "observed_at",
    "local_time",
    "tz",
    "time_source",
    "time_detail",
    "time_precision",
    "weak_time",
    "outcome",
    "outcome_source",
    "read_outcome",
    "declared_outcome",
    "system",
    "rule",
    "url",
    "slots",
    "first_slot",
    "file",
    "sha256",
    "direction",
    "subject",
    "note",
    "flags",
    "flag_detail",
    "times",
)
_LOCAL_TEXT = {"second": "%Y-%m-%d %H:%M:%S", "minute": "%Y-%m-%d %H:%M", "day": "%Y-%m-%d"}


def local_text(value: datetime, precision: str) -> str:
    """A local time written at its precision: ``2025-03-12 10:06`` for a minute."""
    return value.strftime(_LOCAL_TEXT.get(precision, _LOCAL_TEXT["second"]))


def time_candidates(ws: Workspace, attempt_ids: list[str], tz: str) -> dict[str, list[dict]]:
    """Every time found for each attempt (``attempt_times``), the chosen one first."""
    if not attempt_ids:
        return {}
    zone = ZoneInfo(tz)
    marks = ", ".join("?" * len(attempt_ids))
    rows = ws.rows(
        f"""
        SELECT attempt_id, source, detail, value, precision, weak, chosen, rejected, raw
        FROM attempt_times WHERE attempt_id IN ({marks})
        ORDER BY attempt_id, chosen DESC, rejected IS NOT NULL, seq
        """,
        attempt_ids,
    )
    out: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        value = r["value"].astimezone(zone) if isinstance(r["value"], datetime) else None
        out[r["attempt_id"]].append(
            {
                "source": r["source"],
                "detail": r["detail"],
                "value": value.isoformat() if value else None,
                "local_time": local_text(value, r["precision"]) if value else None,
                "precision": r["precision"],
                "weak": r["weak"],
                "chosen": r["chosen"],
                "rejected": r["rejected"],
                "raw": r["raw"],
            }
        )
    return out


def attempt_records(
    ws: Workspace, applicant_id: str, *, window_minutes: int = 60
) -> list[dict[str, Any]]:
    """Every attempt and contact of the applicant, oldest first, times in the préfecture's zone.

    ``observed_at`` is ISO 8601 with the offset; ``local_time`` is written at the
    precision of the source that dated the attempt (``time_precision``: second, minute or
    day); ``times`` lists every time found (the chosen one first, rejected ones with their
    reason). ``outcome`` is the effective outcome (``unknown`` in an outcome conflict),
    ``outcome_source`` how it was decided (read, declared, reviewed), ``flags`` what a
    person should look at (see :mod:`toolkit.provenance`).

    For online attempts, ``probes_nearby`` counts the robot probes of the same préfecture
    and procedure within ± ``window_minutes`` and ``corroboration`` is ``corroborated``,
    ``contradicted`` or None (see :mod:`toolkit.indicators.corroboration`); both are None
    for contacts.
    """
    from toolkit.indicators.corroboration import corroboration_rows

    applicant = get_applicant(ws, applicant_id)
    nearby = {
        r["attempt_id"]: r
        for r in corroboration_rows(ws, applicant_id, window_minutes=window_minutes)
    }
    zone = ZoneInfo(applicant.tz)
    rows = ws.rows(
        """
        SELECT id, applicant_id, channel, observed_at, time_source, time_detail, time_precision,
               outcome, outcome_source, read_outcome, declared_outcome, system, rule, url, slots,
               first_slot, original_name, file_sha256, direction, subject, note, flags,
               flag_detail
        FROM attempts WHERE applicant_id = ? ORDER BY observed_at, id
        """,
        [applicant_id],
    )
    times = time_candidates(ws, [r["id"] for r in rows], applicant.tz)
    out = []
    for r in rows:
        at: datetime = r["observed_at"].astimezone(zone)
        precision = r["time_precision"] or "second"
        flags = list(r["flags"] or [])
        probe = nearby.get(r["id"])
        out.append(
            {
                "id": r["id"],
                "applicant": r["applicant_id"],
                "channel": r["channel"],
                "observed_at": at.isoformat(),
                "local_time": local_text(at, precision),
                "tz": applicant.tz,
                "time_source": r["time_source"],
                "time_detail": r["time_detail"],
                "time_precision": precision,
                "weak_time": Flag.WEAK_TIME in flags,
                "outcome": r["outcome"],
                "outcome_source": r["outcome_source"],
                "read_outcome": r["read_outcome"],
                "declared_outcome": r["declared_outcome"],
                "system": r["system"],
                "rule": r["rule"],
                "url": r["url"],
                "slots": r["slots"],
                "first_slot": r["first_slot"].isoformat() if r["first_slot"] else None,
                "file": r["original_name"],
                "sha256": r["file_sha256"],
                "direction": r["direction"],
                "subject": r["subject"],
                "note": r["note"],
                "flags": flags,
                "flag_detail": json.loads(r["flag_detail"]) if r["flag_detail"] else {},
                "times": times.get(r["id"], []),
                "probes_nearby": probe["probes_nearby"] if probe else None,
                "corroboration": probe["corroboration"] if probe else None,
            }
        )
    return out


def attempts(ws: Workspace, applicant_id: str) -> pd.DataFrame:
    """:func:`attempt_records` as a pandas DataFrame (for notebooks).

    ``observed_at`` and ``local_time`` are timezone-aware datetimes in the préfecture's
    zone (the same instant; ``time_precision`` says how much of it the source gave),
    ``local_date`` the local date, ``first_slot`` a date.
    """
    import pandas as pd

    records = attempt_records(ws, applicant_id)
    tz = get_applicant(ws, applicant_id).tz
    columns = [*ATTEMPT_FIELDS, "local_date", "probes_nearby", "corroboration"]
    df = pd.DataFrame(records, columns=columns)
    moment = pd.to_datetime(df["observed_at"], utc=True, format="ISO8601").dt.tz_convert(tz)
    df["observed_at"] = moment
    df["local_time"] = moment
    df["local_date"] = moment.dt.date
    df["first_slot"] = pd.to_datetime(df["first_slot"]).dt.date
    return df


def document_records(ws: Workspace, applicant_id: str) -> list[dict[str, Any]]:
    """The applicant's supporting documents, by date (undated last), with their ids: id, kind,
    title, dated, file (the name it came with), sha256 and size (bytes)."""
    applicant = get_applicant(ws, applicant_id)
    return ws.rows(
        """
        SELECT d.id, d.kind, d.title, d.dated, f.original_name AS file, d.file_sha256 AS sha256,
            f.size
        FROM documents d LEFT JOIN files f ON f.sha256 = d.file_sha256
        WHERE d.applicant_id = ? ORDER BY d.dated NULLS LAST, d.id
        """,
        [applicant.id],
    )
