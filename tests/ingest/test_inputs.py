"""Expanding files, folders and zips; junk, zip-slip and zip bombs."""

from __future__ import annotations

from pathlib import Path

from toolkit.errors import Problem
from toolkit.ingest.inputs import expand, is_junk

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "screenshots"


def test_junk_is_skipped_silently() -> None:
    problems: list[Problem] = []
    names = [f.name for f in expand([FIX / "with-junk.zip"], problems)]
    assert names == ["Screenshot_20250314-120000.png"]
    assert problems == []


def test_zip_slip_entry_refused_other_entries_kept() -> None:
    problems: list[Problem] = []
    files = list(expand([FIX / "zip-slip.zip"], problems))
    assert [f.name for f in files] == ["Screenshot_20250312-100632.png"]
    assert len(problems) == 1
    assert problems[0].path.endswith("zip-slip.zip!../../evil.png")
    assert "outside the archive" in problems[0].message


def test_zip_bomb_entry_refused() -> None:
    problems: list[Problem] = []
    files = list(expand([FIX / "zip-bomb.zip"], problems))
    assert [f.name for f in files] == ["Screenshot_20250313-081500.png"]
    assert "zip bomb" in problems[0].message
    assert files[0].read().startswith(b"\x89PNG")


def test_folders_are_recursive_and_sorted(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.png").write_bytes(b"x")
    (tmp_path / "1.png").write_bytes(b"x")
    (tmp_path / ".hidden.png").write_bytes(b"x")
    (tmp_path / "Thumbs.db").write_bytes(b"x")
    problems: list[Problem] = []
    assert [f.name for f in expand([tmp_path], problems)] == ["1.png", "2.png"]


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    problems: list[Problem] = []
    assert list(expand([tmp_path / "nope"], problems)) == []
    assert "no such file or folder" in str(problems[0])


def test_is_junk() -> None:
    assert is_junk(".DS_Store") and is_junk("Thumbs.db") and is_junk("__MACOSX/x.png")
    assert is_junk("dir/._x.png") and not is_junk("capture.png")
