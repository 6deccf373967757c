"""`guichets event add|list|remove` and the library behind them."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.timeline.anef_data import PARIS, api_pdf, mail_filed
from toolkit.errors import InputError, NotFound
from toolkit.ingest.captures import ingest_captures
from toolkit.timeline.events import add_event, list_events, remove_event
from toolkit.workspace import Workspace

D = date.fromisoformat
TODAY = D("2025-07-01")


def add(ws: Workspace, kind: str, on: str, **kw: object) -> dict:
    return add_event(ws, "a-76", kind=kind, on=on, today=TODAY, **kw)  # type: ignore[arg-type]


def n_events(ws: Workspace) -> int:
    return ws.scalar("SELECT count(*) FROM events")


def test_add_list_and_repeat(ws: Workspace, applicant: str) -> None:
    first = add(ws, "filed", "2025-03-01", reference="7601-2025-42", note="dépôt en ligne")
    assert first["recorded"] is True
    assert add(ws, "filed", "2025-03-01", reference="7601-2025-42")["recorded"] is False
    add(ws, "api_issued", "2025-05-20", until="2025-08-19")
    rows = list_events(ws, applicant)
    assert [(r["kind"], r["date"], r["until"], r["source"]) for r in rows] == [
        ("filed", D("2025-03-01"), None, "declared"),
        ("api_issued", D("2025-05-20"), D("2025-08-19"), "declared"),
    ]
    assert rows[0]["label"] == "Dépôt de la demande" and rows[0]["note"] == "dépôt en ligne"
    custody = ws.rows("SELECT action, detail FROM custody WHERE action = 'event.add'")
    assert len(custody) == 2 and json.loads(custody[0]["detail"])["kind"] == "filed"


@pytest.mark.parametrize(
    ("kind", "on", "extra", "message"),
    [
        ("filed", "2025-07-02", {}, "the date is in the future (today is 2025-07-01)"),
        ("api_issued", "2025-05-20", {}, "give its end of validity with --until"),
        ("recepisse", "2025-05-20", {}, "give its end of validity with --until"),
        ("api_issued", "2025-05-20", {"until": "2025-05-01"}, "is before the event's date"),
        ("filed", "2025-03-01", {"until": "2025-05-01"}, "--until does not apply to this kind"),
        ("decision_refusal", "2025-02-01", {}, "the demand was filed on 2025-03-01"),
        ("motifs_received", "2025-04-01", {}, "the reasons were requested on 2025-05-01"),
        ("filed", "2025-02-01", {}, "a filing on 2025-03-01 is already recorded"),
        ("decision_favorable", "2025-06-01", {}, "a decision_refusal is recorded on the same day"),
        ("bogus", "2025-06-01", {}, "unknown event kind 'bogus'; use one of: filed,"),
        ("filed", "1999-12-31", {}, "before 2000"),
        ("filed", "31/02/2025", {}, "is not a date"),
    ],
)  # fmt: skip
def test_bad_events_are_refused_and_nothing_recorded(
    ws: Workspace, applicant: str, kind: str, on: str, extra: dict, message: str
) -> None:
    add(ws, "filed", "2025-03-01")
    add(ws, "motifs_requested", "2025-05-01")
    add(ws, "decision_refusal", "2025-06-01")
    before = n_events(ws), ws.scalar("SELECT count(*) FROM custody")
    with pytest.raises(InputError) as err:
        add(ws, kind, on, **extra)
    assert message in str(err.value)
    assert (n_events(ws), ws.scalar("SELECT count(*) FROM custody")) == before


def test_a_filing_after_recorded_steps_is_refused(ws: Workspace, applicant: str) -> None:
    add(ws, "complete", "2025-03-01")
    with pytest.raises(InputError, match=r"complete on 2025-03-01 .* would precede the filing"):
        add(ws, "filed", "2025-03-05")


def test_event_with_its_file(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    path = tmp_path / "api-scan.pdf"
    path.write_bytes(api_pdf())
    done = add(ws, "api_issued", "2025-05-20", until="2025-08-19", file=path)
    [row] = list_events(ws, applicant)
    assert row["file"] == "api-scan.pdf" and row["source"] == "declared"
    doc = ws.rows("SELECT id, kind, dated, title FROM documents")[0]
    assert (doc["id"], doc["kind"], doc["dated"]) == (done["document"], "api", D("2025-05-20"))
    assert ws.vault.read(row["sha256"]) == path.read_bytes()


def test_a_bad_file_records_nothing(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("rien", encoding="utf-8")
    with pytest.raises(InputError, match=r"notes\.txt: not a PDF"):
        add(ws, "filed", "2025-03-01", file=path)
    with pytest.raises(InputError, match="no such file"):
        add(ws, "filed", "2025-03-01", file=tmp_path / "absent.pdf")
    assert n_events(ws) == 0 and ws.scalar("SELECT count(*) FROM files") == 0


def test_remove_keeps_the_row_and_says_why(ws: Workspace, applicant: str) -> None:
    eid = add(ws, "filed", "2025-03-02")["id"]
    remove_event(ws, applicant, eid, reason="mauvaise date, c'était le 1er mars")
    assert list_events(ws, applicant) == []
    row = ws.rows("SELECT withdrawn_reason FROM events WHERE id = ?", [eid])[0]
    assert row["withdrawn_reason"] == "mauvaise date, c'était le 1er mars"
    add(ws, "filed", "2025-03-01")  # the right one now stands alone
    with pytest.raises(InputError, match="already withdrawn"):
        remove_event(ws, applicant, eid, reason="encore")
    with pytest.raises(NotFound, match="no event 'nope'"):
        remove_event(ws, applicant, "nope", reason="x")
    with pytest.raises(InputError, match="--reason is required"):
        remove_event(ws, applicant, eid, reason=" ")


def test_events_seen_on_anef_pages_and_e_mails(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    pages = [
        FIXTURES / "pages" / n
        for n in ("anef-status-instruction.html", "anef-account-blocked.html")
    ]
    mail = tmp_path / "anef-depot.eml"
    mail.write_bytes(mail_filed(datetime(2025, 3, 1, 18, 4, tzinfo=PARIS)))
    report = ingest_captures(ws, [*pages, mail], applicant, ocr=False)
    assert not report.problems, report.problems
    rows = list_events(ws, applicant)
    kinds = sorted((r["kind"], r["source"], r["file"]) for r in rows)
    assert kinds == [
        ("anef_incident", "capture", "anef-account-blocked.html"),
        ("filing_confirmation", "capture", "anef-depot.eml"),
        ("status_seen", "capture", "anef-status-instruction.html"),
    ]
    seen = next(r for r in rows if r["kind"] == "status_seen")
    assert seen["note"] == "En cours d'instruction" and seen["rule"] == "anef.status.instruction"
    filed = next(r for r in rows if r["kind"] == "filing_confirmation")
    assert filed["date"] == D("2025-03-01") and filed["reference"] == "7601-2025-0000042"


def test_cli_event_commands(cli, cli_applicant: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("event", "add", cli_applicant, "--kind", "filed", "--on", "2025-03-01")
    assert r.exit_code == 0, r.output
    assert "recorded: filed on 2025-03-01" in r.output
    r = cli("event", "add", cli_applicant, "--kind", "api_issued", "--on", "2025-05-20")
    assert r.exit_code == 1
    assert r.output.count("\n") == 1 and r.output.startswith("Error: api_issued on 2025-05-20")
    r = cli("event", "add", cli_applicant, "--kind", "decision_refusal", "--on", "2025-01-01")
    assert r.exit_code == 1 and "cannot be dated before it" in r.output
    rows = cli.json("event", "list", cli_applicant)
    assert [(x["kind"], x["date"]) for x in rows] == [("filed", "2025-03-01")]
    r = cli("event", "remove", cli_applicant, rows[0]["id"], "--reason", "erreur de saisie")
    assert r.exit_code == 0, r.output
    assert cli.json("event", "list", cli_applicant) == []
