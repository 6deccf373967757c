"""What a crawl file's rows did wrong: lines the reader refused, failed checks, repeats.

Used by ``crawl.py`` after the INSERT, and only when the counts say something is off: the
reader's rejects table, a second read that counts and lists the first problems with their
line and column (the rest counted by reason), and the later copies of a line that appears
twice in one file.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from toolkit.errors import Problem
from toolkit.ingest.crawl_readers import REJECTS
from toolkit.ingest.crawl_sql import KEY, TRIPLE, CrawlQuery
from toolkit.ingest.crawl_staging import Staged

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.probe_batches import Batches

PROBLEMS_PER_FILE = 20  # rows listed one by one; the rest are counted by reason
SHARED_TIMES = 8  # rows per distinct time (about) from which repeats are counted by bits


def row_count(cursor: duckdb.DuckDBPyConnection) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def short_error(e: Exception) -> str:
    return str(e).split("\n")[0].replace("Invalid Input Error: ", "").strip()


def drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    for name in REJECTS:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


def reader_rejects(con: duckdb.DuckDBPyConnection) -> list[tuple[int, str | None, str]]:
    """Lines DuckDB could not split (wrong field count, invalid UTF-8, stray quote)."""
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [REJECTS[0]]
    ).fetchone()
    if not has or not has[0]:
        return []
    rows = con.execute(
        f"SELECT DISTINCT line, column_name, error_type, error_message FROM temp.{REJECTS[0]} "
        "ORDER BY ALL"  # a plan may scan the file more than once
    ).fetchall()
    return [(int(r[0]), r[1], f"{r[2].lower()}: {r[3]}") for r in rows]


def validate(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    query: CrawlQuery,
    found: dict[str, str],
    rejects: list[tuple[int, str | None, str]],
) -> tuple[int, int, int, list[Problem]]:
    """Second read: counts, and the first problems with their line (rows read, bad, valid)."""
    drop_rejects(con)  # the first read's rejects are in ``rejects`` already
    row = con.execute(query.counts()).fetchone()
    assert row is not None
    read, bad, valid = int(row[0]) + len(rejects), int(row[1]) + len(rejects), int(row[2])
    shifts = [line - i for i, (line, _, _) in enumerate(rejects, start=1)]
    listed: list[tuple[int, str | None, str]] = [
        (line, column, f"line refused by the CSV reader ({message})")
        for line, column, message in rejects[:PROBLEMS_PER_FILE]
    ]
    found_rows = con.execute(query.problems(PROBLEMS_PER_FILE)).fetchall() if row[1] else []
    for line, number, message in found_rows:
        if staged.format == "csv":  # count the refused lines before this one
            line = int(line) + bisect.bisect_left(shifts, int(line))
        check = query.checks[int(number) - 1]
        listed.append((line, found.get(check.column, check.column), str(message)))
    listed.sort(key=lambda x: x[0])
    problems = [
        Problem(staged.display, message, line=line, column=column)
        for line, column, message in listed[:PROBLEMS_PER_FILE]
    ]
    if bad > len(problems):
        kinds = con.execute(query.problem_kinds()).fetchall() if row[1] else []
        reasons = ", ".join(
            f"{n} × {found.get(query.checks[int(k) - 1].column, query.checks[int(k) - 1].column)}"
            for k, n in kinds
        )
        if rejects:
            reasons = f"{len(rejects)} × unreadable line" + (", " + reasons if reasons else "")
        problems.append(
            Problem(staged.display, f"{bad - len(problems)} more bad row(s) skipped ({reasons})")
        )
    return read, bad, valid, problems


MINE = "FROM probe_rows WHERE batch BETWEEN ? AND ?"  # one file's rows (Batches.bounds)


def count_repeated(con: duckdb.DuckDBPyConnection, batches: Batches) -> int:
    """How many of this file's rows share an id with another of them.

    A repeat shares its time and its préfecture, site and procedure (its "triple"). When
    the file holds many rows per time (a robot stamping each round with the round's time),
    each triple gets a small number ``k``, and the rows are grouped by time and ``k // 64``
    with the bits ``1 << (k % 64)`` OR-ed together: a group holds a repeat exactly when it
    has more rows than bits set. That groups by tens of thousands of times, not millions of
    ids (0.3 s against 1.0-1.4 s on 10 M rows sharing each time 45 times). Otherwise the
    distinct 64-bit hashes of the ids are counted (cheaper than grouping the text).

    Both methods name a triple or an id by a 64-bit hash: two of them that share a hash
    would count as a repeat — only ever an overcount, which :func:`drop_repeated` (exact)
    then finds to be none.
    """
    row = con.execute(
        f"SELECT count(*), approx_count_distinct(observed_at) {MINE}", batches.bounds
    ).fetchone()
    rows, times = (int(row[0] or 0), int(row[1] or 0)) if row else (0, 0)
    if rows < 2:
        return 0
    if times * SHARED_TIMES > rows:
        sql = f"SELECT count(*) - count(DISTINCT hash({KEY})) {MINE}"
        params = batches.bounds
    else:
        sql = f"""
            WITH triples AS (
                SELECT h, row_number() OVER () - 1 AS k
                FROM (SELECT DISTINCT hash({TRIPLE}) AS h {MINE})
            )
            SELECT sum(n - bit_count(bits)) FROM (
                SELECT count(*) AS n, bit_or(1::UBIGINT << (k % 64)) AS bits
                FROM (SELECT observed_at, hash({TRIPLE}) AS h {MINE}) JOIN triples USING (h)
                GROUP BY observed_at, k // 64
            )
        """
        params = [*batches.bounds, *batches.bounds]
    found = con.execute(sql, params).fetchone()
    return int(found[0]) if found and found[0] else 0


def drop_repeated(
    con: duckdb.DuckDBPyConnection, batches: Batches, known: int | None = None
) -> int:
    """Delete the later copies of this file's rows that share an id; return how many.

    Rows are appended in file order, so the lowest rowid is the first line. ``known``: the
    count from :func:`count_repeated`, when already taken. Costly only when there are
    repeats: DuckDB then rewrites the batch's new rows at commit.
    """
    if not (count_repeated(con, batches) if known is None else known):
        return 0
    colliding = f"SELECT hash({KEY}) AS h {MINE} GROUP BY h HAVING count(*) > 1"
    return row_count(
        con.execute(
            f"""
            DELETE FROM probe_rows WHERE rowid IN (
                SELECT rowid FROM (
                    SELECT rowid, row_number() OVER (PARTITION BY {KEY} ORDER BY rowid) AS n
                    {MINE} AND hash({KEY}) IN ({colliding})
                ) WHERE n > 1)
            """,
            [*batches.bounds, *batches.bounds],
        )
    )
