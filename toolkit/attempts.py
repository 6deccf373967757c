"""An applicant's chronological log of attempts and contacts, and the list of their documents."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from toolkit.applicants import get_applicant
from toolkit.model import TimeSource
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
    "weak_time",
    "outcome",
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
)


def attempt_records(
    ws: Workspace, applicant_id: str, *, window_minutes: int = 60
) -> list[dict[str, Any]]:
    """Every attempt and contact of the applicant, oldest first, times in the préfecture's zone.

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
        SELECT id, applicant_id, channel, observed_at, time_source, time_detail, outcome, system,
               rule, url, slots, first_slot, original_name, file_sha256, direction, subject, note
        FROM attempts WHERE applicant_id = ? ORDER BY observed_at, id
        """,
        [applicant_id],
    )
    out = []
    for r in rows:
        at: datetime = r["observed_at"].astimezone(zone)
        probe = nearby.get(r["id"])
        out.append(
            {
                "id": r["id"],
                "applicant": r["applicant_id"],
                "channel": r["channel"],
                "observed_at": at.isoformat(),
                "local_time": at.strftime("%Y-%m-%d %H:%M:%S"),
                "tz": applicant.tz,
                "time_source": r["time_source"],
                "weak_time": TimeSource(r["time_source"]).weak,
                "outcome": r["outcome"],
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
                "probes_nearby": probe["probes_nearby"] if probe else None,
                "corroboration": probe["corroboration"] if probe else None,
            }
        )
    return out


def attempts(ws: Workspace, applicant_id: str) -> pd.DataFrame:
    """:func:`attempt_records` as a pandas DataFrame (for notebooks)."""
    import pandas as pd

    return pd.DataFrame(attempt_records(ws, applicant_id), columns=list(ATTEMPT_FIELDS))


def document_records(ws: Workspace, applicant_id: str) -> list[dict[str, Any]]:
    """The applicant's supporting documents, by date (undated last), with their ids."""
    applicant = get_applicant(ws, applicant_id)
    return ws.rows(
        """
        SELECT d.id, d.kind, d.title, d.dated, f.original_name AS file, d.file_sha256 AS sha256
        FROM documents d LEFT JOIN files f ON f.sha256 = d.file_sha256
        WHERE d.applicant_id = ? ORDER BY d.dated NULLS LAST, d.id
        """,
        [applicant.id],
    )
