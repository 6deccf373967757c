"""Lines and records of a text file, counted with numpy, never all in memory.

A *record* ends at a newline outside double quotes (an even number of ``"`` before it: a
doubled quote inside a field counts twice); a quoted field may span lines. Only a quote next
to a delimiter, a line end or another quote counts: the quote in ``rouen "gare`` is text to
DuckDB's reader, and to us. DuckDB's CSV
reader skips blank lines (nothing, or a lone ``\\r``, before the newline) and numbers its
rejected lines by records and blank lines, a record spanning lines counting once ("DuckDB
lines"). :func:`scan_layout` finds, in one pass, what the counts and the refusals need;
:func:`locate` turns DuckDB's numbering into the file's own line numbers, which every
message shows; :func:`normalise` writes a copy with one line ending for files DuckDB's
reader refuses (CRLF and LF mixed, a stray carriage return, old Mac ``\\r`` endings).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CHUNK = 4 << 20
LINE_CAP = 1 << 20  # a record longer than this is refused: robots write a few hundred bytes
QUOTE = 34  # '"'
SEPARATORS = (44, 59, 9, 124, 10, 13, QUOTE)  # , ; tab | LF CR " : a quote beside one counts


@dataclass(frozen=True)
class Layout:
    """What one pass found in a text file (``quotes``: whether ``"`` appears at all)."""

    size: int
    newlines: int  # b"\\n" bytes
    ends_with_newline: bool
    records: int  # lines ending a record, and a last record without a newline
    blank: int  # of which blank: nothing, or a lone b"\\r", before the newline
    lines: int  # lines (any newline ending one), and a last line without a newline
    blank_lines: int  # of which blank
    crlf: int  # newlines preceded by b"\\r"
    lone_cr: int  # b"\\r" not followed by b"\\n"
    quotes: bool
    long_record_line: int  # the line where a record over LINE_CAP starts (0: none)
    open_quote_line: int  # the line of a record whose quote is never closed (0: none)
    marks: tuple[int, ...]  # the offset of a line start in each chunk after the first
    mark_lines: tuple[int, ...] = ()  # the line number that starts at each mark

    @property
    def mixed_endings(self) -> bool:
        """Line endings DuckDB's reader refuses: CRLF and LF together, or a stray CR."""
        return bool(self.lone_cr) or 0 < self.crlf < self.newlines

    @property
    def continued(self) -> int:
        """Lines that continue a record (inside a quoted field)."""
        last = 0 if self.ends_with_newline or not self.size else 1
        return self.newlines + last - self.records


def scan_layout(
    path: Path, stopped: threading.Event | None = None, *, quoted: bool = True
) -> Layout:
    """One pass over ``path`` (see :class:`Layout`); it stops at a record over the cap.
    ``quoted``: ``"`` quotes fields (else every newline ends a record)."""
    import numpy as np

    newlines = records = blank = plain_blank = crlf = cr = size = 0
    odd, any_quote = False, False  # quote parity at the chunk's start; a quote seen
    prev_end, prev_line = -1, 0  # the last record end's offset, and its line number
    prev_plain = -1  # the last newline's offset
    long_line, marks, last = 0, [], b""
    found = np.empty(CHUNK, bool)  # reused: no 4 MiB allocation a chunk
    pairs = np.empty(CHUNK, bool)
    with open(path, "rb") as src:
        while not (stopped and stopped.is_set()) and (chunk := src.read(CHUNK)):
            arr = np.frombuffer(chunk, np.uint8)
            mask = np.equal(arr, 10, out=found[: len(chunk)])
            if not odd and _plain(chunk, last, mask, pairs):  # the usual chunk: no offsets
                n = int(np.count_nonzero(mask))
                first, final = chunk.find(b"\n"), chunk.rfind(b"\n")
                if n and size + first - prev_end <= LINE_CAP + 1:
                    if size:  # a line starts here, or after the chunk's first newline
                        start = 0 if last == b"\n" else first + 1
                        marks.append((size + start, newlines + (1 if start else 0) + 1))
                    records += n
                    prev_end, prev_line = size + final, newlines + n
                    newlines += n
                    size += len(chunk)
                    last = chunk[-1:]
                    continue
            nl = np.flatnonzero(mask)
            # most files have no CR (then no CRLF to find): `in` is a memchr, count is not
            chunk_cr = chunk.count(b"\r") if b"\r" in chunk else 0
            cr += chunk_cr
            if len(nl) and (chunk_cr or last == b"\r"):
                before = np.empty(len(nl), np.int16)
                before[1:] = arr[nl[1:] - 1]
                before[0] = arr[nl[0] - 1] if nl[0] else (last[0] if last else -1)
                crlf += int(np.count_nonzero(before == 13))
            has_quotes = odd or QUOTE in chunk
            if has_quotes:
                keep = np.ones(len(nl), bool)
                quotes = _quotes(arr, last)
                any_quote = any_quote or bool(len(quotes))
                if quoted:
                    keep = (np.searchsorted(quotes, nl) + odd) % 2 == 0
                    odd = bool((len(quotes) + odd) % 2)
                plain_gaps = np.diff(nl + size, prepend=prev_plain)
                plain_blank += int(np.count_nonzero(_blank(arr, nl, plain_gaps, last)))
                ends = nl[keep] + size
                lines = newlines + np.flatnonzero(keep) + 1  # the line each record end closes
            else:  # every newline ends a record
                ends = nl + size
                lines = None
            gaps = np.diff(ends, prepend=prev_end)
            short = gaps <= 2  # a blank record is at most a lone \\r before its newline
            chunk_blank = 0
            if short.any():
                chunk_blank = int(np.count_nonzero(_blank(arr, ends - size, gaps, last)))
            blank += chunk_blank
            if not has_quotes:
                plain_blank += chunk_blank
            if len(nl):
                prev_plain = int(nl[-1]) + size
            big = len(gaps) and gaps.max() > LINE_CAP + 1
            over = np.flatnonzero(gaps > LINE_CAP + 1) if big else np.empty(0, np.int64)
            if len(over):
                i = int(over[0])
                closed = newlines + i if lines is None else int(lines[i - 1])
                long_line = (prev_line if i == 0 else closed) + 1
            elif size + len(chunk) - prev_end - 1 > LINE_CAP and not len(ends):
                long_line = prev_line + 1
            records += len(ends)
            if len(ends):
                prev_end = int(ends[-1])
                prev_line = newlines + len(nl) if lines is None else int(lines[-1])
            if size:  # a line starts here, or after the chunk's first newline
                start = 0 if last == b"\n" else (int(nl[0]) + 1 if len(nl) else 0)
                if start or last == b"\n":
                    marks.append((size + start, newlines + (1 if start else 0) + 1))
            newlines += len(nl)
            size += len(chunk)
            last = chunk[-1:]
            if long_line:
                break
    ends_nl = last == b"\n"
    lines_count = newlines + (1 if size and not ends_nl else 0)
    if size and not ends_nl and not long_line:
        records += 1  # a last record without a newline
        if size - prev_end - 1 > LINE_CAP:
            long_line = prev_line + 1
    return Layout(
        size=size,
        newlines=newlines,
        ends_with_newline=ends_nl,
        records=records,
        blank=blank,
        lines=lines_count,
        blank_lines=plain_blank,
        crlf=crlf,
        lone_cr=cr - crlf,
        quotes=any_quote,
        long_record_line=long_line,
        open_quote_line=prev_line + 1 if odd and not long_line else 0,
        marks=tuple(m for m, _ in sorted(dict(marks).items()) if m < size),
        mark_lines=tuple(n for m, n in sorted(dict(marks).items()) if m < size),
    )


def _plain(chunk: bytes, last: bytes, newline: Any, pairs: Any) -> bool:
    """Whether a chunk has no quote, no CR and no blank line, and a newline in every half
    of :data:`LINE_CAP` (so no record over the cap): then every newline ends a record and
    only their count matters (searching bytes is far cheaper than listing offsets).
    ``newline``: the chunk's newline mask; ``pairs``: a buffer for newline pairs (a
    ``b"\\n\\n" in chunk`` is thirty times slower than this)."""
    import numpy as np

    if b'"' in chunk or b"\r" in chunk or last == b"\r":  # (a CRLF across the chunks)
        return False
    if (
        len(chunk) > 1
        and np.logical_and(newline[1:], newline[:-1], out=pairs[: len(chunk) - 1]).any()
    ):
        return False
    if chunk[:1] == b"\n" and last in (b"\n", b""):  # a blank line across the chunks
        return False
    half = LINE_CAP // 2
    return all(chunk.find(b"\n", i, i + half) != -1 for i in range(0, len(chunk), half))


def _quotes(arr: Any, last: bytes) -> Any:
    """Offsets of the quotes that count (beside a separator: see the module doc)."""
    import numpy as np

    at = np.flatnonzero(arr == QUOTE)
    if not len(at):
        return at
    before = np.empty(len(at), np.int16)
    before[at > 0] = arr[at[at > 0] - 1]
    before[at == 0] = last[0] if last else 10
    after = np.full(len(at), 10, np.int16)  # the chunk's end counts as a separator
    inside = at < len(arr) - 1
    after[inside] = arr[at[inside] + 1]
    separators = np.array(SEPARATORS, np.int16)
    return at[np.isin(before, separators) | np.isin(after, separators)]


def _blank(arr: Any, ends: Any, gaps: Any, last: bytes) -> Any:
    """Which records (ending at ``ends``, offsets in the chunk ``arr``) are blank: nothing,
    or a lone \\r, since the previous record end (``gaps``: distance to it)."""
    import numpy as np

    before = np.full(len(ends), -1, np.int16)
    inside = ends > 0
    before[inside] = arr[ends[inside] - 1]
    if len(ends) and ends[0] == 0 and last:
        before[0] = last[0]
    return (gaps == 1) | ((gaps == 2) & (before == 13))


def _records(path: Path, quoted: bool) -> Iterator[tuple[Any, Any, Any]]:
    """Per chunk: each record's DuckDB line (records and blank lines from 1), the line it
    starts on, and whether it is blank; ``quoted``: newlines inside quotes end nothing."""
    import numpy as np

    size, newlines, count, odd, prev_end, prev_line, last = 0, 0, 0, False, -1, 0, b""
    with open(path, "rb") as src:
        while chunk := src.read(CHUNK):
            arr = np.frombuffer(chunk, np.uint8)
            nl = np.flatnonzero(arr == 10)
            keep = np.ones(len(nl), bool)
            if quoted and (odd or QUOTE in chunk):
                quotes = _quotes(arr, last)
                keep = (np.searchsorted(quotes, nl) + odd) % 2 == 0
                odd = bool((len(quotes) + odd) % 2)
            ends = nl[keep]
            lines = newlines + np.flatnonzero(keep) + 1
            gaps = np.diff(ends + size, prepend=prev_end)
            starts = np.empty(len(ends), np.int64)
            if len(ends):
                starts[0] = prev_line + 1
                starts[1:] = lines[:-1] + 1
                yield count + 1 + np.arange(len(ends)), starts, _blank(arr, ends, gaps, last)
                prev_end, prev_line = int(ends[-1]) + size, int(lines[-1])
            count += len(ends)
            newlines += len(nl)
            size += len(chunk)
            last = chunk[-1:]
    if size and last != b"\n":  # a last record without a newline
        yield np.array([count + 1]), np.array([prev_line + 1]), np.array([False])


def record_lines(path: Path, quoted: bool, positions: Any) -> Any:
    """The DuckDB line (records and blank lines from 1, as :func:`locate` counts them) of the
    record starting at each byte of ``positions`` (a sorted numpy array). DuckDB's own
    numbers of the lines it refuses can be wrong (2.0.1: two refused lines around a blank one
    get the same number); its byte for each is within one of where the line starts (the
    newline before it, after blank lines; else its first or second byte), never in another
    record (a crawl record is longer than two bytes)."""
    import numpy as np

    out = np.empty(len(positions), np.int64)
    done, ends_before, size, odd, last = 0, 0, 0, False, b""
    with open(path, "rb") as src:
        while done < len(positions) and (chunk := src.read(CHUNK)):
            arr = np.frombuffer(chunk, np.uint8)
            nl = np.flatnonzero(arr == 10)
            if quoted and (odd or QUOTE in chunk):
                quotes = _quotes(arr, last)
                keep = (np.searchsorted(quotes, nl) + odd) % 2 == 0
                odd = bool((len(quotes) + odd) % 2)
                nl = nl[keep]
            upto = int(np.searchsorted(positions, size + len(chunk), side="left"))
            here = positions[done:upto] - size
            # a newline byte counts with the record after it: DuckDB gives the byte just
            # before a line (after blank lines) or just after its start
            out[done:upto] = ends_before + np.searchsorted(nl, here, side="right") + 1
            ends_before += len(nl)
            done = upto
            size += len(chunk)
            last = chunk[-1:]
    out[done:] = ends_before + 1
    return out


def locate(
    path: Path, *, quoted: bool, lines: list[int] = (), rows: list[int] = (),  # type: ignore[assignment]
    header: bool = True, rejected: frozenset[int] = frozenset(),
) -> dict[tuple[str, int], int]:  # fmt: skip
    """The file's line numbers of DuckDB ``lines`` and of data ``rows`` (1-based, in the
    order DuckDB read them: without the header, blank lines and the ``rejected`` DuckDB
    lines). Keys: ("line", n) and ("row", n). Reads only as far as the last one asked."""
    import numpy as np

    want_lines, want_rows = sorted(set(lines)), sorted(set(rows))
    out: dict[tuple[str, int], int] = {}
    if not want_lines and not want_rows:
        return out
    reject = np.array(sorted(rejected), dtype=np.int64)
    row_count = 0
    for duck, starts, blank in _records(path, quoted):
        for n in want_lines:
            if duck[0] <= n <= duck[-1]:
                out[("line", n)] = int(starts[n - duck[0]])
        data = ~blank
        if header:
            data &= duck > 1
        if len(reject):  # membership by binary search: both are sorted
            at = np.minimum(np.searchsorted(reject, duck), len(reject) - 1)
            data &= reject[at] != duck
        numbers = row_count + np.cumsum(data)
        for n in want_rows:
            if row_count < n <= numbers[-1]:
                out[("row", n)] = int(starts[np.searchsorted(numbers, n)])
        row_count = int(numbers[-1])
        if (not want_lines or duck[-1] >= want_lines[-1]) and (
            not want_rows or row_count >= want_rows[-1]
        ):
            break
    return out


def normalise(src: Path, dest: Path, layout: Layout) -> Path:
    """A copy of ``src`` with LF line endings: CRLF becomes LF; a file with no LF at all
    (old Mac) has its CR as line ends; elsewhere a stray CR becomes a space."""
    cr_ends = not layout.newlines
    with open(src, "rb") as f, open(dest, "wb") as out:
        carry = b""
        while chunk := f.read(CHUNK):
            data = carry + chunk
            carry = b""
            if data.endswith(b"\r"):  # its \n may open the next chunk
                data, carry = data[:-1], b"\r"
            data = data.replace(b"\r\n", b"\n")
            out.write(data.replace(b"\r", b"\n" if cr_ends else b" "))
        if carry:
            out.write(b"\n" if cr_ends else b" ")
    return dest
