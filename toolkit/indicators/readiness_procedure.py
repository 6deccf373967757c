"""The readiness rules of the procedure itself (issue 18): a demand filed on ANEF, its
attestation, an implicit rejection, the substitution, a convocation awaited.

They read the procedural timeline (:mod:`toolkit.timeline`): :func:`procedure_facts` turns
it into the placeholders of the messages, and each check returns (level, message key) or
None when it does not apply. Which rules run depends on the situation
(:mod:`toolkit.timeline.situation`, ``[situations]`` of ``readiness.toml``).
"""

from __future__ import annotations

from typing import Any

from toolkit.indicators.readiness_rules import Rule

Outcome = tuple[str, str] | None
SOURCE_FR = {"declared": "déclaration", "document": "document", "capture": "capture"}
COMPLETENESS = {"complete": 2, "presumed": 1, "unknown": 0, "incomplete": -1}


def _fr(value: Any) -> str:
    from toolkit.frenchdates import date_fr

    return date_fr(value) if value else "—"


def procedure_facts(t: dict[str, Any], situation: str) -> dict[str, Any]:
    """Flat placeholders (``readiness_rules.CONTEXT_KEYS``) and the measures of the checks."""
    from toolkit.timeline.situation import SITUATIONS

    f = t["facts"]
    events = t["events"]
    filing = [e for e in events if e["kind"] in ("filed", "filing_confirmation")]
    proof = [e for e in filing if e["source"] != "declared"]
    incidents = [e for e in events if e["kind"] == "anef_incident"]
    w, api, d, rec = f["renewal_window"], f["api"], f["dir"], f["recourse"]
    awaited = [e for e in events if e["kind"] in ("biometrics_required", "decision_favorable")]
    today = t["as_of"]
    helped = [
        e["date"] for e in events if e["kind"] in ("anef_incident", "ccc_contact", "pan_visit")
    ]
    since = f["filing"]["date"] or min(helped, default=today)
    hint = {"substitution": "prefet-substitution", "appointment": "prefet-rdv"}
    return {
        "prefet_requests": sum(1 for d in t["written_requests"] if d >= since),
        "letter_hint": hint.get(situation, "prefet-api"),
        "situation": situation,
        "situation_fr": SITUATIONS[situation],
        "filing_known": bool(filing),
        "filing_date_fr": _fr(f["filing"]["date"]),
        "filing_source_fr": ", ".join(
            f"{SOURCE_FR[e['source']]} « {e['file']} »" if e.get("file") else "déclaration"
            for e in (proof or filing)[:3]
        )
        or "—",
        "filing_proved": bool(proof),
        "window_position": (w or {}).get("position") or "",
        "window_fr": f"du {_fr(w['opens'])} au {_fr(w['closes'])}" if w and w.get("opens") else "—",
        "completeness": f["completeness"]["status"],
        "completeness_fr": f["completeness"]["basis"],
        "api_owed": api["owed_from"] is not None,
        "api_due_fr": _fr(api["owed_from"]),
        "gap_days": api["gap_days"] or 0,
        "covered_fr": _fr(api["covered_until"]),
        "api_reasons": " ; ".join(api["not_owed_because"]) or "—",
        "api_route": api["document"] == "api",
        "dir_fr": _fr(d.get("date")) + (" [à vérifier]" if d.get("to_verify") else ""),
        "dir_conditional": bool(d.get("conditional")),
        "days_to_dir": (d["date"] - today).days if d.get("date") else None,
        "recourse_deadline_fr": _fr(rec["deadline"]) if rec else "—",
        "recourse_outer_fr": _fr(rec["deadline_outer"])
        if rec and rec.get("deadline_outer")
        else "[à vérifier : délai raisonnable d'un an à compter de la connaissance de la décision]",
        "recourse_state": _recourse_state(rec),
        "incidents_read": sum(1 for e in incidents if e["source"] != "declared"),
        "incidents_declared": sum(1 for e in incidents if e["source"] == "declared"),
        "ccc_contacts": sum(1 for e in events if e["kind"] == "ccc_contact"),
        "pan_visits": sum(1 for e in events if e["kind"] == "pan_visit"),
        "motifs_asked_fr": next(
            (_fr(e["date"]) for e in events if e["kind"] == "motifs_requested"), ""
        ),
        "awaited_fr": _fr(awaited[-1]["date"]) if awaited else "—",
        "awaited_days": (today - awaited[-1]["date"]).days if awaited else 0,
    }


