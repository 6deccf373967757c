"""The procedure vocabulary: slugs in data, French labels in documents, ANEF scope."""

from __future__ import annotations

from functools import cache

from toolkit.errors import NotFound
from toolkit.model import Procedure, Route
from toolkit.reference.fold import fold

PROCEDURE_LABELS_FR: dict[str, str] = {
    Procedure.PREMIERE_DEMANDE.value: "première demande de titre de séjour",
    Procedure.RENOUVELLEMENT.value: "renouvellement de titre de séjour",
    Procedure.CHANGEMENT_STATUT.value: "changement de statut",
    Procedure.CHANGEMENT_SITUATION.value: "changement de situation",
    Procedure.DUPLICATA.value: "duplicata de titre de séjour",
    Procedure.RETRAIT_TITRE.value: "retrait du titre de séjour",
    Procedure.RECEPISSE.value: "récépissé",
    Procedure.DCEM.value: "document de circulation pour étranger mineur (DCEM)",
    Procedure.TITRE_VOYAGE.value: "titre de voyage",
    Procedure.REGULARISATION.value: "admission exceptionnelle au séjour",
    Procedure.NATURALISATION.value: "naturalisation",
    Procedure.ASILE.value: "demande d'asile",
    Procedure.AUTRE.value: "autre démarche",
}

# Procedures filed on the ANEF portal (administration-etrangers-en-france) for every
# applicant, whatever the kind of permit. Deliberately conservative, because a rule
# built on it (a CCC attestation is expected) must not fire where the guichet is
# still the route: "premiere-demande" is on ANEF only for some categories (students,
# passeport talent), which the slug does not say; "changement-situation",
# "regularisation", "retrait-titre", "recepisse" and "asile" go through the guichet
# (or the GUDA for asylum).
ANEF_PROCEDURES: frozenset[str] = frozenset(
    {
        Procedure.RENOUVELLEMENT.value,
        Procedure.CHANGEMENT_STATUT.value,
        Procedure.DUPLICATA.value,
        Procedure.DCEM.value,
        Procedure.TITRE_VOYAGE.value,
        Procedure.NATURALISATION.value,
    }
)


# Procedures filed at the guichet of the préfecture (or the GUDA for asylum) for every
# applicant. "premiere-demande" and "autre" have no default route: which one applies
# depends on the kind of permit, which the slug does not say.
GUICHET_PROCEDURES: frozenset[str] = frozenset(
    {
        Procedure.CHANGEMENT_SITUATION.value,
        Procedure.REGULARISATION.value,
        Procedure.RETRAIT_TITRE.value,
        Procedure.RECEPISSE.value,
        Procedure.ASILE.value,
    }
)


@cache
def procedure_index() -> dict[str, str]:
    """Folded slug, French label or common word (``vocabulary.toml``) -> procedure slug."""
    from toolkit.reference.vocabulary import procedure_words

    index: dict[str, str] = {}
    for slug, label in PROCEDURE_LABELS_FR.items():
        index[fold(slug)] = slug
        index[fold(label)] = slug
    for word, slug in procedure_words().items():
        index.setdefault(word, slug)
    return index


def get_procedure(query: str) -> str:
    """Return the procedure slug for a slug, a French label or a common alias.

    Case-, accent-, hyphen- and underscore-insensitive: ``"Renouvellement"``,
    ``"premiere_demande"``, ``"Première demande de titre de séjour"`` and ``"AES"``
    all resolve.
    """
    slug = procedure_index().get(fold(str(query)))
    if slug is None:
        valid = ", ".join(PROCEDURE_LABELS_FR)
        raise NotFound(f"unknown procedure {query!r}; use one of: {valid}")
    return slug


def uses_anef(procedure: str) -> bool:
    """Whether the procedure is filed on the ANEF portal (see ``ANEF_PROCEDURES``)."""
    return get_procedure(procedure) in ANEF_PROCEDURES


def default_route(procedure: str) -> str:
    """The filing route a procedure takes by default: ``anef``, ``guichet`` or ``unknown``.

    Only a default: the applicant's own route (``applicant update --route``) always wins.
    Schema 005 fills existing applicants from the same table.
    """
    slug = get_procedure(procedure)
    if slug in ANEF_PROCEDURES:
        return Route.ANEF.value
    if slug in GUICHET_PROCEDURES:
        return Route.GUICHET.value
    return Route.UNKNOWN.value
