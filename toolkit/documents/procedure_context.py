"""The facts of the procedure as French text for the letters about an ANEF demand, a silence or
an implicit rejection (``guichets letter prefet-api|refere-api|motifs|…``).

Built from the timeline (:func:`toolkit.timeline.gather.procedural_timeline`) and the list
of pièces: absolute dates, the sources of each fact, the pièces that prove it. Facts only:
« aucune pièce complémentaire n'a été demandée » is written only when the file says so (a
declared completeness, or an attestation delivered); otherwise the draft carries
« [À vérifier : …] ». Every date computed from a rule marked V2 or R is followed by
« [à vérifier] ».
"""

from __future__ import annotations

import re
from typing import Any

from toolkit.frenchdates import date_fr, period_fr

CHECK = " [à vérifier]"
DILIGENCE_FR = {
    "ccc_contact": "contact avec le Centre de contact citoyen",
    "pan_visit": "passage dans un point d'accueil numérique",
}
TODO = "[à compléter : {}]"

# name -> what it holds (templates/README.md)
PROCEDURE_VARIABLES: dict[str, str] = {
    "numero_demande": "ANEF (or préfecture) number of the demand, read or declared",
    "date_depot": "Filing date of the demand, « 20 décembre 2024 »",
    "depot_dans_fenetre": "True when the demand was filed inside the R. 431-5 window",
    "fenetre_ouverture": "First day of the R. 431-5 window, « 15 novembre 2024 »",
    "fenetre_cloture": "Last day of the R. 431-5 window",
    "completude": "complete, presumed, incomplete or unknown",
    "completude_texte": "What the file shows of completeness, as a sentence (facts only)",
    "pieces_demandees_le": "Date documents were asked for (empty when never)",
    "pieces_transmises_le": "Date they were sent (empty when never)",
    "api_due_depuis": "Day from which an API is due, « 16 mars 2025 » [à vérifier]",
    "sans_document_depuis": "First day without any document of stay (a fact: the day after the last one ended)",
    "jours_sans_document": "Days without any document of stay up to the letter's date",
    "periode_sans_document": "« du 16 mars au 4 avril 2025 »",
    "attestations": "List of the API and récépissés received: « délivrée le …, valable jusqu'au … »",
    "fin_couverture": "Last day covered by the permit or a provisional document",
    "statut_anef": "Last status seen on the ANEF account, « En cours d'instruction »",
    "statut_anef_le": "Day it was seen",
    "date_dir": "Date an implicit rejection arises (or arose), with « [à vérifier] » when unsure",
    "dir_nee": "True when the implicit rejection has arisen",
    "dir_date_limite": "Day before the implicit rejection: last day for a référé « mesures utiles »",
    "delai_recours": "Prudent time limit to challenge the implicit rejection",
    "delai_recours_limite": "One-year limit (CE, avis, 504677)",
    "motifs_demandes_le": "Date the reasons were requested (empty when not)",
    "motifs_recus_le": "Date they were received (empty when not)",
    "demandes_prefet": "Written requests to the préfet since the filing, one sentence each",
    "demande_ecrite_depuis_depot": "True when a written request to the préfet follows the filing",
    "incidents": "Dysfunctions of the téléservice, one sentence each with date and source",
    "diligences": "CCC contacts and PAN visits in date order, one sentence each",
    "decision_favorable_le": "Date of a favorable decision (empty when none)",
    "contacts_ccc": "Contacts with the Centre de contact citoyen, one sentence each",
    "passages_pan": "Visits to a point d'accueil numérique, one sentence each",
    "convocation_objet": "What appointment is awaited: « le recueil des données biométriques »",
    "convocation_attendue_depuis": "Since when it is awaited",
    "ref_chronologie_procedure": "The « Chronologie de la procédure » pièce",
    "ref_depot": "The filing confirmation (PDF or e-mail)",
    "ref_attestations": "The attestations de prolongation d'instruction",
    "ref_pages_anef": "The saved pages and screenshots of the ANEF account",
    "ref_decision": "The préfecture's decisions",
}

_FILE_ROLES = {  # pièce file names (piece_labels.DOC_SHORT) -> role
    "ref_depot": re.compile(r"^\d+_(Confirmation_de_depot|Courriel_ANEF)"),
    "ref_attestations": re.compile(r"^\d+_Attestation_prolongation_instruction"),
    "ref_pages_anef": re.compile(r"^\d+_(Pages|Captures)_ANEF"),
    "ref_decision": re.compile(r"^\d+_Decision_prefecture"),
    "ref_chronologie_procedure": re.compile(r"^\d+_Chronologie_de_la_procedure"),
}


def _flag(fact: dict[str, Any] | None) -> str:
    return CHECK if fact and fact.get("to_verify") else ""


def _refs(pieces: list[dict[str, Any]]) -> dict[str, str]:
    from toolkit.documents.letter_phrases import ref_fr

    return {
        role: ref_fr([int(p["numero"]) for p in pieces if rx.match(str(p.get("fichier", "")))])
        for role, rx in _FILE_ROLES.items()
    }


def _sentences(events: list[dict[str, Any]], what: str) -> list[str]:
    out = []
    for e in events:
        text = f"le {date_fr(e['date'])}, {what}"
        if e.get("note"):
            text += f" ({e['note']})"
        if e.get("file"):
            text += f", attesté par le fichier « {e['file']} »"
        out.append(text)
    return out


