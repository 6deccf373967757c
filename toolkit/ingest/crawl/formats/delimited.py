"""CSV, TSV and other delimited text: DuckDB's ``read_csv`` with every column as text.

The delimiter and quote come from the mapping, else the extension (``.tsv``) or our own
look at the first lines (:func:`sniff_delimiter`). UTF-8 (a BOM is skipped) is read
directly; Windows-1252, Latin-1 and UTF-16 are first transcoded, streaming, to a UTF-8 copy,
and a file whose line endings DuckDB refuses (CRLF and LF mixed, a stray CR, CR alone) to a
copy with LF endings (``toolkit.ingest.crawl.lines.normalise``); the vault keeps the
original bytes. Malformed lines (too many or too few fields, invalid UTF-8) are kept by
DuckDB's ``store_rejects`` with their line and reported, never dropped silently. DuckDB
describes and samples a head of the file, cut at a line end outside quotes, never the file:
its parallel reader reads far past a ``LIMIT``.
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError
from toolkit.ingest.crawl.lines import CHUNK, LINE_CAP, normalise, scan_layout
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.formats.spec import ReadSpec
    from toolkit.ingest.crawl.mapping import Mapping
    from toolkit.ingest.crawl.source import SourceFile

EXTENSIONS = {"csv": (".csv", ".tsv", ".tab", ".txt")}
MEDIA_TYPES = {"csv": "text/csv"}
HEAD_BYTES = 2 << 20  # the head DuckDB describes and samples: some 17,000 lines of 120 bytes
MAX_LINE_SIZE = 2 * LINE_CAP  # DuckDB's own bound (the layout refuses longer records first)


def sniff(head: bytes, fmt: str, encoding: str) -> bool:
    return fmt == "csv" and (b"\x00" not in head or encoding == "utf-16")


def read(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    mapping: Mapping,
    work: Path,
    path: Path,
    fmt: str,
    detected: str,
    *,
    header: bool | None = None,
) -> ReadSpec:
    """How DuckDB reads a delimited file (``header``: override the mapping's)."""
    from toolkit.ingest.crawl.formats.spec import Dialect, ReadSpec, describe

    opts = mapping.csv
    encoding = opts.encoding or detected
    if encoding in ("utf-8", "utf-8-sig") and detected in ("cp1252", "utf-16"):
        raise InputError(
            f"not valid UTF-8 although the mapping says {encoding}; give the file's real "
            'encoding, e.g. [csv] encoding = "cp1252"'
        )
    notices: list[str] = []
    copied = False
    if encoding not in ("utf-8", "utf-8-sig"):
        if opts.encoding is None:
            notices.append(f"{source.display}: encoding {encoding} (detected)")
        path, copied = _transcode(path, encoding, work / f"{path.stem}-utf8.csv"), True
    quote = opts.quote if opts.quote is not None else '"'
    layout = None  # of a copy, or read without quotes; else the source's (under way)
    if copied or quote != '"':
        layout = scan_layout(path, quoted=quote == '"')
    delimiter = opts.delimiter
    if delimiter is None and Path(source.name).suffix.lower() in (".tsv", ".tab"):
        delimiter = "\t"
    if delimiter is None:
        delimiter = sniff_delimiter(path)
        if delimiter != ",":
            notices.append(f"{source.display}: delimiter {delimiter!r} (detected)")
    with_header = mapping.header if header is None else header
    options = ", ".join(
        [
            "all_varchar = true",
            f"header = {str(with_header).lower()}",
            f"delim = {lit(delimiter)}",
            f"quote = {lit(quote)}",
            f"escape = {lit(quote)}",
            f"max_line_size = {MAX_LINE_SIZE}",
            "ignore_errors = true",
            "store_rejects = true",
            "rejects_table = 'crawl_rejects'",
            "rejects_scan = 'crawl_reject_scans'",
        ]
    )
    head = _head(path, quote, work / f"{path.stem}-head.csv")
    spec = ReadSpec(
        format=fmt,
        detected_by="",
        read_path=path,
        columns=(),
        options=options,
        encoding=encoding,
        head_path=head,
        dialect=Dialect(delimiter, quote, quote),
        header=with_header,
        layout=layout,
        notices=tuple(notices),
        offsets_valid=not copied,
        quoted=quote == '"',
    )
    from dataclasses import replace

    try:
        return replace(spec, columns=describe(con, spec.source_sql(head)))
    except InputError:
        if (layout or source.layout).mixed_endings:  # DuckDB refuses mixed line endings
            return normalised(con, spec, source, work)
        raise


def normalised(
    con: duckdb.DuckDBPyConnection, spec: ReadSpec, source: SourceFile, work: Path
) -> ReadSpec:
    """The same reading of a copy with LF line endings (see the module doc)."""
    from dataclasses import replace

    from toolkit.ingest.crawl.formats.spec import describe

    layout = spec.layout or source.layout
    if layout.long_record_line:
        raise InputError(
            f"line {layout.long_record_line} starts a record longer than {LINE_CAP >> 20} MiB "
            "(a quote never closed, or not a crawl export); check the file"
        )
    copy = normalise(spec.read_path, work / f"{spec.read_path.stem}-lf.csv", layout)
    quote = spec.dialect.quote if spec.dialect else '"'
    head = _head(copy, quote, work / f"{copy.stem}-head.csv")
    what = "CR line endings" if not layout.newlines else "mixed line endings (CRLF and LF)"
    if layout.lone_cr and layout.newlines:
        what = f"{layout.lone_cr} stray carriage return(s) read as spaces"
    new = replace(
        spec, read_path=copy, head_path=head, layout=scan_layout(copy, quoted=spec.quoted),
        offsets_valid=False,
    ).with_notice(f"{source.display}: {what}; read from a copy with LF endings")  # fmt: skip
    return replace(new, columns=describe(con, new.source_sql(head)))


def _head(path: Path, quote: str, dest: Path) -> Path:
    """The first lines of a large CSV (about :data:`HEAD_BYTES`) in ``dest``, for DuckDB to
    describe and sample; a small file is its own head. The head ends at a line end outside
    quotes (an even number of quote characters before it: a doubled quote inside a field
    counts twice)."""
    with open(path, "rb") as f:
        data = f.read(HEAD_BYTES + 1)
    if len(data) <= HEAD_BYTES:
        return path
    mark = quote.encode()
    cut = data.rfind(b"\n") + 1
    odd = bool(mark) and data.count(mark, 0, cut) % 2 == 1
    while cut and odd:  # step back a line at a time, counting only the line left out
        start = data.rfind(b"\n", 0, cut - 1) + 1
        odd ^= data.count(mark, start, cut) % 2 == 1
        cut = start
    if not cut:
        raise InputError(
            f"line 1 is longer than {HEAD_BYTES >> 20} MiB, or opens a quote it never closes: "
            "not a crawl export; check the file"
        )
    dest.write_bytes(data[:cut])
    return dest


def sniff_delimiter(path: Path) -> str:
    """The delimiter among , ; tab | that splits the first lines most consistently.

    Our own look rather than DuckDB's sniffer, which a single malformed line can mislead
    into reading the file as one column: fields are counted with the csv module (quotes
    respected) on the first 50 lines; the first line (usually the header) sets the count.
    """
    with open(path, "rb") as f:
        head = f.read(1 << 16).decode("utf-8", errors="replace")
    lines = [line for line in head.splitlines()[:50] if line.strip()]
    if len(lines) > 1 and not head.endswith(("\n", "\r")):
        lines = lines[:-1]  # the last line may be cut
    best, best_score = ",", (-1.0, 0)
    for candidate in (",", ";", "\t", "|"):
        counts = [len(next(csv.reader([line], delimiter=candidate))) for line in lines]
        if not counts or counts[0] < 2:
            continue
        agree = sum(1 for c in counts if c == counts[0]) / len(counts)
        score = (agree, counts[0])
        if score > best_score:
            best, best_score = candidate, score
    return best


def _transcode(src: Path, encoding: str, dest: Path) -> Path:
    """Stream ``src`` from ``encoding`` into UTF-8 at ``dest``."""
    decoder = codecs.getincrementaldecoder("utf-16" if encoding == "utf-16" else encoding)(
        errors="strict"
    )
    try:
        with open(src, "rb") as f, open(dest, "w", encoding="utf-8", newline="") as out:
            while chunk := f.read(CHUNK):
                out.write(decoder.decode(chunk))
            out.write(decoder.decode(b"", final=True))
    except UnicodeDecodeError as e:
        raise InputError(
            f"not valid {encoding} ({e.reason} at byte {e.start}); "
            "give the right [csv] encoding in a mapping"
        ) from None
    return dest
