"""Which procedural event an ANEF document or e-mail records, and the dates written in it.

The rows live in ``anef.toml`` (data, like the booking signatures): a row recognises a
kind of document by its phrases and says which events it records and after which cues
their dates are written. :func:`read_anef_text` returns a :class:`Reading`; it never
guesses a date: a date that no cue announces is not read (the caller may date the event
from the message itself only when the row allows it, and says so).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from toolkit.classify.text import normalise, unwrap_lines

FORMATS = ("pdf", "image", "email")
_FIELDS = {
    "id", "formats", "phrases", "any_phrases", "not_phrases", "requires", "events", "on",
    "until", "date_fallback", "reference", "notice", "source",
}  # fmt: skip
_MONTHS = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre",
)  # fmt: skip
# A date as ANEF and préfectures write it, in normalised text (lower case, no accents).
DATE = (
    r"(?:(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"
    r"|(?P<ld>\d{1,2}|1er) (?P<lm>" + "|".join(_MONTHS) + r") (?P<ly>\d{4}))"
)
_REFERENCE = re.compile(
    r"\b(?:numero|no|n)\.? ?(?:de |d' ?)?(?:la |votre |du )?(?:demande|dossier)"
    r"(?: anef)? ?:? ?(?P<ref>[a-z0-9][a-z0-9-]{5,40})"
)


@dataclass(frozen=True)
class DocumentRow:
    id: str
    events: tuple[str, ...]
    source: str
    formats: tuple[str, ...] = FORMATS
    phrases: tuple[str, ...] = ()
    any_phrases: tuple[str, ...] = ()
    not_phrases: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    on: tuple[str, ...] = ()
    until: tuple[str, ...] = ()
    date_fallback: str | None = None
    reference: bool = False
    notice: str | None = None


@dataclass
class Reading:
    """What a document says: the row that matched, its events and the dates read."""

    row: DocumentRow
    on: date | None = None
    until: date | None = None
    on_cue: str | None = None
    until_cue: str | None = None
    reference: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def events(self) -> tuple[str, ...]:
        return self.row.events


def _row(data: dict[str, Any]) -> DocumentRow:
    where = f"anef.toml row {data.get('id')!r}"
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {unknown}")
    values: dict[str, Any] = {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}
    row = DocumentRow(**values)
    if set(row.formats) - set(FORMATS):
        raise ValueError(f"{where}: formats must be among {FORMATS}")
    if not row.events and not row.notice:
        raise ValueError(f"{where}: a row without events needs a notice")
    for cue in (*row.on, *row.until):
        re.compile(cue)
    return row


@cache
def document_rows() -> tuple[DocumentRow, ...]:
    """The rows of ``anef.toml``, in the order they are tried."""
    raw = resources.files("toolkit.classify").joinpath("anef.toml").read_bytes()
    doc = tomllib.loads(raw.decode("utf-8"))
    rows = tuple(_row(d) for d in doc.get("document", []))
    ids = [r.id for r in rows]
    if len(ids) != len(set(ids)):
        raise ValueError("anef.toml: duplicate row id")
    return rows


def parse_date_match(m: re.Match[str]) -> date | None:
    """A date from a match of :data:`DATE`; None when the day does not exist."""
    try:
        if m.group("d"):
            return date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
        if m.group("iy"):
            return date(int(m.group("iy")), int(m.group("im")), int(m.group("id")))
        day = 1 if m.group("ld") == "1er" else int(m.group("ld"))
        return date(int(m.group("ly")), _MONTHS.index(m.group("lm")) + 1, day)
    except ValueError:
        return None


@cache
def _cue_regex(cue: str) -> re.Pattern[str]:
    return re.compile(r"(?:" + cue + r")\s*:?\s*(?:le |du )?" + DATE)


def date_after(text: str, cues: tuple[str, ...]) -> tuple[date | None, str | None]:
    """The first date announced by one of ``cues`` (in their order) in normalised ``text``."""
    for cue in cues:
        for m in _cue_regex(cue).finditer(text):
            found = parse_date_match(m)
            if found is not None:
                return found, cue
    return None, None


def _holds(row: DocumentRow, text: str, fmt: str) -> bool:
    if fmt not in row.formats:
        return False
    if not all(normalise(p) in text for p in row.phrases):
        return False
    if row.any_phrases and not any(normalise(p) in text for p in row.any_phrases):
        return False
    return not any(normalise(p) in text for p in row.not_phrases)


def read_anef_text(text: str, fmt: str) -> Reading | None:
    """The first row of ``anef.toml`` that ``text`` (of a ``fmt`` file) matches, with the
    dates and reference read from it; None when no row matches."""
    if fmt not in FORMATS:
        raise ValueError(f"format {fmt!r}: use one of {FORMATS}")
    norm = normalise(unwrap_lines(text))
    for row in document_rows():
        if not _holds(row, norm, fmt):
            continue
        reading = Reading(row)
        reading.on, reading.on_cue = date_after(norm, row.on)
        reading.until, reading.until_cue = date_after(norm, row.until)
        if "until" in row.requires and reading.until is None:
            continue
        if row.reference:
            m = _REFERENCE.search(norm)
            reading.reference = m.group("ref").upper() if m else None
        return reading
    return None
