"""Aggregating bundles: idempotent, additive, all-or-nothing, and refusing bad bundles."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest
from identity_data import Lawyers

from toolkit.errors import InputError, IntegrityError
from toolkit.export.aggregate import aggregate_bundles
from toolkit.export.bundle import PROBE_ID, export_bundle
from toolkit.export.pseudonym import pseudonym, read_key_file
from toolkit.indicators.applicant import applicant_indicators
from toolkit.indicators.prefecture import prefecture_indicators
from toolkit.workspace import Workspace, init_workspace, schema_version

DATA_TABLES = ("applicants", "attempts", "documents", "probes", "files", "identities", "texts")


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    """The association's key, shared by its lawyers."""
    p = tmp_path / "association.key"
    p.write_bytes(bytes(range(32)))
    return p


@pytest.fixture
def bundle(identity_ws: Workspace, tmp_path: Path, key_file: Path) -> Path:
    out = tmp_path / "bundle.zip"
    export_bundle(identity_ws, out, key_file=key_file)
    return out


@pytest.fixture
def target(tmp_path: Path) -> Workspace:
    ws = init_workspace(tmp_path / "association")
    yield ws
    ws.close()


def counts(ws: Workspace) -> dict[str, int]:
    return {t: int(ws.scalar(f"SELECT count(*) FROM {t}")) for t in DATA_TABLES}


