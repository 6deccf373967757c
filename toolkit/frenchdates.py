"""Dates and times written the French way: « 1er mars 2025 », « 3 mars 2025 à 14 h 05 »."""

from __future__ import annotations

from datetime import date, datetime

MONTHS_FR = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)  # fmt: skip
WEEKDAYS_FR = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS_SHORT_FR = (
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
)  # fmt: skip
WEEKDAYS_SHORT_FR = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")


def as_date(value: date | datetime | str | None) -> date | None:
    """A date from a date, a datetime (its own wall-clock date) or an ISO string."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text).date() if "T" in text else date.fromisoformat(text)
    except ValueError:
        return datetime.fromisoformat(text).date()


def _given(value: date | datetime | str, caller: str) -> date:
    d = as_date(value)
    if d is None:
        raise ValueError(f"{caller}: no date given")
    return d


def day_fr(d: date) -> str:
    """« 1er » for the first of the month, the plain number otherwise."""
    return "1er" if d.day == 1 else str(d.day)


def date_fr(value: date | datetime | str, *, weekday: bool = False) -> str:
    """« 3 mars 2025 », « 1er mars 2025 »; with ``weekday``: « lundi 3 mars 2025 »."""
    d = _given(value, "date_fr")
    text = f"{day_fr(d)} {MONTHS_FR[d.month - 1]} {d.year}"
    return f"{WEEKDAYS_FR[d.weekday()]} {text}" if weekday else text


def month_fr(value: date | datetime | str) -> str:
    """« mars 2025 »."""
    d = _given(value, "month_fr")
    return f"{MONTHS_FR[d.month - 1]} {d.year}"


def short_date_fr(value: date | datetime | str, *, year: bool = False) -> str:
    """« 12 mars », or « 12 mars 2025 » with ``year`` (chart ticks)."""
    d = _given(value, "short_date_fr")
    text = f"{d.day} {MONTHS_SHORT_FR[d.month - 1]}"
    return f"{text} {d.year}" if year else text


def time_fr(dt: datetime, *, seconds: bool = False) -> str:
    """« 14 h 05 » (French typographic usage), « 9 h 03 min 12 s » with seconds."""
    text = f"{dt.hour} h {dt.minute:02d}"
    return f"{text} min {dt.second:02d} s" if seconds else text


def datetime_fr(dt: datetime, *, weekday: bool = False, seconds: bool = False) -> str:
    """« 3 mars 2025 à 14 h 05 »."""
    return f"{date_fr(dt, weekday=weekday)} à {time_fr(dt, seconds=seconds)}"


def numeric_fr(value: date | datetime | str) -> str:
    """« 03/03/2025 »."""
    d = _given(value, "numeric_fr")
    return d.strftime("%d/%m/%Y")


def utc_offset(dt: datetime) -> str:
    """« UTC+01:00 », « UTC-03:00 » for an aware time."""
    off = dt.utcoffset()
    if off is None:
        return "heure locale"
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def period_fr(start: date | datetime | str | None, end: date | datetime | str | None) -> str:
    """A span of days: « le 3 mars 2025 », « du 3 au 17 mars 2025 », « du 28 février au
    3 mars 2025 », « du 28 décembre 2024 au 3 janvier 2025 ». Empty when no date."""
    a, b = as_date(start), as_date(end)
    if a is None and b is None:
        return ""
    if a is None or b is None or a == b:
        return f"le {date_fr(a or b)}"  # type: ignore[arg-type]
    if a > b:
        a, b = b, a
    if a.year != b.year:
        return f"du {date_fr(a)} au {date_fr(b)}"
    if a.month != b.month:
        return f"du {day_fr(a)} {MONTHS_FR[a.month - 1]} au {date_fr(b)}"
    return f"du {day_fr(a)} au {date_fr(b)}"


def duration_days_fr(days: int) -> str:
    """« 1 jour », « 23 jours »."""
    return f"{days} jour" if abs(days) <= 1 else f"{days} jours"


def plural_fr(n: int, singular: str, plural: str) -> str:
    """« 1 jour distinct », « 27 jours distincts » (0 and 1 take the singular in French)."""
    return f"{n} {singular if abs(n) <= 1 else plural}"
