"""What a crawl file's rows did wrong, and where: lines the reader refused, broken rules,
repeats, lines JSON Lines could not parse.

Used by ``toolkit.ingest.crawl.insert`` after the INSERT, and only when the counts say
something is off: DuckDB's rejects table, one read that counts the rows by the rule they
break, one that lists the first of them, and the later copies of a probe that appears twice
in one file. Every line number is the file's own (``toolkit.ingest.crawl.lines.locate``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.ingest.crawl.formats import REJECTS, short_error
from toolkit.ingest.crawl.sql.plan import KEY, TRIPLE
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.probe_batches import Batches

LISTED = 20  # rows listed one by one; the rest are counted by reason
SHARED_TIMES = 8  # rows per distinct time (about) from which repeats are counted by bits


@dataclass(frozen=True)
class Reject:
    """A line DuckDB's reader refused: its DuckDB line, column, reason and text."""

    line: int
    column: str | None
    message: str
    text: str


def row_count(cursor: duckdb.DuckDBPyConnection) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def drop_rejects(con: duckdb.DuckDBPyConnection) -> None:
    for name in REJECTS:
        con.execute(f"DROP TABLE IF EXISTS temp.{name}")


@dataclass(frozen=True)
class Rejects:
    """Every line DuckDB's reader refused (its DuckDB line, in order), and the first
    :data:`LISTED` of them with their column and reason (building a reason for each of
    200,000 refused lines took seconds)."""

    lines: tuple[int, ...] = ()
    first: tuple[Reject, ...] = ()

    def __len__(self) -> int:
        return len(self.lines)

    def __bool__(self) -> bool:
        return bool(self.lines)


# A line DuckDB could not split into the file's fields: a reader of the same dialect (the
# general plan's) would refuse it again, and storing a refused line is its costly part.
SPLIT_ERRORS = ("TOO MANY COLUMNS", "MISSING COLUMNS")


def _rejects() -> str:
    """SQL: the rejects table, each error on its line's first number (see
    :func:`renumber_rejects`; a line DuckDB gave no byte for keeps its number)."""
    return (
        f"(SELECT * REPLACE (min(line) OVER (PARTITION BY coalesce(line_byte_position, -line)) "
        f"AS line) FROM temp.{REJECTS[0]})"
    )


@contextmanager
def every_column(con: duckdb.DuckDBPyConnection, typed: bool) -> Iterator[None]:
    """A numbered read of the typed reader that refuses the lines the insert's read refused.

    DuckDB's reader casts only the columns a query uses, and a line is refused only for a
    value it casts: a read that lists problems or repeats, which needs fewer columns than
    the insert, would keep a line the insert refused, and number every later row one too
    far. With the optimizer that drops unused columns off, the reader types them all."""
    if not typed:
        yield
        return
    con.execute("SET disabled_optimizers = 'unused_columns'")
    try:
        yield
    finally:
        con.execute("RESET disabled_optimizers")


def renumber_rejects(con: duckdb.DuckDBPyConnection, path: Path, quoted: bool) -> None:
    """Number the refused lines of a read of ``path`` from the byte where each starts.

    DuckDB 2.0.1 numbers a refused line wrongly near a blank line: one line further for its
    second error, or the number of the next refused line (two lines then count as one, and
    a row is lost to the count). The byte where each line starts is right: the line is
    counted from it (``lines.record_lines``), one pass over the file up to the last refused
    line.
    """
    import numpy as np

    from toolkit.ingest.crawl.lines import record_lines

    if not _has_rejects(con):
        return
    column: Any = con.execute(
        f"SELECT DISTINCT line_byte_position FROM temp.{REJECTS[0]} "
        "WHERE line_byte_position IS NOT NULL ORDER BY 1"
    ).fetchnumpy()["line_byte_position"]
    positions = np.asarray(column, dtype=np.int64)
    if not len(positions):
        return
    lines = record_lines(path, quoted, positions)
    con.execute(
        "CREATE OR REPLACE TEMP TABLE crawl_reject_lines AS SELECT unnest(?::BIGINT[]) AS at, "
        "unnest(?::BIGINT[]) AS line",
        [positions.tolist(), lines.tolist()],
    )
    con.execute(
        f"UPDATE temp.{REJECTS[0]} AS r SET line = n.line FROM temp.crawl_reject_lines AS n "
        "WHERE r.line_byte_position = n.at"
    )
    con.execute("DROP TABLE temp.crawl_reject_lines")


def _split(split: bool | None) -> str:
    """SQL over the rejects table: every line (None), or only those with (True) or without
    (False) an error in splitting it into fields."""
    if split is None:
        return "true"
    errors = ", ".join(lit(e) for e in SPLIT_ERRORS)
    within = f"line IN (SELECT line FROM {_rejects()} WHERE error_type IN ({errors}))"
    return within if split else f"NOT {within}"


