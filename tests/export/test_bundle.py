"""Pseudonymised bundles: no identity in any byte, keyed pseudonyms, deterministic bytes."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import duckdb
import pytest
from identity_data import (
    BAPTISTIN,
    ZEPHYRINE,
    identity_needles,
    scan_bytes,
    scan_text,
    scan_zip,
)

from toolkit.errors import InputError, IntegrityError, NotFound
from toolkit.export.bundle import export_bundle
from toolkit.export.pseudonym import key_fingerprint, pseudonym, read_key_file
from toolkit.verify import verify_folder
from toolkit.workspace import Workspace, schema_version

NEEDLES = identity_needles([ZEPHYRINE, BAPTISTIN])


def parquet_cells(path: Path) -> list[tuple[str, str]]:
    """Every cell of every table of a bundle, as text: (table.column, value)."""
    cells = []
    con = duckdb.connect()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if not name.endswith(".parquet"):
                continue
            local = path.parent / ("cells-" + Path(name).name)
            local.write_bytes(z.read(name))
            cur = con.execute(f"SELECT * FROM read_parquet('{local}')")
            cols = [d[0] for d in cur.description]
            for row in cur.fetchall():
                for col, v in zip(cols, row, strict=True):
                    if v is not None:
                        cells.append((f"{name}.{col}", str(v)))
            local.unlink()
    con.close()
    return cells


def read_table(path: Path, table: str) -> list[dict]:
    con = duckdb.connect()
    with zipfile.ZipFile(path) as z:
        local = path.parent / f"read-{table}.parquet"
        local.write_bytes(z.read(f"tables/{table}.parquet"))
    cur = con.execute(f"SELECT * FROM read_parquet('{local}')")
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]
    con.close()
    local.unlink()
    return rows


def test_the_needles_are_really_in_the_source_workspace(identity_ws: Workspace) -> None:
    """The search would find a leak: every kind of value sits in the workspace's tables."""
    dump = " ".join(
        str(v)
        for table in ("identities", "attempts", "documents", "files", "texts", "sources")
        for row in identity_ws.sql(f"SELECT * FROM {table}").fetchall()
        for v in row
    )
    for needle in ("Quarbonnel", "Zéphyrine", "7512349876", "zq-quarbonnel-0417", "Ollivaud"):
        assert needle in dump
    shot = identity_ws.vault.read(identity_ws.scalar("SELECT min(file_sha256) FROM attempts"))
    assert scan_bytes(shot, NEEDLES)


