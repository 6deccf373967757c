"""French phrases for letters and pièces: identity placeholders, contacts, outcomes, pièce
references. Facts only: a phrase says what a document shows, never what it proves."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.documents.evidence import Entry, Evidence
from toolkit.documents.piece_labels import CONTACT_NOUNS
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


def letter_outcomes_fr(by_outcome: dict[str, int]) -> str:
    """What the other captures showed, for a letter: captcha, error, maintenance, blocked
    page (« un captcha (1 fois) et une erreur du service (2 fois) »). Never the pages that
    showed slots nor those whose result is unknown: the recap lists every attempt, and the
    note for the lawyer explains them."""
    shown = ("captcha", "error", "maintenance", "blocked")
    return join_fr(
        [f"{OUTCOME_PHRASES[k]} ({by_outcome[k]} fois)" for k in shown if by_outcome.get(k)]
    )


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


def town_of(address: str | None) -> str:
    m = re.search(r"\b\d{5}\s+([^\d,]+?)\s*(?:cedex.*)?$", address or "", re.IGNORECASE)
    return m.group(1).strip() if m else "[à compléter : lieu]"


def contacts_list(ev: Evidence) -> list[dict[str, Any]]:
    """Contacts recorded as attempts, plus letters and e-mails filed only as documents; each
    has date, canal, sens, objet, texte, and date_value and written (a request sent)."""
    items: list[tuple[date, str, dict[str, Any]]] = []
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


def _contact(e: Entry, text: str) -> dict[str, Any]:
    return {
        "date_value": e.day,
        "written": e.kind in ("email", "letter") and e.direction != "received",
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


def ref_fr(numbers: list[int]) -> str:
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


def pieces_of(ws: Workspace, ev: Evidence, exhibits: Path | None) -> list[dict[str, Any]]:
    """From a built folder's manifest when given, else as they would be built now."""
    if exhibits is not None:
        manifest = _manifest(exhibits)
        return [
            {"numero": p["number"], "intitule": p["label"], "fichier": p["file"], "kind": p["kind"],
             "section": p["section"], "periode": period_fr(p["date_from"], p["date_to"]),
             "operateur": ", ".join(p.get("operators") or [])}
            for p in manifest["pieces"]
        ]  # fmt: skip
    from toolkit.documents.plan import plan_exhibits
    from toolkit.documents.procedure import procedure_view

    view = procedure_view(ws, ev)[0]
    return [
        {"numero": p.number, "intitule": p.full_label, "fichier": p.filename, "kind": p.kind,
         "section": p.section, "periode": period_fr(p.date_from, p.date_to),
         "operateur": ", ".join(p.operators)}
        for p in plan_exhibits(ev, procedure=view)
    ]  # fmt: skip
