"""`check` by situation: the rules follow the timeline (issue 18)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from toolkit.applicants import add_applicant
from toolkit.indicators.readiness import check_readiness
from toolkit.timeline.events import add_event
from toolkit.workspace import Workspace

D = date.fromisoformat
TODAY = D("2025-06-20")
DAY_AFTER = {"today": TODAY}


def levels(result: dict) -> dict[str, str]:
    return {f["rule"]: f["level"] for f in result["findings"]}


def applicant(ws: Workspace, route: str = "anef", **kw: object) -> str:
    add_applicant(ws, "s-1", prefecture="69", procedure="renouvellement", route=route,
                  oqtf="none", permit_expiry="2025-05-31", **kw)  # fmt: skip
    return "s-1"


def events(ws: Workspace, who: str, *rows: tuple) -> None:
    for kind, on, *until in rows:
        add_event(ws, who, kind=kind, on=on, until=until[0] if until else None, today=TODAY)


# (events, situation, expected levels)
CASES = [
    pytest.param(
        [("filed", "2025-03-01"), ("complete", "2025-03-01")],
        "pending",
        {"filing": "ok", "filing_proof": "warn", "filing_window": "ok", "completeness": "ok",
         "api_gap": "ok", "dir_not_born": "warn", "prefet_request": "warn", "oqtf": "ok"},
        id="api-owed-no-attestation",
    ),
    pytest.param(
        [("filed", "2025-04-20"), ("complete", "2025-04-20")],
        "pending",
        {"filing_window": "fail", "api_gap": "fail", "completeness": "ok"},
        id="filed-after-the-window",
    ),
    pytest.param(
        [("filed", "2025-03-01")],
        "pending",
        {"completeness": "warn", "dir_not_born": "warn"},
        id="completeness-unknown",
    ),
    pytest.param(
        [("filed", "2025-03-01"), ("completeness_request", "2025-03-15")],
        "pending",
        {"completeness": "fail"},
        id="incomplete",
    ),
    pytest.param(
        [("filed", "2025-03-01"), ("complete", "2025-03-01"),
         ("api_issued", "2025-05-25", "2025-08-24")],
        "pending",
        {"api_gap": "warn"},
        id="covered-by-an-attestation",
    ),
    pytest.param(
        [("filed", "2025-01-10"), ("complete", "2025-01-10")],
        "dir",
        {"completeness": "ok", "recourse_time": "ok", "motifs_requested": "warn"},
        id="implicit-rejection",
    ),
    pytest.param(
        [("filed", "2025-01-10"), ("complete", "2025-01-10"), ("motifs_requested", "2025-06-01")],
        "dir",
        {"motifs_requested": "ok"},
        id="implicit-rejection-reasons-asked",
    ),
    pytest.param(
        [("filed", "2025-03-01"), ("decision_refusal", "2025-03-10")],
        "refusal",
        {"recourse_time": "warn"},
        id="explicit-refusal",
    ),
    pytest.param(
        [("filed", "2025-03-01"), ("decision_favorable", "2025-04-10")],
        "appointment",
        {"appointment_wait": "ok", "prefet_request": "warn"},
        id="favorable-no-remise",
    ),
    pytest.param(
        [("anef_incident", "2025-04-02"), ("ccc_contact", "2025-04-05")],
        "substitution",
        {"anef_evidence": "fail", "diligences": "warn", "prefet_request": "warn"},
        id="anef-blocked-declared-only",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("rows", "situation", "expected"), CASES)
def test_rules_follow_the_situation(
    ws: Workspace, rows: list, situation: str, expected: dict[str, str]
) -> None:
    who = applicant(ws)
    events(ws, who, *rows)
    result = check_readiness(ws, who, **DAY_AFTER)
    assert result["situation"] == situation
    got = levels(result)
    assert {k: got.get(k) for k in expected} == expected
    assert "attempts" not in got and "span" not in got  # no booking rule outside booking


def test_messages_of_a_pending_anef_demand(ws: Workspace) -> None:
    who = applicant(ws)
    events(ws, who, ("filed", "2025-03-01"), ("complete", "2025-03-01"))
    f = {x["rule"]: x for x in check_readiness(ws, who, **DAY_AFTER)["findings"]}
    assert f["api_gap"]["message"] == (
        "Attestation due depuis le 1er juin 2025 et non délivrée : 20 jour(s) sans document au "
        "20 juin 2025."
    )
    assert f["api_gap"]["to_verify"] is True
    assert f["dir_not_born"]["message"].startswith(
        "La décision implicite de rejet naîtra le 1er juillet 2025 [à vérifier], 11 jour(s) "
        "après le 20 juin 2025"
    )
    assert "guichets letter prefet-api s-1" in f["prefet_request"]["message"]
    assert f["filing_proof"]["message"].startswith(
        "La date de dépôt du 1er mars 2025 ne repose que sur une déclaration"
    )


def test_guichet_route_without_events_is_a_booking_case(ws: Workspace) -> None:
    who = applicant(ws, route="guichet")
    result = check_readiness(ws, who, **DAY_AFTER)
    assert result["situation"] == "booking"
    assert levels(result)["attempts"] == "fail"


def test_cli_prints_the_situation(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cli("applicant", "add", "s-2", "--prefecture", "69", "--procedure", "renouvellement",
        "--permit-expiry", "2025-05-31", "--oqtf", "none")  # fmt: skip
    cli("event", "add", "s-2", "--kind", "filed", "--on", "2025-01-10")
    r = cli("check", "s-2", "--today", "2025-06-20")
    assert r.exit_code == 1  # filed before the window opened: filing_window fails
    assert "Situation: pending (demande déposée, sans réponse)" in r.output
    r = cli("check", "s-2", "--today", "2025-06-20", "--format", "json")
    assert json.loads(r.stdout)["situation"] == "pending"


def test_every_rule_belongs_to_a_situation() -> None:
    from toolkit.indicators.readiness_rules import RULE_SPECS, load_rules

    rules = load_rules()
    placed = {rule for ids in rules.situations.values() for rule in ids}
    assert placed == set(RULE_SPECS)


def test_no_advice_to_ask_for_reasons_once_the_year_has_passed(ws: Workspace) -> None:
    """The timeline proposes no « demande de motifs » after the one-year limit; the check
    must not advise one « dans le délai de recours » either."""
    who = applicant(ws)
    events(ws, who, ("filed", "2023-01-10"), ("complete", "2023-01-10"))
    result = check_readiness(ws, who, **DAY_AFTER)
    found = levels(result)
    assert found["recourse_time"] == "fail"
    assert "motifs_requested" not in found
