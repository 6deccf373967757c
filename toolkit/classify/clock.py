"""Reading the times a screenshot shows: the device clock (taskbar, menu bar, print header)
and the date the server wrote in the page (« Demande de rendez-vous du 24/02/2025 »).

For the clock, only a date next to a time counts, with a plausible year; page wording such
as « mise en ligne » or « disponibilité » just before a date rules it out (that is the
page's content, not the device clock). When several are found, the last one wins.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAYS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
)
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    # 12/03/2025, 12.03.2025, 12-03-2025 (day first, as French clocks write it)
    ("dmy", re.compile(r"(?<![\d/.-])(\d{1,2}) ?([/.-]) ?(\d{1,2}) ?\2 ?(20\d\d)(?!\d)")),
    # 2025-03-12, 2025/03/12
    ("ymd", re.compile(r"(?<![\d/.-])(20\d\d)([/-])(\d{1,2})\2(\d{1,2})(?![\d/.-])")),
    # mercredi 12 mars 2025, 1er mars 2025, 12 March 2025
    ("dMy", re.compile(rf"\b(\d{{1,2}})(?:er)?\.? ?({_MONTH_NAMES})\b\.?,? ?(20\d\d)(?!\d)")),
    # March 12, 2025
    ("Mdy", re.compile(rf"\b({_MONTH_NAMES})\b\.? ?(\d{{1,2}})(?:st|nd|rd|th)?,? ?(20\d\d)(?!\d)")),
)
_TIME_PATTERNS = (
    # 10:06, 10:06:32, 10:06 AM (a colon is often read as ';')
    re.compile(
        r"(?<![\d:;.])(\d{1,2}) ?[:;] ?(\d\d)(?: ?[:;] ?(\d\d))?(?: ?([ap])\.?m\b\.?)?(?![\d:;])"
    ),
    # 10 h 06, 10h06, 10H06
    re.compile(r"(?<![\w:])(\d{1,2}) ?h ?(\d\d)(?![\d:])"),
)
# Between the date and the time of one clock: blanks, punctuation (icons read as "~",
# "=", "|"…), lone characters (an icon read as "7" or "e") and small words only.
_JOINER = re.compile(rf"^(?:[\W_]|\b\w\b|\b(?:at|le|um|{_WEEKDAYS})\b\.?)*$")
# A date and time after these words is something the page shows, not the device clock.
_CONTENT_WORDS = re.compile(
    r"mise en ligne|disponib|creneau|rendez|rdv|semaine|prochain|dernier|derniere|publie"
    r"|partir|jusqu|valable|expir|deliv|depot|envoye|recu|\ble$"
)
# A time followed closely by another one: a list of slots, not a clock.
_NEXT_TIME = re.compile(r"^\W{0,6}\d{1,2} ?[:;h] ?\d\d")
_LIST_HEADINGS = re.compile(
    r"choisissez votre creneau|choix d.une heure|plage horaire|creneaux? dispon"
)
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1"})
_NUMERIC_TOKEN = re.compile(r"(?<!\w)[\dOoDIl|]{1,4}(?:[:;/.-][\dOoDIl|]{1,4}){1,2}(?!\w)")
YEARS = (2015, 2035)


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (positions are kept)."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
        else:
            base = unicodedata.normalize("NFKD", ch)[:1].lower()
            out.append(base if base.isascii() and len(base) == 1 else " ")
    return "".join(out)


def _fix_digits(text: str) -> str:
    """``1O:O6`` → ``10:06``: letters OCR mistakes for digits, only inside date/time tokens."""

    def mend(m: re.Match[str]) -> str:
        token = m.group()
        digits = sum(c.isdigit() for c in token)
        return (
            token.translate(_DIGIT_LOOKALIKES)
            if digits * 2 >= len(token) - token.count(":")
            else token
        )

    return _NUMERIC_TOKEN.sub(mend, text)


def _dates(text: str) -> list[tuple[int, int, date]]:
    found: list[tuple[int, int, date]] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groups()
            try:
                if kind == "dmy":
                    day, month, year = int(g[0]), int(g[2]), int(g[3])
                elif kind == "ymd":
                    year, month, day = int(g[0]), int(g[2]), int(g[3])
                elif kind == "dMy":
                    day, month, year = int(g[0]), _MONTHS[g[1]], int(g[2])
                else:
                    month, day, year = _MONTHS[g[0]], int(g[1]), int(g[2])
                value = date(year, month, day)
            except ValueError:
                continue
            if YEARS[0] <= value.year <= YEARS[1]:
                found.append((m.start(), m.end(), value))
    return found


def _times(text: str) -> list[tuple[int, int, time]]:
    found: list[tuple[int, int, time]] = []
    for pattern in _TIME_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groups()
            hour, minute = int(g[0]), int(g[1])
            second = int(g[2]) if len(g) > 2 and g[2] else 0
            meridiem = g[3] if len(g) > 3 else None
            if meridiem:
                if not 1 <= hour <= 12:
                    continue
                hour = hour % 12 + (12 if meridiem == "p" else 0)
            if hour > 23 or minute > 59 or second > 59:
                continue
            found.append((m.start(), m.end(), time(hour, minute, second)))
    return found


def find_clock(text: str) -> datetime | None:
    """The device clock shown in OCR text: a date and a time side by side, or None.

    See :func:`read_clock`, which also says whether the clock showed seconds.
    """
    found = read_clock(text)
    return found[0] if found else None


def read_clock(text: str) -> tuple[datetime, str] | None:
    """The device clock shown in OCR text and its precision (``minute``, or ``second`` when
    the clock shows seconds), or None.

    Heuristics, chosen so that a wrong time is rarer than a missing one:

    - dates: ``12/03/2025``, ``12.03.2025``, ``12-03-2025`` (always day first),
      ``2025-03-12``, « mercredi 12 mars 2025 », « 1er mars 2025 », ``March 12, 2025``;
      times: ``10:06``, ``10:06:32``, ``10 h 06``, ``10:06 PM``. Letters OCR confuses
      with digits (O, o, D, I, l, |) are read as digits inside such tokens.
    - both are needed, next to each other in either order (a taskbar shows the time
      above the date): at most 24 characters apart, with only blanks, punctuation, lone
      characters (icons misread), « à », « le », « at » or a weekday between them. A
      phone status bar shows the time alone: no clock.
    - the year must lie in 2015–2035 and the date must exist.
    - a pair that follows words such as « mise en ligne », « disponibilité »,
      « rendez-vous », « créneau », « semaine », « prochain », « dernière », « publié »,
      « à partir », « jusqu'au », « valable », « expire », « délivré », « dépôt »,
      « envoyé », « reçu » on its line is something the page says, not the clock.
    - a time followed by another time (« 09h00 09h15 », a list of slots) is a list, not
      a clock; so is a date on the line under « Choisissez votre créneau » or « Choix
      d'une heure ».
    - when several pairs remain, the last one wins: the clock sits at the bottom or in
      the corner pass, which is read last.
    """
    if not text:
        return None
    folded = _fold(_fix_digits(text))
    dates = _dates(folded)
    if not dates:
        return None
    times = _times(folded)
    best: tuple[int, datetime, str] | None = None
    for d_start, d_end, day in dates:
        for t_start, t_end, clock in times:
            if t_start < d_end and d_start < t_end:
                continue  # overlapping matches
            first_end, second_start = (d_end, t_start) if d_start < t_start else (t_end, d_start)
            between = folded[first_end:second_start]
            if len(between) > 24 or not _JOINER.match(between):
                continue
            start = min(d_start, t_start)
            line_start = folded.rfind("\n", 0, start) + 1
            before = folded[max(line_start, start - 48) : start].strip()
            if before and _CONTENT_WORDS.search(before):
                continue
            previous = folded[folded.rfind("\n", 0, max(0, line_start - 1)) + 1 : line_start]
            if _LIST_HEADINGS.search(previous) or _NEXT_TIME.match(folded[t_end : t_end + 12]):
                continue
            end = max(d_end, t_end)
            if best is None or end > best[0]:
                seconds = folded[t_start:t_end].count(":") + folded[t_start:t_end].count(";")
                best = (end, datetime.combine(day, clock), "second" if seconds >= 2 else "minute")
    return (best[1], best[2]) if best else None


# A date the server wrote in the page about this very request: it dates the day only.
_PAGE_DATE = re.compile(
    r"(?:demande de (?:rendez-vous|rdv) du|date de (?:la |votre )?demande\s*:?|"
    r"page (?:generee|affichee|consultee) le)\s*(?:le\s*)?$"
)


def find_page_date(text: str) -> date | None:
    """The date a booking page says it was produced for this request, or None.

    « Demande de rendez-vous du 24/02/2025 », « Date de la demande : 24/02/2025 », « Page
    générée le 24/02/2025 »: the server wrote it, so it dates the day of the attempt (not
    its time). The last one found wins, as for the clock.
    """
    if not text:
        return None
    folded = _fold(_fix_digits(text))
    found: date | None = None
    for start, _, day in _dates(folded):
        line_start = folded.rfind("\n", 0, start) + 1
        before = " ".join(folded[max(line_start, start - 60) : start].split())
        if _PAGE_DATE.search(before):
            found = day
    return found
