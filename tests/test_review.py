"""`guichets review`: what needs a person, and a person's decision with its trail."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path

import pytest
from PIL import Image

from toolkit.classify import ocr as ocr_mod
from toolkit.classify.ocr import OcrResult
from toolkit.errors import InputError, NotFound
from toolkit.indicators.applicant import applicant_indicators
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.model import Classification
from toolkit.review import review_attempt, review_items

SLOTS = Classification(
    system="rdv-prefecture", outcome="slots_available", rule="rdvpref.slot_times",
    url="rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/3456/creneau/",
    confidence=0.7,
)  # fmt: skip
CLOCK = datetime(2025, 3, 12, 10, 6)


@pytest.fixture
def reads_slots(monkeypatch) -> None:
    """OCR that reads a list of slots and a taskbar clock at 10:06 on every image."""

    def read(img: Image.Image, *, clock: bool = True) -> OcrResult:
        return OcrResult(text="Choisissez votre créneau 09h00 09h15 09h30", classification=SLOTS,
                         clock=CLOCK)  # fmt: skip

    monkeypatch.setattr(ocr_mod, "ocr_available", lambda: (True, "tesseract 5 (fake)"))
    monkeypatch.setattr(ocr_mod, "read_screenshot", read)


def shots(folder: Path) -> Path:
    folder.mkdir()
    # a file name two hours from the clock the image shows
    Image.new("RGB", (40, 30), "white").save(folder / "Screenshot_20250312-120632.png")
    Image.new("RGB", (41, 30), "white").save(folder / "Screenshot_20250312-100655.png")
    for p in folder.iterdir():
        os.utime(p, (1741800000, 1741800000))
    return folder


def test_conflicts_are_listed_then_settled_by_a_person(
    ws, applicant: str, tmp_path: Path, reads_slots
) -> None:
    report = ingest_screenshots(ws, [shots(tmp_path / "s")], applicant, outcome="no_slot")
    assert report.details["to_review"] == 2
    items = {i["file"]: i for i in review_items(ws, applicant)}
    far = items["Screenshot_20250312-120632.png"]
    assert far["flags"] == ["outcome_conflict", "time_conflict"]
    assert far["reasons"] == [
        "the page read slots_available (rdvpref.slot_times) but no_slot was declared",
        "its times disagree: 2025-03-12 10:06 (ocr) ; 2025-03-12 12:06:32 (filename) ; "
        "2025-03-12 18:20:00 (mtime)",
    ]
    near = items["Screenshot_20250312-100655.png"]
    assert near["flags"] == ["outcome_conflict"]
    assert near["outcome"] == "unknown"  # until a person decides
    assert applicant_indicators(ws, applicant)["by_outcome"]["unknown"] == 2

    # the person looked: the page does show slots, and the clock says 10:06
    done = review_attempt(ws, applicant, far["id"][:8], outcome="slots_available",
                          time="2025-03-12 10:06", note="liste de créneaux visible")  # fmt: skip
    assert done["changes"]["outcome"] == {
        "previous": "unknown", "previous_source": None, "read": "slots_available",
        "declared": "no_slot", "new": "slots_available",
    }  # fmt: skip
    assert done["changes"]["time"]["new"] == "2025-03-12T10:06:00+01:00"
    assert done["flags"] == []
    row = ws.rows(
        "SELECT outcome, outcome_source, read_outcome, declared_outcome, flags, time_source, "
        "time_precision FROM attempts WHERE id = ?",
        [far["id"]],
    )[0]
    assert row == {
        "outcome": "slots_available", "outcome_source": "reviewed", "read_outcome": "slots_available",
        "declared_outcome": "no_slot", "flags": [], "time_source": "reviewed",
        "time_precision": "minute",
    }  # fmt: skip
    # every machine reading is kept beside the person's
    kept = ws.rows(
        "SELECT source, chosen FROM attempt_times WHERE attempt_id = ? ORDER BY seq", [far["id"]]
    )
    assert [(k["source"], k["chosen"]) for k in kept] == [
        ("reviewed", True), ("ocr", False), ("filename", False), ("mtime", False),
    ]  # fmt: skip
    trail = json.loads(ws.scalar("SELECT detail FROM custody WHERE action = 'review'"))
    assert trail["attempt"] == far["id"] and trail["note"] == "liste de créneaux visible"
    assert trail["reviewer"] == ws.scalar("SELECT actor FROM custody WHERE action = 'review'")
    assert trail["flags"] == {"previous": ["outcome_conflict", "time_conflict"], "new": []}
    assert [i["file"] for i in review_items(ws, applicant)] == ["Screenshot_20250312-100655.png"]


def test_unknown_attempt_names_the_ones_that_exist(ws, applicant: str, tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no attempt 'abc' for a-76; it has no attempt yet"):
        review_attempt(ws, applicant, "abc", outcome="no_slot")
    ingest_screenshots(ws, [shots(tmp_path / "s")], applicant, ocr=False)
    ids = [r[0] for r in ws.sql("SELECT id FROM attempts ORDER BY observed_at, id").fetchall()]
    with pytest.raises(NotFound) as e:
        review_attempt(ws, applicant, "0000000", outcome="no_slot")
    assert str(e.value) == (
        f"no attempt '0000000' for a-76; its attempts are: {', '.join(ids)} "
        "(see `guichets review a-76`)"
    )
    with pytest.raises(InputError, match="--outcome 'maybe': use one of no_slot"):
        review_attempt(ws, applicant, ids[0], outcome="maybe")
    with pytest.raises(InputError, match="say what you saw"):
        review_attempt(ws, applicant, ids[0])
    with pytest.raises(InputError, match=r"--time '1999-01-01 10:00': out of range: before 2000"):
        review_attempt(ws, applicant, ids[0], time="1999-01-01 10:00")
    assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'review'") == 0


def test_cli_review(cli, cli_applicant: str, tmp_path: Path, reads_slots) -> None:
    r = cli("ingest", "screenshots", str(shots(tmp_path / "s")), "-a", cli_applicant,
            "--outcome", "no_slot")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "2 attempt(s) to review: guichets review c-76" in r.stderr
    listed = cli.json("review", cli_applicant)
    assert [i["flags"] for i in listed] == [
        ["outcome_conflict", "time_conflict"],  # dated 10:06 by the clock on the image
        ["outcome_conflict"],  # 10:06 on the clock, 10:06:55 in its name: the name's second
    ]
    r = cli("review", cli_applicant)
    assert r.exit_code == 0 and "2 attempt(s) of c-76 to review" in r.stderr
    target = listed[0]["id"]
    r = cli("review", cli_applicant, target, "--outcome", "slots_available", "--note", "vu")
    assert r.exit_code == 0, r.output
    assert f"Review of {target} recorded by " in r.stderr
    assert "outcome unknown -> slots_available" in r.stderr
    [row] = [a for a in cli.json("attempts", cli_applicant) if a["id"] == target]
    # the outcome is settled; its times still disagree until a person reads the clock
    assert (row["outcome"], row["outcome_source"], row["flags"]) == (
        "slots_available", "reviewed", ["time_conflict"],
    )  # fmt: skip
    r = cli("review", cli_applicant, "nope", "--outcome", "no_slot")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: no attempt 'nope' for c-76; its attempts are: ")
