"""End to end through the CLI: export bundle, aggregate, export xlsx, chart map."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from identity_data import BAPTISTIN, PROBES_A, ZEPHYRINE, add_person, add_probes

from toolkit.export.bundle import export_bundle
from toolkit.workspace import open_workspace


@pytest.fixture
def filled(cli) -> object:  # type: ignore[no-untyped-def]
    """The CLI's workspace with two applicants, their evidence and probes (then closed)."""
    with open_workspace(cli.workspace) as ws:
        add_person(ws, ZEPHYRINE)
        add_person(ws, BAPTISTIN)
        add_probes(ws, PROBES_A[0])
    return cli


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("Error:")]


def test_bundle_then_aggregate(filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bundle.zip"
    r = filled("export", "bundle", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert f"Bundle written: {out} (2 applicants" in r.stderr
    assert "New pseudonymisation key" in r.stderr
    data = filled.json("export", "bundle", "--out", str(tmp_path / "again.zip"))
    assert (tmp_path / "again.zip").read_bytes() == out.read_bytes()
    with open_workspace(filled.workspace) as ws:
        library = export_bundle(ws, tmp_path / "library.zip").to_dict()
    for key in ("path", "key_created"):
        data.pop(key), library.pop(key)
    assert data == library
    assoc = type(filled)(tmp_path / "association")
    assert assoc("init").exit_code == 0
    r = assoc("aggregate", str(out), "--format", "json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["added"]["applicants"] == 2
    assert "bundle.zip: 2 applicants" in r.stderr
    again = assoc("aggregate", str(out))
    assert again.exit_code == 0
    assert "nothing new (aggregated before)" in again.stderr


def test_aggregate_refuses_a_tampered_bundle(filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "bundle.zip"
    assert filled("export", "bundle", "--out", str(out)).exit_code == 0
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(tampered, "w") as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "tables/probes.parquet":
                data = data.replace(b"no_slot", b"NO_SLOT", 1)
            zout.writestr(name, data)
    r = filled("aggregate", str(tampered))
    assert r.exit_code == 1
    [line] = error_lines(r.stderr)
    assert "tables/probes.parquet does not match its sha256 in the manifest" in line
    assert "Traceback" not in r.output


def test_aggregate_without_bundle_is_a_usage_error(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("aggregate")
    assert r.exit_code == 2


def test_bundle_with_files_warns(filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = filled(
        "export", "bundle", "--out", str(tmp_path / "f.zip"), "--with-files", "-a", ZEPHYRINE.id
    )
    assert r.exit_code == 0, r.output
    assert "are not pseudonymised and may show names" in r.stderr


def test_xlsx_and_locked_target(filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "rapport.xlsx"
    r = filled("export", "xlsx", "--out", str(out), "--prefecture", "76", "--min-cell", "1")
    assert r.exit_code == 0, r.output
    assert f"Workbook written: {out}" in r.stderr
    (tmp_path / "~$rapport.xlsx").write_bytes(b"lock")
    r = filled("export", "xlsx", "--out", str(out))
    assert r.exit_code == 1
    assert error_lines(r.stderr) == [
        f"Error: {out}: is open in another program (Excel?); close it and run again"
    ]


def test_chart_map(filled, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "carte.svg"
    r = filled("chart", "map", "--out", str(out), "--procedure", "renouvellement")
    assert r.exit_code == 0, r.output
    assert out.read_bytes().startswith(b"<?xml")
    r = filled("chart", "map", "--out", str(out), "--procedure", "asile")
    assert r.exit_code == 1
    assert "no robot probe to map for asile" in r.stderr
