"""Procedural events of an applicant's demand: the vocabulary, the checks, the writes.

An event is one dated step of the procedure (filing, an attestation de prolongation
d'instruction, a decision, a request for reasons…), declared by a person or read from a
document. Every event is checked before anything is written: a date in the future, an
attestation without its end of validity, an end before the start, or an event that
contradicts those already recorded (a decision dated before the filing) is refused in one
line naming what to fix. Events are never deleted, only withdrawn with a reason.

The public functions for users (with a file, and with the events read from ANEF pages and
e-mails) are in :mod:`toolkit.timeline.events`; ingest readers write through here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from toolkit.errors import InputError, NotFound
from toolkit.ingest.records import content_id
from toolkit.workspace import Workspace, now

EARLIEST = date(2000, 1, 1)
ORIGINS = ("declared", "read")
# validity: "required" (an end of validity must be given), "optional" or "no"
REQUIRED, OPTIONAL, NO = "required", "optional", "no"


@dataclass(frozen=True)
class EventKind:
    label: str  # French, for documents
    until: str = NO
    until_label: str = ""  # what --until means for this kind (French)
    after_filing: bool = True  # cannot precede the filing of the demand
    document_kind: str = "procedure"  # the documents.kind of a file attached to it


EVENT_KINDS: dict[str, EventKind] = {
    "filed": EventKind("Dépôt de la demande", after_filing=False, document_kind="filing_confirmation"),
    "filing_confirmation": EventKind(
        "Confirmation de dépôt de la demande", document_kind="filing_confirmation"
    ),
    "completeness_request": EventKind(
        "Demande de pièces complémentaires", OPTIONAL, "délai imparti pour répondre"
    ),
    "documents_sent": EventKind("Envoi des pièces complémentaires demandées"),
    "complete": EventKind("Demande complète"),
    "api_issued": EventKind(
        "Attestation de prolongation d'instruction délivrée", REQUIRED, "fin de validité",
        document_kind="api",
    ),
    "api_renewed": EventKind(
        "Attestation de prolongation d'instruction renouvelée", REQUIRED, "fin de validité",
        document_kind="api",
    ),
    "recepisse": EventKind(
        "Récépissé de demande de titre de séjour", REQUIRED, "fin de validité",
        document_kind="permit",
    ),
    "biometrics_required": EventKind(
        "Recueil des données biométriques annoncé, sans convocation", document_kind="procedure"
    ),
    "biometrics_convocation": EventKind(
        "Convocation au recueil des données biométriques", document_kind="convocation"
    ),
    "remise_convocation": EventKind(
        "Convocation à la remise du titre de séjour", document_kind="convocation"
    ),
    "decision_favorable": EventKind("Décision favorable", document_kind="decision"),
    "decision_refusal": EventKind("Décision de refus", document_kind="decision"),
    "oqtf": EventKind(
        "Obligation de quitter le territoire français notifiée", after_filing=False,
        document_kind="decision",
    ),
    "reminder_sent": EventKind("Relance écrite adressée à la préfecture", after_filing=False,
                               document_kind="letter"),
    "ccc_contact": EventKind("Contact avec le Centre de contact citoyen (CCC)",
                             after_filing=False, document_kind="ccc_attestation"),
    "pan_visit": EventKind("Passage au point d'accueil numérique (PAN)", after_filing=False),
    "anef_incident": EventKind(
        "Dysfonctionnement du téléservice ANEF constaté", after_filing=False
    ),
    "status_seen": EventKind("Statut de la demande consulté sur l'ANEF"),
    "motifs_requested": EventKind(
        "Demande de communication des motifs", document_kind="letter"
    ),
    "motifs_received": EventKind("Communication des motifs reçue", document_kind="letter"),
}  # fmt: skip

# Kinds that date the filing of the demand; the earliest is the filing date.
FILING_KINDS = ("filed", "filing_confirmation")
DECISION_KINDS = ("decision_favorable", "decision_refusal")
API_KINDS = ("api_issued", "api_renewed")


@dataclass(frozen=True)
class Event:
    """One event to record (not yet checked against the store)."""

    kind: str
    on: date
    until: date | None = None
    reference: str | None = None
    note: str | None = None
    origin: str = "declared"
    rule: str | None = None
    file_sha256: str | None = None
    document_id: str | None = None

    def event_id(self, applicant_id: str) -> str:
        return content_id(
            "event", applicant_id, self.kind, self.on.isoformat(),
            self.until.isoformat() if self.until else None, self.reference, self.origin,
            self.file_sha256,
        )  # fmt: skip


def check_kind(kind: str) -> str:
    slug = kind.strip().lower().replace("-", "_")
    if slug not in EVENT_KINDS:
        raise InputError(f"unknown event kind {kind!r}; use one of: {', '.join(EVENT_KINDS)}")
    return slug


def check_event(event: Event, today: date) -> None:
    """The checks that need only the event itself: dates and validity."""
    spec = EVENT_KINDS[event.kind]
    what = f"{event.kind} on {event.on.isoformat()}"
    if event.on > today:
        raise InputError(
            f"{what}: the date is in the future (today is {today.isoformat()}); "
            "record an event once it has happened"
        )
    if event.on < EARLIEST:
        raise InputError(f"{what}: the date is before 2000; check the year")
    if spec.until == REQUIRED and event.until is None:
        raise InputError(
            f"{what}: give its {_english(spec.until_label)} with --until YYYY-MM-DD "
            "(printed on the document: « valable jusqu'au … »)"
        )
    if spec.until == NO and event.until is not None:
        raise InputError(
            f"{what}: --until does not apply to this kind (only to "
            f"{', '.join(k for k, s in EVENT_KINDS.items() if s.until != NO)})"
        )
    if event.until is not None and event.until < event.on:
        raise InputError(
            f"{what}: --until {event.until.isoformat()} is before the event's date; "
            "check both dates"
        )


def _english(label: str) -> str:
    return {"fin de validité": "end of validity", "délai imparti pour répondre": "deadline"}.get(
        label, "end date"
    )


def filing_date(events: list[dict[str, Any]]) -> date | None:
    days = [e["date"] for e in events if e["kind"] in FILING_KINDS]
    return min(days) if days else None


def contradiction(event: Event, existing: list[dict[str, Any]]) -> str | None:
    """Why ``event`` cannot stand beside the recorded events, or None."""
    filed = filing_date(existing)
    spec = EVENT_KINDS[event.kind]
    if event.kind == "filed":
        other = [e for e in existing if e["kind"] == "filed" and e["date"] != event.on]
        if other:
            return (
                f"a filing on {other[0]['date'].isoformat()} is already recorded (event "
                f"{other[0]['id']}); withdraw it first with `guichets event remove` if it is wrong"
            )
        earlier = [
            e
            for e in existing
            if EVENT_KINDS[e["kind"]].after_filing and e["kind"] != "filing_confirmation"
            and e["date"] < event.on
        ]  # fmt: skip
        if earlier:
            e = earlier[0]
            return (
                f"{e['kind']} on {e['date'].isoformat()} (event {e['id']}) would precede the "
                "filing; check both dates"
            )
    elif spec.after_filing and filed is not None and event.on < filed:
        return (
            f"the demand was filed on {filed.isoformat()}: a {event.kind} cannot be dated "
            "before it; check the date (or the filing date)"
        )
    if event.kind == "motifs_received":
        asked = [e["date"] for e in existing if e["kind"] == "motifs_requested"]
        if asked and event.on < min(asked):
            return (
                f"the reasons were requested on {min(asked).isoformat()}: they cannot have been "
                "received before; check the date"
            )
    if event.kind in DECISION_KINDS:
        other_kind = next(k for k in DECISION_KINDS if k != event.kind)
        same_day = [e for e in existing if e["kind"] == other_kind and e["date"] == event.on]
        if same_day:
            return (
                f"a {other_kind} is recorded on the same day (event {same_day[0]['id']}); "
                "a demand cannot be granted and refused at once"
            )
    return None


def stored_events(
    ws: Workspace, applicant_id: str, *, include_withdrawn: bool = False
) -> list[dict[str, Any]]:
    """The recorded events, oldest first, as dicts (``date``, ``until``, …)."""
    where = "" if include_withdrawn else "AND withdrawn_at IS NULL"
    rows = ws.rows(
        "SELECT e.id, e.kind, e.event_date AS date, e.valid_until AS until, e.reference, "
        "e.note, e.origin, e.rule, e.file_sha256, e.document_id, e.source_id, e.recorded_at, "
        "e.withdrawn_at, e.withdrawn_reason, f.original_name AS file_name "
        "FROM events e LEFT JOIN files f ON f.sha256 = e.file_sha256 "
        f"WHERE e.applicant_id = ? {where} ORDER BY e.event_date, e.kind, e.id",
        [applicant_id],
    )
    order = list(EVENT_KINDS)
    rows.sort(key=lambda r: (r["date"], order.index(r["kind"]) if r["kind"] in order else 99))
    return rows


def prepare(ws: Workspace, applicant_id: str, event: Event, today: date) -> tuple[str, bool]:
    """Check ``event`` against itself and the store; return (id, already recorded)."""
    check_event(event, today)
    eid = event.event_id(applicant_id)
    known = ws.rows("SELECT withdrawn_at FROM events WHERE id = ?", [eid])
    if known and known[0]["withdrawn_at"] is None:
        return eid, True
    why = contradiction(event, stored_events(ws, applicant_id))
    if why:
        raise InputError(f"{event.kind} on {event.on.isoformat()}: {why}; nothing was recorded")
    return eid, False


def insert_event(ws: Workspace, applicant_id: str, event: Event, source_id: str | None) -> str:
    """Write a checked event (inside the caller's transaction); a withdrawn twin comes back."""
    eid = event.event_id(applicant_id)
    if ws.scalar("SELECT count(*) FROM events WHERE id = ?", [eid]):
        ws.sql(
            "UPDATE events SET withdrawn_at = NULL, withdrawn_reason = NULL, note = ? WHERE id = ?",
            [event.note, eid],
        )
        return eid
    ws.sql(
        "INSERT INTO events (id, applicant_id, kind, event_date, valid_until, reference, note, "
        "origin, rule, file_sha256, document_id, source_id, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            eid, applicant_id, event.kind, event.on, event.until, event.reference, event.note,
            event.origin, event.rule, event.file_sha256, event.document_id, source_id, now(),
        ],
    )  # fmt: skip
    return eid


