"""``explain_crawl``: how a crawl file would be read, and a mapping to start from — writing
nothing (it needs no workspace: DuckDB runs in memory).

It says what ``ingest_crawl`` would decide (format, encoding, delimiter, header, which
column is which and why, the typed or the general plan), shows the first rows as they would
be recorded (times in the préfecture's local time), counts the problems by rule with the
first lines, and writes a TOML mapping that spells all of this out, ready to edit and pass
back with ``--mapping``.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.ingest.crawl import formats
from toolkit.ingest.crawl.mapping import ALIASES, MAPPABLE, Mapping, resolve_columns
from toolkit.ingest.crawl.mapping_file import load_mapping
from toolkit.ingest.crawl.problems import LISTED
from toolkit.ingest.crawl.source import open_source, read_link
from toolkit.reference.fold import fold

PREVIEW = 10


@dataclass(frozen=True)
class Explanation:
    """What ``ingest_crawl`` would do with one file (see :func:`explain_crawl`)."""

    file: str
    format: str | None = None
    detected_by: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    header: bool | None = None
    columns: tuple[str, ...] = ()
    mapped: dict[str, dict[str, str]] = field(default_factory=dict)  # canonical -> source, why
    plan: str | None = None  # typed or general
    rows: int | None = None
    preview: list[dict[str, Any]] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)  # first ones, with lines
    problem_counts: dict[str, int] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    refusal: str | None = None  # why the file would be refused as a whole
    toml: str = ""

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


def explain_crawl(
    path: str | os.PathLike[str],
    *,
    mapping: str | os.PathLike[str] | Mapping | None = None,
    prefecture: str | None = None,
    procedure: str | None = None,
    site: str | None = None,
) -> Explanation:
    """How ``path`` would be read (see the module doc); nothing is written anywhere but a
    temporary folder, removed on return."""
    from toolkit.connection import connect

    base = mapping if isinstance(mapping, Mapping) else (
        load_mapping(mapping) if mapping is not None else Mapping()
    )  # fmt: skip
    base = base.with_defaults(prefecture=prefecture, procedure=procedure, site=site)
    file = Path(path)
    display = str(file)
    if not file.exists():  # a pipe or device: open_source says what it is
        raise InputError(f"{display}: no such file; check the path")
    if file.is_dir():
        raise InputError(f"{display}: a folder; --explain reads one crawl file: give a file in it")
    con = connect(Path(":memory:"), read_only=False)  # the store's settings, no file
    with tempfile.TemporaryDirectory(prefix="guichets-explain-") as tmp:
        work = Path(tmp)
        source = open_source(file, work / "vault", display)
        try:
            return _explain(con, source, base, work)
        finally:
            source.discard()
            con.close()


def _explain(con: Any, source: Any, mapping: Mapping, work: Path) -> Explanation:
    from toolkit.ingest.crawl.insert import general_plan_for, readable
    from toolkit.ingest.crawl.lines import locate
    from toolkit.ingest.crawl.problems import drop_rejects, reader_rejects
    from toolkit.ingest.crawl.sql.typed import typed_plan

    display = source.display
    try:
        spec = formats.read(con, source, mapping, work, read_link(source.origin, work, 0))
    except InputError as e:
        return Explanation(display, refusal=str(e), toml=_toml(mapping, {}, None, display))
    basics: dict[str, Any] = {
        "format": spec.format, "detected_by": spec.detected_by, "encoding": spec.encoding,
        "delimiter": spec.dialect.delimiter if spec.dialect else None, "header": spec.header,
        "columns": tuple(spec.columns), "notices": spec.notices,
    }  # fmt: skip
    if spec.header and _looks_like_data(spec.columns):
        basics["notices"] = (*spec.notices, f"{display}: the first line looks like data, not "
                             "column names: if the file has no header, set [csv] header = false "
                             "and give [columns] by position (1, 2, …)")  # fmt: skip
    try:
        found = resolve_columns(mapping, list(spec.columns), display)
    except InputError as e:
        why = _why(mapping, spec.columns, {})
        return Explanation(display, **basics, mapped=why, refusal=str(e),
                           toml=_toml(mapping, {}, spec, display))  # fmt: skip
    try:
        spec, layout = readable(con, source, spec, work)
    except InputError as e:
        return Explanation(
            display, **basics, refusal=str(e), toml=_toml(mapping, {}, spec, display)
        )
    typed = typed_plan(con, spec, found, mapping)
    plan = general_plan_for(spec, found, mapping)
    cols = ("prefecture", "site", "procedure", "outcome", "slots", "first_slot", "second_slot",
            "http_status", "url")  # fmt: skip
    preview = con.execute(
        f"SELECT __line, strftime(timezone(tz, observed_at), '%Y-%m-%d %H:%M:%S') || ' ' || "
        f"coalesce(tz, ''), {', '.join(cols)}, problem FROM ({plan.rows(numbered=True)}) "
        f"LIMIT {PREVIEW}"
    ).fetchall()
    drop_rejects(con)
    tally = {k: int(n) for k, n, _ in con.execute(plan.tally(plan.source)).fetchall()}
    refusals = reader_rejects(con)
    refused = list(refusals.first)
    rules = plan.rules
    listed = con.execute(plan.listing(LISTED)).fetchall()
    where: dict[tuple[str, int], int] = {}
    if layout is not None and spec.line_kind == "row":  # the file's own line numbers
        numbers = [int(r[0]) for r in preview] + [int(n) for n, _, _ in listed]
        where = locate(spec.read_path, quoted=spec.quoted, rows=numbers, header=spec.header,
                       lines=[r.line for r in refused[:LISTED]],
                       rejected=frozenset(refusals.lines))  # fmt: skip
    rows = [
        {"line": where.get(("row", int(r[0])), int(r[0])), "observed_at_local": r[1],
         **dict(zip(cols, r[2:-1], strict=True)),
         "problem": rules[int(r[-1]) - 1].code if r[-1] is not None else None}
        for r in preview
    ]  # fmt: skip
    problems = [
        {"line": where.get(("row", int(n)), int(n)), "code": rules[int(k) - 1].code,
         "column": rules[int(k) - 1].column, "message": str(m)}
        for n, k, m in listed
    ] + [{"line": where.get(("line", r.line), r.line), "code": "reader.refused",
          "column": r.column, "message": f"line refused by the CSV reader ({r.message})"}
         for r in refused[:LISTED]]  # fmt: skip
    counts = {rules[int(k) - 1].code: n for k, n in tally.items() if k is not None}
    if refusals:
        counts["reader.refused"] = len(refusals)
    return Explanation(
        display, **basics, mapped=_why(mapping, spec.columns, found),
        plan="typed" if typed is not None else "general",
        rows=sum(tally.values()) + len(refusals), preview=_jsonable(rows), problems=problems,
        problem_counts=counts, toml=_toml(mapping, found, spec, display),
    )  # fmt: skip


def _looks_like_data(names: tuple[str, ...]) -> bool:
    """Whether most names start with a digit (a date, a count): a first line of data."""
    import re

    return sum(bool(re.match(r"\s*\d", n)) for n in names) * 2 > len(names)


def _why(
    mapping: Mapping, columns: tuple[str, ...], found: dict[str, str]
) -> dict[str, dict[str, str]]:
    """For each probe column: the file's column or constant it comes from, and why."""
    out: dict[str, dict[str, str]] = {}
    for canonical in MAPPABLE:
        if canonical in found:
            name = found[canonical]
            if canonical in mapping.columns:
                why = f"[columns] in {mapping.origin}"
            elif fold(name) == fold(canonical):
                why = "header is the column's name"
            else:
                why = f"header {name!r} is a known word for {canonical}"
            out[canonical] = {"from": name, "why": why}
        elif canonical in mapping.defaults:
            out[canonical] = {"from": f"= {mapping.defaults[canonical]}",
                              "why": "default (command line or [defaults])"}  # fmt: skip
    return out


