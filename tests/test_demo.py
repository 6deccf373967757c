"""`guichets demo` on the bundled sample: every step runs and the results hold real values."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from toolkit.workspace import open_workspace

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def demo(demo_run):
    return demo_run, demo_run.data["steps"]


def test_every_step_ran(demo) -> None:
    result, steps = demo
    assert steps == [
        "applicant",
        "screenshots",
        "captures",
        "crawl",
        "indicators prefecture",
        "documents",
        "indicators",
        "check",
        "attempts",
        "exhibits",
        "letters",
        "bundle",
        "xlsx",
        "map",
        "verify",
    ]
    for path in result.outputs.values():
        assert Path(path).exists(), path


def test_attempt_log_of_the_sample(demo) -> None:
    result, _ = demo
    rows = json.loads((result.out / "attempts.json").read_text(encoding="utf-8"))
    assert len(rows) == 49
    assert Counter(r["channel"] for r in rows) == {"online": 46, "email": 3}
    sources = Counter(r["time_source"] for r in rows)
    # what a device wrote outranks the log: the journal dates only the phone shot whose page
    # shows the day (« Demande de rendez-vous du 07/03/2025 ») and no clock; the desktop shots
    # the journal dates show their taskbar clock, which agrees with it and dates them
    assert sources == {
        "filename": 34, "email_header": 4, "ocr": 3, "har": 3, "png_meta": 2, "log": 1,
        "exif": 1, "pdf_meta": 1,
    }  # fmt: skip
    # every online attempt was read, none contradicts the journal, no time disagrees
    online = [r for r in rows if r["channel"] == "online"]
    assert {r["outcome_source"] for r in online} == {"read"}
    assert [r["flags"] for r in rows if r["flags"]] == []
    first, last = rows[0], rows[-1]
    # the phone's name says 07:15:12, the journal 07:15, the page 24/02/2025: they agree
    assert first["observed_at"] == "2025-02-24T07:15:12+01:00"
    assert [(t["source"], t["local_time"]) for t in first["times"][:3]] == [
        ("filename", "2025-02-24 07:15:12"), ("ocr", "2025-02-24"), ("log", "2025-02-24 07:15"),
    ]  # fmt: skip
    journal_only = next(r for r in rows if r["file"] == "IMG_4821.PNG")
    assert (journal_only["time_source"], journal_only["local_time"]) == ("log", "2025-03-07 23:37")
    assert last["observed_at"].startswith("2025-04-01T18:03")
    assert last["observed_at"].endswith("+02:00")  # after the DST change
    by_file = {r["file"]: r for r in rows}
    assert by_file["Screenshot_20250310-140048.png"]["outcome"] == "captcha"
    assert by_file["Capture d'écran 2025-03-13 140309.png"]["outcome"] == "error"
    assert by_file["IMG_5133.JPG"]["time_source"] == "exif"


def test_check_of_the_sample_applicant(demo) -> None:
    result, _ = demo
    check = result.data["check"]
    assert check["verdict"] in {"ready", "weak"}
    levels = {f["rule"]: f["level"] for f in check["findings"]}
    assert levels["iso_weeks"] == levels["span"] == levels["written_request"] == "ok"
    ind = result.data["indicators"]
    assert (ind["distinct_days"], ind["distinct_iso_weeks"], ind["span_days"]) == (26, 6, 36)
    assert ind["days_to_expiry"] == 11  # as of 4 April 2025


def test_robot_crawl_of_the_sample(demo) -> None:
    result, _ = demo
    rows = {(r["prefecture"], r["procedure"]): r for r in result.data["prefectures"]}
    assert sum(r["probes"] for r in rows.values()) == 17464
    seine = rows[("76", "renouvellement")]
    assert seine["probes"] == 2183
    assert 0.9 < seine["no_slot_rate"] < 1.0
    assert result.data["indicators"]["corroboration"]["covered"] == 46


def test_exhibits_letters_and_shared_outputs(demo) -> None:
    result, _ = demo
    names = sorted(p.name for p in Path(result.outputs["exhibits"]).iterdir())
    assert names[0] == "01_Titre_de_sejour_2024-04-16.pdf"
    assert "Inventaire_des_pieces.pdf" in names and "manifest.json" in names
    for kind in ("ddd", "prefecture", "requete"):
        assert Path(result.outputs[f"letter {kind}"]).stat().st_size > 5000
    bundle = Path(result.outputs["bundle"]).read_bytes()
    assert b"Exemple" not in bundle and b"nadia" not in bundle.lower()


def test_vault_holds_every_original(demo) -> None:
    result, _ = demo
    with open_workspace(result.workspace, read_only=True) as ws:
        assert ws.scalar("SELECT count(*) FROM files") == 53
        assert ws.scalar("SELECT count(*) FROM custody WHERE action LIKE 'ingest.%'") >= 4
