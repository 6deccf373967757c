"""Dates and times written the French way: « 1er mars 2025 », « 3 mars 2025 à 14 h 05 ».

A time is printed at its source's precision (``second``, ``minute`` or ``day``): a journal
that says « 07:15 » is never printed « 07:15:00 » (see :func:`moment_fr`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

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


# --- a time at its source's precision -------------------------------------------------------

PRECISIONS = ("second", "minute", "day")  # finest first


def _check_precision(precision: str) -> str:
    if precision not in PRECISIONS:
        raise ValueError(f"precision {precision!r}: use one of {', '.join(PRECISIONS)}")
    return str(precision)


def _in_zone(value: datetime, tz: str | None) -> datetime:
    if tz is not None:
        if value.tzinfo is None:
            raise ValueError("a naive time cannot be placed in a zone here; localise it first")
        return value.astimezone(ZoneInfo(tz))
    return value


def clock_fr(value: datetime, precision: str, *, tz: str | None = None) -> str:
    """« 07:15:12 » (second), « 07:15 » (minute), « » (day): the clock as its source gave it.

    Truncated, never rounded: a source at the minute says nothing of the seconds.
    """
    p = _check_precision(precision)
    v = _in_zone(value, tz)
    if p == "day":
        return ""
    return f"{v:%H:%M:%S}" if p == "second" else f"{v:%H:%M}"


def zone_fr(value: datetime) -> str:
    """« heure locale, Europe/Paris, UTC+01:00 » for an aware time, « heure locale » if naive."""
    if value.tzinfo is None or value.utcoffset() is None:
        return "heure locale"
    name = getattr(value.tzinfo, "key", None)
    return f"heure locale, {name}, {utc_offset(value)}" if name else f"heure {utc_offset(value)}"


def moment_fr(
    value: datetime,
    precision: str,
    *,
    tz: str | None = None,
    weekday: bool = False,
    zone: bool = True,
) -> str:
    """A time in words at its precision, with its zone (captions, letters).

    second: « lundi 3 mars 2025 à 10:06:32 (heure locale, Europe/Paris, UTC+01:00) »;
    minute: « … à 10:06 (…) »; day: « lundi 3 mars 2025 (heure non précisée) ».
    ``tz`` converts an aware time into that IANA zone first; ``zone=False`` leaves the
    bracket out.
    """
    p = _check_precision(precision)
    v = _in_zone(value, tz)
    day = date_fr(v, weekday=weekday)
    if p == "day":
        return f"{day} (heure non précisée)" if zone else day
    text = f"{day} à {clock_fr(v, p)}"
    return f"{text} ({zone_fr(v)})" if zone else text


def stamp_fr(value: datetime, precision: str, *, tz: str | None = None, zone: bool = True) -> str:
    """A time in figures at its precision (tables): « 03/03/2025 10:06:32 UTC+01:00 »,
    « 03/03/2025 10:06 UTC+01:00 », « 03/03/2025 » (day)."""
    p = _check_precision(precision)
    v = _in_zone(value, tz)
    if p == "day":
        return f"{v:%d/%m/%Y}"
    text = f"{v:%d/%m/%Y} {clock_fr(v, p)}"
    return f"{text} {utc_offset(v)}" if zone and v.tzinfo is not None else text


def candidates_fr(
    times: Iterable[tuple[datetime, str, str]], *, tz: str | None = None, zone: bool = False
) -> str:
    """Several readings of one moment, each at its precision with its label:
    « 07:15:12 (nom du fichier) ; 07:15 (journal) ».

    ``times``: (value, precision, label) in the order to print. The date is written only when
    the readings fall on different days (or one is at the day), the zone once at the end
    when ``zone``.
    """
    items = [(_in_zone(v, tz), _check_precision(p), label) for v, p, label in times]
    if not items:
        return ""
    days = {v.date() for v, _, _ in items}
    with_date = len(days) > 1 or any(p == "day" for _, p, _ in items)
    parts = []
    for v, p, label in items:
        text = stamp_fr(v, p, zone=False) if with_date else clock_fr(v, p)
        parts.append(f"{text} ({label})")
    text = " ; ".join(parts)
    return f"{text} — {zone_fr(items[0][0])}" if zone else text
