"""What people write in their logs and sheets, mapped to the store's slugs."""

from __future__ import annotations

from toolkit.ingest.textdates import norm_key
from toolkit.model import Outcome

# Checked in order: "indisponible" must win over "disponible".
_OUTCOME_WORDS: tuple[tuple[Outcome, tuple[str, ...]], ...] = (
    (
        Outcome.NO_SLOT,
        (
            "no_slot",
            "no slot",
            "pas de creneau",
            "aucun creneau",
            "plus de plage",
            "pas de rdv",
            "pas de rendez-vous",
            "aucun rendez-vous",
            "aucun rdv",
            "complet",
            "indisponible",
            "rien",
            "none",
            "echec",
            "no appointment",
        ),
    ),
    (Outcome.CAPTCHA, ("captcha",)),
    (Outcome.MAINTENANCE, ("maintenance",)),
    (
        Outcome.ERROR,
        ("error", "erreur", "bug", "502", "503", "504", "surcharge", "plantage", "crash"),
    ),
    (
        Outcome.BLOCKED,
        ("blocked", "bloque", "page blanche", "ne charge pas", "non charge", "inaccessible"),
    ),
    (
        Outcome.SLOTS_AVAILABLE,
        (
            "slots_available",
            "slots available",
            "disponible",
            "creneau propose",
            "rdv propose",
            "ok",
        ),
    ),
    (Outcome.UNKNOWN, ("unknown", "inconnu", "?", "indetermine", "")),
)


def outcome_from_text(text: str | None) -> str | None:
    """Map a free-text result ("pas de créneau", "captcha", "erreur 503") to a slug; None if unsure."""
    key = norm_key(text or "")
    if key in {o.value for o in Outcome}:
        return key
    for outcome, words in _OUTCOME_WORDS:
        for w in words:
            if (w == "" and key == "") or (w and w in key):
                return outcome.value
    return None
