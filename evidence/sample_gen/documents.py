"""Supporting documents (all invented and marked so) and documents.toml."""

from __future__ import annotations

from pathlib import Path

from .common import (
    CIVILITY_NAME,
    IDENTITY,
    PERMIT_ISSUED,
    PREF_NAME,
    paris,
    write_bytes,
    write_text,
)
from .pdfkit import GREY, Doc


def permit() -> bytes:
    """A specimen residence permit card, valid until 15/04/2025."""
    pdf = Doc("Titre de séjour — SPÉCIMEN — document fictif", paris(2025, 3, 2, 16, 20, 0))
    pdf.add_page()
    pdf.fiction_banner()
    pdf.para("Copie du titre de séjour — SPÉCIMEN — document fictif", 14, "B", align="C")
    pdf.ln(4)
    x0, y0, w, h = 25, 50, 160, 101
    with pdf.local_context(fill_color=(226, 236, 246), draw_color=(90, 110, 150), line_width=0.6):
        pdf.rect(x0, y0, w, h, style="DF", round_corners=True, corner_radius=5)
    pdf.set_xy(x0 + 6, y0 + 5)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 5, "RÉPUBLIQUE FRANÇAISE")
    pdf.set_xy(x0 + 6, y0 + 11)
    pdf.set_font("DejaVu", "B", 13)
    pdf.cell(0, 6, "TITRE DE SÉJOUR")
    with pdf.local_context(fill_color=(205, 210, 220)):
        pdf.rect(x0 + 6, y0 + 22, 30, 38, style="F")
    pdf.set_xy(x0 + 6, y0 + 39)
    pdf.set_font("DejaVu", size=8)
    pdf.cell(30, 4, "PHOTO", align="C")
    fields = [
        ("NOM", "EXEMPLE"),
        ("Prénom(s)", "Nadia"),
        ("Sexe", "F"),
        ("Nationalité", "marocaine"),
        ("Date de naissance", "17 04 1990"),
        ("Type de titre", "CARTE DE SÉJOUR TEMPORAIRE"),
        ("Remarques", "SALARIÉ"),
        ("Valable du", f"{PERMIT_ISSUED:%d/%m/%Y}  au  15/04/2025"),
        ("Délivré par", PREF_NAME),
    ]
    y = y0 + 22
    for label, value in fields:
        pdf.set_xy(x0 + 42, y)
        pdf.set_font("DejaVu", size=7)
        with pdf.local_context(text_color=GREY):
            pdf.cell(32, 4.5, label)
        pdf.set_font("DejaVu", "B", 9)
        pdf.cell(0, 4.5, value)
        y += 6
    pdf.set_xy(x0 + 6, y0 + h - 16)
    pdf.set_font("DejaVuMono", size=9)
    pdf.cell(0, 4.5, "IRFRASPECIMEN<<<<<<<<<<<<<<<<<<<<<")
    pdf.set_xy(x0 + 6, y0 + h - 11)
    pdf.cell(0, 4.5, "EXEMPLE<<NADIA<<<<<<<<<<<<<<<<<<<<")
    pdf.set_xy(20, 165)
    pdf.para(
        "Ce titre de séjour est valable jusqu'au 15/04/2025. Reproduction entièrement "
        "inventée, fournie pour les démonstrations ; elle ne correspond à aucun titre réel "
        "et ne peut servir à rien d'autre.",
        10,
    )
    pdf.watermark()
    return pdf.bytes()


def ccc_attestation() -> bytes:
    when = paris(2025, 3, 19, 11, 58, 0)
    pdf = Doc("Attestation du Centre de contact citoyen (fictive)", when)
    pdf.add_page()
    pdf.fiction_banner()
    pdf.lines(
        [
            "MINISTÈRE DE L'INTÉRIEUR",
            "Centre de contact citoyen",
            "Administration numérique pour les étrangers en France",
        ],
        10,
        "B",
    )
    pdf.lines(["Téléphone : 0806 001 620 (service gratuit + prix d'un appel)"], 9)
    pdf.ln(10)
    pdf.para("ATTESTATION DE CONTACT", 15, "B", align="C")
    pdf.para("Référence : CCC-2025-03-19-000000 (fictive)", 9, align="C", gap=10)
    pdf.para(
        f"Le Centre de contact citoyen atteste avoir été contacté le 19/03/2025 à 11 h 42 par "
        f"{CIVILITY_NAME}, née le 17/04/1990, au sujet de sa demande de renouvellement de "
        "titre de séjour relevant de la préfecture de la Seine-Maritime."
    )
    pdf.para(
        "L'usagère indique ne pas parvenir à obtenir de rendez-vous en ligne depuis le "
        "24/02/2025. Lors de l'échange, la consultation du service de prise de rendez-vous "
        "de la préfecture a confirmé qu'aucune plage horaire n'était proposée : le message "
        "« Il n'existe plus de plage horaire libre pour votre demande de rendez-vous » "
        "s'affichait."
    )
    pdf.para(
        "Le Centre de contact citoyen constate ainsi l'impossibilité, à cette date, "
        "d'obtenir un rendez-vous par la voie dématérialisée. La présente attestation est "
        "remise à l'intéressée pour lui permettre de solliciter une solution de substitution "
        "auprès de la préfecture.",
        gap=12,
    )
    pdf.lines(["Fait le 19/03/2025", "Le Centre de contact citoyen"], 11, align="R")
    pdf.watermark()
    return pdf.bytes()


