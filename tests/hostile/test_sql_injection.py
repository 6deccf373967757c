"""SQL injection: every user-supplied string that reaches SQL outside the crawl (whose mapping
and formats are tested with the crawl) is data, never SQL.

Each payload closes a string literal or an identifier and tries what an attacker would: drop
a table, write a file (a canary), read one into the database (``read_text``). A payload
must come back exactly as given (or be refused in one clean line), the tables must all be
there, and no canary may exist. Paths count too: a workspace folder, a bundle's name and a
screenshot's name may hold quotes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image

from toolkit.errors import GuichetsError
from toolkit.workspace import Workspace, init_workspace


def payloads(canary: Path) -> list[str]:
    return [
        "'",
        '"',
        "O'Brien",
        "'; DROP TABLE attempts; --",
        "x' OR '1'='1",
        '"); DROP TABLE files; --',
        f"'); COPY (SELECT 42) TO '{canary}'; --",
        "' || read_text('/etc/hostname') || '",
        "$1 ? :x %s {}",
        "\\'; DROP TABLE custody; --",
        "’ ; DROP TABLE applicants; --",
    ]


TABLES = ("applicants", "identities", "attempts", "files", "custody", "documents", "generated")


@pytest.fixture
def quoted_ws(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A workspace whose own folder name holds a quote and a statement."""
    root = tmp_path / "dossier d'O'Brien; DROP TABLE files; --" / "ws"
    with init_workspace(root) as ws:
        yield ws


def _intact(ws: Workspace, canary: Path) -> None:
    for table in TABLES:
        ws.scalar(f"SELECT count(*) FROM {table}")  # raises if it was dropped
    assert not canary.exists()


def test_applicant_and_identity_fields(quoted_ws: Workspace, tmp_path: Path) -> None:
    from toolkit.applicants import add_applicant, get_applicant, show_applicant

    canary = tmp_path / "canary-applicant"
    for i, p in enumerate(payloads(canary)):
        add_applicant(quoted_ws, f"a-{i}", prefecture="76", procedure="renouvellement",
                      full_name=p, email=p, address=p, nationality=p, agdref=p, phone=p)  # fmt: skip
        identity = show_applicant(quoted_ws, f"a-{i}")["identity"]
        assert {identity[k] for k in ("full_name", "email", "address", "nationality")} == {p}
        with pytest.raises(GuichetsError):  # an id holding SQL is refused, not run
            get_applicant(quoted_ws, p)
        with pytest.raises(GuichetsError):
            add_applicant(quoted_ws, p, prefecture="76", procedure="renouvellement")
        with pytest.raises(GuichetsError):
            add_applicant(quoted_ws, f"b-{i}", prefecture=p, procedure="renouvellement")
        with pytest.raises(GuichetsError):
            add_applicant(quoted_ws, f"c-{i}", prefecture="76", procedure=p)
    _intact(quoted_ws, canary)
    assert quoted_ws.scalar("SELECT count(*) FROM applicants") == len(payloads(canary))


def test_contact_notes_and_document_titles(quoted_ws: Workspace, tmp_path: Path) -> None:
    from toolkit.applicants import add_applicant
    from toolkit.contacts import add_contact
    from toolkit.ingest.documents import ingest_documents

    canary = tmp_path / "canary-notes"
    add_applicant(quoted_ws, "a-1", prefecture="76", procedure="renouvellement")
    for i, p in enumerate(payloads(canary)):
        add_contact(quoted_ws, "a-1", channel="phone", at=f"2025-03-{i + 1:02d} 10:00", note=p)
        doc = tmp_path / f"doc{i}.pdf"
        Image.new("RGB", (8, 8), (i, 0, 0)).save(doc, format="PDF")
        report = ingest_documents(
            quoted_ws, [doc], "a-1", kind="other", title=p, dated="2025-03-01"
        )
        assert report.rows == 1, report.problems
        with pytest.raises(GuichetsError):
            add_contact(quoted_ws, "a-1", channel=p, at="2025-03-01 10:00")
        with pytest.raises(GuichetsError):
            add_contact(quoted_ws, "a-1", channel="phone", at=p)
        with pytest.raises(GuichetsError):
            ingest_documents(quoted_ws, [doc], "a-1", kind=p)
    notes = {r[0] for r in quoted_ws.con.execute("SELECT note FROM attempts").fetchall()}
    titles = {r[0] for r in quoted_ws.con.execute("SELECT title FROM documents").fetchall()}
    assert notes == titles == set(payloads(canary))
    _intact(quoted_ws, canary)


