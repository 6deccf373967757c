"""Rows counted by rule within the INSERT's own read: the same counts as a second read,
clean rows never reaching Python, the function gone afterwards."""

from __future__ import annotations

import duckdb
import pytest

from toolkit.ingest.crawl.tally import RuleTally

# rows: (problem, keep): 40,000 valid and kept, the rest broken or left to another read
ROWS = """
    SELECT CASE WHEN i % 10 = 3 THEN 2 WHEN i % 97 = 5 THEN 7 WHEN i % 1000 = 11 THEN 1 END
               AS problem,
           i % 251 <> 0 AS keep, i
    FROM range(50000) t(i)
"""


def test_counts_in_the_insert_equal_a_second_read() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE kept (i BIGINT)")
    with RuleTally(con) as seen:
        name = seen.name
        inserted = con.execute(
            f"INSERT INTO kept SELECT i FROM ({ROWS}) WHERE {seen.where('keep')}"
        ).fetchone()
    kept = int(inserted[0]) if inserted else 0
    again = con.execute(
        f"SELECT problem, count(*), count(*) FILTER (WHERE NOT keep) FROM ({ROWS}) GROUP BY 1"
    ).fetchall()
    assert sorted(seen.counts(kept), key=str) == sorted(again, key=str)
    by_rule = {k: n for k, n, _ in seen.counts(kept)}
    assert by_rule[2] == 5000 and kept == con.execute("SELECT count(*) FROM kept").fetchone()[0]
    # only the rows left out reached the function: valid kept rows were never counted there
    assert sum(n for _, n, _ in seen.counts(0)) == 50000 - kept
    with pytest.raises(duckdb.CatalogException):
        con.execute(f"SELECT {name}(1, true)")


def test_a_second_insert_counts_afresh() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE kept (i BIGINT)")
    with RuleTally(con) as seen:
        sql = f"INSERT INTO kept SELECT i FROM ({ROWS}) WHERE {seen.where('keep')}"
        con.execute(sql).fetchall()
        seen.reset()
        con.execute(sql).fetchall()
    assert {k: n for k, n, _ in seen.counts(0)}[7] == con.execute(
        f"SELECT count(*) FROM ({ROWS}) WHERE problem = 7"
    ).fetchone()[0]
