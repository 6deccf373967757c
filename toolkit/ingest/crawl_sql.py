"""The SQL that maps, types and validates a crawl file in bulk (never a Python loop per row).

One SELECT over the reader's VARCHAR columns, in steps:

1. ``src``: the mapped columns, empty text as NULL (``site`` trimmed: it is part of the id;
   times and dates stripped of spaces, tabs and line breaks, once, here).
2. ``k``: vocabularies, by constant MAP look-ups — never a join, an ``IN`` list or
   ``list_contains`` of constants, which DuckDB plans as joins and which then stop it from
   inserting in parallel: a préfecture code as written (``76``, ``2A``, ``75-PP``, ``1``), else its folded
   form (« Seine-Maritime », « rouen », « 2a »); procedure, outcome and system by slug, else
   folded (see ``crawl_vocab``). The mapping's ``[values.*]`` come first; blank cells take the
   ``[defaults]`` / command-line constants.
3. ``t``: times and numbers (``crawl_parse``): a time with an offset keeps its instant; a
   naive time is read with the mapping's format, else ISO 8601, else the usual French forms,
   an Excel serial or Unix seconds.
4. ``z``: a naive time becomes an instant in the préfecture's zone (or the mapping's ``zone``)
   by arithmetic on the zone's transitions (``crawl_zones``), not by ``timezone()`` per row.
   A time in the repeated autumn hour is read as its *first* occurrence (02:30 on 26 October
   2025 in Paris is 00:30 UTC, summer time), as ``toolkit.ingest.timestamps.localize`` does
   for screenshots. A robot's second pass through the repeated hour thus lands on the
   instants of its first, and those rows count as duplicates (give times with their offset
   to keep both). A time in the spring gap, which no correct clock shows, is refused rather
   than moved: moved, it would take the place of the real observation an hour later.

``problem_no`` is the first failed check (NULL: the row is recorded); messages are built
only for the rows reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.ingest.crawl_mapping import Mapping
from toolkit.ingest.crawl_parse import (
    WHITESPACE,
    date_sql,
    datetime_sql,
    offset_sql,
    time_sql,
)
from toolkit.ingest.crawl_vocab import (
    NULL_DATES,
    enum_sql,
    fold_sql,
    prefecture_keys,
    value_key,
    vocabulary,
)  # fmt: skip
from toolkit.ingest.crawl_zones import GAP, OFFSET_SQL, zone_code_case, zone_sql
from toolkit.sqltext import ident, lit

if TYPE_CHECKING:
    from toolkit.ingest.probe_batches import Batches

TIMES = ("observed_at", "date", "time", "first_slot", "second_slot")  # read without WHITESPACE
EARLIEST = "2015-01-01"  # online booking of préfecture appointments is later than this
RAW = ("observed_at", "date", "time", "prefecture", "site", "procedure", "url", "outcome",
       "slots", "first_slot", "second_slot", "http_status", "system")  # fmt: skip
COLUMNS = (
    "prefecture",
    "site",
    "procedure",
    "observed_at",
    "outcome",
    "slots",
    "first_slot",
    "second_slot",
    "http_status",
    "url",
    "batch",
)  # fmt: skip  (``probe_rows``: the view ``probes`` adds ``id`` and the batch's columns)
# The natural key the id is computed from, as a tuple and as an anti-join with ``probes``.
TRIPLE = "prefecture, coalesce(site, ''), coalesce(procedure, '')"
KEY = f"{TRIPLE}, observed_at"
NOT_RECORDED = (
    "NOT EXISTS (SELECT 1 FROM probe_rows p WHERE p.prefecture = v.prefecture "
    "AND p.observed_at = v.observed_at AND coalesce(p.site, '') = coalesce(v.site, '') "
    "AND coalesce(p.procedure, '') = coalesce(v.procedure, ''))"
)


@dataclass(frozen=True)
class Check:
    column: str  # canonical column (the report shows the file's name for it)
    condition: str
    message: str  # a SQL expression


@dataclass
class CrawlQuery:
    """The typed, validated rows of one file, and the checks behind ``problem_no``."""

    select: str  # without line numbers: numbering rows would make DuckDB read on one thread
    numbered: str  # the same with ``__line``, to report problems
    checks: list[Check]

    def insert(self, batches: Batches, *, dedupe: bool) -> str:
        """Insert the valid rows; ``dedupe``: skip probes already in ``probes`` (an anti-join,
        which makes DuckDB insert on one thread: only when the table has rows)."""
        cols = ", ".join(COLUMNS)
        condition = f" WHERE {NOT_RECORDED}" if dedupe else ""
        return (
            f"INSERT INTO probe_rows ({cols}) SELECT {cols} FROM (SELECT prefecture, "
            "site, procedure, observed_at, outcome, slots, first_slot, second_slot, http_status, "
            f"url, {batches.sql()} AS batch "
            f"FROM ({self.select}) WHERE problem_no IS NULL) v{condition}"
        )

    def counts(self) -> str:
        """Rows read, rows refused, rows valid."""
        return (
            "SELECT count(*), count(problem_no), count(*) FILTER (WHERE problem_no IS NULL) "
            f"FROM ({self.select})"
        )

    def problems(self, limit: int) -> str:
        cases = " ".join(f"WHEN {i} THEN {c.message}" for i, c in enumerate(self.checks, 1))
        return (
            f"SELECT __line, problem_no, CASE problem_no {cases} END "
            f"FROM ({self.numbered}) WHERE problem_no IS NOT NULL ORDER BY __line LIMIT {limit}"
        )

    def problem_kinds(self) -> str:
        return (
            f"SELECT problem_no, count(*) FROM ({self.select}) "
            "WHERE problem_no IS NOT NULL GROUP BY ALL ORDER BY 1"
        )


def build_query(source: str, line_sql: str, found: dict[str, str], mapping: Mapping) -> CrawlQuery:
    """The query for one file. ``found``: canonical column -> the file's column name."""
    select, checks = _build(source, "CAST(NULL AS BIGINT)", found, mapping)
    numbered, _ = _build(source, line_sql, found, mapping)
    return CrawlQuery(select=select, numbered=numbered, checks=checks)


