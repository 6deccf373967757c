"""The rows of a repeated autumn hour, taken from a slice of the file instead of all of it.

A naive time in the hour that the autumn clock change repeats (02:00–03:00 in Paris on the
last Sunday of October) stands for two instants, and the first copy of a repeated line is
the one kept: those rows must be read in file order, apart from the parallel insert
(``sql.typed``). Reading the whole file again for them is costly (docs/crawl-design.md).

Robots write in time order, so each window's rows lie between two known places in the file.
The layout pass noted where a line starts in every 4 MiB chunk (``Layout.marks``); the
time on each of those lines — a few hundred short reads — bounds the bytes that can hold a
window, and those bytes, after the header, go into a small file that DuckDB reads in order.

Nothing here is trusted. :func:`read_repeated_hours` checks that the rows recorded plus the
window rows found in the slice account for every line of the file, and reads the whole file
otherwise: a file out of time order, a time that Python reads and DuckDB does not. A file in
which the quote character appears anywhere is never sliced, since a quoted field may hold a
newline and a line start may then fall inside a row; nor is a transcoded copy, whose offsets
differ.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.ingest.crawl.lines import locate
from toolkit.ingest.crawl.problems import LISTED
from toolkit.ingest.crawl.sql.plan import KEY

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.formats import ReadSpec
    from toolkit.ingest.crawl.lines import Layout
    from toolkit.ingest.crawl.sql.typed import TypedPlan, Window
    from toolkit.ingest.probe_batches import Batches

LINE_MAX = 64 << 10  # a line longer than this is not looked at (its time is unknown)


@dataclass(frozen=True)
class HourRead:
    """The rows of the repeated hours, read into a temporary table in file order: how many,
    how many break a rule, how many repeat an earlier one, and the lines of those repeats
    (the first :data:`LISTED`, when read from a slice; the slice's row ``__line`` maps to
    the file's line through the ranges it was cut from)."""

    rows: int
    bad: int
    repeats: int
    read_from: str  # "slice" or "whole"
    repeat_lines: tuple[int, ...] = ()


def read_repeated_hours(
    con: duckdb.DuckDBPyConnection, spec: ReadSpec, layout: Layout, plan: TypedPlan,
    batches: Batches, table: str, *, whole: bool = False,
) -> HourRead | None:  # fmt: skip
    """Read the rows of the repeated autumn hours into ``temp.<table>``, in file order: from
    a slice of the file (None when it cannot be sliced or holds no such hour), or from the
    whole file (``whole``). The caller checks a slice against the counts: it is never
    trusted blindly."""

    def read(path: Path) -> tuple[int, int, int]:
        con.execute(plan.repeated_hour(batches, table, path))
        row = con.execute(
            f"SELECT count(*), count(problem), count(*) FILTER (WHERE problem IS NULL) - "
            f"count(DISTINCT ({KEY})) FILTER (WHERE problem IS NULL) FROM temp.{table}"
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    if whole:
        return HourRead(*read(spec.read_path), "whole")
    sliced = window_slice(
        spec, layout, plan.time_column, plan.time_format, list(plan.windows),
        spec.read_path.with_name(f"window-{spec.read_path.stem}.csv"),
    )  # fmt: skip
    if sliced is None:
        return None
    path, ranges = sliced
    try:
        rows, bad, repeats = read(path)
        lines: tuple[int, ...] = ()
        if repeats:
            numbers = [int(r[0]) for r in con.execute(
                f"SELECT __line FROM (SELECT __line, row_number() OVER (PARTITION BY {KEY} "
                f"ORDER BY rowid) AS k FROM temp.{table} WHERE problem IS NULL) WHERE k > 1 "
                f"ORDER BY __line LIMIT {LISTED}"
            ).fetchall()]  # fmt: skip
            found = locate(path, quoted=False, rows=numbers, header=spec.header)
            lines = tuple(_file_line(found[("row", n)], ranges, spec.header) for n in numbers)
        return HourRead(rows, bad, repeats, "slice", lines)
    finally:
        path.unlink()


def _file_line(line: int, ranges: list[tuple[int, int]], header: bool) -> int:
    """The file's line of the slice's line ``line``, through the ranges (first file line,
    lines) it was cut from."""
    body = line - (1 if header else 0)
    for first, count in ranges:
        if body <= count:
            return first + body - 1
        body -= count
    return line


def window_slice(
    spec: ReadSpec, layout: Layout, column: str, fmt: str, windows: list[Window], dest: Path
) -> tuple[Path, list[tuple[int, int]]] | None:
    """Write to ``dest`` the header and every line that may hold a time in ``windows``.

    Returns ``dest`` and, for each range of the file it holds, (its first line, its lines);
    None when the file cannot be sliced (the caller reads it all). ``column``: the time's
    column as the reader names it; ``fmt``: its strptime format.
    """
    if not layout.marks or not spec.offsets_valid or spec.dialect is None:
        return None
    delimiter, quote = spec.dialect.delimiter, spec.dialect.quote
    if quote and (quote != '"' or layout.quotes):
        return None
    if column not in spec.columns:
        return None
    index = spec.columns.index(column)
    with open(spec.read_path, "rb") as f:
        first = f.readline(LINE_MAX) if spec.header else b""
        start = len(first)
        if spec.header and not first.endswith(b"\n"):
            return None  # a header alone, or longer than LINE_MAX
        points = [(at, _time(f, at, delimiter, index, fmt)) for at in (start, *layout.marks)
                  if at >= start]  # fmt: skip
        last = _last_line(f, layout.size)
        if last > start:
            points.append((last, _time(f, last, delimiter, index, fmt)))
        ranges = sorted(
            r for r in (_bounds(points, w, start, layout.size) for w in windows) if r is not None
        )
        if not ranges:
            return None
        line_at = dict(zip(layout.marks, layout.mark_lines, strict=True))
        line_at[start] = 2 if spec.header else 1
        held: list[tuple[int, int]] = []
        with open(dest, "wb") as out:
            out.write(first)
            for lo, hi in _merge(ranges):
                f.seek(lo)
                remaining, lines = hi - lo, 0
                while remaining:
                    chunk = f.read(min(remaining, 4 << 20))
                    if not chunk:
                        break
                    out.write(chunk)
                    lines += chunk.count(b"\n")
                    remaining -= len(chunk)
                held.append((line_at.get(lo, 0), lines))
    return dest, held


def _time(f: object, at: int, delimiter: str, index: int, fmt: str) -> datetime | None:
    """The time on the line starting at byte ``at``, or None when it cannot be read."""
    f.seek(at)  # type: ignore[attr-defined]
    line = f.readline(LINE_MAX)  # type: ignore[attr-defined]
    fields = line.decode("utf-8", errors="replace").rstrip("\r\n").split(delimiter)
    if len(fields) <= index:
        return None
    try:
        return datetime.strptime(fields[index].strip(), fmt)
    except ValueError:
        return None


def _last_line(f: object, size: int) -> int:
    """Where the file's last non-empty line starts."""
    tail_start = max(size - LINE_MAX, 0)
    f.seek(tail_start)  # type: ignore[attr-defined]
    tail = f.read().rstrip(b"\r\n")  # type: ignore[attr-defined]
    return tail_start + tail.rfind(b"\n") + 1


def _bounds(
    points: list[tuple[int, datetime | None]], window: Window, start: int, size: int
) -> tuple[int, int] | None:
    """Bytes that hold the window's rows if the file is in time order; None when it cannot
    hold any (its first line is after the window, or its last line before it)."""
    lo, hi = window
    (_, head), (_, tail) = points[0], points[-1]
    if (head is not None and head >= hi) or (tail is not None and tail < lo):
        return None
    known = [(at, t) for at, t in points if t is not None]
    begin = max((at for at, t in known if t < lo), default=start)
    end = min((at for at, t in known if at > begin and t >= hi), default=size)
    return begin, end


def _merge(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in ranges:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged
