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

from toolkit.indicators.readiness_rules import RULE_SPECS
from toolkit.model import Route

RULE_IDS = tuple(RULE_SPECS)

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
    # the procedure (issue 18)
    "filing": "faits", "filing_proof": "faits", "filing_window": "faits",
    "completeness": "faits", "api_gap": "faits", "anef_evidence": "faits",
    "diligences": "demarches", "prefet_request": "demarches", "appointment_wait": "faits",
    "dir_not_born": "recevabilite", "recourse_time": "recevabilite",
    "motifs_requested": "recevabilite",
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
    timeline: dict[str, Any] | None = None  # guichets timeline (toolkit.timeline), as of the letter


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
    # extra_context(ws, applicant_id, context, facts) -> more variables
    extra_context: (
        Callable[[Workspace, str, dict[str, Any], LetterFacts], dict[str, Any]] | None
    ) = None
    variables: dict[str, str] = field(default_factory=dict)


def refuse_booking_requete(f: LetterFacts) -> str | None:
    """A booking référé is the remedy only for a demand made at the guichet."""
    if f.route == Route.ANEF:
        return (
            f"the filing route of {f.applicant_id} is anef: a référé « mesures utiles » for an "
            "appointment is not the remedy. Ask the préfet to record the impossibility of using "
            "the téléservice and to offer the « solution de substitution » (R. 431-2 CESEDA; "
            f"`guichets letter prefet-substitution {f.applicant_id}`), or, for a complete demand filed on "
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


def refuse_substitution_claim(f: LetterFacts) -> str | None:
    """On the ANEF route the DDD letter and the letter to the préfet ask for the « solution de
    substitution »: they cannot say the téléservice was impossible to use when a demand was
    filed on it (the attestation, the implicit rejection have letters of their own)."""
    from toolkit.documents.procedure_letters import fitting

    filed = (f.timeline or {}).get("facts", {}).get("filing", {}).get("date")
    if f.route != Route.ANEF or filed is None:
        return None
    others = ", ".join(k for k in fitting(f.timeline or {}) if k not in ("ddd", "prefecture"))
    return (
        f"a demand of {f.applicant_id} was filed on the ANEF téléservice on {filed.isoformat()}: "
        "a letter saying the téléservice could not be used would be contradicted by the file; "
        f"letters that fit the timeline: {others or 'none yet'} (see `guichets letter list "
        f"{f.applicant_id}`)"
    )


# Letters of the procedure (issue 18): each fits when the timeline proposes it; a letter to
# the préfet or a request for reasons is a diligence that only an OQTF could make unwise.
_LETTER_RULES = frozenset(RULE_IDS) - {"oqtf"}
_REFERE_EXEMPT = frozenset({"prefet_request", "written_request", "permit_copy", "filing_proof"})


def _procedure_kind(
    name: str, title: str, help: str, *, signer: str = "demandeur", exempt: frozenset[str]
) -> LetterKind:
    from toolkit.documents.procedure_context import PROCEDURE_VARIABLES
    from toolkit.documents.procedure_letters import procedure_extra, refuse_off_timeline

    return LetterKind(
        name, title, help, default_signer=signer, exempt=exempt,
        refuse=refuse_off_timeline(name), extra_context=procedure_extra,
        variables={**PROCEDURE_VARIABLES, "notes_procedure": "Lines for the lawyer's note"},
    )  # fmt: skip


PROCEDURE_KINDS: tuple[LetterKind, ...] = (
    _procedure_kind(
        "prefet-api", "Lettre au préfet : attestation de prolongation d'instruction",
        "Letter asking the préfet for the attestation de prolongation d'instruction "
        "(R. 431-15-1 CESEDA) of a complete ANEF demand filed on time.",
        exempt=_LETTER_RULES,
    ),
    _procedure_kind(
        "prefet-substitution", "Lettre au préfet : solution de substitution",
        "Letter asking the préfet to record that the ANEF téléservice cannot be used and to "
        "offer the « solution de substitution » (R. 431-2 CESEDA), listing the diligences.",
        exempt=_LETTER_RULES,
    ),
    _procedure_kind(
        "prefet-rdv", "Lettre au préfet : convocation attendue",
        "Letter asking for the biometrics or remise convocation that does not come.",
        exempt=_LETTER_RULES,
    ),
    _procedure_kind(
        "motifs", "Demande de communication des motifs",
        "Request for the reasons of an implicit rejection (L. 232-4 CRPA).",
        exempt=frozenset(RULE_IDS),
    ),
    _procedure_kind(
        "refere-api", "Requête en référé « mesures utiles » : attestation de prolongation d'instruction",
        "Draft référé « mesures utiles » for the attestation de prolongation d'instruction, "
        "before the implicit rejection is born.",
        signer="avocat", exempt=_REFERE_EXEMPT,
    ),
    _procedure_kind(
        "refere-substitution", "Requête en référé « mesures utiles » : solution de substitution",
        "Draft référé « mesures utiles » for access to the substitution of the ANEF téléservice.",
        signer="avocat", exempt=_REFERE_EXEMPT,
    ),
    _procedure_kind(
        "refere-rdv", "Requête en référé « mesures utiles » : convocation",
        "Draft référé « mesures utiles » for a biometrics or remise convocation.",
        signer="avocat", exempt=_REFERE_EXEMPT,
    ),
    _procedure_kind(
        "annulation-dir", "Requête en annulation de la décision implicite de rejet",
        "Draft recours pour excès de pouvoir against an implicit rejection.",
        signer="avocat", exempt=_REFERE_EXEMPT | {"oqtf", "urgency", "motifs_requested"},
    ),
    _procedure_kind(
        "suspension-dir", "Requête en référé-suspension",
        "Draft référé-suspension (L. 521-1 CJA) of an implicit rejection, with its requête.",
        signer="avocat", exempt=_REFERE_EXEMPT | {"motifs_requested"},
    ),
    _procedure_kind(
        "attestation-anef", "Attestation sur l'honneur du demandeur",
        "The applicant's attestation sur l'honneur of the facts of the procedure.",
        exempt=frozenset(RULE_IDS),
    ),
)  # fmt: skip

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
            refuse=refuse_substitution_claim,
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
            refuse=refuse_substitution_claim,
        ),
        LetterKind(
            "requete",
            "Requête en référé « mesures utiles »",
            "Draft référé « mesures utiles » (L. 521-3 CJA) for an appointment at the guichet; "
            "refused for an ANEF or postal route or after an implicit rejection.",
            default_signer="avocat",
            refuse=refuse_booking_requete,
        ),
        *PROCEDURE_KINDS,
    )
}
