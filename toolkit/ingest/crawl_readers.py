"""Crawl file formats: one reader per format, an explicit registry, DuckDB doing the reading.

Every reader turns a file into a DuckDB source whose columns are all VARCHAR (``01`` stays
``01``, ``2A`` stays ``2A``) and a line number for each row. Detection: the mapping's
``format`` > the extension > a sniff of the first bytes; the report says which was used.

- ``csv`` (.csv, .tsv, .tab, .txt): DuckDB's ``read_csv`` with ``all_varchar``; delimiter and
  quote from the mapping or DuckDB's sniffer (a ``.tsv`` is tab-separated). UTF-8 (a BOM is
  skipped) is read directly; Windows-1252, Latin-1 and UTF-16 are first transcoded, streaming,
  to a temporary UTF-8 copy (the vault keeps the original bytes). Without a mapping the
  encoding is detected: a UTF-16 BOM, else UTF-8 if every byte sequence is valid UTF-8,
  else Windows-1252. Malformed lines (too many or too few fields, invalid UTF-8) are kept by
  DuckDB's ``store_rejects`` with their line number and reported, never silently dropped.
- ``json`` (an array of objects) and ``jsonl`` (one object per line): ``read_json`` with
  every key read as VARCHAR.
- ``parquet``: ``read_parquet``; typed columns are cast to text and typed again like the rest
  (a TIMESTAMP is a naive local time, a TIMESTAMPTZ keeps its instant).
- ``xlsx``: the first sheet, read with openpyxl in read-only mode (streaming) into a temporary
  UTF-8 CSV with the sheet's row number, then the CSV path. Dates typed by Excel become ISO
  text; plain numbers such as 45731.42 stay numbers and are read as Excel serial dates.

A line number is the record's number in the file counting the header as 1 (the physical line
unless a quoted field spans lines), the sheet row for XLSX, the record for JSON and Parquet.
"""

from __future__ import annotations

import codecs
import csv
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.ingest.crawl_mapping import Mapping, ReaderOptions
from toolkit.ingest.crawl_staging import CHUNK, Staged
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

REJECTS = ("crawl_rejects", "crawl_reject_scans")
HEAD_BYTES = 2 << 20  # the head DuckDB describes and samples: some 17,000 lines of 120 bytes
EXTENSIONS: dict[str, str] = {
    ".csv": "csv", ".tsv": "csv", ".tab": "csv", ".txt": "csv",
    ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".parquet": "parquet", ".pq": "parquet", ".xlsx": "xlsx", ".xlsm": "xlsx",
}  # fmt: skip


def detect_format(staged: Staged, mapping: Mapping) -> None:
    """Mapping's ``format`` > extension > the first bytes."""
    if mapping.format:
        staged.format, staged.detected_by = mapping.format, "mapping"
        return
    ext = Path(staged.name).suffix.lower()
    if ext in EXTENSIONS:
        staged.format, staged.detected_by = EXTENSIONS[ext], "extension"
        return
    if ext == ".xls":
        raise InputError("old Excel .xls workbook; save it as .xlsx or CSV")
    if ext == ".zip":
        raise InputError("zip archives are not read for crawls; unzip it and give the files")
    assert staged.origin is not None
    with open(staged.origin, "rb") as f:
        head = f.read(4096)
    staged.detected_by = "content"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"PAR1"):
        staged.format = "parquet"
    elif head.startswith(b"PK\x03\x04"):
        staged.format = "xlsx"
    elif head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError("old Excel .xls workbook; save it as .xlsx or CSV")
    elif text.startswith(b"["):
        staged.format = "json"
    elif text.startswith(b"{"):
        staged.format = "jsonl"
    elif b"\x00" in head and staged.encoding != "utf-16":
        raise InputError(
            "binary file, not a crawl export; give CSV, TSV, JSON, JSON Lines, Parquet or XLSX"
        )
    else:
        staged.format = "csv"


