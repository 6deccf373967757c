"""Which situation a file is in, for the readiness check: the rules differ with it.

- ``booking``: an appointment is to be obtained (the guichet route, or booking attempts
  recorded and no procedural event): the rules about the attempts (CE 435594) apply;
- ``substitution``: an ANEF demand that could not be filed, with dysfunctions or diligences
  recorded: the evidence of the impossibility and the diligences (R. 431-2 CESEDA);
- ``pending``: a demand filed and unanswered: filing, completeness, R. 431-5 window, the
  attestation or récépissé, the date the implicit rejection would arise;
- ``appointment``: a biometrics or remise convocation awaited after the filing or a
  favorable decision;
- ``dir``: an implicit rejection has arisen: its date, the time to sue, the reasons;
- ``refusal``: an explicit refusal: the time to sue.

Demands recorded only on the applicant's file (``applicant demand add``) do not take a file
with booking attempts out of ``booking``: the booking check then says why the booking
référé is not the remedy (rule ``earlier_demand``).
"""

from __future__ import annotations

from typing import Any

SITUATIONS: dict[str, str] = {
    "booking": "obtenir un rendez-vous",
    "substitution": "téléservice inaccessible : solution de substitution",
    "pending": "demande déposée, sans réponse",
    "appointment": "convocation attendue (biométrie ou remise du titre)",
    "dir": "décision implicite de rejet née",
    "refusal": "refus explicite",
}


def situation_of(t: dict[str, Any], booking_attempts: int) -> str:
    """The situation of a timeline (see the module doc)."""
    f = t["facts"]
    events = t["events"]
    own = [e for e in events if not str(e.get("id") or "").startswith("demand:")]
    kinds = {e["kind"] for e in events}
    if booking_attempts and not own:
        return "booking"
    decisions = [e for e in events if e["kind"] in ("decision_favorable", "decision_refusal")]
    if decisions:
        last = max(decisions, key=lambda e: e["date"])
        return "appointment" if last["kind"] == "decision_favorable" else "refusal"
    if f["filing"]["date"] is None:
        help_sought = kinds & {"anef_incident", "ccc_contact", "pan_visit"}
        return "substitution" if t["route"] == "anef" and help_sought else "booking"
    if f["dir"]["arisen"]:
        return "dir"
    if "biometrics_required" in kinds and "biometrics_convocation" not in kinds:
        return "appointment"
    return "pending"
