"""An applicant's timeline from the workspace: gather the dated facts, then compute.

``procedural_timeline(ws, applicant_id, today=…)`` is the library entry point (and the
JSON of ``guichets timeline ID --format json``).
"""

from __future__ import annotations

import os
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.frenchdates import date_fr
from toolkit.provenance import BOOKING_SQL
from toolkit.timeline.compute import compute_timeline
from toolkit.timeline.events import timeline_events
from toolkit.timeline.model import EarlierDemand, OqtfFact, TimelineEvent, TimelineInput
from toolkit.timeline.rules import TimelineRules, load_timeline_rules
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from toolkit.applicants import Applicant


def _oqtf(a: Applicant) -> OqtfFact:
    source = {
        "none": "fiche du demandeur : aucune OQTF",
        "notified": "fiche du demandeur",
        "executed": "fiche du demandeur : OQTF exécutée",
    }.get(a.oqtf, "situation non renseignée (guichets applicant update --oqtf)")
    return OqtfFact(a.oqtf, a.oqtf_date, source)


def _demands(
    ws: Workspace, applicant_id: str, events: list[TimelineEvent]
) -> tuple[list[TimelineEvent], list[EarlierDemand], bool | None, list[str]]:
    """Demands recorded on the applicant's file (``applicant demand add``): the current one
    lends its filing, completeness and decision to the events; the others are earlier.

    The current demand is the one the filing events date; without filing events, the
    latest demand without an explicit decision.
    """
    from toolkit.demands import list_demands

    demands = list_demands(ws, applicant_id)
    filed = [e.date for e in events if e.kind in ("filed", "filing_confirmation")]
    current = None
    if filed:
        current = next((d for d in demands if d.filed_on == min(filed)), None)
    else:
        pending = [d for d in demands if d.decision == "none"]
        current = pending[-1] if pending else None
    extra: list[TimelineEvent] = []
    notes: list[str] = []
    earlier = []
    for d in demands:
        if d is not current:
            earlier.append(
                EarlierDemand(d.number, d.filed_on, d.route, d.complete, d.decision, d.decided_on)
            )
            if filed and d.filed_on > min(filed):
                notes.append(
                    f"La demande n° {d.number} de la fiche est datée du {date_fr(d.filed_on)}, "
                    f"après le dépôt du {date_fr(min(filed))} retenu : vérifiez les dates."
                )
            continue
        note = f"fiche du demandeur, demande n° {d.number}"
        if not filed:
            extra.append(TimelineEvent("filed", d.filed_on, note=note, id=f"demand:{d.number}"))
        if d.decision != "none" and d.decided_on is not None:
            kind = "decision_favorable" if d.decision == "favorable" else "decision_refusal"
            extra.append(TimelineEvent(kind, d.decided_on, note=note, id=f"demand:{d.number}"))
    return extra, earlier, current.complete if current else None, notes


def _written_requests(ws: Workspace, applicant_id: str) -> list[date]:
    """Days of the e-mails and letters sent to the préfecture (not received ones), of the
    letters known only as documents, and of the reminders declared as events."""
    from toolkit.contacts import document_contacts

    days = [
        r[0]
        for r in ws.con.execute(
            "SELECT local_date FROM attempts_local WHERE applicant_id = ? "
            "AND channel IN ('email', 'letter') AND direction IS DISTINCT FROM 'received'",
            [applicant_id],
        ).fetchall()
    ]
    days += [d for _, d in document_contacts(ws, applicant_id)]
    days += [
        r[0]
        for r in ws.con.execute(
            "SELECT event_date FROM events WHERE applicant_id = ? AND kind = 'reminder_sent' "
            "AND withdrawn_at IS NULL",
            [applicant_id],
        ).fetchall()
    ]
    return sorted(set(days))


