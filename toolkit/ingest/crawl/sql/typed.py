"""The typed plan for CSV crawls: DuckDB's reader types what the sample shows it can, SQL
the rest, in one parallel read.

A robot writes one format all along: ISO times, préfecture codes, slugs, whole numbers. When
a sample of the file's first rows shows that for most of its values, the file is read with
explicit column types, chosen column by column from the sample:

- slot counts and HTTP statuses as INTEGER, slot dates as DATE: the CSV reader parses each
  value once, in C++, in parallel;
- the time, the préfecture, the procedure, the outcome and the system: typed by the reader
  (TIMESTAMP with the one format seen, ENUMs of the canonical codes and slugs) when *every*
  value of the sample is of that form; otherwise read as text, and mapped by the general
  plan's own expressions (``sql.general``: ``raw_sql``, ``prefecture_sql``, ``vocab_sql``;
  the time by one fast reading of the sample's form, then the general readings of a time
  from ``sql.times``, in a ``CASE`` that DuckDB evaluates for the other rows alone).

A typed column is the fastest read, but a line with another value is refused by the reader,
and a refused line costs about ten times a row that breaks a rule (DuckDB stores it, and the
general plan reads it again): a file whose sample already shows unknown préfectures or
impossible dates reads those columns as text, so that those rows become rule problems in the
same read (docs/crawl-design.md). What is left for SQL is cheap: the zone arithmetic
(``sql.zones``), the derived outcome and the rules (``sql.rules``, the general plan's
catalogue, less the rules on the raw text of a column the reader typed).

The plan records, by construction, the general plan's readings: a value a typed column
cannot hold (a French date, an alias, « 3.0 », a « Z », a repeated header) makes the reader
refuse its line, and those lines — only those — go through the general plan
(``toolkit.ingest.crawl.insert``). A time the reader typed with a year under 1000 (``%Y``
takes « 25 ») is *deferred*: the general plan, which reads a two-digit year in this century,
reads the file. Times with a UTC offset (``2025-03-12T09:00:00+01:00``, the form the docs
advise) are read with ``%z`` into the instant; they need no zone arithmetic and have no
repeated hour. Rows in the repeated autumn hour, whose twins must be told apart in file
order, are taken again by :meth:`TypedPlan.repeated_hour`, an order-keeping read of a slice
of the file when it can (``toolkit.ingest.crawl.window``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.ingest.crawl.mapping import Mapping
from toolkit.ingest.crawl.sql.general import prefecture_sql, raw_sql, vocab_sql
from toolkit.ingest.crawl.sql.plan import Plan, derived_outcome_sql
from toolkit.ingest.crawl.sql.rules import (
    Rule,
    Terms,
    catalogue,
    for_plan,
    out_of_range_sql,
    problem_sql,
)
from toolkit.ingest.crawl.sql.times import WHITESPACE, datetime_sql, offset_sql
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
MOST = 0.5  # the share of a column's sample values the fast readings must read
TIMESTAMP_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M")
DATE_FORMAT = "%Y-%m-%d"
INTEGERS = ("slots", "http_status")
DATES = ("first_slot", "second_slot")
# read as text and mapped as the general plan maps them, unless the sample lets the reader
# type them (the rules read the text as ``r_<column>``)
TEXT = ("observed_at", "prefecture", "site", "procedure", "url", "outcome", "system")
VOCABULARIES = ("procedure", "outcome", "system")
GENERAL_ONLY = ("date", "time")  # split date and time: the general plan
# A rule of this plan only, when the reader typed the time: a time before 2000 or in the
# future. ``%Y`` reads « 25 » as the year 25, which the general plan reads as 2025; and the
# general plan's message quotes the text as written, which a typed time no longer has. Rare
# in a file whose sample was clean: the general plan then reads the whole file.
DEFERRED = "time.deferred"

Window = tuple[datetime, datetime]  # naive wall-clock times [start, end)


@dataclass(frozen=True)
class TypedPlan(Plan):
    """A :class:`Plan` read by a typed reader, and what its repeated hours need."""

    window_source: str = ""  # the rows that may lie in a repeated autumn hour, from ``{path}``
    window_body: str = ""  # the body over them, ``__line`` the row's number in ``{path}``
    aware: bool = False  # times carry their UTC offset: no repeated hour, no gap
    time_column: str = ""  # the column of the time, as the reader names it
    time_format: str = ""  # and its format
    windows: tuple[Window, ...] = field(default_factory=tuple)  # the repeated hours (naive)

    def repeated_hour(self, batches: Batches, table: str, path: Path) -> str:
        """A temporary table, in file order, of the rows in a repeated autumn hour.

        The file at ``path`` (the file, or a slice of it) is read again, numbered, every
        column as text but a typed time, and the lines the first reader refused left out;
        the rows whose time falls in such an hour (in any zone: a superset), or that only
        the general readings of a time may read, are then typed like the first read's.
        """
        source = self.window_source.replace("{path}", lit(str(path)))
        rows = self.window_body.replace("{source}", source)
        return (
            f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT *, {batches.sql()} AS batch "
            f"FROM ({rows}) v WHERE zone_code % 4 = {REPEATED}"
        )

    @property
    def deferred(self) -> int:
        """The rule number of :data:`DEFERRED` (0: the plan has no such rule)."""
        codes = [r.code for r in self.rules]
        return 1 + codes.index(DEFERRED) if DEFERRED in codes else 0


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
    fmt, aware, everywhere = timestamp
    if everywhere:  # every time of the sample read by the format: the reader types it
        types[found["observed_at"]] = "TIMESTAMP"
    return _build(spec, found, mapping, fmt, aware, date, types)


def _most(con: duckdb.DuckDBPyConnection, sample: str, column: str, condition: str) -> bool:
    """Whether ``condition`` holds for most of the sample's non-blank values of ``column``
    (the others: the reader refuses their lines, the general plan reads them)."""
    return _share(con, sample, column, condition) >= MOST


def _share(con: duckdb.DuckDBPyConnection, sample: str, column: str, condition: str) -> float:
    """The share of the sample's non-blank values of ``column`` for which ``condition``
    holds (1 when there are none)."""
    row = con.execute(
        f"SELECT count(*) FILTER (WHERE {condition}), count({column}) FROM {sample}"
    ).fetchone()
    return 1.0 if row is None or row[1] == 0 else row[0] / row[1]


def _timestamp_format(
    con: duckdb.DuckDBPyConnection, sample: str, column: str, mapping: Mapping
) -> tuple[str, bool, bool] | None:
    """(format, aware, everywhere) for the format that reads most times of the sample: naive
    ISO, or ISO with a UTC offset (``%z``: +01:00 or +0100; it gives the instant), a year in
    four digits. ``everywhere``: it reads every time of the sample, and the reader then types
    the column; otherwise the time is read as text, by this format first and by the general
    readings of a time for the rest (no offset, a « Z », a fraction of a second, a French
    date, a two-digit year)."""
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
        share = _share(con, sample, r, f"{test} AND {'' if aware else 'NOT '}{offset} AND {year}")
        if share >= MOST:
            return fmt, aware, share == 1.0
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
    """The reader type of each column (VARCHAR for the others), or None when the sample's
    numbers are not whole numbers.

    A vocabulary column (préfecture, procedure, outcome, system) is an ENUM of its
    canonical values when every value of the sample is one and the mapping gives no
    ``[values]`` for it: the reader then maps it in C++, and a line with another value later
    in the file is refused by the reader and read by the general plan. Otherwise it is read
    as text and mapped by the general plan's expression in the same read, the choice for a
    file that shows odd values from its start (a line the reader refuses costs about ten
    times a rule problem).
    """
    types: dict[str, str] = {}
    for column, values in _vocabularies().items():
        if column not in found or mapping.values.get(column):
            continue
        r = ident(found[column])
        enum = enum_sql(values)
        row = con.execute(
            f"SELECT count(*) FILTER (WHERE TRY_CAST({r} AS {enum}) IS NULL), "
            f"count({r}) FROM {sample}"
        ).fetchone()
        if row is not None and row[0] == 0 and row[1] > 0:
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
    return types


def _vocabularies() -> dict[str, list[str]]:
    """The canonical values of each vocabulary column (the ENUMs' members)."""
    zones, _, _ = prefecture_keys()
    out = {"prefecture": sorted(zones)}
    for column in ("procedure", "outcome", "system"):
        exact, _ = vocabulary(column)
        out[column] = sorted(k for k, v in exact.items() if k == v)
    return out


def fast_time_sql(raw: str, fmt: str, given: bool) -> str:
    """SQL: the time of the text ``raw`` by the one format the sample showed, else NULL
    (then the general readings of a time read it).

    A naive ISO time of exactly the sample's shape (« 2025-03-12 09:00:00 », 19 characters
    with a colon in 17th place, or « 2025-03-12 09:00 », 16 with one in 14th) is read by the
    ISO cast, the general plan's own reading of such a text, about twice as fast as
    ``strptime``: that shape has room for no UTC offset and no two-digit year. A time with an
    offset is read with the sample's ``%z`` format, its year four digits (``%Y`` also takes
    « 25 », which the general readings take as 2025). A format the mapping gives is used as
    given, as the general plan uses it."""
    if given:
        return f"try_strptime({raw}, {lit(fmt)})"
    if "%z" in fmt:
        return f"CASE WHEN {raw}[5] = '-' THEN try_strptime({raw}, {lit(fmt)}) END"
    size, colon = (19, 17) if "%S" in fmt else (16, 14)
    return (
        f"CASE WHEN length({raw}) = {size} AND {raw}[5] = '-' AND {raw}[{colon}] = ':' "
        f"THEN TRY_CAST({raw} AS TIMESTAMP) END"
    )


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
            f"dateformat = {lit(date)}, max_line_size = {2 << 20}, ignore_errors = true, "
            + ("store_rejects = true, rejects_table = 'crawl_rejects', "
               "rejects_scan = 'crawl_reject_scans')" if rejects else "store_rejects = false)")
        )  # fmt: skip

    source = reader(types)
    first = spec.columns[0] if spec.columns else None
    given = "observed_at" in mapping.formats
    when = found["observed_at"]
    # columns the reader types: their lines with another value are refused by the reader
    typed = {c for c in ("observed_at", "prefecture", *VOCABULARIES)
             if types.get(found.get(c, ""), "VARCHAR") != "VARCHAR"}  # fmt: skip
    time_typed = "observed_at" in typed
    zones, _, _ = prefecture_keys()
    defaults, values = mapping.defaults, mapping.values
    if "prefecture" in typed and "prefecture" not in defaults:  # the reader's ENUM: its index
        number, zone_name, zone_list = zone_sql("__prefecture", zones, mapping.zone, typed=True)
    else:
        number, zone_name, zone_list = zone_sql("prefecture", zones, mapping.zone)

    def mapped(c: str, mapped_sql: str) -> str:
        """The value: an ENUM's is canonical (the default when blank), else ``mapped_sql``."""
        if c not in typed:
            return mapped_sql
        value = f"CAST(__{c} AS VARCHAR)"
        return f"coalesce({value}, {lit(defaults[c])})" if c in defaults else value

    # ``r_<c>``, the text the rules read: NULL for a column the reader typed (blank, since it
    # refuses every other value: a rule on the text never applies, and it is not built for
    # every row); the fast reading of a time works on the text as read (one it reads needs
    # no trimming: a space or a byte-order mark before it fails the four-digit year)
    step1 = [
        f"{ident(when)} AS fast_at" if time_typed
        else f"{fast_time_sql(ident(when), timestamp, given)} AS fast_at",
        *([] if time_typed else [f"CAST({ident(when)} AS VARCHAR) AS __time"]),
        *(f"CAST(NULL AS VARCHAR) AS r_{c}" if c in typed
          else f"{raw_sql(c, found, mapping, first)} AS r_{c}"
          for c in TEXT if c != "observed_at"),
        *(f"{ident(found[c])} AS __{c}" for c in sorted(typed - {"observed_at"})),
        *(f"{ident(found[c])} AS {c}" if c in found else f"CAST(NULL AS INTEGER) AS {c}"
          for c in INTEGERS),
        *(f"{ident(found[c])} AS {c}" if c in found else f"CAST(NULL AS DATE) AS {c}"
          for c in DATES),
    ]  # fmt: skip
    url_default = lit(defaults["url"]) if "url" in defaults else "NULL"
    step2 = [
        "CAST(NULL AS VARCHAR) AS r_observed_at" if time_typed
        else f"CASE WHEN fast_at IS NULL THEN nullif(trim(__time, {WHITESPACE}), '') "
        "ELSE __time END AS r_observed_at",
        f"{mapped('prefecture', prefecture_sql('r_prefecture', mapping))} AS prefecture",
        *(f"{mapped(c, vocab_sql(c, values.get(c, {}), defaults.get(c)))} AS {name}"
          for c, name in (("site", "site"), ("procedure", "procedure"),
                          ("outcome", "outcome_given"), ("system", "system"))),
        f"coalesce(r_url, {url_default}) AS url",
    ]  # fmt: skip
    # the general readings of a time, for the rows the fast one does not read (a CASE is lazy)
    naive_g, aware_g, epoch_g = datetime_sql("r_observed_at", mapping.formats.get("observed_at"))
    if time_typed:  # the reader refuses a line it cannot read: no other reading
        instant = "make_timestamptz(epoch_us(fast_at))"  # (%z: the reader gives UTC time)
        times = (
            f"CAST(NULL AS TIMESTAMP) AS naive_at, {instant} AS aware_at" if aware
            else "fast_at AS naive_at, CAST(NULL AS TIMESTAMPTZ) AS aware_at"
        )  # fmt: skip
        has_offset, epoch = "CAST(NULL AS BOOLEAN)", "CAST(NULL AS TIMESTAMPTZ)"
    else:
        fallback = aware_g if aware else naive_g
        other = naive_g if aware else aware_g
        first_time, second_time = ("naive_at", "aware_at") if aware else ("aware_at", "naive_at")
        times = (
            f"CASE WHEN fast_at IS NULL THEN {other} END AS {first_time}, "
            f"CASE WHEN fast_at IS NULL THEN {fallback} ELSE fast_at END AS {second_time}"
        )
        has_offset = (
            f"CASE WHEN fast_at IS NULL AND r_observed_at IS NOT NULL "
            f"THEN {offset_sql('r_observed_at')} END"
        )
        epoch = f"CASE WHEN naive_at IS NULL AND aware_at IS NULL THEN {epoch_g} END"
    # 0 (no flag) for an instant, and for an unknown préfecture (a rule refuses the row)
    zone_code = (
        "CASE WHEN naive_at IS NULL OR zone_no IS NULL THEN 0 "
        f"ELSE {zone_code_case('naive_at', zone_list)} END"
    )
    utc_us = (
        "CASE WHEN naive_at IS NULL THEN epoch_us(coalesce(aware_at, epoch_at)) "
        f"WHEN naive_at < {OLD_SQL} THEN epoch_us(timezone({zone_name}, naive_at)) "
        f"ELSE epoch_us(naive_at) - CAST({OFFSET_SQL} AS BIGINT) * 1000000 END"
    )
    # a header repeated mid-file: the reader refuses it when it types any column
    text = frozenset(c for c in TEXT if c not in typed)
    all_text = all(t == "VARCHAR" for t in types.values())
    header = tuple(found.get(c, "") for c in TEXT) if spec.header and all_text else ()
    terms = Terms(
        local_date=f"CAST(coalesce(naive_at, timezone({zone_name}, observed_at)) AS DATE)",
        naive="naive_at", zone=lit(mapping.zone) if mapping.zone else zone_name,
        time_column="observed_at", formats=mapping.formats, split=False, header=header,
    )  # fmt: skip
    # a rule on the text of a column the reader typed never applies: not checked on every row
    never = {f"{c}.unknown" for c in typed if c not in defaults} | (
        {"time.unparseable", "time.out_of_range"} if time_typed else set()
    )
    rules = [
        r for r in for_plan(catalogue(terms, TEXT), terms, typed=True, text=text)
        if r.code not in never
    ]  # fmt: skip
    if time_typed:  # the general plan reads the file (see DEFERRED)
        rules.insert(0, Rule(DEFERRED, "observed_at", out_of_range_sql(),
                             "'a time before 2000 or in the future: read by the general plan'"))  # fmt: skip
    derived = derived_outcome_sql("first_slot" in found and "slots" not in found)

    def body(line_sql: str) -> str:
        s1 = f"SELECT {line_sql} AS __line, {', '.join(step1)} FROM {{source}}"
        s2 = f"SELECT s.*, {', '.join(step2)} FROM ({s1}) s"
        s3 = f"SELECT s.*, {has_offset} AS has_offset, {number} AS zone_no FROM ({s2}) s"
        # the zone's name: where a rule on an unknown préfecture reads it, else only inline
        tz = f"{zone_name} AS tz, " if "prefecture.unknown" not in never else ""
        s4 = f"SELECT s.*, {tz}{times} FROM ({s3}) s"
        s5 = f"SELECT s.*, {epoch} AS epoch_at, {zone_code} AS zone_code FROM ({s4}) s"
        # Instants from microseconds (make_timestamptz), not by casting, which goes through ICU.
        s6 = (
            "SELECT v.*, make_timestamptz(utc_us) AS observed_at, "
            f"CAST(make_timestamp(utc_us) AS DATE) AS utc_date FROM (SELECT t.*, {utc_us} AS "
            f"utc_us FROM ({s5}) t) v"
        )
        return (
            f"SELECT u.*, coalesce(outcome_given, {derived}) AS outcome, "
            f"{problem_sql(rules)} AS problem FROM ({s6}) u"
        )

    windows = () if aware else tuple(sorted({w for z in zone_list for w in repeated_hours(z)}))
    # the repeated hours' read: every column as text but a typed time (its reader refuses
    # the same lines), the others typed as the first read typed them; a line whose value the
    # first reader refused is left out (the general plan reads it), never a failed cast
    lean_types = {when: "TIMESTAMP"} if time_typed else {}
    cast = {
        n: f"CAST(try_strptime({ident(n)}, {lit(date)}) AS DATE)" if types[n] == "DATE"
        else f"TRY_CAST({ident(n)} AS {types[n]})"
        for n in spec.columns if types.get(n, "VARCHAR") not in ("VARCHAR", "TIMESTAMP")
    }  # fmt: skip
    later = ", ".join(f"{cast[n]} AS {ident(n)}" if n in cast else ident(n) for n in spec.columns)
    read = " AND ".join(f"({ident(n)} IS NULL OR {c} IS NOT NULL)" for n, c in cast.items())
    lean_fast = ident(when) if time_typed else fast_time_sql(ident(when), timestamp, given)
    # numbered before the filter: ``__n`` is the row's place in the file (or slice) read; a
    # row the fast reading does not read may still lie in a repeated hour: the body decides
    maybe = "__fast IS NULL" + (f" OR {_window('__fast', list(windows))}" if windows else "")
    lean = (
        f"(SELECT * FROM (SELECT row_number() OVER () AS __n, {later}, {lean_fast} AS __fast, "
        f"{read or 'true'} AS __read FROM {reader(lean_types, '{path}')}) "
        f"WHERE __read AND ({maybe}))"
    )
    return TypedPlan(
        "typed", body("CAST(NULL AS BIGINT)"), body("row_number() OVER ()"), source,
        tuple(rules), keep=f"zone_code % 4 <> {REPEATED}", quiet=reader(types, rejects=False),
        window_source=lean, window_body=body("__n"), aware=aware,
        time_column=when, time_format=timestamp, windows=windows,
    )  # fmt: skip


def _window(column: str, windows: list[Window]) -> str:
    """Whether the naive ``column`` lies in one of ``windows``."""
    ranges = [f"({column} >= {sql_timestamp(lo)} AND {column} < {sql_timestamp(hi)})"
              for lo, hi in windows]  # fmt: skip
    return " OR ".join(ranges) or "false"
