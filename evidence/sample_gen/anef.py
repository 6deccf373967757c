"""The second invented applicant: an ANEF renewal filed on time, permit expired, no API.

M. Youssef Exemple (nobody real) renews a carte de séjour « salarié » at the Préfecture du
Rhône (69, TA Lyon). The card expires on 15/03/2025; he filed on the ANEF téléservice on
20/12/2024, inside the R. 431-5 window (15/11/2024 – 14/01/2025); nothing more was asked of
him; no attestation de prolongation d'instruction came. On 28/03/2025 his ANEF account still
says « En cours d'instruction ». His employer has suspended his contract.

    anef/applicant.toml  anef/events.toml
    anef/documents/      titre-de-sejour.pdf  confirmation-depot.pdf  attestation-employeur.pdf
                         courriel-confirmation-depot.eml  documents.toml
    anef/captures/       espace-anef-2025-03-28.html
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from .common import paris, write_bytes, write_text
from .pdfkit import Doc

ID = "demo-002"
NAME = "Youssef Exemple"
CIVILITY = "M. Youssef Exemple"
REFERENCE = "6901-2024-0012345"  # invented ANEF demand number
PREF = "Préfecture du Rhône"
ANEF_URL = (
    "https://administration-etrangers-en-france.interieur.gouv.fr/particuliers/#/espace-personnel/"
)
FICTION = "DOCUMENT FICTIF — exemple fourni avec guichets, aucune personne réelle"

APPLICANT_TOML = f"""\
# Second invented applicant for the demo: an ANEF renewal filed on time, no attestation.
id = "{ID}"
prefecture = "69"
procedure = "renouvellement"
route = "anef"
oqtf = "none"
permit_expiry = 2025-03-15

[identity]
full_name = "{NAME}"
birth_date = 1988-09-02
nationality = "tunisienne"
email = "youssef.exemple@example.org"
phone = "06 00 00 00 01"
address = "3 rue de l'Exemple, 69003 Lyon"
"""

EVENTS_TOML = """\
# Events the applicant declares (guichets event add); the others are read from the documents.
[[events]]
kind = "complete"
on = 2024-12-20
note = "aucune pièce complémentaire demandée depuis le dépôt"
"""

DOCUMENTS_TOML = """\
# Documents of demo-002 (all invented); kinds api, filing_confirmation and anef_email are read
# for their events (ingest documents reads the dates from the text).

[[documents]]
file = "titre-de-sejour.pdf"
kind = "permit"
title = "Titre de séjour (carte de séjour temporaire « salarié ») valable jusqu'au 15/03/2025 — spécimen"
dated = 2024-03-16

[[documents]]
file = "confirmation-depot.pdf"
kind = "filing_confirmation"
title = "Attestation de dépôt de la demande de renouvellement sur l'ANEF (20/12/2024)"

[[documents]]
file = "courriel-confirmation-depot.eml"
kind = "anef_email"
title = "Courriel du téléservice ANEF confirmant le dépôt de la demande"

