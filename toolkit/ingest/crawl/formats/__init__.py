"""Crawl file formats: one reader per format, an explicit registry, DuckDB doing the reading.

Each reader module (``delimited``, ``jsonfile``, ``parquet``, ``workbook``) exposes the
formats it reads, its extensions, a ``sniff(head)`` of the first bytes and
``read(con, source, mapping, work, encoding) -> ReadSpec``: how DuckDB reads the file, every
column as VARCHAR (``01`` stays ``01``, ``2A`` stays ``2A``). A reader returns what it
found and never changes the source. Detection: the mapping's ``format`` > the extension > a
sniff of the first bytes; the report says which was used. A line number is the file's own
line (counting the header as 1; see ``toolkit.ingest.crawl.lines``), the sheet row for XLSX,
the record for JSON and Parquet.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from toolkit.errors import InputError
from toolkit.ingest.crawl.formats import delimited, jsonfile, parquet, workbook
from toolkit.ingest.crawl.formats.spec import (
    REJECTS,
    Dialect,
    ReadSpec,
    describe,
    short_error,
)

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.mapping import Mapping
    from toolkit.ingest.crawl.source import SourceFile

__all__ = ["EXTENSIONS", "MEDIA_TYPES", "READERS", "REJECTS", "Dialect", "ReadSpec", "describe",
           "detect", "read", "short_error"]  # fmt: skip

READERS: dict[str, ModuleType] = {
    "csv": delimited, "json": jsonfile, "jsonl": jsonfile, "parquet": parquet,
    "xlsx": workbook,
}  # fmt: skip
EXTENSIONS: dict[str, str] = {
    ext: fmt for fmt, module in READERS.items() for ext in module.EXTENSIONS.get(fmt, ())
}
MEDIA_TYPES: dict[str, str] = {fmt: module.MEDIA_TYPES[fmt] for fmt, module in READERS.items()}
REFUSED = {
    ".xls": "an old Excel .xls workbook; save it as .xlsx or CSV",
    ".zip": "a zip archive; give its crawl files (unzip it), or a folder of them",
}


def detect(source: SourceFile, mapping: Mapping) -> tuple[str, str]:
    """(format, how it was chosen): the mapping's ``format`` > the extension > the content."""
    if mapping.format:
        return mapping.format, "mapping"
    ext = Path(source.name).suffix.lower()
    if ext in EXTENSIONS:
        return EXTENSIONS[ext], "extension"
    if ext in REFUSED:
        raise InputError(f"{source.display}: {REFUSED[ext]}")
    head = source.head
    if head.startswith(b"PK\x03\x04") and ext not in ("", ".dat"):
        raise InputError(f"{source.display}: {REFUSED['.zip']}")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputError(f"{source.display}: {REFUSED['.xls']}")
    for fmt, module in READERS.items():
        if module.sniff(head, fmt, source.encoding):
            return fmt, "content"
    raise InputError(
        f"{source.display}: binary file, not a crawl export; give CSV, TSV, JSON, JSON "
        "Lines, Parquet or XLSX"
    )


def read(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    mapping: Mapping,
    work: Path,
    read_path: Path,
    *,
    encoding: str | None = None,
) -> ReadSpec:
    """How DuckDB reads ``source`` (through ``read_path``), by the reader of its format.
    ``encoding``: read the text as this (default: what the first chunk says)."""
    fmt, detected_by = detect(source, mapping)
    module = READERS[fmt]
    try:
        spec: ReadSpec = module.read(
            con, source, mapping, work, read_path, fmt, encoding or source.encoding
        )
    except InputError as e:
        raise InputError(
            f"{source.display}: {str(e).removeprefix(source.display + ': ')}"
        ) from None
    return replace(spec, detected_by=detected_by)
