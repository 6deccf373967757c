"""Reference data: every préfecture (``prefectures.csv``) and the procedure vocabulary.

The CSV is read once, lazily, with the ``csv`` module, so every field stays text:
département ``01`` never becomes ``1`` and ``2A`` never becomes a number or NaN.

Look-ups (``get_prefecture``) accept a code, a département name or the préfecture's
town, whatever the case, accents, hyphens or apostrophes. Two rows concern Paris:
``75`` (the préfecture de Paris) and ``75-PP`` (the préfecture de police, which handles
foreigners' residence in Paris). ``"paris"`` is the name of ``75`` and wins over the
town of ``75-PP``; ``"PP"``, ``"75PP"``, ``"préfecture de police"`` and ``"police"``
give ``75-PP``.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from zoneinfo import ZoneInfo

from toolkit.errors import NotFound
from toolkit.reference.fold import fold
from toolkit.reference.procedures import (
    ANEF_PROCEDURES,
    GUICHET_PROCEDURES,
    PROCEDURE_LABELS_FR,
    default_route,
    get_procedure,
    uses_anef,
)

__all__ = [
    "ANEF_PROCEDURES",
    "GUICHET_PROCEDURES",
    "PARIS_POLICE",
    "PROCEDURE_LABELS_FR",
    "Prefecture",
    "default_route",
    "get_prefecture",
    "get_procedure",
    "normalize_code",
    "prefectures",
    "uses_anef",
]

PARIS_POLICE = "75-PP"
_HEADER = ["code", "name", "town", "tz", "tribunal", "region"]

# "de" + article before the département's name, as in « le préfet de la Seine-Maritime »
# (after INSEE's type of name). Codes not listed take "de la ".
_OF_FORMS: dict[str, str] = {
    "du ": "14 15 18 25 29 30 32 39 45 46 56 59 62 63 67 68 69 81 83 90 94 95",
    "des ": "04 05 06 08 13 22 40 64 65 66 78 79 88 92",
    "de l'": "01 02 03 07 09 10 11 12 27 34 36 38 60 61 89 91",
    "d'": "28 35 37",
    "de ": "41 47 49 54 71 75 77 82 84 974 975 976 977 978",
}
_OF_FORM_BY_CODE = {code: form for form, codes in _OF_FORMS.items() for code in codes.split()}

# Leading words dropped before matching a name or a town ("préfecture de la Manche",
# "La Réunion", "Le Mans"); no département or town starts with one of them otherwise.
_FILLER = frozenset(
    {"prefecture", "prefet", "departement", "de", "du", "des", "d", "le", "la", "les", "l"}
)
_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}
# Other names in common use: the préfecture de police, and towns by their usual name.
_ALIASES = {
    "police": PARIS_POLICE,
    "police de paris": PARIS_POLICE,
    "evry": "91",  # Évry merged into Évry-Courcouronnes in 2019
    "cergy pontoise": "95",  # the agglomération, and the name of the tribunal
}


@dataclass(frozen=True)
class Prefecture:
    """One préfecture: INSEE département code (or ``75-PP``), names, zone and court."""

    code: str
    name: str
    town: str
    tz: str
    tribunal: str
    region: str

    @property
    def label_fr(self) -> str:
        """The name a lawyer writes: « Préfecture de la Seine-Maritime », « Préfecture de
        l'Ain », « Préfecture de police de Paris ». The town is in ``town``."""
        if self.code == PARIS_POLICE:
            return self.name
        return f"Préfecture {self._of_name()}"

    @property
    def prefet_fr(self) -> str:
        """The authority addressed in letters: « préfet de la Seine-Maritime », « préfet de police »."""
        if self.code == PARIS_POLICE:
            return "préfet de police"
        return f"préfet {self._of_name()}"

    @property
    def zone(self) -> ZoneInfo:
        """The zone in which a naive time observed at this préfecture is read."""
        return ZoneInfo(self.tz)

    def _of_name(self) -> str:
        return _OF_FORM_BY_CODE.get(self.code, "de la ") + self.name


