"""The letters about the procedure itself (ANEF, silence, implicit rejection): their Word
templates, built with the :class:`Letter` of ``make_templates.py``.

Each function takes a fresh ``Letter`` and returns it. Facts come from the procedure's
variables (toolkit/documents/procedure_context.py) and citations from ``cit`` (every V2 or
R point already followed by « [à vérifier : …] »). Nothing here argues what the facts do not
show: dates are absolute, each fact names its pièce, and the conclusions ask only for what a
text provides.
"""

from __future__ import annotations

from procedure_letters import attestation_anef, motifs, prefet_api, prefet_rdv, prefet_substitution
from procedure_requetes import (
    annulation_dir,
    refere_api,
    refere_rdv,
    refere_substitution,
    suspension_dir,
)

# name -> (builder, title)
PROCEDURE_TEMPLATES = {
    "prefet-api": (prefet_api, "Lettre au préfet : attestation de prolongation d'instruction"),
    "prefet-substitution": (prefet_substitution, "Lettre au préfet : solution de substitution"),
    "prefet-rdv": (prefet_rdv, "Lettre au préfet : convocation attendue"),
    "motifs": (motifs, "Demande de communication des motifs"),
    "refere-api": (refere_api, "Requête en référé « mesures utiles » : attestation de prolongation d'instruction"),
    "refere-substitution": (refere_substitution, "Requête en référé « mesures utiles » : solution de substitution"),
    "refere-rdv": (refere_rdv, "Requête en référé « mesures utiles » : convocation"),
    "annulation-dir": (annulation_dir, "Requête en annulation de la décision implicite de rejet"),
    "suspension-dir": (suspension_dir, "Requête en référé-suspension"),
    "attestation-anef": (attestation_anef, "Attestation sur l'honneur du demandeur"),
}  # fmt: skip