[[documents]]
file = "attestation-employeur.pdf"
kind = "urgency"
title = "Attestation de l'employeur : contrat suspendu faute de document de séjour"
dated = 2025-03-24
"""


def permit() -> bytes:
    pdf = Doc("Titre de séjour — SPÉCIMEN — document fictif", paris(2025, 1, 5, 10, 0, 0))
    pdf.add_page()
    pdf.fiction_banner()
    pdf.para("Copie du titre de séjour — SPÉCIMEN — document fictif", 14, "B", align="C")
    pdf.lines(
        [
            "RÉPUBLIQUE FRANÇAISE — TITRE DE SÉJOUR",
            "NOM : EXEMPLE    Prénom(s) : Youssef",
            "Nationalité : tunisienne    Date de naissance : 02 09 1988",
            "Type de titre : CARTE DE SÉJOUR TEMPORAIRE — SALARIÉ",
            "Valable du 16/03/2024 au 15/03/2025",
            f"Délivré par : {PREF}",
        ],
        11,
    )
    pdf.ln(6)
    pdf.para(
        "Reproduction entièrement inventée, fournie pour les démonstrations ; elle ne correspond "
        "à aucun titre réel.",
        10,
    )
    pdf.watermark()
    return pdf.bytes()


def filing_confirmation() -> bytes:
    pdf = Doc("Attestation de dépôt — ANEF (fictive)", paris(2024, 12, 20, 21, 14, 0))
    pdf.add_page()
    pdf.fiction_banner()
    pdf.lines(
        ["MINISTÈRE DE L'INTÉRIEUR", "Administration numérique pour les étrangers en France"],
        10,
        "B",
    )
    pdf.ln(8)
    pdf.para("ATTESTATION DE DÉPÔT", 15, "B", align="C")
    pdf.para(f"Numéro de la demande : {REFERENCE} (fictif)", 10, align="C", gap=8)
    pdf.para(
        f"{CIVILITY}, né le 02/09/1988, de nationalité tunisienne, a déposé une demande de "
        "renouvellement de carte de séjour temporaire portant la mention « salarié »."
    )
    pdf.para("Demande déposée le 20/12/2024 à 21 h 14.")
    pdf.para(f"Préfecture compétente : {PREF}.")
    pdf.para(
        "Cette attestation ne constitue pas un document provisoire de séjour. Si l'instruction "
        "de la demande se prolonge au-delà de la date d'expiration du titre détenu, une "
        "attestation de prolongation d'instruction est mise à disposition dans l'espace personnel.",
        10,
    )
    pdf.watermark()
    return pdf.bytes()


def employer() -> bytes:
    pdf = Doc("Attestation de l'employeur (fictive)", paris(2025, 3, 24, 16, 30, 0))
    pdf.add_page()
    pdf.fiction_banner()
    pdf.lines(["Transports du Confluent — SAS (entreprise fictive)", "69002 Lyon"], 10)
    pdf.ln(8)
    pdf.lines(["Lyon, le 24 mars 2025"], 11, align="R")
    pdf.ln(6)
    pdf.para("Objet : suspension du contrat de travail", 11, "B", gap=5)
    pdf.para(
        f"Je soussignée, Mme Claire Modèle, responsable des ressources humaines, atteste que "
        f"{CIVILITY} est employé en contrat à durée indéterminée depuis le 4 janvier 2021 en "
        "qualité de chauffeur livreur."
    )
    pdf.para(
        "Son titre de séjour a expiré le 15/03/2025 et il n'a pu nous présenter aucun document "
        "l'autorisant à séjourner et à travailler depuis le 16/03/2025. Son contrat est suspendu "
        "depuis cette date et son salaire n'est plus versé."
    )
    pdf.lines(["Claire Modèle (personne fictive)"], 11, align="R")
    pdf.watermark()
    return pdf.bytes()


def confirmation_email() -> bytes:
    msg = EmailMessage()
    msg["From"] = "ANEF - ne pas répondre <ne-pas-repondre@anef.example.org>"
    msg["To"] = "youssef.exemple@example.org"
    msg["Subject"] = "Confirmation du dépôt de votre demande"
    msg["Date"] = format_datetime(paris(2024, 12, 20, 21, 15, 2))
    msg["Message-ID"] = "<20241220211502.demo002@anef.example.org>"
    msg.set_content(
        "Bonjour,\n\n"
        "Votre demande de renouvellement de titre de séjour a bien été déposée le 20/12/2024.\n"
        f"Numéro de demande : {REFERENCE}\n\n"
        "Vous pouvez suivre son avancement dans votre espace personnel.\n"
        "Ce message est généré automatiquement, merci de ne pas y répondre.\n\n"
        f"{FICTION} (adresse d'expédition inventée)\n"
    )
    return bytes(msg)


def status_page() -> str:
    return f"""\
<!DOCTYPE html>
<!-- saved from url=({len(ANEF_URL):04d}){ANEF_URL} -->
<html lang="fr"><head><meta charset="utf-8">
<title>Administration numérique pour les étrangers en France</title></head><body>
<p style="color:#a00">{FICTION}</p>
<header><p>Administration numérique pour les étrangers en France</p>
<p>Bonjour {CIVILITY} — <a href="#/deconnexion">Me déconnecter</a></p></header>
<main><h1>Mes demandes</h1>
<section><h2>Renouvellement de carte de séjour temporaire « salarié »</h2>
<p>Numéro de demande : {REFERENCE}</p>
<p>Date de dépôt : 20/12/2024</p>
<p>Statut : <strong>En cours d'instruction</strong></p>
<p>Aucun document n'est disponible pour cette demande.</p>
</section></main>
<footer><p>Page enregistrée le 28/03/2025 à 09 h 12</p></footer>
</body></html>
"""


def generate(root: Path) -> None:
    base = "anef"
    write_text(root, f"{base}/applicant.toml", APPLICANT_TOML)
    write_text(root, f"{base}/events.toml", EVENTS_TOML)
    write_text(root, f"{base}/documents/documents.toml", DOCUMENTS_TOML)
    write_bytes(root, f"{base}/documents/titre-de-sejour.pdf", permit())
    write_bytes(root, f"{base}/documents/confirmation-depot.pdf", filing_confirmation())
    write_bytes(root, f"{base}/documents/attestation-employeur.pdf", employer())
    write_bytes(root, f"{base}/documents/courriel-confirmation-depot.eml", confirmation_email())
    write_text(root, f"{base}/captures/espace-anef-2025-03-28_09-12-40.html", status_page())
