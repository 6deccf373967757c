"""The general plan: map, type and check a crawl file in bulk SQL over its text columns.

One SELECT over the reader's VARCHAR columns, in steps (never a Python loop per row):

1. ``src``: the mapped columns, empty text as NULL (``site`` trimmed: it is part of the id;
   times and dates stripped of spaces, tabs, line breaks and a byte-order mark, once, here).
2. ``k``: vocabularies, by constant MAP look-ups — never a join, an ``IN`` list or
   ``list_contains`` of constants, which DuckDB plans as joins and which then stop it from
   inserting in parallel: a préfecture code as written (``76``, ``2A``, ``75-PP``, ``1``), else
   its folded form (« Seine-Maritime », « rouen », « 2a »); procedure, outcome and system by
   slug, else folded (``toolkit.ingest.crawl.vocab``; an outcome also by a phrase inside a
   longer text). The mapping's ``[values.*]`` come first; blank cells take the ``[defaults]``
   / command-line constants. Mapping values reach the SQL only as quoted literals.
3. ``t``: times and numbers (``sql.times``): a time with an offset keeps its instant; a naive
   time is read with the mapping's format, else ISO 8601, else the usual French forms (a
   two-digit year in this century), an Excel serial or Unix seconds.
4. ``z``: a naive time becomes an instant in the préfecture's zone (or the mapping's ``zone``)
   by arithmetic on the zone's transitions (``sql.zones``), not by ``timezone()`` per row.
   A time in the repeated autumn hour is read as its *first* occurrence (02:30 on 26 October
   2025 in Paris is 00:30 UTC, summer time), as ``toolkit.ingest.timestamps.localize`` does
   for screenshots. A robot's second pass through the repeated hour thus lands on the
   instants of its first, and those rows count as repeats (give times with their offset to
   keep both). A time in the spring gap, which no correct clock shows, is refused rather
   than moved: moved, it would take the place of the real observation an hour later.
5. ``problem``: the first rule of ``sql.rules`` the row breaks; messages are built only for
   the rows reported.
"""

from __future__ import annotations

from toolkit.ingest.crawl.mapping import Mapping
from toolkit.ingest.crawl.sql.plan import Plan, derived_outcome_sql
from toolkit.ingest.crawl.sql.rules import Terms, catalogue, for_plan, problem_sql
from toolkit.ingest.crawl.sql.times import WHITESPACE, date_sql, datetime_sql, offset_sql, time_sql
from toolkit.ingest.crawl.sql.zones import OFFSET_SQL, OLD_SQL, zone_code_case, zone_sql
from toolkit.ingest.crawl.vocab import prefecture_keys, vocabulary
from toolkit.reference.fold import fold, fold_sql
from toolkit.reference.vocabulary import outcome_sql
from toolkit.sqltext import ident, lit, map_sql

TIMES = ("observed_at", "date", "time", "first_slot", "second_slot")  # read without WHITESPACE
RAW = ("observed_at", "date", "time", "prefecture", "site", "procedure", "url", "outcome",
       "slots", "first_slot", "second_slot", "http_status", "system")  # fmt: skip


def general_plan(
    source: str,
    line_sql: str,
    found: dict[str, str],
    mapping: Mapping,
    header: tuple[str, ...] = (),
    first_column: str | None = None,
) -> Plan:
    """The plan for one file. ``source``: the reader (a FROM clause); ``found``: canonical
    column -> the file's column name; ``header``: the file's column names, when its first
    line names them (a row repeating them is skipped); ``first_column``: the file's first
    column (a byte-order mark at its start is dropped: files joined together)."""
    split = "time" in found
    when_col = "date" if "date" in found else "observed_at"
    zone = lit(mapping.zone) if mapping.zone else "tz"
    local = "CAST(coalesce(naive_at, timezone(tz, observed_at)) AS DATE)"
    names = tuple(found.get(c, "") for c in RAW) if header else ()
    terms = Terms(
        local_date=local, naive="naive_at", zone=zone, time_column=when_col,
        formats=mapping.formats, split=split, header=names,
    )  # fmt: skip
    rules = for_plan(catalogue(terms, RAW), terms, typed=False)
    body = _build("CAST(NULL AS BIGINT)", found, mapping, rules, first_column)
    numbered = _build(line_sql, found, mapping, rules, first_column)
    return Plan("general", body, numbered, source, tuple(rules))


