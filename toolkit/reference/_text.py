"""Folding of user-typed names for look-ups (private to ``toolkit.reference``)."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower-case, strip accents, and turn hyphens, apostrophes and spaces into one space.

    ``"Côtes-d’Armor"`` and ``"cotes d'armor"`` both become ``"cotes d armor"``.
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    bare = bare.replace("œ", "oe").replace("æ", "ae")
    return _NON_ALNUM.sub(" ", bare).strip()
