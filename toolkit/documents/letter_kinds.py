"""The kinds of letters, in one registry: what each is for, who signs it, when it is refused.

A letter is refused (``LetterRefused``: one line, exit 1) in two cases:

- **the wrong remedy**: ``refuse`` finds that the letter asks for something the facts rule
  out (a booking référé for a demand filed on ANEF, or after an implicit rejection) and
  names the fitting remedy. ``--draft`` does not lift this refusal;
- **an insufficient file**: the readiness check (``check``; a kind may bring its own) has a
  failed rule that concerns this letter (every failed rule but those in ``exempt``).
  ``--draft`` writes the letter anyway, each such failure printed « [À vérifier : …] »
  where it matters (``SECTIONS`` maps a rule to a place in the letter).

To add a kind: write its template (``templates/make_templates.py``, function + entry in
``TEMPLATES``), add a :class:`LetterKind` to :data:`LETTER_KINDS`, and, when it needs
variables of its own, give ``extra_context`` (a function returning them) and ``variables``
(their documentation, listed in ``templates/README.md``). The CLI gets
``guichets letter KIND`` from the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.model import Route

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

SIGNERS = ("demandeur", "avocat")

# Where a failed rule is printed « [À vérifier : …] » in a draft: the facts of the attempts,
# the urgency, the admissibility (remedy, earlier decisions), the written requests.
SECTIONS: dict[str, str] = {
    "attempts": "faits", "span": "faits", "distinct_days": "faits", "recency": "faits",
    "hour_bands": "faits", "publication_times": "faits", "weak_times": "faits",
    "declared_times": "faits", "outcomes": "faits", "booking_target": "faits",
    "applicant_link": "faits", "corroboration": "faits", "review": "faits",
    "written_request": "demarches", "ccc_attestation": "demarches",
    "route": "recevabilite", "earlier_demand": "recevabilite",
    "oqtf": "urgence", "urgency": "urgence", "permit_expiry": "urgence",
    "permit_copy": "urgence", "renewal_window": "urgence", "permit_expired": "urgence",
}  # fmt: skip
PLACES = ("faits", "demarches", "recevabilite", "urgence")


@dataclass(frozen=True)
class LetterFacts:
    """What ``refuse`` looks at: the applicant's route and the decisive earlier demand."""

    applicant_id: str
    route: str
    procedure: str
    dir_arisen_on: date | None  # an implicit rejection born on a complete demand
    dir_filed_on: date | None


@dataclass(frozen=True)
class LetterKind:
    name: str  # command and template name: ``guichets letter NAME``, ``templates/NAME.docx``
    title: str  # French, the document's title
    help: str  # English, the command's help
    default_signer: str = "demandeur"
    exempt: frozenset[str] = frozenset()  # failed rules that do not block this letter
    refuse: Callable[[LetterFacts], str | None] | None = None
    # check(ws, applicant_id, rules, today) -> a check_readiness result; None = the default
    check: Callable[..., dict[str, Any]] | None = None
    extra_context: Callable[[Workspace, str, dict[str, Any]], dict[str, Any]] | None = None
    variables: dict[str, str] = field(default_factory=dict)


def refuse_booking_requete(f: LetterFacts) -> str | None:
    """A booking référé is the remedy only for a demand made at the guichet."""
    if f.route == Route.ANEF:
        return (
            f"the filing route of {f.applicant_id} is anef: a référé « mesures utiles » for an "
            "appointment is not the remedy. Ask the préfet to record the impossibility of using "
            "the téléservice and to offer the « solution de substitution » (R. 431-2 CESEDA; "
            f"`guichets letter prefecture {f.applicant_id}`), or, for a complete demand filed on "
            "time, the attestation de prolongation d'instruction (R. 431-15-1 CESEDA). If the "
            f"démarche does need an appointment: `guichets applicant update {f.applicant_id} "
            "--route guichet`"
        )
    if f.route in (Route.POSTAL, Route.DEMARCHES_SIMPLIFIEES):
        return (
            f"the filing route of {f.applicant_id} is {f.route}: there is no appointment to "
            "obtain, so a référé « mesures utiles » for one is not the remedy; ask the préfet "
            f"in writing to register the demand (`guichets letter prefecture {f.applicant_id}`)"
        )
    if f.dir_arisen_on is not None and f.dir_filed_on is not None:
        return (
            f"the complete demand of {f.applicant_id} filed on {f.dir_filed_on.isoformat()} "
            "went unanswered: an implicit rejection (décision implicite de rejet) arose on "
            f"{f.dir_arisen_on.isoformat()}, and a référé « mesures utiles » cannot stand in "
            "the way of a decision. The remedy: ask for its reasons (L. 232-4 CRPA), then a "
            "recours pour excès de pouvoir with a référé-suspension (L. 521-1 CJA), within one "
            "year of the decision (CE, avis, 2 oct. 2025, n° 504677)"
        )
    return None


LETTER_KINDS: dict[str, LetterKind] = {
    kind.name: kind
    for kind in (
        LetterKind(
            "ddd",
            "Réclamation au Défenseur des droits",
            "Réclamation to the Défenseur des droits (Libre réponse 71120, 75342 Paris Cedex 07), "
            "with observations asked for before the court when a référé is planned or filed.",
            # urgency is a condition of the référé, not of a réclamation; the route changes the
            # letter's wording, not whether it can be sent
            exempt=frozenset({"urgency", "route", "renewal_window"}),
        ),
        LetterKind(
            "prefecture",
            "Lettre au préfet",
            "Written request to the préfet, its legal basis by filing route: an appointment "
            "(guichet) or the « solution de substitution » (ANEF).",
            # a written request is a diligence that comes before any référé: only what makes it
            # unwise (an OQTF, an existing decision) stops it
            exempt=frozenset(
                {
                    "attempts",
                    "span",
                    "distinct_days",
                    "recency",
                    "hour_bands",
                    "urgency",
                    "route",
                    "renewal_window",
                    "permit_expired",
                    "outcomes",
                    "weak_times",
                    "booking_target",
                    "publication_times",
                }
            ),
        ),
        LetterKind(
            "requete",
            "Requête en référé « mesures utiles »",
            "Draft référé « mesures utiles » (L. 521-3 CJA) for an appointment at the guichet; "
            "refused for an ANEF or postal route or after an implicit rejection.",
            default_signer="avocat",
            refuse=refuse_booking_requete,
        ),
    )
}
