"""Supporting documents (permit, CCC attestation, letters, e-mails, proof of urgency).

A document is an original kept in the vault and one row in ``documents``; it is not an
attempt. Accepted files are PDFs, images (PNG, JPEG, WebP, HEIC) and e-mails saved as
``.eml``; anything else is refused with a hint (export it as PDF).

The document's date (``dated``): ``--dated`` when given, else the PDF's creation date
(its modification date when there is none), else the ``Date:`` header of an e-mail,
else nothing. Dates are read in the préfecture's zone. A date in the future is refused.

The kinds ``api``, ``filing_confirmation``, ``decision`` and ``anef_email`` also record the
procedural events the document states (its dates read from its text by
:mod:`toolkit.ingest.anef`); a file whose events cannot be read, or contradict those
recorded, is refused and nothing of it is recorded.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from toolkit.errors import InputError, Problem
from toolkit.ingest.inputs import EntryError, InputFile, expand
from toolkit.ingest.records import (
    IngestReport,
    close_batch,
    content_id,
    reader_failure,
    recording,
)
from toolkit.progress import ProgressCallback, noop
from toolkit.workspace import Workspace, now

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from pypdf import PdfReader

    from toolkit.applicants import Applicant
    from toolkit.ingest.anef import DocumentEvents

# slug -> French label (exhibit inventories use the label).
DOCUMENT_KINDS: dict[str, str] = {
    "permit": "titre de séjour ou récépissé",
    "ccc_attestation": "attestation du Centre de contact citoyen",
    "letter": "courrier (LRAR) et avis de réception",
    "email": "courriel",
    "urgency": "justificatif d'urgence",
    "identity": "pièce d'identité",
    # The applicant states on honour that the captures are theirs: the no-slot page is
    # anonymous (CE, 21 avril 2021, n° 448178), so the link must be shown otherwise.
    "sworn_statement": "attestation sur l'honneur du demandeur",
    "other": "autre pièce",
    # the procedure (ANEF or guichet): their events are read from the text, see ingest/anef.py
    "api": "attestation de prolongation d'instruction",
    "filing_confirmation": "confirmation de dépôt de la demande",
    "anef_email": "courriel du téléservice ANEF",
    "decision": "décision de la préfecture",
    "convocation": "convocation de la préfecture",
    "procedure": "autre pièce de la procédure",
}

MIN_DATED = date(1900, 1, 1)


@dataclass(frozen=True)
class Sniffed:
    """What a file is: ``pdf``, an image type, or ``eml``; and its media type."""

    kind: str
    media_type: str


def check_kind(kind: str) -> str:
    slug = kind.strip().lower().replace("-", "_")
    if slug not in DOCUMENT_KINDS:
        raise InputError(f"unknown document kind {kind!r}; use one of: {', '.join(DOCUMENT_KINDS)}")
    return slug


def today_in(tz: str) -> date:
    return now().astimezone(ZoneInfo(tz)).date()


def check_dated(value: str | date | None, tz: str, what: str = "--dated") -> date | None:
    """A user-given document date: not in the future, not before 1900."""
    from toolkit.applicants import parse_date

    d = parse_date(value, what)
    if d is None:
        return None
    if d > today_in(tz):
        raise InputError(
            f"{what} {d.isoformat()} is in the future; give the date the document bears"
        )
    if d < MIN_DATED:
        raise InputError(f"{what} {d.isoformat()} is before 1900; check the year")
    return d


_EML_HEADER = re.compile(
    rb"^(?:from|to|date|subject|received|return-path|message-id|mime-version|delivered-to)\s*:",
    re.IGNORECASE | re.MULTILINE,
)


def sniff_document(data: bytes, name: str) -> Sniffed:
    """Identify a document from its first bytes; raise InputError for anything unusable."""
    from toolkit.ingest.images import sniff

    head = data[:1024]
    if not data:
        raise InputError("empty file; copy the original again")
    if head.lstrip()[:5] == b"%PDF-":
        return Sniffed("pdf", "application/pdf")
    image = sniff(data)
    if image is not None:
        return Sniffed(image, f"image/{image}")
    low = head.lstrip().lower()
    if low.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(
            "Outlook .msg or old Office file, not a PDF, image or e-mail (.eml); "
            "save the e-mail as .eml or print the document to PDF"
        )
    if low.startswith(b"pk"):
        raise InputError(
            "Word, OpenDocument or zip file, not a PDF, image or e-mail (.eml); export it as PDF"
        )
    if low.startswith((b"<!doctype html", b"<html")):
        raise InputError(
            "web page, not a PDF, image or e-mail (.eml); print it to PDF "
            "(or use `guichets ingest captures` for a booking page)"
        )
    header_part = data[:8192].split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    if len(_EML_HEADER.findall(header_part)) >= 2:
        if b"multipart/related" in header_part.lower() and b"snapshot-content-location" in (
            header_part.lower()
        ):
            raise InputError(
                "saved web page (MHTML), not an e-mail; print it to PDF "
                "(or use `guichets ingest captures` for a booking page)"
            )
        return Sniffed("eml", "message/rfc822")
    raise InputError(
        "not a PDF, an image (PNG, JPEG, WebP, HEIC) or an e-mail (.eml); "
        f"export {name!r} as PDF and ingest the PDF"
    )


def validate_document(data: bytes, sniffed: Sniffed) -> None:
    """Refuse a corrupt file now, rather than when an exhibit is built."""
    if sniffed.kind == "pdf":
        _pdf_reader(data)
    elif sniffed.kind != "eml":
        from toolkit.ingest.images import decode_image

        decode_image(data)


def _pdf_reader(data: bytes) -> PdfReader:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        _ = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as e:
        raise InputError(f"corrupt PDF ({e}); export or scan the document again") from None
    except Exception as e:  # pypdf raises assorted errors on damaged files
        raise InputError(f"unreadable PDF ({type(e).__name__}); export it again") from None
    return reader


def date_from_pdf(data: bytes, tz: str) -> date | None:
    """The PDF's creation date (else modification date) in ``tz``; None if absent or unreadable."""
    try:
        meta = _pdf_reader(data).metadata
    except InputError:
        return None
    if not meta:
        return None
    for getter in ("creation_date", "modification_date"):
        try:
            value = getattr(meta, getter)
        except Exception:  # a malformed date string; metadata is optional
            value = None
        if isinstance(value, datetime):
            try:
                return _local_date(value, tz)
            except (OverflowError, ValueError):  # year 1 or 9999 with an offset: no date
                return None
    return None