def _build(
    line_sql: str, found: dict[str, str], mapping: Mapping, rules: list, first: str | None
) -> str:
    fmt, values, defaults = mapping.formats, mapping.values, mapping.defaults
    raw = [f"{raw_sql(c, found, mapping, first)} AS r_{c}" for c in RAW]
    src = f"SELECT {line_sql} AS __line, {', '.join(raw)} FROM {{source}}"

    zones = prefecture_keys()[0]
    prefecture = prefecture_sql("r_prefecture", mapping)
    vocab = ", ".join(
        f"{vocab_sql(c, values.get(c, {}), defaults.get(c))} AS {c}"
        for c in ("procedure", "outcome", "system", "site")
    )
    url_default = lit(defaults["url"]) if "url" in defaults else "NULL"
    split = "time" in found
    when_col = "date" if "date" in found else "observed_at"
    k = (
        f"SELECT s.*, {prefecture} AS prefecture, {vocab}, coalesce(r_url, {url_default}) AS url, "
        f"{offset_sql(f'r_{when_col}')} AS has_offset FROM ({src}) s"
    )
    zone_no, tz, zone_list = zone_sql("prefecture", zones, mapping.zone)
    naive, aware, epoch = datetime_sql(f"r_{when_col}", fmt.get(when_col))
    if split:
        aware = epoch = "CAST(NULL AS TIMESTAMPTZ)"
    time_part = time_sql("r_time", fmt.get("time")) if split else "CAST(NULL AS TIME)"
    t = (
        f"SELECT k.*, {zone_no} AS zone_no, {tz} AS tz, {aware} AS aware_at, "
        f"{naive} AS when_naive, {time_part} AS time_part, "
        f"TRY_CAST(r_slots AS INTEGER) AS slots, TRY_CAST(r_http_status AS INTEGER) AS http_status, "
        f"{date_sql('r_first_slot', fmt.get('first_slot'))} AS first_slot, "
        f"{date_sql('r_second_slot', fmt.get('second_slot'))} AS second_slot FROM ({k}) k"
    )
    naive_at = "CAST(when_naive AS DATE) + time_part" if split else "when_naive"
    u = (
        f"SELECT t.*, {naive_at} AS naive_at, CASE WHEN aware_at IS NULL AND when_naive IS NULL "
        f"THEN {epoch} END AS epoch_at FROM ({t}) t"
    )
    u = f"SELECT u.*, {zone_code_case('naive_at', zone_list)} AS zone_code FROM ({u}) u"
    at = (
        f"CASE WHEN naive_at < {OLD_SQL} THEN timezone(tz, naive_at) "
        f"ELSE CAST(naive_at - to_seconds({OFFSET_SQL}) AS TIMESTAMPTZ) END"
    )
    only_dates = "first_slot" in found and "slots" not in found
    z = (
        f"SELECT u.* EXCLUDE (outcome), coalesce(aware_at, epoch_at, {at}) AS observed_at, "
        f"u.outcome AS outcome_given FROM ({u}) u"
    )
    z = (
        f"SELECT z.*, epoch_us(observed_at) AS utc_us, CAST(observed_at AS DATE) AS utc_date, "
        f"coalesce(outcome_given, {derived_outcome_sql(only_dates)}) AS outcome FROM ({z}) z"
    )
    return f"SELECT *, {problem_sql(rules)} AS problem FROM ({z}) z"


def raw_sql(column: str, found: dict[str, str], mapping: Mapping, first: str | None) -> str:
    """SQL: the file's text for canonical ``column`` as every rule reads it (``r_<column>``):
    empty as NULL, ``site`` trimmed, times stripped of :data:`WHITESPACE` (once, here), a
    byte-order mark dropped from the file's first column."""
    if column not in found:
        return "CAST(NULL AS VARCHAR)"
    expr = f"CAST({ident(found[column])} AS VARCHAR)"
    if found[column] == first:
        expr = f"ltrim({expr}, chr(65279))"
    if column == "site":
        expr = f"nullif(trim({expr}), '')"
    elif column in TIMES:
        expr = f"nullif(trim({expr}, {WHITESPACE}), '')"
    else:
        expr = f"nullif({expr}, '')"
    if mapping.csv.decimal == "," and column in ("slots", "http_status"):
        expr = f"replace({expr}, ',', '.')"
    return expr


def prefecture_sql(r: str, mapping: Mapping) -> str:
    """SQL: the préfecture code of the text ``r`` (NULL: unknown): the mapping's
    ``[values.prefecture]`` as written, a code as written, another written form, else the
    folded form; the default when blank. Only the first test runs for a canonical code."""
    zones, written, folded = prefecture_keys()
    mapped = mapping.values.get("prefecture", {})
    folded.update({fold(k): v for k, v in mapped.items()})
    defaults = mapping.defaults
    default = lit(defaults["prefecture"]) if "prefecture" in defaults else "NULL"
    first_try = (
        f"WHEN {map_sql(mapped)}[{r}] IS NOT NULL THEN {map_sql(mapped)}[{r}] " if mapped else ""
    )
    return (
        f"CASE WHEN {r} IS NULL THEN {default} {first_try}"
        f"WHEN {map_sql({c: c for c in zones})}[{r}] IS NOT NULL THEN {r} "
        f"WHEN trim({r}) = '' THEN {default} "
        f"ELSE coalesce({map_sql(written)}[trim({r})], "
        f"{map_sql(folded)}[{fold_sql(r)}]) END"
    )


def vocab_sql(column: str, mapped: dict[str, str], default: str | None) -> str:
    """SQL over ``r_<column>``: as written (the mapping's keys, then slugs), else folded;
    the default when blank."""
    r = f"r_{column}"
    fallback = lit(default) if default else "NULL"
    if column == "site" and not mapped:
        return f"coalesce({r}, {fallback})"
    exact, folded = vocabulary(column)
    exact = {**exact, **mapped}
    folded.update({fold(k): v for k, v in mapped.items()})
    other = f"{map_sql(folded)}[{fold_sql(r)}]"
    if column == "outcome":  # also a phrase inside a longer text
        other = f"coalesce({other}, {outcome_sql(r)})"
    if column == "site":
        other = f"coalesce({other}, {r})"
    return (
        f"CASE WHEN {r} IS NULL THEN {fallback} ELSE coalesce({map_sql(exact)}[{r}], "
        f"CASE WHEN trim({r}) = '' THEN {fallback} ELSE {other} END) END"
    )
