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

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.ingest.crawl.sql.plan import KEY

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.formats import ReadSpec
    from toolkit.ingest.crawl.lines import Layout
    from toolkit.ingest.crawl.sql.typed import TypedPlan, Window
    from toolkit.ingest.probe_batches import Batches

LINE_MAX = 64 << 10  # a line longer than this is not looked at (its time is unknown)


def read_repeated_hours(
    con: duckdb.DuckDBPyConnection, spec: ReadSpec, layout: Layout, plan: TypedPlan,
    batches: Batches, table: str, *, whole: bool = False,
) -> tuple[int, int, int, str] | None:  # fmt: skip
    """Read the rows of the repeated autumn hours into ``temp.<table>``, in file order: from
    a slice of the file (None when it cannot be sliced or holds no such hour), or from the
    whole file (``whole``). Returns (rows, bad, repeats among them, "slice" or "whole").
    The caller checks a slice against the counts: it is never trusted blindly."""

    def read(path: Path) -> tuple[int, int, int]:
        con.execute(plan.repeated_hour(batches, table, path))
        row = con.execute(
            f"SELECT count(*), count(problem), count(*) FILTER (WHERE problem IS NULL) - "
            f"count(DISTINCT ({KEY})) FILTER (WHERE problem IS NULL) FROM temp.{table}"
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    if whole:
        return (*read(spec.read_path), "whole")
    sliced = window_slice(
        spec, layout, plan.time_column, plan.time_format, list(plan.windows),
        spec.read_path.with_name(f"window-{spec.read_path.stem}.csv"),
    )  # fmt: skip
    if sliced is None:
        return None
    try:
        return (*read(sliced), "slice")
    finally:
        sliced.unlink()


def window_slice(
    spec: ReadSpec, layout: Layout, column: str, fmt: str, windows: list[Window], dest: Path
) -> Path | None:
    """Write to ``dest`` the header and every line that may hold a time in ``windows``.

    Returns ``dest``, or None when the file cannot be sliced (the caller reads it all).
    ``column``: the time's column as the reader names it; ``fmt``: its strptime format.
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
        with open(dest, "wb") as out:
            out.write(first)
            for lo, hi in _merge(ranges):
                f.seek(lo)
                remaining = hi - lo
                while remaining:
                    chunk = f.read(min(remaining, 4 << 20))
                    if not chunk:
                        break
                    out.write(chunk)
                    remaining -= len(chunk)
    return dest


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
