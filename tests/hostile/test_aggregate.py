"""Crafted bundles: none adds facts to a real client, none carries a cell the exporter would
not write, none costs memory or disk beyond its bounds. Each is one line and merges nothing.
"""

from __future__ import annotations

import json
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import MINIMAL_PDF, ROOT, TAMPERED_BUNDLES, png, tamper_bundle, zip_of
from tests.hostile.limits import MEMORY_LIMIT_MB, run_cli
from toolkit.applicants import add_applicant
from toolkit.errors import GuichetsError, InputError, IntegrityError, LimitExceeded
from toolkit.export.aggregate import aggregate_bundles
from toolkit.export.bundle import export_bundle
from toolkit.ingest.crawl import ingest_crawl
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.workspace import Workspace, init_workspace, migrations

TABLES = ("applicants", "attempts", "documents", "probe_rows", "files", "bundle_applicants")


def counts(ws: Workspace) -> dict[str, int]:
    return {t: int(ws.scalar(f"SELECT count(*) FROM {t}")) for t in TABLES}


def _shots(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(exist_ok=True)
    out = []
    for i in range(start, start + n):
        p = folder / f"Screenshot_202503{10 + i:02d}-100000.png"
        p.write_bytes(png(4 + i, 4))
        out.append(p)
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A lawyer's workspace and its bundle (with the originals), made once."""
    root = tmp_path_factory.mktemp("aggregate-hostile")
    key = root / "association.key"
    key.write_bytes(bytes(range(32)))
    with init_workspace(root / "lawyer") as ws:
        add_applicant(ws, "dossier-1", prefecture="76", procedure="renouvellement",
                      full_name="Inès Fictive")  # fmt: skip
        ingest_screenshots(ws, _shots(root / "shots", 3), "dossier-1", ocr=False, outcome="no_slot")
        ingest_crawl(ws, [ROOT / "tests" / "fixtures" / "crawl" / "indicators-small.csv"])
        (root / "titre.pdf").write_bytes(MINIMAL_PDF)
        ingest_documents(ws, [root / "titre.pdf"], "dossier-1", kind="permit", dated="2024-02-01")
        export_bundle(ws, root / "bundle.zip", key_file=key, with_files=True)
    return {"root": root, "key": key, "bundle": root / "bundle.zip", "lawyer": root / "lawyer"}


@pytest.fixture
def target(tmp_path: Path) -> Any:
    ws = init_workspace(tmp_path / "association")
    yield ws
    ws.close()


def refused(ws: Workspace, bundle: Path, error: type, match: str, **kw: Any) -> str:
    before = counts(ws)
    custody = ws.scalar("SELECT count(*) FROM custody")
    with pytest.raises(error, match=match) as info:
        aggregate_bundles(ws, [bundle], **kw)
    assert counts(ws) == before
    assert ws.scalar("SELECT count(*) FROM custody") == custody
    message = str(info.value)
    assert message.startswith(str(bundle)) and "\n" not in message
    return message


def _fake_client_bundle(made: dict[str, Any], tmp: Path, client: str, name: str) -> Path:
    """The lawyer's bundle rewritten to name ``client`` and to hold 8 slots_available."""
    base = made["bundle"]
    step = tamper_bundle(base, tmp / f"{name}-1.zip", "applicants",
                         f"SELECT * REPLACE ('{client}' AS id) FROM src")  # fmt: skip
    step = tamper_bundle(step, tmp / f"{name}-2.zip", "documents",
                         f"SELECT * REPLACE ('{client}' AS applicant_id) FROM src")  # fmt: skip
    return tamper_bundle(
        step, tmp / f"{name}.zip", "attempts",
        f"SELECT * EXCLUDE (i) REPLACE (md5(id || CAST(i AS VARCHAR))[:20] AS id, "
        f"'{client}' AS applicant_id, 'slots_available' AS outcome) "
        "FROM src, range(3) t(i) QUALIFY row_number() OVER (ORDER BY id, i) <= 8",
    )  # fmt: skip


def test_a_crafted_bundle_cannot_add_attempts_to_a_real_client(
    made: dict[str, Any], target: Workspace, tmp_path: Path
) -> None:
    add_applicant(
        target, "c-76", prefecture="76", procedure="renouvellement", full_name="Client Réel"
    )
    add_applicant(target, "0123456789abcdef", prefecture="76", procedure="renouvellement")
    by_name = _fake_client_bundle(made, tmp_path, "c-76", "named")
    message = refused(target, by_name, IntegrityError, "table applicants, column id")
    assert "ids of [0-9a-f]{16}" in message
    by_shape = _fake_client_bundle(made, tmp_path, "0123456789abcdef", "shaped")
    message = refused(target, by_shape, InputError, "already exist in this workspace")
    assert (
        "(0123456789abcdef…)" in message and "did not come from a bundle made with key" in message
    )
    assert target.scalar("SELECT count(*) FROM attempts") == 0


def test_bundles_of_one_key_add_up_and_another_key_cannot_join(
    made: dict[str, Any], target: Workspace, tmp_path: Path
) -> None:
    """The same lawyer's later bundle adds to the applicant the first one brought; a bundle
    made with another key naming that pseudonym is refused."""
    aggregate_bundles(target, [made["bundle"]], key_file=made["key"])
    assert target.scalar("SELECT count(*) FROM attempts") == 3 and counts(target)["files"] == 5
    with init_workspace(made["lawyer"]) as ws:  # two more attempts later
        ingest_screenshots(ws, _shots(made["root"] / "more", 2, start=5), "dossier-1", ocr=False)
        export_bundle(ws, tmp_path / "later.zip", key_file=made["key"], with_files=True)
    report = aggregate_bundles(target, [tmp_path / "later.zip"], key_file=made["key"])
    assert report.bundles[0].added["attempts"] == 2 and report.bundles[0].added["applicants"] == 0
    forged = tamper_bundle(tmp_path / "later.zip", tmp_path / "forged.zip", "applicants",
                           "SELECT * FROM src")  # fmt: skip
    manifest_edit(forged, lambda m: m.update(key_fingerprint="deadbeef"))
    refused(target, forged, InputError, "did not come from a bundle made with key deadbeef")


def manifest_edit(path: Path, edit: Any) -> None:
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    m = json.loads(members["manifest.json"])
    edit(m)
    members["manifest.json"] = json.dumps(m).encode()
    path.write_bytes(zip_of(sorted(members.items())))


@pytest.mark.parametrize(
    ("label", "table", "select"), TAMPERED_BUNDLES, ids=[t[0] for t in TAMPERED_BUNDLES]
)
def test_every_crafted_cell_is_one_line(
    made: dict[str, Any], target: Workspace, tmp_path: Path, label: str, table: str, select: str
) -> None:
    bad = tamper_bundle(made["bundle"], tmp_path / f"{label}.zip", table, select)
    message = refused(target, bad, GuichetsError, "refused")
    assert table in message or "applicant" in message, message


def test_an_original_no_row_points_at_is_refused(
    made: dict[str, Any], target: Workspace, tmp_path: Path
) -> None:
    extra = png(9, 9)
    import hashlib

    sha = hashlib.sha256(extra).hexdigest()
    path = tmp_path / "extra.zip"
    path.write_bytes(made["bundle"].read_bytes())
    with zipfile.ZipFile(path) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members[f"files/{sha}"] = extra
    path.write_bytes(zip_of(sorted(members.items())))
    manifest_edit(
        path,
        lambda m: m["files"].append({"path": f"files/{sha}", "sha256": sha, "size": len(extra)}),
    )
    message = refused(target, path, IntegrityError, f"files/{sha} is pointed at by no row")
    assert "a bundle carries only the originals of its rows" in message


def zip_with_zeros(dst: Path, members: dict[str, bytes], name: str, size: int) -> Path:
    """A zip of ``members`` and a member ``name`` of ``size`` MB-aligned zero bytes, deflated.

    The deflate stream repeats one fully flushed block of a megabyte of zeros, so making it
    costs nothing; its CRC is left wrong: the checks must refuse it from its declared size,
    before reading a byte of it.
    """
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(1 << 20)) + c.flush(zlib.Z_FULL_FLUSH)
    data = block * (size >> 20) + b"\x03\x00"  # then an empty final block
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for member, content in members.items():
            z.writestr(member, content)
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.file_size, info.compress_size, info.CRC = size, len(data), 0
        info.header_offset = z.fp.tell()  # type: ignore[union-attr]
        z.fp.write(info.FileHeader() + data)  # type: ignore[union-attr]
        z.start_dir = z.fp.tell()  # type: ignore[union-attr]
        z.filelist.append(info)
        z.NameToInfo[name] = info
    return dst


