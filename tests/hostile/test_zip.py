"""Zip archives are read in one pass: one opening, one reading of the central directory,
whatever the number of entries (the ratio against re-opening is ``bench/bench_zip.py``)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import png
from toolkit.errors import Problem
from toolkit.ingest.inputs import expand


def _archive(path: Path, entries: int, extra: list[tuple[str, bytes]] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(entries):
            z.writestr(
                f"shots/Screenshot_20250310-10{i // 60 % 60:02d}{i % 60:02d}.png",
                png(4 + i % 7, 4 + i // 7 % 9),
            )
        for name, data in extra or []:
            z.writestr(name, data)
    return path


def test_one_opening_for_two_thousand_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _archive(tmp_path / "many.zip", 2000)
    opened: list[object] = []
    real = zipfile.ZipFile.__init__

    def spy(self: zipfile.ZipFile, *args: Any, **kw: Any) -> None:
        opened.append(args[0] if args else kw.get("file"))
        real(self, *args, **kw)

    monkeypatch.setattr(zipfile.ZipFile, "__init__", spy)
    problems: list[Problem] = []
    files = list(expand([path], problems))
    data = [f.read() for f in files]
    assert len(data) == 2000 and problems == []
    assert opened == [path]
    assert data[0].startswith(b"\x89PNG")


def test_an_archive_through_the_cli_counts_every_entry(
    cli: Any, cli_applicant: str, tmp_path: Path
) -> None:
    """Rows in = recorded + repeats + problems, for an archive mixing good entries, junk, a
    nested zip, an entry escaping the archive and an entry compressed by an unknown method."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as inner:
        inner.writestr("x.png", png())
    path = _archive(tmp_path / "mixed.zip", 40, [
        ("__MACOSX/._x.png", b"junk"), (".DS_Store", b"junk"), ("inner.zip", buf.getvalue()),
        ("../evil.png", png(3, 3)), ("notes.txt", b"not an image"),
    ])  # fmt: skip
    r = cli("ingest", "screenshots", str(path), "-a", cli_applicant, "--no-ocr")
    assert r.exit_code == 1
    rejected = [ln for ln in r.stderr.splitlines() if ln.startswith("Rejected:")]
    assert [ln.split(": ", 2)[1] for ln in rejected] == [
        f"{path}!../evil.png", f"{path}!inner.zip", f"{path}!notes.txt",
    ]  # fmt: skip
    summary = r.stderr.strip().splitlines()[-1]
    assert summary.startswith("screenshots: ") and summary.endswith(", 3 rejected")
    recorded = len(cli.json("attempts", cli_applicant))
    repeats = int(summary.split(", ")[1].split()[0]) if "already" in summary else 0
    assert recorded + repeats == 40
