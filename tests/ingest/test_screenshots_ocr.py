"""Screenshot ingest with OCR: outcome, system and clock read off the image, in parallel.

Screenshots are drawn by ``render_screenshot`` from tests/classify/test_ocr.py (``tests/``
is on ``sys.path`` through the root conftest, hence ``classify.test_ocr``).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from classify.test_ocr import CLOCK, needs_tesseract, render_screenshot
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from toolkit.attempts import attempt_records
from toolkit.classify import ocr as ocr_mod
from toolkit.classify.ocr import OcrResult
from toolkit.errors import InputError, MissingDependency
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.model import Classification

FAKE_TEXT = "www.seine-maritime.gouv.fr/booking/create/28617/1\nIl n'existe plus de plage horaire"


def save(img: Image.Image, path: Path, mtime: float = 1735722000) -> Path:
    """Save without metadata; the file date is 2025-01-01 (a weak time to beat)."""
    img.save(path)
    os.utime(path, (mtime, mtime))
    return path


def rows_by_file(ws, applicant: str) -> dict[str, dict]:
    return {r["file"]: r for r in attempt_records(ws, applicant)}


@pytest.fixture
def fake_ocr(monkeypatch) -> list[str]:
    """OCR that 'reads' a no-slot page with a clock, recording the image sizes it saw."""
    seen: list[str] = []

    def read(img: Image.Image, *, clock: bool = True) -> OcrResult:
        seen.append(f"{img.width}x{img.height}" + ("" if clock else " (no clock pass)"))
        if img.width == 13:
            raise InputError("OCR failed on this image (tesseract crashed)")
        cls = Classification(
            system="ezbooking",
            outcome="no_slot",
            rule="ezbooking.no_slot",
            url="www.seine-maritime.gouv.fr/booking/create/28617/1",
            confidence=0.8,
        )
        return OcrResult(text=FAKE_TEXT, classification=cls, clock=CLOCK if clock else None)

    monkeypatch.setattr(ocr_mod, "ocr_available", lambda: (True, "tesseract 5 (fake)"))
    monkeypatch.setattr(ocr_mod, "read_screenshot", read)
    return seen


@pytest.fixture
def no_ocr(monkeypatch) -> str:
    reason = (
        "the tesseract program was not found; install it with "
        "`apt-get install tesseract-ocr tesseract-ocr-fra` and `pip install 'guichets[ocr]'`"
    )
    monkeypatch.setattr(ocr_mod, "ocr_available", lambda: (False, reason))
    return reason


# --- real OCR ---------------------------------------------------------------------------


@needs_tesseract
def test_ocr_classifies_and_dates_a_dateless_screenshot(ws, applicant: str, tmp_path: Path) -> None:
    save(render_screenshot("no_slot"), tmp_path / "rdv prefecture.png")
    # no clock on the image: the file name dates it
    save(render_screenshot("error", clock=None), tmp_path / "Screenshot_20250313-140309.png")
    report = ingest_screenshots(ws, [tmp_path], applicant, ocr=True)
    assert report.rows == 2 and not report.problems and not report.warnings
    rows = rows_by_file(ws, applicant)
    dated = rows["rdv prefecture.png"]
    assert (dated["time_source"], dated["local_time"]) == ("ocr", "2025-03-12 10:06")
    assert (dated["outcome"], dated["system"], dated["rule"]) == (
        "no_slot",
        "ezbooking",
        "ezbooking.no_slot",
    )
    assert dated["url"] == "www.seine-maritime.gouv.fr/booking/create/28617/1"
    named = rows["Screenshot_20250313-140309.png"]
    assert (named["time_source"], named["local_time"]) == ("filename", "2025-03-13 14:03:09")
    assert (named["outcome"], named["rule"]) == ("error", "service.overloaded")
    detail = ws.rows(
        "SELECT extraction, confidence, time_detail FROM attempts WHERE original_name = ?",
        ["rdv prefecture.png"],
    )[0]
    assert detail["extraction"] == "ocr" and detail["time_detail"] == "ocr:clock"
    assert 0.5 < detail["confidence"] <= 1
    texts = ws.rows("SELECT file_sha256, method, text FROM texts ORDER BY text")
    assert [t["method"] for t in texts] == ["ocr", "ocr"]
    assert any("plage horaire libre" in t["text"] for t in texts)
    assert {t["file_sha256"] for t in texts} == {r["sha256"] for r in rows.values()}
    source = ws.scalar("SELECT options FROM sources WHERE id = ?", [report.source_id])
    assert '"ocr": true' in source


# --- OCR options and failures (OCR faked) -------------------------------------------------


def test_outcome_option_never_overrides_a_reading(
    ws, applicant: str, tmp_path: Path, fake_ocr
) -> None:
    capture = save(Image.new("RGB", (40, 30), "white"), tmp_path / "capture.png")
    agree = save(Image.new("RGB", (42, 30), "white"), tmp_path / "agree.png")
    report = ingest_screenshots(ws, [capture], applicant, ocr=None, outcome="error")
    ingest_screenshots(ws, [agree], applicant, ocr=None, outcome="no_slot")
    rows = {
        r["original_name"]: r
        for r in ws.rows(
            "SELECT original_name, outcome, outcome_source, read_outcome, declared_outcome, "
            "flags, extraction, system, url, time_source FROM attempts"
        )
    }
    row = rows["capture.png"]
    # OCR read the no-slot page, the option says error: unknown until a person decides
    assert (row["outcome"], row["outcome_source"], row["flags"]) == (
        "unknown",
        None,
        ["outcome_conflict"],
    )
    assert (row["read_outcome"], row["declared_outcome"]) == ("no_slot", "error")
    # what OCR adds (system, URL, clock) fills the gaps
    assert row["system"] == "ezbooking" and row["url"].endswith("/booking/create/28617/1")
    assert row["time_source"] == "ocr"
    assert any(
        "capture.png: the page reads no_slot (ezbooking.no_slot) but --outcome says error" in w
        for w in report.warnings
    )
    assert report.details["to_review"] == 1
    # a declaration that agrees changes nothing: the reading decides
    same = rows["agree.png"]
    assert (same["outcome"], same["outcome_source"], same["flags"]) == ("no_slot", "read", [])
    assert same["extraction"] == "ocr"


def test_failed_ocr_is_a_warning_not_a_rejection(
    ws, applicant: str, tmp_path: Path, fake_ocr
) -> None:
    save(Image.new("RGB", (13, 13), "white"), tmp_path / "Screenshot_20250312-100632.png")
    report = ingest_screenshots(ws, [tmp_path], applicant, ocr=True)
    assert report.rows == 1 and not report.problems
    assert report.warnings == [
        f"{tmp_path / 'Screenshot_20250312-100632.png'}: OCR failed on this image "
        "(tesseract crashed); recorded without OCR"
    ]
    assert ws.scalar("SELECT outcome FROM attempts") == "unknown"
    assert ws.scalar("SELECT count(*) FROM texts") == 0


def test_the_clock_on_the_image_is_read_and_compared(
    ws, applicant: str, tmp_path: Path, fake_ocr
) -> None:
    info = PngInfo()
    info.add_text("Creation Time", "2025-03-18T08:15:30+01:00")
    Image.new("RGB", (40, 30), "white").save(tmp_path / "meta.png", pnginfo=info)
    save(Image.new("RGB", (41, 30), "white"), tmp_path / "Screenshot_20250312-100632.png")
    report = ingest_screenshots(ws, [tmp_path], applicant, ocr=True)
    assert sorted(fake_ocr) == ["40x30", "41x30"]  # every clock is read: the image outranks
    rows = rows_by_file(ws, applicant)
    # the image shows 12 March at 10:06, its metadata says 18 March: flagged, the image wins
    meta = rows["meta.png"]
    assert (meta["time_source"], meta["local_time"], meta["flags"]) == (
        "ocr",
        "2025-03-12 10:06",
        ["time_conflict"],
    )
    assert [t["source"] for t in meta["times"]] == ["ocr", "png_meta", "mtime"]
    # the clock (10:06) and the name (10:06:32) agree: the name gives the second
    named = rows["Screenshot_20250312-100632.png"]
    assert (named["time_source"], named["local_time"], named["flags"]) == (
        "filename",
        "2025-03-12 10:06:32",
        [],
    )
    assert report.details["to_review"] == 1


def test_reingest_does_not_read_again(ws, applicant: str, tmp_path: Path, fake_ocr) -> None:
    for i in range(3):
        save(Image.new("RGB", (40 + i, 30), "white"), tmp_path / f"s{i}.png")
    first = ingest_screenshots(ws, [tmp_path], applicant, ocr=True)
    assert first.rows == 3 and len(fake_ocr) == 3
    second = ingest_screenshots(ws, [tmp_path], applicant, ocr=True)
    assert second.rows == 0 and len(second.duplicates) == 3
    assert len(fake_ocr) == 3  # already recorded: not OCR'd again


def test_parallel_ingest_keeps_input_order_and_problems(ws, applicant: str, tmp_path: Path) -> None:
    names = []
    for i in range(12):
        name = f"Screenshot_202503{10 + i:02d}-100632.png"
        Image.new("RGB", (30 + i, 20), "white").save(tmp_path / name)
        names.append(name)
    (tmp_path / "Screenshot_20250330-100632.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    calls: list[tuple[int, int, str]] = []
    report = ingest_screenshots(
        ws, [tmp_path], applicant, ocr=False, progress=lambda *a: calls.append(a)
    )
    assert report.recorded == [str(tmp_path / n) for n in names]
    assert [p.path for p in report.problems] == [str(tmp_path / "Screenshot_20250330-100632.png")]
    assert calls[-1] == (13, 13, "")
    assert [c[0] for c in calls] == list(range(14))


# --- OCR unavailable --------------------------------------------------------------------------


def test_auto_ocr_unavailable_is_a_notice(ws, applicant: str, tmp_path: Path, no_ocr) -> None:
    save(Image.new("RGB", (40, 30), "white"), tmp_path / "Screenshot_20250312-100632.png")
    report = ingest_screenshots(ws, [tmp_path], applicant, ocr=None)
    assert report.rows == 1
    assert report.notices == [
        f"OCR skipped: {no_ocr}; nothing was read on the images, so outcomes stay unknown "
        "(run `guichets classify` once OCR is installed)"
    ]


def test_explicit_ocr_unavailable_says_how_to_install(
    ws, applicant: str, tmp_path: Path, no_ocr
) -> None:
    save(Image.new("RGB", (40, 30), "white"), tmp_path / "Screenshot_20250312-100632.png")
    with pytest.raises(MissingDependency) as e:
        ingest_screenshots(ws, [tmp_path], applicant, ocr=True)
    assert str(e.value) == f"--ocr: OCR unavailable: {no_ocr}"
    assert ws.scalar("SELECT count(*) FROM attempts") == 0


def test_cli_ocr_flag_when_unavailable(cli, cli_applicant: str, tmp_path: Path, no_ocr) -> None:
    shot = save(Image.new("RGB", (40, 30), "white"), tmp_path / "Screenshot_20250312-100632.png")
    r = cli("ingest", "screenshots", str(shot), "--applicant", cli_applicant, "--ocr")
    assert r.exit_code == 1, r.output
    assert "Error: --ocr: OCR unavailable: the tesseract program was not found" in r.stderr
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in r.stderr
    assert "pip install 'guichets[ocr]'" in r.stderr
    r = cli("ingest", "screenshots", str(shot), "--applicant", cli_applicant)
    assert r.exit_code == 0, r.output
    assert "OCR skipped: the tesseract program was not found" in r.stderr
    assert datetime.fromisoformat(cli.json("attempts", cli_applicant)[0]["observed_at"])
