"""SQL literals and identifiers written into query text."""

from __future__ import annotations

from pathlib import Path

import duckdb

from toolkit.sqltext import ident, lit


def test_quotes_survive_a_round_trip_through_duckdb() -> None:
    value = 'l\'Haÿ-les-Roses "94"'
    name = ident('a "b"')
    assert duckdb.sql(f"SELECT {lit(value)} AS {name}").fetchall() == [(value,)]
    assert duckdb.sql(f"SELECT {lit(value)} AS {name}").columns == ['a "b"']
    path = Path("/tmp/d'x.csv")
    assert duckdb.sql(f"SELECT {lit(path)}").fetchall() == [(str(path),)]