def _map_sql(pairs: dict[str, str]) -> str:
    if not pairs:
        return "MAP {'': NULL}"
    return "MAP {" + ", ".join(f"{lit(k)}: {lit(v)}" for k, v in sorted(pairs.items())) + "}"


def _build(
    source: str, line_sql: str, found: dict[str, str], mapping: Mapping
) -> tuple[str, list[Check]]:
    fmt, values, defaults = mapping.formats, mapping.values, mapping.defaults
    raw = []
    for c in RAW:
        if c not in found:
            raw.append(f"CAST(NULL AS VARCHAR) AS r_{c}")
            continue
        expr = f"CAST({ident(found[c])} AS VARCHAR)"
        if c == "site":
            expr = f"nullif(trim({expr}), '')"
        elif c in TIMES:  # once here (see crawl_parse)
            expr = f"nullif(trim({expr}, {WHITESPACE}), '')"
        else:
            expr = f"nullif({expr}, '')"
        if mapping.csv.decimal == "," and c in ("slots", "http_status"):
            expr = f"replace({expr}, ',', '.')"
        raw.append(f"{expr} AS r_{c}")
    src = f"SELECT {line_sql} AS __line, {', '.join(raw)} FROM {source}"

    zones, written, folded = prefecture_keys()
    mapped = values.get("prefecture", {})
    folded.update({value_key(k): v for k, v in mapped.items()})
    default = lit(defaults["prefecture"]) if "prefecture" in defaults else "NULL"
    first_try = (
        f"WHEN {_map_sql(mapped)}[r_prefecture] IS NOT NULL THEN {_map_sql(mapped)}[r_prefecture] "
        if mapped
        else ""
    )
    prefecture = (
        f"CASE WHEN r_prefecture IS NULL THEN {default} {first_try}"
        f"WHEN TRY_CAST(r_prefecture AS {enum_sql(zones)}) IS NOT NULL THEN r_prefecture "
        f"WHEN trim(r_prefecture) = '' THEN {default} "
        f"ELSE coalesce({_map_sql(written)}[trim(r_prefecture)], "
        f"{_map_sql(folded)}[{fold_sql('r_prefecture')}]) END"
    )
    vocab = ", ".join(
        f"{_vocab_sql(c, values.get(c, {}), defaults.get(c))} AS {c}"
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
    at = f"CAST(naive_at - to_seconds({OFFSET_SQL}) AS TIMESTAMPTZ)"
    only_dates = "first_slot" in found and "slots" not in found
    derived = derived_outcome_sql(only_dates)
    z = (
        f"SELECT u.* EXCLUDE (outcome), coalesce(aware_at, epoch_at, {at}) AS observed_at, "
        f"u.outcome AS outcome_given, coalesce(u.outcome, {derived}) AS outcome FROM ({u}) u"
    )
    checks = _checks(found, mapping, split)
    problem = " ".join(f"WHEN {c.condition} THEN {i}" for i, c in enumerate(checks, 1))
    return f"SELECT *, CASE {problem} END AS problem_no FROM ({z}) z", checks


def derived_outcome_sql(only_dates: bool) -> str:
    """The outcome of a row whose file gives none (see ``toolkit.ingest.crawl``)."""
    return (
        "CASE WHEN http_status IN (403, 429) THEN 'blocked' "
        "WHEN NOT (http_status BETWEEN 200 AND 399) THEN 'error' "
        "WHEN slots > 0 OR first_slot IS NOT NULL THEN 'slots_available' "
        "WHEN slots = 0 THEN 'no_slot' "
        + ("WHEN first_slot IS NULL THEN 'no_slot' " if only_dates else "")
        + "ELSE 'unknown' END"
    )


def _vocab_sql(column: str, mapped: dict[str, str], default: str | None) -> str:
    """As written (the mapping's keys, then slugs), else folded; the default when blank."""
    r = f"r_{column}"
    fallback = lit(default) if default else "NULL"
    if column == "site" and not mapped:
        return f"coalesce({r}, {fallback})"
    exact, folded = vocabulary(column)
    exact = {**exact, **mapped}
    folded.update({value_key(k): v for k, v in mapped.items()})
    other = f"{_map_sql(folded)}[{fold_sql(r)}]"
    if column == "site":
        other = f"coalesce({other}, {r})"
    return (
        f"CASE WHEN {r} IS NULL THEN {fallback} ELSE coalesce({_map_sql(exact)}[{r}], "
        f"CASE WHEN trim({r}) = '' THEN {fallback} ELSE {other} END) END"
    )


def _blank(r: str) -> str:
    return f"({r} IS NULL OR trim({r}) = '')"


def _checks(found: dict[str, str], mapping: Mapping, split: bool) -> list[Check]:
    fmt = mapping.formats
    zone = lit(mapping.zone) if mapping.zone else "tz"
    when_col = "date" if "date" in found else "observed_at"
    when_raw = f"r_{when_col}"
    hint = f"expected {fmt[when_col]}" if when_col in fmt else "give its format in [formats]"
    quoted = "'''' || left({}, 60) || ''''"
    local_date = "CAST(coalesce(naive_at, timezone(tz, observed_at)) AS DATE)"
    everything = ", ".join(f"r_{c}" for c in RAW)
    out = [
        Check(when_col, f"coalesce({everything}) IS NULL", "'empty or unreadable record'"),
        Check(when_col, f"observed_at IS NULL AND {_blank(when_raw)}", "'no date or time'"),
        Check("prefecture", f"prefecture IS NULL AND {_blank('r_prefecture')}",
              "'no préfecture; give --prefecture CODE or [defaults] prefecture'"),
        Check("prefecture", "prefecture IS NULL OR tz IS NULL",
              f"'unknown préfecture ' || {quoted.format('r_prefecture')} || "
              "'; give a code (76, 2A, 75-PP) or map it in [values.prefecture]'"),
    ]  # fmt: skip
    if split:
        time_hint = f"expected {fmt['time']}" if "time" in fmt else "give [formats] time"
        out += [
            Check(when_col, "when_naive IS NULL",
                  f"'unparseable date ' || {quoted.format(when_raw)} || ' ({hint})'"),
            Check("time", f"time_part IS NULL AND {_blank('r_time')}", "'no time'"),
            Check("time", "time_part IS NULL",
                  f"'unparseable time ' || {quoted.format('r_time')} || ' ({time_hint})'"),
        ]  # fmt: skip
    else:
        out.append(
            Check(when_col, "aware_at IS NULL AND epoch_at IS NULL AND naive_at IS NULL",
                  f"'unparseable date/time ' || {quoted.format(when_raw)} || ' ({hint})'")
        )  # fmt: skip
    out += [
        Check(
            when_col,
            f"observed_at < TIMESTAMPTZ '{EARLIEST} 00:00:00+00' "
            "OR observed_at > now() + INTERVAL 2 DAY",
            f"'implausible date ' || strftime(timezone(tz, observed_at), '%Y-%m-%d') || ' for ' || "
            f"{quoted.format(when_raw)} || ' (two-digit year, or day and month swapped?); "
            "check [formats]'",
        ),
        Check(
            when_col,
            f"zone_code % 4 = {GAP}",
            "'local time ' || strftime(naive_at, '%Y-%m-%d %H:%M') || ' does not exist in ' || "
            f"{zone} || ' (the clocks went forward); fix the robot''s clock or give times "
            "with their UTC offset'",
        ),
        Check("procedure", "procedure IS NULL AND r_procedure IS NOT NULL AND trim(r_procedure) <> ''",
              f"'unknown procedure ' || {quoted.format('r_procedure')} || "
              "'; map it in [values.procedure] to a slug such as renouvellement'"),
        Check("outcome", "outcome_given IS NULL AND r_outcome IS NOT NULL AND trim(r_outcome) <> ''",
              f"'unknown outcome ' || {quoted.format('r_outcome')} || "
              "'; map it in [values.outcome] to no_slot, slots_available, error…'"),
        Check("system", "system IS NULL AND r_system IS NOT NULL AND trim(r_system) <> ''",
              f"'unknown booking system ' || {quoted.format('r_system')} || "
              "'; use ezbooking, rdv-prefecture, eappointment, rdv-service-public, anef'"),
        Check("slots", "(slots IS NULL AND r_slots IS NOT NULL AND trim(r_slots) <> '') OR "
              "(contains(r_slots, '.') AND TRY_CAST(r_slots AS DOUBLE) <> slots)",
              f"'slot count ' || {quoted.format('r_slots')} || ' is not a whole number'"),
        Check("slots", "slots < 0", "'negative slot count ' || slots"),
    ]  # fmt: skip
    # A regular expression, not a list: DuckDB turns IN lists into joins (see the module doc).
    tokens = lit("|".join(re.escape(t) for t in NULL_DATES))
    for col in ("first_slot", "second_slot"):
        r, label = f"r_{col}", col.replace("_", " ")
        expected = f"expected {fmt[col]}" if col in fmt else "give its format in [formats]"
        out += [
            Check(col, f"{col} IS NULL AND r_{col} IS NOT NULL AND trim({r}) <> '' "
                  f"AND NOT regexp_full_match(lower(trim({r})), {tokens})",
                  f"'unparseable date ' || {quoted.format(r)} || ' ({expected})'"),
            # UTC date first: the local date is within a day of it
            Check(col, f"{col} <= CAST(observed_at AS DATE) AND {col} < {local_date}",
                  f"'{label} ' || {col} || ' is before the probe''s day ' || {local_date}"),
            Check(col, f"{col} > CAST(observed_at AS DATE) + 1000 AND {col} > {local_date} + INTERVAL 3 YEAR",
                  f"'implausible {label} ' || {col} || ' (two-digit year?)'"),
        ]  # fmt: skip
    out += [
        Check("second_slot", "second_slot < first_slot",
              "'second slot ' || second_slot || ' is before the first ' || first_slot"),
        Check("http_status", "(http_status IS NULL AND r_http_status IS NOT NULL "
              "AND trim(r_http_status) <> '') OR http_status NOT BETWEEN 100 AND 599 "
              "OR (contains(r_http_status, '.') AND TRY_CAST(r_http_status AS DOUBLE) <> http_status)",
              f"'HTTP status ' || {quoted.format('r_http_status')} || ' is not a code 100–599'"),
        Check("outcome", "outcome_given = 'no_slot' AND (slots > 0 OR first_slot IS NOT NULL)",
              "'outcome no_slot contradicts ' || CASE WHEN slots > 0 THEN slots || ' slot(s)' "
              "ELSE 'first slot ' || first_slot END"),
        Check("outcome", "outcome_given = 'slots_available' AND slots = 0 AND first_slot IS NULL",
              "'outcome slots_available contradicts 0 slots'"),
    ]  # fmt: skip
    return out
