"""The outcome and procedure words of ``vocabulary.toml``, for logs, crawls and bundles.

:func:`read_outcome` reads a free-text outcome (« pas de créneau disponible », « Erreur 503 »)
as a slug, or None when no word of the vocabulary is in it; :func:`outcome_sql` is the same
reading in DuckDB for crawl files, built from the same tables and checked against it by
``tests/reference/test_vocabulary.py``. Procedure words are read by
:func:`toolkit.reference.get_procedure`. Slugs are the enums of :mod:`toolkit.model`.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources

from toolkit.model import Outcome, Procedure
from toolkit.reference.fold import fold, fold_sql


@dataclass(frozen=True)
class OutcomeWords:
    """``whole``: folded value -> slug; ``phrases``: (folded phrase, slug), longest first."""

    whole: dict[str, str]
    phrases: tuple[tuple[str, str], ...]

    @property
    def pattern(self) -> str:
        """A regular expression finding the leftmost phrase, as whole words, in ``' ' || key
        || ' '`` (the same for Python's ``re`` and DuckDB's RE2: phrases are plain words)."""
        return " (" + "|".join(re.escape(p) for p, _ in self.phrases) + ") "


@cache
def _data() -> dict[str, dict[str, object]]:
    text = resources.files(__package__).joinpath("vocabulary.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@cache
def outcome_words() -> OutcomeWords:
    outcomes = _data()["outcome"]
    slugs = {o.value for o in Outcome}
    if set(outcomes) != slugs:
        raise RuntimeError(f"vocabulary.toml: [outcome.*] must name exactly {sorted(slugs)}")
    whole = {fold(slug): slug for slug in slugs}
    phrases: list[tuple[str, str]] = []
    for slug, table in outcomes.items():
        assert isinstance(table, dict)
        for word in [*table["phrases"], *table["words"]]:
            key = fold(word)
            if whole.setdefault(key, slug) != slug:
                raise RuntimeError(f"vocabulary.toml: {word!r} is under two outcomes")
        phrases += [(fold(phrase), slug) for phrase in table["phrases"]]
    phrases.sort(key=lambda p: (-len(p[0]), p[0]))
    return OutcomeWords(whole, tuple(phrases))


def read_outcome(text: str | None) -> str | None:
    """The outcome slug a text says (see ``vocabulary.toml``), or None."""
    key = fold(text or "")
    if not key:
        return None
    words = outcome_words()
    if key in words.whole:
        return words.whole[key]
    found = re.search(words.pattern, f" {key} ")
    return dict(words.phrases)[found.group(1)] if found else None


def outcome_sql(expr: str) -> str:
    """DuckDB SQL reading the VARCHAR ``expr`` as :func:`read_outcome` does (NULL when it
    finds nothing); ``expr`` is evaluated a few times: give a column."""
    from toolkit.sqltext import lit, map_sql

    words = outcome_words()
    key = fold_sql(expr)
    phrase = f"regexp_extract(' ' || {key} || ' ', {lit(words.pattern)}, 1)"
    return (
        f"coalesce({map_sql(words.whole)}[{key}], "
        f"{map_sql(dict(words.phrases))}[nullif({phrase}, '')])"
    )


@cache
def procedure_words() -> dict[str, str]:
    """Folded word -> procedure slug, from ``vocabulary.toml`` (slugs and labels apart)."""
    table = _data()["procedure"]
    slugs = {p.value for p in Procedure}
    unknown = sorted(set(table) - slugs)
    if unknown:
        raise RuntimeError(f"vocabulary.toml: [procedure] {unknown[0]} is not a procedure slug")
    return {fold(word): slug for slug, words in table.items() for word in words}  # type: ignore[attr-defined]


def slugs(column: str) -> frozenset[str]:
    """The values ``column`` (outcome or procedure) may hold in the store and in bundles:
    what a bundle's vocabulary columns are checked against."""
    if column == "outcome":
        return frozenset(o.value for o in Outcome)
    if column == "procedure":
        return frozenset(p.value for p in Procedure)
    raise ValueError(f"no vocabulary for {column!r}; use outcome or procedure")
