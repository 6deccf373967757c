"""`guichets timeline ID`: the library's result, as JSON or as text, from a workspace."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from toolkit.applicants import add_applicant, update_applicant
from toolkit.demands import add_demand
from toolkit.timeline.events import add_event
from toolkit.timeline.gather import procedural_timeline
from toolkit.workspace import Workspace

D = date.fromisoformat


def test_json_equals_the_library(cli, cli_applicant: str) -> None:  # type: ignore[no-untyped-def]
    for kind, on in (("filed", "2024-12-20"), ("complete", "2024-12-20")):
        assert cli("event", "add", cli_applicant, "--kind", kind, "--on", on).exit_code == 0
    got = cli.json("timeline", cli_applicant, "--today", "2025-04-19")
    from toolkit.cli.render import to_json
    from toolkit.workspace import open_workspace

    with open_workspace(cli.workspace, read_only=True) as ws:
        lib = procedural_timeline(ws, cli_applicant, today=D("2025-04-19"))
    assert got == json.loads(to_json(lib))
    assert got["facts"]["api"]["owed_from"] == "2025-04-16"
    assert [r["code"] for r in got["remedies"]] == ["lettre-prefecture", "refere-mu-api"]
    assert got["remedies"][1]["deadline"] == "2025-04-19"  # the day before the DIR
    text = cli("timeline", cli_applicant, "--today", "2025-04-20")
    assert text.exit_code == 0, text.output
    assert "Décision implicite de rejet : à naître le 20 avril 2025" not in text.stdout
    assert "Décision implicite de rejet : née le 20 avril 2025 [à vérifier]" in text.stdout
    assert "Chronologie de la procédure — c-76 (au 20 avril 2025, voie : anef)" in text.stdout


def test_route_oqtf_and_demands_come_from_the_applicant_facts(ws: Workspace) -> None:
    add_applicant(ws, "g-93", prefecture="93", procedure="premiere-demande", route="guichet")
    t = procedural_timeline(ws, "g-93", today=D("2025-06-01"))
    assert t["route"] == "guichet" and [r["code"] for r in t["remedies"]] == ["refere-mu-rdv"]
    # a complete postal demand left unanswered five months: the booking référé is not the remedy
    add_demand(ws, "g-93", filed_on="2025-01-02", route="postal", complete=True)
    t = procedural_timeline(ws, "g-93", today=D("2025-06-01"))
    assert t["facts"]["dir"]["date"] == D("2025-05-02") and t["facts"]["dir"]["arisen"]
    assert [r["code"] for r in t["remedies"]] == ["rep-refere-suspension", "demande-motifs"]
    assert [b["code"] for b in t["blocked"]] == ["refere-mu-rdv"]
    assert t["events"][0]["note"] == "fiche du demandeur, demande n° 1"
    update_applicant(ws, "g-93", oqtf="notified", oqtf_date="2025-05-20", reason="arrêté reçu")
    t = procedural_timeline(ws, "g-93", today=D("2025-06-01"))
    assert [r["code"] for r in t["remedies"]] == ["rep-refere-suspension", "demande-motifs"]
    rep = t["remedies"][0]
    assert rep["title"].endswith("sans référé-suspension") and "suspension-dir" in rep["dropped"]
    assert "20 mai 2025" in rep["reasons"][-1]


def test_a_decided_demand_is_earlier_and_events_rule(ws: Workspace, tmp_path: Path) -> None:
    add_applicant(ws, "r-76", prefecture="76", procedure="renouvellement",
                  permit_expiry="2025-05-31", oqtf="none")  # fmt: skip
    add_demand(ws, "r-76", filed_on="2023-02-01", complete=True, decision="favorable",
               decided_on="2023-04-01")  # fmt: skip
    add_event(ws, "r-76", kind="filed", on="2025-03-01", today=D("2025-06-10"))
    add_event(ws, "r-76", kind="complete", on="2025-03-01", today=D("2025-06-10"))
    t = procedural_timeline(ws, "r-76", today=D("2025-06-10"))
    assert t["facts"]["filing"]["date"] == D("2025-03-01")
    assert t["facts"]["earlier_demands"][0]["decision"] == "favorable"
    assert t["missing"] == []
    assert [r["code"] for r in t["remedies"]] == ["lettre-prefecture", "refere-mu-api"]


def test_events_after_the_date_asked_are_left_out(ws: Workspace) -> None:
    add_applicant(ws, "t-1", prefecture="76", procedure="renouvellement", oqtf="none",
                  permit_expiry="2025-05-31")  # fmt: skip
    add_event(ws, "t-1", kind="filed", on="2025-03-01", today=D("2025-07-01"))
    add_event(ws, "t-1", kind="decision_refusal", on="2025-06-10", today=D("2025-07-01"))
    before = procedural_timeline(ws, "t-1", today=D("2025-05-01"))
    assert [e["kind"] for e in before["events"]] == ["filed"]
    assert "1 événement(s) postérieur(s) au 1er mai 2025 non pris en compte." in before["notes"]
    after = procedural_timeline(ws, "t-1", today=D("2025-07-01"))
    assert [r["code"] for r in after["remedies"]] == ["rep-refere-suspension"]


def test_deadlines_across_files(cli) -> None:  # type: ignore[no-untyped-def]
    """A lawyer's fifty files: what falls due, soonest first."""
    for who, filed in (("f-1", "2024-12-20"), ("f-2", "2025-01-10"), ("f-3", None)):
        cli("applicant", "add", who, "--prefecture", "69", "--procedure", "renouvellement",
            "--permit-expiry", "2025-03-15", "--oqtf", "none")  # fmt: skip
        if filed:
            cli("event", "add", who, "--kind", "filed", "--on", filed)
            cli("event", "add", who, "--kind", "complete", "--on", filed)
    rows = cli.json("deadlines", "--today", "2025-04-04", "--within", "15")
    assert [(r["applicant"], r["date"], r["days"]) for r in rows] == [
        ("f-1", "2025-04-19", 15),  # the référé for the attestation, before the rejection
    ]
    assert "[à vérifier]" in rows[0]["what"]
    rows = cli.json("deadlines", "--today", "2025-04-04", "--within", "40")
    assert ("f-2", "2025-05-10") in [(r["applicant"], r["date"]) for r in rows]
    assert "f-3" not in {r["applicant"] for r in rows}  # no procedural event


