"""Which file, source and booking system a probe row comes from: its ``batch``.

A probe row names them by one integer (schema/004_probe_batches.sql): the strings live once
in ``probe_batches`` and the view ``probes`` joins them back. Every writer of ``probe_rows``
goes through here: crawl ingest numbers one file's :class:`Batches` before its insert and
records them once the file's hash is done, bundle merges register one batch per file and
system of the bundle; both drop afterwards the batches no row points to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.sqltext import enum_sql

if TYPE_CHECKING:
    import duckdb


def systems() -> list[str]:
    """The booking systems a probe may name, in the order of their batches."""
    from toolkit.model import System

    return sorted(s.value for s in System)


def next_batch(con: duckdb.DuckDBPyConnection) -> int:
    """The first free batch number."""
    row = con.execute("SELECT coalesce(max(batch) + 1, 0) FROM probe_batches").fetchone()
    return int(row[0]) if row else 0


def drop_unused(con: duckdb.DuckDBPyConnection, first: int, last: int | None = None) -> None:
    """Remove the batches from ``first`` (to ``last``) that no probe row points to."""
    upper = "" if last is None else f" AND batch <= {int(last)}"
    con.execute(
        f"DELETE FROM probe_batches WHERE batch >= {int(first)}{upper} AND batch NOT IN "
        f"(SELECT DISTINCT batch FROM probe_rows WHERE batch >= {int(first)}{upper})"
    )


@dataclass(frozen=True)
class Batches:
    """One file's batches: ``base`` for the rows that name no booking system, ``base + i``
    for those naming the i-th of :func:`systems`."""

    base: int

    def record(self, con: duckdb.DuckDBPyConnection, source_id: str, digest: str) -> None:
        """Record this file's batches (numbered beforehand: its rows may come first)."""
        names: list[str | None] = [None, *systems()]
        con.executemany(
            "INSERT INTO probe_batches (batch, source_id, file_sha256, system) VALUES (?, ?, ?, ?)",
            [(self.base + i, source_id, digest, name) for i, name in enumerate(names)],
        )

    @property
    def last(self) -> int:
        return self.base + len(systems())

    @property
    def bounds(self) -> list[int]:
        """Parameters for ``batch BETWEEN ? AND ?``."""
        return [self.base, self.last]

    def drop_unused(self, con: duckdb.DuckDBPyConnection) -> None:
        drop_unused(con, self.base, self.last)

    def sql(self, system: str = "system") -> str:
        """The row's batch from its ``system`` column (one of :func:`systems`, or NULL; any
        other value fails the statement rather than lose the system)."""
        return (
            f"CASE WHEN {system} IS NULL THEN {self.base} ELSE {self.base + 1} + "
            f"enum_code(CAST({system} AS {enum_sql(systems())})) END"
        )
