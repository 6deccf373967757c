"""The guard between identity and anything that leaves a workspace.

Identity (``identities``: name, birth date, nationality, AGDREF, address, e-mail, phone) is
kept apart from facts; an export must carry none of it. Two checks: no column whose name says
identity (:func:`is_identity_column`, also applied to bundles received), and no cell holding
an identity value or a variant of one (:class:`IdentityGuard`), in every table of a bundle
and every cell of a workbook.

Values are compared *squashed*: lower-case, accents stripped, everything but letters and
digits removed, so ``Inès Fictive``, ``INES-FICTIVE``, ``ines_fictive`` and
``www.ines-fictive.gouv.fr`` all hold ``inesfictive``. Looked for in every text cell:

- the full name, in both orders; each part of the name of 4 letters or more, as a whole word
  (a part that is also a word of the public vocabulary an export may hold — a préfecture, a
  service, a path word — is not looked for alone: it names a place, not the person);
- the e-mail address, its local part, and the parts of the local part as words;
- the phone number's digits, in national and international forms (8 digits or more);
- the AGDREF number and the address;
- the birth date written ``1990-05-17``, ``17/05/1990``, ``17.05.1990``, ``17051990``,
  ``19900517``, ``17 mai 1990``;

and, in every DATE cell (a document's date, a first slot, a permit expiry), the birth date
itself. Times of observation (TIMESTAMP columns) are not compared: they are when a page was
seen, which no identity value determines. Nationality is not looked for (a word any export
about foreigners may hold).

The comparison runs in DuckDB over the distinct values of each column, so a crawl of millions
of probes is checked without loading it into Python. A hit names the table, the column and
the kind of value, never the value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import IntegrityError
from toolkit.reference.fold import fold, fold_sql
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

# Column names a bundle must never hold (identity, or free text that can hold it).
IDENTITY_COLUMNS = ("full_name", "birth_date", "nationality", "agdref", "address", "email", "phone")
IDENTITY_WORDS = (
    "name", "nom", "birth", "naissance", "nationalit", "agdref", "address", "adresse", "mail",
    "courriel", "phone", "telephone",
)  # fmt: skip

MONTHS_FR = (
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "novembre", "decembre",
)  # fmt: skip

# What a hit is called, most telling first (a cell may hold several).
KINDS = (
    "a name", "an e-mail address", "a phone number", "an AGDREF number", "an address",
    "the birth date", "a part of a name", "a part of an e-mail address",
)  # fmt: skip

# The same squashing on both sides of every comparison (values and needles), in SQL: the
# project's one fold (toolkit.reference.fold), its spaces dropped or split on.
_SQUASH = "replace(" + fold_sql("{}") + ", ' ', '')"
_WORDS = "string_split(" + fold_sql("{}") + ", ' ')"
_TEXT_TYPES = ("VARCHAR",)
_DATE_TYPES = ("DATE",)
_NUMBER_TYPES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UBIGINT", "UINTEGER")


def is_identity_column(name: str) -> bool:
    low = name.lower()
    return low in IDENTITY_COLUMNS or any(w in low for w in IDENTITY_WORDS)


@dataclass(frozen=True)
class Needle:
    """One value to look for: its raw text (squashed in SQL), how to match it, and what it
    is (the only thing a message may say)."""

    raw: str
    what: str
    word: bool = False  # a whole word of the cell, not a part of its squashed text


@dataclass
class IdentityGuard:
    """What to look for in an export, built from the workspace's identities."""

    needles: list[Needle] = field(default_factory=list)
    birth_dates: set[date] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.needles or self.birth_dates)

    def check_tables(
        self, con: duckdb.DuckDBPyConnection, tables: dict[str, Path], where: str
    ) -> None:
        """Refuse (IntegrityError) when any cell of the Parquet ``tables`` holds identity."""
        for name, path in tables.items():
            src = f"read_parquet({lit(path)})"
            for row in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall():
                col, kind = row[0], str(row[1])
                self._check_column(con, src, col, kind, f"{name}.{col}", where)

    def check_values(
        self, con: duckdb.DuckDBPyConnection, cells: dict[str, list[Any]], where: str
    ) -> None:
        """Refuse when one of the ``cells`` (place -> values, e.g. a sheet's cells) holds
        identity; texts, numbers and dates are compared as in tables."""
        for place, values in cells.items():
            if any(type(v) is date and v in self.birth_dates for v in values):
                self._refuse(place, "the birth date", where)
            texts = sorted(
                {str(v) for v in values if isinstance(v, str | int) and not isinstance(v, bool)}
            )
            self._match(con, "(SELECT unnest(?::VARCHAR[]) AS v)", place, where, [texts])

    # -- internals ------------------------------------------------------------------------

    def _check_column(
        self, con: duckdb.DuckDBPyConnection, src: str, col: str, kind: str, place: str, where: str
    ) -> None:
        quoted = '"' + col.replace('"', '""') + '"'
        if kind in _DATE_TYPES:
            if self.birth_dates:
                hit = con.execute(
                    f"SELECT count(*) FROM {src} WHERE {quoted} IN (SELECT unnest(?::DATE[]))",
                    [sorted(self.birth_dates)],
                ).fetchone()
                if hit and hit[0]:
                    self._refuse(place, "the birth date", where)
            return
        if kind not in _TEXT_TYPES + _NUMBER_TYPES:
            return  # times of observation, rates: no identity value determines them
        values = (
            f"(SELECT DISTINCT CAST({quoted} AS VARCHAR) AS v FROM {src} "
            f"WHERE {quoted} IS NOT NULL)"
        )
        self._match(con, values, place, where, [])

    def _match(
        self,
        con: duckdb.DuckDBPyConnection,
        values: str,
        place: str,
        where: str,
        params: list[Any],
    ) -> None:
        if not self.needles:
            return
        hit = con.execute(
            f"""
            WITH n AS (SELECT {_SQUASH.format("raw")} AS s, what, word, rank
                       FROM (SELECT unnest(?::VARCHAR[]) AS raw, unnest(?::VARCHAR[]) AS what,
                                    unnest(?::BOOLEAN[]) AS word, unnest(?::INTEGER[]) AS rank)),
                 v AS (SELECT {_SQUASH.format("v")} AS s, {_WORDS.format("v")} AS w
                       FROM {values})
            SELECT n.what FROM v, n
            WHERE CASE WHEN n.word THEN list_contains(v.w, n.s) ELSE contains(v.s, n.s) END
            ORDER BY n.rank LIMIT 1
            """,
            [
                [n.raw for n in self.needles],
                [n.what for n in self.needles],
                [n.word for n in self.needles],
                [KINDS.index(n.what) for n in self.needles],
                *params,
            ],
        ).fetchone()
        if hit:
            self._refuse(place, str(hit[0]), where)

    @staticmethod
    def _refuse(place: str, what: str, where: str) -> None:
        raise IntegrityError(
            f"an identity value ({what}) reached {place} of {where}; nothing was written: "
            "correct or remove what holds it (a document dated on the birth date: `guichets "
            "documents remove`; a site, a rule or a source named after the person), or leave "
            "that applicant out (--applicant); if nothing does, report it (without the data)"
        )