def test_deadlines_past_the_two_months_say_so(cli) -> None:  # type: ignore[no-untyped-def]
    """Implicit rejection on 5 April 2025 (complete on 5 December 2024, four months); on 20 July
    the two months ended on 5 June: the row keeps the one-year limit and says the two months
    are over if they ran, or a lawyer reading « 259 days » would think there is time."""
    cli("applicant", "add", "late", "--prefecture", "93", "--procedure", "renouvellement",
        "--permit-expiry", "2025-01-31", "--route", "anef", "--oqtf", "none")  # fmt: skip
    for kind, on in (("filed", "2024-11-01"), ("complete", "2024-12-05")):
        cli("event", "add", "late", "--kind", kind, "--on", on)
    rows = cli.json("deadlines", "--today", "2025-07-20", "--within", "400")
    late = [r for r in rows if r["applicant"] == "late"]
    assert [(r["date"], r["days"]) for r in late] == [("2026-04-05", 259), ("2026-04-05", 259)]
    assert late[0]["what"] == (
        "Recours pour excès de pouvoir et référé-suspension contre le refus (art. L. 521-1 CJA) "
        "(limite d'un an ; le délai de deux mois, s'il a couru, a expiré le 5 juin 2025) "
        "[à vérifier]"
    )
    rows = cli.json("deadlines", "--today", "2025-05-01", "--within", "60")
    assert rows[0]["date"] == "2025-06-05" and "limite d'un an" not in rows[0]["what"]
