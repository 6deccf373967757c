"""Generated files: written through a temporary file and a rename, checked, recorded once."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest

from toolkit.errors import DiskFull, InputError
from toolkit.outputs import OutputSet, check_target, write_output


def test_write_output_writes_and_records_once(ws, tmp_path: Path) -> None:
    target = tmp_path / "out" / "chart.png"
    o = write_output(ws, target, b"png bytes", kind="chart.test", action="chart.test",
                     inputs_digest="d" * 64, detail={"x": 1})  # fmt: skip
    assert target.read_bytes() == b"png bytes" and o.size == 9
    assert oct(target.stat().st_mode & 0o777) == oct(0o666 & ~_umask())
    rows = ws.rows("SELECT path, sha256, kind, inputs_digest FROM generated")
    assert rows == [{"path": str(target), "sha256": o.sha256, "kind": "chart.test",
                     "inputs_digest": "d" * 64}]  # fmt: skip
    detail = json.loads(ws.scalar("SELECT detail FROM custody WHERE action = 'chart.test'"))
    assert detail["files"] == [o.to_dict()] and detail["x"] == 1
    assert [p.name for p in target.parent.iterdir()] == ["chart.png"]  # no temporary left


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_a_symlink_target_is_refused_and_what_it_points_to_untouched(ws, tmp_path: Path) -> None:
    link = tmp_path / "x.png"
    link.symlink_to(ws.db_path)
    before = ws.db_path.read_bytes()
    with pytest.raises(InputError, match=r"x\.png: is a symbolic link \(to .*guichets\.duckdb\)"):
        write_output(ws, link, b"boom", kind="k", action="a")
    assert link.is_symlink() and ws.db_path.read_bytes() == before
    assert ws.scalar("SELECT count(*) FROM generated") == 0


@pytest.mark.parametrize(
    "where",
    [
        "vault/x.png",
        "vault/ab/x.png",
        "tmp/x.png",
        "guichets.duckdb",
        "secret.key",
        "guichets.duckdb.wal",
    ],
)
def test_workspace_insides_are_refused(ws, where: str) -> None:
    with pytest.raises(InputError, match="workspace's"):
        check_target(ws, ws.root / where)


def test_the_vault_through_a_linked_folder_is_refused(ws, tmp_path: Path) -> None:
    (tmp_path / "innocent").symlink_to(ws.vault.root, target_is_directory=True)
    with pytest.raises(InputError, match="inside the workspace's vault/ folder"):
        write_output(ws, tmp_path / "innocent" / "x.png", b"x", kind="k", action="a")
    assert not (ws.vault.root / "x.png").exists()


def test_folders_and_fifos_are_not_files(ws, tmp_path: Path) -> None:
    (tmp_path / "d.png").mkdir()
    os.mkfifo(tmp_path / "f.png")
    with pytest.raises(InputError, match="is a folder"):
        check_target(ws, tmp_path / "d.png")
    with pytest.raises(InputError, match="not a regular file"):
        check_target(ws, tmp_path / "f.png")


def test_a_failed_write_keeps_the_old_file_and_records_nothing(ws, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    tmp_path = tmp_path / "o"
    tmp_path.mkdir()
    target = tmp_path / "r.xlsx"
    target.write_bytes(b"previous")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DiskFull, match=r"r\.xlsx: disque plein"):
        write_output(ws, target, b"new", kind="k", action="a")
    assert target.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]
    assert ws.scalar("SELECT count(*) FROM generated") == 0


def test_an_interrupted_set_places_and_records_nothing(ws, tmp_path: Path) -> None:
    tmp_path = tmp_path / "o"
    with pytest.raises(KeyboardInterrupt), OutputSet(ws, "letter.build") as out:
        out.write(tmp_path / "a.docx", b"a", kind="letter")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []
    assert ws.scalar("SELECT count(*) FROM generated") == 0
    assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'letter.build'") == 0


def test_a_set_is_recorded_in_one_custody_entry(ws, tmp_path: Path) -> None:
    tmp_path = tmp_path / "o"
    tmp_path.mkdir()
    earlier = tmp_path / "old.pdf"
    earlier.write_bytes(b"old")
    with OutputSet(ws, "exhibits.build", applicant_id="a-1") as out:
        out.write(tmp_path / "1.pdf", b"one", kind="piece")
        out.write(tmp_path / "2.pdf", b"two", kind="piece")
        out.retire(earlier)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["1.pdf", "2.pdf"]
    assert ws.scalar("SELECT count(*) FROM generated WHERE applicant_id = 'a-1'") == 2
    (entry,) = ws.rows("SELECT detail FROM custody WHERE action = 'exhibits.build'")
    detail = json.loads(entry["detail"])
    assert [f["path"] for f in detail["files"]] == [
        str(tmp_path / "1.pdf"),
        str(tmp_path / "2.pdf"),
    ]
    assert detail["applicant"] == "a-1"


def test_read_only_workspace_writes_but_records_nothing(tmp_path: Path) -> None:
    from toolkit.workspace import init_workspace, open_workspace

    init_workspace(tmp_path / "w").close()
    with open_workspace(tmp_path / "w", read_only=True) as ro:
        write_output(ro, tmp_path / "c.svg", b"<svg/>", kind="k", action="a")
        assert ro.scalar("SELECT count(*) FROM generated") == 0
    assert (tmp_path / "c.svg").read_bytes() == b"<svg/>"


def test_leftovers_of_a_killed_writer_are_swept_beside_the_target(ws, tmp_path: Path) -> None:
    tmp_path = tmp_path / "o"
    tmp_path.mkdir()
    dead = tmp_path / ".c.png.999999999.abcd1234.guichets-tmp"  # no such process
    dead.write_bytes(b"half")
    write_output(ws, tmp_path / "c.png", b"png", kind="k", action="a")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.png"]
