"""Everything the CLI shows: messages and progress on stderr, results on stdout."""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from toolkit.cli.state import settings

if TYPE_CHECKING:
    from rich.console import Console

    from toolkit.errors import Problem
    from toolkit.ingest.records import IngestReport
    from toolkit.progress import ProgressCallback
    from toolkit.removals import Removal


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


_err: Console | None = None


def err_console() -> Console:
    global _err
    if _err is None:
        from rich.console import Console

        _err = Console(stderr=True, highlight=False, soft_wrap=True)
    return _err


# Characters a terminal acts on instead of showing: C0 and C1 controls (ESC starts the escape
# sequences that move the cursor, retitle the window, or write a fake line), DEL, and the
# bidirectional overrides and isolates that make a name read backwards.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` as it is safe to show on a terminal: every control character (line breaks
    included) and bidirectional override written as an escape (``\\x1b``, ``\\n``,
    ``\\u202e``). A file named to fake an ``Error:`` line or to recolour the screen shows
    as what it is. Everything the CLI prints for people goes through here."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def info(message: str) -> None:
    if not settings.quiet:
        err_console().print(printable(message), markup=False)


def warn(message: str) -> None:
    if not settings.quiet:
        err_console().print(f"Warning: {printable(message)}", markup=False, style="yellow")


def error(message: str) -> None:
    err_console().print(f"Error: {printable(message)}", markup=False, style="red")


def problems(items: Sequence[Problem]) -> None:
    for p in items:
        err_console().print(f"Rejected: {printable(str(p))}", markup=False, style="red")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return str(value)


def to_json(data: Any) -> str:
    return json.dumps(data, default=_jsonable, ensure_ascii=False, indent=2)


def emit(
    data: list[dict[str, Any]] | dict[str, Any],
    fmt: Format = Format.table,
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    wrap: Sequence[str] = (),
    whole: Sequence[str] = (),
) -> None:
    """Write a result to stdout as a table (fitted to the terminal's width; ``wrap`` names
    the columns of sentences, ``whole`` those never cut, ids to copy), CSV or JSON."""
    if fmt is Format.json:
        sys.stdout.write(to_json(data) + "\n")
        return
    rows = [data] if isinstance(data, dict) else data
    if isinstance(data, dict) and fmt is Format.table:
        _emit_mapping(data, title)
        return
    cols = list(columns) if columns else (list(rows[0]) if rows else [])
    if fmt is Format.csv:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow([csv_cell(c) for c in cols])
        for r in rows:
            w.writerow([csv_cell(r.get(c)) for c in cols])
        sys.stdout.write(buf.getvalue())
        return
    from rich.console import Console

    console = Console(highlight=False)
    texts = [["" if r.get(c) is None else printable(_cell(r.get(c))) for c in cols] for r in rows]
    names = [printable(c) for c in cols]
    table, hidden = fit_table(
        names, texts, console.width, title=printable(title) if title else None, wrap=wrap,
        whole=whole,
    )  # fmt: skip
    console.print(table)
    if hidden:
        info(
            f"{len(hidden)} column(s) left out for lack of width ({', '.join(hidden)}); "
            "widen the terminal, or use --format csv or json"
        )


CAP = 100  # widest a column gets; longer values end in … (as do long ones that do not fit)
MIN_PROSE = 24  # narrowest a column of sentences gets (it wraps)
SHORTEST = 14  # narrowest a column of long values gets before columns are left out


def _header_lines(name: str, width: int) -> str:
    """A column name broken at its underscores into lines of at most ``width``."""
    parts = name.split("_")
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 1 + len(part) <= width:
            lines[-1] += "_" + part
        else:
            lines.append("_" + part)
    return "\n".join(lines)


