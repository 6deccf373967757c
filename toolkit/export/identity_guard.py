"""The guard between identity and anything that leaves a workspace.

Identity (``identities``: name, birth date, nationality, AGDREF, address, e-mail, phone) is
kept apart from facts; an export must carry none of it. Two checks: no column whose name
says identity (:func:`is_identity_column`, also applied to bundles received), and no text
cell containing one of the workspace's identity values (:func:`assert_no_identity`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import IntegrityError
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

# Column names a bundle must never hold (identity, or free text that can hold it).
IDENTITY_COLUMNS = ("full_name", "birth_date", "nationality", "agdref", "address", "email", "phone")
IDENTITY_WORDS = (
    "name", "nom", "birth", "naissance", "nationalit", "agdref", "address", "adresse", "mail",
    "courriel", "phone", "telephone",
)  # fmt: skip


def is_identity_column(name: str) -> bool:
    low = name.lower()
    return low in IDENTITY_COLUMNS or any(w in low for w in IDENTITY_WORDS)


def identity_values(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Lower-cased identity values of the workspace worth searching for (5+ characters)."""
    values: set[str] = set()
    for row in con.execute(
        "SELECT full_name, email, phone, agdref, address FROM identities"
    ).fetchall():
        for v in row:
            if v is not None and len(str(v).strip()) >= 5:
                values.add(str(v).strip().lower())
    return sorted(values)


def assert_no_identity(
    con: duckdb.DuckDBPyConnection, tables: dict[str, Path], values: list[str]
) -> None:
    """Refuse (IntegrityError) when a text cell of the Parquet ``tables`` contains one of
    ``values``: a bug let identity reach the bundle, and nothing may be written."""
    if not values:
        return
    for name, path in tables.items():
        src = f"read_parquet({lit(path)})"
        cols = [
            r[0]
            for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()
            if r[1] == "VARCHAR"
        ]
        for col in cols:
            hit = con.execute(
                f"SELECT count(*) FROM {src} t, (SELECT unnest(?::VARCHAR[]) AS v) i "
                f'WHERE contains(lower(t."{col}"), i.v)',
                [values],
            ).fetchone()
            if hit and hit[0]:
                raise IntegrityError(
                    f"an identity value reached {name}.{col} of the bundle; nothing was "
                    "written. This is a bug: report it (without the data)"
                )