def employer_letter() -> bytes:
    pdf = Doc(
        "Attestation de l'employeur (fictive)",
        paris(2025, 3, 10, 17, 5, 0),
        author="Boulangerie du Vieux-Marché (fictive)",
    )
    pdf.add_page()
    pdf.fiction_banner()
    pdf.lines(
        [
            "Boulangerie du Vieux-Marché — SARL (entreprise fictive)",
            "1 place de l'Exemple, 76000 Rouen",
            "SIRET : 000 000 000 00000 (fictif)",
        ],
        10,
    )
    pdf.ln(8)
    pdf.lines(["Rouen, le 10 mars 2025"], 11, align="R")
    pdf.ln(8)
    pdf.para("Objet : attestation de l'employeur — maintien du contrat de travail", 11, "B", gap=6)
    pdf.para(
        "Je soussigné, M. Jean Modèle, gérant de la société, atteste que "
        f"{CIVILITY_NAME}, née le 17/04/1990, est employée dans notre entreprise en contrat "
        "à durée indéterminée depuis le 2 mai 2022, en qualité de vendeuse, à temps plein."
    )
    pdf.para(
        "Son maintien dans l'emploi dépend de la détention d'un titre de séjour l'autorisant "
        "à travailler. Son titre actuel expire le 15/04/2025. Si elle ne peut pas nous "
        "présenter à cette date un titre renouvelé ou un récépissé en cours de validité, nous "
        "serons contraints de suspendre son contrat de travail, et elle perdra son salaire."
    )
    pdf.para("Nous souhaitons vivement conserver Mme Exemple parmi nos salariés.")
    pdf.para(
        "Attestation établie à la demande de l'intéressée pour servir et valoir ce que de droit.",
        gap=12,
    )
    pdf.lines(["Jean Modèle, gérant (personne fictive)"], 11, align="R")
    pdf.watermark()
    return pdf.bytes()


