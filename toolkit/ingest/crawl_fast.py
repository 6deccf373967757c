"""The typed fast path for CSV crawls: DuckDB's reader does the typing, SQL only the rest.

A robot writes one format all along: ISO times, préfecture codes, slugs, whole numbers. When
a sample of the file's first rows shows that, the file is read with explicit column types —
TIMESTAMP with the one format seen, DATE, INTEGER, and ENUMs of the canonical codes and
slugs — so the CSV reader parses each value once, in C++, in parallel. What is left for SQL
is cheap: the zone arithmetic (``crawl_zones``), the derived outcome and the checks.

Times with a UTC offset (``2025-03-12T09:00:00+01:00``, the form ``evidence/README.md`` advises) are
read with ``%z`` into the UTC time, which the reader refuses for a line without an offset —
a TIMESTAMPTZ column would silently read such a line as UTC. They need no zone arithmetic
and have no repeated hour; the zone serves only the checks on slot dates (ICU, and only for
the rows whose slot date is near the probe's).

It gives the same rows as the general path (``crawl_sql``), by construction a subset of its
readings: a value the typed reader cannot read (a French date, an alias, « 3.0 », a « Z »)
makes the reader refuse its line, and ``crawl.py`` then runs the general path over the file,
which records what the fast pass could not (and skips what it did: same key). Rows the fast
pass reads but does not record — a failed check, or a naive time in the repeated autumn
hour, whose twins must be told apart in file order — are taken again: the failed checks by
the general path's problem listing, the repeated hour by :meth:`FastQuery.repeated_hour`, an
order-keeping read that keeps only those rows, of a slice of the file when it can
(``crawl_window``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from toolkit.ingest.crawl_mapping import Mapping
from toolkit.ingest.crawl_sql import COLUMNS, EARLIEST, NOT_RECORDED, derived_outcome_sql
from toolkit.ingest.crawl_staging import Staged
from toolkit.ingest.crawl_vocab import enum_sql, prefecture_keys, vocabulary
from toolkit.ingest.crawl_window import Window
from toolkit.ingest.crawl_zones import (
    GAP,
    OFFSET_SQL,
    REPEATED,
    repeated_hours,
    sql_timestamp,
    zone_code_case,
    zone_sql,
)  # fmt: skip
from toolkit.ingest.probe_batches import Batches
from toolkit.sqltext import ident, lit

SAMPLE_ROWS = 5000
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
DATE_FORMAT = "%Y-%m-%d"
TRIMMED = "nullif(trim({}), '')"  # as the general path reads site (part of the id)
INTEGERS = ("slots", "http_status")
DATES = ("first_slot", "second_slot")
VOCABULARIES = ("procedure", "outcome", "system")
GENERAL_ONLY = ("date", "time")  # split date and time: the general path


@dataclass
class FastQuery:
    """The typed read of one CSV file and the SQL over it."""

    body: str  # typed rows with ``ok`` and ``zone_code``, read from ``{source}``
    source: str  # the reader, every column typed
    window_source: str  # the rows in some zone's repeated autumn hour, read from ``{path}``
    aware: bool = False  # times carry their UTC offset: no repeated hour, no gap
    time_column: str = ""  # the column of the time, as the reader names it
    time_format: str = ""  # and its format
    windows: list[Window] = field(default_factory=list)  # the repeated hours, wall clock

    def insert(self, batches: Batches, *, dedupe: bool) -> str:
        """Rows that pass every check, outside the repeated autumn hour."""
        where = f"ok AND zone_code % 4 <> {REPEATED}"
        if dedupe:
            where += f" AND {NOT_RECORDED}"
        cols = ", ".join(COLUMNS)
        rows = self._rows(batches, self.source)
        return f"INSERT INTO probe_rows ({cols}) SELECT {cols} FROM ({rows}) v WHERE {where}"

    def repeated_hour(self, batches: Batches, table: str, path: Path) -> str:
        """A temporary table, in file order, of the rows in a repeated autumn hour.

        The file at ``path`` (the file, or a slice of it: ``crawl_window``) is read again
        with only the time typed; the rows whose time falls in such an hour (in any zone: a
        superset) are then typed like the first read's.
        """
        rows = self._rows(batches, self.window_source.replace("{path}", lit(str(path))))
        return (
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM ({rows}) v "
            f"WHERE zone_code % 4 = {REPEATED}"
        )

    def counts(self) -> str:
        """Rows read, rows that fail a check."""
        body = self.body.replace("{source}", self.source)
        return f"SELECT count(*), count(*) FILTER (WHERE NOT ok) FROM ({body})"

    def _rows(self, batches: Batches, source: str) -> str:
        return f"SELECT *, {batches.sql()} AS batch FROM ({self.body.replace('{source}', source)})"


def plan(con: object, staged: Staged, found: dict[str, str], mapping: Mapping) -> FastQuery | None:
    """The fast query for this file, or None when its sample needs the general path."""
    import duckdb

    if staged.format != "csv" or staged.dialect is None or "observed_at" not in found:
        return None
    if any(c in found for c in GENERAL_ONLY) or _needs_default(found, mapping, "prefecture"):
        return None
    if mapping.csv.decimal == "," and any(c in found for c in INTEGERS):
        return None
    sample = "temp.crawl_sample"  # read once, then looked at by every test
    try:
        con.execute(  # type: ignore[attr-defined]
            f"CREATE OR REPLACE TEMP TABLE crawl_sample AS "
            f"SELECT * FROM {staged.source_sql(staged.head_path)} LIMIT {SAMPLE_ROWS}"
        )
        timestamp = _timestamp_format(con, sample, found["observed_at"], mapping)
        date = _date_format(con, sample, found, mapping)
        if timestamp is None or date is None:
            return None
        types = _types(con, sample, found, mapping)
    except duckdb.Error:
        return None
    finally:
        con.execute("DROP TABLE IF EXISTS temp.crawl_sample")  # type: ignore[attr-defined]
    if types is None:
        return None
    return _build(staged, found, mapping, *timestamp, date, types)


def _epoch_us(at: datetime) -> int:
    return int((at - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 1_000_000


def _needs_default(found: dict[str, str], mapping: Mapping, column: str) -> bool:
    return column not in found and column not in mapping.defaults


def _all(con: object, sample: str, condition: str) -> bool:
    row = con.execute(f"SELECT bool_and({condition}) FROM {sample}").fetchone()  # type: ignore[attr-defined]
    return bool(row and row[0] is not False)


def _timestamp_format(
    con: object, sample: str, column: str, mapping: Mapping
) -> tuple[str, bool] | None:
    """(format, aware) that reads every time of the sample: naive ISO, or ISO with a UTC
    offset (``%z``: +01:00 or +0100; the reader then gives the UTC time and refuses a line
    without offset, a « Z » or a fraction of a second, which the general path reads)."""
    r = ident(column)
    given = mapping.formats.get("observed_at")
    if given and "%Z" in given:
        return None
    offset = f"regexp_matches({r}, '([Zz]|[+-]\\d\\d(:?\\d\\d)?)\\s*$')"
    candidates = [given] if given else [*TIMESTAMP_FORMATS, *(f + "%z" for f in TIMESTAMP_FORMATS)]
    for fmt in candidates:
        aware = "%z" in fmt
        test = f"try_strptime({r}, {lit(fmt)}) IS NOT NULL"
        if _all(con, sample, f"{r} IS NULL OR ({test} AND {'' if aware else 'NOT '}{offset})"):
            return fmt, aware
    return None


def _date_format(con: object, sample: str, found: dict[str, str], mapping: Mapping) -> str | None:
    columns = [c for c in DATES if c in found]
    given = {mapping.formats[c] for c in columns if c in mapping.formats}
    if len(given) > 1:
        return None
    fmt = given.pop() if given else DATE_FORMAT
    for c in columns:
        r = ident(found[c])
        if not _all(con, sample, f"{r} IS NULL OR try_strptime({r}, {lit(fmt)}) IS NOT NULL"):
            return None
    return fmt


def _types(
    con: object, sample: str, found: dict[str, str], mapping: Mapping
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
        if not _all(con, sample, f"{r} IS NULL OR TRY_CAST({r} AS {enum}) IS NOT NULL"):
            return None
        types[found[column]] = enum
    for column in INTEGERS:
        if column in found:
            r = ident(found[column])
            if not _all(con, sample, f"{r} IS NULL OR TRY_CAST({r} AS INTEGER) IS NOT NULL "
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
    staged: Staged, found: dict[str, str], mapping: Mapping, timestamp: str, aware: bool,
    date: str, types: dict[str, str],
) -> FastQuery:  # fmt: skip
    assert staged.dialect is not None
    delimiter, quote, escape = staged.dialect

    def reader(typed: dict[str, str], path: str = lit(str(staged.read_path))) -> str:
        columns = ", ".join(f"{lit(n)}: {lit(typed.get(n, 'VARCHAR'))}" for n in staged.columns)
        return (
            f"read_csv({path}, auto_detect = false, "
            f"header = {str(staged.header).lower()}, delim = {lit(delimiter)}, "
            f"quote = {lit(quote)}, escape = {lit(escape)}, columns = {{{columns}}}, "
            f"timestampformat = {lit(timestamp)}, dateformat = {lit(date)}, "
            "ignore_errors = true, store_rejects = true, "
            "rejects_table = 'crawl_rejects', rejects_scan = 'crawl_reject_scans')"
        )

    source = reader(types)
    when = found["observed_at"]
    later = ", ".join(
        ident(n) if types.get(n, "VARCHAR") in ("VARCHAR", "TIMESTAMP")
        else f"CAST(strptime({ident(n)}, {lit(date)}) AS DATE) AS {ident(n)}"
        if types[n] == "DATE" else f"CAST({ident(n)} AS {types[n]}) AS {ident(n)}"
        for n in staged.columns
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
    step1 = f"SELECT {', '.join(first)} FROM {{source}}"
    step2 = (
        f"SELECT s.* EXCLUDE (prefecture_code), CAST(prefecture_code AS VARCHAR) AS prefecture, "
        f"{number} AS zone_no, {zone_code} AS zone_code "
        f"FROM ({step1}) s"
    )
    only_dates = "first_slot" in found and "slots" not in found
    derived = derived_outcome_sql(only_dates)
    if aware:  # the zone's date by ICU, only for the rows that need it (a CASE is lazy)
        local_date = f"CAST(timezone({zone_name}, observed_at) AS DATE)"
        before = [f"CASE WHEN {c} <= utc_date THEN {c} < {local_date} END" for c in DATES]
        after = [f"CASE WHEN {c} > utc_date + 1000 THEN {c} > {local_date} + INTERVAL 3 YEAR END"
                 for c in DATES]  # fmt: skip
        utc_us = "epoch_us(read_at)"
    else:
        local_date = "CAST(read_at AS DATE)"
        before = [f"{c} <= utc_date AND {c} < {local_date}" for c in DATES]
        after = [f"{c} > utc_date + 1000 AND {c} > {local_date} + INTERVAL 3 YEAR" for c in DATES]
        utc_us = f"epoch_us(read_at) - CAST({OFFSET_SQL} AS BIGINT) * 1000000"
    earliest = _epoch_us(datetime.fromisoformat(EARLIEST).replace(tzinfo=UTC))
    latest = _epoch_us(datetime.now(UTC) + timedelta(days=2))  # as the general path's now()
    failures = [
        "read_at IS NULL",
        "prefecture IS NULL",
        f"zone_code % 4 = {GAP}",
        f"utc_us < {earliest} OR utc_us > {latest}",
        "slots < 0",
        "http_status NOT BETWEEN 100 AND 599",
        *before,
        *after,
        "second_slot < first_slot",
        "outcome_given = 'no_slot' AND (slots > 0 OR first_slot IS NOT NULL)",
        "outcome_given = 'slots_available' AND slots = 0 AND first_slot IS NULL",
    ]  # fmt: skip
    ok = "CASE " + " ".join(f"WHEN {f} THEN false" for f in failures) + " ELSE true END"
    # Instants from microseconds (make_timestamptz), not by casting, which goes through ICU.
    step3 = (
        "SELECT u.* EXCLUDE (outcome_given, utc_us, utc_date), "
        f"coalesce(outcome_given, {derived}) AS outcome, {ok} AS ok FROM ("
        "SELECT v.*, make_timestamptz(utc_us) AS observed_at, "
        "CAST(make_timestamp(utc_us) AS DATE) AS utc_date FROM ("
        f"SELECT t.*, {utc_us} AS utc_us "
        f"FROM ({step2}) t) v) u"
    )
    windows = [] if aware else sorted({w for zone in zone_list for w in repeated_hours(zone)})
    window = _window(ident(when), windows)
    lean = f"(SELECT {later} FROM {reader({when: 'TIMESTAMP'}, '{path}')} WHERE {window})"
    return FastQuery(
        body=step3, source=source, window_source=lean, aware=aware, time_column=when,
        time_format=timestamp, windows=windows,
    )  # fmt: skip


def _window(column: str, windows: list[Window]) -> str:
    """Whether the naive ``column`` lies in one of ``windows``."""
    ranges = [f"({column} >= {sql_timestamp(lo)} AND {column} < {sql_timestamp(hi)})"
              for lo, hi in windows]  # fmt: skip
    return " OR ".join(ranges) or "false"
