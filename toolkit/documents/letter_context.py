"""The facts a letter is written from, as French text ready for a Word template.

Every variable a template may use is listed in :data:`VARIABLES` (templates/README.md is
generated from it). Missing identity fields become visible placeholders such as
« [à compléter : adresse] », so a letter never carries an empty blank or a raw tag.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.documents.evidence import Entry, Evidence, gather
from toolkit.errors import InputError
from toolkit.frenchdates import date_fr, period_fr, plural_fr
from toolkit.workspace import Workspace

PLACEHOLDERS = {
    "full_name": "[à compléter : nom et prénom]",
    "birth_date": "[à compléter : date de naissance]",
    "nationality": "[à compléter : nationalité]",
    "agdref": "[à compléter : numéro AGDREF]",
    "address": "[à compléter : adresse]",
    "email": "[à compléter : adresse électronique]",
    "phone": "[à compléter : téléphone]",
}
EXPIRY_PLACEHOLDER = "[à compléter : date de fin de validité du titre de séjour]"

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
    "tribunal": "Competent court, « Tribunal administratif de Rouen »",
    "tribunal_majuscules": "The same in capitals, for the heading of the requête",
    "procedure": "The procedure, « renouvellement de titre de séjour »",
    "est_renouvellement": "True when the procedure is a renewal (urgency is then presumed)",
    "procedure_anef": "True when the procedure is filed on the ANEF portal",
    "nb_tentatives": "Number of online booking attempts",
    "premiere_tentative": "Date of the first attempt, « 24 février 2025 » (placeholder when none)",
    "derniere_tentative": "Date of the last attempt, « 1er avril 2025 »",
    "periode_tentatives": "« du 24 février au 1er avril 2025 »",
    "duree_jours": "Days between the first and the last attempt",
    "nb_jours": "Distinct days with at least one attempt",
    "nb_semaines": "Distinct ISO weeks with at least one attempt",
    "nb_heures": "Distinct hours of the day covered by the attempts",
    "plages_horaires": "Attempts by time of day, « 1 la nuit, 19 le matin et 11 le soir »",
    "plus_long_ecart_jours": "Longest gap between two days of attempts, in days",
    "resultats_tentatives": "What the site showed, « aucun créneau disponible (19 fois) et un captcha (1 fois) »",
    "nb_sans_creneau": "Attempts that showed no slot",
    "nb_creneaux_vus": "Attempts that showed slots (to be explained by the lawyer)",
    "nb_heures_faibles": "Attempts dated only by the file's date (weak times)",
    "nb_demarches": "Contacts with the préfecture (e-mails, letters, calls, visits)",
    "nb_demandes_ecrites": "Written requests sent (e-mails and letters not received)",
    "demarches": "List of contacts; each has date, canal, sens, objet, texte",
    "demarches_texte": "The contacts as one sentence, or « aucune démarche n'est enregistrée »",
    "titre_expiration": "Permit expiry date, « 15 avril 2025 » (placeholder when unknown)",
    "titre_expire": "True when the permit has expired",
    "titre_situation": "« expire le 15 avril 2025, dans 12 jours » / « a expiré le … »",
    "corroboration": "True when robot probes cover some attempts",
    "corroboration_texte": "What the robot probes show, as a sentence (empty when none)",
    "attestation_ccc": "True when a CCC attestation is on file",
    "attestation_ccc_date": "Its date, « 19 mars 2025 » (empty when undated or absent)",
    "justificatifs_urgence": "List of the titles of the urgency documents",
    "pieces": "List of pièces; each has numero, intitule, fichier, periode",
    "nb_pieces": "Number of pièces",
    "ref_titre": "« pièce n° 1 »: the permit (empty when absent)",
    "ref_recapitulatif": "« pièce n° 2 »: the recap table",
    "ref_chronologie": "« pièce n° 3 »: the timeline chart",
    "ref_captures": "« pièces n° 4 à 6 »: the screenshot séries",
    "ref_pages": "The saved pages (HTML, PDF, HAR, MHTML)",
    "ref_demarches": "The e-mails and letters",
    "ref_ccc": "The CCC attestation",
    "ref_urgence": "The urgency documents",
}

_CONTACT_PHRASE = {
    "email": ("courriel adressé à la préfecture", "courriel reçu de la préfecture", "courriel"),
    "letter": ("courrier adressé à la préfecture", "courrier reçu de la préfecture", "courrier"),
    "phone": ("appel téléphonique", "appel reçu de la préfecture", "appel téléphonique"),
    "counter": ("passage au guichet de la préfecture", "passage au guichet", "passage au guichet"),
    "other": ("démarche auprès de la préfecture", "réponse de la préfecture", "démarche"),
}
_CHANNEL_WORD = {
    "email": "courriel",
    "letter": "courrier",
    "phone": "téléphone",
    "counter": "guichet",
    "other": "autre",
}


BAND_WORDS = {
    "night": "la nuit",
    "morning": "le matin",
    "afternoon": "l'après-midi",
    "evening": "le soir",
}
OUTCOME_PHRASES = {
    "no_slot": "aucun créneau disponible",
    "slots_available": "des créneaux disponibles",
    "captcha": "un captcha",
    "blocked": "une page bloquée ou non chargée",
    "error": "une erreur du service",
    "maintenance": "une page de maintenance",
}


def outcomes_fr(by_outcome: dict[str, int]) -> str:
    """« aucun créneau disponible (19 fois) et un captcha (1 fois) ; résultat non relevé pour
    3 tentatives »."""
    seen = [
        f"{OUTCOME_PHRASES[k]} ({v} fois)"
        for k, v in by_outcome.items()
        if v and k in OUTCOME_PHRASES
    ]
    text = join_fr(seen)
    unknown = int(by_outcome.get("unknown", 0))
    if unknown:
        rest = f"résultat non relevé pour {plural_fr(unknown, 'tentative', 'tentatives')}"
        text = f"{text} ; {rest}" if text else rest
    return text


CONTACT_NOUNS = {
    "email": ("courriel", "courriels"),
    "letter": ("courrier", "courriers"),
    "phone": ("appel téléphonique", "appels téléphoniques"),
    "counter": ("passage au guichet", "passages au guichet"),
    "other": ("autre démarche", "autres démarches"),
}


def contacts_fr(by_channel: dict[str, int]) -> str:
    """« 3 courriels et 1 courrier » (empty when there is none)."""
    return join_fr(
        [plural_fr(n, *CONTACT_NOUNS.get(k, (k, k))) for k, n in by_channel.items() if n]
    )


def _sentence_case(text: str) -> str:
    """A title placed after a colon starts in lower case (« : lettre recommandée… »)."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def identity_value(identity: dict[str, Any], name: str) -> str:
    value = identity.get(name)
    if value in (None, ""):
        return PLACEHOLDERS[name]
    if isinstance(value, date):
        return date_fr(value)
    return str(value)


