"""The applicant timeline: content (legend text), determinism, formats, refusals."""

from __future__ import annotations

import hashlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfReader

from toolkit.applicants import get_applicant
from toolkit.charts.applicant import applicant_chart
from toolkit.contacts import add_contact
from toolkit.errors import InputError
from toolkit.ingest.records import content_id, insert_attempt
from toolkit.model import Attempt

PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def timeline(ws, applicant: str) -> str:
    """a-76: 6 attempts (4 no slot, 1 captcha, 1 with a file date only), 2 contacts, probes."""
    a = get_applicant(ws, applicant)
    source = ws.new_source("test", None, {})
    for day, hour, outcome, time_source in [
        (24, 7, "no_slot", "filename"), (26, 19, "no_slot", "filename"),
        (28, 12, "captcha", "exif"), (3, 14, "no_slot", "log"), (10, 21, "no_slot", "filename"),
        (17, 9, "no_slot", "mtime"),
    ]:  # fmt: skip
        when = datetime(2025, 2 if day > 20 else 3, day, hour, 5, tzinfo=PARIS)
        attempt = Attempt(
            applicant_id=applicant, channel="online", observed_at=when, outcome=outcome,
            time_source=time_source, file_sha256=content_id(when), original_name=f"{day}.png",
        )  # fmt: skip
        insert_attempt(ws, attempt, a, source)
    add_contact(ws, applicant, channel="email", at="2025-03-05 08:30", direction="sent")
    add_contact(ws, applicant, channel="phone", at="2025-03-12")
    ws.sql(
        "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome, slots) "
        "SELECT '76', 'renouvellement', "
        "TIMESTAMPTZ '2025-02-24 00:00:00+00' + to_hours(CAST(i * 7 AS BIGINT)), "
        "CASE WHEN i % 25 = 0 THEN 'slots_available' ELSE 'no_slot' END, "
        "CASE WHEN i % 25 = 0 THEN 2 ELSE 0 END FROM range(100) t(i)"
    )
    return applicant


def pdf_text(path: Path) -> str:
    return " ".join(PdfReader(path).pages[0].extract_text().split())


def test_pdf_content(ws, timeline: str, tmp_path: Path) -> None:
    out = applicant_chart(ws, timeline, tmp_path / "frise.pdf")
    text = pdf_text(out)
    for label in [
        "Tentatives de rendez-vous et démarches — demandeur a-76",
        "Préfecture de la Seine-Maritime · renouvellement de titre de séjour · heure locale "
        "(Europe/Paris)",
        "Aucun créneau (5)", "Captcha (1)", "Heure incertaine : date du fichier (1)",
        "Courriel (1)", "Téléphone (CCC…) (1)", "Relevé robot : aucun créneau (96)",
        "Relevé robot : créneaux (4)", "Fin de validité du titre (15 avril 2025)",
        "Heure de la tentative (heure locale)", "24 févr. 2025", "3 mars",
    ]:  # fmt: skip
        assert label in text, label
    assert PdfReader(out).metadata in (None, {})  # no creation date, no producer


def test_without_probes_and_far_expiry(ws, timeline: str, tmp_path: Path) -> None:
    ws.sql("UPDATE applicants SET permit_expiry = DATE '2026-01-31'")
    text = pdf_text(applicant_chart(ws, timeline, tmp_path / "sans.pdf", probes=False))
    assert "Relevé robot" not in text
    assert "fin de validité du titre : 31 janvier 2026" in text  # too far to draw: in the subtitle
    assert "Fin de validité du titre (" not in text


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_same_store_same_bytes(ws, timeline: str, tmp_path: Path, suffix: str) -> None:
    first = applicant_chart(ws, timeline, tmp_path / "a" / f"frise{suffix}")
    second = applicant_chart(ws, timeline, tmp_path / "b" / f"frise{suffix}")
    assert first.read_bytes() == second.read_bytes()
    rows = ws.rows("SELECT path, sha256, kind, applicant_id FROM generated ORDER BY path")
    assert rows == [
        {"path": str(p), "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
         "kind": "chart.applicant", "applicant_id": "a-76"}
        for p in (first, second)
    ]  # fmt: skip


def test_png_size_and_no_software_stamp(ws, timeline: str, tmp_path: Path) -> None:
    out = applicant_chart(ws, timeline, tmp_path / "frise.png")
    with Image.open(out) as img:
        assert img.size == (1500, 900)
        assert "Software" not in img.info


def test_refusals(ws, applicant: str, tmp_path: Path) -> None:
    with pytest.raises(
        InputError, match=r"^--out .*frise\.gif: use a \.png, \.svg or \.pdf file name$"
    ):
        applicant_chart(ws, applicant, tmp_path / "frise.gif")
    with pytest.raises(InputError, match="has no attempt or contact to chart"):
        applicant_chart(ws, applicant, tmp_path / "frise.png")


def test_cli_chart(cli, cli_applicant: str, tmp_path: Path) -> None:
    r = cli("contact", "add", cli_applicant, "--channel", "letter", "--at", "2025-03-01 10:00")
    assert r.exit_code == 0, r.output
    out = tmp_path / "charts" / "c-76.png"
    r = cli("chart", "applicant", cli_applicant, "--out", str(out))
    assert r.exit_code == 0, r.output
    assert r.stderr.strip() == f"Chart written: {out}"
    assert out.read_bytes().startswith(b"\x89PNG")
    r = cli("chart", "applicant", cli_applicant, "--out", str(tmp_path / "c.bmp"))
    assert r.exit_code == 1
    assert (
        r.stderr.strip() == f"Error: --out {tmp_path / 'c.bmp'}: use a .png, .svg or .pdf file name"
    )


def test_a_stray_file_date_does_not_set_the_period(ws, timeline: str, tmp_path: Path) -> None:
    a = get_applicant(ws, timeline)
    copy = Attempt(
        applicant_id=timeline, channel="online", observed_at=datetime(2025, 11, 2, 15, 0, tzinfo=PARIS),
        outcome="no_slot", time_source="mtime", file_sha256="c" * 64, original_name="copie.png",
    )  # fmt: skip
    insert_attempt(ws, copy, a, ws.new_source("test", None, {}))
    text = pdf_text(applicant_chart(ws, timeline, tmp_path / "frise.pdf"))
    assert "Heure incertaine : date du fichier (2, dont 1 hors de la période)" in text
    assert "Fin de validité du titre (15 avril 2025)" in text  # still drawn: period ends in March
    assert "nov." not in text


def test_letters_known_only_as_documents_are_drawn(ws, timeline: str, tmp_path: Path) -> None:
    from pypdf import PdfWriter

    from toolkit.ingest.documents import ingest_documents

    w = PdfWriter()
    w.add_blank_page(595, 842)
    lrar = tmp_path / "lrar.pdf"
    with open(lrar, "wb") as f:
        w.write(f)
    ingest_documents(ws, [lrar], timeline, kind="letter", dated="2025-03-13")
    # the e-mail contact of 5 March also filed as a document: drawn once
    ingest_documents(ws, [lrar], timeline, kind="email", dated="2025-03-05")
    text = pdf_text(applicant_chart(ws, timeline, tmp_path / "frise.pdf"))
    assert "Courrier (LRAR) (1)" in text and "Courriel (1)" in text
