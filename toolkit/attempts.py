"""An applicant's chronological log of attempts and contacts."""

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


def attempt_records(ws: Workspace, applicant_id: str) -> list[dict[str, Any]]:
    """Every attempt and contact of the applicant, oldest first, times in the préfecture's zone."""
    applicant = get_applicant(ws, applicant_id)
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
            }
        )
    return out


def attempts(ws: Workspace, applicant_id: str) -> pd.DataFrame:
    """:func:`attempt_records` as a pandas DataFrame (for notebooks)."""
    import pandas as pd

    return pd.DataFrame(attempt_records(ws, applicant_id), columns=list(ATTEMPT_FIELDS))