def _town(address: str | None) -> str:
    m = re.search(r"\b\d{5}\s+([^\d,]+?)\s*(?:cedex.*)?$", address or "", re.IGNORECASE)
    return m.group(1).strip() if m else "[à compléter : lieu]"


def _contacts(ev: Evidence) -> list[dict[str, str]]:
    """Contacts recorded as attempts, plus letters and e-mails filed only as documents."""
    items: list[tuple[date, str, dict[str, str]]] = []
    seen_files = {e.original.sha256 for e in ev.contacts if e.original}
    seen_days = {(e.kind, e.day) for e in ev.contacts}
    for e in ev.contacts:
        sent, received, neutral = _CONTACT_PHRASE.get(e.kind, _CONTACT_PHRASE["other"])
        what = {"sent": sent, "received": received}.get(e.direction or "", neutral)
        text = f"{what} le {date_fr(e.day)}" if e.day else what
        if e.subject:
            text += f" (objet : « {e.subject} »)"
        items.append((e.day or date.max, e.key, _contact(e, text)))
    for d in ev.documents:
        if d.kind not in ("letter", "email"):
            continue
        if (d.original and d.original.sha256 in seen_files) or (d.kind, d.day) in seen_days:
            continue
        what = _CONTACT_PHRASE[d.kind][2]
        text = f"{what} du {date_fr(d.day)}" if d.day else what
        if d.title:
            text += f" : {_sentence_case(d.title)}"
        items.append((d.day or date.max, d.key, _contact(d, text)))
    return [c for _, _, c in sorted(items, key=lambda t: (t[0], t[1]))]


