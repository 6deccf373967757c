"""Events read from ANEF documents: an API or a confirmation de dépôt (PDF, scan), an e-mail
of the téléservice, a préfecture's decision.

:func:`read_document_events` reads the file's text (the PDF's text layer, OCR of a scan or
an image when OCR is installed, the subject and body of an e-mail), asks the rows of
``toolkit/classify/anef.toml`` which events it records, and returns them unchecked with the
notes a person needs. It refuses, with one line saying how to declare the event instead,
a file whose text cannot be read, that matches no row, that is not the kind announced, or
whose dates cannot be read. It never writes: :mod:`toolkit.ingest.documents` records the
document and its events together, or nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from toolkit.errors import InputError
from toolkit.ingest.events import API_KINDS, EVENT_KINDS, REQUIRED, Event

# document kind -> the events a file of that kind may record (None: any ANEF event)
ANEF_DOCUMENT_KINDS: dict[str, frozenset[str] | None] = {
    "api": frozenset(API_KINDS),
    "filing_confirmation": frozenset({"filing_confirmation"}),
    "decision": frozenset({"decision_favorable", "decision_refusal", "oqtf"}),
    "anef_email": None,
}
MAX_PAGES = 10
_DECLARE = (
    "declare it with `guichets event add {applicant} --kind {kind} --on DATE{until} --file {name}`"
)


@dataclass
class DocumentEvents:
    """What one ANEF document records: its events, the text read and how, notes."""

    events: list[Event]
    text: str
    method: str  # texts.method: pdf, ocr, email
    rule: str
    notices: list[str] = field(default_factory=list)


def _declare(applicant: str, kind: str, name: str) -> str:
    spec = EVENT_KINDS.get(kind)
    until = " --until DATE" if spec is not None and spec.until == REQUIRED else ""
    return _DECLARE.format(applicant=applicant, kind=kind, until=until, name=name)


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        return "\n".join((page.extract_text() or "") for page in reader.pages[:MAX_PAGES])
    except Exception as e:  # pypdf raises assorted errors on damaged files
        raise InputError(f"unreadable PDF ({type(e).__name__}); export it again") from None


def _ocr_text(data: bytes, kind: str) -> str:
    from toolkit.classify.ocr import ocr_available, ocr_image

    ok, why = ocr_available()
    if not ok:
        raise InputError(f"no text to read without OCR ({why})")
    if kind == "pdf":
        from toolkit.ingest.captures.pdf import _ocr_pages

        return "\n".join(_ocr_pages(data, ocr_image))
    from toolkit.ingest.screenshots import decode_image

    return ocr_image(decode_image(data).image)


def _email(data: bytes, name: str, tz: str) -> tuple[str, date | None]:
    from toolkit.ingest.captures import eml

    record = eml.read(data, name)[0]
    when = record.observed_at
    day = None
    if when is not None:
        day = (when.astimezone(ZoneInfo(tz)) if when.tzinfo else when).date()
    return f"{record.subject or ''}\n\n{record.text or ''}", day


def document_text(data: bytes, sniffed_kind: str, name: str, tz: str) -> tuple[str, str, str]:
    """(text, format, method) of a PDF, an image or an e-mail; InputError when none."""
    if sniffed_kind == "eml":
        return _email(data, name, tz)[0], "email", "email"
    if sniffed_kind == "pdf":
        text = _pdf_text(data)
        if text.strip():
            return text, "pdf", "pdf"
        return _ocr_text(data, "pdf"), "pdf", "ocr"
    return _ocr_text(data, "image"), "image", "ocr"


def read_document_events(
    data: bytes,
    *,
    sniffed_kind: str,
    name: str,
    document_kind: str,
    applicant: str,
    tz: str,
    message_date: date | None,
    dated: date | None = None,
) -> DocumentEvents:
    """The events an ANEF document records (see the module doc).

    ``message_date``: the PDF's creation date, used only where the row allows it;
    ``dated``: a date the user gave (``--dated``), used when the text names none.
    """
    from toolkit.classify.anef import read_anef_text

    expected = ANEF_DOCUMENT_KINDS[document_kind]
    if document_kind == "anef_email" and sniffed_kind != "eml":
        raise InputError(
            "not an e-mail (.eml); ingest a PDF with --kind api, filing_confirmation or decision"
        )
    text, fmt, method = document_text(data, sniffed_kind, name, tz)
    if sniffed_kind == "eml":
        message_date = _email(data, name, tz)[1]
    if not text.strip():
        raise InputError(f"no text could be read; {_declare(applicant, _first(expected), name)}")
    reading = read_anef_text(text, fmt)
    if reading is None:
        raise InputError(
            f"not recognised as {_what(document_kind)}; check the file, or "
            + _declare(applicant, _first(expected), name)
        )
    if expected is not None and reading.events and not set(reading.events) <= expected:
        found = ", ".join(reading.events)
        raise InputError(
            f"reads as {found} (rule {reading.row.id}), not as {_what(document_kind)}; "
            "ingest it with the matching --kind"
        )
    out = DocumentEvents([], text, method, reading.row.id)
    if not reading.events:
        out.notices.append(f"{name}: {reading.row.notice}")
        return out
    on, note = reading.on, None
    if on is None and dated is not None:
        on, note = dated, "date déclarée (--dated), non lue sur le document"
    if on is None and reading.row.date_fallback == "message" and message_date is not None:
        on = message_date
        note = (
            "date du courriel (en-tête Date), non lue dans son texte"
            if sniffed_kind == "eml"
            else "date de création du fichier PDF, non lue dans son texte"
        )
    kind0 = reading.events[0]
    if on is None:
        raise InputError(
            f"reads as {kind0} (rule {reading.row.id}) but its date could not be read; "
            f"give it with --dated, or {_declare(applicant, kind0, name)}"
        )
    for kind in reading.events:
        spec = EVENT_KINDS[kind]
        until = reading.until if spec.until != "no" else None
        if spec.until == REQUIRED and until is None:
            raise InputError(
                f"reads as {kind} (rule {reading.row.id}) but its end of validity "
                f"(« valable jusqu'au … ») could not be read; {_declare(applicant, kind, name)}"
            )
        out.events.append(
            Event(
                kind=kind, on=on, until=until, reference=reading.reference, note=note,
                origin="read", rule=reading.row.id,
            )
        )  # fmt: skip
    return out


def _first(expected: frozenset[str] | None) -> str:
    if not expected:
        return "KIND"
    return sorted(expected)[0]


def _what(document_kind: str) -> str:
    return {
        "api": "an attestation de prolongation d'instruction",
        "filing_confirmation": "a confirmation de dépôt",
        "decision": "a decision of the préfecture",
        "anef_email": "a message of the ANEF téléservice",
    }[document_kind]
