"""Which booking system a page belongs to and what it says, from a table of signatures.

The table (``signatures.toml``) is data: one row per (system, outcome) signature, tried
in order. A page is prepared once (decoded, visible text extracted and normalised) and
every row is evaluated against that prepared page; markup markers are counted lazily,
at most once each, after a plain substring test rules most of them out.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from toolkit.classify.markers import Marker, compile_marker
from toolkit.classify.text import (
    decode_html,
    first_slot,
    markup_urls,
    normalise,
    ocr_pattern,
    publications,
    strip_invisible,
    text_urls,
    unwrap_lines,
    visible_text,
)
from toolkit.model import Classification, Outcome, System

ANY_SYSTEM = "*"
_UNKNOWN = System.UNKNOWN.value
_TUPLES = (
    "phrases", "any_phrases", "patterns", "markers", "any_markers", "raw", "urls", "ocr", "any_ocr",
)  # fmt: skip
_SCALARS = ("id", "system", "outcome", "source", "count", "time_list")
_FLAGS = ("requires_system", "fallback", "plain_only")
# A time of day as booking pages list them: 09:00, 09h15, 9 h 30 (normalised text).
_TIME_OF_DAY = re.compile(r"(?<![\d:/.])([01]?\d|2[0-3]) ?[:h] ?([0-5]\d)(?![\d:/])")

# Confidence of a match, before the row's own ceiling.
_MARKUP_MATCH = 1.0  # markup or URL evidence, or a system recognised from them
_TEXT_MATCH = 0.9  # visible text of a saved page only
_PLAIN_EXACT = 0.8  # plain text (OCR, PDF), key fragments found as written
_PLAIN_FUZZY = 0.7  # plain text, found only with OCR look-alikes


@dataclass(frozen=True)
class Signature:
    """One row of the signature table; see the comments at the top of signatures.toml."""

    id: str
    system: str
    outcome: str
    source: str
    phrases: tuple[str, ...] = ()
    any_phrases: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    any_markers: tuple[str, ...] = ()
    raw: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    http_status: tuple[tuple[int, int], ...] = ()
    ocr: tuple[str, ...] = ()
    any_ocr: tuple[str, ...] = ()
    count: str | None = None
    time_list: int | None = None
    requires_system: bool = False
    fallback: bool = False
    plain_only: bool = False
    confidence: float = 1.0

    @property
    def plain_text_ok(self) -> bool:
        """Whether the row can match plain text, which has no markup or source."""
        needs_markup = bool(self.markers or self.any_markers or self.raw or self.http_status)
        ocr_form = bool(self.ocr or self.any_ocr)
        return not self.fallback and (ocr_form or self.plain_only or not needs_markup)


@dataclass(frozen=True)
class SystemRule:
    """How one booking system is recognised: URL, then markup, then visible text."""

    id: str
    booking: bool
    source: str
    urls: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()


# --- the table -----------------------------------------------------------------------------


@dataclass
class _Table:
    systems: list[SystemRule]
    rows: list[Signature]
    markers: dict[str, Marker] = field(default_factory=dict)
    regexes: dict[str, re.Pattern[str]] = field(default_factory=dict)
    phrases: dict[str, str] = field(default_factory=dict)  # as written -> normalised
    ocr: dict[str, re.Pattern[str]] = field(default_factory=dict)


def _row(data: dict[str, Any], where: str) -> dict[str, Any]:
    known = {*_TUPLES, *_SCALARS, *_FLAGS, "http_status", "confidence", "booking"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {unknown}; known: {sorted(known)}")
    row = {k: tuple(v) if k in _TUPLES else v for k, v in data.items()}
    if "http_status" in row:
        row["http_status"] = tuple((int(lo), int(hi)) for lo, hi in row["http_status"])
    return row


def _parse(doc: dict[str, Any]) -> _Table:
    systems = [SystemRule(**_row(d, f"system {d.get('id')}")) for d in doc.get("system", [])]
    rows = [Signature(**_row(d, f"signature {d.get('id')}")) for d in doc.get("signature", [])]
    table = _Table(systems, rows)
    system_ids = {s.value for s in System}
    outcomes = {o.value for o in Outcome}
    seen: set[str] = set()
    for sig in rows:
        where = f"signature {sig.id}"
        if sig.id in seen:
            raise ValueError(f"{where}: duplicate id")
        seen.add(sig.id)
        if sig.system != ANY_SYSTEM and sig.system not in system_ids:
            raise ValueError(f"{where}: system {sig.system!r} not in {sorted(system_ids)}")
        if sig.outcome not in outcomes:
            raise ValueError(f"{where}: outcome {sig.outcome!r} not in {sorted(outcomes)}")
        if sig.count is not None and sig.count not in sig.markers:
            raise ValueError(f"{where}: count {sig.count!r} must be one of its markers")
        if sig.time_list is not None and not (isinstance(sig.time_list, int) and sig.time_list > 0):
            raise ValueError(f"{where}: time_list must be a whole number of times, at least 1")
    if sum(sig.fallback for sig in rows) != 1:
        raise ValueError("signature table: exactly one row must have fallback = true")
    for rule in systems:
        if rule.id not in system_ids:
            raise ValueError(f"system {rule.id}: not in {sorted(system_ids)}")
    clues = [(s.markers, s.phrases, s.urls) for s in systems]
    clues += [(s.markers + s.any_markers, s.phrases + s.any_phrases, s.urls) for s in rows]
    for markers, phrases, urls in clues:
        for marker in markers:
            table.markers.setdefault(marker, compile_marker(marker))
        for phrase in phrases:
            table.phrases.setdefault(phrase, normalise(phrase))
        for url in urls:
            table.regexes.setdefault(url, re.compile(url, re.IGNORECASE))
    for sig in rows:
        for pattern in (*sig.patterns, *sig.raw):
            table.regexes.setdefault(pattern, re.compile(pattern))
        for key in (*sig.ocr, *sig.any_ocr):
            table.ocr.setdefault(key, ocr_pattern(key))
            table.phrases.setdefault(key, normalise(key))
    return table


@cache
def _table() -> _Table:
    raw = resources.files("toolkit.classify").joinpath("signatures.toml").read_bytes()
    return _parse(tomllib.loads(raw.decode("utf-8")))


def signatures() -> list[Signature]:
    """The parsed signature table, in the order rows are tried."""
    return list(_table().rows)


def system_rules() -> list[SystemRule]:
    """How each booking system is recognised, in the order they are tried."""
    return list(_table().systems)


# --- a prepared page ---------------------------------------------------------------------------


@dataclass
class _Page:
    text: str  # normalised visible text
    markup: str  # page source, for embedded data; empty for plain text
    tags: str  # page source without scripts, styles and comments, for markers
    urls: list[str]  # every URL the URL rules look at
    url: str | None  # the URL reported
    http_status: int | None = None
    plain: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    absent: set[str] = field(default_factory=set)  # anchors known not to occur

    def count(self, selector: str, table: _Table) -> int:
        """How many start tags match the marker, counted once per page."""
        found = self.counts.get(selector)
        if found is None:
            marker = table.markers[selector]
            found = 0
            key = marker.anchor.lower() if marker.ignore_case else marker.anchor
            if key not in self.absent:
                if marker.present(self.tags):
                    found = marker.count(self.tags)
                elif not marker.ignore_case:
                    self.absent.add(key)
            self.counts[selector] = found
        return found


def _html_page(markup: str, url: str | None, http_status: int | None) -> _Page:
    tags = strip_invisible(markup)
    found = markup_urls(markup, tags)
    return _Page(
        text=normalise(visible_text(tags, stripped=True)),
        markup=markup,
        tags=tags,
        urls=([url] if url else []) + found,
        url=url or (found[0] if found else None),
        http_status=http_status,
    )


def _text_page(text: str, url: str | None) -> _Page:
    full, bare = text_urls(text)
    return _Page(
        text=normalise(unwrap_lines(text)),
        markup="",
        tags="",
        urls=([url] if url else []) + full + bare,
        url=url or (full[0] if full else None),
        plain=True,
    )


# --- matching ------------------------------------------------------------------------------------


def _any_url(patterns: tuple[str, ...], page: _Page, table: _Table) -> bool:
    return any(table.regexes[p].search(u) for p in patterns for u in page.urls)


def _detect(page: _Page, table: _Table) -> tuple[SystemRule | None, str]:
    """The system and the kind of clue that gave it: "url", "markup", "text" or ""."""
    for url in page.urls:  # the given URL first, then the page's own
        for rule in table.systems:
            if any(table.regexes[p].search(url) for p in rule.urls):
                return rule, "url"
    if not page.plain:
        for rule in table.systems:
            if any(page.count(m, table) for m in rule.markers):
                return rule, "markup"
    for rule in table.systems:
        if any(table.phrases[p] in page.text for p in rule.phrases):
            return rule, "text"
    return None, ""


def _ocr_found(key: str, text: str, table: _Table) -> float | None:
    """_PLAIN_EXACT when the key fragment is in the text as written, _PLAIN_FUZZY when only
    with OCR look-alikes, None when not at all."""
    if table.phrases[key] in text:
        return _PLAIN_EXACT
    return _PLAIN_FUZZY if table.ocr[key].search(text) else None


def _time_count(text: str) -> int:
    """Distinct times of day listed in the text (a list of slots)."""
    return len({(int(h), int(m)) for h, m in _TIME_OF_DAY.findall(text)})


def _text_holds(sig: Signature, page: _Page, table: _Table) -> float | None:
    """Confidence of the text requirements of a row, or None when they fail."""
    text = page.text
    quality = _TEXT_MATCH
    if page.plain and (sig.ocr or sig.any_ocr):
        quality = _PLAIN_EXACT
        for key in sig.ocr:
            found = _ocr_found(key, text, table)
            if found is None:
                return None
            quality = min(quality, found)
        if sig.any_ocr:
            best = max((q for k in sig.any_ocr if (q := _ocr_found(k, text, table))), default=None)
            if best is None:
                return None
            quality = min(quality, best)
    else:
        if page.plain:
            quality = _PLAIN_EXACT
        if not all(table.phrases[p] in text for p in sig.phrases):
            return None
        if sig.any_phrases and not any(table.phrases[p] in text for p in sig.any_phrases):
            return None
    if not all(table.regexes[p].search(text) for p in sig.patterns):
        return None
    if sig.time_list is not None and _time_count(text) < sig.time_list:
        return None
    return quality


def _holds(sig: Signature, page: _Page, system: str, clue: str, table: _Table) -> float | None:
    """Confidence with which ``sig`` matches the page, or None."""
    if sig.system != ANY_SYSTEM and (
        system not in (_UNKNOWN, sig.system) or (sig.requires_system and system != sig.system)
    ):
        return None
    if page.plain and not sig.plain_text_ok:
        return None
    if sig.plain_only and not page.plain:
        return None
    if sig.http_status:
        status = page.http_status
        if status is None or not any(lo <= status <= hi for lo, hi in sig.http_status):
            return None
    if sig.urls and not _any_url(sig.urls, page, table):
        return None
    quality = _text_holds(sig, page, table)
    if quality is None:
        return None
    if not page.plain:
        if not all(page.count(m, table) for m in sig.markers):
            return None
        if sig.any_markers and not any(page.count(m, table) for m in sig.any_markers):
            return None
        if not all(table.regexes[p].search(page.markup) for p in sig.raw):
            return None
        strong = sig.markers or sig.any_markers or sig.raw or sig.http_status or sig.urls
        if strong or clue in ("url", "markup"):
            quality = _MARKUP_MATCH
    elif sig.urls and not (sig.ocr or sig.phrases or sig.any_phrases or sig.patterns):
        quality = _PLAIN_EXACT  # a URL read off a screenshot's address bar
    return min(quality, sig.confidence)


def _classify(page: _Page) -> Classification:
    table = _table()
    rule, clue = _detect(page, table)
    system = rule.id if rule else _UNKNOWN
    result = Classification(system=system, url=page.url)
    for sig in table.rows:
        quality = None if sig.fallback else _holds(sig, page, system, clue, table)
        if quality is None:
            continue
        result.system = system if sig.system == ANY_SYSTEM else sig.system
        result.outcome, result.rule, result.confidence = sig.outcome, sig.id, quality
        if sig.count and not page.plain:
            result.slots = page.count(sig.count, table)
        if sig.outcome == Outcome.SLOTS_AVAILABLE:
            result.first_slot = first_slot(result.system, page.text, page.tags, page.markup)
        break
    else:
        fallback = next(sig for sig in table.rows if sig.fallback)
        if rule is not None and rule.booking and clue in ("url", "markup") and not page.plain:
            result.outcome, result.rule = fallback.outcome, fallback.id
            result.confidence = fallback.confidence
    if result.system == System.RDV_PREFECTURE:
        result.last_publication, result.next_publication = publications(page.text)
    return result


def classify_html(
    html: str | bytes, url: str | None = None, http_status: int | None = None
) -> Classification:
    """Classify a saved page (markup). Bytes are decoded with :func:`decode_html`."""
    markup = decode_html(html) if isinstance(html, bytes) else html
    return _classify(_html_page(markup, url, http_status))


def classify_text(text: str, url: str | None = None) -> Classification:
    """Classify plain text: OCR output of a screenshot or a PDF's text layer."""
    return _classify(_text_page(text, url))