def test_file_and_folder_names(quoted_ws: Workspace, tmp_path: Path) -> None:
    from toolkit.applicants import add_applicant
    from toolkit.attempts import attempt_records
    from toolkit.ingest.screenshots import ingest_screenshots

    canary = tmp_path / "canary-names"
    add_applicant(quoted_ws, "a-1", prefecture="76", procedure="renouvellement")
    folder = tmp_path / "captures d'écran'); DROP TABLE sources; --"
    folder.mkdir()
    names = []
    for i, p in enumerate(payloads(canary)):
        name = f"Screenshot_20250312-10{i:02d}00 {p.replace('/', '∕')}.png"
        Image.new("RGB", (10, 10), (i, 0, 0)).save(folder / name)
        names.append(name)
    report = ingest_screenshots(quoted_ws, [folder], "a-1", ocr=False)
    assert report.rows == len(names), report.problems
    stored = {r["file"] for r in attempt_records(quoted_ws, "a-1")}
    assert stored == set(names)
    assert quoted_ws.scalar("SELECT path FROM sources WHERE kind = 'screenshots'") == str(folder)
    _intact(quoted_ws, canary)


def test_indicator_filters(quoted_ws: Workspace, tmp_path: Path) -> None:
    from toolkit.indicators.prefecture import prefecture_indicators

    canary = tmp_path / "canary-filters"
    for p in payloads(canary):
        for kwargs in ({"prefecture": p}, {"procedure": p}, {"since": p}, {"until": p}):
            with pytest.raises(GuichetsError):
                prefecture_indicators(quoted_ws, **kwargs)  # type: ignore[arg-type]
    _intact(quoted_ws, canary)


def test_bundles_round_trip_through_quoted_paths(quoted_ws: Workspace, tmp_path: Path) -> None:
    """The bundle's Parquet files are written and read by DuckDB under the workspace's own
    folder (quoted), and the bundle's own name holds a quote."""
    from toolkit.applicants import add_applicant
    from toolkit.contacts import add_contact
    from toolkit.export.aggregate import aggregate_bundles
    from toolkit.export.bundle import export_bundle

    canary = tmp_path / "canary-bundle"
    add_applicant(quoted_ws, "a-1", prefecture="76", procedure="renouvellement")
    add_contact(quoted_ws, "a-1", channel="phone", at="2025-03-01 10:00", note="appel")
    out = tmp_path / "lot d'export'); COPY (SELECT 1) TO 'x'; --.zip"
    result = export_bundle(quoted_ws, out, applicants=["a-1"])
    assert result.tables["contacts"] == 1
    target_root = tmp_path / "l'association" / "ws"
    with init_workspace(target_root) as target:
        report = aggregate_bundles(target, [out])
        assert report.added["contacts"] == 1
        _intact(target, canary)
    _intact(quoted_ws, canary)


def test_verify_and_outputs_in_a_quoted_workspace(quoted_ws: Workspace, tmp_path: Path) -> None:
    from toolkit.applicants import add_applicant
    from toolkit.contacts import add_contact
    from toolkit.export.xlsx import export_xlsx
    from toolkit.verify import verify_workspace

    add_applicant(quoted_ws, "a-1", prefecture="76", procedure="renouvellement")
    add_contact(quoted_ws, "a-1", channel="phone", at="2025-03-01 10:00", note="x'); --")
    out = tmp_path / "rapport d'O'Brien.xlsx"
    export_xlsx(quoted_ws, out)
    assert quoted_ws.scalar("SELECT path FROM generated") == str(out)
    assert verify_workspace(quoted_ws).ok


def test_the_cli_passes_payloads_as_data(tmp_path: Path) -> None:
    from tests.conftest import Cli

    root = tmp_path / "w'; DROP TABLE files; --"
    cli = Cli(root)
    assert cli("init").exit_code == 0
    canary = tmp_path / "canary-cli"
    r = cli("applicant", "add", "a-1", "--prefecture", "76", "--procedure", "renouvellement",
            "--name", payloads(canary)[6])  # fmt: skip
    assert r.exit_code == 0, r.output
    r = cli("applicant", "show", "a-1", "--format", "json")
    assert json.loads(r.stdout)["identity"]["full_name"] == payloads(canary)[6]
    r = cli("attempts", "' OR '1'='1")
    assert r.exit_code == 1 and r.stderr.count("Error:") == 1
    r = cli("verify")
    assert r.exit_code == 0, r.output
    assert not canary.exists()
    shutil.rmtree(root)
