"""JSON (an array of objects) and JSON Lines (one object per line), every key as text.

DuckDB's ``read_json`` skips a JSON Lines line it cannot parse without a word; the counts
then fall short of the file's lines, and ``toolkit.ingest.crawl.problems`` reads those lines
with Python's json module to report each one.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError
from toolkit.ingest.crawl.lines import scan_layout
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.formats.spec import ReadSpec
    from toolkit.ingest.crawl.mapping import Mapping
    from toolkit.ingest.crawl.source import SourceFile

EXTENSIONS = {"json": (".json",), "jsonl": (".jsonl", ".ndjson")}
MEDIA_TYPES = {"json": "application/json", "jsonl": "application/x-ndjson"}
MAX_OBJECT = 1 << 20  # bytes of one object (DuckDB's bound; its default is 16 MiB)


def sniff(head: bytes, fmt: str, encoding: str) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    return text.startswith(b"[" if fmt == "json" else b"{")


def read(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    mapping: Mapping,
    work: Path,
    path: Path,
    fmt: str,
    detected: str,
) -> ReadSpec:
    from toolkit.ingest.crawl.formats.spec import ReadSpec, describe

    kind = "newline_delimited" if fmt == "jsonl" else "array"
    size = f", maximum_object_size = {MAX_OBJECT}" if fmt == "jsonl" else ""
    base = f"format = {lit(kind)}, ignore_errors = true{size}"
    spec = ReadSpec(format=fmt, detected_by="", read_path=path, columns=(), options=base)
    names = describe(con, spec.source_sql())
    if len(names) == 1 and names[0] in ("json", "probes", "data", "rows"):
        raise InputError(
            "JSON must be an array of objects, or one object per line (JSON Lines); unwrap the list"
        )
    columns = ", ".join(f"{lit(n)}: 'VARCHAR'" for n in names)
    return replace(
        spec,
        columns=names,
        options=f"{base}, columns = {{{columns}}}",
        encoding="utf-8" if fmt == "jsonl" else None,
        # one object a line: escaped quotes inside strings make quote parity meaningless
        layout=scan_layout(path, quoted=False) if fmt == "jsonl" else None,
        header=False,
        quoted=False,
        line_kind="row" if fmt == "jsonl" else "line",
    )
