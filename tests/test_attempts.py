"""The applicant's log through the library: JSON-ready records and an aware DataFrame."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import toolkit.attempts  # the module imported first must not hide the function
from toolkit.applicants import add_applicant, get_applicant
from toolkit.contacts import add_contact
from toolkit.ingest.records import insert_attempt
from toolkit.model import Attempt


def test_the_dataframe_carries_aware_local_datetimes(ws) -> None:
    add_applicant(ws, "g-973", prefecture="973", procedure="premiere-demande")
    a = get_applicant(ws, "g-973")
    at = datetime(2025, 3, 12, 2, 30, tzinfo=ZoneInfo("UTC"))  # 11 March, 23:30 in Cayenne
    attempt = Attempt(applicant_id="g-973", channel="online", observed_at=at,
                      time_source="filename", file_sha256="a" * 64)  # fmt: skip
    insert_attempt(ws, attempt, a, ws.new_source("test", None, {}))
    add_contact(ws, "g-973", channel="phone", at="2025-03-13")
    df = toolkit.attempts(ws, "g-973")
    assert str(df["observed_at"].dtype).endswith(", America/Cayenne]")
    assert [t.isoformat() for t in df["local_time"]] == [
        "2025-03-11T23:30:00-03:00",
        "2025-03-13T00:00:00-03:00",
    ]
    assert [str(d) for d in df["local_date"]] == ["2025-03-11", "2025-03-13"]
    assert df["time_precision"].tolist() == ["second", "day"]
    records = toolkit.attempt_records(ws, "g-973")
    assert [r["local_time"] for r in records] == ["2025-03-11 23:30:00", "2025-03-13"]
