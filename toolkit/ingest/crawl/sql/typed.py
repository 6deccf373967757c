"""The typed plan for CSV crawls: DuckDB's reader does the typing, SQL only the rest.

A robot writes one format all along: ISO times, préfecture codes, slugs, whole numbers. When
a sample of the file's first rows shows that for most of its values, the file is read with
explicit column types — TIMESTAMP with the one format seen, DATE, INTEGER, and ENUMs of the
canonical codes and slugs — so the CSV reader parses each value once, in C++, in parallel.
What is left for SQL is cheap: the zone arithmetic (``sql.zones``), the derived outcome and
the rules (``sql.rules``, the same catalogue as the general plan's).

Times with a UTC offset (``2025-03-12T09:00:00+01:00``, the form the docs advise) are read
with ``%z`` into the UTC time, which the reader refuses for a line without an offset — a
TIMESTAMPTZ column would silently read such a line as UTC. They need no zone arithmetic and
have no repeated hour; the zone serves only the rules on slot dates (ICU, and only for the
rows whose slot date is near the probe's).

It records, by construction, a subset of the general plan's readings: a value the typed
reader cannot read (a French date, an alias, « 3.0 », a « Z », a repeated header) makes the
reader refuse its line, and those lines — only those — go through the general plan
(``toolkit.ingest.crawl.insert``). A time read with a year under 1000 (``%Y`` takes « 25 »)
is *deferred*: the general plan, which reads a two-digit year in this century, reads the file.
Rows in the repeated autumn hour, whose twins must be told apart in file order, are taken
again by :meth:`TypedPlan.repeated_hour`, an order-keeping read of a slice of the file when
it can (``toolkit.ingest.crawl.window``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.ingest.crawl.mapping import Mapping
from toolkit.ingest.crawl.sql.plan import Plan, derived_outcome_sql
from toolkit.ingest.crawl.sql.rules import Rule, Terms, catalogue, epoch_us, for_plan, problem_sql
from toolkit.ingest.crawl.sql.zones import (
    OFFSET_SQL,
    OLD_SQL,
    REPEATED,
    repeated_hours,
    sql_timestamp,
    zone_code_case,
    zone_sql,
)
from toolkit.ingest.crawl.vocab import prefecture_keys, vocabulary
from toolkit.sqltext import enum_sql, ident, lit

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.formats import ReadSpec
    from toolkit.ingest.probe_batches import Batches

SAMPLE_ROWS = 5000
MOST = 0.5  # the share of a column's sample values the typed reader must read
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
DATE_FORMAT = "%Y-%m-%d"
TRIMMED = "nullif(trim({}), '')"  # as the general plan reads site (part of the id)
INTEGERS = ("slots", "http_status")
DATES = ("first_slot", "second_slot")
VOCABULARIES = ("procedure", "outcome", "system")
GENERAL_ONLY = ("date", "time")  # split date and time: the general plan
DEFERRED = "time.deferred"  # a rule of this plan only: a year under 1000

Window = tuple[datetime, datetime]  # naive wall-clock times [start, end)


@dataclass(frozen=True)
class TypedPlan(Plan):
    """A :class:`Plan` read by a typed reader, and what its repeated hours need."""

    window_source: str = ""  # the rows in some zone's repeated autumn hour, from ``{path}``
    window_body: str = ""  # the body over them, ``__line`` the row's number in ``{path}``
    aware: bool = False  # times carry their UTC offset: no repeated hour, no gap
    time_column: str = ""  # the column of the time, as the reader names it
    time_format: str = ""  # and its format
    windows: tuple[Window, ...] = field(default_factory=tuple)  # the repeated hours

    def repeated_hour(self, batches: Batches, table: str, path: Path) -> str:
        """A temporary table, in file order, of the rows in a repeated autumn hour.

        The file at ``path`` (the file, or a slice of it) is read again with only the time
        typed; the rows whose time falls in such an hour (in any zone: a superset) are then
        typed like the first read's.
        """
        source = self.window_source.replace("{path}", lit(str(path)))
        rows = self.window_body.replace("{source}", source)
        return (
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT *, {batches.sql()} AS batch "
            f"FROM ({rows}) v WHERE zone_code % 4 = {REPEATED}"
        )

    @property
    def deferred(self) -> int:
        """The rule number of :data:`DEFERRED`."""
        return 1 + [r.code for r in self.rules].index(DEFERRED)


def typed_plan(
    con: duckdb.DuckDBPyConnection, spec: ReadSpec, found: dict[str, str], mapping: Mapping
) -> TypedPlan | None:
    """The typed plan for this file, or None when its sample needs the general plan."""
    import duckdb

    if spec.format != "csv" or spec.dialect is None or "observed_at" not in found:
        return None
    if any(c in found for c in GENERAL_ONLY):
        return None
    if mapping.csv.decimal == "," and any(c in found for c in INTEGERS):
        return None
    sample = "temp.crawl_sample"  # read once, then looked at by every test
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE crawl_sample AS "
            f"SELECT * FROM {spec.source_sql(spec.head_path)} LIMIT {SAMPLE_ROWS}"
        )
        timestamp = _timestamp_format(con, sample, found["observed_at"], mapping)
        date = _date_format(con, sample, found, mapping)
        if timestamp is None or date is None:
            return None
        types = _types(con, sample, found, mapping)
    except duckdb.Error:
        return None
    finally:
        con.execute("DROP TABLE IF EXISTS temp.crawl_sample")
    if types is None:
        return None
    return _build(spec, found, mapping, *timestamp, date, types)


def _most(con: duckdb.DuckDBPyConnection, sample: str, column: str, condition: str) -> bool:
    """Whether ``condition`` holds for most of the sample's non-blank values of ``column``
    (the others: the reader refuses their lines, the general plan reads them)."""
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE {condition}), count({column}) FROM {sample}"
    ).fetchone()
    return row is not None and (row[1] == 0 or row[0] >= MOST * row[1])


def _timestamp_format(
    con: duckdb.DuckDBPyConnection, sample: str, column: str, mapping: Mapping
) -> tuple[str, bool] | None:
    """(format, aware) that reads most times of the sample: naive ISO, or ISO with a UTC
    offset (``%z``: +01:00 or +0100; the reader then gives the UTC time and refuses a line
    without offset, a « Z » or a fraction of a second, which the general plan reads). A
    year must have four digits (``%Y`` also takes « 25 », which the general plan reads as
    2025)."""
    r = ident(column)
    given = mapping.formats.get("observed_at")
    if given and ("%Z" in given or "%y" in given):
        return None
    offset = f"regexp_matches({r}, '([Zz]|[+-]\\d\\d(:?\\d\\d)?)\\s*$')"
    year = f"regexp_matches({r}, '^\\s*\\d{{4}}-')"
    candidates = [given] if given else [*TIMESTAMP_FORMATS, *(f + "%z" for f in TIMESTAMP_FORMATS)]
    for fmt in candidates:
        aware = "%z" in fmt
        test = f"try_strptime({r}, {lit(fmt)}) IS NOT NULL"
        if _most(con, sample, r, f"{test} AND {'' if aware else 'NOT '}{offset} AND {year}"):
            return fmt, aware
    return None


def _date_format(
    con: duckdb.DuckDBPyConnection, sample: str, found: dict[str, str], mapping: Mapping
) -> str | None:
    columns = [c for c in DATES if c in found]
    given = {mapping.formats[c] for c in columns if c in mapping.formats}
    if len(given) > 1:
        return None
    fmt = given.pop() if given else DATE_FORMAT
    if "%y" in fmt:
        return None
    for c in columns:
        r = ident(found[c])
        if not _most(con, sample, r, f"try_strptime({r}, {lit(fmt)}) IS NOT NULL"):
            return None
    return fmt


def _types(
    con: duckdb.DuckDBPyConnection, sample: str, found: dict[str, str], mapping: Mapping
) -> dict[str, str] | None:
    """The reader type of each mapped column (VARCHAR for the others), or None."""
    types: dict[str, str] = {found["observed_at"]: "TIMESTAMP"}
    zones, _, _ = prefecture_keys()
    enums = {"prefecture": list(zones)}
    for column in VOCABULARIES:
        exact, _ = vocabulary(column)
        enums[column] = [k for k, v in exact.items() if k == v]
    for column, values in enums.items():
        if column not in found:
            continue
        if mapping.values.get(column):
            return None
        r = ident(found[column])
        enum = enum_sql(values)
        if not _most(con, sample, r, f"TRY_CAST({r} AS {enum}) IS NOT NULL"):
            return None
        types[found[column]] = enum
    for column in INTEGERS:
        if column in found:
            r = ident(found[column])
            if not _most(con, sample, r, f"TRY_CAST({r} AS INTEGER) IS NOT NULL "
                         f"AND NOT contains({r}, '.')"):  # fmt: skip
                return None
            types[found[column]] = "INTEGER"
    for column in DATES:
        if column in found:
            types[found[column]] = "DATE"
    if "site" in found and mapping.values.get("site"):
        return None
    return types


def _build(
    spec: ReadSpec, found: dict[str, str], mapping: Mapping, timestamp: str, aware: bool,
    date: str, types: dict[str, str],
) -> TypedPlan:  # fmt: skip
    assert spec.dialect is not None
    dialect = spec.dialect

    def reader(
        typed: dict[str, str], path: str = lit(str(spec.read_path)), rejects: bool = True
    ) -> str:
        columns = ", ".join(f"{lit(n)}: {lit(typed.get(n, 'VARCHAR'))}" for n in spec.columns)
        return (
            f"read_csv({path}, auto_detect = false, "
            f"header = {str(spec.header).lower()}, delim = {lit(dialect.delimiter)}, "
            f"quote = {lit(dialect.quote)}, escape = {lit(dialect.escape)}, "
            f"columns = {{{columns}}}, timestampformat = {lit(timestamp)}, "
            f"dateformat = {lit(date)}, max_line_size = {2 << 20}, "
            "ignore_errors = true, "
            + ("store_rejects = true, rejects_table = 'crawl_rejects', "
               "rejects_scan = 'crawl_reject_scans')" if rejects else "store_rejects = false)")
        )  # fmt: skip

    source = reader(types)
    when = found["observed_at"]
    later = ", ".join(
        ident(n) if types.get(n, "VARCHAR") in ("VARCHAR", "TIMESTAMP")
        else f"CAST(strptime({ident(n)}, {lit(date)}) AS DATE) AS {ident(n)}"
        if types[n] == "DATE" else f"CAST({ident(n)} AS {types[n]}) AS {ident(n)}"
        for n in spec.columns
    )  # fmt: skip
    defaults = mapping.defaults
    zones, _, _ = prefecture_keys()

    def given(column: str, cast: str = "VARCHAR", clean: str = "CAST({} AS VARCHAR)") -> str:
        """The column as read (``clean`` applied), else the default when blank or absent."""
        default = f"CAST({lit(defaults[column])} AS {cast})" if column in defaults else "NULL"
        if column not in found:
            return default
        value = clean.format(ident(found[column]))
        return f"coalesce({value}, {default})" if column in defaults else value

    codes = enum_sql(list(zones))
    number, zone_name, zone_list = zone_sql("prefecture_code", zones, mapping.zone, typed=True)
    # read_at: the time as written (naive), or the UTC time the reader made of an offset
    zone_code = "0" if aware else zone_code_case("read_at", zone_list)
    first = [
        f"{given('prefecture', codes, '{}')} AS prefecture_code",
        f"{given('site', clean=TRIMMED)} AS site",
        f"{given('procedure')} AS procedure",
        f"{given('outcome')} AS outcome_given",
        f"{given('system')} AS system",
        f"{given('url')} AS url",  # the reader reads "" and an empty field as NULL
        f"{ident(found['observed_at'])} AS read_at",
        *(f"{ident(found[c])} AS {c}" if c in found else f"CAST(NULL AS INTEGER) AS {c}"
          for c in INTEGERS),
        *(f"{ident(found[c])} AS {c}" if c in found else f"CAST(NULL AS DATE) AS {c}"
          for c in DATES),
    ]  # fmt: skip

    def step1(line_sql: str) -> str:
        return f"SELECT {line_sql} AS __line, {', '.join(first)} FROM {{source}}"

    if aware:  # the zone's date by ICU, only for the rows that need it (a CASE is lazy)
        local_date = f"CAST(timezone({zone_name}, observed_at) AS DATE)"
        utc_us = "epoch_us(read_at)"
    else:
        local_date = "CAST(read_at AS DATE)"
        utc_us = (
            f"CASE WHEN read_at < {OLD_SQL} THEN epoch_us(timezone({zone_name}, read_at)) "
            f"ELSE epoch_us(read_at) - CAST({OFFSET_SQL} AS BIGINT) * 1000000 END"
        )
    terms = Terms(
        local_date=local_date, naive="read_at", zone=lit(mapping.zone) if mapping.zone else
        zone_name, time_column="observed_at", formats=mapping.formats, split=False,
    )  # fmt: skip
    deferred = Rule(DEFERRED, "observed_at", f"utc_us < {epoch_us(datetime(1000, 1, 1, tzinfo=UTC))}",
                    "'a year under 1000: read by the general plan'")  # fmt: skip
    rules = [deferred, *for_plan(catalogue(terms, ()), terms, typed=True)]
    only_dates = "first_slot" in found and "slots" not in found
    derived = derived_outcome_sql(only_dates)

    def body(line_sql: str) -> str:
        step2 = (
            f"SELECT s.* EXCLUDE (prefecture_code), CAST(prefecture_code AS VARCHAR) AS "
            f"prefecture, {number} AS zone_no, {zone_code} AS zone_code FROM ({step1(line_sql)}) s"
        )
        # Instants from microseconds (make_timestamptz), not by casting, which goes through ICU.
        step3 = (
            "SELECT v.*, make_timestamptz(utc_us) AS observed_at, "
            f"CAST(make_timestamp(utc_us) AS DATE) AS utc_date FROM (SELECT t.*, {utc_us} AS "
            f"utc_us FROM ({step2}) t) v"
        )
        return (
            f"SELECT u.*, coalesce(outcome_given, {derived}) AS outcome, "
            f"{problem_sql(rules)} AS problem FROM ({step3}) u"
        )

    windows = () if aware else tuple(sorted({w for z in zone_list for w in repeated_hours(z)}))
    window = _window(ident(when), list(windows))
    # numbered before the filter: ``__n`` is the row's place in the file (or slice) read
    lean = (
        f"(SELECT * FROM (SELECT row_number() OVER () AS __n, {later} FROM "
        f"{reader({when: 'TIMESTAMP'}, '{path}')}) WHERE {window})"
    )
    plan = TypedPlan(
        "typed", body("CAST(NULL AS BIGINT)"), body("row_number() OVER ()"), source,
        tuple(rules), keep=f"zone_code % 4 <> {REPEATED}", quiet=reader(types, rejects=False),
        window_source=lean,
        window_body=body("__n"), aware=aware,
        time_column=when, time_format=timestamp, windows=windows,
    )  # fmt: skip
    return replace(plan)


def _window(column: str, windows: list[Window]) -> str:
    """Whether the naive ``column`` lies in one of ``windows``."""
    ranges = [f"({column} >= {sql_timestamp(lo)} AND {column} < {sql_timestamp(hi)})"
              for lo, hi in windows]  # fmt: skip
    return " OR ".join(ranges) or "false"