def test_a_member_of_zeros_is_refused_before_it_is_read(
    made: dict[str, Any], target: Workspace, tmp_path: Path
) -> None:
    sha = "0" * 64
    with zipfile.ZipFile(made["bundle"]) as z:
        members = {n: z.read(n) for n in z.namelist()}
    m = json.loads(members["manifest.json"])
    m["files"].append({"path": f"files/{sha}", "sha256": sha, "size": 256 << 20})
    members["manifest.json"] = json.dumps(m).encode()
    big = zip_with_zeros(tmp_path / "zeros.zip", members, f"files/{sha}", 256 << 20)
    refused(
        target, big, LimitExceeded, f"member files/{sha} expands to 256 MB, more than the 200 MB"
    )


def test_a_manifest_bomb_costs_nothing(made: dict[str, Any], tmp_path: Path) -> None:
    """A 1.5 MB manifest that expands to 1.5 GB (memory went to 3.1 GB) is refused from its
    header, in a child whose peak memory is measured."""
    path = zip_with_zeros(tmp_path / "bomb.zip", {}, "manifest.json", 1536 << 20)
    ws = tmp_path / "ws"
    init_workspace(ws).close()
    run = run_cli(ws, "aggregate", str(path), timeout=60)
    assert run.returncode == 1
    assert run.error_lines == [
        f"Error: {path}: its manifest.json expands to 1536 MB, more than the 16 MB limit; refused"
    ]
    assert run.peak_mb < MEMORY_LIMIT_MB


def test_the_backfill_of_schema_011(made: dict[str, Any], target: Workspace) -> None:
    """A workspace aggregated before schema 011: its bundle applicants are found again from
    their rows; the workspace's own client is not taken for one."""
    add_applicant(target, "c-76", prefecture="76", procedure="renouvellement", full_name="X Y")
    aggregate_bundles(target, [made["bundle"]])
    expected = target.sql("SELECT * FROM bundle_applicants").fetchall()
    assert len(expected) == 1
    target.sql("DROP TABLE bundle_applicants")
    [(_, _, sql)] = [m for m in migrations() if m[0] == 11]
    target.sql(sql)
    assert target.sql("SELECT * FROM bundle_applicants").fetchall() == expected
