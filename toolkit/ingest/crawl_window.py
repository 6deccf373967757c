"""The rows of a repeated autumn hour, taken from a slice of the file instead of all of it.

A naive time in the hour that the autumn clock change repeats (02:00–03:00 in Paris on the
last Sunday of October) stands for two instants, and the first copy of a repeated line is
the one kept: those rows must be read in file order, apart from the parallel insert
(``crawl_fast``). Reading the whole file again for them took 2–3 s on 10 million rows.

Robots write in time order, so each window's rows lie between two known places in the file.
The pass over the file noted where a line starts in every 4 MiB chunk (``Staged.marks``); the
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

from toolkit.ingest.crawl_sql import KEY
from toolkit.ingest.crawl_staging import QUOTES, Staged

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl_fast import FastQuery
    from toolkit.ingest.probe_batches import Batches

LINE_MAX = 64 << 10  # a line longer than this is not looked at (its time is unknown)

Window = tuple[datetime, datetime]  # naive wall-clock times [start, end)


def read_repeated_hours(
    con: duckdb.DuckDBPyConnection, staged: Staged, fast: FastQuery, batches: Batches,
    recorded: int, table: str,
) -> tuple[int, int, int]:  # fmt: skip
    """Read the rows of the repeated autumn hours into ``temp.<table>``, in file order: from
    a slice of the file when the slice accounts for every line the first read did not record
    (``recorded`` rows), else from the whole file. Returns (rows, bad, repeats among them)."""
    assert staged.read_path is not None
    sliced = window_slice(
        staged, fast.time_column, fast.time_format, fast.windows,
        staged.read_path.with_name(f"window-{staged.read_path.stem}.csv"),
    )  # fmt: skip

    def read(path: Path) -> tuple[int, int, int]:
        con.execute(fast.repeated_hour(batches, table, path))
        row = con.execute(
            f"SELECT count(*), count(*) FILTER (WHERE NOT ok), count(*) FILTER (WHERE ok) - "
            f"count(DISTINCT ({KEY})) FILTER (WHERE ok) FROM temp.{table}"
        ).fetchone()
        assert row is not None
        return int(row[0]), int(row[1]), int(row[2])

    if sliced is not None:
        try:
            counts = read(sliced)
        finally:
            sliced.unlink()
        if recorded + counts[0] == staged.expected_rows:
            return counts
    return read(staged.read_path)


def window_slice(
    staged: Staged, column: str, fmt: str, windows: list[Window], dest: Path
) -> Path | None:
    """Write to ``dest`` the header and every line that may hold a time in ``windows``.

    Returns ``dest``, or None when the file cannot be sliced (the caller reads it all).
    ``column``: the time's column as the reader names it; ``fmt``: its strptime format.
    """
    if not staged.marks or staged.dialect is None or staged.read_path is None:
        return None
    delimiter, quote, _ = staged.dialect
    if quote and (quote not in QUOTES or quote in staged.quotes):
        return None
    if column not in staged.columns:
        return None
    index = staged.columns.index(column)
    with open(staged.read_path, "rb") as f:
        first = f.readline(LINE_MAX) if staged.header else b""
        start = len(first)
        if staged.header and not first.endswith(b"\n"):
            return None  # a header alone, or longer than LINE_MAX
        points = [(at, _time(f, at, delimiter, index, fmt)) for at in (start, *staged.marks)
                  if at >= start]  # fmt: skip
        last = _last_line(f, staged.size)
        if last > start:
            points.append((last, _time(f, last, delimiter, index, fmt)))
        ranges = sorted(
            r for r in (_bounds(points, w, start, staged.size) for w in windows) if r is not None
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
