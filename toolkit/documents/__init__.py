"""Documents for the court and the administration: exhibits (pièces + inventaire) and letters."""

from __future__ import annotations

from toolkit.documents.exhibits import ExhibitsResult, build_exhibits
from toolkit.documents.letter_context import letter_context
from toolkit.documents.letter_kinds import LETTER_KINDS, LetterKind
from toolkit.documents.letters import LetterResult, build_letter

__all__ = [
    "LETTER_KINDS",
    "ExhibitsResult",
    "LetterKind",
    "LetterResult",
    "build_exhibits",
    "build_letter",
    "letter_context",
]