def test_no_identity_value_in_any_byte_or_cell(identity_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    result = export_bundle(identity_ws, out)
    assert result.tables["applicants"] == 2
    assert result.tables["attempts"] == ZEPHYRINE.attempts + BAPTISTIN.attempts
    assert result.tables["contacts"] == 2
    assert result.tables["documents"] == 2
    assert result.tables["probes"] > 0
    assert scan_zip(out, NEEDLES) == {}
    cells = parquet_cells(out)
    assert len(cells) > 500
    leaks = [(where, v) for where, v in cells if scan_text(v, NEEDLES)]
    assert leaks == []


def test_what_is_kept_and_what_is_generalised(identity_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    export_bundle(identity_ws, out)
    key = read_key_file(identity_ws.root / "secret.key")
    applicants = read_table(out, "applicants")
    assert sorted(a["id"] for a in applicants) == sorted(
        pseudonym(key, p.id) for p in (ZEPHYRINE, BAPTISTIN)
    )
    assert {a["prefecture"] for a in applicants} == {"76"}
    assert {a["procedure"] for a in applicants} == {"renouvellement", "premiere-demande"}
    attempts = read_table(out, "attempts")
    z = pseudonym(key, ZEPHYRINE.id)
    mine = sorted((a for a in attempts if a["applicant_id"] == z), key=lambda a: a["observed_at"])
    assert mine[0]["url"] == "https://www.seine-maritime.gouv.fr/booking/create/{n}/{s}/{n}"
    assert mine[1]["url"] == "file:"
    assert mine[0]["time_detail"] == "log"
    assert mine[0]["rule"] == "ezbooking.no_slot"
    assert all(a["file_sha256"] is None for a in attempts)
    source_times = [
        r[0]
        for r in identity_ws.sql(
            "SELECT observed_at FROM attempts WHERE applicant_id = ? AND channel = 'online' "
            "ORDER BY observed_at",
            [ZEPHYRINE.id],
        ).fetchall()
    ]
    assert [a["observed_at"] for a in mine] == source_times  # times kept
    assert set(attempts[0]) >= {"outcome", "system", "slots", "first_slot", "channel"}
    assert not set(attempts[0]) & {"note", "subject", "original_name", "source_id"}
    contacts = read_table(out, "contacts")
    assert {c["channel"] for c in contacts} == {"email"}
    assert {c["url"] for c in contacts} == {"mailto:"}
    assert {c["direction"] for c in contacts} == {"sent"}
    documents = read_table(out, "documents")
    assert set(documents[0]) == {
        "id",
        "applicant_id",
        "kind",
        "dated",
        "file_sha256",
        "ingested_at",
    }
    probes = read_table(out, "probes")
    assert {p["url"] for p in probes} == {
        "https://www.seine-maritime.gouv.fr/booking/create/{n}/{n}"
    }
    source_probe_ids = {r[0] for r in identity_ws.sql("SELECT id FROM probes").fetchall()}
    assert {p["id"] for p in probes} == source_probe_ids


def test_manifest_lists_counts_schema_and_hashes(identity_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "bundle.zip"
    result = export_bundle(identity_ws, out)
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        manifest = json.loads(z.read("manifest.json"))
        z.extractall(tmp_path / "unzipped")
    assert names[0] == "manifest.json"
    assert names[1:] == sorted(names[1:])
    assert manifest["format"] == "guichets-bundle"
    assert manifest["schema_version"] == schema_version()
    assert manifest["key_fingerprint"] == result.key_fingerprint
    assert manifest["key_fingerprint"] == key_fingerprint(
        read_key_file(identity_ws.root / "secret.key")
    )
    assert set(manifest["tables"]) == {"applicants", "attempts", "contacts", "documents", "probes"}
    assert manifest["tables"]["applicants"]["rows"] == 2
    assert not any(n.startswith("files/") for n in names)
    # an unzipped bundle is checked like any generated folder
    check = verify_folder(tmp_path / "unzipped")
    assert check.ok and check.checked == 5
    custody = identity_ws.rows("SELECT detail FROM custody WHERE action = 'export.bundle'")
    assert json.loads(custody[0]["detail"])["files"][0]["sha256"] == result.sha256
    generated = identity_ws.rows("SELECT path, sha256, kind FROM generated")
    assert generated == [{"path": str(out), "sha256": result.sha256, "kind": "bundle"}]


def test_same_workspace_and_key_give_the_same_bytes(identity_ws: Workspace, tmp_path: Path) -> None:
    one = export_bundle(identity_ws, tmp_path / "one.zip")
    two = export_bundle(identity_ws, tmp_path / "two.zip")
    assert one.key_created and not two.key_created
    assert (tmp_path / "one.zip").read_bytes() == (tmp_path / "two.zip").read_bytes()
    assert one.sha256 == two.sha256


def test_key_is_created_once_with_mode_600(identity_ws: Workspace, tmp_path: Path) -> None:
    export_bundle(identity_ws, tmp_path / "b.zip")
    key_path = identity_ws.root / "secret.key"
    assert len(key_path.read_bytes()) == 32
    assert stat.S_IMODE(os.stat(key_path).st_mode) == 0o600


def test_a_shared_key_file_gives_the_same_pseudonyms(
    identity_ws: Workspace, tmp_path: Path
) -> None:
    key_file = tmp_path / "association.key"
    key_file.write_text("ab" * 32 + "\n")  # hex text is accepted too
    export_bundle(identity_ws, tmp_path / "own.zip")
    export_bundle(identity_ws, tmp_path / "shared.zip", key_file=key_file)
    own = {a["id"] for a in read_table(tmp_path / "own.zip", "applicants")}
    shared = {a["id"] for a in read_table(tmp_path / "shared.zip", "applicants")}
    assert own.isdisjoint(shared)
    assert shared == {pseudonym(bytes.fromhex("ab" * 32), p.id) for p in (ZEPHYRINE, BAPTISTIN)}


def test_applicant_selection(identity_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "one.zip"
    result = export_bundle(identity_ws, out, applicants=[BAPTISTIN.id])
    assert result.tables["applicants"] == 1
    assert result.tables["attempts"] == BAPTISTIN.attempts
    assert result.tables["documents"] == 1
    assert {a["applicant_id"] for a in read_table(out, "attempts")} == set(result.applicants)
    with pytest.raises(NotFound, match="unknown applicant 'nobody'"):
        export_bundle(identity_ws, tmp_path / "x.zip", applicants=["nobody"])


def test_with_files_carries_the_originals(identity_ws: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "files.zip"
    result = export_bundle(identity_ws, out, with_files=True)
    n_files = identity_ws.scalar(
        "SELECT count(DISTINCT file_sha256) FROM (SELECT file_sha256 FROM attempts UNION ALL "
        "SELECT file_sha256 FROM documents) WHERE file_sha256 IS NOT NULL"
    )
    assert result.files == n_files
    with zipfile.ZipFile(out) as z:
        shots = [n for n in z.namelist() if n.startswith("files/")]
        assert len(shots) == n_files
        for n in shots:  # the originals are not pseudonymised: they show the names
            assert z.read(n) == identity_ws.vault.read(n[len("files/") :])
    attempts = read_table(out, "attempts")
    assert all(a["file_sha256"] for a in attempts)
    files = read_table(out, "files")
    assert set(files[0]) == {"sha256", "size", "media_type"}


def test_refuses_a_target_that_is_not_a_zip(identity_ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"a bundle is a \.zip file"):
        export_bundle(identity_ws, tmp_path / "bundle.tar")
    assert not (identity_ws.root / "secret.key").exists()


def test_short_key_file_is_refused(identity_ws: Workspace, tmp_path: Path) -> None:
    k = tmp_path / "short.key"
    k.write_bytes(b"secret")
    with pytest.raises(InputError, match="too short"):
        export_bundle(identity_ws, tmp_path / "b.zip", key_file=k)
    with pytest.raises(InputError, match="key file not found"):
        export_bundle(identity_ws, tmp_path / "b.zip", key_file=tmp_path / "missing.key")
    assert not (tmp_path / "b.zip").exists()


def test_tables_hold_exactly_the_declared_columns(identity_ws: Workspace, tmp_path: Path) -> None:
    from toolkit.export.bundle import TABLES

    out = tmp_path / "b.zip"
    export_bundle(identity_ws, out, with_files=True)
    for name, (_, columns) in TABLES.items():
        rows = read_table(out, name)
        assert tuple(rows[0]) == columns, name


def test_safety_net_stops_an_export_that_would_leak(
    identity_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Were a generaliser broken, the identity check would still refuse to write."""
    import toolkit.export.bundle as bundle_module

    monkeypatch.setattr(bundle_module, "url_pattern", lambda url: url)
    out = tmp_path / "leaky.zip"
    with pytest.raises(IntegrityError, match=r"an identity value \(a name\) reached attempts\.url"):
        export_bundle(identity_ws, out)
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["ws-identity"]  # no partial file either


def test_unwritable_target_is_one_clear_line(identity_ws: Workspace, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(
        InputError, match=r"not-a-folder/b\.zip: cannot write here: .*not-a-folder is not a folder"
    ):
        export_bundle(identity_ws, blocker / "b.zip")
