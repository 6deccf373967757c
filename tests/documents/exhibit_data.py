"""A small, hand-built evidence base for the exhibits and letters tests.

Applicant ``a-76`` (Seine-Maritime, renouvellement, permit ending 2025-04-15): screenshots
in February and March 2025 (PNG landscape and portrait, RGBA PNG, JPEG, WebP, one dated
only by its file), an e-mail sent and its answer, a phone call without a file, a saved
HTML page and a printed PDF page, a permit (2-page PDF), a CCC attestation (PNG), a proof
of urgency (PDF), and robot probes near two attempts (never shown in the pièces by default).
Rows are inserted directly, as the ingest modules would write them.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from toolkit.applicants import add_applicant, get_applicant
from toolkit.ingest.records import content_id, insert_attempt, store_text
from toolkit.model import Attempt
from toolkit.workspace import Workspace, now

PARIS = ZoneInfo("Europe/Paris")
APPLICANT = "a-76"

# (file name, local time, kind, size, time source, outcome, url)
SHOTS: list[tuple[str, str, str, tuple[int, int], str, str, str | None]] = [
    ("Capture 2025-02-24 071512.png", "2025-02-24 07:15:12", "png", (640, 400), "filename", "no_slot",
     "https://www.seine-maritime.gouv.fr/booking/create/28617/1"),
    ("IMG_4821.PNG", "2025-02-26 20:03:47", "png-portrait", (300, 600), "exif", "no_slot", None),
    ("Screenshot_20250303-140127.png", "2025-03-03 14:01:27", "rgba", (640, 400), "log", "no_slot",
     "https://www.seine-maritime.gouv.fr/booking/create/28617/1"),
    ("IMG_5133.JPG", "2025-03-04 12:31:07", "jpeg", (640, 400), "exif", "captcha", None),
    ("Screenshot_20250310-093012.webp", "2025-03-10 09:30:12", "webp", (640, 400), "png_meta",
     "no_slot", None),
    ("Sans titre.png", "2025-03-12 22:05:41", "png", (640, 400), "mtime", "unknown", None),
]  # fmt: skip
PROBES = [
    ("2025-03-03 13:40", "no_slot", 0),  # confirms the attempt of 3 March, 14:01
    ("2025-03-04 12:50", "slots_available", 2),  # after the captcha of 4 March: no label
]
EMAIL_BODY = (
    "Madame, Monsieur,\n\nJe n'arrive pas à obtenir de rendez-vous pour le renouvellement de mon "
    "titre de séjour, qui expire le 15/04/2025. Pourriez-vous m'indiquer une date ?\n\nInès Fictive"
)
PAGE_TEXT = (
    "Vérification de disponibilité\nIl n'existe plus de plage horaire libre pour votre demande "
    "de rendez-vous. Veuillez recommencer ultérieurement."
)


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=PARIS)


def image_bytes(kind: str, size: tuple[int, int], seed: int) -> bytes:
    from PIL import Image, ImageDraw

    mode = "RGBA" if kind == "rgba" else "RGB"
    img = Image.new(mode, size, (245, 245, 245, 255) if mode == "RGBA" else (245, 245, 245))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, size[0], 40], fill=(0, 0, 145))
    d.text((20, 60), f"Il n'existe plus de plage horaire libre - {seed}", fill=(20, 20, 20))
    d.rectangle([20, 100, 20 + 10 * (seed + 1), 140], fill=(180, 30 + 20 * seed, 60))
    out = io.BytesIO()
    fmt = {"jpeg": "JPEG", "webp": "WEBP"}.get(kind, "PNG")
    options: dict[str, Any] = {"lossless": True} if fmt == "WEBP" else {}
    img.save(out, format=fmt, **options)
    return out.getvalue()


def pdf_bytes(pages: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_creation_date(datetime(2025, 1, 1))
    pdf.set_font("helvetica", size=14)
    for text in pages:
        pdf.add_page()
        pdf.cell(0, 10, text)
    return bytes(pdf.output())


def _attempt(ws: Workspace, source: str, a: Attempt, detail: str) -> str:
    return insert_attempt(ws, a, get_applicant(ws, APPLICANT), source, time_detail=detail)


def populate(ws: Workspace, *, with_documents: bool = True) -> None:
    """Fill ``ws`` with the evidence described in the module doc."""
    add_applicant(
        ws, APPLICANT, prefecture="76", procedure="renouvellement", permit_expiry="2025-04-15",
        route="guichet", oqtf="none", full_name="Inès Fictive", email="ines.fictive@example.org",
        birth_date="1991-03-01", nationality="tunisienne", address="5 rue des Essais, 76000 Rouen",
    )  # fmt: skip
    with ws.transaction():
        src = ws.new_source("test", None, {})
        for i, (name, when, kind, size, source, outcome, url) in enumerate(SHOTS):
            data = image_bytes(kind, size, i)
            media = {"jpeg": "image/jpeg", "webp": "image/webp"}.get(kind, "image/png")
            sha = ws.store_file(data, name, media)
            # the log's row declares its outcome and URL; the others are read on the image
            declared = source == "log"
            a = Attempt(APPLICANT, "online", local(when), source, outcome=outcome, url=url,
                        file_sha256=sha, original_name=name,
                        extraction="log" if declared else "ocr",
                        outcome_source="declared" if declared else "read",
                        url_source=("declared" if declared else "read") if url else None)  # fmt: skip
            if declared:  # a journal gives minutes
                a.time_precision = "minute"
                a.observed_at = a.observed_at.replace(second=0)
            _attempt(ws, src, a, source)
        eml = b"From: ines.fictive@example.org\r\nSubject: Demande de rendez-vous\r\n\r\nbody"
        sha = ws.store_file(eml, "2025-03-06-demande.eml", "message/rfc822")
        store_text(ws, sha, 0, "email", EMAIL_BODY)
        _attempt(ws, src, Attempt(APPLICANT, "email", local("2025-03-06 10:21:37"), "email_header",
                                  direction="sent", subject="Demande de rendez-vous", file_sha256=sha,
                                  original_name="2025-03-06-demande.eml"), "email_header")  # fmt: skip
        reply = b"From: pref@seine-maritime.gouv.fr\r\nSubject: Re\r\n\r\nauto"
        sha = ws.store_file(reply, "2025-03-06-reponse.eml", "message/rfc822")
        store_text(
            ws, sha, 0, "email", "Votre message a bien été reçu. Ceci est une réponse automatique."
        )
        _attempt(ws, src, Attempt(APPLICANT, "email", local("2025-03-06 10:22:00"), "email_header",
                                  direction="received", subject="Réponse automatique", file_sha256=sha,
                                  original_name="2025-03-06-reponse.eml"), "email_header")  # fmt: skip
        _attempt(ws, src, Attempt(APPLICANT, "phone", local("2025-03-11 00:00"), "declared",
                                  direction="sent", note="Appel au 0806 001 620, sans résultat",
                                  time_precision="day"),
                 "declared:date")  # fmt: skip
        html = b"<html><body><h1>V\xc3\xa9rification</h1></body></html>"
        sha = ws.store_file(html, "ezbooking-2025-03-20.html", "text/html")
        store_text(ws, sha, 0, "html", PAGE_TEXT)
        _attempt(ws, src, Attempt(APPLICANT, "online", local("2025-03-20 17:29:52"), "har",
                                  extraction="rule", url_source="read", outcome_source="read",
                                  outcome="no_slot", file_sha256=sha, url="https://www.seine-maritime.gouv.fr/booking/create/28617/1",
                                  original_name="ezbooking-2025-03-20.html"), "har")  # fmt: skip
        printed = pdf_bytes(["Verification de disponibilite - page imprimee"])
        sha = ws.store_file(printed, "impression-2025-03-26.pdf", "application/pdf")
        _attempt(ws, src, Attempt(APPLICANT, "online", local("2025-03-26 08:55:02"), "pdf_header",
                                  extraction="rule", outcome_source="read",
                                  time_precision="minute",
                                  outcome="no_slot", file_sha256=sha,
                                  original_name="impression-2025-03-26.pdf"), "pdf_header")  # fmt: skip
        for when, outcome, slots in PROBES:
            ws.sql(
                "INSERT INTO probe_rows (prefecture, site, procedure, observed_at, outcome, slots) "
                "VALUES ('76', 'ezbooking', 'renouvellement', ?, ?, ?)",
                [local(when), outcome, slots],
            )
        if with_documents:
            docs = [
                ("permit", "titre.pdf", pdf_bytes(["Titre de sejour - recto", "verso"]),
                 "application/pdf", "Titre de séjour valable jusqu'au 15 avril 2025", date(2024, 4, 16)),
                ("ccc_attestation", "ccc.png", image_bytes("png", (500, 700), 9), "image/png",
                 None, date(2025, 3, 19)),
                ("urgency", "employeur.pdf", pdf_bytes(["Attestation employeur"]), "application/pdf",
                 "Attestation de l'employeur", date(2025, 3, 10)),
            ]  # fmt: skip
            for kind, name, data, media, title, dated in docs:
                sha = ws.store_file(data, name, media)
                ws.sql(
                    "INSERT INTO documents (id, applicant_id, kind, title, dated, file_sha256, "
                    "source_id, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [content_id("doc", sha), APPLICANT, kind, title, dated, sha, src, now()],
                )


def pdf_text(path: Path) -> list[str]:
    """The text of every page of a PDF (pdfplumber), pages closed as we go."""
    import pdfplumber

    out = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            out.append(page.extract_text() or "")
            page.close()
    return out
