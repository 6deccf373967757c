"""The applicant's written requests to the préfecture and its automatic reply (invented)."""

from __future__ import annotations

import textwrap

from .common import CIVILITY_NAME, IDENTITY, PREF_CONTACT, PREF_NAME, paris


def _body(text: str) -> str:
    """Re-flow prose paragraphs to 72 columns as a mail client does; keep short-line blocks.

    A paragraph whose lines all fit in 72 columns (address, signature) is kept as is.
    """
    out = []
    for para in text.strip("\n").split("\n\n"):
        lines = para.split("\n")
        if all(len(line) <= 72 for line in lines):
            out.append(para)
        else:
            out.append(textwrap.fill(" ".join(lines), width=72, break_on_hyphens=False))
    return "\n\n".join(out) + "\n"


APPLICANT_FROM = ("Nadia Exemple", str(IDENTITY["email"]))
PREF_FROM = (PREF_NAME, PREF_CONTACT)
PREF_TO = ("", PREF_CONTACT)
FIRST_ID = "20250306102137.7c41e2@example.org"

FIRST_REQUEST = f"""\
Madame, Monsieur,

Je suis titulaire d'une carte de séjour temporaire « salarié » qui expire le 15/04/2025.
Je souhaite en demander le renouvellement, mais je n'arrive pas à obtenir de rendez-vous
sur le site de la préfecture.

Depuis le 24 février 2025, j'essaie plusieurs fois par jour, le matin avant le travail,
à midi et le soir, y compris le lundi et le jeudi à 14 heures. À chaque fois, la page
« Vérification de disponibilité » affiche le message : « Il n'existe plus de plage horaire
libre pour votre demande de rendez-vous. Veuillez recommencer ultérieurement. »
J'ai conservé des captures d'écran datées de ces tentatives.

Je vous prie de bien vouloir m'indiquer une date de rendez-vous ou un autre moyen de
déposer ma demande avant l'expiration de mon titre, afin de ne pas perdre mon emploi.

Mes coordonnées :
{CIVILITY_NAME}, née le 17/04/1990, de nationalité marocaine
{IDENTITY["address"]}
Téléphone : {IDENTITY["phone"]}

Je vous remercie par avance de votre réponse.
Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

Nadia Exemple
"""

AUTO_REPLY = """\
Ceci est une réponse automatique, merci de ne pas y répondre.

Votre message a bien été reçu par le bureau du séjour de la préfecture de la
Seine-Maritime. En raison du nombre très important de messages, il ne pourra pas
y être répondu individuellement dans l'immédiat.

Les demandes de rendez-vous se font exclusivement en ligne, sur le site des services
de l'État en Seine-Maritime. De nouveaux créneaux sont ouverts régulièrement : nous vous
invitons à consulter le site à nouveau.

Pour les démarches à effectuer sur l'administration numérique pour les étrangers en
France (ANEF), vous pouvez joindre le Centre de contact citoyen au 0806 001 620.

Bureau du séjour
Préfecture de la Seine-Maritime
"""

SECOND_REQUEST = f"""\
Madame, Monsieur,

Je me permets de revenir vers vous au sujet de ma demande de rendez-vous pour le
renouvellement de mon titre de séjour, qui expire le 15/04/2025, dans 25 jours.

Je vous ai écrit le 6 mars 2025 par courriel (je n'ai reçu qu'une réponse automatique),
puis le 13 mars 2025 par lettre recommandée avec accusé de réception. Le 19 mars 2025,
le Centre de contact citoyen m'a remis une attestation constatant que je ne pouvais pas
obtenir de rendez-vous en ligne.

Depuis le 24 février, j'ai essayé à plus de trente reprises, sur près de quatre semaines,
à toutes les heures de la journée et même la nuit : le site affiche toujours qu'il n'existe
plus de plage horaire libre, ou bien « Service surchargé ».

Mon employeur m'a informée que mon contrat ne pourra pas être maintenu si je ne présente
pas un titre de séjour ou un récépissé en cours de validité au 15/04/2025.

Je vous demande donc de bien vouloir me fixer un rendez-vous, ou de me délivrer un
récépissé, avant cette date.

Veuillez agréer, Madame, Monsieur, l'expression de mes salutations distinguées.

{CIVILITY_NAME}
{IDENTITY["address"]}
Téléphone : {IDENTITY["phone"]}
"""

SUBJECT = "Demande de rendez-vous – renouvellement de titre de séjour (expire le 15/04/2025)"

MESSAGES: dict[str, dict[str, object]] = {
    "2025-03-06-demande-rendez-vous.eml": {
        "from": APPLICANT_FROM,
        "to": PREF_TO,
        "subject": SUBJECT,
        "date": paris(2025, 3, 6, 10, 21, 37),
        "id": FIRST_ID,
        "body": _body(FIRST_REQUEST),
    },
    "2025-03-06-reponse-automatique.eml": {
        "from": PREF_FROM,
        "to": APPLICANT_FROM,
        "subject": f"Réponse automatique : {SUBJECT}",
        "date": paris(2025, 3, 6, 10, 21, 52),
        "id": "auto.20250306102152.3391@seine-maritime.gouv.fr",
        "In-Reply-To": f"<{FIRST_ID}>",
        "References": f"<{FIRST_ID}>",
        "Auto-Submitted": "auto-replied",
        "body": _body(AUTO_REPLY),
    },
    "2025-03-21-relance.eml": {
        "from": APPLICANT_FROM,
        "to": PREF_TO,
        "subject": f"Relance : {SUBJECT}",
        "date": paris(2025, 3, 21, 18, 47, 5),
        "id": "20250321184705.a09d5f@example.org",
        "body": _body(SECOND_REQUEST),
    },
}