def _contact(e: Entry, text: str) -> dict[str, str]:
    return {
        "date": date_fr(e.day) if e.day else "[date inconnue]",
        "canal": _CHANNEL_WORD.get(e.kind, e.kind),
        "sens": {"sent": "envoyé", "received": "reçu"}.get(e.direction or "", ""),
        "objet": e.subject or e.title or "",
        "texte": text,
    }


def join_fr(parts: list[str]) -> str:
    """« a », « a et b », « a, b et c »."""
    if not parts:
        return ""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " et " + parts[-1]


def _ref(numbers: list[int]) -> str:
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"pièce n° {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        sep = " et " if len(numbers) == 2 else " à "
        return f"pièces n° {numbers[0]}{sep}{numbers[-1]}"
    return "pièces n° " + join_fr([str(n) for n in numbers])


def _manifest(folder: Path) -> dict[str, Any]:
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if isinstance(manifest, dict) and isinstance(manifest.get("pieces"), list):
            return manifest
    except (OSError, ValueError):
        pass
    raise InputError(
        f"--exhibits {folder}: no readable manifest.json; give a folder built by `guichets exhibits`"
    )


def _pieces(ws: Workspace, ev: Evidence, exhibits: Path | None) -> list[dict[str, Any]]:
    """From a built folder's manifest when given, else as they would be built now."""
    if exhibits is not None:
        manifest = _manifest(exhibits)
        return [
            {"numero": p["number"], "intitule": p["label"], "fichier": p["file"], "kind": p["kind"],
             "section": p["section"], "periode": period_fr(p["date_from"], p["date_to"])}
            for p in manifest["pieces"]
        ]  # fmt: skip
    from toolkit.documents.plan import plan_exhibits

    return [
        {"numero": p.number, "intitule": p.full_label, "fichier": p.filename, "kind": p.kind,
         "section": p.section, "periode": period_fr(p.date_from, p.date_to)}
        for p in plan_exhibits(ev)
    ]  # fmt: skip


