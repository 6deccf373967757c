"""An applicant's timeline from the workspace: gather the dated facts, then compute.

``procedural_timeline(ws, applicant_id, today=…)`` is the library entry point (and the
JSON of ``guichets timeline ID --format json``).
"""

from __future__ import annotations

import os
from datetime import date
from typing import Any

from toolkit.timeline.compute import compute_timeline
from toolkit.timeline.events import timeline_events
from toolkit.timeline.model import OqtfFact, TimelineInput
from toolkit.timeline.rules import TimelineRules, load_timeline_rules
from toolkit.workspace import Workspace


def default_route(procedure: str) -> str:
    """The filing route a procedure takes when the applicant's facts do not say."""
    from toolkit.reference import uses_anef

    return "anef" if uses_anef(procedure) else "guichet"


def _route(ws: Workspace, applicant_id: str, procedure: str) -> tuple[str, str]:
    return default_route(procedure), "default"


def _oqtf(ws: Workspace, applicant_id: str) -> OqtfFact | None:
    return None


def _written_requests(ws: Workspace, applicant_id: str) -> list[date]:
    """Days of the e-mails and letters sent to the préfecture (not received ones), of the
    letters known only as documents, and of the reminders declared as events."""
    from toolkit.indicators.applicant import document_contacts

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
    from toolkit.indicators.applicant import local_today

    a = get_applicant(ws, applicant_id)
    route, route_source = _route(ws, applicant_id, a.procedure)
    docs = dict(
        ws.con.execute(
            "SELECT kind, count(*) FROM documents WHERE applicant_id = ? GROUP BY 1",
            [applicant_id],
        ).fetchall()
    )
    booking = ws.scalar(
        "SELECT count(*) FROM attempts WHERE applicant_id = ? AND channel = 'online' "
        "AND system <> 'anef'",
        [applicant_id],
    )
    return TimelineInput(
        applicant=a.id,
        procedure=a.procedure,
        route=route,
        route_source=route_source,
        today=today or local_today(a.tz),
        permit_expiry=a.permit_expiry,
        events=tuple(timeline_events(ws, applicant_id)),
        oqtf=_oqtf(ws, applicant_id),
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