def registered_letter() -> bytes:
    """The LRAR of 13/03/2025 and, on page 2, the signed « avis de réception »."""
    pdf = Doc(
        "Lettre recommandée avec avis de réception du 13/03/2025 (fictive)",
        paris(2025, 3, 18, 9, 40, 0),
        author=str(IDENTITY["full_name"]),
    )
    pdf.add_page()
    pdf.fiction_banner()
    pdf.lines(
        [
            CIVILITY_NAME,
            str(IDENTITY["address"]),
            f"Tél. : {IDENTITY['phone']}",
            str(IDENTITY["email"]),
        ],
        10,
    )
    pdf.set_xy(110, 48)
    pdf.set_font("DejaVu", size=10)
    pdf.multi_cell(
        85,
        5,
        "Monsieur le Préfet de la Seine-Maritime\nPréfecture de la Seine-Maritime"
        "\nBureau du séjour\n7 place de la Madeleine\n76036 Rouen Cedex",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(8)
    pdf.lines(["Rouen, le 13 mars 2025"], 10, align="R")
    pdf.ln(4)
    pdf.para(
        "Lettre recommandée avec avis de réception n° 1A 000 000 0000 0 (numéro fictif)", 9, gap=2
    )
    pdf.para(
        "Objet : demande de rendez-vous pour le renouvellement de mon titre de séjour",
        10,
        "B",
        gap=5,
    )
    pdf.para("Monsieur le Préfet,", 10)
    pdf.para(
        "Titulaire d'une carte de séjour temporaire portant la mention « salarié », valable "
        "jusqu'au 15/04/2025, je souhaite en demander le renouvellement. Depuis le "
        "24 février 2025, je tente chaque semaine, à des heures différentes, d'obtenir un "
        "rendez-vous sur le site internet de la préfecture. Le site affiche à chaque fois : "
        "« Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
        "Veuillez recommencer ultérieurement. »",
        10,
    )
    pdf.para(
        "Mon courriel du 6 mars 2025 n'a reçu qu'une réponse automatique. Mon titre expire "
        "dans un mois et mon employeur ne pourra pas me garder sans titre ou récépissé "
        "valide.",
        10,
    )
    pdf.para(
        "Je vous demande donc de bien vouloir me convoquer à un rendez-vous, ou de m'indiquer "
        "un autre moyen de déposer ma demande, avant le 15/04/2025.",
        10,
    )
    pdf.para(
        "Je vous prie d'agréer, Monsieur le Préfet, l'expression de ma considération distinguée.",
        10,
        gap=6,
    )
    pdf.lines(["Nadia Exemple"], 10, align="R")
    pdf.ln(6)
    pdf.para(
        "Pièces jointes : copie du titre de séjour ; captures d'écran du 24/02/2025 au "
        "12/03/2025 ; copie du courriel du 06/03/2025.",
        9,
    )
    pdf.watermark()
    # page 2: the avis de réception as returned
    pdf.add_page()
    pdf.fiction_banner()
    with pdf.local_context(draw_color=(200, 140, 0), line_width=0.8):
        pdf.rect(20, 30, 170, 120)
    pdf.set_xy(26, 36)
    pdf.set_font("DejaVu", "B", 16)
    pdf.cell(0, 8, "AVIS DE RÉCEPTION")
    pdf.set_xy(26, 46)
    pdf.set_font("DejaVu", size=9)
    pdf.cell(0, 5, "Lettre recommandée n° 1A 000 000 0000 0 (numéro fictif)")
    rows = [
        ("Présentée / avisée le", "14/03/2025"),
        ("Distribuée le", "17/03/2025"),
        ("Destinataire", "Préfecture de la Seine-Maritime — Bureau du séjour"),
        ("Adresse", "7 place de la Madeleine, 76036 Rouen Cedex"),
        ("Retour à l'expéditeur", f"{CIVILITY_NAME}, 76000 Rouen"),
    ]
    y = 58
    for label, value in rows:
        pdf.set_xy(26, y)
        pdf.set_font("DejaVu", size=9)
        pdf.cell(48, 6, label)
        pdf.set_font("DejaVu", "B", 10)
        pdf.cell(0, 6, value)
        y += 9
    pdf.set_xy(26, 110)
    pdf.set_font("DejaVu", size=9)
    pdf.cell(80, 5, "Signature du destinataire ou de son mandataire")
    with pdf.local_context(draw_color=(20, 40, 120), line_width=0.5):
        pdf.bezier([(34, 135), (45, 118), (52, 142), (62, 124)])
        pdf.bezier([(62, 124), (70, 112), (76, 138), (92, 126)])
    with pdf.local_context(draw_color=(120, 60, 140), text_color=(120, 60, 140), line_width=0.6):
        pdf.circle(x=155, y=128, radius=16)
        pdf.set_xy(139, 122)
        pdf.set_font("DejaVu", "B", 7)
        pdf.multi_cell(32, 4, "BUREAU DE POSTE\nROUEN\n17.03.25", align="C")
    pdf.set_xy(20, 160)
    pdf.para("Avis de réception reproduit et inventé pour l'exemple ; aucun envoi réel.", 9)
    pdf.watermark()
    return pdf.bytes()


DOCUMENTS = (
    # file, kind, title, dated, builder
    (
        "titre-de-sejour.pdf",
        "permit",
        "Titre de séjour (carte de séjour temporaire « salarié ») "
        "valable jusqu'au 15/04/2025 — spécimen",
        PERMIT_ISSUED.isoformat(),
        permit,
    ),
    (
        "attestation-ccc.pdf",
        "ccc_attestation",
        "Attestation du Centre de contact citoyen : "
        "impossibilité d'obtenir un rendez-vous en ligne",
        "2025-03-19",
        ccc_attestation,
    ),
    (
        "contrat-de-travail.pdf",
        "urgency",
        "Attestation de l'employeur : maintien du contrat subordonné à un titre de séjour valide",
        "2025-03-10",
        employer_letter,
    ),
    (
        "lrar-2025-03-13.pdf",
        "letter",
        "Lettre recommandée avec avis de réception au préfet de la "
        "Seine-Maritime demandant un rendez-vous",
        "2025-03-13",
        registered_letter,
    ),
)


def documents_toml() -> str:
    out = [
        "# Supporting documents of applicant demo-001 (all invented).",
        "# kind: permit, ccc_attestation, urgency, letter; dated: the document's own date.",
        "",
    ]
    for name, kind, title, dated, _ in DOCUMENTS:
        out += [
            "[[documents]]",
            f'file = "{name}"',
            f'kind = "{kind}"',
            f'title = "{title}"',
            f"dated = {dated}",
            "",
        ]
    return "\n".join(out)


def generate(root: Path) -> None:
    for name, _, _, _, build in DOCUMENTS:
        write_bytes(root, f"documents/{name}", build())
    write_text(root, "documents/documents.toml", documents_toml())
