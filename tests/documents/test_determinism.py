"""Same inputs, same bytes: a filed bundle can be checked years later with `guichets verify`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from exhibit_data import APPLICANT, populate
from typer.testing import CliRunner

from toolkit.documents import build_exhibits
from toolkit.workspace import init_workspace, open_workspace


def hashes(folder: Path) -> dict[str, str]:
    from toolkit.vault import sha256_file

    return {p.name: sha256_file(p) for p in sorted(folder.iterdir())}


def test_two_runs_give_the_same_bytes(bundle: Any, evidence_root: Path, tmp_path: Path) -> None:
    with open_workspace(evidence_root) as ws:
        build_exhibits(ws, APPLICANT, tmp_path / "again")
    assert hashes(tmp_path / "again") == hashes(bundle.out)


def test_a_fresh_workspace_with_the_same_evidence_gives_the_same_bytes(
    bundle: Any, tmp_path: Path
) -> None:
    # new source ids, new ingest times, another folder: none of it reaches the bundle
    with init_workspace(tmp_path / "other-ws") as ws:
        populate(ws)
        build_exhibits(ws, APPLICANT, tmp_path / "other")
    assert hashes(tmp_path / "other") == hashes(bundle.out)


def test_pdf_metadata_is_pinned(bundle: Any) -> None:
    from pypdf import PdfReader

    with open(bundle.out / "04_Captures_ecran_2025-02.pdf", "rb") as f:
        reader = PdfReader(f)
        meta = reader.metadata
        assert meta is not None
        assert meta["/Producer"].startswith("guichets ")
        assert meta["/CreationDate"] == "D:20250326075502+00'00'"  # the last evidence, not now
        assert reader.trailer["/ID"][0] == reader.trailer["/ID"][1]


def test_docx_is_pinned(bundle: Any) -> None:
    import zipfile

    from docx import Document

    doc = Document(str(bundle.out / "Inventaire_des_pieces.docx"))
    assert doc.core_properties.author == "guichets"
    assert doc.core_properties.created.isoformat().startswith("2025-03-26")
    with zipfile.ZipFile(bundle.out / "Inventaire_des_pieces.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def _verify(folder: Path, tmp_path: Path) -> Any:
    from toolkit.cli.app import app
    from toolkit.cli.state import settings

    settings.quiet = settings.debug = False
    return CliRunner().invoke(app, ["--workspace", str(tmp_path / "none"), "verify", str(folder)])


@pytest.fixture
def copy(bundle: Any, tmp_path: Path) -> Path:
    target = tmp_path / "filed"
    shutil.copytree(bundle.out, target)
    return target


def test_verify_accepts_an_intact_bundle(copy: Path, tmp_path: Path) -> None:
    r = _verify(copy, tmp_path)
    assert r.exit_code == 0, r.output
    assert "OK: 13 file(s) checked, 0 missing, 0 altered" in r.output


def test_verify_names_a_changed_byte(copy: Path, tmp_path: Path) -> None:
    target = copy / "05_Captures_ecran_2025-03.pdf"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    r = _verify(copy, tmp_path)
    assert r.exit_code == 1
    assert "altered 05_Captures_ecran_2025-03.pdf (its sha256 no longer matches)" in r.output
    assert "FAILED" in r.output


def test_verify_names_a_missing_file_and_an_edited_manifest(copy: Path, tmp_path: Path) -> None:
    (copy / "Inventaire_des_pieces.pdf").unlink()
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["pieces"][0]["label"] = "autre chose"
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    r = _verify(copy, tmp_path)
    assert r.exit_code == 1
    assert "missing Inventaire_des_pieces.pdf" in r.output
    assert "altered manifest.json" in r.output
