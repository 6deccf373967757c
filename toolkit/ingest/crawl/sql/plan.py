"""What the general and the typed plans share: the columns written, the natural key, the
derived outcome, and the statements run over a plan's rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.ingest.crawl.sql.rules import Rule, message_sql

if TYPE_CHECKING:
    from collections.abc import Callable

    from toolkit.ingest.probe_batches import Batches

# ``probe_rows``: the view ``probes`` adds ``id`` and the batch's columns.
COLUMNS = ("prefecture", "site", "procedure", "observed_at", "outcome", "slots", "first_slot",
           "second_slot", "http_status", "url", "batch")  # fmt: skip
# The natural key the id is computed from.
TRIPLE = "prefecture, coalesce(site, ''), coalesce(procedure, '')"
KEY = f"{TRIPLE}, observed_at"


def derived_outcome_sql(only_dates: bool) -> str:
    """The outcome of a row whose file gives none: HTTP 403/429 → ``blocked``, another
    status outside 200–399 → ``error``, more than 0 slots or a first date →
    ``slots_available``, 0 slots → ``no_slot`` (also an empty first date when the file has
    first dates but no slot count), otherwise ``unknown``."""
    return (
        "CASE WHEN http_status IN (403, 429) THEN 'blocked' "
        "WHEN NOT (http_status BETWEEN 200 AND 399) THEN 'error' "
        "WHEN slots > 0 OR first_slot IS NOT NULL THEN 'slots_available' "
        "WHEN slots = 0 THEN 'no_slot' "
        + ("WHEN first_slot IS NULL THEN 'no_slot' " if only_dates else "")
        + "ELSE 'unknown' END"
    )


@dataclass(frozen=True)
class Plan:
    """One file's rows, mapped, typed and checked: ``body`` reads ``{source}`` and gives
    every :data:`COLUMNS` but ``batch``, ``problem`` (the first rule broken, NULL: valid)
    and ``__line`` (the row's number in the reader's order, when ``numbered``)."""

    name: str  # "general" or "typed"
    body: str  # without line numbers: numbering rows makes DuckDB read on one thread
    numbered: str  # the same with ``__line``
    source: str  # the reader of the whole file
    rules: tuple[Rule, ...]
    keep: str = "true"  # rows this plan inserts (besides being valid)
    quiet: str = ""  # the reader without storing its refused lines, for reads after the insert

    def _again(self, source: str | None) -> str:
        """The reader for a read after the insert: it refuses the same lines, and storing
        them again (with their text and reason) is what a refused line costs most."""
        return source or self.quiet or self.source

    def rows(self, source: str | None = None, *, numbered: bool = False) -> str:
        return (self.numbered if numbered else self.body).replace("{source}", source or self.source)

    def insert(
        self, batches: Batches, source: str | None = None, where: Callable[[str], str] | None = None
    ) -> str:
        """Insert the valid rows. Probes the store already holds are found afterwards
        (``problems.drop_stored``): an anti-join here would make DuckDB insert on one
        thread, and plan the whole query again around the join (docs/crawl-design.md).
        ``where``: the condition, given :attr:`keep` (``tally.RuleTally.where`` counts the
        rows left out by rule)."""
        cols = ", ".join(COLUMNS)
        condition = where(self.keep) if where else f"problem IS NULL AND {self.keep}"
        return (
            f"INSERT INTO probe_rows ({cols}) SELECT {cols} FROM (SELECT *, {batches.sql()} "
            f"AS batch FROM ({self.rows(source)})) v WHERE {condition}"
        )

    def tally(self, source: str | None = None) -> str:
        """Rows by the rule they break (NULL: valid), and how many of them this plan leaves
        to another read (``keep`` false: the typed plan's repeated hour), in one read."""
        return (
            f"SELECT problem, count(*), count(*) FILTER (WHERE NOT ({self.keep})) "
            f"FROM ({self.rows(self._again(source))}) GROUP BY problem"
        )

    def repeats(self, limit: int, source: str | None = None) -> str:
        """The numbers of the first ``limit`` valid rows whose probe an earlier row of the
        file gave (one read, numbered, and a partition of the valid rows: only for files with
        repeats outside the repeated hour's slice)."""
        return (
            f"SELECT __line FROM (SELECT __line, row_number() OVER (PARTITION BY {KEY} ORDER BY "
            f"__line) AS k FROM ({self.rows(self._again(source), numbered=True)}) "
            "WHERE problem IS NULL) "
            f"WHERE k > 1 ORDER BY __line LIMIT {int(limit)}"
        )

    def listing(self, limit: int, source: str | None = None) -> str:
        """The first ``limit`` rows that break a rule: (number, rule number, message). No
        ORDER BY: DuckDB keeps the reader's order (``preserve_insertion_order``) and stops
        at the limit, where sorting by the number would read, number and sort every row."""
        return (
            f"SELECT __line, problem, {message_sql(list(self.rules))} FROM "
            f"({self.rows(self._again(source), numbered=True)}) WHERE problem IS NOT NULL "
            f"LIMIT {int(limit)}"
        )
