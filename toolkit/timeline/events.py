"""Procedural events for users: declare one (with its file), list them all, withdraw one.

``list_events`` merges three sources, each named in ``source``:

- ``declared``: typed by a person (``guichets event add``);
- ``document``: read from an ingested ANEF document (``ingest documents --kind api`` …);
- ``capture``: seen on a captured ANEF page or screenshot (a status such as « En cours
  d'instruction » on the day it was seen, a maintenance page, an error loop, a blocked
  account: rows ``anef.*`` of the page classifier), or read in an ANEF e-mail ingested as
  a contact. These are not stored twice: they are read from the attempts each time, so a
  corrected attempt corrects its event.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.ingest.events import (
    EVENT_KINDS,
    Event,
    check_kind,
    insert_event,
    prepare,
    stored_events,
    withdraw_event,
)
from toolkit.timeline.model import TimelineEvent
from toolkit.workspace import Workspace

STATUS_LABELS = {
    "anef.status.deposee": "Demande déposée",
    "anef.status.instruction": "En cours d'instruction",
    "anef.status.favorable": "Décision favorable",
}


def add_event(
    ws: Workspace,
    applicant_id: str,
    *,
    kind: str,
    on: str | date,
    until: str | date | None = None,
    reference: str | None = None,
    file: str | os.PathLike[str] | None = None,
    note: str | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """Record a declared event; return ``{id, kind, date, until, recorded, document}``.

    ``file``: a copy of the document (PDF, image, .eml) kept in the vault and listed among
    the applicant's documents. Adding the same event twice is a no-op (``recorded`` False).
    Nothing is recorded when a check fails (InputError, one line).
    """
    from toolkit.applicants import get_applicant, parse_date
    from toolkit.ingest.documents import today_in

    applicant = get_applicant(ws, applicant_id)
    slug = check_kind(kind)
    day = parse_date(on, "--on")
    if day is None:
        raise InputError("--on is required: the date of the event, YYYY-MM-DD")
    end = parse_date(until, "--until")
    today = today or today_in(applicant.tz)
    event = Event(
        kind=slug, on=day, until=end, reference=(reference or "").strip() or None,
        note=(note or "").strip() or None,
    )  # fmt: skip
    data, name = _read_file(file) if file is not None else (None, None)
    if data is not None:
        from toolkit.ingest.documents import sniff_document, validate_document
        from toolkit.vault import sha256_bytes

        assert name is not None
        try:
            sniffed = sniff_document(data, name)
            validate_document(data, sniffed)
        except InputError as e:
            raise InputError(f"{file}: {e}") from None
        event = replace(event, file_sha256=sha256_bytes(data))
    eid, known = prepare(ws, applicant.id, event, today)
    out = {"id": eid, "kind": slug, "date": day, "until": end, "recorded": not known}
    if known:
        return out | {"document": None}
    with ws.transaction():
        source_id = ws.new_source("event", str(file) if file else None, {"kind": slug})
        doc_id = None
        if data is not None:
            doc_id = _store_document(ws, applicant.id, data, str(name), slug, day, source_id)
            event = replace(event, document_id=doc_id)
        insert_event(ws, applicant.id, event, source_id)
        ws.set_source_rows(source_id, 1)
        ws.log_custody(
            "event.add",
            {
                "applicant": applicant.id, "event": eid, "kind": slug, "date": day,
                "until": end, "file": event.file_sha256, "source": source_id,
            },
        )  # fmt: skip
    return out | {"document": doc_id}


def _read_file(file: str | os.PathLike[str]) -> tuple[bytes, str]:
    from toolkit.ingest.inputs import MAX_ENTRY_BYTES

    path = Path(file)
    if path.is_symlink() or not path.is_file():
        raise InputError(f"--file {path}: no such file (a link or a device is not read)")
    if path.stat().st_size > MAX_ENTRY_BYTES:
        raise InputError(
            f"--file {path}: {path.stat().st_size // 2**20} MB is too large for one original "
            f"(limit {MAX_ENTRY_BYTES // 2**20} MB)"
        )
    return path.read_bytes(), path.name


def _store_document(
    ws: Workspace, applicant_id: str, data: bytes, name: str, kind: str, day: date, source_id: str
) -> str:
    from toolkit.ingest.documents import document_id, sniff_document
    from toolkit.workspace import now

    doc_kind = EVENT_KINDS[kind].document_kind
    digest = ws.store_file(data, name, sniff_document(data, name).media_type)
    doc_id = document_id(applicant_id, digest, doc_kind)
    ws.sql(
        "INSERT INTO documents (id, applicant_id, kind, title, dated, file_sha256, source_id, "
        "ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        [doc_id, applicant_id, doc_kind, EVENT_KINDS[kind].label, day, digest, source_id, now()],
    )
    return doc_id


def remove_event(ws: Workspace, applicant_id: str, event_id: str, *, reason: str) -> dict[str, Any]:
    """Withdraw a recorded event (it stays in the store, marked, with the reason)."""
    from toolkit.applicants import get_applicant

    get_applicant(ws, applicant_id)
    return withdraw_event(ws, applicant_id, event_id, reason)


def _stored(ws: Workspace, applicant_id: str) -> list[TimelineEvent]:
    out = []
    for r in stored_events(ws, applicant_id):
        source = "document" if r["origin"] == "read" else "declared"
        where = (r["file_name"], r["file_sha256"], r["rule"], r["reference"], r["note"], r["id"])
        out.append(TimelineEvent(r["kind"], r["date"], r["until"], source, *where))
    return out


def _from_pages(ws: Workspace, applicant_id: str) -> list[TimelineEvent]:
    """ANEF pages and screenshots classified by the page classifier (rows ``anef.*``)."""
    rows = ws.rows(
        "SELECT id, local_date, rule, outcome, original_name, file_sha256 FROM attempts_local "
        "WHERE applicant_id = ? AND channel = 'online' AND system = 'anef' "
        "ORDER BY observed_at, id",
        [applicant_id],
    )
    out = []
    for r in rows:
        rule = r["rule"] or ""
        if rule.startswith("anef.status."):
            kind, note = "status_seen", STATUS_LABELS.get(rule, rule)
        elif r["outcome"] in ("error", "blocked", "maintenance"):
            kind, note = "anef_incident", f"{r['outcome']} ({rule or 'sans règle'})"
        else:
            continue
        out.append(
            TimelineEvent(
                kind=kind, date=r["local_date"], source="capture", file=r["original_name"],
                sha256=r["file_sha256"], rule=rule or None, note=note, id=f"attempt:{r['id']}",
            )
        )  # fmt: skip
    return out


def _from_emails(ws: Workspace, applicant_id: str, known: set[str]) -> list[TimelineEvent]:
    """ANEF e-mails ingested as contacts (``ingest captures``) and not filed as documents."""
    from toolkit.classify.anef import read_anef_text

    rows = ws.rows(
        "SELECT a.id, a.local_date, a.subject, a.original_name, a.file_sha256, t.text "
        "FROM attempts_local a JOIN texts t ON t.file_sha256 = a.file_sha256 "
        "AND t.method = 'email' WHERE a.applicant_id = ? AND a.channel = 'email' "
        "AND a.direction IS DISTINCT FROM 'sent' ORDER BY a.observed_at, a.id",
        [applicant_id],
    )
    out = []
    for r in rows:
        if r["file_sha256"] in known:
            continue
        reading = read_anef_text(f"{r['subject'] or ''}\n\n{r['text'] or ''}", "email")
        if reading is None or not reading.events:
            continue
        on = reading.on or (r["local_date"] if reading.row.date_fallback else None)
        if on is None:
            continue
        for kind in reading.events:
            until = reading.until if EVENT_KINDS[kind].until != "no" else None
            if EVENT_KINDS[kind].until == "required" and until is None:
                continue
            out.append(
                TimelineEvent(
                    kind=kind, date=on, until=until, source="capture", file=r["original_name"],
                    sha256=r["file_sha256"], rule=reading.row.id, reference=reading.reference,
                    note=None if reading.on else "date du courriel", id=f"attempt:{r['id']}",
                )
            )  # fmt: skip
    return out


def timeline_events(ws: Workspace, applicant_id: str) -> list[TimelineEvent]:
    """Every event of the applicant, declared, read or seen, oldest first."""
    stored = _stored(ws, applicant_id)
    known = {e.sha256 for e in stored if e.sha256}
    found = stored + _from_pages(ws, applicant_id) + _from_emails(ws, applicant_id, known)
    order = list(EVENT_KINDS)
    return sorted(found, key=lambda e: (e.date, order.index(e.kind), e.id or ""))


def list_events(ws: Workspace, applicant_id: str) -> list[dict[str, Any]]:
    """The events as dicts: ``id, kind, label, date, until, source, file, rule, reference,
    note`` (see the module doc for ``source``)."""
    from toolkit.applicants import get_applicant

    get_applicant(ws, applicant_id)
    return [
        {**e.to_dict(), "label": EVENT_KINDS[e.kind].label}
        for e in timeline_events(ws, applicant_id)
    ]
