"""How DuckDB reads one crawl file: what every reader returns (:class:`ReadSpec`)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError
from toolkit.ingest.crawl.lines import Layout
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

REJECTS = ("crawl_rejects", "crawl_reject_scans")  # DuckDB's tables of refused lines


@dataclass(frozen=True)
class Dialect:
    """How a CSV splits: delimiter, quote and escape characters ("" for none)."""

    delimiter: str
    quote: str
    escape: str


@dataclass(frozen=True)
class ReadSpec:
    """How DuckDB reads one file (returned by a reader; never changed afterwards)."""

    format: str
    detected_by: str  # mapping, extension or content
    read_path: Path  # what DuckDB reads: a link to the original, or a copy
    columns: tuple[str, ...]
    options: str  # reader arguments after the path
    encoding: str | None = None  # text read as (CSV, JSON Lines)
    head_path: Path | None = None  # its first lines, for describing and sampling (CSV)
    dialect: Dialect | None = None  # a plain CSV the typed path may read (None: it may not)
    header: bool = True
    rows_known: int | None = None  # rows, when known otherwise than by the layout
    layout: Layout | None = None  # of ``read_path``, when it is a copy (else the source's)
    line_sql: str = "row_number() OVER ()"  # the row's number in the reader's order
    line_kind: str = "row"  # "row": map by lines.locate; "line": already the file's line
    notices: tuple[str, ...] = field(default_factory=tuple)
    offsets_valid: bool = True  # False when DuckDB reads a copy (its offsets differ)
    quoted: bool = True  # '"' quotes fields: layouts count records by quote parity

    def source_sql(self, path: Path | None = None) -> str:
        """The FROM clause reading the file (or ``path``, e.g. its head, the same way)."""
        where = lit(str(path or self.read_path))
        if self.format in ("csv", "xlsx"):
            return f"read_csv({where}, {self.options})"
        if self.format in ("json", "jsonl"):
            return f"read_json({where}, {self.options})"
        return f"read_parquet({where})"

    def with_notice(self, notice: str) -> ReadSpec:
        return replace(self, notices=(*self.notices, notice))


def describe(con: duckdb.DuckDBPyConnection, source: str) -> tuple[str, ...]:
    """The column names DuckDB sees in ``source`` (a FROM clause)."""
    import duckdb

    try:
        rows = con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()
    except duckdb.Error as e:
        raise InputError(f"cannot read the file ({short_error(e)})") from None
    return tuple(str(r[0]) for r in rows)


def short_error(e: Exception) -> str:
    """DuckDB's message, first line, without its class or the paths of internal copies."""
    import re

    text = str(e).split("\n")[0].replace("Invalid Input Error: ", "").strip()
    if "Error when sniffing file" in text:
        return "its layout cannot be worked out: check its line ends, quotes and delimiter"
    return re.sub(r'"[^"]*/(original|window|rejected)-[^"]*"', "the file", text)
