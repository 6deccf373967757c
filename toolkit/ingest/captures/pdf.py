"""A booking page printed to PDF from the browser (« Imprimer » → « Enregistrer au format PDF »).

Browsers print a header and a footer in the page margins: Chrome puts the date and time
top left, the title in the middle, the address bottom left and « 1/2 » bottom right;
Firefox puts the title and the address at the top, « Page 1 sur 2 » and the date at the
bottom. The date follows the browser's language: ``12/03/2025 10:06`` (français),
``12/03/2025, 10:06`` (English, UK), ``3/12/25, 10:06 AM`` (English, US: month first,
12-hour clock). Only the margins are searched, so a slot date in the page never passes
for the print time.

Time, most trusted first: the printed date (``pdf_header``), then the document's
CreationDate (``pdf_meta``); otherwise the ingest loop uses the file name or date. The
text layer is read with pdfplumber (every page closed after use: it keeps parsed objects
alive otherwise). A PDF without a text layer (a scan) is read by OCR when it is available:
pages are rendered with pypdfium2 and the printed date read from the OCR text (``ocr``).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from toolkit.errors import InputError
from toolkit.ingest.captures.base import CaptureRecord, NoTextLayer, OcrFunction
from toolkit.model import TimeSource

if TYPE_CHECKING:
    from pdfplumber.page import Page

EXTENSIONS: tuple[str, ...] = (".pdf",)
MEDIA_TYPE: str = "application/pdf"
LABEL: str = "a PDF"

MAX_PAGES = 20  # a printed booking page has 1–3; a long PDF is a document, not a capture
MAX_OCR_PAGES = 5
BAND = 42.0  # points: the browser's header and footer sit inside this margin (~1.5 cm)
OCR_SCALE = 200 / 72  # 200 dpi: screen text reads well, and twice as fast as 300
_REPRINT = "print the page to PDF again from the browser"

_PRINTED = re.compile(
    r"(?<![\d/.])(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>\d{4}|\d{2}),?\s+"
    r"(?P<H>\d{1,2})[:h](?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s*(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?(?![\d:])"
)
_PRINTED_ISO = re.compile(
    r"(?<!\d)(?P<y>\d{4})-(?P<b>\d{2})-(?P<a>\d{2}),?\s+(?P<H>\d{1,2}):(?P<M>\d{2})"
    r"(?::(?P<S>\d{2}))?(?![\d:])"
)
_URL = re.compile(r"https?://\S+", re.IGNORECASE)


def sniff(head: bytes) -> bool:
    """The PDF signature, allowed anywhere in the first kilobyte (as readers do)."""
    return b"%PDF-" in head[:1024]


def printed_time(text: str) -> tuple[datetime, str] | None:
    """The date and time a browser printed in a header or footer, and its form.

    Day first unless the time has AM/PM (the US form, month first); a day-first reading
    that is impossible (13/25/2025) falls back to month first.
    """
    for match in _PRINTED_ISO.finditer(text):
        found = _build(match, month_first=False, iso=True)
        if found is not None:
            return found
    for match in _PRINTED.finditer(text):
        us = match.group("ampm") is not None
        found = _build(match, month_first=us) or _build(match, month_first=not us)
        if found is not None:
            return found
    return None


def _build(
    match: re.Match[str], *, month_first: bool, iso: bool = False
) -> tuple[datetime, str] | None:
    a, b = int(match.group("a")), int(match.group("b"))
    day, month = (b, a) if month_first else (a, b)
    year = int(match.group("y"))
    year += 2000 if year < 100 else 0
    hour, minute = int(match.group("H")), int(match.group("M"))
    ampm = (match.groupdict().get("ampm") or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "p" else 0)
    try:
        value = datetime(year, month, day, hour, minute, int(match.group("S") or 0))
    except ValueError:
        return None
    form = "y-m-d" if iso else ("m/d/y" if month_first else "d/m/y")
    return value, form + (" 12h" if ampm else "")


def _printed_precision(value: datetime, band: str) -> str:
    """``second`` when the printed time shows seconds, else ``minute``."""
    shown = f"{value:%H:%M:%S}"
    return "second" if shown in band or value.second else "minute"


@dataclass
class _Layer:
    pages: list[str]
    margins: list[tuple[str, str]]  # (header band, footer band) per page read
    total: int


def read(data: bytes, name: str, *, ocr: OcrFunction | None = None) -> list[CaptureRecord]:
    """The printed page: classification, text, address and print time."""
    from toolkit.classify import classify_text

    with _quiet():
        created = _open_check(data)
        layer = _text_layer(data)
    record = CaptureRecord(text_method="pdf")
    text = "\n\n".join(layer.pages).strip()
    url: str | None = None
    if text:
        for where, band in _bands(layer.margins):
            found = printed_time(band)
            if found is not None and record.observed_at is None:
                record.add_time(found[0], TimeSource.PDF_HEADER, f"pdf_header:{where}:{found[1]}",
                                precision=_printed_precision(found[0], band))  # fmt: skip
            url = url or _band_url(band)
    else:
        if ocr is None:
            raise NoTextLayer("PDF has no text layer (a scan, or a page printed as an image)")
        pages = _ocr_pages(data, ocr)
        text = "\n\n".join(pages).strip()
        if not text:
            raise InputError("PDF has no text layer and OCR read no text from it; " + _REPRINT)
        record.text_method, record.extraction = "ocr", "ocr"
        edges = _ocr_edges(pages[0])
        found = printed_time(edges)
        if found is not None:
            record.add_time(found[0], TimeSource.OCR, f"ocr:pdf-header:{found[1]}",
                            precision=_printed_precision(found[0], edges))  # fmt: skip
        url = _band_url(edges)
    if created is not None:  # the PDF's own creation date: one more candidate
        record.add_time(created, TimeSource.PDF_META, "pdf_meta:CreationDate")
    limit = MAX_OCR_PAGES if record.extraction == "ocr" else MAX_PAGES
    if layer.total > limit:
        record.warnings.append(
            f"only the first {limit} of {layer.total} pages were read; a printed booking page "
            "is 1–3 pages (is this a document? use `guichets ingest documents`)"
        )
    cls = classify_text(text, url=url)
    record.classification, record.url, record.text = cls, cls.url or url, text
    return [record]


@contextmanager
def _quiet() -> Iterator[None]:
    """pypdf and pdfminer log every oddity of a damaged file on stderr; the ingest report
    already says what matters, so their loggers are silenced while we read."""
    loggers = [logging.getLogger(name) for name in ("pypdf", "pdfminer")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


def _open_check(data: bytes) -> datetime | None:
    """Refuse encrypted and corrupt PDFs; return the CreationDate if readable."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        locked = reader.is_encrypted and not reader.decrypt("")
    except Exception as e:  # damaged files make pypdf raise many kinds of errors
        raise InputError(f"corrupt PDF ({_why(e)}); {_REPRINT}") from None
    if locked:
        raise InputError(
            f"encrypted PDF: it needs a password to open; {_REPRINT} without a password"
        )
    try:
        meta = reader.metadata
        created = meta.creation_date if meta is not None else None
    except Exception:  # an unreadable date (year 0, year 1 with an offset…) loses a candidate
        return None
    return created if isinstance(created, datetime) else None


