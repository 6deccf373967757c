"""Rendered screenshots of every booking system's real page types, ingested as a person would.

The pages are drawn by evidence/sample_gen/booking_screens.py (no slot, slots, calendar,
time list, guichet step, captchas, Cloudflare, 403, ANEF maintenance…) and ingested once per
module with ``--outcome no_slot``, the example ``--help`` used to give: no page that is not
a no-slot page may end as a plain ``no_slot``.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from classify.test_ocr import needs_tesseract
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "evidence"))

from sample_gen.booking_pages import PAGES
from sample_gen.booking_screens import render

CLOCK = datetime(2025, 3, 12, 10, 6)
PHONES = ("ezbooking.no_slot", "rdvpref.slots", "cloudflare.blocked")
PHOTOSHOP_XMP = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreatorTool="Adobe Photoshop 25.0 (Windows)" '
    'xmp:CreateDate="2025-03-12T10:06:40+01:00"/></rdf:RDF></x:xmpmeta>'
)


def shots(folder: Path) -> dict[str, str]:
    """Every page type on a desktop (and a few on a phone): file name -> page kind."""
    folder.mkdir()
    made = {}
    for kind in PAGES:
        name = f"{kind}.png"
        render(kind, when=CLOCK).save(folder / name)
        made[name] = kind
    for kind in PHONES:
        name = f"{kind}.phone.png"
        render(kind, device="phone", when=CLOCK, page_date=True).save(folder / name)
        made[name] = kind
    # a file name two hours from the clock the image shows (10:07)
    far = CLOCK.replace(minute=7)
    render("rdvpref.no_slot", when=far).save(folder / "Screenshot_20250312-120732.png")
    made["Screenshot_20250312-120732.png"] = "rdvpref.no_slot"
    # saved again from Photoshop (its XMP names the editor)
    info = PngInfo()
    info.add_itxt("XML:com.adobe.xmp", PHOTOSHOP_XMP)
    render("ezbooking.no_slot", when=CLOCK, seed="ps").save(folder / "retouche.png", pnginfo=info)
    made["retouche.png"] = "ezbooking.no_slot"
    return made


def ingest_every_page(tmp: Path) -> dict[str, Any]:
    from tests.conftest import Cli

    cli = Cli(tmp / "ws")
    assert cli("init").exit_code == 0
    r = cli("applicant", "add", "p-76", "--prefecture", "76", "--procedure", "renouvellement")
    assert r.exit_code == 0, r.output
    made = shots(tmp / "shots")
    r = cli("ingest", "screenshots", str(tmp / "shots"), "-a", "p-76", "--outcome", "no_slot")
    rows = {a["file"]: a for a in cli.json("attempts", "p-76")}
    check = cli("check", "p-76", "--format", "json")
    return {"cli": cli, "made": made, "ingest": r, "rows": rows, "check": check}


def _no_page_that_is_not_a_no_slot_page_ends_as_no_slot(ingested: dict[str, Any]) -> None:
    assert ingested["ingest"].exit_code == 0, ingested["ingest"].output
    for name, kind in ingested["made"].items():
        row, expected = ingested["rows"][name], PAGES[kind].outcome
        assert row["read_outcome"] == expected, (name, row["rule"])
        assert row["system"] == PAGES[kind].system, name
        assert row["outcome_source"] in ("read", None), name
        if expected == "no_slot":
            assert (row["outcome"], row["outcome_source"]) == ("no_slot", "read"), name
        else:  # the declaration contradicts the page: unknown until a person looks
            assert row["outcome"] == "unknown" and "outcome_conflict" in row["flags"], name
            assert row["declared_outcome"] == "no_slot"
    steps = {n: r["rule"] for n, r in ingested["rows"].items() if "step" in (r["rule"] or "")}
    assert steps == {
        "ezbooking.guichet_step.png": "ezbooking.guichet_step",
        "ezbooking.conditions_step.png": "ezbooking.conditions_step",
    }


def _times_shown_on_the_image_date_it(ingested: dict[str, Any]) -> None:
    rows = ingested["rows"]
    desktop = rows["captcha.math.png"]
    assert (desktop["time_source"], desktop["local_time"], desktop["time_precision"]) == (
        "ocr", "2025-03-12 10:06", "minute",
    )  # fmt: skip
    phone = rows["rdvpref.slots.phone.png"]  # no clock with a date: the page's own date
    assert (phone["time_source"], phone["local_time"], phone["time_precision"]) == (
        "ocr", "2025-03-12", "day",
    )  # fmt: skip
    assert [t["detail"] for t in phone["times"] if t["source"] == "ocr"] == ["ocr:page-date"]
    far = rows["Screenshot_20250312-120732.png"]
    assert far["flags"] == ["time_conflict"] and far["local_time"] == "2025-03-12 10:07"
    assert [(t["source"], t["local_time"]) for t in far["times"][:2]] == [
        ("ocr", "2025-03-12 10:07"), ("filename", "2025-03-12 12:07:32"),
    ]  # fmt: skip
    edited = rows["retouche.png"]
    assert edited["flags"] == ["edited"]
    assert edited["flag_detail"] == {"edited": "Adobe Photoshop 25.0 (Windows) (XMP)"}
    xmp = next(t for t in edited["times"] if t["source"] == "png_meta")
    assert xmp["weak"] and xmp["detail"] == "xmp:CreateDate (written by an image editor)"


def _check_and_review_say_what_to_look_at(ingested: dict[str, Any]) -> None:
    check = ingested["check"]
    assert check.exit_code in (0, 1), check.output
    findings = {f["rule"]: f for f in json.loads(check.stdout)["findings"]}
    conflicts = sum(PAGES[k].outcome != "no_slot" for k in ingested["made"].values())
    review = findings["review"]
    assert review["level"] == "warn"
    assert review["message"].startswith(
        f"{conflicts + 2} capture(s) à vérifier avant de les produire : {conflicts} dont le "
        "résultat lu et le résultat déclaré diffèrent, 1 dont les heures relevées"
    )
    assert "guichets review p-76" in review["message"]
    assert "guichets review p-76" in findings["outcomes"]["message"]
    assert "--outcome" not in findings["outcomes"]["message"]
    listed = ingested["cli"].json("review", "p-76")
    assert len(listed) == conflicts + 2
    assert f"{conflicts + 2} attempt(s) to review: guichets review p-76" in (
        ingested["ingest"].stderr
    )


def _library_times_are_aware_local_datetimes(ingested: dict[str, Any]) -> None:
    import toolkit

    with toolkit.open_workspace(ingested["cli"].workspace, read_only=True) as ws:
        df = toolkit.attempts(ws, "p-76")
    assert str(df["observed_at"].dtype).endswith(", Europe/Paris]")
    assert str(df["local_time"].dtype) == str(df["observed_at"].dtype)
    assert set(df["local_date"].astype(str)) == {"2025-03-12"}
    assert df["flags"].map(len).sum() > 0


@needs_tesseract
def test_every_page_type_ingested_with_outcome_no_slot(tmp_path: Path) -> None:
    """One ingest (OCR of every page type) checked four ways."""
    ingested = ingest_every_page(tmp_path)
    _no_page_that_is_not_a_no_slot_page_ends_as_no_slot(ingested)
    _times_shown_on_the_image_date_it(ingested)
    _check_and_review_say_what_to_look_at(ingested)
    _library_times_are_aware_local_datetimes(ingested)


def test_a_journal_at_the_minute_prints_without_seconds(cli, cli_applicant, tmp_path) -> None:
    """No clock on the image, OCR off: the journal dates it, at its own precision."""
    folder = tmp_path / "s"
    folder.mkdir()
    Image.new("RGB", (120, 80), "white").save(folder / "rdv prefecture.png")
    log = folder / "journal.csv"
    log.write_text(
        "fichier;date;heure;résultat\nrdv prefecture.png;24/02/2025;07:15;pas de créneau\n"
    )
    r = cli(
        "ingest", "screenshots", str(folder), "-a", cli_applicant, "--log", str(log), "--no-ocr"
    )
    assert r.exit_code == 0, r.output
    [row] = cli.json("attempts", cli_applicant)
    assert (row["local_time"], row["time_precision"], row["time_source"]) == (
        "2025-02-24 07:15", "minute", "log",
    )  # fmt: skip
    assert (row["outcome"], row["outcome_source"]) == ("no_slot", "declared")
    import csv
    import io

    table = cli("--quiet", "attempts", cli_applicant, "--format", "csv")
    [shown] = list(csv.DictReader(io.StringIO(table.stdout)))
    assert (shown["local_time"], shown["time_precision"]) == ("2025-02-24 07:15", "minute")
    r = cli("exhibits", cli_applicant, "--out", str(tmp_path / "pieces"))
    assert r.exit_code == 0, r.output
    from tests.documents.exhibit_data import pdf_text

    pieces = sorted((tmp_path / "pieces").glob("*.pdf"))
    text = "\n".join(t for p in pieces for t in pdf_text(p))
    assert "lundi 24 février 2025 à 07:15 (heure locale, Europe/Paris, UTC+01:00)" in text
    assert "24/02/2025 07:15" in text  # the recap table
    assert "Résultat affiché : Aucun créneau (déclaré par le demandeur)" in text
    assert "07:15:00" not in text