def reader_rejects(con: duckdb.DuckDBPyConnection, *, split: bool | None = None) -> Rejects:
    """Lines DuckDB could not split or type (wrong field count, invalid UTF-8, a value its
    typed reader refuses), one per line, in file order; ``split``: only those it could not
    split into fields (True), or only the others (False)."""
    if not _has_rejects(con):
        return Rejects()
    found = con.execute(
        f"SELECT DISTINCT line FROM {_rejects()} WHERE {_split(split)} ORDER BY line"
    )
    # (a plan may scan a file more than once, and a line refuse many values)
    column: Any = found.fetchnumpy()["line"]
    lines = [int(n) for n in column.tolist()]
    if not lines:
        return Rejects()
    # one error per line, the same whichever types the reader had: a line that splits into
    # the wrong number of fields says so first (a typed reader also logs its cast errors)
    errors = ", ".join(lit(e) for e in SPLIT_ERRORS)
    first_error = f"(error_type NOT IN ({errors}), error_type, column_name)"
    rows = con.execute(
        f"SELECT line, arg_min_null(column_name, k), arg_min_null(error_type, k), "
        f"arg_min_null(error_message, k), min(csv_line) FROM (SELECT *, {first_error} AS k "
        f"FROM {_rejects()} WHERE line <= ? AND {_split(split)}) GROUP BY line "
        "ORDER BY line",
        [lines[min(LISTED, len(lines)) - 1]],
    ).fetchall()
    first = tuple(
        Reject(int(r[0]), r[1], f"{str(r[2]).lower()}: {short_error(Exception(r[3]))}",
               str(r[4] or "").lstrip("\r\n"))
        for r in rows
    )  # fmt: skip
    return Rejects(tuple(lines), first)


def write_rejected(con: duckdb.DuckDBPyConnection, dest: Path) -> None:
    """Write the text of the refused lines that split into the file's fields to ``dest``,
    one record each, in file order (by DuckDB, never through Python strings)."""
    con.execute(
        f"COPY (SELECT ltrim(min(csv_line), chr(13) || chr(10)) FROM {_rejects()} "
        f"WHERE {_split(False)} GROUP BY line ORDER BY line) TO {lit(str(dest))} "
        "(FORMAT csv, HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')"
    )


def _has_rejects(con: duckdb.DuckDBPyConnection) -> bool:
    has = con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND table_name = ?", [REJECTS[0]]
    ).fetchone()
    return bool(has and has[0])


def json_lines_problems(path: Path, limit: int) -> tuple[int, list[tuple[int, str]]]:
    """Lines of a JSON Lines file that are not a JSON object: (how many, the first ones as
    (line, reason)). DuckDB's reader skips them without a word."""
    count, listed = 0, list[tuple[int, str]]()
    with open(path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            text = raw.strip()
            if not text:
                continue
            try:
                ok = isinstance(json.loads(text), dict)
                reason = "not a JSON object"
            except ValueError as e:
                ok, reason = False, f"not valid JSON ({str(e).split(':')[0]})"
            if not ok:
                count += 1
                if len(listed) < limit:
                    listed.append((number, reason))
    return count, listed


MINE = "FROM probe_rows WHERE batch BETWEEN ? AND ?"  # one file's rows (Batches.bounds)


def count_repeated(con: duckdb.DuckDBPyConnection, batches: Batches) -> int:
    """How many of this file's rows share an id with another of them.

    A repeat shares its time and its préfecture, site and procedure (its "triple"). When
    the file holds many rows per time (a robot stamping each round with the round's time),
    each triple gets a small number ``k``, and the rows are grouped by time and ``k // 64``
    with the bits ``1 << (k % 64)`` OR-ed together: a group holds a repeat exactly when it
    has more rows than bits set. That groups by tens of thousands of times, not millions of
    ids (docs/crawl-design.md). Otherwise the
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


def drop_stored(con: duckdb.DuckDBPyConnection, batches: Batches) -> tuple[int, tuple[int, ...]]:
    """Delete this file's rows whose probe an earlier batch holds; return how many, and
    those batches. A join of the keys only (cheap to plan), then a delete only when there is
    something to delete (DuckDB rewrites the batch's new rows at commit then)."""
    earlier = (
        "SELECT m.rowid AS r, e.batch AS b FROM (SELECT rowid, prefecture, observed_at, "
        f"coalesce(site, '') AS s, coalesce(procedure, '') AS pr {MINE}) m "
        "JOIN probe_rows e ON e.batch < ? AND e.prefecture = m.prefecture AND "
        "e.observed_at = m.observed_at AND coalesce(e.site, '') = m.s AND "
        "coalesce(e.procedure, '') = m.pr"
    )
    params = [*batches.bounds, batches.base]
    found = con.execute(f"SELECT DISTINCT b FROM ({earlier}) ORDER BY 1", params).fetchall()
    if not found:
        return 0, ()
    deleted = row_count(
        con.execute(f"DELETE FROM probe_rows WHERE rowid IN (SELECT r FROM ({earlier}))", params)
    )
    return deleted, tuple(int(b[0]) for b in found)
