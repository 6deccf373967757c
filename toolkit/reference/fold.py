"""The one fold for look-ups of words people type, in Python and in DuckDB SQL.

``fold("Côtes-d’Armor") == "cotes d armor"``, ``fold("ŒUVRE") == "oeuvre"``: lower case,
accents and every other combining mark removed (canonical decomposition, NFD), the ligatures
of French and neighbouring languages spelled out (œ, æ, ß, ø, ł, đ), and every run of
characters other than ``a-z`` and ``0-9`` one space, trimmed. Headers, préfecture names,
procedure and outcome words, log columns: every look-up compares folded keys, so a word
written with or without accents, capitals, hyphens or apostrophes finds the same entry.

:func:`fold_sql` computes the same key in DuckDB (``lower``, ``strip_accents`` — which drops
every mark, like :func:`fold` — the same ligatures, the same expression);
``tests/reference/test_fold.py`` checks the two agree on every assigned character.
Canonical, not compatibility, decomposition: DuckDB has only the former, and a key must not
depend on which side computed it (``²`` or a non-breaking space fold to a space in both).
"""

from __future__ import annotations

import re
import unicodedata

#: Letters that no decomposition splits, spelled out (lower case: the fold lowers first).
LIGATURES: dict[str, str] = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d"}
_OTHER = re.compile(r"[^0-9a-z]+")
_LIGATURE_TABLE = str.maketrans(LIGATURES)
_CASED_TABLE = str.maketrans(
    {**LIGATURES, "Œ": "OE", "Æ": "AE", "ẞ": "SS", "Ø": "O", "Ł": "L", "Đ": "D"}
)


def strip_accents(text: str) -> str:
    """``text`` without accents or other marks, ligatures spelled out; case kept
    (« Pièce » → « Piece », « ŒUVRE » → « OEUVRE »)."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return bare.translate(_CASED_TABLE)


def fold(text: str) -> str:
    """The look-up key of ``text`` (see the module doc)."""
    decomposed = unicodedata.normalize("NFD", str(text).lower())
    bare = "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))
    return _OTHER.sub(" ", bare.translate(_LIGATURE_TABLE)).strip()


def fold_sql(expr: str) -> str:
    """DuckDB SQL computing :func:`fold` of the VARCHAR expression ``expr``."""
    sql = f"strip_accents(lower({expr}))"
    for letter, spelled in LIGATURES.items():
        sql = f"replace({sql}, '{letter}', '{spelled}')"
    return f"trim(regexp_replace({sql}, '[^0-9a-z]+', ' ', 'g'))"