def prepare(
    con: duckdb.DuckDBPyConnection, staged: Staged, mapping: Mapping, read_path: Path, work: Path
) -> None:
    """Fill the reader options, the column names and the expected row count."""
    READERS[staged.format](con, staged, mapping, read_path, work)


def _describe(con: duckdb.DuckDBPyConnection, source: str) -> list[str]:
    import duckdb

    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as e:
        raise InputError(_first_line(str(e))) from None
    return [str(r[0]) for r in rows]


def _first_line(message: str) -> str:
    text = message.split("\n")[0].replace("Invalid Input Error: ", "")
    return f"cannot read the file ({text.strip()})"


def _csv(
    con: duckdb.DuckDBPyConnection,
    staged: Staged,
    mapping: Mapping,
    path: Path,
    work: Path,
    detected: str | None = None,
) -> None:
    opts = mapping.csv
    detected = detected or staged.encoding
    encoding = opts.encoding or detected
    if encoding in ("utf-8", "utf-8-sig") and detected in ("cp1252", "utf-16"):
        raise InputError(
            f"not valid UTF-8 although the mapping says {encoding}; give the file's real "
            'encoding, e.g. [csv] encoding = "cp1252"'
        )
    lines = None  # counted by the pass over the file (Staged.scan)
    if encoding not in ("utf-8", "utf-8-sig"):
        if opts.encoding is None:
            staged.notices.append(f"{staged.display}: encoding {encoding} (detected)")
        path, newlines, ends = _transcode(path, encoding, path.with_name(path.stem + "-utf8.csv"))
        staged.offsets_valid = False  # offsets in the original, not in the copy
        lines = newlines + (0 if ends or not staged.size else 1)
    staged.read_path = path
    delimiter = opts.delimiter
    if delimiter is None and Path(staged.name).suffix.lower() in (".tsv", ".tab"):
        delimiter = "\t"
    if delimiter is None:
        delimiter = sniff_delimiter(path)
        if delimiter != ",":
            staged.notices.append(f"{staged.display}: delimiter {delimiter!r} (detected)")
    quote = opts.quote if opts.quote is not None else '"'
    escape = quote
    staged.header = mapping.header
    staged.dialect = (delimiter, quote or "", escape or "")
    staged.options = ", ".join(
        [
            "all_varchar = true",
            f"header = {str(staged.header).lower()}",
            f"delim = {lit(delimiter)}",
            f"quote = {lit(quote or '')}",
            f"escape = {lit(escape or '')}",
            "ignore_errors = true",
            "store_rejects = true",
            f"rejects_table = {lit(REJECTS[0])}",
            f"rejects_scan = {lit(REJECTS[1])}",
        ]
    )
    staged.head_path = _head(path, quote or "")
    staged.columns = _describe(con, staged.source_sql(staged.head_path))
    header_lines = 1 if staged.header else 0
    if lines is None:
        staged.rows_known, staged.lines_less = None, header_lines
    else:
        staged.rows_known, staged.lines_less = max(lines - header_lines, 0), None
    staged.line_sql = f"row_number() OVER () + {1 if staged.header else 0}"
    if staged.format == "xlsx":
        staged.line_sql = 'CAST("__row" AS BIGINT)'


def _head(path: Path, quote: str) -> Path:
    """The first lines of a large CSV (about :data:`HEAD_BYTES`) in a file beside it, for
    DuckDB to describe and sample without scanning into the big file (its parallel reader
    reads far past a LIMIT); a small file is its own head. The head ends at a line end
    outside quotes (an even number of quote characters before it: a doubled quote inside a
    field counts twice); without one, the whole file is its own head."""
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
        return path
    head = path.with_name(path.stem + "-head.csv")
    head.write_bytes(data[:cut])
    return head


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