def timeline_input(ws: Workspace, applicant_id: str, *, today: date | None = None) -> TimelineInput:
    """The dated facts of one applicant, ready for :func:`compute_timeline`."""
    from toolkit.applicants import get_applicant
    from toolkit.workspace import local_today

    a = get_applicant(ws, applicant_id)
    today = today or local_today(a.tz)
    everything = timeline_events(ws, applicant_id)
    events = [e for e in everything if e.date <= today]  # the situation as of ``today``
    extra, earlier, complete, notes = _demands(ws, applicant_id, events)
    later = len(everything) - len(events)
    if later:
        notes.append(f"{later} événement(s) postérieur(s) au {date_fr(today)} non pris en compte.")
    docs = dict(
        ws.con.execute(
            "SELECT kind, count(*) FROM documents WHERE applicant_id = ? GROUP BY 1",
            [applicant_id],
        ).fetchall()
    )
    booking = ws.scalar(
        f"SELECT count(*) FROM attempts WHERE applicant_id = ? AND {BOOKING_SQL}",
        [applicant_id],
    )
    return TimelineInput(
        applicant=a.id,
        procedure=a.procedure,
        route=a.route,
        route_source=a.route_source,
        today=today,
        permit_expiry=a.permit_expiry,
        events=tuple(events + extra),
        oqtf=_oqtf(a),
        earlier_demands=tuple(earlier),
        declared_complete=complete,
        notes=tuple(notes),
        written_requests=tuple(_written_requests(ws, applicant_id)),
        booking_attempts=int(booking or 0),
        urgency_documents=int(docs.get("urgency", 0)),
        ccc_attestations=int(docs.get("ccc_attestation", 0)),
    )


def procedural_timeline(
    ws: Workspace,
    applicant_id: str,
    *,
    today: date | None = None,
    rules: TimelineRules | str | os.PathLike[str] | None = None,
) -> dict[str, Any]:
    """The applicant's procedural timeline: events, facts, remedies (see
    :func:`toolkit.timeline.compute.compute_timeline`). ``today`` defaults to today in the
    préfecture's zone; ``rules``: loaded rules, a user rules file, or None (bundled)."""
    loaded = rules if isinstance(rules, TimelineRules) else load_timeline_rules(rules)
    return compute_timeline(timeline_input(ws, applicant_id, today=today), loaded)


def upcoming_deadlines(
    ws: Workspace, *, today: date | None = None, within: int = 30
) -> list[dict[str, Any]]:
    """Across every applicant with procedural events: the dates that fall within ``within``
    days of ``today`` (or have passed without their remedy), soonest first.

    One row per date: ``applicant, date, days, what, to_verify`` (``what`` in French): the
    deadline of each remedy proposed, the birth of an implicit rejection, the end of the
    attestation or récépissé covering the stay."""
    from toolkit.applicants import get_applicant, list_applicants
    from toolkit.workspace import local_today

    rows: list[dict[str, Any]] = []
    for applicant_id in [r["id"] for r in list_applicants(ws)]:
        a = get_applicant(ws, applicant_id)
        as_of = today or local_today(a.tz)
        t = procedural_timeline(ws, applicant_id, today=as_of)
        if not t["events"]:
            continue
        rec = t["facts"]["recourse"] or {}
        # past the two months, the row says so: the one-year limit holds only if the
        # acknowledgement of the demand gave no « voies et délais »
        late = (
            f" (limite d'un an ; le délai de deux mois, s'il a couru, a expiré le "
            f"{date_fr(rec['deadline'])})"
            if rec.get("passed") and not rec.get("outer_passed")
            else ""
        )
        found = [
            (r["deadline"], r["title"] + (late if r["deadline"] == rec.get("deadline_outer") else ""),
             r["to_verify"])
            for r in t["remedies"] if r["deadline"]
        ]  # fmt: skip
        d, api = t["facts"]["dir"], t["facts"]["api"]
        if d["date"] and not d["arisen"]:
            found.append((d["date"], "naissance de la décision implicite de rejet", d["to_verify"]))
        if api["owed_from"] and api["covered_until"] and api["covered_until"] >= as_of:
            found.append((api["covered_until"], "fin du document provisoire en cours", False))
        for day, what, unsure in found:
            if (day - as_of).days <= within:
                rows.append(
                    {
                        "applicant": applicant_id, "date": day, "days": (day - as_of).days,
                        "what": what + (" [à vérifier]" if unsure else ""),
                        "date_fr": date_fr(day),
                    }
                )  # fmt: skip
    return sorted(rows, key=lambda r: (r["date"], r["applicant"]))
