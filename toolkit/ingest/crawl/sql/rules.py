"""The row rules: one catalogue, stable codes, used by the general and the typed plans.

A rule says which column it blames, when a row breaks it (a SQL condition) and what the
report says (a SQL expression, built only for the rows listed). Both plans compute the same
intermediate columns (``observed_at``, ``utc_us``, ``utc_date``, ``zone_code``, ``prefecture``,
``procedure``, ``outcome_given``, ``system``, ``slots``, ``http_status``, ``first_slot``,
``second_slot``) and fill the placeholders of :class:`Terms`; a row's ``problem`` is the
number of the first rule it breaks (NULL: it is recorded). The rules read a column's text
as ``r_<column>``; rules marked ``general_only`` read the text of a column the typed reader
always types (a slot count, a slot date, an HTTP status, or every column at once): on the
typed path the reader itself refuses those rows, and they go through the general plan. A
``skip`` rule (a header repeated in a file joined from several exports) is reported as a
notice, not a problem.

Codes are stable: an association filters ``--format json`` output on them. Add rules at the
end of their group; never renumber a code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from toolkit.ingest.crawl.sql.zones import GAP
from toolkit.ingest.crawl.vocab import NULL_DATES
from toolkit.sqltext import lit

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # an observation before this is refused
AHEAD = timedelta(days=1)  # and one later than now by more than this


@dataclass(frozen=True)
class Rule:
    code: str  # stable: emitted in JSON reports
    column: str  # canonical column (the report shows the file's name for it)
    when: str  # SQL condition (placeholders: see Terms)
    message: str  # SQL expression of the message
    general_only: bool = False  # reads raw text of a typed column: the reader refuses such rows
    skip: bool = False  # not a problem: the row is skipped and reported as a notice
    typed_when: str | None = None  # the condition when the reader typed the column
    typed_message: str | None = None  # and the message (no raw text to quote)


@dataclass(frozen=True)
class Terms:
    """What a plan puts for the placeholders of the rules' SQL."""

    local_date: str  # the probe's local date (DATE)
    naive: str  # the naive local time (TIMESTAMP), for a time in the spring gap
    zone: str  # the zone's name (VARCHAR)
    time_column: str  # ``observed_at`` or ``date``: the column the time rules blame
    formats: dict[str, str]  # the mapping's [formats]
    split: bool  # date and time in two columns
    header: tuple[str, ...] = ()  # the file's column names (a repeated header)

    def fill(self, sql: str) -> str:
        return (
            sql.replace("{local_date}", self.local_date)
            .replace("{naive}", self.naive)
            .replace("{zone}", self.zone)
            .replace("{when}", f"r_{self.time_column}")
        )


def quoted(raw: str) -> str:
    """SQL: the raw value in quotes, cut at 60 characters, control characters (a NUL byte,
    an escape sequence) shown as U+FFFD (for a message a terminal prints)."""
    return f"'''' || regexp_replace(left({raw}, 60), '[[:cntrl:]]', '\ufffd', 'g') || ''''"


def hint(terms: Terms, column: str) -> str:
    """A SQL literal: what the message suggests for a date column (the mapping's format is
    shown as data, never spliced into the SQL)."""
    if column in terms.formats:
        return lit(f"expected {terms.formats[column]}")
    return lit("give its format in [formats]")


def _blank(raw: str) -> str:
    return f"({raw} IS NULL OR trim({raw}) = '')"


