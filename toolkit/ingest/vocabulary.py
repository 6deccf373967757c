"""What people write in the outcome column of their screenshot log, as a slug."""

from __future__ import annotations

from toolkit.reference.fold import fold
from toolkit.reference.vocabulary import read_outcome


def outcome_from_text(text: str | None) -> str | None:
    """Map a free-text result (« pas de créneau », « captcha », « erreur 503 ») to a slug by
    the shared vocabulary (``toolkit/reference/vocabulary.toml``); an empty cell or « ? » is
    ``unknown``; None when no word of the vocabulary is in it."""
    if not fold(text or ""):
        return "unknown"
    return read_outcome(text)