def _jsonable(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items()}
            for r in rows]  # fmt: skip


def _toml(
    mapping: Mapping, found: dict[str, str], spec: formats.ReadSpec | None, display: str
) -> str:
    """A mapping that spells out what was detected, with what is left to fill commented."""

    def q(value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
        return f'"{text}"'

    lines = [f"# Mapping for {Path(display).name} (written by guichets ingest crawl --explain).",
             "# Edit it, then: guichets ingest crawl FILE --mapping THIS.toml",
             "# Every key: docs/crawl-mapping.md"]  # fmt: skip
    if spec is not None:
        lines.append(f"format = {q(spec.format)}")
        if spec.format == "csv" and spec.dialect is not None:
            header = spec.header and not _looks_like_data(spec.columns)
            lines += ["", "[csv]", f"delimiter = {q(spec.dialect.delimiter)}",
                      f"encoding = {q(spec.encoding or 'utf-8')}", f"header = {q(header)}"]  # fmt: skip
    lines += ["", "[columns]  # probe column = the file's column (its name, or 1-based position)"]
    columns = list(spec.columns) if spec else []
    data = _looks_like_data(tuple(columns))
    if data:  # no header: show what each position holds
        shown = ", ".join(f"{i} = {c[:20]!r}" for i, c in enumerate(columns[:12], 1))
        lines.append(f"# the first line holds: {shown}")
    for canonical in MAPPABLE:
        if canonical in found:
            ref: object = found[canonical]
            if spec is not None and not spec.header and ref in columns:
                ref = columns.index(str(ref)) + 1
            lines.append(f"{canonical} = {q(ref)}")
        elif canonical in ("observed_at", "prefecture", "procedure", "outcome", "slots"):
            hint = " or ".join(repr(w) for w in ALIASES.get(canonical, ())[:2])
            example = "1  # its position" if data else f'"…"  # e.g. a header such as {hint}'
            lines.append(f"# {canonical} = {example}")
    formats_given = dict(mapping.formats)
    lines += ["", '[formats]  # strptime formats, e.g. "%d/%m/%Y %H:%M"; zone = "UTC"']
    for key, value in formats_given.items():
        lines.append(f"{key} = {q(value)}")
    if mapping.zone:
        lines.append(f"zone = {q(mapping.zone)}")
    if not formats_given:
        lines.append('# observed_at = "%d/%m/%Y %H:%M"')
    lines += ["", "[defaults]  # constants for columns the file lacks or leaves blank"]
    for key, value in mapping.defaults.items():
        lines.append(f"{key} = {q(value)}")
    for needed in ("prefecture", "procedure"):
        if needed not in found and needed not in mapping.defaults:
            example = "76" if needed == "prefecture" else "renouvellement"
            lines.append(f"# {needed} = {q(example)}")
    for column, table in mapping.values.items():
        lines += ["", f"[values.{column}]"]
        lines += [f"{q(k)} = {q(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"
