"""The facts the law turns on: filing route, OQTF, earlier demands and their decisions."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from toolkit.applicants import add_applicant, get_applicant, show_applicant, update_applicant
from toolkit.demands import (
    add_demand,
    add_months,
    implicit_rejection_date,
    list_demands,
    update_demand,
)
from toolkit.errors import InputError, NotFound
from toolkit.model import Procedure
from toolkit.reference import default_route
from toolkit.workspace import migrations, open_workspace


def custody(ws, action: str) -> list[dict]:
    rows = ws.rows('SELECT detail FROM custody WHERE action = ? ORDER BY "at"', [action])
    return [json.loads(r["detail"]) for r in rows]


@pytest.mark.parametrize(
    ("procedure", "route"),
    [("renouvellement", "anef"), ("naturalisation", "anef"), ("regularisation", "guichet"),
     ("asile", "guichet"), ("premiere-demande", "unknown"), ("autre", "unknown")],
)  # fmt: skip
def test_route_defaults_to_the_procedure(ws, procedure: str, route: str) -> None:
    a = add_applicant(ws, "x", prefecture="76", procedure=procedure)
    assert (a.route, a.route_source, a.oqtf, a.oqtf_date) == (route, "procedure", "unknown", None)


def test_route_and_oqtf_declared_then_updated(ws) -> None:
    a = add_applicant(ws, "r-1", prefecture="93", procedure="renouvellement", route="guichet",
                      oqtf="notified", oqtf_date="2024-11-04")  # fmt: skip
    assert (a.route, a.route_source, a.oqtf, a.oqtf_date) == (
        "guichet", "declared", "notified", date(2024, 11, 4))  # fmt: skip
    # executed keeps the notification date; back to the procedure's route
    b = update_applicant(ws, "r-1", oqtf="executed", route="default", reason="retour au pays")
    assert (b.route, b.route_source, b.oqtf, b.oqtf_date) == (
        "anef", "procedure", "executed", date(2024, 11, 4))  # fmt: skip
    # a route left at its default follows the procedure
    c = update_applicant(ws, "r-1", procedure="regularisation", oqtf="none")
    assert (c.route, c.route_source, c.oqtf, c.oqtf_date) == ("guichet", "procedure", "none", None)
    [first, second] = custody(ws, "applicant.update")
    assert first["changes"] == {
        "route": {"from": "guichet", "to": "anef"},
        "route_source": {"from": "declared", "to": "procedure"},
        "oqtf": {"from": "notified", "to": "executed"},
    }
    assert first["reason"] == "retour au pays"
    assert second["changes"]["procedure"] == {"from": "renouvellement", "to": "regularisation"}
    assert second["changes"]["oqtf_date"] == {"from": "2024-11-04", "to": None}


def test_identity_update_is_logged_by_field_name_only(ws, applicant: str) -> None:
    update_applicant(ws, applicant, agdref="7501234567", address="5 rue des Essais, 76000 Rouen")
    assert show_applicant(ws, applicant)["identity"]["agdref"] == "7501234567"
    [entry] = custody(ws, "applicant.update")
    assert entry["identity_fields"] == ["address", "agdref"]
    assert "7501234567" not in json.dumps(entry)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"oqtf": "notified"}, "--oqtf notified needs --oqtf-date"),
        ({"oqtf": "none", "oqtf_date": "2024-01-02"}, "--oqtf-date is given but --oqtf is 'none'"),
        ({"oqtf": "maybe"}, "unknown OQTF status 'maybe'; use one of: none, notified"),
        ({"route": "fax"}, "unknown filing route 'fax'; use one of: anef, guichet, postal"),
        ({"oqtf": "notified", "oqtf_date": "2999-01-01"}, "--oqtf-date 2999-01-01 is in the future"),
    ],
)  # fmt: skip
def test_bad_facts_record_nothing(ws, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        add_applicant(ws, "x", prefecture="76", procedure="renouvellement", **kwargs)
    assert ws.scalar("SELECT count(*) FROM applicants") == 0


def test_update_without_change_is_refused(ws, applicant: str) -> None:
    with pytest.raises(InputError, match="nothing to change for applicant 'a-76'"):
        update_applicant(ws, applicant, route="default")  # already the default route


def test_demands_and_decisions(ws, applicant: str) -> None:
    first = add_demand(ws, applicant, filed_on="2024-10-02", complete=True, reference="ANEF-1")
    assert (first.number, first.route, first.procedure, first.decision) == (
        1, "anef", "renouvellement", "none")  # fmt: skip
    second = add_demand(ws, applicant, filed_on="2023-05-10", route="guichet", complete="no",
                        decision="refusal", decided_on="2023-09-01")  # fmt: skip
    assert [d.number for d in list_demands(ws, applicant)] == [2, 1]  # oldest filing first
    updated = update_demand(ws, applicant, 1, decision="favorable", decided_on="2025-01-20",
                            reason="titre remis")  # fmt: skip
    assert (updated.decision, updated.decided_on, updated.complete) == (
        "favorable", date(2025, 1, 20), True)  # fmt: skip
    assert second.complete is False
    shown = show_applicant(ws, applicant, identity=False)
    assert [d["number"] for d in shown["demands"]] == [2, 1]
    assert shown["route"] == "anef" and shown["oqtf"] == "unknown"
    [entry] = custody(ws, "demand.update")
    assert entry["changes"]["decision"] == {"from": "none", "to": "favorable"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"filed_on": "2024-10-02", "decision": "refusal"}, "--decision refusal needs --decided"),
        ({"filed_on": "2024-10-02", "decided_on": "2024-12-01"}, "--decided is given without --decision"),
        ({"filed_on": "2024-10-02", "decision": "refusal", "decided_on": "2024-09-01"},
         r"the decision \(2024-09-01\) is dated before the demand it answers \(2024-10-02\)"),
        ({"filed_on": "2024-10-02", "complete": "peut-être"}, "--complete 'peut-être': use yes, no or unknown"),
        ({"filed_on": "2024-10-02", "decision": "silence"}, "unknown decision 'silence'"),
        ({"filed_on": "2999-10-02"}, "--filed 2999-10-02 is in the future"),
    ],
)  # fmt: skip
def test_bad_demands_record_nothing(ws, applicant: str, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError, match=message):
        add_demand(ws, applicant, **kwargs)
    assert ws.scalar("SELECT count(*) FROM demands") == 0


def test_unknown_demand_names_the_known_ones(ws, applicant: str) -> None:
    add_demand(ws, applicant, filed_on="2024-10-02")
    with pytest.raises(NotFound, match=r"no demand number 7 \(known: 1\)"):
        update_demand(ws, applicant, 7, complete="yes")


def test_implicit_rejection_date() -> None:
    assert implicit_rejection_date(date(2024, 10, 31)) == date(2025, 2, 28)
    assert implicit_rejection_date(date(2024, 1, 15), 2) == date(2024, 3, 15)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)


def test_migration_gives_old_applicants_their_default_route(tmp_path: Path) -> None:
    """A workspace at schema 4 is opened by this version: routes come from the procedure."""
    db = tmp_path / "old" / "guichets.duckdb"
    db.parent.mkdir()
    con = duckdb.connect(str(db))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
        "applied_at TIMESTAMPTZ, tool_version VARCHAR)"
    )
    for version, name, sql in migrations():
        if version < 5:
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, now(), 'old')", [version, name]
            )
    for i, proc in enumerate(Procedure):
        con.execute(
            "INSERT INTO applicants (id, prefecture, procedure, created_at) VALUES (?, '76', ?, now())",
            [f"p{i}", proc.value],
        )
    con.close()
    with open_workspace(db.parent) as ws:
        for i, proc in enumerate(Procedure):
            a = get_applicant(ws, f"p{i}")
            assert (a.route, a.route_source, a.oqtf) == (
                default_route(proc),
                "procedure",
                "unknown",
            )


def test_cli_update_and_demands(cli, cli_applicant: str) -> None:
    r = cli("applicant", "update", cli_applicant, "--route", "guichet", "--oqtf", "none")
    assert r.exit_code == 0, r.output
    assert "route guichet (declared), OQTF none" in r.stderr
    r = cli("applicant", "demand", "add", cli_applicant, "--filed", "2024-11-02", "--complete",
            "yes", "--route", "anef", "--reference", "ANEF-2024-1")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = cli("applicant", "demand", "update", cli_applicant, "1", "--decision", "refusal",
            "--decided", "2025-01-15")  # fmt: skip
    assert r.exit_code == 0, r.output
    [d] = cli.json("applicant", "demand", "list", cli_applicant)
    assert d == {"number": 1, "filed_on": "2024-11-02", "route": "anef",
                 "procedure": "renouvellement", "complete": True, "decision": "refusal",
                 "decided_on": "2025-01-15", "reference": "ANEF-2024-1", "note": None}  # fmt: skip
    shown = cli.json("applicant", "show", cli_applicant)
    assert shown["route"] == "guichet" and shown["route_source"] == "declared"
    assert shown["demands"] == [d]
    r = cli("applicant", "update", cli_applicant, "--oqtf", "notified")
    assert r.exit_code == 1
    assert r.stderr.strip().startswith("Error: --oqtf notified needs --oqtf-date")
    r = cli("applicant", "demand", "add", cli_applicant, "--filed", "hier")
    assert r.exit_code == 1 and "--filed: 'hier' is not a date" in r.stderr
