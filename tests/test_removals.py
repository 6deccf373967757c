"""Removing an attempt, a contact or a document: custody keeps the row and the reason, the
vault keeps the original, and no row can hold the applicant's file hostage."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import png
from toolkit.applicants import add_applicant
from toolkit.attempts import attempt_records, document_records
from toolkit.contacts import add_contact
from toolkit.errors import InputError, NotFound
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.removals import remove_attempt, remove_document
from toolkit.workspace import Workspace


def _shots(tmp_path: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        p = tmp_path / f"Screenshot_2025031{i}-100000.png"
        p.write_bytes(png(4 + i, 4))
        out.append(p)
    return out


def _custody(ws: Workspace, action: str) -> list[dict]:
    return [
        json.loads(r[0])
        for r in ws.sql(
            'SELECT detail FROM custody WHERE action = ? ORDER BY "at"', [action]
        ).fetchall()
    ]


def test_remove_attempt_keeps_row_reason_and_original(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    ingest_screenshots(ws, _shots(tmp_path, 2), applicant, ocr=False, outcome="no_slot")
    first, second = attempt_records(ws, applicant)
    done = remove_attempt(
        ws, applicant, first["id"][:8], reason="capture d'une autre personne", reviewer="Me Avocat"
    )
    assert done.id == first["id"] and done.file_sha256 == first["sha256"]
    assert [r["id"] for r in attempt_records(ws, applicant)] == [second["id"]]
    assert ws.vault.path_for(first["sha256"]).exists()
    assert ws.scalar("SELECT count(*) FROM files WHERE sha256 = ?", [first["sha256"]]) == 1
    [entry] = _custody(ws, "attempt.remove")
    assert entry["reason"] == "capture d'une autre personne"
    assert entry["reviewer"] == "Me Avocat"
    assert entry["row"]["id"] == first["id"]
    assert entry["row"]["outcome"] == "no_slot"
    assert entry["row"]["observed_at"].startswith("2025-03-10 09:00:00")
    assert entry["original_kept"] is True


def test_a_removed_attempt_comes_back_when_its_file_is_ingested_again(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    shots = _shots(tmp_path, 1)
    ingest_screenshots(ws, shots, applicant, ocr=False)
    [row] = attempt_records(ws, applicant)
    remove_attempt(ws, applicant, row["id"], reason="heure fausse")
    report = ingest_screenshots(ws, shots, applicant, ocr=False)
    assert report.rows == 1
    assert [r["id"] for r in attempt_records(ws, applicant)] == [row["id"]]


def test_remove_contact(ws: Workspace, applicant: str) -> None:
    add_contact(ws, applicant, channel="phone", at="2025-03-18 09:40", note="CCC")
    [row] = attempt_records(ws, applicant)
    done = remove_attempt(ws, applicant, row["id"], reason="doublon")
    assert done.file_sha256 is None and attempt_records(ws, applicant) == []
    assert _custody(ws, "attempt.remove")[0]["original_kept"] is False


def test_remove_document(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    from tests.hostile.corpus import MINIMAL_PDF

    pdf = tmp_path / "titre.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    ingest_documents(ws, [pdf], applicant, kind="permit", dated="2024-01-02")
    [doc] = document_records(ws, applicant)
    assert (doc["kind"], doc["title"], str(doc["dated"]), doc["file"]) == (
        "permit", "titre", "2024-01-02", "titre.pdf",
    )  # fmt: skip
    done = remove_document(ws, applicant, doc["id"], reason="mauvais demandeur")
    assert document_records(ws, applicant) == [] and ws.vault.path_for(done.file_sha256 or "")
    assert _custody(ws, "document.remove")[0]["row"]["kind"] == "permit"


def test_rows_pointing_at_the_attempt_go_with_it(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    ingest_screenshots(ws, _shots(tmp_path, 1), applicant, ocr=False)
    [row] = attempt_records(ws, applicant)
    ws.sql("CREATE TABLE notes_on_attempts (attempt_id VARCHAR, note VARCHAR)")
    ws.sql("INSERT INTO notes_on_attempts VALUES (?, 'x'), ('other', 'y')", [row["id"]])
    done = remove_attempt(ws, applicant, row["id"], reason="test")
    # the attempt's time readings (filename and mtime here) point at it too
    assert done.dependents == {"attempt_times": 2, "notes_on_attempts": 1}
    assert ws.scalar("SELECT count(*) FROM notes_on_attempts") == 1


def test_a_row_with_an_impossible_time_can_be_removed(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    """A row written before times were range-checked (year 1) is removed and logged as
    stored; the applicant's log reads again afterwards."""
    ingest_screenshots(ws, _shots(tmp_path, 1), applicant, ocr=False)
    ws.sql(
        "INSERT INTO attempts (id, applicant_id, prefecture, procedure, channel, observed_at, "
        "time_source, ingested_at) VALUES ('0badc0ffee0badc0ffee', ?, '76', 'renouvellement', "
        "'online', '0001-01-01 00:00:00+00', 'exif', now())",
        [applicant],
    )
    done = remove_attempt(ws, applicant, "0badc0ffee", reason="heure impossible (an 1)")
    assert done.row["observed_at"] == "0001-01-01 00:00:00+00"
    assert len(attempt_records(ws, applicant)) == 1


