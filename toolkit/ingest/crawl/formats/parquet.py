"""Parquet: ``read_parquet``; typed columns are cast to text and typed again like the rest (a
TIMESTAMP is a naive local time, a TIMESTAMPTZ keeps its instant)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.formats.spec import ReadSpec
    from toolkit.ingest.crawl.mapping import Mapping
    from toolkit.ingest.crawl.source import SourceFile

EXTENSIONS = {"parquet": (".parquet", ".pq")}
MEDIA_TYPES = {"parquet": "application/vnd.apache.parquet"}


def sniff(head: bytes, fmt: str, encoding: str) -> bool:
    return head.startswith(b"PAR1")


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

    spec = ReadSpec(format=fmt, detected_by="", read_path=path, columns=(), options="")
    columns = describe(con, spec.source_sql())
    row = con.execute(f"SELECT count(*) FROM {spec.source_sql()}").fetchone()
    return replace(
        spec, columns=columns, rows_known=int(row[0]) if row else None, header=False,
        line_kind="line",
    )  # fmt: skip