def _text_layer(data: bytes) -> _Layer:
    import pdfplumber

    pages: list[str] = []
    margins: list[tuple[str, str]] = []
    try:
        with pdfplumber.open(io.BytesIO(data), password="") as pdf:
            total = len(pdf.pages)
            for page in pdf.pages[:MAX_PAGES]:
                try:
                    pages.append(page.extract_text() or "")
                    margins.append(_margins(page))
                finally:
                    page.close()
    except Exception as e:  # pdfminer raises many kinds of errors on damaged files
        raise InputError(f"corrupt PDF ({_why(e)}); {_REPRINT}") from None
    return _Layer(pages, margins, total)


def _margins(page: Page) -> tuple[str, str]:
    x0, top, x1, bottom = page.bbox
    band = min(BAND, (bottom - top) / 4)
    head = page.within_bbox((x0, top, x1, top + band)).extract_text() or ""
    foot = page.within_bbox((x0, bottom - band, x1, bottom)).extract_text() or ""
    return head, foot


def _bands(margins: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(where, text) of the margins: first page first, then the others."""
    out: list[tuple[str, str]] = []
    for head, foot in margins:
        out += [("header", head), ("footer", foot)]
    return out


def _band_url(text: str) -> str | None:
    match = _URL.search(text)
    return match.group().rstrip(".,;…") if match else None


def _ocr_pages(data: bytes, ocr: OcrFunction) -> list[str]:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as e:
        raise InputError(f"corrupt PDF ({e}); {_REPRINT}") from None
    texts: list[str] = []
    try:
        for index in range(min(len(doc), MAX_OCR_PAGES)):
            page = doc[index]
            try:
                image = page.render(scale=OCR_SCALE).to_pil()
                texts.append(ocr(image) or "")
            finally:
                page.close()
    finally:
        doc.close()
    return texts


def _ocr_edges(text: str) -> str:
    """The first and last lines of a page read by OCR: where the browser printed the margins."""
    lines = [line for line in text.splitlines() if line.strip()]
    return "\n".join(lines[:3] + lines[-3:])


def _why(e: Exception) -> str:
    return str(e).strip() or type(e).__name__