def rewrite(src: Path, dst: Path, change: Any) -> Path:
    """Copy a bundle, passing each (name, bytes) through ``change`` (None drops a member)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = change(name, zin.read(name))
            if data is not None:
                zout.writestr(name, data)
    return dst


def set_manifest(src: Path, dst: Path, edit: Any) -> Path:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        m = json.loads(data)
        edit(m)
        return json.dumps(m).encode()

    return rewrite(src, dst, change)


def parquet_with(tmp_path: Path, sql: str) -> bytes:
    p = tmp_path / "made.parquet"
    con = duckdb.connect()
    con.execute(f"COPY ({sql}) TO '{p}' (FORMAT parquet)")
    con.close()
    return p.read_bytes()


def _tmp(data: bytes) -> Path:
    import tempfile

    fd, name = tempfile.mkstemp(suffix=".parquet")
    with open(fd, "wb") as f:
        f.write(data)
    return Path(name)


def replace_table(src: Path, dst: Path, table: str, data: bytes) -> Path:
    """A bundle with one table replaced and its manifest re-hashed (as a forger would)."""
    digest = hashlib.sha256(data).hexdigest()
    rel = f"tables/{table}.parquet"
    con = duckdb.connect()
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{_tmp(data)}')").fetchall()[0][0]
    con.close()

    def change(name: str, content: bytes) -> bytes:
        if name == rel:
            return data
        if name == "manifest.json":
            m = json.loads(content)
            m["tables"][table]["sha256"] = digest
            m["tables"][table]["rows"] = rows
            for e in m["files"]:
                if e["path"] == rel:
                    e["sha256"], e["size"] = digest, len(data)
            return json.dumps(m).encode()
        return content

    return rewrite(src, dst, change)


# -- merging ----------------------------------------------------------------------------


def test_aggregate_adds_the_bundle_and_records_it(
    identity_ws: Workspace, bundle: Path, target: Workspace, key_file: Path
) -> None:
    report = aggregate_bundles(target, [bundle], key_file=key_file)
    source = counts(identity_ws)
    after = counts(target)
    assert after["applicants"] == source["applicants"]
    assert after["attempts"] == source["attempts"]
    assert after["documents"] == source["documents"]
    assert after["probes"] == source["probes"]
    assert after["identities"] == after["texts"] == after["files"] == 0
    [merge] = report.bundles
    assert merge.added == {
        "applicants": 2,
        "attempts": 10,
        "contacts": 2,
        "documents": 2,
        "probes": source["probes"],
    }
    custody = target.rows("SELECT detail FROM custody WHERE action = 'aggregate.bundle'")
    detail = json.loads(custody[0]["detail"])
    assert detail["sha256"] == hashlib.sha256(bundle.read_bytes()).hexdigest()
    assert detail["added"]["attempts"] == 10
    key = read_key_file(key_file)
    ids = {r[0] for r in target.sql("SELECT id FROM applicants").fetchall()}
    assert ids == {
        pseudonym(key, r[0]) for r in identity_ws.sql("SELECT id FROM applicants").fetchall()
    }
    sources = target.rows("SELECT kind, path FROM sources")
    assert sources == [{"kind": "bundle", "path": "bundle.zip"}]
    # probes keep their booking system and name the bundle as their source, by one batch
    bundle_source = target.scalar("SELECT id FROM sources")
    assert target.sql("SELECT DISTINCT system, source_id, file_sha256 FROM probes").fetchall() == [
        ("ezbooking", bundle_source, None)
    ]
    assert target.scalar("SELECT count(*) FROM probe_batches") == 1


def test_the_same_bundle_twice_adds_nothing(bundle: Path, target: Workspace) -> None:
    aggregate_bundles(target, [bundle])
    before = counts(target)
    sources = target.scalar("SELECT count(*) FROM sources")
    report = aggregate_bundles(target, [bundle])
    assert counts(target) == before
    assert target.scalar("SELECT count(*) FROM sources") == sources
    assert report.bundles[0].already
    assert sum(report.added.values()) == 0
    twice = aggregate_bundles(target, [bundle, bundle])
    assert len(twice.bundles) == 1 and "given twice" in twice.warnings[0]


def test_two_lawyers_bundles_add_up_to_one_workspace_holding_both(
    lawyers: Lawyers, tmp_path: Path, key_file: Path
) -> None:
    export_bundle(lawyers.a, tmp_path / "a.zip", key_file=key_file)
    export_bundle(lawyers.b, tmp_path / "b.zip", key_file=key_file)
    merged = init_workspace(tmp_path / "merged")
    aggregate_bundles(merged, [tmp_path / "a.zip", tmp_path / "b.zip"], key_file=key_file)
    both = lawyers.both
    for table in ("applicants", "attempts", "documents", "probes"):
        assert merged.scalar(f"SELECT count(*) FROM {table}") == both.scalar(
            f"SELECT count(*) FROM {table}"
        ), table
    # probes shared by both crawls are counted once
    ids_a = {r[0] for r in lawyers.a.sql("SELECT id FROM probes").fetchall()}
    ids_b = {r[0] for r in lawyers.b.sql("SELECT id FROM probes").fetchall()}
    assert ids_a & ids_b
    assert merged.scalar("SELECT count(*) FROM probes") == len(ids_a | ids_b)
    # one batch per bundle, none left without rows
    assert merged.sql(
        "SELECT count(*), count(*) FILTER (WHERE batch NOT IN (SELECT batch FROM probe_rows)) "
        "FROM probe_batches"
    ).fetchall() == [(2, 0)]
    # the same facts, grouped as indicators group them
    facts = (
        "SELECT prefecture, procedure, channel, outcome, system, count(*) AS n, "
        "count(DISTINCT applicant_id) AS people, count(DISTINCT local_date) AS days, "
        "count(DISTINCT iso_week) AS weeks, min(observed_at) AS first, max(observed_at) AS last "
        "FROM attempts_local GROUP BY ALL ORDER BY ALL"
    )
    assert merged.sql(facts).fetchall() == both.sql(facts).fetchall()
    probe_facts = (
        "SELECT prefecture, procedure, outcome, count(*), sum(slots), min(first_slot), "
        "max(first_slot), min(observed_at), max(observed_at) FROM probes GROUP BY ALL ORDER BY ALL"
    )
    assert merged.sql(probe_facts).fetchall() == both.sql(probe_facts).fetchall()
    # the préfecture indicators, whole period and by month, as notebooks get them
    for by in (None, "month", "day"):
        theirs = prefecture_indicators(merged, by=by)
        mine = prefecture_indicators(both, by=by)
        assert len(mine) > 0
        assert theirs.equals(mine), by
    # every applicant's indicators, through the pseudonym
    key = read_key_file(key_file)
    # a bundle keeps a URL's shape, not its numbers: the booking form that tells one service
    # from another is gone, so the robot probes an attempt is compared with may differ
    volatile = ("applicant", "weak_time_files", "declared_time_files", "as_of", "days_to_expiry",
                "corroboration")  # fmt: skip
    for p in lawyers.people_a + lawyers.people_b:
        mine = applicant_indicators(both, p.id)
        theirs = applicant_indicators(merged, pseudonym(key, p.id))
        for k in volatile:
            mine.pop(k), theirs.pop(k)
        for found in (mine["targets"], theirs["targets"]):  # file names are not exported
            for k in ("site_mismatches", "motif_mismatches"):
                found[k] = len(found[k])
        assert theirs == mine, p.id
    merged.close()


def test_different_keys_are_merged_with_a_warning(
    lawyers: Lawyers, tmp_path: Path, key_file: Path
) -> None:
    export_bundle(lawyers.a, tmp_path / "a.zip", key_file=key_file)
    export_bundle(lawyers.b, tmp_path / "b.zip")  # the lawyer's own key
    merged = init_workspace(tmp_path / "merged")
    report = aggregate_bundles(merged, [tmp_path / "a.zip", tmp_path / "b.zip"])
    assert "2 different keys" in report.warnings[0]
    merged.close()


def test_with_files_stores_the_originals_in_the_vault(
    identity_ws: Workspace, tmp_path: Path, target: Workspace
) -> None:
    export_bundle(identity_ws, tmp_path / "files.zip", with_files=True)
    aggregate_bundles(target, [tmp_path / "files.zip"])
    n = identity_ws.scalar("SELECT count(*) FROM files")
    assert target.scalar("SELECT count(*) FROM files") == n
    for (sha,) in target.sql("SELECT sha256 FROM files").fetchall():
        assert target.vault.read(sha) == identity_ws.vault.read(sha)
    assert target.scalar("SELECT count(*) FROM files WHERE original_name LIKE '%Quarbonnel%'") == 0


# -- refusals: one clear line, nothing half-merged --------------------------------------


def check_refused(target: Workspace, paths: list[Path], error: type, match: str, **kw: Any) -> None:
    before = counts(target)
    custody = target.scalar("SELECT count(*) FROM custody")
    with pytest.raises(error, match=match) as info:
        aggregate_bundles(target, paths, **kw)
    assert "\n" not in str(info.value)
    assert counts(target) == before
    assert target.scalar("SELECT count(*) FROM custody") == custody
    assert target.scalar("SELECT count(*) FROM sources") == 0


def test_tampered_bundle_hash_mismatch(bundle: Path, tmp_path: Path, target: Workspace) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name == "tables/attempts.parquet":
            return data.replace(b"no_slot", b"slots_x", 1)
        return data

    tampered = rewrite(bundle, tmp_path / "tampered-hash-mismatch.zip", change)
    check_refused(
        target,
        [tmp_path / "bundle.zip", tampered],
        IntegrityError,
        r"tables/attempts\.parquet does not match its sha256 in the manifest",
    )


def test_tampered_bundle_rehashed_is_caught_by_the_key(
    bundle: Path, tmp_path: Path, target: Workspace, key_file: Path
) -> None:
    data = parquet_with(tmp_path, "SELECT 'x' AS id, '76' AS prefecture, 'asile' AS procedure")
    forged = replace_table(bundle, tmp_path / "tampered-rehashed.zip", "applicants", data)
    check_refused(
        target, [forged], IntegrityError, "does not match its key signature", key_file=key_file
    )


def test_bundle_with_identity_columns_is_refused(
    bundle: Path, tmp_path: Path, target: Workspace
) -> None:
    data = parquet_with(
        tmp_path,
        "SELECT 'p1' AS id, '76' AS prefecture, 'asile' AS procedure, 'Jean Dupont' AS full_name, "
        "'jd@example.org' AS email",
    )
    with_identity = replace_table(bundle, tmp_path / "bundle-with-identity.zip", "applicants", data)
    check_refused(
        target,
        [bundle, with_identity],
        InputError,
        r"table applicants has identity or free-text column\(s\) full_name, email; refused",
    )


def test_bundle_with_free_text_is_refused(bundle: Path, tmp_path: Path, target: Workspace) -> None:
    data = parquet_with(
        tmp_path,
        "SELECT 'c1' AS id, 'p1' AS applicant_id, '76' AS prefecture, 'asile' AS procedure, "
        "'email' AS channel, TIMESTAMPTZ '2025-03-01 10:00:00+00' AS observed_at, "
        "'Mme Dupont a écrit' AS note",
    )
    bad = replace_table(bundle, tmp_path / "bundle-with-note.zip", "contacts", data)
    check_refused(target, [bad], InputError, r"free-text column\(s\) note")


def test_bundle_with_raw_urls_is_refused(bundle: Path, tmp_path: Path, target: Workspace) -> None:
    data = parquet_with(
        tmp_path,
        f"SELECT {PROBE_ID} AS id, * EXCLUDE (site, procedure) FROM (SELECT '76' AS prefecture, "
        "NULL AS site, NULL AS procedure, TIMESTAMPTZ '2025-03-01 10:00:00+00' AS observed_at, "
        "'no_slot' AS outcome, 'https://x.example.org/jean-dupont?mail=a@b.fr' AS url)",
    )
    bad = replace_table(bundle, tmp_path / "bundle-raw-url.zip", "probes", data)
    check_refused(target, [bad], InputError, r"URL\(s\) that are not generalised")


def test_newer_schema_bundle_is_refused(bundle: Path, tmp_path: Path, target: Workspace) -> None:
    newer = set_manifest(
        bundle,
        tmp_path / "newer-schema.zip",
        lambda m: m.update(schema_version=schema_version() + 1),
    )
    check_refused(
        target, [bundle, newer], InputError, "written by a newer guichets.*upgrade guichets"
    )


def test_bundle_with_another_key_is_refused_when_a_key_is_given(
    identity_ws: Workspace, tmp_path: Path, target: Workspace, key_file: Path
) -> None:
    own = tmp_path / "own-key.zip"
    export_bundle(identity_ws, own)
    check_refused(target, [own], InputError, "pseudonymised with another key", key_file=key_file)


@pytest.mark.parametrize(
    ("name", "content", "match"),
    [
        ("not-a-zip.zip", b"PK but not really", "not a zip file"),
        ("missing.zip", None, "no such bundle file"),
    ],
)
def test_not_a_bundle(
    tmp_path: Path, target: Workspace, name: str, content: bytes | None, match: str
) -> None:
    p = tmp_path / name
    if content is not None:
        p.write_bytes(content)
    check_refused(target, [p], InputError, match)


def test_zip_without_manifest(tmp_path: Path, target: Workspace) -> None:
    p = tmp_path / "no-manifest.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("tables/applicants.parquet", b"x")
    check_refused(target, [p], InputError, "no manifest.json inside")


def test_member_added_after_export(bundle: Path, tmp_path: Path, target: Workspace) -> None:
    def change(name: str, data: bytes) -> bytes:
        return data

    extra = rewrite(bundle, tmp_path / "extra-member.zip", change)
    with zipfile.ZipFile(extra, "a") as z:
        z.writestr("notes/client.txt", b"Jean Dupont")
    check_refused(target, [extra], IntegrityError, "notes/client.txt is not listed in the manifest")


def test_zip_slip_member_is_refused(bundle: Path, tmp_path: Path, target: Workspace) -> None:
    slip = rewrite(bundle, tmp_path / "zip-slip.zip", lambda n, d: d)
    with zipfile.ZipFile(slip, "a") as z:
        z.writestr("../../evil.txt", b"x")
    check_refused(target, [slip], IntegrityError, "unsafe member name")


def test_bundle_missing_a_table(bundle: Path, tmp_path: Path, target: Workspace) -> None:
    def change(name: str, data: bytes) -> bytes | None:
        if name == "tables/documents.parquet":
            return None
        if name == "manifest.json":
            m = json.loads(data)
            del m["tables"]["documents"]
            m["files"] = [e for e in m["files"] if e["path"] != "tables/documents.parquet"]
            return json.dumps(m).encode()
        return data

    partial = rewrite(bundle, tmp_path / "missing-table.zip", change)
    check_refused(target, [partial], IntegrityError, r"table\(s\) documents missing")


def test_rows_of_an_applicant_the_bundle_lacks(
    bundle: Path, tmp_path: Path, target: Workspace
) -> None:
    data = parquet_with(
        tmp_path,
        "SELECT repeat('a', 20) AS id, repeat('b', 16) AS applicant_id, '76' AS prefecture, "
        "'asile' AS procedure, 'online' AS channel, "
        "TIMESTAMPTZ '2025-03-01 10:00:00+00' AS observed_at",
    )
    orphan = replace_table(bundle, tmp_path / "orphan-attempt.zip", "attempts", data)
    check_refused(target, [orphan], IntegrityError, "1 row.* of attempts belong to no applicant")
