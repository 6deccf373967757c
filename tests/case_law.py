"""Files built from the facts of decided cases and of the issue's scenarios, shared by the
readiness, letters and exhibits tests (invented people only)."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from PIL import Image
from pypdf import PdfWriter

from toolkit.applicants import add_applicant
from toolkit.contacts import add_contact
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.screenshots import ingest_screenshots

CE_435594 = "CE, 10 juin 2020, n° 435594"
LRAR_EML = (
    "From: demandeur@example.org\r\nTo: pref-etrangers@example.gouv.fr\r\n"
    "Subject: Demande de rendez-vous\r\nDate: Wed, 18 Sep 2019 09:12:00 +0200\r\n\r\n"
    "Je sollicite un rendez-vous.\r\n"
)
# a-76's attempts over three weeks (renouvellement, permit ending 15 April 2025)
THREE_WEEKS = [
    "20250224-071500", "20250226-192000", "20250228-124000", "20250303-140100",
    "20250306-065500", "20250311-210500", "20250314-103000", "20250317-130000",
]  # fmt: skip


def pdf(path: Path, created: str | None = None) -> Path:
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.add_metadata({"/Title": path.stem, **({"/CreationDate": created} if created else {})})
    buf = io.BytesIO()
    w.write(buf)
    path.write_bytes(buf.getvalue())
    return path


def screenshots(folder: Path, stamps: list[str]) -> Path:
    """One PNG per YYYYmmdd-HHMMSS stamp, named as an Android phone names them."""
    folder.mkdir(parents=True, exist_ok=True)
    for stamp in stamps:  # one colour per stamp: two folders never share a file
        rgb = tuple(hashlib.sha256(stamp.encode()).digest()[:3])
        Image.new("RGB", (60, 40), rgb).save(folder / f"Screenshot_{stamp}.png")
    return folder


def build_ce_435594(ws, tmp_path: Path, stamps: list[str] | None = None) -> str:
    """The facts of CE 10 juin 2020 n° 435594: 4 screenshots, 1 LRAR and 1 e-mail, from
    Friday 13 to Wednesday 18 September 2019 (two ISO weeks), a first demand at the guichet
    of Seine-Saint-Denis. The route, the OQTF and a proof of urgency are declared so that
    the span of the attempts is what decides."""
    add_applicant(ws, "ce-435594", prefecture="93", procedure="premiere-demande",
                  route="guichet", oqtf="none")  # fmt: skip
    stamps = stamps or ["20190913-101500", "20190916-140200", "20190917-094000", "20190918-183000"]
    shots = screenshots(tmp_path / "captures", stamps)
    ingest_screenshots(ws, [shots], "ce-435594", outcome="no_slot", ocr=False)
    ingest_documents(ws, [pdf(tmp_path / "lrar.pdf", "D:20190916110000+02'00'")], "ce-435594",
                     kind="letter")  # fmt: skip
    eml = tmp_path / "courriel.eml"
    eml.write_text(LRAR_EML, encoding="utf-8")
    ingest_documents(ws, [eml], "ce-435594", kind="email")
    ingest_documents(ws, [pdf(tmp_path / "promesse.pdf")], "ce-435594", kind="urgency",
                     title="Promesse d'embauche", dated="2019-09-02")  # fmt: skip
    return "ce-435594"


def build_three_weeks(ws, tmp_path: Path, applicant: str = "a-76") -> str:
    """``applicant`` (renouvellement, permit ending 15 April 2025): 8 attempts over three
    weeks and an e-mail; the route is declared guichet and there is no OQTF."""
    from toolkit.applicants import get_applicant, update_applicant

    a = get_applicant(ws, applicant)
    if (a.route, a.route_source, a.oqtf) != ("guichet", "declared", "none"):
        update_applicant(ws, applicant, route="guichet", oqtf="none")
    ingest_screenshots(ws, [screenshots(tmp_path / "shots", THREE_WEEKS)], applicant,
                       outcome="no_slot", ocr=False)  # fmt: skip
    add_contact(ws, applicant, channel="email", at="2025-03-05 08:30", direction="sent")
    return applicant


def build_publication_case(ws, tmp_path: Path) -> str:
    """The demo's 13:02 / 14:00 / 14:02 case: ``pub-76`` tries over three weeks, once at 13:05
    on Thursday 27 February 2025; the robot of the same service saw no slot at 13:02 and
    16 slots at 14:02, after a publication the service had announced for 14:00."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from toolkit.applicants import get_applicant
    from toolkit.ingest.records import content_id, insert_attempt
    from toolkit.model import Attempt

    paris = ZoneInfo("Europe/Paris")
    add_applicant(ws, "pub-76", prefecture="76", procedure="renouvellement",
                  permit_expiry="2025-04-15", route="guichet", oqtf="none",
                  full_name="Awa Fictive")  # fmt: skip
    build_three_weeks(ws, tmp_path, "pub-76")
    ingest_screenshots(ws, [screenshots(tmp_path / "midi", ["20250227-130500"])], "pub-76",
                       outcome="no_slot", ocr=False)  # fmt: skip
    form = "https://www.seine-maritime.gouv.fr/booking/create/28617/1"
    notice = Attempt(
        applicant_id="pub-76", channel="online", time_source="email_header", outcome="no_slot",
        observed_at=datetime(2025, 2, 26, 9, 0, tzinfo=paris), url=form,
        file_sha256=content_id("annonce"), original_name="annonce.mhtml",
        next_publication=datetime(2025, 2, 27, 14, 0),
    )  # fmt: skip
    insert_attempt(ws, notice, get_applicant(ws, "pub-76"), ws.new_source("test", None, {}))
    for when, outcome, slots in (("13:02", "no_slot", 0), ("14:02", "slots_available", 16)):
        ws.sql(
            "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome, slots, "
            "first_slot, url) VALUES ('76', 'renouvellement', ?, ?, ?, ?, ?)",
            [datetime.fromisoformat(f"2025-02-27 {when}:00").replace(tzinfo=paris), outcome,
             slots, datetime(2025, 4, 3).date() if slots else None, form],
        )  # fmt: skip
    return "pub-76"
