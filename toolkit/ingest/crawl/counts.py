"""What became of a crawl file's rows: the counts that must add up, what the file's own
layout says they should add up to, and the problems found on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from toolkit.errors import Problem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from toolkit.ingest.crawl.formats import ReadSpec
    from toolkit.ingest.crawl.problems import Rejects


@dataclass(frozen=True)
class Counts:
    """What became of one file's data rows (header and blank lines apart)."""

    rows: int
    recorded: int = 0
    repeated: int = 0  # later copies of a probe within the file
    stored: int = 0  # probes the store already held
    refused: int = 0  # rows with a problem
    skipped: int = 0  # repeated headers
    blank: int = 0  # blank lines (not rows)

    @property
    def balanced(self) -> bool:
        return self.rows == (
            self.recorded + self.repeated + self.stored + self.refused + self.skipped
        )


@dataclass(frozen=True)
class FileResult:
    counts: Counts
    read_by: str  # "typed", "general" or "typed+general"
    problems: tuple[Problem, ...] = ()
    notices: tuple[str, ...] = ()
    spec: ReadSpec | None = None  # as finally read (a normalised copy, say)
    stored_in: tuple[int, ...] = ()  # batches holding the probes the store already had
    repeated_hour: str | None = None  # how the repeated autumn hour was read: slice, whole
    repeat_lines: tuple[int, ...] = ()  # the lines of the first repeats


@dataclass(frozen=True)
class Expected:
    """The data rows the reader should deliver: with quotes read as DuckDB reads them
    (``quoted``), and counting every newline as a row's end (``plain``: a file whose quotes
    are text). DuckDB's count says which reading holds."""

    quoted: int
    plain: int
    blank: tuple[int, int] = (0, 0)  # blank lines in each reading

    def __contains__(self, rows: object) -> bool:
        return rows in (self.quoted, self.plain)

    def quotes_join_lines(self, rows: int) -> bool:
        return rows == self.quoted

    def blank_for(self, rows: int) -> int:
        return self.blank[0] if self.quotes_join_lines(rows) else self.blank[1]


@dataclass
class Found:
    """Problems and skipped rows, by DuckDB's numbering until the file's lines are known:
    (kind, number, column, message, code, skip); kind "line" (DuckDB's line), "row" (the
    reader's n-th row) or "file" (already the file's line)."""

    rows: list[tuple[str, int, str | None, str, str, bool]] = field(default_factory=list)
    refused_lines: set[int] = field(default_factory=set)  # DuckDB lines the reader refused
    by_code: dict[str, int] = field(default_factory=dict)  # every problem, counted by code
    left_out: int = 0  # rows the plan's own insert left to another read (a repeated hour)

    def count(self, code: str, n: int = 1) -> None:
        self.by_code[code] = self.by_code.get(code, 0) + n

    def refuse(self, rejects: Rejects, lines: Sequence[int] | None = None) -> None:
        """The lines the reader refused: counted, the first listed. ``lines``: the file's
        DuckDB lines of the refused ones (when they were read from another file)."""
        at = list(lines) if lines is not None else list(rejects.lines)
        if not at:
            return
        self.refused_lines.update(at)
        self.count("reader.refused", len(at))
        first = {n: i for i, n in enumerate(rejects.lines)}
        for r in rejects.first:
            message = f"line refused by the CSV reader ({r.message})"
            line = at[first[r.line]]
            self.rows.append(("line", line, r.column, message, "reader.refused", False))


def plus(a: Counts, b: Counts) -> Counts:
    return Counts(
        a.rows + b.rows, a.recorded + b.recorded, a.repeated + b.repeated,
        a.stored + b.stored, a.refused + b.refused, a.skipped + b.skipped, a.blank + b.blank,
    )  # fmt: skip