def _completeness_text(t: dict[str, Any]) -> str:
    c = t["facts"]["completeness"]
    kinds = [e["kind"] for e in t["events"]]
    if c["status"] == "incomplete":
        return f"Des pièces complémentaires ont été demandées le {date_fr(c_request(t))}."
    if "completeness_request" in kinds and c["date"]:
        return (
            f"Les pièces complémentaires demandées le {date_fr(c_request(t))} ont été transmises "
            f"le {date_fr(c['date'])}."
        )
    if c["status"] == "complete":
        return "Aucune pièce complémentaire n'a été demandée."
    return "[À vérifier : complétude de la demande — aucune demande de pièces n'est enregistrée]"


def c_request(t: dict[str, Any]) -> Any:
    asked = [e["date"] for e in t["events"] if e["kind"] == "completeness_request"]
    return max(asked) if asked else None


def procedure_context(t: dict[str, Any], pieces: list[dict[str, Any]]) -> dict[str, Any]:
    """Every variable of :data:`PROCEDURE_VARIABLES` from a timeline and the pièces."""
    f = t["facts"]
    events = t["events"]

    def of(*kinds: str) -> list[dict[str, Any]]:
        return [e for e in events if e["kind"] in kinds]

    refs = [e["reference"] for e in events if e.get("reference")]
    filed, w, api, d, rec = (
        f["filing"]["date"],
        f["renewal_window"],
        f["api"],
        f["dir"],
        f["recourse"],
    )
    gaps = api["gaps"]  # facts: days no document covered, owed as of right or not
    status = of("status_seen")
    covers = of("api_issued", "api_renewed", "recepisse")
    sent = [e for e in events if e["kind"] == "documents_sent"]
    awaited = of("biometrics_required") or of("decision_favorable")
    return {
        "numero_demande": refs[0] if refs else TODO.format("numéro de la demande"),
        "date_depot": date_fr(filed) if filed else TODO.format("date de dépôt"),
        "depot_dans_fenetre": bool(w and w.get("position") == "on_time"),
        "fenetre_ouverture": date_fr(w["opens"]) if w and w.get("opens") else "",
        "fenetre_cloture": date_fr(w["closes"]) if w and w.get("closes") else "",
        "completude": f["completeness"]["status"],
        "completude_texte": ""
        if of("decision_favorable", "decision_refusal")
        else _completeness_text(t),
        "pieces_demandees_le": date_fr(c_request(t)) if c_request(t) else "",
        "pieces_transmises_le": date_fr(sent[-1]["date"]) if sent else "",
        "api_due_depuis": date_fr(api["owed_from"]) + _flag(api) if api["owed_from"] else "",
        "sans_document_depuis": date_fr(gaps[0]["from"]) if gaps else "",
        "jours_sans_document": sum(g["days"] for g in gaps),
        "periode_sans_document": period_fr(gaps[0]["from"], gaps[-1]["to"]) if gaps else "",
        "attestations": [
            f"{'récépissé' if e['kind'] == 'recepisse' else 'attestation'} délivré"
            f"{'' if e['kind'] == 'recepisse' else 'e'} le {date_fr(e['date'])}, valable "
            f"jusqu'au {date_fr(e['until'])}"
            for e in covers
        ],
        "fin_couverture": date_fr(api["covered_until"]) if api["covered_until"] else "",
        "statut_anef": status[-1]["note"] if status else "",
        "statut_anef_le": date_fr(status[-1]["date"]) if status else "",
        "date_dir": date_fr(d["date"]) + _flag(d) if d.get("date") else "",
        "dir_nee": bool(d.get("arisen")),
        "dir_date_limite": date_fr(d["date"] - _one_day()) if d.get("date") else "",
        "delai_recours": date_fr(rec["deadline"]) + _flag(rec) if rec and rec["deadline"] else "",
        "delai_recours_limite": date_fr(rec["deadline_outer"])
        if rec and rec.get("deadline_outer")
        else "",
        "motifs_demandes_le": date_fr(of("motifs_requested")[0]["date"])
        if of("motifs_requested")
        else "",
        "motifs_recus_le": date_fr(of("motifs_received")[0]["date"])
        if of("motifs_received")
        else "",
        "demandes_prefet": _sentences(of("reminder_sent"), "demande écrite adressée au préfet"),
        "demande_ecrite_depuis_depot": any(
            d >= (filed or min((e["date"] for e in events), default=t["as_of"]))
            for d in t["written_requests"]
        ),
        "incidents": _sentences(of("anef_incident"), "dysfonctionnement du téléservice constaté"),
        "contacts_ccc": _sentences(of("ccc_contact"), DILIGENCE_FR["ccc_contact"]),
        "passages_pan": _sentences(of("pan_visit"), DILIGENCE_FR["pan_visit"]),
        "diligences": [
            _sentences([e], DILIGENCE_FR[e["kind"]])[0] for e in of("ccc_contact", "pan_visit")
        ],
        "decision_favorable_le": date_fr(of("decision_favorable")[-1]["date"])
        if of("decision_favorable")
        else "",
        "convocation_objet": "le recueil des données biométriques"
        if of("biometrics_required")
        else "la remise du titre de séjour",
        "convocation_attendue_depuis": date_fr(awaited[0]["date"]) if awaited else "",
        **_refs(pieces),
    }


def _one_day() -> Any:
    from datetime import timedelta

    return timedelta(days=1)
