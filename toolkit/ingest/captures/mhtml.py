"""A booking page saved as one MHTML file (Chrome/Edge « Page Web, un seul fichier »,
Internet Explorer .mht).

MHTML is a MIME message (RFC 2557): a ``multipart/related`` body whose first
``text/html`` part is the page, followed by its styles and images. The page is usually
quoted-printable; its charset comes from the part's Content-Type. The address is the
``Snapshot-Content-Location`` header (Blink) or the part's ``Content-Location``.

Time: the archive's ``Date`` header, written by the browser when it saved the page. It is
a MIME header like an e-mail's, so it is recorded with time_source ``email_header`` (the
DESIGN vocabulary has no separate MHTML source); detail ``mhtml:Date``.

The archive is split within the bounds of :mod:`mime` (size, lines, parts, nesting, headers).
"""

from __future__ import annotations

from email.message import Message

from toolkit.errors import InputError
from toolkit.ingest.captures import mime
from toolkit.ingest.captures.base import (
    HEADER_LINE,
    CaptureRecord,
    OcrFunction,
    charset_warnings,
    mime_date,
    page_text,
    strip_head,
)
from toolkit.model import TimeSource

EXTENSIONS: tuple[str, ...] = (".mhtml", ".mht")
MEDIA_TYPE: str = "multipart/related"
LABEL: str = "an MHTML archive"

_WHAT = "this MHTML archive"
_FIX = "save the page again (Chrome: « Enregistrer sous… », « Page Web, un seul fichier »)"


def sniff(head: bytes) -> bool:
    """A MIME header block announcing ``multipart/related`` or a snapshot location."""
    start = strip_head(head[:8192])
    if not HEADER_LINE.match(start):
        return False
    return b"multipart/related" in start or b"snapshot-content-location:" in start


def read(data: bytes, name: str, *, ocr: OcrFunction | None = None) -> list[CaptureRecord]:
    """The archived page: classification, visible text, address and save time."""
    from toolkit.classify import classify_html, decode_html

    msg = mime.parse(data, what=_WHAT, fix=_FIX)
    page = next(
        (
            p
            for p, _ in mime.walk(msg)
            if p.get_content_type() in ("text/html", "application/xhtml+xml")
        ),
        None,
    )
    payload = page.get_payload(decode=True) if page is not None else None
    if page is None or not isinstance(payload, bytes):
        raise InputError(
            "no HTML page inside this MHTML archive; save the page again "
            "(Chrome: « Enregistrer sous… », « Page Web, un seul fichier »)"
        )
    declared = page.get_content_charset()
    markup = decode_html(payload, declared)
    url = _header(msg, "Snapshot-Content-Location") or _header(page, "Content-Location")
    if url and not url.lower().startswith(("http://", "https://")):
        url = None
    cls = classify_html(markup, url=url)
    record = CaptureRecord(
        classification=cls,
        url=cls.url,
        text=page_text(markup),
        text_method="html",
        warnings=charset_warnings(payload, declared, markup),
    )
    raw_date = _header(msg, "Date")
    if raw_date:
        record.add_time(mime_date(raw_date), TimeSource.EMAIL_HEADER, "mhtml:Date", raw=raw_date)
    if any(
        type(d).__name__ == "CloseBoundaryNotFoundDefect"
        for p, _ in mime.walk(msg)
        for d in p.defects
    ):
        record.warnings.append(
            "the archive is incomplete (no closing boundary); the page was read as far as it goes"
        )
    return [record]


def _header(msg: Message, name: str) -> str | None:
    return mime.header(msg, name, _WHAT, _FIX)
