"""The rows of a plan counted by the rule they break, within the insert's own read.

The INSERT keeps the valid rows; every other row passes through :class:`RuleTally`'s
function, which counts it by (rule, kept by the plan) and lets it go. DuckDB evaluates an
``OR`` only for the rows its left side did not take, so a clean row never reaches Python
(docs/crawl-design.md). Before, a file with problems was read a second time to count its
rows by rule: about a third of its ingest time.

:func:`tally` turns those counts (or, for the small table of the lines the typed reader
refused, one GROUP BY) into :class:`Counts`, and lists the first rows that break a rule.
"""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from typing import TYPE_CHECKING

from toolkit.ingest.crawl import problems as P
from toolkit.ingest.crawl.counts import Counts, Found, plus
from toolkit.ingest.crawl.sql.rules import message_sql
from toolkit.ingest.crawl.sql.typed import TypedPlan

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.sql.plan import Plan

# (rule number or None, rows, rows the plan left to another read): as ``Plan.tally`` reads
Tally = list[tuple[int | None, int, int]]


class Deferred(Exception):
    """The typed read met times it defers to the general plan."""


class RuleTally:
    """A function on ``con`` that counts the rows an INSERT does not keep, by (rule, kept
    by the plan); use as a context manager (the function is removed on exit)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.name = f"_guichets_tally_{uuid.uuid4().hex[:8]}"
        self._seen: Counter[tuple[int | None, bool]] = Counter()
        self._lock = threading.Lock()  # DuckDB calls it from its threads

    def __enter__(self) -> RuleTally:
        try:
            from duckdb.func import NATIVE, SPECIAL
        except ImportError:  # duckdb < 1.4
            from duckdb.functional import NATIVE, SPECIAL  # type: ignore[no-redef]
        # side effects: DuckDB neither folds, moves nor repeats the call
        self.con.create_function(
            self.name, self._see, ["INTEGER", "BOOLEAN"], "BOOLEAN",
            type=NATIVE, null_handling=SPECIAL, side_effects=True,
        )  # fmt: skip
        return self

    def __exit__(self, *exc: object) -> None:
        # a statement read to its end first: DuckDB refuses to remove a function while a
        # result is pending (a ``fetchone`` leaves one), and a new statement closes it
        self.con.execute("SELECT 1").fetchall()
        self.con.remove_function(self.name)

    def _see(self, problem: int | None, kept: bool | None) -> bool:
        with self._lock:
            self._seen[(problem, bool(kept))] += 1
        return False

    def reset(self) -> None:
        """Forget what was counted (the INSERT is run again)."""
        self._seen.clear()

    def where(self, keep: str) -> str:
        """The INSERT's condition: the valid rows the plan keeps; the others counted."""
        return f"(problem IS NULL AND {keep}) OR {self.name}(problem, {keep})"

    def counts(self, kept: int) -> Tally:
        """By rule, as ``Plan.tally`` reads it; ``kept``: the rows the INSERT kept (valid,
        and kept by the plan: they never reached the function)."""
        rules = {p for p, _ in self._seen} | {None}
        return [
            (p, self._seen[(p, True)] + self._seen[(p, False)] + (kept if p is None else 0),
             self._seen[(p, False)])
            for p in rules
        ]  # fmt: skip


def tally(
    con: duckdb.DuckDBPyConnection, plan: Plan, inserted: int, repeated: int, notes: Found,
    reader_refused: int, *, seen: Tally | None = None, others: Counts | None = None,
    table: str | None = None,
) -> Counts:  # fmt: skip
    """Count the plan's rows by rule and list the first that break one. ``seen``: the
    counts taken during the insert (:class:`RuleTally`), else one read counts them;
    ``reader_refused``: the lines the reader refused, which the plan never saw; ``table``:
    the plan's rows, numbered, already in a temporary table (then read from it)."""
    if table is not None:
        found = _read(con, f"SELECT problem, count(*), 0 FROM temp.{table} GROUP BY problem")
    else:
        found = seen if seen is not None else _read(con, plan.tally())
    notes.left_out = sum(h for _, _, h in found)
    valid = sum(n for k, n, _ in found if k is None)
    broken = {k: n for k, n, _ in found if k is not None and n}
    rules = plan.rules
    if isinstance(plan, TypedPlan) and plan.deferred and broken.get(plan.deferred):
        raise Deferred
    for k, n in broken.items():
        if not rules[k - 1].skip:
            notes.count(rules[k - 1].code, n)
    skipped = sum(n for k, n in broken.items() if rules[k - 1].skip)
    refused = sum(n for k, n in broken.items() if not rules[k - 1].skip)
    if refused or skipped:  # the listing stops at its last row: no further
        with P.every_column(con, isinstance(plan, TypedPlan) and table is None):
            listed = con.execute(_listing(plan, min(P.LISTED, refused + skipped), table)).fetchall()
        for number, rule, message in listed:
            r = rules[int(rule) - 1]
            notes.rows.append(("row", int(number), r.column, str(message), r.code, r.skip))
    counts = Counts(
        valid + refused + skipped + reader_refused, inserted, repeated,
        refused=refused + reader_refused, skipped=skipped,
    )  # fmt: skip
    if others is not None:
        counts = plus(counts, others)
    return counts


def _read(con: duckdb.DuckDBPyConnection, sql: str) -> Tally:
    return [
        (None if k is None else int(k), int(n), int(h)) for k, n, h in con.execute(sql).fetchall()
    ]


def _listing(plan: Plan, limit: int, table: str | None) -> str:
    """The first ``limit`` rows that break a rule, read from the file again (the read stops
    at the last of them), or from ``table``."""
    if table is None:
        return plan.listing(limit)
    return (  # (a transaction's new rows have rowids from 2**55: number them)
        f"SELECT n, problem, {message_sql(list(plan.rules))} FROM (SELECT *, row_number() "
        f"OVER (ORDER BY rowid) AS n FROM temp.{table}) WHERE problem IS NOT NULL "
        f"ORDER BY n LIMIT {limit}"
    )
