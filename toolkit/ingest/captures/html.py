"""A booking page saved from the browser as HTML (« Enregistrer sous… », « Page Web, HTML
uniquement »).

A saved page carries no time of its own, so the ingest loop dates it from its file name,
or last from the file's date (weak). Its address comes from the « saved from url »
comment, the canonical link or ``<base>``, as the classifier reads them. Bytes are decoded
as a browser would (BOM, declared charset, UTF-8, Windows-1252); a page whose bytes
contradict its declared charset is still read and classified, with a warning.
"""

from __future__ import annotations

from toolkit.ingest.captures.base import (
    CaptureRecord,
    OcrFunction,
    charset_warnings,
    page_text,
    strip_head,
)

EXTENSIONS: tuple[str, ...] = (".html", ".htm")
MEDIA_TYPE: str = "text/html"
LABEL: str = "an HTML page"

_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<!-- saved from url", b"<meta")


def sniff(head: bytes) -> bool:
    """An HTML document: a doctype, ``<html>``, or a « saved from url » comment first."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with a BOM
        try:
            head = head.decode("utf-16").encode("utf-8", "replace")
        except UnicodeDecodeError:
            return False
    start = strip_head(head[:2048])
    if start.startswith(_STARTS):
        return True
    # a comment or an XML declaration may come before the document element
    return start.startswith((b"<!--", b"<?xml")) and b"<html" in start


def read(data: bytes, name: str, *, ocr: OcrFunction | None = None) -> list[CaptureRecord]:
    """One page: its classification, visible text and any charset warning."""
    from toolkit.classify import classify_html, decode_html

    markup = decode_html(data)
    cls = classify_html(markup)
    return [
        CaptureRecord(
            classification=cls,
            url=cls.url,
            text=page_text(markup),
            text_method="html",
            warnings=charset_warnings(data, None, markup),
        )
    ]
