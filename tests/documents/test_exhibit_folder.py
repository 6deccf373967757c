"""Putting an exhibit folder in place: only what an earlier build made is replaced."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from toolkit.documents.exhibit_folder import FORMAT, MANIFEST, SUMS, discard, place, prepare
from toolkit.errors import InputError


def _build(ws, out: Path, files: dict[str, bytes]):  # type: ignore[no-untyped-def]
    """What build_exhibits does around the pièces: stage them with a manifest, then place."""
    folder = prepare(ws, out)
    entries = []
    for name, data in files.items():
        (folder.staging / name).write_bytes(data)
        entries.append({"path": name, "sha256": hashlib.sha256(data).hexdigest()})
    (folder.staging / MANIFEST).write_text(json.dumps({"format": FORMAT, "files": entries}))
    (folder.staging / SUMS).write_text("")
    kinds = [(name, "exhibits.piece") for name in files] + [
        (MANIFEST, "exhibits.manifest"), (SUMS, "exhibits.sums"),
    ]  # fmt: skip
    try:
        place(ws, folder, kinds, applicant_id="a-1", inputs_digest="d", detail={})
    except BaseException:
        discard(folder)
        raise
    return folder


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_a_rebuild_replaces_its_files_and_keeps_the_users(ws, tmp_path: Path) -> None:
    out = tmp_path / "pieces"
    first = _build(ws, out, {"01_A.pdf": b"a1", "02_B.pdf": b"b1"})
    assert first.kept == [] and first.removed == []
    (out / "notes.txt").write_text("mine")
    second = _build(ws, out, {"01_A.pdf": b"a2", "03_C.pdf": b"c2"})
    assert second.kept == ["notes.txt"] and second.removed == ["02_B.pdf"]
    assert sorted(_snapshot(out)) == sorted(["01_A.pdf", "03_C.pdf", MANIFEST, SUMS, "notes.txt"])
    assert (out / "01_A.pdf").read_bytes() == b"a2"
    assert not list(tmp_path.glob(".pieces.partial-*"))
    (entry,) = ws.rows("SELECT detail FROM custody WHERE action = 'exhibits.build' "
                       "ORDER BY seq DESC LIMIT 1")  # fmt: skip
    detail = json.loads(entry["detail"])
    assert detail["removed"] == ["02_B.pdf"] and detail["kept"] == ["notes.txt"]
    assert ws.scalar("SELECT count(*) FROM generated WHERE path = ?", [str(out / "03_C.pdf")]) == 1


def test_a_changed_piece_stops_the_build_before_anything_moves(ws, tmp_path: Path) -> None:
    out = tmp_path / "pieces"
    _build(ws, out, {"01_A.pdf": b"a1", "02_B.pdf": b"b1"})
    (out / "02_B.pdf").write_bytes(b"b1, annotated")
    before = _snapshot(out)
    with pytest.raises(InputError, match=r"02_B\.pdf: changed since `guichets exhibits` wrote it"):
        _build(ws, out, {"01_A.pdf": b"a2"})
    assert _snapshot(out) == before
    (out / "02_B.pdf").unlink()
    (out / "02_B.pdf").symlink_to("/etc/hostname")  # a link in place of a pièce: not ours
    with pytest.raises(InputError, match="changed since"):
        _build(ws, out, {"01_A.pdf": b"a2"})
    assert (out / "02_B.pdf").is_symlink()


def test_an_interrupted_placement_can_be_run_again(ws, tmp_path: Path) -> None:
    out = tmp_path / "pieces"
    _build(ws, out, {"01_A.pdf": b"a1", "02_B.pdf": b"b1"})
    (out / "01_A.pdf").write_bytes(b"a2")  # moved in, then the run was killed
    _build(ws, out, {"01_A.pdf": b"a2", "02_B.pdf": b"b2"})
    assert (out / "02_B.pdf").read_bytes() == b"b2"


def test_a_users_file_bearing_a_new_name_is_not_replaced(ws, tmp_path: Path) -> None:
    out = tmp_path / "pieces"
    _build(ws, out, {"01_A.pdf": b"a1"})
    (out / "02_B.pdf").write_bytes(b"the user's")
    with pytest.raises(InputError, match=r"02_B\.pdf: exists and was not made by"):
        _build(ws, out, {"01_A.pdf": b"a1", "02_B.pdf": b"b1"})
    assert (out / "02_B.pdf").read_bytes() == b"the user's"


def test_folders_that_are_not_ours(ws, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "thesis.odt").write_text("x")
    with pytest.raises(InputError, match="not made by `guichets exhibits`"):
        prepare(ws, busy)
    link = tmp_path / "link"
    link.symlink_to(busy, target_is_directory=True)
    with pytest.raises(InputError, match="is a symbolic link"):
        prepare(ws, link)
    with pytest.raises(InputError, match="inside the workspace's vault/"):
        prepare(ws, ws.vault.root / "pieces")


def test_a_killed_builds_staging_is_swept(ws, tmp_path: Path) -> None:
    stale = tmp_path / ".pieces.partial-999999999"  # no such process
    stale.mkdir()
    (stale / "01_A.pdf").write_bytes(b"half")
    _build(ws, tmp_path / "pieces", {"01_A.pdf": b"a1"})
    assert not stale.exists()
