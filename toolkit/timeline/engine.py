"""The dated facts of a demand: filing, completeness, renewal window, API coverage, implicit
rejection and the time to challenge it. Pure functions over a :class:`TimelineInput`.

Each fact says what it rests on (``basis``, in French, with its source) and whether it rests
on a rule marked V2 or R (``to_verify``). A fact that cannot be computed is ``None`` with
the reason, and what is missing is listed with the command that adds it: the engine never
guesses a date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from toolkit.frenchdates import date_fr
from toolkit.ingest.events import EVENT_KINDS
from toolkit.timeline.model import OqtfFact, TimelineEvent, TimelineInput, add_months, days
from toolkit.timeline.rules import TimelineRules

FILING = ("filed", "filing_confirmation")
DECISIONS = ("decision_favorable", "decision_refusal")
COVER = ("api_issued", "api_renewed", "recepisse")


def _label(e: TimelineEvent) -> str:
    where = {"declared": "déclaré", "document": "lu sur", "capture": "relevé sur"}[e.source]
    return f"{where} {e.file}" if e.file and e.source != "declared" else where


def filing(inp: TimelineInput, missing: list[str], notes: list[str]) -> dict[str, Any]:
    found = inp.of(*FILING)
    if not found:
        missing.append(
            "date de dépôt inconnue : ajoutez `guichets event add "
            f"{inp.applicant} --kind filed --on AAAA-MM-JJ` (ou ingérez la confirmation de dépôt : "
            "`guichets ingest documents --kind filing_confirmation`)"
        )
        return {"date": None, "basis": "aucun dépôt enregistré"}
    # the earliest date; on a tie, what a document says before a capture or a declaration,
    # and a confirmation de dépôt before the e-mail announcing it
    rank = {"document": 0, "capture": 1, "declared": 2}
    first = min(
        found, key=lambda e: (e.date, rank[e.source], (e.rule or "").startswith("anef.mail"))
    )
    dates = sorted({e.date for e in found})
    if len(dates) > 1:
        notes.append(
            "Les pièces ne donnent pas la même date de dépôt : "
            + ", ".join(f"{date_fr(e.date)} ({e.kind}, {_label(e)})" for e in found)
            + f". La plus ancienne ({date_fr(dates[0])}) est retenue : vérifiez-la."
        )
    what = EVENT_KINDS[first.kind].label.lower()
    return {"date": first.date, "basis": f"{what} du {date_fr(first.date)} ({_label(first)})"}


def completeness(inp: TimelineInput, filed: date | None) -> dict[str, Any]:
    """``status``: complete, presumed, incomplete or unknown; ``date``: when it became complete."""
    if filed is None:
        return {"status": "unknown", "date": None, "basis": "aucun dépôt enregistré"}
    declared = inp.of("complete")
    requests = inp.of("completeness_request")
    answers = inp.of("documents_sent")
    apis = inp.of("api_issued", "api_renewed")
    if declared:
        d = declared[0]
        return {
            "status": "complete",
            "date": max(d.date, filed),
            "basis": f"demande complète le {date_fr(d.date)} ({_label(d)})",
        }
    last_request = requests[-1] if requests else None
    if last_request is not None:
        answered = [a for a in answers if a.date >= last_request.date]
        if not answered:
            return {
                "status": "incomplete",
                "date": None,
                "basis": f"pièces complémentaires demandées le {date_fr(last_request.date)}, "
                "sans envoi enregistré depuis",
            }
        sent = answered[-1]
        if apis and apis[0].date >= sent.date:
            return {
                "status": "complete",
                "date": sent.date,
                "basis": f"pièces transmises le {date_fr(sent.date)}, puis attestation de "
                f"prolongation d'instruction délivrée le {date_fr(apis[0].date)}",
            }
        return {
            "status": "presumed",
            "date": sent.date,
            "basis": f"pièces demandées le {date_fr(last_request.date)} transmises le "
            f"{date_fr(sent.date)} : complétude présumée, non confirmée par la préfecture",
        }
    if inp.declared_complete is not None:
        return {
            "status": "complete" if inp.declared_complete else "incomplete",
            "date": filed if inp.declared_complete else None,
            "basis": "demande déclarée "
            + ("complète" if inp.declared_complete else "incomplète")
            + " dans la fiche du demandeur (guichets applicant demand)",
        }
    if apis:
        return {
            "status": "complete",
            "date": filed,
            "basis": "aucune pièce demandée, et une attestation de prolongation d'instruction, "
            f"réservée aux demandes complètes, délivrée le {date_fr(apis[0].date)}",
        }
    return {
        "status": "unknown",
        "date": None,
        "basis": "ni demande de pièces, ni attestation, ni complétude déclarée",
    }


def renewal_window(
    inp: TimelineInput, rules: TimelineRules, filed: date | None, missing: list[str]
) -> dict[str, Any] | None:
    if inp.procedure not in rules.procedures("renewal_window.scope", "procedures"):
        return None
    if inp.permit_expiry is None:
        missing.append(
            "date d'expiration du titre inconnue : indiquez-la (`guichets applicant update "
            f"{inp.applicant} --permit-expiry AAAA-MM-JJ`)"
        )
        return {"opens": None, "closes": None, "filed_on_time": None, "position": None}
    expiry = inp.permit_expiry
    if inp.route == "anef":
        name = "renewal_window.anef"
        opens = expiry - days(rules.number(name, "opens_days_before"))
    else:
        name = "renewal_window.other"
        opens = add_months(expiry, -rules.number(name, "opens_months_before"))
    closes = expiry - days(rules.number(name, "closes_days_before"))
    position = None
    if filed is not None:
        position = "early" if filed < opens else "late" if filed > closes else "on_time"
    return {
        "opens": opens,
        "closes": closes,
        "filed_on_time": None if filed is None else position == "on_time",
        "position": position,
        "route": inp.route,
        "source": rules.source(name),
        "to_verify": rules.unsure(name) or inp.route == "unknown",
    }


def _runs(inp: TimelineInput) -> list[tuple[date, date]]:
    """Covered stretches (permit, attestations, récépissés), merged, oldest first."""
    spans: list[tuple[date, date]] = [(e.date, e.until) for e in inp.of(*COVER) if e.until]
    if inp.permit_expiry is not None:
        spans.append((date.min, inp.permit_expiry))
    spans.sort()
    merged: list[tuple[date, date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + days(1):
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def gaps_between(runs: list[tuple[date, date]], start: date, end: date) -> list[dict[str, Any]]:
    """Uncovered stretches of [start, end]."""
    out: list[dict[str, Any]] = []
    cursor = start
    for a, b in runs:
        if b < cursor:
            continue
        if a > end:
            break
        if a > cursor:
            stop = min(a - days(1), end)
            out.append({"from": cursor, "to": stop, "days": (stop - cursor).days + 1})
        cursor = max(cursor, b + days(1))
        if cursor > end:
            break
    if cursor <= end:
        out.append({"from": cursor, "to": end, "days": (end - cursor).days + 1})
    return out


def api_coverage(
    inp: TimelineInput,
    rules: TimelineRules,
    filed: date | None,
    complete: dict[str, Any],
    window: dict[str, Any] | None,
    notes: list[str],
) -> dict[str, Any]:
    anef = inp.route in rules.procedures("api", "routes")
    document = "api" if anef else "recepisse"
    runs = _runs(inp)
    today = inp.today
    covering = [b for a, b in runs if a <= today <= b]
    ended = [b for _, b in runs if b < today]
    covered_until = covering[0] if covering else max(ended) if ended else None
    reasons: list[str] = []
    owed_from: date | None = None
    if not anef:
        reasons.append(
            "demande hors téléservice : le document provisoire est un récépissé "
            f"({rules.source('recepisse')})"
        )
    elif inp.procedure not in rules.procedures("api", "for_procedures"):
        reasons.append(
            "attestation prévue pour les demandes du titulaire d'un document de séjour "
            "(renouvellement, changement de statut)"
        )
    elif filed is None:
        reasons.append("aucun dépôt enregistré")
    elif inp.permit_expiry is None:
        reasons.append("date d'expiration du titre inconnue")
    elif window is not None and window["position"] != "on_time":
        when = "avant l'ouverture" if window["position"] == "early" else "après la clôture"
        reasons.append(
            f"demande déposée le {date_fr(filed)}, {when} de la fenêtre du "
            f"{date_fr(window['opens'])} au {date_fr(window['closes'])} (R. 431-5) : "
            "pas d'attestation de plein droit"
        )
    elif complete["status"] in ("incomplete", "unknown"):
        reasons.append(f"complétude de la demande non établie ({complete['basis']})")
    else:
        owed_from = max(inp.permit_expiry + days(1), complete["date"] or filed)
    start = owed_from
    if start is None and anef and inp.permit_expiry is not None and filed is not None:
        start = inp.permit_expiry + days(1)  # shown, though not owed as of right
    gaps = gaps_between(runs, start, today) if start is not None and start <= today else []
    limit = rules.number("api", "validity_months")
    for e in inp.of("api_issued", "api_renewed"):
        if e.until is not None and e.until > add_months(e.date, limit):
            notes.append(
                f"L'attestation du {date_fr(e.date)} serait valable jusqu'au {date_fr(e.until)}, "
                f"plus de {limit} mois : vérifiez la date lue ({_label(e)})."
            )
    return {
        "document": document,
        "owed_from": owed_from,
        "covered_until": covered_until,
        "gap_days": sum(g["days"] for g in gaps) if owed_from is not None else None,
        "uncovered_days": sum(g["days"] for g in gaps),
        "gaps": gaps,
        "not_owed_because": reasons,
        "basis": rules.source("api") if anef else rules.source("recepisse"),
        "to_verify": rules.unsure("api") if anef else rules.unsure("recepisse"),
    }


def latest_decision(inp: TimelineInput) -> TimelineEvent | None:
    found = inp.of(*DECISIONS)
    return found[-1] if found else None


def implicit_rejection(
    inp: TimelineInput, rules: TimelineRules, filed: date | None, complete: dict[str, Any]
) -> dict[str, Any]:
    """``{date, arisen, basis, to_verify, conditional}``; no date when none can arise."""
    apis = inp.of("api_issued", "api_renewed", "recepisse")
    unsure = rules.unsure("dir") or (bool(apis) and rules.unsure("dir_during_api"))
    base: dict[str, Any] = {
        "date": None,
        "arisen": False,
        "to_verify": unsure,
        "conditional": False,
    }
    if inp.procedure not in rules.procedures("dir", "for_procedures"):
        return base | {
            "arisen": None,
            "to_verify": True,
            "basis": "procédure régie par d'autres textes : délai de naissance d'une décision "
            "implicite non calculé",
        }
    if filed is None:
        return base | {"basis": "aucune demande déposée enregistrée"}
    months = rules.number("dir", "months")
    status = complete["status"]
    if status == "incomplete":
        return base | {
            "to_verify": rules.unsure("dir_incomplete"),
            "basis": f"{complete['basis']} : {rules.source('dir_incomplete')}",
        }
    start = complete["date"] if status in ("complete", "presumed") else filed
    when = add_months(start, months)
    decision = latest_decision(inp)
    if decision is not None and decision.date < when:
        word = "favorable" if decision.kind == "decision_favorable" else "de refus"
        return base | {
            "to_verify": False,
            "basis": f"décision expresse {word} du {date_fr(decision.date)}, avant l'expiration "
            f"du délai de {months} mois",
        }
    basis = (
        f"silence gardé {months} mois sur la demande complète le {date_fr(start)} "
        f"({rules.source('dir')})"
    )
    if status == "presumed":
        basis += " ; complétude présumée"
    if apis:
        basis += f" ; {rules.source('dir_during_api')}"
    if status == "unknown":
        return base | {
            "date": when,
            "arisen": None,
            "conditional": True,
            "to_verify": True,
            "basis": f"si la demande était complète au dépôt du {date_fr(filed)} : {basis}",
        }
    return base | {"date": when, "arisen": when <= inp.today, "basis": basis}


def recourse(
    inp: TimelineInput, rules: TimelineRules, dir_fact: dict[str, Any]
) -> dict[str, Any] | None:
    """The time to challenge the refusal: an explicit one, else the implicit rejection."""
    decision = latest_decision(inp)
    if decision is not None and decision.kind == "decision_refusal":
        if inp.oqtf is not None and inp.oqtf.status == "notified":
            return {
                "against": "refus explicite avec obligation de quitter le territoire",
                "deadline": None,
                "deadline_outer": None,
                "passed": None,
                "basis": f"délai propre à l'OQTF : {rules.source('oqtf')} ; à calculer depuis "
                "la notification",
                "to_verify": True,
            }
        months = rules.number("refusal", "months")
        deadline = add_months(decision.date, months)
        return {
            "against": f"refus explicite du {date_fr(decision.date)}",
            "deadline": deadline,
            "deadline_outer": None,
            "passed": deadline < inp.today,
            "basis": f"{months} mois à compter de la notification ({rules.source('refusal')}) ; "
            f"date de la décision retenue faute de date de notification",
            "to_verify": True,
        }
    if dir_fact["date"] is None:
        return None
    born: date = dir_fact["date"]
    notified = add_months(born, rules.number("recourse", "notified_months"))
    outer = add_months(born, rules.number("recourse", "outer_months"))
    asked = [e for e in inp.of("motifs_requested") if born <= e.date <= notified]
    received = [e for e in inp.of("motifs_received") if asked and e.date >= asked[0].date]
    basis = (
        f"{rules.number('recourse', 'notified_months')} mois si l'accusé de réception de la "
        f"demande mentionnait les voies et délais ({rules.source('recourse', 'notified_source')}) ; "
        f"à défaut, un an ({rules.source('recourse', 'outer_source')})"
    )
    deadline = notified
    if asked and received:
        extended = add_months(received[0].date, rules.number("motifs", "extension_months"))
        deadline = min(extended, outer)
        basis = (
            f"motifs demandés le {date_fr(asked[0].date)} et reçus le "
            f"{date_fr(received[0].date)} : deux mois à compter de leur communication "
            f"({rules.source('motifs')}), dans la limite d'un an ({rules.source('recourse', 'outer_source')})"
        )
    elif asked:
        due = add_months(asked[0].date, rules.number("motifs", "answer_months"))
        deadline = outer
        basis = (
            f"motifs demandés le {date_fr(asked[0].date)}, dus au plus tard le {date_fr(due)} et "
            f"non reçus : le délai de deux mois ne court pas ; limite d'un an "
            f"({rules.source('recourse', 'outer_source')})"
        )
    verb = "née" if dir_fact["arisen"] else "qui naîtrait"
    return {
        "against": f"décision implicite de rejet {verb} le {date_fr(born)}",
        "deadline": deadline,
        "deadline_outer": outer,
        "passed": deadline < inp.today,
        "outer_passed": outer < inp.today,
        "basis": basis,
        "to_verify": bool(dir_fact["to_verify"]) or rules.unsure("recourse", "notified_mark"),
    }


def earlier_demands(inp: TimelineInput, rules: TimelineRules) -> list[dict[str, Any]]:
    """The other demands, with the implicit rejection an unanswered complete one gave."""
    months = rules.number("dir", "months")
    out = []
    for d in inp.earlier_demands:
        born = add_months(d.date, months) if d.complete and d.decision == "none" else None
        out.append(
            {
                "number": d.number, "date": d.date, "route": d.route, "complete": d.complete,
                "decision": d.decision, "decided_on": d.decided_on, "dir_date": born,
                "dir_arisen": born is not None and born <= inp.today,
                "to_verify": born is not None and rules.unsure("dir"),
            }
        )  # fmt: skip
    return out


def oqtf_fact(inp: TimelineInput, notes: list[str]) -> dict[str, Any]:
    """``status``: none, notified, executed or unknown; an OQTF event counts as notified."""
    fact = inp.oqtf or OqtfFact("unknown", None, "situation non renseignée")
    found = inp.of("oqtf")
    if found and fact.status in ("none", "unknown"):
        e = found[-1]
        if fact.status == "none":
            notes.append(
                f"La fiche du demandeur indique l'absence d'OQTF, mais une OQTF du "
                f"{date_fr(e.date)} est enregistrée ({_label(e)}) : vérifiez."
            )
        return {"status": "notified", "date": e.date, "source": f"événement {_label(e)}"}
    return {"status": fact.status, "date": fact.date, "source": fact.source}
