"""The timeline as text for a person: what happened, the dates that follow, what to do.

French content (it is read by lawyers and quoted in notes), every date absolute, every
date resting on a V2/R rule followed by « [à vérifier] ».
"""

from __future__ import annotations

from datetime import date
from typing import Any

from toolkit.frenchdates import date_fr

CHECK = " [à vérifier]"
SOURCE_FR = {"declared": "déclaré", "document": "lu sur le document", "capture": "relevé"}
POSITION_FR = {
    "early": "avant l'ouverture",
    "late": "après la clôture",
    "on_time": "dans la fenêtre",
}
COMPLETE_FR = {
    "complete": "complète",
    "presumed": "présumée complète",
    "incomplete": "incomplète",
    "unknown": "complétude inconnue",
}


def _d(value: date | None) -> str:
    return date_fr(value) if value else "—"


def _flag(fact: dict[str, Any] | None) -> str:
    return CHECK if fact and fact.get("to_verify") else ""


def event_line(e: dict[str, Any]) -> str:
    from toolkit.ingest.events import EVENT_KINDS

    text = f"{_d(e['date'])} — {EVENT_KINDS[e['kind']].label}"
    if e.get("until"):
        text += f", valable jusqu'au {_d(e['until'])}"
    if e.get("note"):
        text += f" ({e['note']})"
    where = SOURCE_FR.get(e["source"], e["source"])
    if e.get("file"):
        where += f" : {e['file']}"
    return f"{text} [{where}]"


def fact_lines(t: dict[str, Any]) -> list[str]:
    f = t["facts"]
    out = [f"Titre de séjour : fin de validité le {_d(f['permit_expiry'])}"]
    out.append(f"Dépôt : {_d(f['filing']['date'])} ({f['filing']['basis']})")
    c = f["completeness"]
    out.append(f"Complétude : {COMPLETE_FR[c['status']]} ({c['basis']})")
    w = f["renewal_window"]
    if w and w["opens"]:
        where = POSITION_FR.get(w["position"] or "", "dépôt non enregistré")
        out.append(
            f"Fenêtre de renouvellement : du {_d(w['opens'])} au {_d(w['closes'])} ; "
            f"dépôt {where}{_flag(w)}"
        )
    a = f["api"]
    noun = "Attestation de prolongation d'instruction" if a["document"] == "api" else "Récépissé"
    line = f"{noun} : due à partir du {_d(a['owed_from'])}" if a["owed_from"] else f"{noun} : "
    if not a["owed_from"]:
        line += "non due de plein droit (" + "; ".join(a["not_owed_because"] or ["—"]) + ")"
    line += f" ; séjour couvert jusqu'au {_d(a['covered_until'])}"
    if a["uncovered_days"]:
        line += f" ; {a['uncovered_days']} jour(s) sans document"
    out.append(line + _flag(a))
    d = f["dir"]
    if d["date"]:
        state = {True: "née", False: "à naître", None: "conditionnelle"}[d["arisen"]]
        out.append(
            f"Décision implicite de rejet : {state} le {_d(d['date'])}{_flag(d)} ({d['basis']})"
        )
    else:
        out.append(f"Décision implicite de rejet : aucune ({d['basis']})")
    r = f["recourse"]
    if r:
        outer = f", limite d'un an le {_d(r['deadline_outer'])}" if r.get("deadline_outer") else ""
        out.append(
            f"Recours contre la {r['against']} : jusqu'au {_d(r['deadline'])}{outer}{_flag(r)} "
            f"({r['basis']})"
        )
    o = f["oqtf"]
    state = {"notified": f"notifiée le {_d(o['date'])}", "executed": "exécutée",
             "none": "aucune", "unknown": "situation inconnue"}[o["status"]]  # fmt: skip
    out.append(f"Obligation de quitter le territoire : {state} ({o['source']})")
    return out


def remedy_lines(t: dict[str, Any]) -> list[str]:
    out = []
    for i, r in enumerate(t["remedies"], start=1):
        deadline = (
            f" — avant le {_d(r['deadline'])}{CHECK if r['to_verify'] else ''}"
            if r["deadline"]
            else ""
        )
        out.append(f"{i}. {r['title']} [{r['code']}]{deadline}")
        out += [f"   - {reason}" for reason in r["reasons"]]
        if r["documents"]:
            out.append(f"   documents : {', '.join(r['documents'])}")
    if not out:
        out.append("Aucun recours à ce stade.")
    for b in t["blocked"]:
        out.append(f"Écarté : {b['title']} [{b['code']}] — {b['reason']}")
    return out


def timeline_text(t: dict[str, Any]) -> str:
    """The whole timeline as French text, one section per part."""
    parts = [
        f"Chronologie de la procédure — {t['applicant']} (au {_d(t['as_of'])}, voie : {t['route']})"
    ]
    parts.append("\nÉvénements")
    parts += [f"  {event_line(e)}" for e in t["events"]] or ["  aucun"]
    parts.append("\nDates")
    parts += [f"  {line}" for line in fact_lines(t)]
    parts.append("\nRecours")
    parts += [f"  {line}" for line in remedy_lines(t)]
    if t["missing"]:
        parts.append("\nManque")
        parts += [f"  - {m}" for m in t["missing"]]
    if t["notes"]:
        parts.append("\nNotes pour l'avocat")
        parts += [f"  - {n}" for n in t["notes"]]
    return "\n".join(parts) + "\n"
