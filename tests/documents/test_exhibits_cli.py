"""`guichets exhibits` and `guichets letter` end to end, through the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from exhibit_data import APPLICANT
from typer.testing import CliRunner

from toolkit.documents.docx import docx_text


@pytest.fixture(scope="module")
def app() -> Any:
    from toolkit.cli.app import app

    return app


@pytest.fixture
def run(app: Any, evidence_root: Path, tmp_path: Path) -> Any:
    workspace = tmp_path / "ws"
    shutil.copytree(evidence_root, workspace)

    def invoke(*args: str) -> Any:
        from toolkit.cli.state import settings

        settings.quiet = settings.debug = False
        return CliRunner().invoke(app, ["--workspace", str(workspace), *args])

    return invoke


def test_exhibits_then_verify(run: Any, tmp_path: Path, bundle: Any) -> None:
    out = tmp_path / "pieces"
    r = run("exhibits", APPLICANT, "--out", str(out), "--format", "json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.stdout)
    assert [p["file"] for p in data["pieces"]] == [p.filename for p in bundle.pieces]
    assert [f["sha256"] for f in data["files"]] == [f["sha256"] for f in bundle.files]
    r = run("verify", str(out))
    assert r.exit_code == 0, r.output


def test_exhibits_table_and_options(run: Any, tmp_path: Path) -> None:
    r = run(
        "exhibits", APPLICANT, "--out", str(tmp_path / "w"), "--group", "week", "--max-file-mb", "5"
    )
    assert r.exit_code == 0, r.output
    assert "04_Captures_ecran_2025-S09.pdf" in r.stdout
    assert "Exhibits written: 12 pièce(s)" in r.stderr
    r = run("exhibits", APPLICANT, "--out", str(tmp_path / "x"), "--group", "year")
    assert r.exit_code == 2
    r = run("exhibits", "nobody", "--out", str(tmp_path / "y"))
    assert r.exit_code == 1 and "unknown applicant 'nobody'" in r.output
    r = run("exhibits", APPLICANT, "--out", str(tmp_path / "z"), "--max-file-mb", "0.5")
    assert r.exit_code == 1 and "--max-file-mb 0.5: give at least 1" in r.output


def test_letters(run: Any, tmp_path: Path) -> None:
    for kind in ("ddd", "prefecture", "requete"):
        out = tmp_path / f"{kind}.docx"
        r = run("letter", kind, APPLICANT, "--out", str(out), "--today", "2025-04-03")
        assert r.exit_code == 0, r.output
        assert f"Letter written: {out}" in r.stderr
        text = "\n".join(docx_text(out.read_bytes()))
        assert "Inès Fictive" in text and "{{" not in text
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run(
        "letter", "ddd", APPLICANT, "--out", str(tmp_path / "t.docx"), "--templates", str(empty)
    )
    assert r.exit_code == 1 and "ddd.docx: template not found" in r.output
    r = run("letter", "plainte", APPLICANT, "--out", str(tmp_path / "p.docx"))
    assert r.exit_code == 2


def test_letter_pdf_without_libreoffice(
    run: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("toolkit.documents.letters.soffice", lambda: None)
    r = run("letter", "ddd", APPLICANT, "--out", str(tmp_path / "d.docx"), "--pdf", "--today",
            "2025-04-03")  # fmt: skip
    assert r.exit_code == 1
    assert "LibreOffice is needed to convert letters to PDF" in r.output
    assert (tmp_path / "d.docx").is_file()