def withdraw_event(ws: Workspace, applicant_id: str, event_id: str, reason: str) -> dict[str, Any]:
    """Mark a recorded event as withdrawn (kept, with custody); return it."""
    reason = (reason or "").strip()
    if not reason:
        raise InputError("--reason is required: say why the event is withdrawn")
    rows = ws.rows(
        "SELECT id, kind, event_date AS date, withdrawn_at FROM events "
        "WHERE applicant_id = ? AND id = ?",
        [applicant_id, event_id],
    )
    if not rows:
        ids = [e["id"] for e in stored_events(ws, applicant_id)]
        hint = f" (recorded: {', '.join(ids[:10])})" if ids else " (none recorded)"
        raise NotFound(f"no event {event_id!r} for applicant {applicant_id}{hint}")
    if rows[0]["withdrawn_at"] is not None:
        raise InputError(f"event {event_id} is already withdrawn")
    with ws.transaction():
        ws.sql(
            "UPDATE events SET withdrawn_at = ?, withdrawn_reason = ? WHERE id = ?",
            [now(), reason, event_id],
        )
        ws.log_custody(
            "event.withdraw",
            {
                "applicant": applicant_id,
                "event": event_id,
                "kind": rows[0]["kind"],
                "date": rows[0]["date"],
                "reason": reason,
            },
        )
    return rows[0]