@cache
def prefectures() -> tuple[Prefecture, ...]:
    """Every préfecture, in the order of the reference file (codes ascending, 2A/2B after 19)."""
    text = resources.files(__name__).joinpath("prefectures.csv").read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    if header != _HEADER:
        raise RuntimeError(f"prefectures.csv: header {header} is not {_HEADER}")
    return tuple(Prefecture(*row) for row in reader if row)


@cache
def _by_code() -> dict[str, Prefecture]:
    return {p.code: p for p in prefectures()}


def _key(text: str) -> str:
    words = [_ABBREVIATIONS.get(w, w) for w in fold(text).split()]
    while len(words) > 1 and words[0] in _FILLER:
        words.pop(0)
    return " ".join(words)


@cache
def _by_key() -> dict[str, str]:
    """Folded name or town -> code; names win over towns (so "paris" is 75, not 75-PP)."""
    index = dict(_ALIASES)
    for p in prefectures():
        index.setdefault(_key(p.name), p.code)
    for p in prefectures():
        index.setdefault(_key(p.town), p.code)
    return index


def normalize_code(query: str) -> str | None:
    """The canonical code for a code typed by a person, or None if it is not a known code.

    ``"1"`` → ``"01"``, ``"2a"`` → ``"2A"``, ``"75pp"``/``"75 PP"``/``"PP"`` → ``"75-PP"``,
    ``"971"`` → ``"971"``; ``"20"`` (Corsica before 1976) and names give None.
    """
    compact = re.sub(r"[\s_.\-]+", "", str(query)).upper()
    if compact in {"PP", "75PP"}:
        return PARIS_POLICE
    if re.fullmatch(r"\d", compact):
        compact = "0" + compact
    elif re.fullmatch(r"02[AB]", compact):
        compact = compact[1:]
    return compact if compact in _by_code() else None


def _code_and_words(query: str) -> tuple[str, str] | None:
    """Split "76 Seine-Maritime", "76 - Rouen" or "Seine-Maritime (76)" into code and words."""
    match = re.fullmatch(r"\s*(\S+?)[:\-–—]?\s+[:\-–—]?\s*(.+?)\s*", query)
    if match and normalize_code(match[1]):
        return match[1], match[2]
    match = re.fullmatch(r"\s*(.+?)\s*\(\s*([^()]+?)\s*\)\s*", query)
    if match and normalize_code(match[2]):
        return match[2], match[1]
    return None


def _matches(code: str, words: str) -> bool:
    p = _by_code()[code]
    key = _key(words)
    return key in {_key(p.name), _key(p.town)} or _by_key().get(key) == code


def _describe(code: str, *, with_code: bool = True) -> str:
    p = _by_code()[code]
    text = p.name if p.name == p.town else f"{p.name} ({p.town})"
    return f"{p.code} {text}" if with_code else text


def get_prefecture(query: str) -> Prefecture:
    """The préfecture for a code, a département name or a town (see the module doc).

    Raises NotFound, with close matches, when nothing matches.
    """
    code = normalize_code(query)
    if code is None:
        code = _by_key().get(_key(str(query)))
    if code is None:
        split = _code_and_words(str(query))
        if split is not None:
            given, words = split
            code = normalize_code(given)
            if code is not None and not _matches(code, words):
                raise NotFound(
                    f"préfecture {query!r}: {code} is {_describe(code, with_code=False)}, "
                    f"not {words!r}; give the code or the name alone"
                )
    if code is not None:
        return _by_code()[code]
    raise NotFound(_not_found_message(str(query)))


def _not_found_message(query: str) -> str:
    if re.sub(r"\s+", "", query) == "20":
        close = ["2A", "2B"]
    else:
        keys = difflib.get_close_matches(_key(query), _by_key(), n=5, cutoff=0.6)
        close = list(dict.fromkeys(_by_key()[k] for k in keys))[:3]
    hint = f"; did you mean {' or '.join(_describe(c) for c in close)}?" if close else "."
    return (
        f"unknown préfecture {query!r}{hint} Give a code such as 76, 2A or 75-PP, "
        "a département name or the préfecture's town; `guichets prefectures` lists them all"
    )
