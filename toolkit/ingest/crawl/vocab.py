"""The words robots write for préfectures, procedures, outcomes and systems, as SQL look-ups.

A value is first matched as written (the canonical code or slug, or a mapping's
``[values.*]`` key); otherwise by its folded form (``toolkit.reference.fold``: « Seine-Maritime »
→ ``seine maritime``, « Première demande » → ``premiere demande``), against the shared
vocabulary (``toolkit/reference/vocabulary.toml``) that screenshot logs and bundles use too.
"""

from __future__ import annotations

from toolkit.model import Outcome, System
from toolkit.reference.fold import fold

# Words that mean "no date" in a first/second slot column (not a problem, just no date).
NULL_DATES = ("-", "—", "aucun", "aucune", "none", "null", "nan", "nat", "n/a", "na", "/")


def prefecture_keys() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(code -> zone, other written form -> code, folded form -> code).

    Written forms: ``1``…``9`` for ``01``…``09``; folded: codes, names (first), towns,
    ``pp``/``75pp``/``police`` for the préfecture de police, ``02a``/``02b``.
    """
    from toolkit.reference import PARIS_POLICE, prefectures

    zones = {p.code: p.tz for p in prefectures()}
    written = {code[1:]: code for code in zones if code.isdigit() and code.startswith("0")}
    folded: dict[str, str] = {"pp": PARIS_POLICE, "75pp": PARIS_POLICE, "police": PARIS_POLICE}
    for code in zones:
        folded.setdefault(fold(code), code)
        if code in ("2A", "2B"):
            folded.setdefault("0" + code.lower(), code)
    for short, code in written.items():
        folded.setdefault(short, code)
    for p in prefectures():
        folded.setdefault(fold(p.name), p.code)
    for p in prefectures():
        folded.setdefault(fold(p.town), p.code)
    return zones, written, folded


def vocabulary(column: str) -> tuple[dict[str, str], dict[str, str]]:
    """(as written -> slug, folded -> slug) for procedure, outcome and system (outcomes
    also match a phrase inside a longer text: ``toolkit.reference.vocabulary.outcome_sql``)."""
    from toolkit.reference.procedures import PROCEDURE_LABELS_FR, procedure_index
    from toolkit.reference.vocabulary import outcome_words

    if column == "procedure":
        return {slug: slug for slug in PROCEDURE_LABELS_FR}, dict(procedure_index())
    if column == "outcome":
        return {o.value: o.value for o in Outcome}, dict(outcome_words().whole)
    if column == "system":
        return {s.value: s.value for s in System}, {fold(s.value): s.value for s in System}
    return {}, {}
