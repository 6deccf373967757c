"""How a document or a contact is named in the exhibits: the short name of its file (folded
to ASCII by :mod:`toolkit.documents.naming`) and its label in the inventaire détaillé."""

from __future__ import annotations

DOC_SHORT = {
    "permit": "Titre_de_sejour",
    "identity": "Piece_d_identite",
    "ccc_attestation": "Attestation_CCC",
    "urgency": "Justificatif_urgence",
    "letter": "Courrier",
    "email": "Courriel",
    "sworn_statement": "Attestation_sur_l_honneur",
    "other": "Document",
    "api": "Attestation_prolongation_instruction",
    "filing_confirmation": "Confirmation_de_depot",
    "anef_email": "Courriel_ANEF",
    "decision": "Decision_prefecture",
    "convocation": "Convocation",
    "procedure": "Piece_procedure",
}
DOC_LABEL = {
    "permit": "Titre de séjour ou récépissé",
    "identity": "Pièce d'identité",
    "ccc_attestation": "Attestation du Centre de contact citoyen (CCC)",
    "urgency": "Justificatif de l'urgence",
    "letter": "Courrier adressé à la préfecture",
    "email": "Courriel",
    "sworn_statement": "Attestation sur l'honneur du demandeur",
    "other": "Document",
    "api": "Attestation de prolongation d'instruction",
    "filing_confirmation": "Confirmation de dépôt de la demande",
    "anef_email": "Courriel du téléservice ANEF",
    "decision": "Décision de la préfecture",
    "convocation": "Convocation de la préfecture",
    "procedure": "Pièce de la procédure",
}
CONTACT_NOUNS = {  # a count of contacts by channel: « 3 courriels et 1 courrier »
    "email": ("courriel", "courriels"),
    "letter": ("courrier", "courriers"),
    "phone": ("appel téléphonique", "appels téléphoniques"),
    "counter": ("passage au guichet", "passages au guichet"),
    "other": ("autre démarche", "autres démarches"),
}
CHANNEL_NOUN = {
    "email": "Courriel",
    "letter": "Courrier",
    "phone": "Justificatif d'appel téléphonique",
    "counter": "Justificatif de passage au guichet",
    "other": "Justificatif de démarche",
}
