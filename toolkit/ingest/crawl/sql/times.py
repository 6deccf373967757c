"""Reading times and dates written by hand or by any robot, in DuckDB SQL over text.

A time with an offset (``Z``, ``+01``, ``+01:00``, ``+0100``, ``-03:00:00``) keeps its instant.
A naive time is read with the mapping's format, else ISO 8601, else the usual French forms
(``dd/mm/yy[yy] HH:MM[:SS]``, ``yy-mm-dd HH:MM``, ``dd.mm.yyyy``…: a two-digit year is tried
before a four-digit one, because ``%Y`` also accepts ``25``), else an Excel serial
(``45731.42``, rounded to the second) or Unix seconds/milliseconds. The values reach these
expressions already stripped of ``WHITESPACE`` (``sql.general``): stripping them here, in each
of the many tries, makes DuckDB's planner crawl.
"""

from __future__ import annotations

from toolkit.sqltext import lit

# A SQL literal holding a space, a tab, a line feed, a return and a byte-order mark (a BOM
# in the middle of a file joined from several exports).
WHITESPACE = "' \t\n\r\ufeff'"
# Tried in order after ISO 8601; two-digit years first (see the module doc).
DATETIME_FORMATS = (
    "%d/%m/%y %H:%M:%S", "%d/%m/%y %H:%M", "%d/%m/%y %Hh%M", "%d/%m/%y",
    "%y-%m-%d %H:%M:%S", "%y-%m-%d %H:%M", "%y-%m-%d",
    "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y",
    "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
)  # fmt: skip
DATE_FORMATS = ("%d/%m/%y", "%d/%m/%Y", "%d.%m.%Y", "%y-%m-%d", "%d-%m-%Y", "%Y-%m-%d",
                "%Y/%m/%d", "%d/%m/%y %H:%M", "%d/%m/%Y %H:%M")  # fmt: skip
TIME_FORMATS = ("%Hh%M", "%Hh", "%H.%M", "%H:%M:%S.%f")


def _guard(s: str, fmt: str) -> str:
    """A cheap test a text must pass to be worth trying ``fmt`` on: its separator where the
    format puts it. A failed ``try_strptime`` costs about 2 µs, and a text no format reads
    would otherwise fail them all (40 µs a row in a file of bad dates)."""
    sep = fmt[2]
    if fmt.startswith("%Y"):
        return f"{s}[5] = {lit(fmt[2])}"
    return f"({s}[2] = {lit(sep)} OR {s}[3] = {lit(sep)})"


def tries_sql(s: str, formats: tuple[str, ...], cast: str = "") -> str:
    """``try_strptime`` with each of ``formats`` in order, each group sharing a guard tried
    only when the text passes it (:func:`_guard`); ``cast``: e.g. "DATE"."""
    groups: dict[str, list[str]] = {}
    for f in formats:
        groups.setdefault(_guard(s, f), []).append(f)
    parts = []
    for guard, group in groups.items():
        attempts = [f"try_strptime({s}, {lit(f)})" for f in group]
        if cast:
            attempts = [f"CAST({a} AS {cast})" for a in attempts]
        parts.append(f"CASE WHEN {guard} THEN coalesce({', '.join(attempts)}) END")
    return ", ".join(parts)


def serial_sql(r: str, cast: str) -> str:
    days = f"CAST(replace(trim({r}), ',', '.') AS DOUBLE)"
    if cast == "DATE":
        value = f"CAST(DATE '1899-12-30' + CAST(floor({days}) AS INTEGER) AS DATE)"
    else:
        value = f"TIMESTAMP '1899-12-30' + to_seconds(CAST(round({days} * 86400) AS BIGINT))"
    return f"CASE WHEN regexp_full_match(trim({r}), '\\d{{5}}([.,]\\d+)?') THEN {value} END"


def offset_sql(r: str) -> str:
    """Whether a date-time ends with a UTC offset (Z, ±hh, ±hhmm, ±hh:mm, ±hh:mm:ss): a cheap
    look at its last characters, and a regular expression only for the few that might (a
    CASE: DuckDB evaluates both sides of an AND in a projection). It must not miss one: a
    TIMESTAMP cast drops the offset without a word."""
    signs = " OR ".join(f"{r}[-{i}] IN ('+', '-')" for i in (3, 5, 6, 7, 9))
    return (
        f"CASE WHEN length({r}) > 10 AND ({r}[-1] IN ('Z', 'z', ' ') OR {signs}) "
        f"THEN regexp_matches({r}, '\\d([Zz]|[+-]\\d\\d(:?\\d\\d){{0,2}})\\s*$') ELSE false END"
    )


def datetime_sql(r: str, fmt: str | None) -> tuple[str, str, str]:
    """(naive TIMESTAMP, aware TIMESTAMPTZ, last-resort TIMESTAMPTZ) for a date-time column;
    ``has_offset`` must be computed before (:func:`offset_sql`)."""
    serial = serial_sql(r, "TIMESTAMP")
    none = "CAST(NULL AS TIMESTAMPTZ)"
    if fmt:
        if "%z" in fmt or "%Z" in fmt:
            return "CAST(NULL AS TIMESTAMP)", f"try_strptime(trim({r}), {lit(fmt)})", none
        naive = f"coalesce(try_strptime({r}, {lit(fmt)}), try_strptime(trim({r}), {lit(fmt)}), {serial})"
        return naive, none, none
    s = f"trim({r})"
    epoch = (
        f"CASE WHEN regexp_full_match({s}, '\\d{{10}}') THEN to_timestamp(CAST({s} AS BIGINT)) "
        f"WHEN regexp_full_match({s}, '\\d{{13}}') THEN epoch_ms(CAST({s} AS BIGINT)) END"
    )
    # ISO casts only for a four-digit year: DuckDB reads "25-03-12" as the year 25
    aware = f"CASE WHEN has_offset AND {s}[5] = '-' THEN TRY_CAST({s} AS TIMESTAMPTZ) END"
    tries = tries_sql(s, DATETIME_FORMATS)
    iso = f"CASE WHEN {r}[5] = '-' THEN TRY_CAST({r} AS TIMESTAMP) END"
    naive = f"CASE WHEN NOT has_offset THEN coalesce({iso}, {tries}, {serial}) END"
    return naive, aware, epoch


def time_sql(r: str, fmt: str | None) -> str:
    s = f"trim({r})"
    fraction = (
        f"CASE WHEN regexp_full_match({s}, '0?[.,]\\d+') THEN TIME '00:00:00' + "
        f"to_seconds(CAST(round(CAST(replace({s}, ',', '.') AS DOUBLE) * 86400) AS BIGINT)) END"
    )
    if fmt:
        return f"coalesce(CAST(try_strptime({s}, {lit(fmt)}) AS TIME), {fraction})"
    tries = ", ".join(f"CAST(try_strptime({s}, {lit(f)}) AS TIME)" for f in TIME_FORMATS)
    return f"coalesce(TRY_CAST({s} AS TIME), {tries}, {fraction})"


def date_sql(r: str, fmt: str | None) -> str:
    s = f"trim({r})"
    if fmt:
        parsed = f"CAST(try_strptime({s}, {lit(fmt)}) AS DATE)"
    else:
        tries = tries_sql(s, DATE_FORMATS, "DATE")
        parsed = f"CASE WHEN {s}[5] = '-' THEN TRY_CAST({s} AS DATE) END, {tries}"
    return f"CASE WHEN {r} IS NULL THEN NULL ELSE coalesce({parsed}, {serial_sql(r, 'DATE')}) END"
