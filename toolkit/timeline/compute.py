"""The whole timeline of one demand from a :class:`TimelineInput`: events, facts, remedies."""

from __future__ import annotations

from typing import Any

from toolkit.frenchdates import date_fr
from toolkit.timeline import engine
from toolkit.timeline.model import TimelineInput
from toolkit.timeline.plan import URGENCY_CODES
from toolkit.timeline.remedies import plan_remedies
from toolkit.timeline.rules import TimelineRules


def compute_timeline(inp: TimelineInput, rules: TimelineRules) -> dict[str, Any]:
    """``{applicant, as_of, route, …, events, facts, remedies, blocked, missing, notes}``.

    Pure: the same input and rules give the same result, whatever the day it runs.
    """
    missing: list[str] = []
    notes: list[str] = list(inp.notes)
    filing = engine.filing(inp, missing, notes)
    filed = filing["date"]
    complete = engine.completeness(inp, filed)
    window = engine.renewal_window(inp, rules, filed, missing)
    api = engine.api_coverage(inp, rules, filed, complete, window, notes)
    dir_fact = engine.implicit_rejection(inp, rules, filed, complete)
    facts: dict[str, Any] = {
        "filing": filing,
        "completeness": complete,
        "renewal_window": window,
        "api": api,
        "dir": dir_fact,
        "recourse": engine.recourse(inp, rules, dir_fact),
        "oqtf": engine.oqtf_fact(inp, notes),
        "earlier_demands": engine.earlier_demands(inp, rules),
        "permit_expiry": inp.permit_expiry,
    }
    if filed is not None and complete["status"] == "unknown":
        missing.append(
            "complétude de la demande inconnue : si aucune pièce n'a été demandée, déclarez-la "
            f"(`guichets event add {inp.applicant} --kind complete --on AAAA-MM-JJ`) ; sinon "
            "enregistrez la demande de pièces (`--kind completeness_request`)"
        )
    if window is not None and window["position"] in ("early", "late"):
        notes.append(
            "Dépôt hors de la fenêtre de l'article R. 431-5 : la préfecture pourra opposer une "
            "urgence créée par le demandeur ; à traiter dans la note pour l'avocat."
        )
    planned = plan_remedies(inp, rules, facts)
    urgent = [r for r in planned["remedies"] if r["code"] in URGENCY_CODES]
    if urgent and facts["oqtf"]["status"] == "unknown":
        missing.append(
            "situation au regard d'une obligation de quitter le territoire inconnue : précisez-la "
            f"(`guichets applicant update {inp.applicant} --oqtf none|notified|executed`), "
            "une OQTF non exécutée écarte l'urgence"
        )
    for d in facts["earlier_demands"]:
        if d["dir_arisen"]:
            flag = " [à vérifier]" if d["to_verify"] else ""
            notes.append(
                f"Demande n° {d['number']} du {date_fr(d['date'])}, complète et sans décision "
                f"expresse : une décision implicite de rejet en est née le "
                f"{date_fr(d['dir_date'])}{flag}."
            )
    return {
        "applicant": inp.applicant,
        "as_of": inp.today,
        "procedure": inp.procedure,
        "route": inp.route,
        "route_source": inp.route_source,
        "events": [e.to_dict() for e in sorted(inp.events, key=_order)],
        "facts": facts,
        "remedies": planned["remedies"],
        "blocked": planned["blocked"],
        "missing": missing,
        "notes": notes + planned["notes"],
        "written_requests": list(inp.written_requests),
        "booking_attempts": inp.booking_attempts,
        "rules": rules.path,
    }


def _order(e: Any) -> tuple[Any, ...]:
    from toolkit.ingest.events import EVENT_KINDS

    kinds = list(EVENT_KINDS)
    return (e.date, kinds.index(e.kind) if e.kind in kinds else 99, e.id or "")