def epoch_us(at: datetime) -> int:
    return int((at - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()) * 1_000_000


def out_of_range_sql() -> str:
    """SQL: the row's instant (``utc_us``) is before :data:`EARLIEST` or later than now by
    more than :data:`AHEAD`."""
    latest = epoch_us(datetime.now(UTC) + AHEAD)
    return f"utc_us < {epoch_us(EARLIEST)} OR utc_us > {latest}"


def catalogue(terms: Terms, raw_columns: tuple[str, ...]) -> list[Rule]:
    """Every rule, in the order a row is checked (the first broken one is reported)."""
    when = terms.time_column
    time_raw = f"r_{when}"
    everything = ", ".join(f"r_{c}" for c in raw_columns)
    rules: list[Rule] = []
    if terms.header:  # every mapped value equals its header name: the header, again
        # (the first column's r_ value has lost a byte-order mark already: sql.general.raw_sql)
        same = " AND ".join(
            f"coalesce(r_{c}, '') = {lit(name)}"
            for c, name in zip(raw_columns, terms.header, strict=True)
            if name
        )
        rules.append(
            Rule("header.repeated", when, same or "false",
                 "'the header again (files joined together?); skipped'", skip=True)
        )  # fmt: skip
    rules += [
        Rule("record.empty", when, f"coalesce({everything}) IS NULL",
             "'empty or unreadable record'", general_only=True),
        Rule("time.missing", when, f"observed_at IS NULL AND {_blank(time_raw)}",
             "'no date or time'"),
        Rule("prefecture.missing", "prefecture",
             f"prefecture IS NULL AND {_blank('r_prefecture')}",
             "'no préfecture; add --prefecture CODE (or [defaults] prefecture)'"),
        Rule("prefecture.unknown", "prefecture", "prefecture IS NULL OR tz IS NULL",
             f"'unknown préfecture ' || {quoted('r_prefecture')} || "
             "'; give a code (76, 2A, 75-PP) or map it in [values.prefecture]'"),
    ]  # fmt: skip
    if terms.split:
        time_hint = hint(terms, "time") if "time" in terms.formats else "'give [formats] time'"
        rules += [
            Rule("date.unparseable", when, "when_naive IS NULL",
                 f"'unparseable date ' || {quoted(time_raw)} || ' (' || {hint(terms, when)} || ')'",
                 general_only=True),
            Rule("hour.missing", "time", f"time_part IS NULL AND {_blank('r_time')}",
                 "'no time'", general_only=True),
            Rule("hour.unparseable", "time", "time_part IS NULL",
                 f"'unparseable time ' || {quoted('r_time')} || ' (' || {time_hint} || ')'",
                 general_only=True),
        ]  # fmt: skip
    else:
        rules.append(
            Rule("time.unparseable", when,
                 "aware_at IS NULL AND epoch_at IS NULL AND naive_at IS NULL",
                 f"'unparseable date/time ' || {quoted(time_raw)} || ' (' || "
                 f"{hint(terms, when)} || ')'")
        )  # fmt: skip
    local = "strftime(make_timestamp(utc_us), '%Y-%m-%d')"
    rules += [
        Rule("time.out_of_range", when, out_of_range_sql(),
             f"'date ' || {local} || ' read from ' || {quoted(time_raw)} || "
             "' is before 2000 or in the future (two-digit year, or day and month swapped?); "
             "check [formats]'"),
        Rule("time.clock_gap", when, f"zone_code % 4 = {GAP}",
             "'local time ' || strftime({naive}, '%Y-%m-%d %H:%M') || ' does not exist in ' || "
             "{zone} || ' (the clocks went forward); fix the robot''s clock or give times "
             "with their UTC offset'"),
        Rule("procedure.missing", "procedure", f"procedure IS NULL AND {_blank('r_procedure')}",
             "'no procedure; add --procedure SLUG (or [defaults] procedure)'"),
        Rule("procedure.unknown", "procedure", "procedure IS NULL",
             f"'unknown procedure ' || {quoted('r_procedure')} || "
             "'; map it in [values.procedure] to a slug such as renouvellement'"),
        Rule("outcome.unknown", "outcome",
             f"outcome_given IS NULL AND NOT {_blank('r_outcome')}",
             f"'unknown outcome ' || {quoted('r_outcome')} || "
             "'; map it in [values.outcome] to no_slot, slots_available, error…'"),
        Rule("system.unknown", "system", f"system IS NULL AND NOT {_blank('r_system')}",
             f"'unknown booking system ' || {quoted('r_system')} || "
             "'; use ezbooking, rdv-prefecture, eappointment, rdv-service-public, anef'"),
        Rule("slots.not_a_number", "slots",
             f"(slots IS NULL AND NOT {_blank('r_slots')}) OR "
             "(contains(r_slots, '.') AND TRY_CAST(r_slots AS DOUBLE) <> slots)",
             f"'slot count ' || {quoted('r_slots')} || ' is not a whole number'",
             general_only=True),
        Rule("slots.negative", "slots", "slots < 0", "'negative slot count ' || slots"),
    ]  # fmt: skip
    # A regular expression, not a list: DuckDB turns IN lists into joins (see sql.general).
    tokens = lit("|".join(re.escape(t) for t in NULL_DATES))
    for col in ("first_slot", "second_slot"):
        r, label = f"r_{col}", col.replace("_", " ")
        rules += [
            Rule(f"{col}.unparseable", col,
                 f"{col} IS NULL AND NOT {_blank(r)} AND NOT regexp_full_match(lower(trim({r})), {tokens})",
                 f"'unparseable date ' || {quoted(r)} || ' (' || {hint(terms, col)} || ')'",
                 general_only=True),
            # the UTC date first: the local date is within a day of it
            Rule(f"{col}.before_probe", col,
                 f"CASE WHEN {col} <= utc_date THEN {col} < {{local_date}} END",
                 f"'{label} ' || {col} || ' is before the probe''s day ' || {{local_date}}"),
            Rule(f"{col}.implausible", col,
                 f"CASE WHEN {col} > utc_date + 1000 THEN {col} > {{local_date}} + INTERVAL 3 YEAR END",
                 f"'implausible {label} ' || {col} || ' (two-digit year?)'"),
        ]  # fmt: skip
    rules += [
        Rule("second_slot.before_first", "second_slot", "second_slot < first_slot",
             "'second slot ' || second_slot || ' is before the first ' || first_slot"),
        Rule("http_status.invalid", "http_status",
             f"(http_status IS NULL AND NOT {_blank('r_http_status')}) OR http_status NOT "
             "BETWEEN 100 AND 599 OR (contains(r_http_status, '.') AND "
             "TRY_CAST(r_http_status AS DOUBLE) <> http_status)",
             f"'HTTP status ' || {quoted('r_http_status')} || ' is not a code 100–599'",
             typed_when="http_status NOT BETWEEN 100 AND 599",
             # quoted as the general plan quotes the text (the same for a robot's digits)
             typed_message="'HTTP status ''' || http_status || ''' is not a code 100–599'"),
        Rule("outcome.contradicts_slots", "outcome",
             "outcome_given = 'no_slot' AND (slots > 0 OR first_slot IS NOT NULL)",
             "'outcome no_slot contradicts ' || CASE WHEN slots > 0 THEN slots || ' slot(s)' "
             "ELSE 'first slot ' || first_slot END"),
        Rule("outcome.contradicts_no_slots", "outcome",
             "outcome_given = 'slots_available' AND slots = 0 AND first_slot IS NULL",
             "'outcome slots_available contradicts 0 slots'"),
    ]  # fmt: skip
    return rules


def for_plan(
    rules: list[Rule], terms: Terms, *, typed: bool, text: frozenset[str] = frozenset()
) -> list[Rule]:
    """The rules one plan checks, their placeholders filled. ``typed``: the typed plan, which
    has the raw text of the columns in ``text`` only; for the others, the reader typed the
    value (its own condition and message, when the rule has them)."""
    out = []
    for rule in rules:
        if typed and rule.general_only:
            continue
        own = typed and rule.column not in text
        when = rule.typed_when if own and rule.typed_when else rule.when
        message = rule.typed_message if own and rule.typed_message else rule.message
        out.append(
            Rule(rule.code, rule.column, terms.fill(when), terms.fill(message),
                 rule.general_only, rule.skip)
        )  # fmt: skip
    return out


def problem_sql(rules: list[Rule]) -> str:
    """SQL: the number (from 1) of the first rule a row breaks, else NULL."""
    return "CASE " + " ".join(f"WHEN {r.when} THEN {i}" for i, r in enumerate(rules, 1)) + " END"


def message_sql(rules: list[Rule], number: str = "problem") -> str:
    """SQL: the message of rule number ``number``."""
    cases = " ".join(f"WHEN {i} THEN {r.message}" for i, r in enumerate(rules, 1))
    return f"CASE {number} {cases} END"


def _codes() -> dict[str, str]:
    """Every rule's code and the column it blames, for the docs and ``--format json``
    readers (both layouts of the time: one column, or a date and a time)."""
    out: dict[str, str] = {"reader.refused": "", "json.invalid": "", "file.unaccounted": ""}
    for split in (False, True):
        terms = Terms("", "", "", "date" if split else "observed_at", {}, split, ("x",) * 13)
        for rule in catalogue(terms, ("x",) * 13):
            out.setdefault(rule.code, rule.column)
    return out


RULE_CODES: dict[str, str] = _codes()
