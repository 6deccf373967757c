"""French dates as a lawyer writes them."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from toolkit.frenchdates import (
    as_date,
    date_fr,
    datetime_fr,
    month_fr,
    numeric_fr,
    period_fr,
    plural_fr,
    short_date_fr,
    time_fr,
    utc_offset,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2025, 3, 3), "3 mars 2025"),
        (date(2025, 3, 1), "1er mars 2025"),
        (date(2024, 2, 29), "29 février 2024"),
        (date(2025, 8, 15), "15 août 2025"),
        (date(2025, 12, 31), "31 décembre 2025"),
        ("2025-04-01", "1er avril 2025"),
        (datetime(2025, 3, 3, 23, 59), "3 mars 2025"),
    ],
)
def test_date_fr(value: object, text: str) -> None:
    assert date_fr(value) == text  # type: ignore[arg-type]


def test_weekday_month_and_numeric() -> None:
    assert date_fr(date(2025, 3, 3), weekday=True) == "lundi 3 mars 2025"
    assert date_fr(date(2025, 6, 1), weekday=True) == "dimanche 1er juin 2025"
    assert month_fr(date(2025, 2, 10)) == "février 2025"
    assert numeric_fr(date(2025, 3, 3)) == "03/03/2025"
    assert short_date_fr(date(2025, 9, 16)) == "16 sept."
    assert short_date_fr("2025-02-01", year=True) == "1 févr. 2025"  # ticks: no « 1er »


def test_times() -> None:
    t = datetime(2025, 3, 3, 9, 5, 7, tzinfo=ZoneInfo("Europe/Paris"))
    assert time_fr(t) == "9 h 05"
    assert time_fr(t, seconds=True) == "9 h 05 min 07 s"
    assert datetime_fr(t) == "3 mars 2025 à 9 h 05"
    assert utc_offset(t) == "UTC+01:00"
    assert utc_offset(t.replace(month=7)) == "UTC+02:00"
    assert utc_offset(datetime(2025, 1, 1, tzinfo=timezone(timedelta(hours=-3)))) == "UTC-03:00"
    assert utc_offset(datetime(2025, 1, 1)) == "heure locale"


@pytest.mark.parametrize(
    ("a", "b", "text"),
    [
        (date(2025, 3, 3), date(2025, 3, 3), "le 3 mars 2025"),
        (date(2025, 3, 1), date(2025, 3, 17), "du 1er au 17 mars 2025"),
        (date(2025, 2, 28), date(2025, 3, 1), "du 28 février au 1er mars 2025"),
        (date(2024, 12, 28), date(2025, 1, 3), "du 28 décembre 2024 au 3 janvier 2025"),
        (date(2025, 3, 17), date(2025, 3, 1), "du 1er au 17 mars 2025"),
        (None, date(2025, 3, 3), "le 3 mars 2025"),
        (None, None, ""),
    ],
)
def test_period_fr(a: date | None, b: date | None, text: str) -> None:
    assert period_fr(a, b) == text


def test_plural_and_parsing() -> None:
    assert plural_fr(0, "jour", "jours") == "0 jour"
    assert plural_fr(1, "jour", "jours") == "1 jour"
    assert plural_fr(2, "jour", "jours") == "2 jours"
    assert as_date("2025-03-03T10:00:00+01:00") == date(2025, 3, 3)
    assert as_date(None) is None


# --- times at their source's precision ----------------------------------------------------

PARIS = ZoneInfo("Europe/Paris")


def test_clock_and_stamp_keep_the_precision_of_the_source() -> None:
    from toolkit.frenchdates import clock_fr, stamp_fr

    t = datetime(2025, 3, 3, 7, 15, 59, tzinfo=PARIS)
    assert clock_fr(t, "second") == "07:15:59"
    assert clock_fr(t, "minute") == "07:15"  # truncated, never rounded to 07:16
    assert clock_fr(t, "day") == ""
    assert stamp_fr(t, "second") == "03/03/2025 07:15:59 UTC+01:00"
    assert stamp_fr(t, "minute") == "03/03/2025 07:15 UTC+01:00"
    assert stamp_fr(t, "minute", zone=False) == "03/03/2025 07:15"
    assert stamp_fr(t, "day") == "03/03/2025"


def test_moment_fr_in_words_with_the_zone() -> None:
    from toolkit.frenchdates import moment_fr

    utc = datetime(2025, 3, 3, 6, 15, 12, tzinfo=ZoneInfo("UTC"))
    assert moment_fr(utc, "minute", tz="Europe/Paris", weekday=True) == (
        "lundi 3 mars 2025 à 07:15 (heure locale, Europe/Paris, UTC+01:00)"
    )
    assert moment_fr(utc, "second", tz="Indian/Reunion") == (
        "3 mars 2025 à 10:15:12 (heure locale, Indian/Reunion, UTC+04:00)"
    )
    assert moment_fr(utc, "day", tz="Europe/Paris") == "3 mars 2025 (heure non précisée)"
    assert moment_fr(utc, "minute", tz="Europe/Paris", zone=False) == "3 mars 2025 à 07:15"
    with pytest.raises(ValueError, match="precision 'hour'"):
        moment_fr(utc, "hour")


def test_candidates_fr_lists_every_reading_at_its_precision() -> None:
    from toolkit.frenchdates import candidates_fr

    named = datetime(2025, 3, 3, 7, 15, 12, tzinfo=PARIS)
    journal = datetime(2025, 3, 3, 7, 15, tzinfo=PARIS)
    assert candidates_fr([(named, "second", "nom du fichier"), (journal, "minute", "journal")]) == (
        "07:15:12 (nom du fichier) ; 07:15 (journal)"
    )
    clock = datetime(2025, 3, 4, 9, 15, tzinfo=PARIS)  # another day: dates are written
    assert candidates_fr(
        [(clock, "minute", "horloge"), (journal, "minute", "journal")], zone=True
    ) == (
        "04/03/2025 09:15 (horloge) ; 03/03/2025 07:15 (journal) — "
        "heure locale, Europe/Paris, UTC+01:00"
    )