def letter_context(
    ws: Workspace,
    applicant_id: str,
    *,
    exhibits: str | Path | None = None,
    today: date | None = None,
    window_minutes: int = 60,
) -> dict[str, Any]:
    """Every variable of :data:`VARIABLES`, filled from the store (and the exhibits folder)."""
    from toolkit.indicators.applicant import applicant_indicators, local_today
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture, uses_anef

    ev = gather(ws, applicant_id, window_minutes=window_minutes)
    a = ev.applicant
    pref = get_prefecture(a.prefecture)
    today = today or local_today(a.tz)
    ind = applicant_indicators(ws, applicant_id, window_minutes=window_minutes, today=today)
    ident = ev.identity
    n = int(ind["attempts"])
    first, last = ind["first_attempt"], ind["last_attempt"]
    contacts = _contacts(ev)
    expiry: date | None = a.permit_expiry
    if expiry is None:
        situation = EXPIRY_PLACEHOLDER
    elif expiry >= today:
        days = (expiry - today).days
        situation = f"expire le {date_fr(expiry)}" + (
            f", dans {plural_fr(days, 'jour', 'jours')}" if days else ", aujourd'hui même"
        )
    else:
        situation = f"a expiré le {date_fr(expiry)}, il y a {plural_fr((today - expiry).days, 'jour', 'jours')}"
    corro = ind["corroboration"]
    corro_text = ""
    if corro.get("covered"):
        corro_text = (
            f"{plural_fr(corro['covered'], 'tentative a eu lieu', 'tentatives ont eu lieu')} à moins de "
            f"{corro['window_minutes']} minutes d'un relevé automatique du même service de rendez-vous ; "
            f"{plural_fr(corro['corroborated'], 'de ces relevés confirme', 'de ces relevés confirment')} "
            "l'absence de créneau"
            + (f", {corro['contradicted']} montre{'nt' if corro['contradicted'] > 1 else ''} des créneaux disponibles" if corro["contradicted"] else "")
            + "."
        )  # fmt: skip
    pieces = _pieces(ws, ev, Path(exhibits) if exhibits else None)

    def ref(*sections: str) -> str:
        return _ref([int(p["numero"]) for p in pieces if p["section"] in sections])

    ccc = [d for d in ev.documents if d.kind == "ccc_attestation"]
    bands = [f"{v} {BAND_WORDS.get(k, k)}" for k, v in ind["hour_bands"].items() if v]
    none_yet = "[à compléter : aucune tentative enregistrée]"
    ctx: dict[str, Any] = {
        "nom": identity_value(ident, "full_name"),
        "date_naissance": identity_value(ident, "birth_date"),
        "nationalite": identity_value(ident, "nationality"),
        "agdref": identity_value(ident, "agdref"),
        "adresse": identity_value(ident, "address"),
        "courriel": identity_value(ident, "email"),
        "telephone": identity_value(ident, "phone"),
        "dossier": a.id,
        "lieu_lettre": _town(ident.get("address")),
        "date_lettre": date_fr(today),
        "prefecture": pref.label_fr,
        "prefecture_ville": pref.town,
        "prefet": pref.prefet_fr,
        "formule_appel": "Monsieur le Préfet de police,"
        if pref.code == "75-PP"
        else "Monsieur le Préfet,",
        "tribunal": a.tribunal,
        "tribunal_majuscules": a.tribunal.upper(),
        "procedure": PROCEDURE_LABELS_FR.get(a.procedure, a.procedure),
        "est_renouvellement": a.procedure == "renouvellement",
        "procedure_anef": uses_anef(a.procedure),
        "nb_tentatives": n,
        "premiere_tentative": date_fr(first) if first else none_yet,
        "derniere_tentative": date_fr(last) if last else none_yet,
        "periode_tentatives": period_fr(first, last) if first else none_yet,
        "duree_jours": int(ind["span_days"]),
        "nb_jours": int(ind["distinct_days"]),
        "nb_semaines": int(ind["distinct_iso_weeks"]),
        "nb_heures": int(ind["distinct_hours"]),
        "plages_horaires": join_fr(bands),
        "plus_long_ecart_jours": int(ind["longest_gap_days"]),
        "resultats_tentatives": outcomes_fr(ind["by_outcome"]),
        "nb_sans_creneau": int(ind["by_outcome"].get("no_slot", 0)),
        "nb_creneaux_vus": int(ind["by_outcome"].get("slots_available", 0)),
        "nb_heures_faibles": int(ind["weak_times"]),
        "nb_demarches": sum(int(v) for v in ind["contacts"].values()),
        "nb_demandes_ecrites": int(ind.get("written_requests", 0)),
        "demarches": contacts,
        "demarches_texte": join_fr([c["texte"] for c in contacts])
        or "aucune démarche n'est enregistrée",
        "titre_expiration": date_fr(expiry) if expiry else EXPIRY_PLACEHOLDER,
        "titre_expire": bool(expiry and expiry < today),
        "titre_situation": situation,
        "corroboration": bool(corro.get("covered")),
        "corroboration_texte": corro_text,
        "attestation_ccc": bool(ccc),
        "attestation_ccc_date": date_fr(ccc[0].day) if ccc and ccc[0].day else "",
        "justificatifs_urgence": [
            d.title or "justificatif d'urgence" for d in ev.documents if d.kind == "urgency"
        ],
        "pieces": [{k: p[k] for k in ("numero", "intitule", "fichier", "periode")} for p in pieces],
        "nb_pieces": len(pieces),
        "ref_titre": ref("identity_docs"),
        "ref_recapitulatif": ref("recap"),
        "ref_chronologie": ref("chart"),
        "ref_captures": ref("screenshots"),
        "ref_pages": ref("captures"),
        "ref_demarches": ref("correspondence"),
        "ref_ccc": ref("ccc_attestation"),
        "ref_urgence": ref("urgency"),
    }
    return ctx
