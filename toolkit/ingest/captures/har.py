"""A browser session exported as HAR (HTTP Archive 1.2: Firefox and Chrome DevTools,
« Enregistrer tout en tant que HAR »).

Each booking page the browser loaded becomes one attempt, numbered by its entry index so
that re-ingesting the same export is a no-op. Pages are the entries answered with HTML
(or marked as top-level documents); images, scripts, styles and data calls are skipped,
except RDV Préfecture's JSON answer carrying ``datePremiereDispo``. Redirects (3xx) are
not pages. The HTTP status is kept, so a 502/503/504 is an ``error`` whatever the body
says. Bodies may be plain or base64 (``content.encoding``).

Time: the entry's ``startedDateTime`` (time_source ``har``, the browser's clock), which
carries its offset, and the response's ``Date`` header (the server's clock) when the
export kept it; both are time candidates, and a disagreement between them is flagged.
Exports are expected sanitised (cookies and tokens removed); nothing here needs them.

The JSON is read within bounds (:mod:`toolkit.ingest.jsonlimits`): at most ``MAX_BYTES`` and
``MAX_VALUES`` objects, members and numbers, nesting within Python's recursion limit.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from toolkit.errors import InputError
from toolkit.ingest.captures.base import (
    CaptureRecord,
    OcrFunction,
    charset_warnings,
    content_charset,
    mime_date,
    page_text,
    strip_head,
)
from toolkit.ingest.jsonlimits import MB, load_json
from toolkit.model import Classification, Outcome, System, TimeSource

EXTENSIONS: tuple[str, ...] = (".har",)
MEDIA_TYPE: str = "application/json"
LABEL: str = "a HAR export"

_PAGE_TYPES = ("text/html", "application/xhtml+xml")
_NOT_PAGES = {"script", "stylesheet", "image", "font", "media", "websocket", "manifest"}
_RDV_JSON_KEY = "datePremiereDispo"
_EXPORT_HINT = (
    "export it again from the browser's network panel (« Enregistrer tout en tant que HAR »)"
)
_SHORTER = "export a shorter session again, with only the booking pages loaded"
MAX_BYTES = 64 * MB
MAX_VALUES = 2_000_000


def sniff(head: bytes) -> bool:
    """A JSON object whose first key is (or soon is) ``"log"``."""
    start = strip_head(head[:4096])
    return start.startswith(b"{") and b'"log"' in start


@dataclass
class _Found:
    record: CaptureRecord
    kind: str  # "page" or "json"
    pageref: str | None
    bodiless: bool  # no body saved and no HTTP error status to tell the outcome


def read(data: bytes, name: str, *, ocr: OcrFunction | None = None) -> list[CaptureRecord]:
    """One record per booking page response, in entry order."""
    entries = _entries(_load(data))
    found = [
        item
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and (item := _page(entry, index)) is not None
    ]
    pages = _fold_data(found)
    if not pages:
        raise InputError(
            f"no page in this HAR ({len(entries)} entries: images, scripts, styles or data "
            f"only); {_EXPORT_HINT} with the booking page loaded"
        )
    pages = _booking_pages(pages, {id(item.record) for item in found if item.bodiless})
    kept = {id(r) for r in pages}
    bodiless = sum(item.bodiless for item in found if id(item.record) in kept)
    if bodiless:
        pages[0].warnings.append(
            f"{bodiless} page response(s) have no saved body, so their outcome is unknown; "
            "export the HAR with the responses' content"
        )
    return pages


def _fold_data(found: list[_Found]) -> list[CaptureRecord]:
    """RDV Préfecture is a single-page app: the document is a shell and its data request
    says whether there are slots. A data answer belongs to the page loaded before it
    (same ``pageref``): it decides that page's outcome when the page alone could not, and
    is not a second attempt. A data answer without its page is an attempt of its own.
    """
    out: list[CaptureRecord] = []
    page_of: dict[str, CaptureRecord] = {}
    for item in found:
        if item.kind == "page":
            out.append(item.record)
            if item.pageref:
                page_of.setdefault(item.pageref, item.record)
            continue
        page = page_of.get(item.pageref) if item.pageref else None
        if page is None:
            out.append(item.record)
            continue
        data_cls, page_cls = item.record.classification, page.classification
        undecided = (
            page_cls is None
            or page_cls.outcome == Outcome.UNKNOWN
            or (page_cls.outcome == Outcome.BLOCKED and (page.http_status or 200) < 300)
        )
        if undecided and data_cls is not None and data_cls.outcome != Outcome.UNKNOWN:
            page.classification = replace(data_cls, url=page.url or data_cls.url)
            page.note = f"outcome read from the page's data request (entry {item.record.part})"
        if item.record.text:
            page.text = f"{page.text or ''}\n\n{item.record.text}".strip()
    return out


def _booking_pages(pages: list[CaptureRecord], bodiless: set[int]) -> list[CaptureRecord]:
    """The pages that are booking attempts.

    A session also loads the préfecture's home and menu pages and the booking steps
    before the answer (conditions, choice of counter); those say nothing of slots and are
    skipped, with a notice. A page whose body was not saved is kept when its address names
    a booking system. When no page shows an outcome, every recognised page is kept as
    classified, and failing that every page (outcome unknown).
    """
    from toolkit.classify import signatures

    fallback = {sig.id for sig in signatures() if sig.fallback}

    def known(r: CaptureRecord) -> bool:
        cls = r.classification
        return cls is not None and (cls.system != System.UNKNOWN or cls.outcome != Outcome.UNKNOWN)

    def shows_outcome(r: CaptureRecord) -> bool:
        cls = r.classification
        if cls is None or cls.outcome == Outcome.UNKNOWN:
            return False
        # "page did not load" only from the content: a step page of the booking flow
        return cls.rule not in fallback or (r.http_status or 200) >= 300

    chosen = [r for r in pages if shows_outcome(r) or (id(r) in bodiless and known(r))]
    chosen = chosen or [r for r in pages if known(r)]
    if not chosen:
        pages[0].warnings.append(
            "no page in this HAR is recognised as a booking page; recorded with outcome unknown"
        )
        return pages
    kept = {id(r) for r in chosen}
    skipped = [r.url or f"entry {r.part}" for r in pages if id(r) not in kept]
    if skipped:
        shown = ", ".join(skipped[:3]) + (", …" if len(skipped) > 3 else "")
        chosen[0].notices.append(
            f"{len(skipped)} page(s) without a booking outcome were skipped (home, menus, "
            f"booking steps before the answer): {shown}"
        )
    return chosen


def _load(data: bytes) -> Any:
    try:
        return load_json(
            data, what="this HAR export", max_bytes=MAX_BYTES, max_items=MAX_VALUES, fix=_SHORTER
        )
    except UnicodeDecodeError:
        raise InputError(f"not a UTF-8 JSON file, so not a HAR export; {_EXPORT_HINT}") from None
    except json.JSONDecodeError as e:
        text = e.doc
        end = len(text.rstrip())
        if e.msg.startswith("Unterminated string") or e.pos >= end - 1:
            raise InputError(
                f"truncated HAR: the JSON stops at line {text.count(chr(10)) + 1} before it is "
                f"complete (the copy or download was cut short); {_EXPORT_HINT}"
            ) from None
        raise InputError(
            f"not valid JSON ({e.msg} at line {e.lineno}, column {e.colno}); {_EXPORT_HINT}"
        ) from None


def _entries(har: Any) -> list[Any]:
    log = har.get("log") if isinstance(har, dict) else None
    entries = log.get("entries") if isinstance(log, dict) else None
    if not isinstance(entries, list):
        raise InputError(f"not a HAR export: no log.entries list; {_EXPORT_HINT}")
    if not entries:
        raise InputError(f"the HAR has no entries (nothing was recorded); {_EXPORT_HINT}")
    return entries


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _kind(entry: dict[str, Any], mime: str, body: str | None) -> str | None:
    """Kind of entry: "page", "json" (RDV Préfecture's slot data) or None for anything else."""
    resource = str(entry.get("_resourceType") or "").lower()  # Chrome only
    if resource in _NOT_PAGES:
        return None
    if mime in _PAGE_TYPES or resource == "document":
        return "page"
    if "json" in mime and body is not None and _RDV_JSON_KEY in body:
        return "json"
    headers = _dict(entry.get("request")).get("headers")
    for h in headers if isinstance(headers, list) else []:
        h = _dict(h)
        if str(h.get("name", "")).lower() == "sec-fetch-dest":
            return "page" if str(h.get("value", "")).lower() == "document" else None
    return None


def _page(entry: dict[str, Any], index: int) -> _Found | None:
    """The record of one entry if it is a page (or RDV Préfecture data) response."""
    from toolkit.classify import classify_html, classify_text, decode_html

    request, response = _dict(entry.get("request")), _dict(entry.get("response"))
    content = _dict(response.get("content"))
    mime_full = str(content.get("mimeType") or "")
    mime = mime_full.split(";")[0].strip().lower()
    raw_text = content.get("text") if isinstance(content.get("text"), str) else None
    if content.get("encoding") == "base64" and raw_text is not None and "json" in mime:
        try:  # most data calls are not ours: a damaged one is skipped, not an error
            raw_text = _b64(raw_text, index).decode("utf-8", "replace")
        except InputError:
            raw_text = None
    kind = _kind(entry, mime, raw_text)
    if kind is None:
        return None
    status = response.get("status")
    http_status = status if isinstance(status, int) and status > 0 else None
    if http_status is not None and 300 <= http_status < 400:
        return None  # a redirect: the page is the next entry
    url = str(request.get("url") or "") or None
    warnings: list[str] = []
    markup: str | None = None
    if raw_text is not None and content.get("encoding") == "base64" and kind == "page":
        body = _b64(raw_text, index)
        markup = decode_html(body, content_charset(mime_full))
        warnings = [f"entry {index}: {w}" for w in charset_warnings(body, None, markup)]
    elif raw_text is not None:
        markup = raw_text
    has_body = bool(markup and markup.strip())
    cls: Classification
    if has_body or (http_status or 0) >= 400:
        cls = classify_html(markup or "", url=url, http_status=http_status)
    else:  # no body saved: the URL still names the system; the outcome is unknown
        cls = classify_text("", url=url)
    record = CaptureRecord(
        part=index,
        classification=cls,
        url=cls.url or url,
        http_status=http_status,
        text=(page_text(markup) if kind == "page" else markup) if markup else None,
        text_method="html" if kind == "page" else "json",
        warnings=warnings,
    )
    if http_status is not None and not 200 <= http_status < 300:
        record.note = f"HTTP {http_status} {response.get('statusText') or ''}".strip()
    elif http_status is None:  # the browser got no answer (Chrome: net::ERR_…)
        error = response.get("_error")
        record.note = f"no response ({error})" if error else "no response"
    raw_start = entry.get("startedDateTime")
    record.add_time(_started(raw_start), TimeSource.HAR, "har:startedDateTime", raw=str(raw_start))
    server = _header(response, "date")
    if server is not None:  # the server's clock, as it answered
        record.add_time(mime_date(server), TimeSource.HAR, "har:response Date", raw=server)
    pageref = entry.get("pageref")
    return _Found(
        record,
        kind,
        pageref if isinstance(pageref, str) else None,
        bodiless=not has_body and http_status is not None and http_status < 400,
    )


def _b64(text: str, index: int) -> bytes:
    try:
        return base64.b64decode(text, validate=False)
    except (binascii.Error, ValueError):
        raise InputError(
            f"entry {index}: the response body is not valid base64; {_EXPORT_HINT}"
        ) from None


def _started(raw: object) -> datetime | None:
    """The entry's start (ISO 8601 with an offset); None when it cannot be read, which the
    ingest keeps as an unreadable time and reports."""
    if not isinstance(raw, str):
        return None
    try:
        return datetime.fromisoformat(raw.strip())
    except ValueError:
        return None


def _header(message: dict[str, Any], name: str) -> str | None:
    headers = message.get("headers")
    for h in headers if isinstance(headers, list) else []:
        h = _dict(h)
        if str(h.get("name", "")).lower() == name and h.get("value"):
            return str(h["value"])
    return None
