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
from toolkit.ingest.crawl_sql import KEY, CrawlQuery
from toolkit.ingest.crawl_staging import Staged

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.probe_batches import Batches

PROBLEMS_PER_FILE = 20  # rows listed one by one; the rest are counted by reason


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

    Distinct 64-bit hashes of the keys are counted (cheaper than grouping the text, and
    cheaper than listing the colliding hashes).
    """
    row = con.execute(
        f"SELECT count(*) - count(DISTINCT hash({KEY})) {MINE}", batches.bounds
    ).fetchone()
    return int(row[0]) if row and row[0] else 0


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
