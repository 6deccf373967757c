"""File names Télérecours accepts for pièces.

Since décret 2020-1245, each pièce is its own file whose name starts with its number in
the inventaire détaillé. Télérecours refuses names over 80 characters, accented letters
and the characters ``% / & .`` (except before the extension). We keep only ASCII letters,
digits, ``_`` and ``-``, so a name also survives every operating system and zip tool.
"""

from __future__ import annotations

import re

from toolkit.reference.fold import strip_accents

MAX_NAME = 80
_NOT_ALLOWED = re.compile(r"[^A-Za-z0-9_-]+")
_RUNS = re.compile(r"_{2,}")
VALID_NAME = re.compile(r"\d{2,}_[A-Za-z0-9][A-Za-z0-9_-]*\.[a-z0-9]+")


def ascii_fold(text: str) -> str:
    """Accents removed (« Pièce » → « Piece »), ligatures spelled out; other non-ASCII dropped."""
    return strip_accents(text).encode("ascii", "ignore").decode("ascii")


def safe_stem(label: str) -> str:
    """A label as letters, digits, ``_`` and ``-``: spaces, apostrophes, ``% / & .`` become ``_``."""
    stem = _NOT_ALLOWED.sub("_", ascii_fold(label))
    return _RUNS.sub("_", stem).strip("_-")


def exhibit_filename(number: int, label: str, *, ext: str = "pdf", max_len: int = MAX_NAME) -> str:
    """``NN_Label.pdf``: the pièce number (two digits at least), then the label, ≤ ``max_len``.

    A label too long is cut at a word boundary when one is near enough.
    """
    if number < 1:
        raise ValueError(f"pièce number {number}: numbering starts at 1")
    prefix = f"{number:02d}_"
    suffix = f".{ext.lower().lstrip('.')}"
    room = max_len - len(prefix) - len(suffix)
    if room < 1:
        raise ValueError(f"max_len {max_len} leaves no room for a label")
    stem = safe_stem(label) or "Piece"
    if len(stem) > room:
        cut = stem[:room]
        boundary = max(cut.rfind("_"), cut.rfind("-"))
        stem = cut[:boundary] if boundary >= room // 2 else cut
        stem = stem.rstrip("_-")
    return f"{prefix}{stem}{suffix}"


def is_telerecours_name(name: str, *, max_len: int = MAX_NAME) -> bool:
    """True when ``name`` starts with a number, holds only allowed characters, fits the limit."""
    return len(name) <= max_len and VALID_NAME.fullmatch(name) is not None