def _transcode(src: Path, encoding: str, dest: Path) -> tuple[Path, int, bool]:
    """Stream ``src`` from ``encoding`` into UTF-8; return the copy, its newlines and ending."""
    decoder = codecs.getincrementaldecoder("utf-16" if encoding == "utf-16" else encoding)(
        errors="strict"
    )
    newlines, last = 0, ""
    try:
        with open(src, "rb") as f, open(dest, "w", encoding="utf-8", newline="") as out:
            while chunk := f.read(CHUNK):
                text = decoder.decode(chunk)
                newlines += text.count("\n")
                last = text[-1:] or last
                out.write(text)
            text = decoder.decode(b"", final=True)
            out.write(text)
    except UnicodeDecodeError as e:
        raise InputError(
            f"not valid {encoding} ({e.reason} at byte {e.start}); "
            "give the right [csv] encoding in a mapping"
        ) from None
    return dest, newlines, last == "\n"


def _json(
    con: duckdb.DuckDBPyConnection, staged: Staged, mapping: Mapping, path: Path, work: Path
) -> None:
    staged.read_path = path
    kind = "newline_delimited" if staged.format == "jsonl" else "array"
    base = f"format = {lit(kind)}, ignore_errors = true"
    staged.options = base
    names = _describe(con, staged.source_sql())
    if len(names) == 1 and names[0] in ("json", "probes", "data", "rows"):
        raise InputError(
            "JSON must be an array of objects, or one object per line (JSON Lines); unwrap the list"
        )
    staged.columns = names
    columns = ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names)
    staged.options = f"{base}, columns = {{{columns}}}"
    if staged.format == "jsonl":
        staged.lines_less = 0  # one row a line
    staged.line_sql = "row_number() OVER ()"


def _parquet(
    con: duckdb.DuckDBPyConnection, staged: Staged, mapping: Mapping, path: Path, work: Path
) -> None:
    staged.read_path = path
    staged.columns = _describe(con, staged.source_sql())
    row = con.execute(f"SELECT count(*) FROM {staged.source_sql()}").fetchone()
    staged.rows_known = int(row[0]) if row else None
    staged.line_sql = "row_number() OVER ()"


def _xlsx(
    con: duckdb.DuckDBPyConnection, staged: Staged, mapping: Mapping, path: Path, work: Path
) -> None:
    """First sheet -> temporary CSV with ``__row``, the sheet's row number."""
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a declared dependency
        from toolkit.errors import MissingDependency

        raise MissingDependency("reading XLSX needs openpyxl: pip install openpyxl") from None
    dest = path.with_name(path.stem + "-sheet.csv")
    with open(path, "rb") as handle:  # a file object: openpyxl would refuse the vault's name
        try:
            wb = load_workbook(handle, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds on a damaged workbook
            raise InputError(
                f"not a readable XLSX workbook ({type(e).__name__}); open and re-save it"
            ) from None
        try:
            ws = wb.worksheets[0]
            rows_written = _sheet_to_csv(ws, dest, mapping.header)
        finally:
            wb.close()
    staged.notices.append(f"{staged.display}: sheet {ws.title!r}")
    xlsx_mapping = Mapping(csv=ReaderOptions(delimiter=",", quote='"', header=True))
    _csv(con, staged, xlsx_mapping, dest, work, detected="utf-8")
    staged.header = mapping.header
    staged.dialect = None  # the sheet's CSV carries row numbers: the general path
    staged.columns = [c for c in staged.columns if c != "__row"]
    staged.rows_known, staged.lines_less = rows_written, None


def _sheet_to_csv(ws: Any, dest: Path, header: bool) -> int:
    """Write the sheet's non-empty rows as CSV, each with ``__row``, its row number."""
    rows_written, width = 0, 0
    with open(dest, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else _cell_text(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            if not cells:
                continue
            if not width:
                width = len(cells)
                if header:
                    writer.writerow(["__row", *(c or f"column{i}" for i, c in enumerate(cells))])
                    continue
                writer.writerow(["__row", *(f"column{i}" for i in range(width))])
            writer.writerow([number, *cells, *[""] * (width - len(cells))])
            rows_written += 1
    return rows_written


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


READERS = {"csv": _csv, "json": _json, "jsonl": _json, "parquet": _parquet, "xlsx": _xlsx}
