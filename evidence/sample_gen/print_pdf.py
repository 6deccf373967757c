"""The no-slot page « imprimé depuis le navigateur » (Chrome, headers and footers on)."""

from __future__ import annotations

from pathlib import Path

from .common import (
    EZ_TITLE,
    EZ_URL,
    NO_SLOT_HEADING,
    NO_SLOT_MESSAGE,
    PREF_NAME,
    paris,
    write_bytes,
)
from .pdfkit import BLUE, GREY, Doc

CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/134.0.0.0 Safari/537.36"
)


def browser_print() -> bytes:
    """Ctrl+P « Enregistrer au format PDF » on 26/03/2025 at 08:57, headers and footers on."""
    when = paris(2025, 3, 26, 8, 57, 12)
    pdf = Doc(EZ_TITLE, when, creator=CHROME_UA)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    # Chrome's print header and footer (8 pt, in the page margins)
    pdf.set_font("DejaVu", size=8)
    pdf.set_xy(6, 5)
    pdf.cell(60, 4, f"{when:%d/%m/%Y %H:%M}")
    pdf.set_xy(55, 5)
    pdf.cell(100, 4, EZ_TITLE, align="C")
    pdf.set_xy(6, 288)
    pdf.cell(150, 4, EZ_URL)
    pdf.set_xy(174, 288)
    pdf.cell(30, 4, "1/1", align="R")
    # the page, at print scale
    with pdf.local_context(fill_color=BLUE):
        pdf.rect(16, 18, 6, 4, style="F")
    with pdf.local_context(fill_color=(225, 0, 15)):
        pdf.rect(28, 18, 6, 4, style="F")
    pdf.set_xy(16, 24)
    pdf.set_font("DejaVu", "B", 9)
    pdf.multi_cell(40, 4, "RÉPUBLIQUE\nFRANÇAISE", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(16)
    pdf.set_font("DejaVu", "I", 6.5)
    pdf.multi_cell(40, 3, "Liberté\nÉgalité\nFraternité")
    pdf.set_xy(58, 22)
    pdf.set_font("DejaVu", "B", 15)
    pdf.cell(0, 7, PREF_NAME)
    pdf.set_xy(58, 30)
    pdf.set_font("DejaVu", size=9)
    with pdf.local_context(text_color=GREY):
        pdf.cell(0, 5, "Les services de l'État en Seine-Maritime")
    pdf.line(10, 46, 200, 46)
    pdf.set_xy(16, 48)
    pdf.set_font("DejaVu", size=9)
    pdf.cell(
        0,
        6,
        "Actualités      Politiques publiques      Démarches administratives      "
        "Services de l'État      Publications",
    )
    pdf.line(10, 56, 200, 56)
    pdf.set_xy(30, 62)
    with pdf.local_context(text_color=GREY):
        pdf.set_font("DejaVu", size=8)
        pdf.cell(0, 5, "Accueil  >  Démarches administratives  >  Prise de rendez-vous")
    pdf.set_xy(30, 72)
    pdf.set_font("DejaVu", "B", 18)
    pdf.cell(0, 9, NO_SLOT_HEADING)
    pdf.set_xy(30, 83)
    with pdf.local_context(text_color=GREY):
        pdf.set_font("DejaVu", size=10)
        pdf.cell(0, 5, "Titres de séjour – Renouvellement (Rouen)")
    with pdf.local_context(fill_color=(246, 246, 246), draw_color=(200, 200, 200)):
        pdf.rect(30, 94, 150, 44, style="DF")
    pdf.set_xy(36, 100)
    pdf.set_font("DejaVu", size=11)
    pdf.multi_cell(138, 6, NO_SLOT_MESSAGE, align="L")
    with pdf.local_context(fill_color=BLUE, text_color=(255, 255, 255)):
        pdf.set_xy(36, 122)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(26, 9, "Terminer", align="C", fill=True)
    pdf.set_xy(30, 144)
    with pdf.local_context(text_color=GREY):
        pdf.set_font("DejaVu", size=9)
        pdf.cell(
            0, 5, "Les rendez-vous sont ouverts au fur et à mesure des disponibilités des guichets."
        )
    with pdf.local_context(draw_color=BLUE, line_width=0.5):
        pdf.line(10, 160, 200, 160)
    pdf.set_xy(16, 164)
    pdf.set_font("DejaVu", "B", 8)
    pdf.cell(0, 5, "legifrance.gouv.fr     gouvernement.fr     service-public.fr     data.gouv.fr")
    pdf.set_xy(16, 171)
    with pdf.local_context(text_color=GREY):
        pdf.set_font("DejaVu", size=7)
        pdf.cell(
            0,
            5,
            "Plan du site   Accessibilité : non conforme   Mentions légales   "
            "Données personnelles   Gestion des cookies",
        )
    return pdf.bytes()


def generate(root: Path) -> None:
    write_bytes(root, "captures/impression-2025-03-26.pdf", browser_print())
