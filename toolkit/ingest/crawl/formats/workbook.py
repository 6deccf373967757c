"""XLSX: the first sheet, read with openpyxl in read-only mode (streaming) into a UTF-8 CSV
with ``__row``, the sheet's row number, then read as CSV. Dates typed by Excel become ISO
text; plain numbers such as 45731.42 stay numbers and are read as Excel serial dates."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.formats.spec import ReadSpec
    from toolkit.ingest.crawl.mapping import Mapping
    from toolkit.ingest.crawl.source import SourceFile

EXTENSIONS = {"xlsx": (".xlsx", ".xlsm")}
MEDIA_TYPES = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def sniff(head: bytes, fmt: str, encoding: str) -> bool:
    return False  # a zip: only by its extension or the mapping (a zip of crawls is refused)


def read(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    mapping: Mapping,
    work: Path,
    path: Path,
    fmt: str,
    detected: str,
) -> ReadSpec:
    from toolkit.ingest.crawl.formats import delimited
    from toolkit.ingest.crawl.mapping import Mapping, ReaderOptions

    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a declared dependency
        from toolkit.errors import MissingDependency

        raise MissingDependency("reading XLSX needs openpyxl: pip install openpyxl") from None
    dest = work / f"{path.stem}-sheet.csv"
    with open(path, "rb") as handle:  # a file object: openpyxl would refuse the vault's name
        try:
            wb = load_workbook(handle, read_only=True, data_only=True)
        except Exception as e:  # openpyxl raises many kinds on a damaged workbook
            raise InputError(
                f"not a readable XLSX workbook ({type(e).__name__}); open and re-save it"
            ) from None
        try:
            sheet = wb.worksheets[0]
            rows_written, empty = _sheet_to_csv(sheet, dest, mapping.header)
        finally:
            wb.close()
    as_csv = Mapping(csv=ReaderOptions(delimiter=",", quote='"', header=True))
    spec = delimited.read(con, source, as_csv, work, dest, "xlsx", "utf-8")
    notice = f"{source.display}: sheet {sheet.title!r}"
    if empty:
        notice += f" ({empty} empty row(s) skipped)"
    return replace(
        spec,
        columns=tuple(c for c in spec.columns if c != "__row"),
        dialect=None,  # the sheet's CSV carries row numbers: the general path
        rows_known=rows_written,
        line_sql='CAST("__row" AS BIGINT)',
        line_kind="line",
        notices=(notice,),
        encoding=None,
    )


def _sheet_to_csv(ws: Any, dest: Path, header: bool) -> tuple[int, int]:
    """Write the sheet's non-empty rows as CSV, each with ``__row``, its row number; return
    (rows written, empty rows skipped between them)."""
    rows_written, width, empty, pending = 0, 0, 0, 0
    with open(dest, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = ["" if v is None else _cell_text(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            if not cells:
                pending += 1 if width else 0
                continue
            empty, pending = empty + pending, 0
            if not width:
                width = len(cells)
                if header:
                    writer.writerow(["__row", *(c or f"column{i}" for i, c in enumerate(cells))])
                    continue
                writer.writerow(["__row", *(f"column{i}" for i in range(width))])
            writer.writerow([number, *cells, *[""] * (width - len(cells))])
            rows_written += 1
    return rows_written, empty


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
