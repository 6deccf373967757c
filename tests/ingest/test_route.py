"""`ingest_files` / `guichets ingest files`: each file to the reader its content calls for."""

from __future__ import annotations

import shutil
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from toolkit.errors import InputError, ProblemsFound
from toolkit.ingest.route import ingest_files, route_files
from toolkit.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "evidence" / "sample" / "screenshots"
CAPTURES = ROOT / "evidence" / "sample" / "captures"
DATELESS = ROOT / "tests" / "fixtures" / "screenshots" / "dateless"


def _mixed(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    for name in ("Screenshot_20250224-071512.png", "rdv prefecture.png", "journal-captures.csv"):
        shutil.copy(SHOTS / name, folder / name)
    # a page saved with an image's name is still a page: content decides
    shutil.copy(
        CAPTURES / "ezbooking-2025-03-20_18-42-05.html",
        folder / "ezbooking-2025-03-20_18-42-05.html",
    )
    shutil.copy(SHOTS / "Screenshot_20250303-070241.png", folder / "named-like-a-page.htm")
    return folder


def test_files_are_routed_by_content(tmp_path: Path) -> None:
    folder = _mixed(tmp_path)
    routed, logs, problems = route_files([folder])
    assert sorted(p.name for p in routed["screenshots"]) == [
        "Screenshot_20250224-071512.png", "named-like-a-page.htm", "rdv prefecture.png"
    ]  # fmt: skip
    assert [p.name for p in routed["captures"]] == ["ezbooking-2025-03-20_18-42-05.html"]
    assert [p.name for p in logs] == ["journal-captures.csv"] and problems == []


def test_one_call_records_screenshots_log_and_pages(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    result = ingest_files(ws, [_mixed(tmp_path)], applicant, ocr=False)
    assert [r.kind for r in result.reports] == ["screenshots", "captures"]
    assert [r.rows for r in result.reports] == [3, 1]
    assert result.log is not None and result.log.endswith("journal-captures.csv")
    sources = dict(ws.sql("SELECT original_name, time_source FROM attempts").fetchall())
    assert sources["rdv prefecture.png"] == "log"
    # the name the device wrote outranks the journal; the journal dates what has no name time
    assert sources["Screenshot_20250224-071512.png"] == "filename"
    assert sources["ezbooking-2025-03-20_18-42-05.html"] == "filename"


def test_a_zip_of_screenshots_and_a_mixed_zip(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    shots = tmp_path / "shots.zip"
    with zipfile.ZipFile(shots, "w") as z:
        z.write(SHOTS / "Screenshot_20250224-071512.png", "a/Screenshot_20250224-071512.png")
    mixed = tmp_path / "mixed.zip"
    with zipfile.ZipFile(mixed, "w") as z:
        z.write(SHOTS / "Screenshot_20250303-070241.png", "Screenshot_20250303-070241.png")
        z.write(CAPTURES / "ezbooking-2025-03-20_18-42-05.html", "page.html")
    result = ingest_files(ws, [shots, mixed], applicant, ocr=False)
    assert result.rows == 1
    assert [str(p) for p in result.problems] == [
        f"{mixed}: archive mixes screenshots with other files; unzip it and give its files"
    ]
    with pytest.raises(ProblemsFound):
        ingest_files(ws, [mixed], applicant, strict=True)


def test_strict_records_nothing_when_any_file_fails(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    folder = _mixed(tmp_path)
    (folder / "notes.txt").write_text("pas une capture")
    with pytest.raises(ProblemsFound):
        ingest_files(ws, [folder], applicant, ocr=False, strict=True)
    assert ws.scalar("SELECT count(*) FROM attempts") == 0
    assert ws.scalar("SELECT count(*) FROM files") == 0


def test_logs_without_screenshots_or_two_logs_are_refused(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    log = tmp_path / "journal.csv"
    shutil.copy(SHOTS / "journal-captures.csv", log)
    with pytest.raises(InputError, match="no screenshot was given with it"):
        ingest_files(ws, [log], applicant)
    other = tmp_path / "autre.csv"
    shutil.copy(log, other)
    with pytest.raises(InputError, match="several screenshot logs"):
        ingest_files(ws, [log, other, SHOTS / "rdv prefecture.png"], applicant)


def test_file_times_replace_a_lost_date_and_none_means_unknown(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    a, b = tmp_path / "IMG_0001.PNG", tmp_path / "IMG_0002.PNG"
    shutil.copy(DATELESS / "IMG_0001.PNG", a)
    shutil.copy(DATELESS / "IMG_0002.PNG", b)
    when = datetime(2025, 3, 5, 8, 30, tzinfo=UTC)
    result = ingest_files(ws, [a, b], applicant, ocr=False, file_times={a: when, b: None})
    assert result.rows == 1
    assert [str(p) for p in result.all_problems] == [
        f"{b}: no time found; add it to the --log file"
    ]
    assert ws.scalar("SELECT observed_at FROM attempts") == when


def test_cli_ingest_files(cli, cli_applicant: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    r = cli("ingest", "files", str(_mixed(tmp_path)), "--applicant", cli_applicant, "--no-ocr")
    assert r.exit_code == 0, r.output
    assert "screenshots: 3 attempt(s) recorded" in r.output
    assert "captures: 1 attempt(s) recorded" in r.output
