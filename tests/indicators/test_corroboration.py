"""Corroboration of attempts by a hand-built robot crawl (probes inserted with SQL)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from toolkit.applicants import get_applicant
from toolkit.attempts import attempt_records
from toolkit.contacts import add_contact
from toolkit.errors import InputError
from toolkit.indicators.applicant import applicant_indicators
from toolkit.indicators.corroboration import CORROBORATION_COLUMNS, corroborate
from toolkit.ingest.records import content_id, insert_attempt
from toolkit.model import Attempt

PARIS = ZoneInfo("Europe/Paris")

# (local time in Rouen, outcome) of a-76's online attempts, renouvellement in 76
ATTEMPTS = {
    "A1": ("2025-03-03 10:00", "no_slot"),  # two no-slot probes around it → corroborated
    "A2": ("2025-03-04 14:00", "no_slot"),  # a probe 20 min later saw slots → contradicted
    "A3": ("2025-03-05 18:00", "no_slot"),  # nearest probe 61 min later → not covered at ±60
    "A4": ("2025-03-06 21:00", "captcha"),  # only an error probe → covered, no verdict
    "A5": ("2025-03-07 09:00", "slots_available"),  # found slots itself → covered, no verdict
}
# (préfecture, procedure, local time, outcome, slots)
PROBES = [
    ("76", "renouvellement", "2025-03-03 09:30", "no_slot", 0),
    ("76", "renouvellement", "2025-03-03 10:45", "no_slot", None),
    ("76", "renouvellement", "2025-03-03 11:01", "slots_available", 2),  # 61 min: outside
    ("76", "renouvellement", "2025-03-04 14:20", "slots_available", 3),
    ("76", "renouvellement", "2025-03-04 13:10", "no_slot", 0),
    ("76", "renouvellement", "2025-03-05 19:01", "no_slot", 0),
    ("76", "premiere-demande", "2025-03-05 18:00", "slots_available", 5),  # other procedure
    ("27", "renouvellement", "2025-03-05 18:00", "slots_available", 5),  # other préfecture
    ("76", "renouvellement", "2025-03-06 21:00", "error", None),
    ("76", "renouvellement", "2025-03-07 08:30", "no_slot", 0),
]


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=PARIS)


@pytest.fixture
def crawl(ws, applicant: str) -> dict[str, str]:
    a = get_applicant(ws, applicant)
    source = ws.new_source("test", None, {})
    ids = {}
    for name, (when, outcome) in ATTEMPTS.items():
        attempt = Attempt(
            applicant_id=applicant, channel="online", observed_at=local(when),
            time_source="filename", outcome=outcome, file_sha256=content_id("png", name),
            original_name=f"{name}.png",
        )  # fmt: skip
        ids[name] = insert_attempt(ws, attempt, a, source)
    for pref, proc, when, outcome, slots in PROBES:
        ws.sql(
            "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome, slots, first_slot) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                pref,
                proc,
                local(when),
                outcome,
                slots,
                datetime(2025, 5, 12).date() if slots else None,
            ],
        )
    # a contact at the time of a slots probe is not an attempt: never corroborated
    add_contact(ws, applicant, channel="phone", at="2025-03-04 14:20")
    return {v: k for k, v in ids.items()}


def test_per_attempt_and_summary(ws, applicant: str, crawl: dict[str, str]) -> None:
    df = corroborate(ws, applicant)
    assert list(df.columns) == list(CORROBORATION_COLUMNS)
    assert str(df.loc[df.attempt_id.map(crawl) == "A2", "probe_first_slot"].iloc[0])[:10] == (
        "2025-05-12"
    )
    df = df.astype(object).where(df.notna(), None)  # missing values as None, to compare
    got = {
        crawl[r.attempt_id]: (
            r.probes_nearby,
            r.probes_no_slot,
            r.probes_with_slots,
            r.nearest_probe_minutes,
            r.corroboration,
        )
        for r in df.itertuples()
    }
    assert got == {
        "A1": (2, 2, 0, 30.0, "corroborated"),
        "A2": (2, 1, 1, 20.0, "contradicted"),
        "A3": (0, 0, 0, None, None),
        "A4": (1, 0, 0, 0.0, None),
        "A5": (1, 1, 0, 30.0, None),
    }
    assert df.attrs["summary"] == {
        "window_minutes": 60, "covered": 4, "corroborated": 1, "contradicted": 1,
    }  # fmt: skip


def test_window_is_configurable(ws, applicant: str, crawl: dict[str, str]) -> None:
    wide = corroborate(ws, applicant, window_minutes=90)
    # A3 now meets its 19:01 no-slot probe; A1 also meets the 11:01 slots probe
    assert wide.attrs["summary"] == {
        "window_minutes": 90, "covered": 5, "corroborated": 1, "contradicted": 2,
    }  # fmt: skip
    narrow = corroborate(ws, applicant, window_minutes=15)
    assert narrow.attrs["summary"] == {
        "window_minutes": 15, "covered": 1, "corroborated": 0, "contradicted": 0,
    }  # fmt: skip


def test_shown_in_attempts_and_indicators(ws, applicant: str, crawl: dict[str, str]) -> None:
    rows = attempt_records(ws, applicant)
    got = [(r["file"], r["channel"], r["probes_nearby"], r["corroboration"]) for r in rows]
    assert got == [
        ("A1.png", "online", 2, "corroborated"),
        ("A2.png", "online", 2, "contradicted"),
        (None, "phone", None, None),
        ("A3.png", "online", 0, None),
        ("A4.png", "online", 1, None),
        ("A5.png", "online", 1, None),
    ]
    assert applicant_indicators(ws, applicant)["corroboration"] == {
        "window_minutes": 60, "covered": 4, "corroborated": 1, "contradicted": 1,
    }  # fmt: skip


def test_overseas_probe_matched_on_the_instant(ws) -> None:
    """Réunion: the attempt and the probe are compared as instants, whatever the zone."""
    from toolkit.applicants import add_applicant

    add_applicant(ws, "r-974", prefecture="974", procedure="renouvellement")
    a = get_applicant(ws, "r-974")
    reunion = ZoneInfo("Indian/Reunion")
    attempt = Attempt(
        applicant_id="r-974", channel="online", time_source="filename", outcome="no_slot",
        observed_at=datetime(2025, 3, 10, 3, 30, tzinfo=reunion), file_sha256="f" * 64,
    )  # fmt: skip
    insert_attempt(ws, attempt, a, ws.new_source("test", None, {}))
    ws.sql(
        "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome) VALUES "
        "('974', 'renouvellement', TIMESTAMPTZ '2025-03-09 23:10:00+00', 'no_slot')"
    )
    df = corroborate(ws, "r-974")
    assert df.attrs["summary"]["corroborated"] == 1
    # aware times in the préfecture's zone, not UTC and not text
    assert str(df["local_time"].dtype).endswith(", Indian/Reunion]")
    assert df["local_time"][0].isoformat() == "2025-03-10T03:30:00+04:00"


@pytest.mark.parametrize("window", [0, -5, 1441])
def test_bad_window(ws, applicant: str, window: int) -> None:
    with pytest.raises(InputError, match=rf"corroboration window {window} min: use 1 to 1440"):
        corroborate(ws, applicant, window_minutes=window)


def test_no_probes_no_attempts(ws, applicant: str) -> None:
    df = corroborate(ws, applicant)
    assert df.empty and list(df.columns) == list(CORROBORATION_COLUMNS)
    assert df.attrs["summary"] == {
        "window_minutes": 60, "covered": 0, "corroborated": 0, "contradicted": 0,
    }  # fmt: skip
