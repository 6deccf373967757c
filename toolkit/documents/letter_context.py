"""The facts a letter is written from, as French text ready for a Word template.

Every variable a template may use is listed in :data:`VARIABLES` (templates/README.md is
generated from it). Missing identity fields become visible placeholders such as
« [à compléter : adresse] », so a letter never carries an empty blank or a raw tag.

Facts, not conclusions: counts, spans in days and absolute dates. What could serve the
other side (pages that showed slots, robot probes, weak or declared times) is not here: it
goes to the note for the lawyer (:mod:`toolkit.documents.lawyer_note`). Legal references
come from :mod:`toolkit.reference.law`, a V2 or R point followed by « [à vérifier : …] ».
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from toolkit.documents.evidence import Evidence, gather
from toolkit.documents.letter_kinds import PLACES, SECTIONS
from toolkit.documents.letter_phrases import (
    BAND_WORDS,
    EXPIRY_PLACEHOLDER,
    contacts_list,
    identity_value,
    join_fr,
    letter_outcomes_fr,
    pieces_of,
    ref_fr,
    town_of,
)
from toolkit.frenchdates import date_fr, period_fr
from toolkit.workspace import Workspace

TODO = "[à compléter : {}]"

# name -> what it holds (README). Kept in the order of templates/README.md.
VARIABLES: dict[str, str] = {
    "nom": "Applicant's full name, e.g. « Nadia Exemple »",
    "date_naissance": "Date of birth, « 17 avril 1990 »",
    "nationalite": "Nationality, « marocaine »",
    "agdref": "AGDREF (foreigner) number",
    "adresse": "Postal address",
    "courriel": "E-mail address",
    "telephone": "Telephone number",
    "dossier": "The applicant's pseudonymous id in guichets, « demo-001 »",
    "lieu_lettre": "Town the letter is written from (taken from the address), for « Fait à … »",
    "date_lettre": "Date of the letter, « 3 avril 2025 »",
    "prefecture": "The préfecture, « Préfecture de la Seine-Maritime »",
    "prefecture_ville": "Town of the préfecture, « Rouen »",
    "prefet": "The authority, « préfet de la Seine-Maritime » (« préfet de police » in Paris)",
    "formule_appel": "Salutation, « Monsieur le Préfet, » (edit to « Madame la Préfète, » when it applies)",
    "service_prefecture": "Placeholder for the name of the préfecture's service des étrangers",
    "tribunal": "Competent court, « Tribunal administratif de Rouen »",
    "tribunal_majuscules": "The same in capitals, for the heading of the requête",
    "procedure": "The procedure, « renouvellement de titre de séjour »",
    "est_renouvellement": "True when the procedure is a renewal",
    "voie": "Filing route: anef, guichet, postal, demarches-simplifiees or unknown",
    "voie_libelle": "The route in French, « dépôt au guichet de la préfecture, sur rendez-vous »",
    "oqtf": "OQTF status: none, notified, executed or unknown",
    "oqtf_texte": "The OQTF as a sentence for the requête (a bracketed « À vérifier » unless none is declared)",
    "titre_expiration": "Permit expiry date, « 15 avril 2025 » (placeholder when unknown)",
    "titre_expire": "True when the permit has expired on the letter's date",
    "titre_situation": "« expire le 15 avril 2025 » / « a expiré le 15 avril 2025 » (absolute dates only)",
    "demandes_anterieures": "Earlier demands, each a sentence « déposée le … (voie), complète, refusée le … »",
    "nb_tentatives": "Number of online booking attempts (dated)",
    "premiere_tentative": "Date of the first attempt, « 24 février 2025 » (placeholder when none)",
    "derniere_tentative": "Date of the last attempt, « 1er avril 2025 »",
    "periode_tentatives": "« du 24 février au 1er avril 2025 »",
    "duree_jours": "Days between the first and the last attempt",
    "nb_jours": "Distinct days with at least one attempt",
    "nb_heures": "Distinct hours of the day covered by the attempts",
    "plages_horaires": "Attempts by time of day, « 1 la nuit, 19 le matin et 11 le soir »",
    "plus_long_ecart_jours": "Longest gap between two days of attempts, in days",
    "nb_sans_creneau": "Attempts whose page said no slot was available",
    "nb_sans_creneau_declare": "Of those, the ones whose result the applicant declared (not read on the capture nor checked by a person)",
    "autres_resultats": "Other results shown, « un captcha (1 fois) et une erreur du service (2 fois) » (never slots)",
    "nb_tentatives_publication": "Attempts made just after a publication of slots announced by the service",
    "minutes_publication": "How soon after an announced publication such an attempt was made, in minutes (30)",
    "nb_demarches": "Contacts with the préfecture (e-mails, letters, calls, visits)",
    "nb_demandes_ecrites": "Written requests sent (e-mails and letters not received)",
    "demande_ecrite_prealable": "True when a dated written request precedes the letter's date",
    "demarches": "List of contacts; each has date, canal, sens, objet, texte",
    "demarches_texte": "The contacts as one sentence, or « aucune démarche n'est enregistrée »",
    "attestation_ccc": "True when a CCC attestation is on file",
    "attestation_ccc_date": "Its date, « 19 mars 2025 » (empty when undated or absent)",
    "attestation_honneur": "True when the applicant's attestation sur l'honneur is on file",
    "justificatifs_urgence": "List of the titles of the urgency documents",
    "releves_robot": "True when the exhibits hold the robot pièce (exhibits --with-robot-evidence)",
    "releves_operateurs": "Who ran the robots of that pièce, « La Cimade »",
    "pieces": "List of pièces; each has numero, intitule, fichier, periode",
    "nb_pieces": "Number of pièces",
    "ref_titre": "« pièce n° 1 »: the permit (empty when absent)",
    "ref_recapitulatif": "« pièce n° 2 »: the recap table",
    "ref_chronologie": "« pièce n° 3 »: the timeline chart",
    "ref_tentatives": "« pièces n° 4 à 7 »: every pièce showing attempts (screenshots, saved pages, captures)",
    "ref_captures": "The screenshot séries only",
    "ref_pages": "The saved pages (HTML, PDF, HAR, MHTML) only",
    "ref_attestation": "The applicant's attestation sur l'honneur",
    "ref_releves": "The robot pièce",
    "ref_demarches": "The e-mails and letters",
    "ref_ccc": "The CCC attestation",
    "ref_urgence": "The urgency documents",
    "brouillon": "True for a draft (--draft): failed rules are printed « [À vérifier : …] »",
    "a_verifier": "Draft notes by place: a_verifier.faits, .demarches, .recevabilite, .urgence (lists)",
    "par_avocat": "True when the letter is signed by an avocat (--signed-by avocat)",
    "refere": "For the DDD: none, planned or filed (--refere)",
    "cit": "Legal references as printed, e.g. cit.ce_435594; a V2/R one ends « [à vérifier : …] »",
}

# A pièce's section -> the role it plays in a letter's references.
ROLES: dict[str, str] = {
    "identity_docs": "titre", "recap": "recapitulatif", "chart": "chronologie",
    "screenshots": "tentatives", "captures": "tentatives", "sworn_statement": "attestation",
    "robot": "releves", "correspondence": "demarches", "ccc_attestation": "ccc",
    "urgency": "urgence",
}  # fmt: skip


def _titre_situation(expiry: date | None, today: date) -> str:
    if expiry is None:
        return EXPIRY_PLACEHOLDER
    return f"{'expire' if expiry >= today else 'a expiré'} le {date_fr(expiry)}"


def _oqtf_texte(status: str, notified: date | None) -> str:
    if status == "none":
        return (
            "La partie requérante ne fait l'objet d'aucune obligation de quitter le territoire "
            "français."
        )
    if status == "executed" and notified:
        return (
            "[À vérifier : une obligation de quitter le territoire français, notifiée le "
            f"{date_fr(notified)}, est déclarée exécutée ; en faire état ou non.]"
        )
    if status == "notified" and notified:
        return (
            "[À vérifier : une obligation de quitter le territoire français a été notifiée le "
            f"{date_fr(notified)} et n'est pas exécutée ; l'urgence ne peut être retenue en "
            "l'état.]"
        )
    return (
        "[À vérifier : la partie requérante ne fait l'objet d'aucune obligation de quitter le "
        "territoire français non exécutée.]"
    )


def _demand_text(d: dict[str, Any]) -> str:
    from toolkit.model import ROUTE_LABELS_FR

    complete = {True: "complète", False: "incomplète", None: "complétude non renseignée"}
    text = f"demande déposée le {date_fr(d['filed_on'])} ({ROUTE_LABELS_FR[d['route']]}), "
    text += complete[d["complete"]]
    if d["decision"] == "refusal":
        text += f", refusée le {date_fr(d['decided_on'])}"
    elif d["decision"] == "favorable":
        text += f", accueillie le {date_fr(d['decided_on'])}"
    else:
        text += ", sans décision expresse connue"
    return text


def draft_notes(check: dict[str, Any], exempt: frozenset[str], draft: bool) -> dict[str, list[str]]:
    """« [À vérifier : …] » for each failed rule that concerns the letter, by place."""
    notes: dict[str, list[str]] = {place: [] for place in PLACES}
    if not draft:
        return notes
    for f in check["findings"]:
        if f["level"] == "fail" and f["rule"] not in exempt:
            notes[SECTIONS.get(f["rule"], "faits")].append(f"[À vérifier : {f['message']}]")
    return notes


def letter_context(
    ws: Workspace,
    applicant_id: str,
    *,
    exhibits: str | Path | None = None,
    today: date | None = None,
    window_minutes: int = 60,
    check: dict[str, Any] | None = None,
    draft: bool = False,
    signer: str = "demandeur",
    exempt: frozenset[str] = frozenset(),
    refere: str = "planned",
    evidence: Evidence | None = None,
    indicators: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every variable of :data:`VARIABLES`, filled from the store (and the exhibits folder).

    ``check``: the readiness result the draft notes come from; ``evidence``, ``indicators``:
    what :func:`gather` and :func:`applicant_indicators` give (each computed when not given).
    """
    from toolkit.demands import list_demands
    from toolkit.indicators.applicant import applicant_indicators
    from toolkit.indicators.readiness import check_readiness
    from toolkit.model import ROUTE_LABELS_FR
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture
    from toolkit.reference.law import citations_fr
    from toolkit.workspace import local_today

    ev = evidence or gather(ws, applicant_id, window_minutes=window_minutes)
    a = ev.applicant
    pref = get_prefecture(a.prefecture)
    today = today or local_today(a.tz)
    ind = indicators or applicant_indicators(
        ws, applicant_id, window_minutes=window_minutes, today=today
    )
    if check is None:
        check = check_readiness(ws, applicant_id, today=today)
    ident = ev.identity
    first, last = ind["first_attempt"], ind["last_attempt"]
    contacts = contacts_list(ev)
    written = [c["date_value"] for c in contacts if c["written"] and c["date_value"] is not None]
    expiry: date | None = a.permit_expiry
    pieces = pieces_of(ws, ev, Path(exhibits) if exhibits else None)

    def ref(role: str, *sections: str) -> str:
        return ref_fr(
            [
                int(p["numero"])
                for p in pieces
                if (p["section"] in sections if sections else ROLES.get(p["section"]) == role)
            ]
        )

    ccc = [d for d in ev.documents if d.kind == "ccc_attestation"]
    robot = [p for p in pieces if p["section"] == "robot"]
    bands = [f"{v} {BAND_WORDS.get(k, k)}" for k, v in ind["hour_bands"].items() if v]
    none_yet = TODO.format("aucune tentative enregistrée")
    return {
        "nom": identity_value(ident, "full_name"),
        "date_naissance": identity_value(ident, "birth_date"),
        "nationalite": identity_value(ident, "nationality"),
        "agdref": identity_value(ident, "agdref"),
        "adresse": identity_value(ident, "address"),
        "courriel": identity_value(ident, "email"),
        "telephone": identity_value(ident, "phone"),
        "dossier": a.id,
        "lieu_lettre": town_of(ident.get("address")),
        "date_lettre": date_fr(today),
        "prefecture": pref.label_fr,
        "prefecture_ville": pref.town,
        "prefet": pref.prefet_fr,
        "formule_appel": "Monsieur le Préfet de police,"
        if pref.code == "75-PP"
        else "Monsieur le Préfet,",
        "service_prefecture": TODO.format("nom du service des étrangers de la préfecture"),
        "tribunal": a.tribunal,
        "tribunal_majuscules": a.tribunal.upper(),
        "procedure": PROCEDURE_LABELS_FR.get(a.procedure, a.procedure),
        "est_renouvellement": a.procedure == "renouvellement",
        "voie": a.route,
        "voie_libelle": ROUTE_LABELS_FR.get(a.route, a.route),
        "oqtf": a.oqtf,
        "oqtf_texte": _oqtf_texte(a.oqtf, a.oqtf_date),
        "titre_expiration": date_fr(expiry) if expiry else EXPIRY_PLACEHOLDER,
        "titre_expire": bool(expiry and expiry < today),
        "titre_situation": _titre_situation(expiry, today),
        "demandes_anterieures": [_demand_text(vars(d)) for d in list_demands(ws, applicant_id)],
        "nb_tentatives": int(ind["attempts"]),
        "premiere_tentative": date_fr(first) if first else none_yet,
        "derniere_tentative": date_fr(last) if last else none_yet,
        "periode_tentatives": period_fr(first, last) if first else none_yet,
        "duree_jours": int(ind["span_days"]),
        "nb_jours": int(ind["distinct_days"]),
        "nb_heures": int(ind["distinct_hours"]),
        "plages_horaires": join_fr(bands),
        "plus_long_ecart_jours": int(ind["longest_gap_days"]),
        "nb_sans_creneau": int(ind["by_outcome"].get("no_slot", 0)),
        "nb_sans_creneau_declare": sum(
            1
            for e in ev.online
            if e.system != "anef" and e.outcome == "no_slot" and e.outcome_source == "declared"
        ),
        "autres_resultats": letter_outcomes_fr(ind["by_outcome"]),
        "nb_tentatives_publication": int(ind["publications"]["attempts_at"]),
        "minutes_publication": int(ind["publications"]["minutes"]),
        "nb_demarches": sum(int(v) for v in ind["contacts"].values()),
        "nb_demandes_ecrites": int(ind.get("written_requests", 0)),
        "demande_ecrite_prealable": any(d <= today for d in written),
        "demarches": [
            {k: c[k] for k in ("date", "canal", "sens", "objet", "texte")} for c in contacts
        ],
        "demarches_texte": join_fr([c["texte"] for c in contacts])
        or "aucune démarche n'est enregistrée",
        "attestation_ccc": bool(ccc),
        "attestation_ccc_date": date_fr(ccc[0].day) if ccc and ccc[0].day else "",
        "attestation_honneur": any(d.kind == "sworn_statement" for d in ev.documents),
        "justificatifs_urgence": [
            d.title or "justificatif d'urgence" for d in ev.documents if d.kind == "urgency"
        ],
        "releves_robot": bool(robot),
        "releves_operateurs": join_fr(sorted({str(p.get("operateur") or "") for p in robot} - {""}))
        or TODO.format("auteur des relevés"),
        "pieces": [{k: p[k] for k in ("numero", "intitule", "fichier", "periode")} for p in pieces],
        "nb_pieces": len(pieces),
        "ref_titre": ref("titre"),
        "ref_recapitulatif": ref("recapitulatif"),
        "ref_chronologie": ref("chronologie"),
        "ref_tentatives": ref("tentatives"),
        "ref_captures": ref("", "screenshots"),
        "ref_pages": ref("", "captures"),
        "ref_attestation": ref("attestation"),
        "ref_releves": ref("releves"),
        "ref_demarches": ref("demarches"),
        "ref_ccc": ref("ccc"),
        "ref_urgence": ref("urgence"),
        "brouillon": draft,
        "a_verifier": draft_notes(check, exempt, draft),
        "par_avocat": signer == "avocat",
        "refere": refere,
        "cit": citations_fr(),
    }
