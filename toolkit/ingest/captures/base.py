"""What every capture reader returns, and the helpers they share.

A reader turns the bytes of one file into :class:`CaptureRecord` values: one per booking
page it holds (a HAR may hold several) or one per e-mail. Readers never touch the
workspace; the ingest loop dates, deduplicates and records what they return.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

from toolkit.errors import InputError
from toolkit.model import Channel, Precision

if TYPE_CHECKING:
    from PIL import Image

    from toolkit.ingest.timestamps import FoundTime
    from toolkit.model import Classification, TimeSource

# ocr(image) -> text, as toolkit.classify.ocr.ocr_image.
OcrFunction = Callable[["Image.Image"], str]


@dataclass
class CaptureRecord:
    """One page or one message read from a capture file."""

    part: int = 0  # index inside the file (HAR entry index), so attempt ids stay stable
    observed_at: datetime | None = None  # naive = wall-clock time in the préfecture's zone
    time_source: TimeSource | None = None
    time_detail: str | None = None
    classification: Classification | None = None  # None for e-mails (contacts)
    channel: str = Channel.ONLINE.value
    direction: str | None = None  # contacts: sent / received (the ingest loop decides)
    subject: str | None = None
    text: str | None = None  # stored in ``texts`` for search and display
    text_method: str = "html"  # texts.method: html, json (HAR data), pdf, ocr, email
    http_status: int | None = None
    url: str | None = None
    note: str | None = None
    extraction: str = "rule"  # how the outcome was obtained: rule, ocr
    sender: str | None = None  # e-mails: the From address, lower-cased
    recipients: tuple[str, ...] = ()  # e-mails: To and Cc addresses, lower-cased
    auto_reply: bool = False
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    times: list[FoundTime] = field(default_factory=list)  # every time the reader found
    unreadable: list[tuple[str, str, str]] = field(default_factory=list)  # source, detail, raw

    def add_time(
        self,
        value: datetime | None,
        source: TimeSource,
        detail: str,
        *,
        precision: str = Precision.SECOND.value,
        raw: str | None = None,
    ) -> None:
        """Keep a time found in the file; the first one is also the reader's own time
        (``observed_at``). A time found but not readable is kept with its text."""
        from toolkit.ingest.timestamps import FoundTime

        if value is None:
            self.unreadable.append((source.value, detail, (raw or "")[:200]))
            return
        self.times.append(FoundTime(value, source, detail, precision))
        if self.observed_at is None:
            self.observed_at, self.time_source, self.time_detail = value, source, detail


class CaptureReader(Protocol):
    """A reader module: ``READERS`` in :mod:`toolkit.ingest.captures` maps names to these."""

    EXTENSIONS: tuple[str, ...]  # lower-case, with the dot
    MEDIA_TYPE: str
    LABEL: str  # how messages name the format, e.g. "an MHTML archive"

    def sniff(self, head: bytes) -> bool: ...

    def read(
        self, data: bytes, name: str, *, ocr: OcrFunction | None = None
    ) -> list[CaptureRecord]: ...


class NoTextLayer(InputError):
    """A PDF without text: it can only be read with OCR."""


# --- bytes to text ------------------------------------------------------------------------

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_META_CHARSET = re.compile(
    rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]+)""", re.IGNORECASE
)
_LEGACY = {"ascii", "latin-1", "iso8859-1"}  # browsers read these labels as windows-1252


def strip_head(head: bytes) -> bytes:
    """The first bytes without a BOM and leading whitespace, lower-cased."""
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom) :]
            break
    return head.lstrip().lower()


def charset_warnings(data: bytes, declared: str | None, text: str) -> list[str]:
    """Say when a page's bytes do not match the charset it declares (decoded anyway)."""
    label = declared
    if not label:
        meta = _META_CHARSET.search(data, 0, 4096)
        label = meta.group(1).decode("ascii") if meta else None
    if label and not data.startswith(_BOMS):
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            return [f"declares an unknown charset {label!r}; read as a best guess, check accents"]
        if codec in _LEGACY:
            codec = "cp1252"
        if not codec.startswith(("utf-16", "utf-32")):
            try:
                data.decode(codec)
            except UnicodeDecodeError as e:
                return [
                    f"declares charset {label} but byte {e.start} is not valid {label}; "
                    "read as a best guess, check accents"
                ]
    replaced = text.count("\ufffd")
    if replaced and b"\xef\xbf\xbd" not in data:
        return [f"{replaced} undecodable character(s) replaced with U+FFFD; check accents"]
    return []


_BLOCKS = (
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
    "label", "legend", "li", "main", "nav", "ol", "option", "p", "pre", "section", "table",
    "title", "tr", "ul",
)  # fmt: skip
_BLOCK_MARK = "\ue000"
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")


def page_text(markup: str) -> str:
    """The visible text of a page, one line per block, for search and display."""
    from lxml import etree
    from lxml import html as lxml_html

    markup = _XML_DECL.sub("", markup)  # lxml refuses str input that declares an encoding
    if not markup.strip():
        return ""
    try:
        root = lxml_html.document_fromstring(markup)
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(
        root, "script", "style", "noscript", "template", etree.Comment, with_tail=False
    )
    # Source line breaks are just spaces; blocks make the lines (a private-use mark,
    # since lxml refuses control characters in text).
    for el in root.iter(*_BLOCKS):
        el.tail = _BLOCK_MARK + (el.tail or "")
    for el in root.iter("td", "th"):
        el.tail = " " + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split(_BLOCK_MARK))
    return "\n".join(line for line in lines if line)


def content_charset(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type / HAR mimeType value."""
    if not content_type:
        return None
    m = re.search(r"charset\s*=\s*[\"']?([A-Za-z0-9_:.+-]+)", content_type, re.IGNORECASE)
    return m.group(1) if m else None


# --- MIME headers (MHTML and e-mail) ----------------------------------------------------------

HEADER_LINE = re.compile(rb"^[!-9;-~]+:")  # a MIME header field name and its colon
_YEAR = re.compile(r"\b(\d{4})\s+\d{1,2}:\d{2}")  # the year written before the time


def mime_date(raw: str | None) -> datetime | None:
    """An RFC 5322 Date header as a datetime.

    Aware when the header has an offset; ``-0000`` (UTC, local zone unknown) is read as UTC;
    a date without any zone is returned naive, to be placed in the préfecture's zone.
    """
    from email.utils import parsedate_to_datetime

    if not raw or not raw.strip():
        return None
    text = " ".join(raw.split())
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    written = _YEAR.search(text)
    if written and int(written.group(1)) != value.year:
        return None  # « 0001 » read as 2001 by the two-digit-year rule: not what was written
    if value.tzinfo is None and re.search(r"(?:-0000|\b(?:UT|UTC|GMT|Z))\s*(?:\(.*\))?$", text):
        value = value.replace(tzinfo=UTC)
    return value
