"""An e-mail exchanged with the préfecture, saved as .eml (RFC 5322).

E-mails are contacts, not booking attempts: channel ``email``, outcome and system
``unknown``. The ingest loop decides the direction (sent or received) by comparing the
addresses with the applicant's e-mail. An automatic reply (``Auto-Submitted`` header, or
« réponse automatique » in the subject or the first lines) is a received contact with the
note « réponse automatique ». The subject is decoded (RFC 2047); the plain-text body is
stored in ``texts`` (method ``email``), from the HTML part when there is no plain one.

Time: the ``Date`` header (time_source ``email_header``). A message without a readable
Date cannot be dated from its content and is refused; record it with
`guichets contact add` instead.

The message is split and its headers decoded within the bounds of :mod:`mime` (size, lines,
parts, nesting, header count, encoded-words): a crafted message is refused in one line, never
left to run for minutes or fill the memory.
"""

from __future__ import annotations

import re
from email.message import Message

from toolkit.errors import InputError
from toolkit.ingest.captures import mime
from toolkit.ingest.captures.base import (
    CaptureRecord,
    OcrFunction,
    mime_date,
    page_text,
    strip_head,
)
from toolkit.model import Channel, TimeSource

EXTENSIONS: tuple[str, ...] = (".eml",)
MEDIA_TYPE: str = "message/rfc822"
LABEL: str = "an e-mail"

AUTO_REPLY_NOTE = "réponse automatique"
# Normalised (accent- and case-free) openings of an automatic answer's subject…
_AUTO_SUBJECTS = (
    "reponse automatique",
    "message automatique",
    "accuse de reception automatique",
    "automatic reply",
    "auto-reply",
    "autoreply",
    "auto:",
    "out of office",
)
# …and phrases its first lines hold. A person's message may mention « une réponse
# automatique » it received, so the body phrases say that this message is one.
_AUTO_BODIES = (
    "ceci est une reponse automatique",
    "ceci est un message automatique",
    "ce message est genere automatiquement",
    "message genere automatiquement",
    "merci de ne pas y repondre",
    "merci de ne pas repondre a ce message",
    "this is an automatic reply",
    "this is an automated message",
)
_FIRST_LINE = re.compile(rb"^(?:from [^\r\n]*\r?\n)?[!-9;-~]+:[ \t]?")
_MAIL_FIELD = re.compile(rb"(?m)^(?:from|date|subject|received|message-id|return-path):")
_UNDATED = "record it with `guichets contact add` and its date in --at"
_WHAT = "this e-mail"
_FIX = "save the message again from the mail program, or " + _UNDATED


def sniff(head: bytes) -> bool:
    """A header block (an mbox ``From `` line may precede it) with mail fields; not a page
    saved as MHTML, which is MIME too."""
    start = strip_head(head[:8192])
    if b"snapshot-content-location:" in start or b"<saved by " in start:
        return False
    return bool(_FIRST_LINE.match(start) and _MAIL_FIELD.search(start))


def read(data: bytes, name: str, *, ocr: OcrFunction | None = None) -> list[CaptureRecord]:
    """The message as one contact: date, subject, addresses, body and auto-reply flag."""
    msg = mime.parse(data, what=_WHAT, fix=_FIX)
    raw_date = _value(msg, "Date")
    if raw_date is None:
        raise InputError(f"no Date header, so the e-mail cannot be dated; {_UNDATED}")
    when = mime_date(raw_date)
    if when is None:
        raise InputError(f"unreadable Date header {raw_date[:80]!r}; {_UNDATED}")
    subject = _value(msg, "Subject")
    body_part = _body_part(msg)
    body = _body(body_part) if body_part is not None else ""
    record = CaptureRecord(
        channel=Channel.EMAIL.value,
        subject=subject,
        text=body,
        text_method="email",
        sender=next(iter(_addresses(msg, "From")), None),
        recipients=tuple(_addresses(msg, "To") + _addresses(msg, "Cc")),
    )
    record.add_time(when, TimeSource.EMAIL_HEADER, "email:Date", raw=raw_date)
    if _is_auto_reply(msg, subject, body):
        record.auto_reply, record.note = True, AUTO_REPLY_NOTE
    attached = [
        p.get_filename() or p.get_content_type()
        for p, _ in mime.walk(msg)
        if p is not body_part and _is_attachment(p)
    ]
    if attached:
        record.notices.append(
            f"{len(attached)} attachment(s) not ingested ({', '.join(attached[:3])}); save them "
            "and ingest them on their own (screenshots, captures or documents)"
        )
    return [record]


def _value(msg: Message, name: str) -> str | None:
    return mime.header(msg, name, _WHAT, _FIX)


def _addresses(msg: Message, name: str) -> list[str]:
    from email.utils import getaddresses

    raw = mime.raw_header(msg, name, _WHAT, _FIX)
    if raw is None:
        return []
    return [addr.lower() for _, addr in getaddresses([raw]) if "@" in addr]


def _is_attachment(part: Message) -> bool:
    """A leaf part that is not text to read: a file (disposition attachment) or a non-text
    part (an image, a PDF)."""
    if part.is_multipart() or part.get_content_maintype() == "message":
        return False
    disposition = (part.get("Content-Disposition") or "").split(";", 1)[0].strip().lower()
    return disposition == "attachment" or part.get_content_maintype() != "text"


def _body_part(msg: Message) -> Message | None:
    """The first plain-text part that is not an attachment, else the first HTML one."""
    found: dict[str, Message] = {}
    for part, _ in mime.walk(msg):
        kind = part.get_content_type()
        if kind in ("text/plain", "text/html") and not _is_attachment(part):
            disposition = (part.get("Content-Disposition") or "").lower()
            if not disposition.startswith("attachment"):
                found.setdefault(kind, part)
    return found.get("text/plain") or found.get("text/html")


def _body(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "us-ascii"
    try:
        content = payload.decode(charset, "replace")
    except (LookupError, UnicodeError):  # unknown charset, or a codec that is not text
        content = payload.decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        return page_text(content)
    return content.replace("\r\n", "\n").strip()


def _is_auto_reply(msg: Message, subject: str | None, body: str) -> bool:
    """RFC 3834 headers, an automatic subject, or a first paragraph saying so."""
    from toolkit.classify import normalise

    auto = (_value(msg, "Auto-Submitted") or "no").lower()
    precedence = (_value(msg, "Precedence") or "").lower()
    if auto != "no" or precedence == "auto_reply":
        return True
    if _value(msg, "X-Autoreply") or _value(msg, "X-Autorespond"):
        return True
    if normalise(subject or "").startswith(_AUTO_SUBJECTS):
        return True
    opening = normalise(body.strip().split("\n\n", 1)[0])
    return any(phrase in opening for phrase in _AUTO_BODIES)