def _recourse_state(rec: dict[str, Any] | None) -> str:
    if not rec or rec.get("deadline") is None:
        return "unknown"
    if rec.get("outer_passed"):
        return "closed"
    return "late" if rec["passed"] else "open"


def _graded(measure: float, rule: Rule) -> tuple[str, str]:
    level = rule.level_for(measure)
    return level, "ok" if level == "ok" else "message"


def _filing(ind: dict[str, Any], rule: Rule) -> Outcome:
    return _graded(1 if ind["filing_known"] else 0, rule)


def _filing_proof(ind: dict[str, Any], rule: Rule) -> Outcome:
    return _graded(1 if ind["filing_proved"] else 0, rule) if ind["filing_known"] else None


def _filing_window(ind: dict[str, Any], rule: Rule) -> Outcome:
    position = ind["window_position"]
    if not position:
        return None
    return _graded(1 if position == "on_time" else 0, rule)


def _completeness(ind: dict[str, Any], rule: Rule) -> Outcome:
    if not ind["filing_known"]:
        return None
    status = ind["completeness"]
    if status in ("unknown", "presumed"):
        return "warn", status
    return _graded(COMPLETENESS[status], rule)


def _api_gap(ind: dict[str, Any], rule: Rule) -> Outcome:
    if not ind["filing_known"] or ind["completeness"] == "incomplete":
        return None
    if not ind["api_owed"]:
        return ("fail", "message") if ind["api_route"] else None
    return ("ok", "ok") if ind["gap_days"] > 0 else ("warn", "covered")


def _dir_not_born(ind: dict[str, Any], rule: Rule) -> Outcome:
    days = ind["days_to_dir"]
    if days is None:
        return None
    if ind["dir_conditional"]:
        return "warn", "conditional"
    return _graded(days, rule)


def _anef_evidence(ind: dict[str, Any], rule: Rule) -> Outcome:
    return _graded(ind["incidents_read"], rule)


def _diligences(ind: dict[str, Any], rule: Rule) -> Outcome:
    level, key = _graded(ind["ccc_contacts"] + ind["documents"].get("ccc_attestation", 0), rule)
    if level == "ok" and not ind["pan_visits"]:
        return "warn", "no_pan"
    return level, key


def _recourse_time(ind: dict[str, Any], rule: Rule) -> Outcome:
    state = ind["recourse_state"]
    return {
        "unknown": None,
        "closed": ("fail", "message"),
        "late": ("warn", "late"),
        "open": ("ok", "ok"),
    }[state]


def _motifs(ind: dict[str, Any], rule: Rule) -> Outcome:
    if ind["motifs_asked_fr"]:
        return "ok", "ok"
    # once the one-year limit has passed, asking for the reasons reopens nothing: the
    # timeline proposes no such demand then, and the check gives no advice it would contradict
    return None if ind["recourse_state"] == "closed" else ("warn", "message")


def _appointment_wait(ind: dict[str, Any], rule: Rule) -> Outcome:
    return _graded(ind["awaited_days"], rule)


def _prefet_request(ind: dict[str, Any], rule: Rule) -> Outcome:
    return _graded(ind["prefet_requests"], rule)


PROCEDURE_CHECKS = {
    "filing": _filing,
    "filing_proof": _filing_proof,
    "filing_window": _filing_window,
    "completeness": _completeness,
    "api_gap": _api_gap,
    "dir_not_born": _dir_not_born,
    "anef_evidence": _anef_evidence,
    "diligences": _diligences,
    "recourse_time": _recourse_time,
    "motifs_requested": _motifs,
    "appointment_wait": _appointment_wait,
    "prefet_request": _prefet_request,
}
