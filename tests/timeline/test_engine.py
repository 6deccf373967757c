"""The timeline engine on dated scenarios: pure functions, no workspace."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.timeline.compute import compute_timeline
from toolkit.timeline.engine import gaps_between
from toolkit.timeline.model import EarlierDemand, OqtfFact, TimelineEvent, TimelineInput
from toolkit.timeline.rules import load_timeline_rules

RULES = load_timeline_rules()
D = date.fromisoformat


def ev(kind: str, on: str, until: str | None = None) -> TimelineEvent:
    return TimelineEvent(kind, D(on), D(until) if until else None)


def run(*events: TimelineEvent, **kw: object) -> dict:
    base: dict = {
        "applicant": "t-1",
        "procedure": "renouvellement",
        "route": "anef",
        "today": D("2025-06-20"),
        "permit_expiry": D("2025-05-31"),
        "oqtf": OqtfFact("none"),
    }
    base.update(kw)
    if isinstance(base["today"], str):
        base["today"] = D(base["today"])
    return compute_timeline(TimelineInput(events=tuple(events), **base), RULES)


def codes(t: dict) -> list[str]:
    return [r["code"] for r in t["remedies"]]


# --- renewal window (R. 431-5) ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("route", "filed", "opens", "closes", "position"),
    [
        ("anef", "2025-03-01", "2025-01-31", "2025-04-01", "on_time"),  # 91 days before
        ("anef", "2025-01-31", "2025-01-31", "2025-04-01", "on_time"),  # the 120th day
        ("anef", "2025-04-01", "2025-01-31", "2025-04-01", "on_time"),  # the 60th day
        ("anef", "2025-04-02", "2025-01-31", "2025-04-01", "late"),  # 59 days before
        ("anef", "2025-01-20", "2025-01-31", "2025-04-01", "early"),
        ("guichet", "2025-04-15", "2025-03-31", "2025-05-31", "on_time"),  # two months before
        ("guichet", "2025-03-15", "2025-03-31", "2025-05-31", "early"),
    ],
)
def test_renewal_window(route: str, filed: str, opens: str, closes: str, position: str) -> None:
    w = run(ev("filed", filed), route=route)["facts"]["renewal_window"]
    assert (w["opens"], w["closes"], w["position"]) == (D(opens), D(closes), position)
    assert w["filed_on_time"] is (position == "on_time")
    assert w["to_verify"] is False  # R. 431-5 is [V]


def test_window_outside_removes_the_api_and_notes_the_self_made_urgency() -> None:
    t = run(ev("filed", "2025-04-20"), ev("complete", "2025-04-20"))
    api = t["facts"]["api"]
    assert api["owed_from"] is None and api["gap_days"] is None
    assert (
        "après la clôture de la fenêtre du 31 janvier 2025 au 1er avril 2025"
        in api["not_owed_because"][0]
    )
    assert api["uncovered_days"] == 20  # 1–20 June, shown though not owed as of right
    assert "refere-mu-api" not in codes(t)
    assert codes(t) == ["lettre-prefecture"]
    assert any("urgence créée par le demandeur" in n for n in t["notes"])


# --- API owed, none delivered -----------------------------------------------------------------
def test_complete_demand_no_api_after_expiry_gives_the_letter_then_the_refere() -> None:
    t = run(ev("filed", "2025-03-01"), ev("complete", "2025-03-01"))
    api = t["facts"]["api"]
    assert api["owed_from"] == D("2025-06-01")
    assert api["covered_until"] == D("2025-05-31")
    assert api["gap_days"] == 20
    assert api["gaps"] == [{"from": D("2025-06-01"), "to": D("2025-06-20"), "days": 20}]
    assert api["to_verify"] is True  # R. 431-15-1 is [V2]
    assert codes(t) == ["lettre-prefecture", "refere-mu-api"]
    refere = t["remedies"][1]
    assert refere["deadline"] == D("2025-06-30")  # the day before the DIR of 1 July
    assert refere["to_verify"] is True
    assert refere["documents"] == ["prefet-api", "refere-api", "attestation-anef"]
    assert t["facts"]["dir"] == {
        "date": D("2025-07-01"),
        "arisen": False,
        "to_verify": True,
        "conditional": False,
        "basis": t["facts"]["dir"]["basis"],
    }


def test_a_written_request_unanswered_puts_the_refere_first() -> None:
    t = run(
        ev("filed", "2025-03-01"),
        ev("complete", "2025-03-01"),
        written_requests=(D("2025-06-02"),),
    )
    assert codes(t) == ["refere-mu-api"]
    assert (
        "demande écrite du 2 juin 2025 restée sans réponse enregistrée"
        in t["remedies"][0]["reasons"]
    )


def test_an_api_covering_today_leaves_nothing_to_ask() -> None:
    t = run(
        ev("filed", "2025-03-01"),
        ev("complete", "2025-03-01"),
        ev("api_issued", "2025-05-25", "2025-08-24"),
    )
    assert t["facts"]["api"]["covered_until"] == D("2025-08-24")
    assert t["facts"]["api"]["gap_days"] == 0
    assert codes(t) == []


def test_api_gap_between_two_attestations() -> None:
    runs = [(date.min, D("2025-05-31")), (D("2025-06-10"), D("2025-09-09"))]
    assert gaps_between(runs, D("2025-06-01"), D("2025-06-20")) == [
        {"from": D("2025-06-01"), "to": D("2025-06-09"), "days": 9}
    ]


# --- implicit rejection -----------------------------------------------------------------------
def test_api_renewed_and_four_months_passed_gives_the_dir_and_rep_first() -> None:
    t = run(
        ev("filed", "2025-02-10"),
        ev("api_issued", "2025-05-20", "2025-08-19"),
        ev("api_renewed", "2025-08-18", "2025-11-17"),
        today="2025-10-01",
    )
    d = t["facts"]["dir"]
    assert t["facts"]["completeness"]["status"] == "complete"  # an API implies it
    assert (d["date"], d["arisen"], d["to_verify"]) == (D("2025-06-10"), True, True)
    assert "499904" in d["basis"]  # born although the APIs were renewed
    assert codes(t) == ["rep-refere-suspension", "demande-motifs"]
    rep = t["remedies"][0]
    assert rep["documents"] == ["annulation-dir", "suspension-dir", "attestation-anef"]
    # the two-month delay (if it ran) ended on 10 Aug.: the one-year limit remains
    assert rep["deadline"] == D("2026-06-10")
    assert [b["code"] for b in t["blocked"]] == ["refere-mu-api"]
    assert "ferait obstacle à son exécution" in t["blocked"][0]["reason"]
    r = t["facts"]["recourse"]
    assert (r["deadline"], r["deadline_outer"], r["passed"]) == (
        D("2025-08-10"),
        D("2026-06-10"),
        True,
    )


def test_incomplete_demand_gives_no_dir() -> None:
    t = run(
        ev("filed", "2025-01-10"),
        ev("completeness_request", "2025-02-01", "2025-03-01"),
        today="2025-09-01",
    )
    assert t["facts"]["completeness"]["status"] == "incomplete"
    d = t["facts"]["dir"]
    assert d["date"] is None and d["arisen"] is False
    assert "493514" in d["basis"] and d["to_verify"] is False  # [V]
    assert t["facts"]["recourse"] is None
    assert codes(t) == ["lettre-prefecture"]
    assert "transmission des pièces" in t["remedies"][0]["title"]


def test_documents_sent_make_the_demand_presumed_complete_from_their_date() -> None:
    t = run(
        ev("filed", "2025-01-10"),
        ev("completeness_request", "2025-02-01"),
        ev("documents_sent", "2025-02-15"),
        today="2025-09-01",
    )
    assert t["facts"]["completeness"]["status"] == "presumed"
    assert t["facts"]["dir"]["date"] == D("2025-06-15")
    assert "présumée" in t["facts"]["dir"]["basis"]


def test_unknown_completeness_gives_a_conditional_dir_and_says_what_is_missing() -> None:
    t = run(ev("filed", "2025-03-01"), today="2025-08-01")
    d = t["facts"]["dir"]
    assert (d["date"], d["arisen"], d["conditional"]) == (D("2025-07-01"), None, True)
    assert any("--kind complete" in m for m in t["missing"])
    assert "rep-refere-suspension" not in codes(t)


def test_decision_before_the_delay_means_no_dir() -> None:
    t = run(ev("filed", "2025-03-01"), ev("complete", "2025-03-01"),
            ev("decision_refusal", "2025-05-02"), today="2025-06-01")  # fmt: skip
    assert t["facts"]["dir"]["date"] is None
    r = t["facts"]["recourse"]
    assert r["deadline"] == D("2025-07-02") and r["to_verify"] is True
    assert codes(t) == ["rep-refere-suspension"]


def test_motifs_received_move_the_deadline_within_the_year() -> None:
    t = run(
        ev("filed", "2025-01-10"), ev("complete", "2025-01-10"),
        ev("motifs_requested", "2025-06-01"), ev("motifs_received", "2025-06-25"),
        today="2025-07-01",
    )  # fmt: skip
    r = t["facts"]["recourse"]
    assert r["deadline"] == D("2025-08-25")  # two months after the reasons
    assert r["deadline_outer"] == D("2026-05-10")
    assert codes(t) == ["rep-refere-suspension"]  # reasons already asked


def test_motifs_asked_but_not_received_leave_the_one_year_limit() -> None:
    t = run(ev("filed", "2025-01-10"), ev("complete", "2025-01-10"),
            ev("motifs_requested", "2025-06-01"), today="2025-07-20")  # fmt: skip
    r = t["facts"]["recourse"]
    assert r["deadline"] == D("2026-05-10")
    assert "non reçus" in r["basis"]


def test_the_one_year_limit_passed_blocks_the_recourse() -> None:
    t = run(ev("filed", "2023-01-10"), ev("complete", "2023-01-10"), today="2025-07-20")
    assert codes(t) == []
    assert {b["code"] for b in t["blocked"]} == {"rep-refere-suspension", "refere-mu-api"}
    assert "504677" in t["blocked"][0]["reason"]


# --- OQTF ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "events",
    [
        (ev("filed", "2025-03-01"), ev("complete", "2025-03-01")),  # API owed
        (ev("filed", "2025-01-10"), ev("complete", "2025-01-10")),  # DIR born
    ],
)
def test_an_unexecuted_oqtf_blocks_every_urgency_remedy(events: tuple) -> None:
    t = run(*events, oqtf=OqtfFact("notified", D("2025-04-01"), "fiche"), today="2025-06-20")
    urgent = {"refere-mu-rdv", "refere-mu-substitution", "refere-mu-api"}
    assert not urgent & set(codes(t))
    assert all("1er avril 2025" in b["reason"] or "obstacle" in b["reason"] for b in t["blocked"])
    for r in t["remedies"]:  # the recours pour excès de pouvoir stays, without its référé
        assert "suspension-dir" not in r["documents"]
        if r["code"] == "rep-refere-suspension":
            assert r["title"].endswith("sans référé-suspension")
            assert "référé-suspension écarté" in r["reasons"][-1]
    assert urgent & {b["code"] for b in t["blocked"]}


def test_an_oqtf_event_counts_when_the_file_says_none() -> None:
    t = run(ev("filed", "2025-03-01"), ev("complete", "2025-03-01"), ev("oqtf", "2025-04-01"))
    assert t["facts"]["oqtf"]["status"] == "notified"
    assert "refere-mu-api" not in codes(t)
    assert any("l'absence d'OQTF" in n for n in t["notes"])


def test_unknown_oqtf_with_an_urgency_remedy_is_asked_for() -> None:
    t = run(ev("filed", "2025-03-01"), ev("complete", "2025-03-01"), oqtf=None)
    assert "refere-mu-api" in codes(t)
    assert any("--oqtf none|notified|executed" in m for m in t["missing"])


# --- before any filing --------------------------------------------------------------------------
def test_guichet_route_without_appointment_gives_the_booking_refere() -> None:
    t = run(route="guichet", procedure="premiere-demande", permit_expiry=None, booking_attempts=12)
    assert codes(t) == ["refere-mu-rdv"]
    r = t["remedies"][0]
    assert r["documents"] == ["prefecture", "requete", "ddd"]
    assert any("12 tentative(s)" in x for x in r["reasons"])
    assert any("circonstances particulières" in x for x in r["reasons"])  # not a renewal
    assert any("date de dépôt inconnue" in m for m in t["missing"])


def test_anef_blocked_with_diligences_gives_the_substitution() -> None:
    t = run(ev("anef_incident", "2025-04-02"), ev("ccc_contact", "2025-04-05"))
    assert codes(t) == ["lettre-prefecture", "refere-mu-substitution"]
    reasons = " ".join(t["remedies"][1]["reasons"])
    assert "1 dysfonctionnement(s)" in reasons and "1 contact(s)" in reasons
    assert "point d'accueil numérique : à faire" in reasons
    assert "452798" in reasons


def test_anef_without_filing_or_difficulty_gives_nothing() -> None:
    t = run()
    assert codes(t) == [] and t["blocked"] == []
    assert any("déposez la demande sur l'ANEF" in n for n in t["notes"])


# --- appointments after filing or a decision ----------------------------------------------------
def test_favorable_decision_without_remise_convocation() -> None:
    t = run(ev("filed", "2025-03-01"), ev("decision_favorable", "2025-04-15"), today="2025-06-20")
    assert codes(t) == ["lettre-prefecture", "refere-mu-rdv"]
    assert "remise du titre" in t["remedies"][1]["reasons"][0]


def test_favorable_decision_with_convocation_needs_nothing() -> None:
    t = run(ev("filed", "2025-03-01"), ev("decision_favorable", "2025-04-15"),
            ev("remise_convocation", "2025-05-01"))  # fmt: skip
    assert codes(t) == []


def test_biometrics_announced_without_convocation() -> None:
    t = run(
        ev("filed", "2025-03-01"), ev("complete", "2025-03-01"),
        ev("api_issued", "2025-05-25", "2025-08-24"), ev("biometrics_required", "2025-04-01"),
        written_requests=(D("2025-05-01"),),
    )  # fmt: skip
    assert codes(t) == ["refere-mu-rdv"]
    assert "recueil des données biométriques" in t["remedies"][0]["reasons"][0]


def test_earlier_demand_with_a_dir_is_noted() -> None:
    t = run(
        earlier_demands=(EarlierDemand(1, D("2024-05-02"), "postal", True),),
        route="guichet",
        procedure="premiere-demande",
    )
    e = t["facts"]["earlier_demands"][0]
    assert (e["dir_date"], e["dir_arisen"]) == (D("2024-09-02"), True)
    assert any("Demande n° 1 du 2 mai 2024" in n for n in t["notes"])


def test_the_result_does_not_depend_on_the_day_it_runs() -> None:
    a = run(ev("filed", "2025-03-01"), ev("complete", "2025-03-01"))
    b = run(ev("filed", "2025-03-01"), ev("complete", "2025-03-01"))
    assert a == b and a["as_of"] == D("2025-06-20")
