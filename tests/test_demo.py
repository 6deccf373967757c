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
    # the log, metadata and capture times do not depend on OCR being installed
    assert (sources["log"], sources["png_meta"], sources["exif"]) == (16, 2, 1)
    assert (sources["har"], sources["pdf_header"], sources["email_header"]) == (3, 1, 4)
    assert sources["mtime"] == 0
    first, last = rows[0], rows[-1]
    assert first["observed_at"] == "2025-02-24T07:15:00+01:00"  # from the log (minute precision)
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


def test_lisezmoi_names_each_output_and_who_it_is_for(demo) -> None:
    from toolkit.demo import OUTPUTS

    result, _ = demo
    text = (result.out / "LISEZMOI.txt").read_text(encoding="utf-8")
    assert set(result.outputs) - {"readme"} <= set(OUTPUTS), "describe every output in OUTPUTS"
    for key, path in result.outputs.items():
        if key != "readme":
            assert Path(path).name in text, key
    for heading in ("Pour l'avocat ou la personne concernée", "Pour l'association",
                    "Pour les développeurs et analystes", "L'espace de travail"):  # fmt: skip
        assert heading in text
    assert "exhibits/" in text and "make serve" in text and ".venv/bin" in text
    assert max(len(line) for line in text.splitlines()) <= 110
