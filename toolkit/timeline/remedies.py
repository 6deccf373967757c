"""Which remedies fit the dated facts, in the order a lawyer would use them, and which do not.

Pure functions over a :class:`TimelineInput` and the facts of :mod:`toolkit.timeline.engine`.
Each remedy is ``{code, title, reasons, deadline, deadline_basis, to_verify, documents,
dropped}`` (``dropped``: letters that no longer serve it, and why);
a remedy that the facts rule out is listed in ``blocked`` with the reason (an unexecuted
OQTF removes the urgency that every référé needs; an implicit rejection already born makes a
référé « mesures utiles » doubtful, since the measure must not stand in the way of a
decision). ``documents`` names the letter kinds (``guichets letter KIND``) that serve it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from toolkit.frenchdates import date_fr
from toolkit.timeline.engine import latest_decision
from toolkit.timeline.model import TimelineInput, days
from toolkit.timeline.plan import DOCUMENTS, TITLES, Plan, remedy
from toolkit.timeline.rules import TimelineRules


def plan_remedies(
    inp: TimelineInput, rules: TimelineRules, facts: dict[str, Any]
) -> dict[str, Any]:
    """``{remedies, blocked, notes}`` for the facts of :func:`toolkit.timeline.timeline`."""
    plan = Plan(inp, rules, facts)
    decision = latest_decision(inp)
    if decision is not None:
        _after_decision(plan, decision.kind, decision.date)
    elif facts["dir"]["arisen"]:
        _after_dir(plan)
    elif facts["filing"]["date"] is not None:
        _while_pending(plan)
    else:
        _before_filing(plan)
    if plan.oqtf_reason and not plan.remedies:
        plan.notes.append(
            "Aucun recours fondé sur l'urgence n'est ouvert tant que l'obligation de quitter "
            "le territoire n'est ni exécutée ni annulée."
        )
    return {"remedies": plan.remedies, "blocked": plan.blocked, "notes": plan.notes}


def _after_decision(plan: Plan, kind: str, on: date) -> None:
    inp, rules = plan.inp, plan.rules
    if kind == "decision_refusal":
        rec = plan.facts["recourse"]
        reasons = [f"refus explicite du {date_fr(on)}"]
        if rec and rec["deadline"] is None:
            reasons.append(rec["basis"])
        plan.add(
            remedy(
                "rep-refere-suspension", reasons, [],
                deadline=rec["deadline"] if rec else None,
                deadline_basis=rec["basis"] if rec else None,
                to_verify=True,
            )
        )  # fmt: skip
        plan.notes.append(
            "Les requêtes contre une décision expresse ne sont pas générées : les projets "
            "« annulation-dir » et « suspension-dir » visent une décision implicite."
        )
        return
    wait = rules.number("appointment", "wait_days")
    convoked = [e for e in inp.of("remise_convocation") if e.date >= on]
    if convoked:
        plan.notes.append(
            f"Décision favorable du {date_fr(on)} ; convocation à la remise du titre le "
            f"{date_fr(convoked[-1].date)} : aucun recours à ce stade."
        )
        return
    if (inp.today - on).days < wait:
        plan.notes.append(
            f"Décision favorable du {date_fr(on)} : convocation à la remise attendue ; sans "
            f"nouvelles au {date_fr(on + days(wait))}, un rendez-vous pourra être demandé."
        )
        return
    _appointment(plan, on, "la remise du titre de séjour accordé le " + date_fr(on))


def _appointment(plan: Plan, since: date, what: str) -> None:
    wait = plan.rules.number("appointment", "wait_days")
    why = plan.letter_first(since, f"convocation pour {what}", ["prefet-rdv"])
    urgency, _ = plan.urgency()
    reasons = [
        f"aucune convocation pour {what} enregistrée depuis {(plan.inp.today - since).days} jours "
        f"(seuil : {wait} jours) [à vérifier : {plan.rules.source('appointment')}]",
        why,
        urgency,
    ]
    plan.add(remedy("refere-mu-rdv", reasons, DOCUMENTS["rdv"], to_verify=True))


def _after_dir(plan: Plan) -> None:
    inp, rules, facts = plan.inp, plan.rules, plan.facts
    d, rec = facts["dir"], facts["recourse"]
    reasons = [f"décision implicite de rejet née le {date_fr(d['date'])} : {d['basis']}"]
    deadline = rec["deadline"]
    if rec["passed"] and not rec["outer_passed"]:
        reasons.append(
            f"le délai de deux mois, s'il a couru, a expiré le {date_fr(rec['deadline'])} : "
            f"seule reste la limite d'un an, jusqu'au {date_fr(rec['deadline_outer'])}"
        )
        deadline = rec["deadline_outer"]
    if rec["outer_passed"]:
        plan.block(
            "rep-refere-suspension",
            f"le délai d'un an pour attaquer la décision implicite a expiré le "
            f"{date_fr(rec['deadline_outer'])} ({rules.source('recourse', 'outer_source')})",
        )
    else:
        urgency, _ = plan.urgency()
        plan.add(
            remedy(
                "rep-refere-suspension", [*reasons, urgency], DOCUMENTS["dir"],
                deadline=deadline, deadline_basis=rec["basis"], to_verify=rec["to_verify"],
            )
        )  # fmt: skip
    if not inp.of("motifs_requested") and not rec["outer_passed"]:
        why = [
            "à formuler dans le délai de recours contentieux : les motifs sont dus dans le mois "
            f"et le délai de recours court deux mois après leur communication ({rules.source('motifs')})"
        ]
        if rec["passed"]:
            why.append(
                "la demande ne reporte pas la limite d'un an "
                f"({rules.source('recourse', 'outer_source')})"
            )
        plan.add(
            remedy(
                "demande-motifs",
                why,
                DOCUMENTS["motifs"],
                deadline=deadline,
                deadline_basis=rec["basis"],
                to_verify=rec["to_verify"],
            )
        )
    codes = ["refere-mu-api"] if inp.route == "anef" else ["refere-mu-rdv"]
    if inp.of("biometrics_required") and "refere-mu-rdv" not in codes:
        codes.append("refere-mu-rdv")
    for code in codes:
        plan.block(
            code,
            f"une décision implicite de rejet est née le {date_fr(d['date'])} : "
            f"{rules.source('refere_mu', 'obstacle_source')} [à vérifier : "
            f"{rules.source('refere_mu')}]",
        )


def _while_pending(plan: Plan) -> None:
    inp, rules, facts = plan.inp, plan.rules, plan.facts
    complete, api, d = facts["completeness"], facts["api"], facts["dir"]
    filed = facts["filing"]["date"]
    if complete["status"] == "incomplete":
        plan.add(
            remedy(
                "lettre-prefecture",
                [
                    complete["basis"],
                    f"{rules.source('dir_incomplete')} : transmettez les pièces et demandez "
                    "confirmation de la complétude",
                ],
                [],
                title=f"{TITLES['lettre-prefecture']} : transmission des pièces demandées",
            )
        )
        return
    deadline, deadline_basis = plan.before_dir()
    if api["owed_from"] is not None and (api["gap_days"] or 0) > 0:
        gap = api["gaps"][-1]
        sent_before = len(plan.remedies)
        why = plan.letter_first(
            filed, "délivrance de l'attestation de prolongation d'instruction",
            ["prefet-api"],
        )  # fmt: skip
        urgency, _ = plan.urgency()
        reasons = [
            f"demande complète déposée le {date_fr(filed)} dans la fenêtre de renouvellement",
            f"aucune attestation ne couvre le séjour du {date_fr(gap['from'])} au "
            f"{date_fr(gap['to'])} ({api['gap_days']} jours sans document) [à vérifier : "
            f"{api['basis']}]",
            why,
            urgency,
        ]
        answer_by = inp.today + days(rules.number("letter", "answer_days"))
        if deadline is not None and len(plan.remedies) > sent_before and answer_by > deadline:
            reasons.append(
                f"le délai de réponse laissé au préfet (jusqu'au {date_fr(answer_by)}) dépasse "
                f"la date limite du {date_fr(deadline)} : abrégez-le ou saisissez le juge sans "
                "attendre"
            )
        plan.add(
            remedy(
                "refere-mu-api", reasons, DOCUMENTS["api"], deadline=deadline,
                deadline_basis=deadline_basis, to_verify=True,
            )
        )  # fmt: skip
    elif api["uncovered_days"] and api["not_owed_because"]:
        plan.add(
            remedy(
                "lettre-prefecture",
                [
                    f"séjour sans document depuis le {date_fr(api['gaps'][0]['from'])}",
                    *api["not_owed_because"],
                    "demandez un document provisoire et l'instruction de la demande ; un "
                    "référé fondé sur le droit à l'attestation serait fragile",
                ],
                ["prefet-api"],
                title=f"{TITLES['lettre-prefecture']} : document provisoire de séjour",
                to_verify=True,
            )
        )
    elif api["covered_until"] is not None and api["owed_from"] is not None:
        left = (api["covered_until"] - inp.today).days
        if 0 <= left <= rules.number("letter", "answer_days"):
            plan.notes.append(
                f"L'attestation en cours expire le {date_fr(api['covered_until'])} : demandez "
                "son renouvellement dès maintenant."
            )
    asked = inp.of("biometrics_required")
    convoked = inp.of("biometrics_convocation")
    wait = rules.number("appointment", "wait_days")
    waiting = asked and not [c for c in convoked if c.date >= asked[0].date]
    if waiting and (inp.today - asked[0].date).days >= wait:
        _appointment(plan, asked[0].date, "le recueil des données biométriques")
    if not plan.remedies and not plan.blocked and d["date"] is not None:
        plan.notes.append(
            f"Instruction en cours : sans décision, une décision implicite de rejet naîtra le "
            f"{date_fr(d['date'])}" + (" [à vérifier]" if d["to_verify"] else "") + "."
        )


def _before_filing(plan: Plan) -> None:
    inp = plan.inp
    route = inp.route
    if route == "guichet":
        urgency, unsure = plan.urgency()
        n = inp.booking_attempts
        reasons = [
            "démarche au guichet sans rendez-vous obtenu : le dépôt suppose un rendez-vous "
            "(art. R. 431-3 CESEDA ; CE, avis, 1er juill. 2020, n° 436288)",
            f"{n} tentative(s) de réservation en ligne enregistrée(s) : leur suffisance se "
            f"vérifie avec `guichets check {inp.applicant}`",
            urgency,
        ]
        plan.add(remedy("refere-mu-rdv", reasons, DOCUMENTS["booking"], to_verify=unsure))
        return
    if route == "anef":
        incidents = inp.of("anef_incident")
        ccc = inp.of("ccc_contact")
        pan = inp.of("pan_visit")
        if not (incidents or ccc or pan or inp.ccc_attestations):
            plan.notes.append(
                "Aucun dépôt ni aucune difficulté sur le téléservice ne sont enregistrés : "
                "déposez la demande sur l'ANEF, ou enregistrez les incidents rencontrés."
            )
            return
        _substitution(plan, incidents, len(ccc) + inp.ccc_attestations, len(pan))
        return
    if route == "unknown":
        plan.notes.append(
            "Voie de dépôt inconnue : précisez-la (`guichets applicant update "
            f"{inp.applicant} --route anef|guichet|postal|demarches-simplifiees`)."
        )
        return
    plan.notes.append(
        "Dépôt par courrier ou démarche en ligne sans rendez-vous : envoyez la demande complète "
        "et conservez la preuve de l'envoi ; le silence fera naître une décision implicite."
    )


def _substitution(plan: Plan, incidents: list[Any], ccc: int, pan: int) -> None:
    rules = plan.rules
    first = min(
        [e.date for e in incidents] + [e.date for e in plan.inp.of("ccc_contact", "pan_visit")],
        default=plan.inp.today,
    )
    why = plan.letter_first(
        first, "constat de l'impossibilité d'utiliser le téléservice et invitation à la "
        "solution de substitution", ["prefet-substitution"],
    )  # fmt: skip
    urgency, _ = plan.urgency()
    diligences = [
        f"{len(incidents)} dysfonctionnement(s) du téléservice relevé(s)",
        f"{ccc} contact(s) avec le Centre de contact citoyen",
        f"{pan} passage(s) dans un point d'accueil numérique",
    ]
    reasons = [
        "diligences enregistrées : " + ", ".join(diligences),
        why,
        urgency,
        f"la substitution suppose « toutes les diligences » et une impossibilité constatée par la "
        f"préfecture ({rules.source('substitution')} ; {rules.source('substitution', 'arrete_source')})",
    ]
    if not ccc:
        reasons.append("aucun contact avec le Centre de contact citoyen (0806 001 620) : à faire")
    if not pan:
        reasons.append("aucun passage dans un point d'accueil numérique : à faire si possible")
    plan.add(remedy("refere-mu-substitution", reasons, DOCUMENTS["substitution"], to_verify=True))