def identity_guard(
    con: duckdb.DuckDBPyConnection, public_words: frozenset[str] = frozenset()
) -> IdentityGuard:
    """The guard for the workspace's identities; ``public_words`` (folded) are words an export
    may hold that a name part must not be looked for alone."""
    guard = IdentityGuard()
    rows = con.execute(
        "SELECT full_name, birth_date, email, phone, agdref, address FROM identities"
    ).fetchall()
    for full_name, birth, email, phone, agdref, address in rows:
        guard.needles += _name_needles(full_name, public_words)
        guard.needles += _email_needles(email)
        guard.needles += _phone_needles(phone)
        if agdref and len(_squash(str(agdref))) >= 6:
            guard.needles.append(Needle(str(agdref), "an AGDREF number"))
        if address and len(_squash(str(address))) >= 10:
            guard.needles.append(Needle(str(address), "an address"))
            street = str(address).split(",", 1)[0]
            if len(_squash(street)) >= 10:
                guard.needles.append(Needle(street, "an address"))
        if isinstance(birth, date):
            guard.birth_dates.add(birth)
            guard.needles += _date_needles(birth)
    guard.needles = sorted(set(guard.needles), key=lambda n: (n.raw, n.what, n.word))
    return guard


def _squash(text: str) -> str:
    """Python's view of the squashing (used only to drop needles too short to mean anything)."""
    return fold(text).replace(" ", "")


def _name_needles(full_name: Any, public: frozenset[str]) -> list[Needle]:
    if not full_name or len(_squash(str(full_name))) < 5:
        return []
    name = str(full_name)
    parts = [p for p in re.split(r"[\s\-'’.]+", name) if p]
    out = [Needle(name, "a name"), Needle(" ".join(reversed(parts)), "a name")]
    out += [
        Needle(p, "a part of a name", word=True)
        for p in parts
        if len(_squash(p)) >= 4 and _squash(p) not in public
    ]
    return out


def _email_needles(email: Any) -> list[Needle]:
    if not email or "@" not in str(email):
        return []
    address = str(email).strip()
    local = address.split("@", 1)[0]
    out = [Needle(address, "an e-mail address")]
    if len(_squash(local)) >= 4:
        out.append(Needle(local, "an e-mail address"))
    out += [
        Needle(p, "a part of an e-mail address", word=True)
        for p in re.split(r"[._+\-]+", local)
        if len(_squash(p)) >= 4 and not p.isdigit()
    ]
    return out


def _phone_needles(phone: Any) -> list[Needle]:
    digits = re.sub(r"\D", "", str(phone or ""))
    if len(digits) < 8:
        return []
    forms = {digits}
    if digits.startswith("0033"):
        digits = digits[2:]
    if digits.startswith("33") and len(digits) == 11:
        forms |= {digits, "0" + digits[2:], digits[2:]}
    elif digits.startswith("0") and len(digits) == 10:
        forms |= {"33" + digits[1:], digits[1:]}
    return [Needle(f, "a phone number") for f in sorted(forms) if len(f) >= 8]


def _date_needles(d: date) -> list[Needle]:
    forms = {
        d.isoformat(),
        d.strftime("%d/%m/%Y"),
        f"{d.day} {MONTHS_FR[d.month - 1]} {d.year}",
        f"{d.day:02d} {MONTHS_FR[d.month - 1]} {d.year}",
    }
    return [Needle(f, "the birth date") for f in sorted(forms)]
