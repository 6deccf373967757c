"""Dates and times as people write them in French and English spreadsheets.

Explicit formats only: a day-first date is never guessed as month-first.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

_DATE_PATTERNS = (
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"), "ymd"),
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})"), "dmy"),
    (re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2})"), "dmy2"),
)
_TIME_RE = re.compile(
    r"(\d{1,2})\s*(?:[:hH.]|\s*h\s*)\s*(\d{2})?(?:\s*[:m.]\s*(\d{2}))?(?:[.,]\d+)?\s*(am|pm|AM|PM)?"
)
EXCEL_EPOCH = datetime(1899, 12, 30)


def parse_date_text(text: str) -> date | None:
    text = text.strip()
    for rx, kind in _DATE_PATTERNS:
        m = rx.match(text)
        if not m:
            continue
        a, b, c = (int(g) for g in m.groups())
        try:
            if kind == "ymd":
                return date(a, b, c)
            if kind == "dmy":
                return date(c, b, a)
            return date(2000 + c if c < 70 else 1900 + c, b, a)
        except ValueError:
            return None
    return None


def parse_time_text(text: str) -> time | None:
    m = _TIME_RE.fullmatch(text.strip())
    if not m:
        return None
    h = int(m.group(1))
    mi = int(m.group(2) or 0)
    s = int(m.group(3) or 0)
    ampm = (m.group(4) or "").lower()
    if ampm == "pm" and h < 12:
        h += 12
    elif ampm == "am" and h == 12:
        h = 0
    if h > 23 or mi > 59 or s > 59:
        return None
    return time(h, mi, s)


def excel_serial(value: float) -> datetime:
    return EXCEL_EPOCH + timedelta(days=value)


def parse_datetime_value(date_value: object, time_value: object = None) -> datetime | None:
    """Combine a date cell and an optional time cell (strings, Excel values or serials).

    Returns a naive datetime (local wall-clock) unless the text carries an offset.
    """
    when: datetime | None = None
    if isinstance(date_value, datetime):
        when = date_value
    elif isinstance(date_value, date):
        when = datetime.combine(date_value, time())
    elif isinstance(date_value, int | float) and not isinstance(date_value, bool):
        if 20000 < float(date_value) < 80000:
            when = excel_serial(float(date_value))
    elif isinstance(date_value, str) and date_value.strip():
        text = date_value.strip()
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            d = parse_date_text(text)
            if d is None:
                return None
            rest = re.sub(r"^[\d/.\-]+\s*(?:[Tà,]|a)?\s*", "", text, count=1)
            t = parse_time_text(rest) if rest else time()
            if rest and t is None:
                return None
            when = datetime.combine(d, t or time())
    if when is None:
        return None
    if time_value is None or time_value == "":
        return when
    t2: time | None
    if isinstance(time_value, datetime):
        t2 = time_value.time()
    elif isinstance(time_value, time):
        t2 = time_value
    elif isinstance(time_value, int | float) and not isinstance(time_value, bool):
        t2 = (
            (EXCEL_EPOCH + timedelta(days=float(time_value) % 1)).time() if time_value < 1 else None
        )
    else:
        t2 = parse_time_text(str(time_value))
    if t2 is None:
        return None
    return when.replace(hour=t2.hour, minute=t2.minute, second=t2.second, microsecond=0)