def date_from_eml(data: bytes, tz: str) -> date | None:
    """The e-mail's Date header as a local date (its headers are read within the bounds of
    :mod:`toolkit.ingest.captures.mime`)."""
    from toolkit.ingest.captures import mime
    from toolkit.ingest.captures.base import mime_date

    what, fix = "this e-mail", "save the message again from the mail program, or print it to PDF"
    msg = mime.parse(data, what=what, fix=fix, headers_only=True)
    when = mime_date(mime.raw_header(msg, "Date", what, fix))
    return _local_date(when, tz) if when is not None else None


def _local_date(value: datetime, tz: str) -> date:
    if value.tzinfo is None:
        return value.date()  # a naive time is the préfecture's wall clock already
    return value.astimezone(ZoneInfo(tz)).date()


def document_id(applicant_id: str, sha256: str, kind: str) -> str:
    return content_id("document", applicant_id, sha256, kind)


def ingest_documents(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    applicant_id: str,
    *,
    kind: str,
    title: str | None = None,
    dated: str | date | None = None,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> IngestReport:
    """Record each file as one supporting document of ``applicant_id``.

    Without ``strict``, valid files are recorded and problems are reported; with
    ``strict``, nothing is recorded unless every file is valid (ProblemsFound).
    ``title`` defaults to the file name without its extension.
    """
    from toolkit.applicants import get_applicant
    from toolkit.vault import sha256_bytes

    progress = progress or noop
    applicant = get_applicant(ws, applicant_id)
    slug = check_kind(kind)
    given_date = check_dated(dated, applicant.tz)
    report = IngestReport(kind="documents", details={"unit": "document"})
    inputs: list[InputFile] = list(expand(list(paths), report.problems, file_times=file_times))
    if not inputs and not report.problems:
        raise InputError("no files found in " + ", ".join(str(p) for p in paths))
    seen: set[str] = set()
    with ws.transaction():
        source_id = ws.new_source(
            "documents",
            ", ".join(str(p) for p in paths),
            {"kind": slug, "title": title, "dated": given_date},
        )
        report.source_id = source_id
        for i, f in enumerate(inputs):
            progress(i, len(inputs), f.name)
            try:
                data = f.read()
                sniffed = sniff_document(data, f.name)
                validate_document(data, sniffed)
                when, origin = _document_date(given_date, data, sniffed, applicant.tz)
            except (InputError, EntryError) as e:
                report.problems.append(Problem(f.display, str(e)))
                continue
            except Exception as e:  # whatever a reader raised: this file only
                report.problems.append(reader_failure(f.display, e))
                continue
            digest = sha256_bytes(data)
            doc_id = document_id(applicant.id, digest, slug)
            if doc_id in seen or ws.scalar("SELECT count(*) FROM documents WHERE id = ?", [doc_id]):
                report.duplicates.append(f.display)
                continue
            seen.add(doc_id)
            try:
                read = _read_events(ws, applicant, slug, data, sniffed, f.name, when, given_date)
            except InputError as e:
                report.problems.append(Problem(f.display, str(e)))
                continue
            except Exception as e:  # whatever reading its events raised: this file only
                report.problems.append(reader_failure(f.display, e))
                continue
            if read is not None and read.events and given_date is None:
                when, origin = read.events[0].on, "its text"
            if when is None:
                report.notices.append(f"{f.display}: no date found; give it with --dated")
            else:
                report.notices.append(f"{f.display}: dated {when.isoformat()} ({origin})")
            with recording(f.display, len(report.recorded)):
                ws.store_file(data, f.name, sniffed.media_type)
                ws.sql(
                    "INSERT INTO documents (id, applicant_id, kind, title, dated, file_sha256, "
                    "source_id, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        doc_id,
                        applicant.id,
                        slug,
                        title or _stem(f.name),
                        when,
                        digest,
                        source_id,
                        now(),
                    ],
                )
                if read is not None:
                    _record_events(
                        ws, applicant.id, read, digest, doc_id, source_id, report, f.display
                    )
            report.recorded.append(f.display)
            report.rows += 1
        progress(len(inputs), len(inputs), "")
        close_batch(
            ws,
            report,
            source_id,
            strict,
            "ingest.documents",
            {
                "applicant": applicant.id,
                "source": source_id,
                "kind": slug,
                "recorded": report.rows,
                "duplicates": len(report.duplicates),
                "rejected": len(report.problems),
                "events": report.details.get("events", 0),
            },
        )
    return report