def fit_table(
    cols: Sequence[str],
    texts: list[list[str]],
    width: int,
    *,
    title: str | None = None,
    wrap: Sequence[str] = (),
    whole: Sequence[str] = (),
) -> tuple[Any, list[str]]:
    """A rich table that fits ``width`` columns of terminal: short values never wrap,
    long ones end in « … » (``wrap`` columns hold sentences and wrap), column names break
    at their underscores, and the last columns are left out (and named) when even that
    cannot fit. A ``whole`` column (an id to copy) is never cut."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table

    widths, least, prose = [], [], []
    for i, c in enumerate(cols):
        cells = max((cell_len(t[i]) for t in texts), default=0)
        split = max(max(len(p) + 1 for p in c.split("_")), min(len(c), 10))
        is_prose = c in wrap
        prose.append(is_prose)
        widths.append(max(len(c), min(cells, MIN_PROSE if is_prose else CAP), 1))
        if (is_prose or cells > 20) and c not in whole:  # sentences, names, addresses: may end in …
            least.append(min(widths[-1], max(split, SHORTEST)))
        else:  # a time or a code is never cut; its name may break at an underscore
            least.append(max(split, cells, 1))
    shown = list(range(len(cols)))
    while len(shown) > 1 and sum(least[i] for i in shown) + 3 * len(shown) - 1 > width:
        shown.pop()
    final = {i: widths[i] for i in shown}
    excess = sum(final.values()) + 3 * len(shown) - 1 - width
    slack = {i: widths[i] - least[i] for i in shown if widths[i] > least[i]}
    if excess > 0 and slack:
        total = sum(slack.values())
        for i, room in slack.items():
            final[i] -= min(room, -(-excess * room // total))  # shares rounded up
    table = Table(title=title, box=box.SIMPLE_HEAD, header_style="bold", pad_edge=False)
    for i in shown:
        name = _header_lines(cols[i], final[i])
        if prose[i]:
            table.add_column(name, min_width=final[i], ratio=1)
        else:
            table.add_column(name, no_wrap=True, overflow="ellipsis", width=final[i])
    for t in texts:
        table.add_row(*(t[i] for i in shown))
    return table, [cols[i] for i in range(len(cols)) if i not in shown]


def csv_cell(value: Any) -> str:
    """A CSV cell no spreadsheet will run: text that a spreadsheet reads as a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR or LF first, as the workbook guards them:
    ``toolkit.export.safecell``) gets a leading apostrophe, as Excel itself writes it;
    numbers, dates and booleans are written as they are."""
    from toolkit.export.safecell import is_risky

    if value is None:
        return ""
    text = _cell(value)
    if isinstance(value, str | dict | list) and is_risky(text):
        return "'" + text
    return text


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, dict | list):
        return json.dumps(value, default=_jsonable, ensure_ascii=False)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _emit_mapping(data: dict[str, Any], title: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=printable(title) if title else None, show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value", overflow="fold")
    for k, v in data.items():
        table.add_row(printable(k), "" if v is None else printable(_cell(v)))
    Console(highlight=False).print(table)


@contextmanager
def progress(label: str) -> Iterator[ProgressCallback]:
    """A rich bar on a terminal, plain lines otherwise, nothing with --quiet."""
    if settings.quiet:
        yield lambda done, total, item: None
        return
    console = err_console()
    if console.is_terminal:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        with Progress(
            TextColumn(label),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=None)

            def update(done: int, total: int, item: str) -> None:
                bar.update(
                    task, completed=done, total=total or None, description=printable(item[:40])
                )

            yield update
        return
    state = {"last": -1}

    def plain(done: int, total: int, item: str) -> None:
        if total < 20:  # short jobs: the summary line is enough
            return
        step = max(1, total // 10)
        if done == total or done // step != state["last"]:
            if done == total and state["last"] == -2:
                return
            state["last"] = -2 if done == total else done // step
            console.print(f"{label}: {done}/{total}", markup=False)

    yield plain


def ingest_report(report: IngestReport) -> int:
    """Print an ingest report on stderr; return the exit code (1 if anything was rejected)."""
    for n in report.notices:
        info(n)
    for d in report.duplicates:
        info(f"Already ingested: {d}")
    for w in report.warnings:
        warn(w)
    problems(report.problems)
    if report.details.get("to_review"):
        info(
            f"{report.details['to_review']} attempt(s) to review: "
            f"guichets review {report.details.get('applicant', 'ID')}"
        )
    info(report.summary())
    return 1 if report.problems else 0


# what the rows removed with an attempt or a document are, in a sentence
_DEPENDENT_NAMES = {"attempt_times": "time reading(s) of its evidence"}


def removal(done: Removal, fmt: Format) -> None:
    """What a removal did: one line on stderr, the record on stdout with --format json."""
    if fmt is Format.json:
        emit(done.to_dict(), fmt)
    kept = f"; original {done.file_sha256[:12]}… kept in the vault" if done.file_sha256 else ""
    also = "".join(
        f", {n} {_DEPENDENT_NAMES.get(t, f'row(s) of {t}')}"
        for t, n in sorted(done.dependents.items())
    )
    info(f"Removed {done.kind} {done.id} of {done.applicant}{also} ({done.reason}){kept}")
