"""Invented ANEF documents for the tests: PDFs with a text layer, a scan without one, e-mails.

Wording follows what the téléservice prints as far as we know it (see
toolkit/classify/anef.toml); every document says it is fictitious.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
FICTION = "DOCUMENT FICTIF - exemple de test, aucune personne réelle"


def text_pdf(lines: list[str], created: datetime | None = None) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Latin-1 core font)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_creation_date(created or datetime(2025, 1, 2, 9, 0, tzinfo=PARIS))
    pdf.set_producer("guichets tests")
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    for line in [FICTION, *lines]:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def scanned_pdf() -> bytes:
    """A PDF holding only a blank image: no text layer, nothing for OCR to read."""
    import io

    from fpdf import FPDF
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (400, 560), "white").save(buf, format="PNG")
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2025, 1, 2, 9, 0, tzinfo=PARIS))
    pdf.add_page()
    pdf.image(io.BytesIO(buf.getvalue()), x=10, y=10, w=150)
    return bytes(pdf.output())


def api_pdf(issued: str = "20/05/2025", until: str | None = "19/08/2025") -> bytes:
    lines = [
        "MINISTERE DE L'INTERIEUR - Administration numérique pour les étrangers en France",
        "ATTESTATION DE PROLONGATION D'INSTRUCTION D'UNE DEMANDE DE TITRE DE SEJOUR",
        "Numéro de la demande : 7601-2025-0000042",
        f"Délivrée le {issued}",
        "La présente attestation prolonge les droits attachés au titre de séjour précédent.",
    ]
    if until:
        lines.append(f"Cette attestation est valable jusqu'au {until}.")
    return text_pdf(lines)


def filing_pdf(filed: str | None = "1er mars 2025") -> bytes:
    lines = [
        "Administration numérique pour les étrangers en France",
        "ATTESTATION DE DEPOT",
        "Numéro de la demande : 7601-2025-0000042",
        "Votre demande de renouvellement de titre de séjour a bien été enregistrée.",
        "Ce document ne constitue pas une autorisation de séjour.",
    ]
    if filed:
        lines.insert(3, f"Demande déposée le {filed}.")
    return text_pdf(lines)


def refusal_pdf() -> bytes:
    return text_pdf(
        [
            "PREFECTURE DE LA SEINE-MARITIME",
            "ARRETE portant refus de titre de séjour et obligation de quitter le territoire "
            "français",
            "Article 1er : la demande de renouvellement est rejetée ; refus de titre de séjour.",
            "Article 2 : l'intéressée est obligée de quitter le territoire français dans un délai "
            "de trente jours.",
            "Fait à Rouen, le 12 septembre 2025",
        ]
    )


def eml(subject: str, body: str, sent: datetime) -> bytes:
    msg = EmailMessage()
    msg["From"] = "ANEF (fictif) <ne-pas-repondre@anef.example.org>"
    msg["To"] = "ines.fictive@example.org"
    msg["Subject"] = subject
    msg["Date"] = format_datetime(sent)
    msg["Message-ID"] = f"<{sent:%Y%m%d%H%M%S}.anef@example.org>"
    msg.set_content(f"{body}\n\n{FICTION}\n")
    return bytes(msg)


def mail_filed(sent: datetime) -> bytes:
    return eml(
        "Confirmation du dépôt de votre demande",
        "Bonjour,\n\nVotre demande a bien été déposée le 01/03/2025. "
        "Numéro de demande : 7601-2025-0000042.",
        sent,
    )


def mail_api_available(sent: datetime) -> bytes:
    return eml(
        "Votre attestation est disponible",
        "Bonjour,\n\nUne attestation de prolongation d'instruction est disponible dans votre "
        "espace personnel.",
        sent,
    )


def mail_completeness(sent: datetime) -> bytes:
    return eml(
        "Votre demande est incomplète",
        "Bonjour,\n\nAfin de poursuivre l'instruction, merci de compléter votre demande en "
        "transmettant les pièces complémentaires demandées avant le 15/04/2025.",
        sent,
    )


def mail_decision(sent: datetime) -> bytes:
    return eml(
        "Votre demande a évolué",
        "Bonjour,\n\nUne décision a été prise sur votre demande. Connectez-vous à votre espace.",
        sent,
    )