def _read_events(
    ws: Workspace,
    applicant: Applicant,
    slug: str,
    data: bytes,
    sniffed: Sniffed,
    name: str,
    message_date: date | None,
    given: date | None,
) -> DocumentEvents | None:
    """The events of an ANEF document, each checked against the store (InputError if not)."""
    from toolkit.ingest.anef import ANEF_DOCUMENT_KINDS, read_document_events
    from toolkit.ingest.events import API_KINDS, prepare

    if slug not in ANEF_DOCUMENT_KINDS:
        return None
    read = read_document_events(
        data, sniffed_kind=sniffed.kind, name=name, document_kind=slug, applicant=applicant.id,
        tz=applicant.tz, message_date=message_date, dated=given,
    )  # fmt: skip
    today = today_in(applicant.tz)
    for i, event in enumerate(read.events):
        if event.kind == "api_issued" and ws.scalar(
            "SELECT count(*) FROM events WHERE applicant_id = ? AND kind IN (?, ?) "
            "AND withdrawn_at IS NULL AND event_date < ?",
            [applicant.id, *API_KINDS, event.on],
        ):
            event = replace(event, kind="api_renewed")  # an earlier API is recorded
        read.events[i] = event
        prepare(ws, applicant.id, event, today)
    return read


def _record_events(
    ws: Workspace,
    applicant_id: str,
    read: DocumentEvents,
    digest: str,
    doc_id: str,
    source_id: str,
    report: IngestReport,
    display: str,
) -> None:
    from toolkit.ingest.events import insert_event

    ws.sql(
        "INSERT INTO texts (file_sha256, part, method, text) VALUES (?, 0, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [digest, read.method, read.text],
    )
    report.notices.extend(read.notices)
    for event in read.events:
        linked = replace(event, file_sha256=digest, document_id=doc_id)
        eid = insert_event(ws, applicant_id, linked, source_id)
        until = f", valid until {event.until.isoformat()}" if event.until else ""
        report.notices.append(
            f"{display}: event {event.kind} on {event.on.isoformat()}{until} read "
            f"(rule {event.rule}; id {eid})"
        )
    report.details["events"] = report.details.get("events", 0) + len(read.events)


def _document_date(
    given: date | None, data: bytes, sniffed: Sniffed, tz: str
) -> tuple[date | None, str]:
    if given is not None:
        return given, "--dated"
    found: date | None = None
    origin = ""
    if sniffed.kind == "pdf":
        found, origin = date_from_pdf(data, tz), "PDF metadata"
    elif sniffed.kind == "eml":
        found, origin = date_from_eml(data, tz), "e-mail Date header"
    # a document clock set wrong is not a date: ignore what lies in the future or before 1900
    if found is None or found > today_in(tz) or found < MIN_DATED:
        return None, ""
    return found, origin


def _stem(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[0] if "." in base[1:] else base