@pytest.mark.parametrize(
    ("given", "reason", "error", "says"),
    [
        ("zz", "x", InputError, "hexadecimal, at least 6"),
        ("abcdef", "x", NotFound, "has no attempt abcdef"),
        ("{id}", "  ", InputError, "--reason"),
        ("{id}", "x" * 501, InputError, "under 500"),
    ],
)
def test_refusals(
    ws: Workspace, applicant: str, tmp_path: Path, given: str, reason: str, error: type, says: str
) -> None:
    ingest_screenshots(ws, _shots(tmp_path, 1), applicant, ocr=False)
    [row] = attempt_records(ws, applicant)
    with pytest.raises(error, match=says.replace("(", r"\(")):
        remove_attempt(ws, applicant, given.format(id=row["id"]), reason=reason)
    assert len(attempt_records(ws, applicant)) == 1
    assert _custody(ws, "attempt.remove") == []


def test_another_applicants_row_is_not_removed(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    add_applicant(ws, "other", prefecture="69", procedure="renouvellement")
    ingest_screenshots(ws, _shots(tmp_path, 1), "other", ocr=False)
    [row] = attempt_records(ws, "other")
    with pytest.raises(NotFound, match="belongs to applicant other"):
        remove_attempt(ws, applicant, row["id"], reason="x")
    assert len(attempt_records(ws, "other")) == 1


def test_cli_remove_then_every_command_reads_the_file(
    cli: Any, cli_applicant: str, tmp_path: Path
) -> None:
    shots = _shots(tmp_path, 2)
    r = cli("ingest", "screenshots", *map(str, shots), "-a", cli_applicant, "--no-ocr")
    assert r.exit_code == 0, r.output
    rows = cli.json("attempts", cli_applicant)
    table = cli("attempts", cli_applicant)
    assert rows[0]["id"][:10] in table.stdout  # the table shows the ids to remove by
    r = cli("attempts", "remove", cli_applicant, rows[0]["id"][:7], "--reason", "doublon")
    assert r.exit_code == 0, r.output
    assert r.stderr.strip() == (
        f"Removed attempt {rows[0]['id']} of {cli_applicant}, 2 time reading(s) of its evidence "
        "(doublon); "
        f"original {rows[0]['sha256'][:12]}… kept in the vault"
    )
    assert [a["id"] for a in cli.json("attempts", cli_applicant)] == [rows[1]["id"]]
    r = cli("attempts", "remove", cli_applicant, rows[0]["id"], "--reason", "x")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Error: applicant {cli_applicant} has no attempt {rows[0]['id']}; "
        f"see `guichets attempts {cli_applicant}`"
    ]
    r = cli("attempts", "remove", cli_applicant, rows[1]["id"])
    assert r.exit_code == 2 and "--reason" in r.stderr


def test_cli_documents_list_and_remove(cli: Any, cli_applicant: str, tmp_path: Path) -> None:
    from tests.hostile.corpus import MINIMAL_PDF

    pdf = tmp_path / "lrar.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    r = cli("ingest", "documents", str(pdf), "-a", cli_applicant, "-k", "letter")
    assert r.exit_code == 0, r.output
    [doc] = cli.json("documents", "list", cli_applicant)
    assert (doc["kind"], doc["file"]) == ("letter", "lrar.pdf")
    done = cli.json(
        "documents", "remove", cli_applicant, doc["id"], "--reason", "x", "--reviewer", "Me B"
    )
    assert (done["id"], done["reviewer"], done["original_kept"]) == (doc["id"], "Me B", True)
    assert cli.json("documents", "list", cli_applicant) == []
