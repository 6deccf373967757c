"""`guichets classify`: outcomes of screenshots found again without re-ingesting them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from classify.test_ocr import NO_SLOT_HEADING, NO_SLOT_MESSAGE, needs_tesseract, render_screenshot
from PIL import Image

from toolkit.classify import ocr as ocr_mod
from toolkit.errors import MissingDependency, NotFound
from toolkit.ingest.reclassify import reclassify
from toolkit.ingest.records import store_text
from toolkit.ingest.screenshots import ingest_screenshots

NO_SLOT_TEXT = (
    "www.seine-maritime. gouv.fr/booking/create/28617/1\n"
    f"{NO_SLOT_HEADING}\n{NO_SLOT_MESSAGE}\n\n10:06\n12/03/2025"
)


def shot(path: Path, img: Image.Image | None = None) -> Path:
    (img or Image.new("RGB", (40, 30), "white")).save(path)
    os.utime(path, (1735722000, 1735722000))  # 2025-01-01: a weak time
    return path


def attempt(ws, name: str) -> dict:
    return ws.rows(
        "SELECT outcome, system, rule, extraction, confidence, url, time_source, "
        "strftime(timezone('Europe/Paris', observed_at), '%Y-%m-%d %H:%M') AS local "
        "FROM attempts WHERE original_name = ?",
        [name],
    )[0]


@pytest.fixture
def no_ocr(monkeypatch) -> None:
    monkeypatch.setattr(ocr_mod, "ocr_available", lambda: (False, "no tesseract; install it"))


def test_stored_ocr_text_is_reused_without_tesseract(
    ws, applicant: str, tmp_path: Path, no_ocr
) -> None:
    ingest_screenshots(ws, [shot(tmp_path / "rdv.png")], applicant, ocr=False)
    sha = ws.scalar("SELECT file_sha256 FROM attempts")
    with ws.transaction():
        store_text(ws, sha, 0, "ocr", NO_SLOT_TEXT)
    report = reclassify(ws, applicant)
    assert (report.examined, report.changed, report.reused_texts, report.ocr_runs) == (1, 1, 1, 0)
    assert report.by_outcome == {"no_slot": 1}
    assert report.retimed == 1
    row = attempt(ws, "rdv.png")
    assert (row["outcome"], row["system"], row["rule"], row["extraction"]) == (
        "no_slot",
        "ezbooking",
        "ezbooking.no_slot",
        "ocr",
    )
    assert row["url"] == "www.seine-maritime.gouv.fr/booking/create/28617/1"
    # the clock beats the file date
    assert (row["time_source"], row["local"]) == ("ocr", "2025-03-12 10:06")
    custody = json.loads(ws.scalar("SELECT detail FROM custody WHERE action = 'classify'"))
    assert custody["changed"] == 1 and custody["by_outcome"] == {"no_slot": 1}
    # nothing unknown is left: a second run examines nothing
    again = reclassify(ws, applicant)
    assert (again.examined, again.changed) == (0, 0)


def test_a_declared_outcome_that_the_reading_contradicts_is_a_conflict(
    ws, applicant: str, tmp_path: Path, no_ocr
) -> None:
    ingest_screenshots(ws, [shot(tmp_path / "a.png")], applicant, ocr=False, outcome="error")
    assert attempt(ws, "a.png")["outcome"] == "error"  # declared, nothing read yet
    sha = ws.scalar("SELECT file_sha256 FROM attempts")
    with ws.transaction():
        store_text(ws, sha, 0, "ocr", NO_SLOT_TEXT)
    report = reclassify(ws, applicant)
    assert (report.examined, report.changed) == (1, 1)
    assert report.changes[0]["flags"] == ["outcome_conflict"]
    assert "1 in conflict with the declared outcome (guichets review)" in report.summary()
    row = ws.rows(
        "SELECT outcome, outcome_source, read_outcome, declared_outcome, flags FROM attempts"
    )[0]
    assert row == {
        "outcome": "unknown",
        "outcome_source": None,
        "read_outcome": "no_slot",
        "declared_outcome": "error",
        "flags": ["outcome_conflict"],
    }
    # a person's review stays whatever a later reading says
    with ws.transaction():
        ws.sql("UPDATE attempts SET outcome = 'error', outcome_source = 'reviewed', flags = []")
    again = reclassify(ws, applicant, all_attempts=True)
    assert again.changed == 0
    assert attempt(ws, "a.png")["outcome"] == "error"


def test_all_reclassifies_ocr_outcomes_with_the_current_table(
    ws, applicant: str, tmp_path: Path, no_ocr
) -> None:
    ingest_screenshots(ws, [shot(tmp_path / "b.png")], applicant, ocr=False)
    sha = ws.scalar("SELECT file_sha256 FROM attempts")
    with ws.transaction():
        store_text(ws, sha, 0, "ocr", NO_SLOT_TEXT)
        # an earlier, wrong reading
        ws.sql(
            "UPDATE attempts SET outcome = 'captcha', read_outcome = 'captcha', rule = 'old', "
            "outcome_source = 'read', extraction = 'ocr'"
        )
    assert reclassify(ws, applicant).examined == 0  # not unknown: left alone by default
    report = reclassify(ws, applicant, all_attempts=True)
    assert report.changed == 1
    assert report.changes[0]["previous"] == "captcha"
    assert report.changes[0]["outcome"] == "no_slot"
    assert attempt(ws, "b.png")["rule"] == "ezbooking.no_slot"


def test_ocr_needed_but_unavailable(ws, applicant: str, tmp_path: Path, no_ocr) -> None:
    ingest_screenshots(ws, [shot(tmp_path / "c.png")], applicant, ocr=False)
    with pytest.raises(MissingDependency, match=r"1 screenshot.*OCR is unavailable: no tesseract"):
        reclassify(ws, applicant)
    assert attempt(ws, "c.png")["outcome"] == "unknown"


def test_missing_original_is_reported(cli, cli_applicant: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ocr_mod, "ocr_available", lambda: (True, "tesseract 5 (fake)"))
    r = cli("ingest", "screenshots", str(shot(tmp_path / "d.png")), "-a", cli_applicant, "--no-ocr")
    assert r.exit_code == 0, r.output
    sha = cli.json("attempts", cli_applicant)[0]["sha256"]
    original = cli.workspace / "vault" / sha[:2] / sha
    original.chmod(0o600)
    original.unlink()
    r = cli("classify", cli_applicant)
    assert r.exit_code == 1, r.output
    assert (
        f"Error: d.png ({sha}): original {sha} is missing from the vault; run `guichets verify` "
        "and restore the vault from a backup"
    ) in r.stderr
    assert "classify c-76: 0 of 1 attempt(s) changed; 1 not readable" in r.stderr


def test_unknown_applicant(ws) -> None:
    with pytest.raises(NotFound):
        reclassify(ws, "ghost")


@needs_tesseract
def test_cli_classify_end_to_end(cli, cli_applicant: str, tmp_path: Path) -> None:
    shot(tmp_path / "rdv prefecture.png", render_screenshot("no_slot"))
    shot(tmp_path / "Screenshot_20250313-140309.png", render_screenshot("captcha", clock=None))
    r = cli("ingest", "screenshots", str(tmp_path), "--applicant", cli_applicant, "--no-ocr")
    assert r.exit_code == 0, r.output
    before = cli.json("attempts", cli_applicant)
    assert {a["outcome"] for a in before} == {"unknown"}

    r = cli("classify", cli_applicant, "--format", "json")
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout)
    assert (result["examined"], result["changed"], result["ocr_runs"]) == (2, 2, 2)
    assert result["by_outcome"] == {"no_slot": 1, "captcha": 1}
    assert "classify c-76: 2 of 2 attempt(s) changed; 1 no_slot, 1 captcha" in r.stderr

    after = {a["file"]: a for a in cli.json("attempts", cli_applicant)}
    no_slot = after["rdv prefecture.png"]
    assert (no_slot["outcome"], no_slot["rule"], no_slot["system"]) == (
        "no_slot",
        "ezbooking.no_slot",
        "ezbooking",
    )
    assert (no_slot["time_source"], no_slot["local_time"]) == ("ocr", "2025-03-12 10:06")
    captcha = after["Screenshot_20250313-140309.png"]
    assert (captcha["outcome"], captcha["rule"]) == ("captcha", "captcha.invalid")
    assert captcha["time_source"] == "filename"

    # stored OCR text: a second pass with --all reads nothing again and changes nothing
    r = cli("classify", cli_applicant, "--all")
    assert r.exit_code == 0, r.output
    assert "classify c-76: 0 of 2 attempt(s) changed" in r.stderr
