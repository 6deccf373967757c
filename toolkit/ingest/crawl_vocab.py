"""The words robots write for préfectures, procedures and outcomes, and how they are folded.

A value is first matched as written (the canonical code or slug, or a mapping's
``[values.*]`` key); otherwise by its folded form: lower case, no accents, ``œ``/``æ``
spelled out, every run of other characters one space (« Seine-Maritime » → ``seine
maritime``, « Première demande » → ``premiere demande``). :func:`value_key` (Python) and
:func:`fold_sql` (DuckDB) compute the same form.
"""

from __future__ import annotations

import re
import unicodedata

from toolkit.model import Outcome, System
from toolkit.sqltext import lit

# Words that mean "no date" in a first/second slot column (not a problem, just no date).
NULL_DATES = ("-", "—", "aucun", "aucune", "none", "null", "nan", "nat", "n/a", "na", "/")

OUTCOME_WORDS: dict[str, str] = {
    **{w: "no_slot" for w in (
        "no slot", "noslot", "aucun creneau", "pas de creneau", "complet", "indisponible",
        "none", "no", "non", "ko", "false", "full", "unavailable", "aucun rendez vous",
        "pas de rendez vous", "aucun rdv", "pas de rdv", "plus de plage horaire", "vide",
    )},
    **{w: "slots_available" for w in (
        "slots available", "slots", "available", "disponible", "disponibles", "dispo",
        "creneaux disponibles", "creneau disponible", "libre", "ok", "oui", "yes", "true", "open",
    )},
    **{w: "error" for w in (
        "error", "erreur", "erreur serveur", "server error", "timeout", "time out",
        "service surcharge", "surcharge", "http error", "exception", "5xx", "502", "503", "504",
    )},
    **{w: "captcha" for w in ("captcha", "recaptcha", "captchetat")},
    **{w: "blocked" for w in ("blocked", "bloque", "forbidden", "refuse", "rate limited", "403", "429")},
    **{w: "maintenance" for w in ("maintenance", "en maintenance", "site en maintenance")},
    **{w: "unknown" for w in ("unknown", "inconnu", "indetermine")},
}  # fmt: skip

PROCEDURE_WORDS: dict[str, str] = {
    "aes": "regularisation", "admission exceptionnelle": "regularisation",
    "admission exceptionnelle au sejour": "regularisation", "1ere demande": "premiere-demande",
    "premiere demande de titre": "premiere-demande", "renouvellement de titre": "renouvellement",
    "renouvellement titre de sejour": "renouvellement", "retrait": "retrait-titre",
    "remise de titre": "retrait-titre", "retrait de titre": "retrait-titre",
    "document de circulation pour etranger mineur": "dcem",
}  # fmt: skip


def value_key(text: str) -> str:
    """The folded form of a value, as :func:`fold_sql` computes it in DuckDB."""
    low = unicodedata.normalize("NFKD", str(text).lower())
    bare = "".join(c for c in low if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", bare.replace("œ", "oe").replace("æ", "ae")).strip()


def fold_sql(expr: str) -> str:
    return (
        f"trim(regexp_replace(replace(replace(strip_accents(lower({expr})), 'œ', 'oe'), "
        "'æ', 'ae'), '[^0-9a-z]+', ' ', 'g'))"
    )


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
        folded.setdefault(value_key(code), code)
        if code in ("2A", "2B"):
            folded.setdefault("0" + code.lower(), code)
    for short, code in written.items():
        folded.setdefault(short, code)
    for p in prefectures():
        folded.setdefault(value_key(p.name), p.code)
    for p in prefectures():
        folded.setdefault(value_key(p.town), p.code)
    return zones, written, folded


def vocabulary(column: str) -> tuple[dict[str, str], dict[str, str]]:
    """(as written -> slug, folded -> slug) for procedure, outcome and system."""
    from toolkit.reference import PROCEDURE_LABELS_FR

    if column == "procedure":
        exact = {slug: slug for slug in PROCEDURE_LABELS_FR}
        folded = {value_key(s): s for s in PROCEDURE_LABELS_FR}
        folded.update({value_key(label): s for s, label in PROCEDURE_LABELS_FR.items()})
        folded.update(PROCEDURE_WORDS)
    elif column == "outcome":
        exact = {o.value: o.value for o in Outcome}
        folded = {**OUTCOME_WORDS, **{value_key(o.value): o.value for o in Outcome}}
    elif column == "system":
        exact = {s.value: s.value for s in System}
        folded = {value_key(s.value): s.value for s in System}
    else:
        exact, folded = {}, {}
    return exact, folded


def enum_sql(values: dict[str, str] | list[str]) -> str:
    """An inline ENUM of the values: casting to it is a hash look-up (a MAP is a list scan)."""
    return "ENUM(" + ", ".join(lit(v) for v in sorted(values)) + ")"
