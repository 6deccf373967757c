"""Corroboration of attempts by a hand-built robot crawl (probes inserted with SQL)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from toolkit.applicants import get_applicant
from toolkit.attempts import attempt_records
from toolkit.contacts import add_contact
from toolkit.errors import InputError
from toolkit.indicators.applicant import applicant_indicators
from toolkit.indicators.corroboration import (
    CORROBORATION_COLUMNS,
    corroborate,
    corroboration_rows,
)
from toolkit.ingest.records import content_id, insert_attempt
from toolkit.model import Attempt

PARIS = ZoneInfo("Europe/Paris")

FORM = "https://www.seine-maritime.gouv.fr/booking/create/28617/1"
OTHER_FORM = "https://www.seine-maritime.gouv.fr/booking/create/28618/1"

# (local time in Rouen, outcome) of a-76's online attempts, renouvellement in 76, form 28617
ATTEMPTS = {
    "A1": ("2025-03-03 10:00", "no_slot"),  # no slot at 09:30 and 10:45 → corroborated
    "A2": ("2025-03-04 14:00", "no_slot"),  # no slot at 13:10, slots at 14:20 → slots_after
    "A3": ("2025-03-05 18:00", "no_slot"),  # nearest probe 61 min later → not covered at ±60
    "A4": ("2025-03-06 21:00", "captcha"),  # only an error probe: it tells nothing
    "A5": ("2025-03-07 09:00", "slots_available"),  # found slots itself: nothing to corroborate
    "A6": ("2025-03-10 11:00", "no_slot"),  # slots at 10:40, nothing later → contradicted
    "A7": ("2025-03-11 16:00", "no_slot"),  # only a later no-slot probe → no_slot_after
}
# (préfecture, procedure, local time, outcome, slots, url)
PROBES = [
    ("76", "renouvellement", "2025-03-03 09:30", "no_slot", 0, FORM),
    ("76", "renouvellement", "2025-03-03 10:45", "no_slot", None, FORM),
    ("76", "renouvellement", "2025-03-03 11:01", "slots_available", 2, FORM),  # 61 min: outside
    ("76", "renouvellement", "2025-03-04 14:20", "slots_available", 3, FORM),
    ("76", "renouvellement", "2025-03-04 13:10", "no_slot", 0, None),  # no URL: same service
    ("76", "renouvellement", "2025-03-04 13:50", "slots_available", 4, OTHER_FORM),  # other form
    ("76", "renouvellement", "2025-03-05 19:01", "no_slot", 0, FORM),
    ("76", "premiere-demande", "2025-03-05 18:00", "slots_available", 5, FORM),  # other procedure
    ("27", "renouvellement", "2025-03-05 18:00", "slots_available", 5, FORM),  # other préfecture
    ("76", "renouvellement", "2025-03-06 21:00", "error", None, FORM),
    ("76", "renouvellement", "2025-03-07 08:30", "no_slot", 0, FORM),
    ("76", "renouvellement", "2025-03-10 10:40", "slots_available", 1, FORM),
    ("76", "renouvellement", "2025-03-11 16:25", "no_slot", 0, FORM),
]


def local(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=PARIS)


def add_attempt(ws, applicant: str, name: str, when: str, outcome: str, **extra) -> str:
    a = get_applicant(ws, applicant)
    attempt = Attempt(
        applicant_id=applicant, channel="online", observed_at=local(when),
        time_source="filename", outcome=outcome, file_sha256=content_id("png", name),
        original_name=f"{name}.png", url=extra.pop("url", FORM), **extra,
    )  # fmt: skip
    return insert_attempt(ws, attempt, a, ws.new_source("test", None, {}))


def add_probe(ws, pref: str, proc: str, when: str, outcome: str, slots: int | None, url=FORM):
    ws.sql(
        "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome, slots, first_slot, "
        "url) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [pref, proc, local(when), outcome, slots, date(2025, 5, 12) if slots else None, url],
    )


@pytest.fixture
def crawl(ws, applicant: str) -> dict[str, str]:
    ids = {}
    for name, (when, outcome) in ATTEMPTS.items():
        ids[name] = add_attempt(ws, applicant, name, when, outcome)
    for row in PROBES:
        add_probe(ws, *row)
    # a contact at the time of a slots probe is not an attempt: never corroborated
    add_contact(ws, applicant, channel="phone", at="2025-03-04 14:20")
    return {v: k for k, v in ids.items()}


def test_nearest_probe_before_and_after(ws, applicant: str, crawl: dict[str, str]) -> None:
    df = corroborate(ws, applicant)
    assert list(df.columns) == list(CORROBORATION_COLUMNS)
    df = df.astype(object).where(df.notna(), None)  # missing values as None, to compare
    got = {
        crawl[r.attempt_id]: (
            r.probes_nearby, r.minutes_before, r.before_outcome, r.minutes_after,
            r.after_outcome, r.corroboration,
        )
        for r in df.itertuples()
    }  # fmt: skip
    assert got == {
        "A1": (2, 30, "no_slot", 45, "no_slot", "corroborated"),
        "A2": (2, 50, "no_slot", 20, "slots_available", "slots_after"),
        "A3": (0, None, None, None, None, None),
        "A4": (0, None, None, None, None, None),
        "A5": (1, 30, "no_slot", None, None, None),
        "A6": (1, 20, "slots_available", None, None, "contradicted"),
        "A7": (1, None, None, 25, "no_slot", "no_slot_after"),
    }
    a2 = df[df.attempt_id.map(crawl) == "A2"].iloc[0]
    assert (a2.after_at, a2.after_slots, a2.after_first_slot) == (
        datetime(2025, 3, 4, 14, 20, tzinfo=PARIS), 3, date(2025, 5, 12))  # fmt: skip
    assert a2.form == "seine-maritime.gouv.fr/booking/28617"
    assert df.attrs["summary"] == {
        "window_minutes": 60, "covered": 5, "corroborated": 1, "slots_after": 1,
        "contradicted": 1, "no_slot_after": 1,
    }  # fmt: skip


def test_slots_after_a_publication_is_never_contradicted(ws, applicant: str) -> None:
    """The demo's case: no slot at 13:02, the attempt at 13:05, a publication announced for
    14:00 by a page of the same service, slots seen at 14:02."""
    aid = add_attempt(ws, applicant, "rdv prefecture", "2025-02-27 13:05", "no_slot")
    add_attempt(ws, applicant, "annonce", "2025-02-24 14:10", "no_slot",
                next_publication=datetime(2025, 2, 27, 14, 0))  # fmt: skip
    add_probe(ws, "76", "renouvellement", "2025-02-27 13:02", "no_slot", 0)
    add_probe(ws, "76", "renouvellement", "2025-02-27 14:02", "slots_available", 16)
    [row] = [r for r in corroboration_rows(ws, applicant) if r["attempt_id"] == aid]
    assert row["corroboration"] == "slots_after"
    assert (row["before_at"], row["minutes_before"]) == (datetime(2025, 2, 27, 13, 2), 3)
    assert (row["after_at"], row["minutes_after"]) == (datetime(2025, 2, 27, 14, 2), 57)
    assert row["publication_at"] == datetime(2025, 2, 27, 14, 0)
    summary = corroborate(ws, applicant).attrs["summary"]
    assert summary["contradicted"] == 0 and summary["slots_after"] == 1


def test_window_is_configurable(ws, applicant: str, crawl: dict[str, str]) -> None:
    wide = corroborate(ws, applicant, window_minutes=90)
    # A3 now meets its 19:01 no-slot probe (after only); A1's nearest later probe stays 10:45
    assert wide.attrs["summary"] == {
        "window_minutes": 90, "covered": 6, "corroborated": 1, "slots_after": 1,
        "contradicted": 1, "no_slot_after": 2,
    }  # fmt: skip
    narrow = corroborate(ws, applicant, window_minutes=15)
    assert narrow.attrs["summary"] == {
        "window_minutes": 15, "covered": 0, "corroborated": 0, "slots_after": 0,
        "contradicted": 0, "no_slot_after": 0,
    }  # fmt: skip


def test_shown_in_attempts_and_indicators(ws, applicant: str, crawl: dict[str, str]) -> None:
    rows = attempt_records(ws, applicant)
    got = [(r["file"], r["channel"], r["probes_nearby"], r["corroboration"]) for r in rows]
    assert got == [
        ("A1.png", "online", 2, "corroborated"),
        ("A2.png", "online", 2, "slots_after"),
        (None, "phone", None, None),
        ("A3.png", "online", 0, None),
        ("A4.png", "online", 0, None),
        ("A5.png", "online", 1, None),
        ("A6.png", "online", 1, "contradicted"),
        ("A7.png", "online", 1, "no_slot_after"),
    ]
    assert applicant_indicators(ws, applicant)["corroboration"] == {
        "window_minutes": 60, "covered": 5, "corroborated": 1, "slots_after": 1,
        "contradicted": 1, "no_slot_after": 1,
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
        "window_minutes": 60, "covered": 0, "corroborated": 0, "slots_after": 0,
        "contradicted": 0, "no_slot_after": 0,
    }  # fmt: skip


def test_a_probe_within_the_attempts_minute_is_neither_before_nor_after(ws, applicant: str) -> None:
    """A journal says 13:05: the attempt is somewhere in that minute; the slots seen at
    13:05:30 may be before or after it, so they neither contradict nor follow it."""
    aid = add_attempt(ws, applicant, "journal", "2025-02-27 13:05", "no_slot",
                      time_precision="minute")  # fmt: skip
    add_probe(ws, "76", "renouvellement", "2025-02-27 13:02", "no_slot", 0)
    ws.sql(
        "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome, slots) "
        "VALUES ('76', 'renouvellement', ?, 'slots_available', 3)",
        [datetime(2025, 2, 27, 13, 5, 30, tzinfo=PARIS)],
    )
    [row] = [r for r in corroboration_rows(ws, applicant) if r["attempt_id"] == aid]
    assert (row["probes_nearby"], row["before_at"], row["after_at"]) == (
        2, datetime(2025, 2, 27, 13, 2), None)  # fmt: skip
    assert row["corroboration"] == "corroborated"
