"""One crawl file's rows into ``probe_rows``, by the typed plan or the general plan, every row
accounted for.

:func:`insert_file` returns :class:`FileResult`: :class:`Counts` in which every data row of
the file (its records, less the header and blank lines) is recorded, a repeat of a probe
earlier in the file, a probe the store already held, refused (a problem, listed with its
line, column and reason, or counted by reason past the first :data:`problems.LISTED`), or
skipped (a repeated header). The sum is checked against the file's own count (the layout
pass): a file whose rows do not add up gets a problem saying so, never a silent loss.

Speed (``docs/crawl-design.md``): rows go straight from the file into ``probe_rows`` in one
parallel INSERT; the typed plan's need not keep file order (a file that repeats a probe is
inserted again, in order, so that the first copy is kept). The layout's counts tell whether
every row was recorded. The rows the INSERT leaves out are counted by rule as it reads
(``tally``); only what is left is read again: the rows of a repeated autumn hour (from a
slice of the file, ``window``), the lines the typed reader refused (only those, through the
general plan), and the first problems (a read that stops at the last one listed). Probes the
store already held are found by a join on the keys afterwards.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError, Problem
from toolkit.ingest.crawl import problems as P
from toolkit.ingest.crawl.counts import Counts, Expected, FileResult, Found, plus
from toolkit.ingest.crawl.formats import REJECTS, ReadSpec, delimited, short_error
from toolkit.ingest.crawl.lines import LINE_CAP, Layout, locate
from toolkit.ingest.crawl.sql.general import general_plan
from toolkit.ingest.crawl.sql.plan import COLUMNS, KEY, Plan
from toolkit.ingest.crawl.sql.typed import TypedPlan, typed_plan
from toolkit.ingest.crawl.tally import Deferred, RuleTally, tally
from toolkit.ingest.crawl.window import HourRead, read_repeated_hours
from toolkit.sqltext import lit

if TYPE_CHECKING:
    import duckdb

    from toolkit.ingest.crawl.mapping import Mapping
    from toolkit.ingest.crawl.source import SourceFile
    from toolkit.ingest.probe_batches import Batches

LEFTOVERS = "crawl_leftovers"  # the temporary table of the repeated hour's rows
REFUSED = "crawl_refused"  # the lines the typed reader refused, read by the general plan


def insert_file(
    con: duckdb.DuckDBPyConnection,
    source: SourceFile,
    spec: ReadSpec,
    found: dict[str, str],
    mapping: Mapping,
    batches: Batches,
    dedupe: bool,
    work: Path,
    *,
    typed: bool = True,
) -> FileResult:
    """Insert the file's valid rows and account for the others (see the module doc).
    ``typed``: try the typed plan first (its sample may send the file to the general plan);
    ``dedupe``: the store holds probes already (look for this file's among them)."""
    import duckdb

    spec, layout = readable(con, source, spec, work)
    P.drop_rejects(con)
    plan = typed_plan(con, spec, found, mapping) if typed else None
    source.hash_pass.start()  # the hash, while DuckDB reads
    try:
        if plan is not None:
            result = _typed(con, source, spec, layout, plan, found, mapping, batches, work)
        else:
            result = _general(con, source, spec, layout, found, mapping, batches)
    except duckdb.Error as e:
        if source.misread():
            return FileResult(Counts(0), "", spec=spec)
        source.check_unchanged()  # a file changed under DuckDB: say so, not "cannot read"
        raise InputError(f"{source.display}: cannot read the file ({short_error(e)})") from None
    if not dedupe:
        return result
    stored, where = P.drop_stored(con, batches)
    if not stored:
        return result
    counts = result.counts
    return replace(
        result,
        counts=replace(counts, recorded=counts.recorded - stored, stored=stored),
        stored_in=where,
    )


def general_plan_for(spec: ReadSpec, found: dict[str, str], mapping: Mapping) -> Plan:
    """The general plan reading ``spec``'s file (reads after its insert do not store the
    refused lines again)."""
    header = tuple(spec.columns) if spec.header and spec.format == "csv" else ()
    first = spec.columns[0] if spec.columns and spec.format == "csv" else None
    plan = general_plan(spec.source_sql(), spec.line_sql, found, mapping, header, first)
    quiet = plan.source.replace(
        f"store_rejects = true, rejects_table = {lit(REJECTS[0])}, "
        f"rejects_scan = {lit(REJECTS[1])}",
        "store_rejects = false",
    )
    return replace(plan, quiet=quiet if quiet != plan.source else "")


def readable(
    con: duckdb.DuckDBPyConnection, source: SourceFile, spec: ReadSpec, work: Path
) -> tuple[ReadSpec, Layout | None]:
    """``spec`` made safe for the bulk read, and the layout of what DuckDB reads (text
    formats): a record over the cap refused, mixed line endings read from a copy."""
    layout = _layout(source, spec)
    if layout is not None and layout.mixed_endings and spec.format == "csv":
        spec = delimited.normalised(con, spec, source, work)
        layout = spec.layout
    return spec, layout


def _layout(source: SourceFile, spec: ReadSpec) -> Layout | None:
    if spec.format not in ("csv", "jsonl"):
        return None
    layout = spec.layout or source.layout
    if layout.long_record_line:
        raise InputError(
            f"{source.display}: line {layout.long_record_line} starts a record longer than "
            f"{LINE_CAP >> 20} MiB (a quote never closed, or not a crawl export); check the file"
        )
    return layout


def _misnumbered(layout: Layout | None) -> bool:
    """Whether DuckDB's numbers of the lines it refused may be wrong: seen (2.0.1) around
    blank lines; quoted fields, which may hold a newline, are counted with them. Otherwise
    the numbers are kept (counting them again is a pass over the file: 0.26 s on 224 MB)."""
    return layout is None or bool(layout.blank or layout.blank_lines or layout.quotes)


def _expected(spec: ReadSpec, layout: Layout | None) -> Expected | None:
    """The data rows the reader should deliver, or None when only reading tells."""
    if spec.rows_known is not None:
        return Expected(spec.rows_known, spec.rows_known)
    if layout is None:
        return None
    head = 1 if spec.header else 0
    plain = max(layout.lines - layout.blank_lines - head, 0)
    quoted = max(layout.records - layout.blank - head, 0) if spec.quoted else plain
    return Expected(quoted, plain, (layout.blank, layout.blank_lines))


def _general(
    con: duckdb.DuckDBPyConnection, source: SourceFile, spec: ReadSpec, layout: Layout | None,
    found: dict[str, str], mapping: Mapping, batches: Batches,
) -> FileResult:  # fmt: skip
    plan = general_plan_for(spec, found, mapping)
    expected = _expected(spec, layout)
    with RuleTally(con) as seen:  # the rows left out, counted by rule in the same read
        inserted = P.row_count(con.execute(plan.insert(batches, where=seen.where)))
    repeated = P.drop_repeated(con, batches)
    rows = inserted
    inserted -= repeated
    notes = Found()
    if spec.format == "csv" and _misnumbered(layout):
        P.renumber_rejects(con, spec.read_path, spec.quoted)
    if spec.format in ("csv", "xlsx"):
        notes.refuse(P.reader_rejects(con))
    if expected is not None and rows in expected and not notes.rows:
        counts = Counts(rows, inserted, repeated, blank=expected.blank_for(rows))
        done = FileResult(counts, "general", spec=spec)
    else:
        counts = tally(con, plan, inserted, repeated, notes, len(notes.refused_lines),
                       seen=seen.counts(rows))  # fmt: skip
        done = _finish(con, source, spec, layout, plan, "general", expected, counts, notes)
    return _with_repeats(con, done, plan, spec, layout, notes)


def _finish(
    con: duckdb.DuckDBPyConnection, source: SourceFile, spec: ReadSpec, layout: Layout | None,
    plan: Plan | None, read_by: str, expected: Expected | None, counts: Counts, notes: Found,
) -> FileResult:  # fmt: skip
    """Place the problems on the file's lines, add JSON Lines lines DuckDB skipped, and check
    the sum against the file's own count."""
    extra: list[Problem] = []
    if spec.format == "jsonl" and expected is not None and counts.rows < expected.plain:
        bad, listed = P.json_lines_problems(spec.read_path, P.LISTED)
        notes.count("json.invalid", bad)
        for line, reason in listed:
            notes.rows.append(("file", line, None, reason, "json.invalid", False))
        counts = replace(counts, rows=counts.rows + bad, refused=counts.refused + bad)
    if expected is not None:
        counts = replace(counts, blank=expected.blank_for(counts.rows))
        if counts.rows not in expected:
            extra.append(Problem(
                source.display, f"the file holds {expected.quoted} data row(s) but "
                f"{counts.rows} were read; check its quotes and line ends",
                code="file.unaccounted",
            ))  # fmt: skip
    quotes = expected.quotes_join_lines(counts.rows) if expected else spec.quoted
    problems, skips = _place(source, spec, layout, notes, counts, quoted=quotes and spec.quoted)
    return FileResult(counts, read_by, tuple(problems + extra), tuple(skips), spec)


def _place(
    source: SourceFile, spec: ReadSpec, layout: Layout | None, notes: Found, counts: Counts,
    *, quoted: bool,
) -> tuple[list[Problem], list[str]]:  # fmt: skip
    """The problems (the first :data:`problems.LISTED` by line, the rest counted by reason)
    and the skipped rows as notices, on the file's own lines."""
    lines = sorted({n for kind, n, *_ in notes.rows if kind == "line"})
    rows = sorted({n for kind, n, *_ in notes.rows if kind == "row"})
    where: dict[tuple[str, int], int] = {}
    if layout is not None and spec.line_kind == "row" and (lines or rows):
        where = locate(
            spec.read_path, quoted=quoted, lines=lines, rows=rows, header=spec.header,
            rejected=frozenset(notes.refused_lines),
        )  # fmt: skip
    placed = sorted(
        (where.get((kind, n), n) if kind != "file" else n, column, message, code, skip)
        for kind, n, column, message, code, skip in notes.rows
    )
    problems = [
        Problem(source.display, message, line=line, column=column, code=code)
        for line, column, message, code, skip in placed
        if not skip
    ][: P.LISTED]
    skips = [f"{source.display}:{line}: {message}" for line, _, message, _, skip in placed if skip][
        : P.LISTED
    ]
    if counts.skipped > len(skips):
        skips.append(f"{source.display}: {counts.skipped - len(skips)} more header line(s) skipped")
    more = counts.refused - len(problems)
    if more > 0:
        text = ", ".join(f"{n} × {code}" for code, n in sorted(notes.by_code.items()))
        problems.append(Problem(
            source.display, f"{more} more row(s) refused, not listed (in all: {text})", code="more",
        ))  # fmt: skip
    return problems, skips


def _typed(
    con: duckdb.DuckDBPyConnection, source: SourceFile, spec: ReadSpec, layout: Layout | None,
    plan: TypedPlan, found: dict[str, str], mapping: Mapping, batches: Batches, work: Path,
) -> FileResult:  # fmt: skip
    """The typed read; the lines it refuses go through the general plan (only those)."""
    expected = _expected(spec, layout)
    with RuleTally(con) as seen:  # the rows left out, counted by rule in the same read
        insert = plan.insert(batches, where=seen.where)
        first = _unordered(con, insert)
        exact = P.count_repeated(con, batches)  # the same probe twice
        if exact:
            con.execute(f"DELETE {P.MINE}", batches.bounds)
            P.drop_rejects(con)
            seen.reset()
            first = P.row_count(con.execute(insert))
            exact = P.drop_repeated(con, batches, known=exact)  # the rows deleted
    if _misnumbered(layout):
        P.renumber_rejects(con, spec.read_path, spec.quoted)
    rejects = P.reader_rejects(con)
    # lines it could not split into fields: any reader refuses them; the others are read
    # again by the general plan
    unsplit, retyped = (
        (P.reader_rejects(con, split=True), P.reader_rejects(con, split=False))
        if rejects else (P.Rejects(), P.Rejects())
    )  # fmt: skip
    refused_text = work / f"rejected-{spec.read_path.stem}.csv"
    if retyped:
        P.write_rejected(con, refused_text)
    P.drop_rejects(con)
    inserted, repeated = first - exact, exact
    notes, others, read_by = Found(), None, "typed"
    if unsplit:
        notes.refuse(unsplit)
        others = Counts(len(unsplit), refused=len(unsplit))
    if retyped:
        again = _rejected_lines(con, spec, found, mapping, batches, retyped, refused_text, notes)
        others = plus(others, again) if others else again
        read_by = "typed+general"
    notes.refused_lines = set(rejects.lines)  # rows of the typed read skip them
    hour: HourRead | None = None  # the repeated autumn hour's rows, read in file order
    if not plan.aware and layout is not None and first + len(rejects) not in (expected or ()):
        hour = read_repeated_hours(con, spec, layout, plan, batches, LEFTOVERS)
    accounted = first + len(rejects) + (hour.rows if hour else 0)
    if expected is not None and accounted in expected and not (hour and hour.bad):
        inserted, repeated = _leftovers(con, hour, inserted, repeated)
        counts = Counts(accounted - len(rejects), inserted, repeated)
        if others is not None:
            counts = plus(counts, others)
        done = _finish(con, source, spec, layout, None, read_by, expected, counts, notes)
        return _with_repeats(con, done, plan, spec, layout, notes, hour, exact)
    try:  # problems, or an hour the slice did not hold: the counts by rule, the first listed
        counts = tally(con, plan, 0, 0, notes, 0, seen=seen.counts(first))
    except Deferred:  # a year under 1000 in the typed read: the general plan reads the file
        con.execute(f"DROP TABLE IF EXISTS temp.{LEFTOVERS}")
        con.execute(f"DELETE {P.MINE}", batches.bounds)
        P.drop_rejects(con)
        return replace(
            _general(con, source, spec, layout, found, mapping, batches), read_by="typed+general"
        )
    if notes.left_out and (hour is None or hour.rows != notes.left_out):
        assert layout is not None
        hour = read_repeated_hours(con, spec, layout, plan, batches, LEFTOVERS, whole=True)
    inserted, repeated = _leftovers(con, hour, inserted, repeated)
    counts = replace(counts, recorded=inserted, repeated=repeated)
    if others is not None:
        counts = plus(counts, others)
    done = _finish(con, source, spec, layout, plan, read_by, expected, counts, notes)
    return _with_repeats(con, done, plan, spec, layout, notes, hour, exact)


def _with_repeats(
    con: duckdb.DuckDBPyConnection, done: FileResult, plan: Plan, spec: ReadSpec,
    layout: Layout | None, notes: Found, hour: HourRead | None = None, exact: int = 1,
) -> FileResult:  # fmt: skip
    """``done`` with the lines of its first repeats: from the slice of the repeated hour
    when it holds them all, else by one more read of the file, numbered."""
    if not done.counts.repeated:
        return done
    hour_from = hour.read_from if hour else None
    if hour is not None and hour.read_from == "slice" and not exact:
        lines = list(hour.repeat_lines)
    else:
        with P.every_column(con, isinstance(plan, TypedPlan)):
            rows = [int(r[0]) for r in con.execute(plan.repeats(P.LISTED)).fetchall()]
        if layout is not None and spec.line_kind == "row":
            where = locate(spec.read_path, quoted=spec.quoted, rows=rows, header=spec.header,
                           rejected=frozenset(notes.refused_lines))  # fmt: skip
            rows = [where.get(("row", n), n) for n in rows]
        lines = rows
    return replace(done, repeat_lines=tuple(sorted(lines)), repeated_hour=hour_from)


def _leftovers(
    con: duckdb.DuckDBPyConnection, hour: HourRead | None, inserted: int, repeated: int
) -> tuple[int, int]:
    """Insert the first of each probe among the repeated hour's rows (in file order)."""
    if hour is None:
        return inserted, repeated
    cols = ", ".join(COLUMNS)
    added = P.row_count(
        con.execute(
            f"INSERT INTO probe_rows ({cols}) SELECT {cols} FROM ("
            f"SELECT *, row_number() OVER (PARTITION BY {KEY} ORDER BY rowid) AS n "
            f"FROM temp.{LEFTOVERS} WHERE problem IS NULL) v WHERE n = 1"
        )
    )
    con.execute(f"DROP TABLE IF EXISTS temp.{LEFTOVERS}")
    P.drop_rejects(con)
    return inserted + added, repeated + hour.repeats


def _rejected_lines(
    con: duckdb.DuckDBPyConnection, spec: ReadSpec, found: dict[str, str], mapping: Mapping,
    batches: Batches, rejects: P.Rejects, path: Path, notes: Found,
) -> Counts:  # fmt: skip
    """The lines the typed reader refused but could split into fields, written to ``path``
    (one record each, in order, no header), read by the general plan; their problems keep their DuckDB lines in
    ``notes``. A probe among them that this file already gave counts as a repeat."""
    assert spec.dialect is not None
    d = spec.dialect
    columns = ", ".join(f"{lit(c)}: 'VARCHAR'" for c in spec.columns)
    options = (
        f"auto_detect = false, header = false, delim = {lit(d.delimiter)}, "
        f"quote = {lit(d.quote)}, escape = {lit(d.escape)}, columns = {{{columns}}}, "
        f"max_line_size = {2 * LINE_CAP}, ignore_errors = true, store_rejects = true, "
        f"rejects_table = {lit(REJECTS[0])}, rejects_scan = {lit(REJECTS[1])}"
    )
    sub = replace(
        spec, read_path=path, head_path=None, layout=None, rows_known=len(rejects),
        header=False, options=options,
    )  # fmt: skip
    plan = general_plan_for(replace(sub, header=spec.header), found, mapping)
    plan = replace(plan, source=sub.source_sql(), quiet="")
    P.drop_rejects(con)
    # one read of these lines (the general plan is the costly one), kept for what follows
    # not numbered (numbering reads on one thread): the table keeps the file's order
    con.execute(f"CREATE OR REPLACE TEMP TABLE {REFUSED} AS {plan.rows()}")
    again = P.reader_rejects(con)
    P.drop_rejects(con)
    cols = ", ".join(COLUMNS)
    inserted = P.row_count(con.execute(
        f"INSERT INTO probe_rows ({cols}) SELECT {cols} FROM (SELECT *, {batches.sql()} AS "
        f"batch FROM temp.{REFUSED} WHERE problem IS NULL ORDER BY rowid)"
    ))  # fmt: skip
    twins = P.drop_repeated(con, batches)  # the first copy (the typed read's, or by line) kept
    lines = rejects.lines  # the sub-file's line i is the file's DuckDB line lines[i - 1]
    notes.refuse(again, [lines[n - 1] for n in again.lines])
    refused_here = set(again.lines)
    kept = [n for i, n in enumerate(lines, 1) if i not in refused_here]
    sub_notes = Found()
    counts = tally(con, plan, inserted - twins, twins, sub_notes, 0, table=REFUSED)
    con.execute(f"DROP TABLE temp.{REFUSED}")
    for _, number, column, message, code, skip in sub_notes.rows:
        notes.rows.append(("line", kept[number - 1], column, message, code, skip))
    for code, n in sub_notes.by_code.items():
        notes.count(code, n)
    return replace(counts, rows=len(rejects), refused=counts.refused + len(again))


def _unordered(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    """Run an INSERT without keeping the source's order: DuckDB then inserts on every
    thread without waiting to put batches in order (docs/crawl-design.md)."""
    con.execute("SET preserve_insertion_order = false")
    try:
        return P.row_count(con.execute(sql))
    finally:
        con.execute("RESET preserve_insertion_order")
