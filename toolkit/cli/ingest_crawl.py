"""`guichets ingest crawl`: robot exports become probes (`--explain`: say how, write nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import (
    CrawlPathsArg,
    FormatOpt,
    PrefectureFilterOpt,
    ProcedureFilterOpt,
    StrictOpt,
    checked_paths,
)
from toolkit.cli.render import Format

if TYPE_CHECKING:
    from toolkit.ingest.crawl import Explanation

MAPPING_DOC = "docs/crawl-mapping.md"


def crawl(
    paths: CrawlPathsArg,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            "-m",
            callback=checked_paths,
            help=f"TOML mapping: [csv], [columns], [formats], [values.*], [defaults] "
            f"(see {MAPPING_DOC}; --explain writes one to start from).",
        ),
    ] = None,
    prefecture: PrefectureFilterOpt = None,
    procedure: ProcedureFilterOpt = None,
    site: Annotated[
        str | None, typer.Option("--site", help="Site (guichet) for files without one.")
    ] = None,
    source: Annotated[
        str | None,
        typer.Option("--source", help="Name of the robot or association (shown in captions)."),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Record nothing: show how each file would be read, its first rows and "
            "problems, and a mapping to edit.",
        ),
    ] = False,
    strict: StrictOpt = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Ingest robot crawl exports as probes; --prefecture/--procedure/--site fill missing
    columns. A file needs a préfecture and a procedure (a column, a default or a flag).
    How to map any export: docs/crawl-mapping.md."""
    from toolkit.ingest.crawl import explain_crawl, ingest_crawl

    if explain:
        found = [
            explain_crawl(p, mapping=mapping, prefecture=prefecture, procedure=procedure, site=site)
            for p in paths
        ]
        if fmt is Format.json:
            render.emit([e.to_dict() for e in found], fmt)
        else:
            for e in found:
                _show(e)
        raise typer.Exit(1 if any(e.refusal for e in found) else 0)
    with open_ws() as ws, render.progress("Crawl") as bar:
        report = ingest_crawl(
            ws,
            list(paths),
            mapping=mapping,
            prefecture=prefecture,
            procedure=procedure,
            site=site,
            source=source,
            strict=strict,
            progress=bar,
        )
    if fmt is Format.json:
        render.emit(report.to_dict() | {"files": report.details["files"]}, fmt)
    raise typer.Exit(render.ingest_report(report))


def _show(e: Explanation) -> None:
    """An explanation for people: what was detected, then the mapping to edit (stdout)."""
    out = render.info
    out(f"== {e.file}")
    if e.format:
        out(f"format: {e.format} (by {e.detected_by}); encoding: {e.encoding or '-'}; "
            f"delimiter: {e.delimiter!r}; header: {'yes' if e.header else 'no'}")  # fmt: skip
        out(f"columns: {', '.join(e.columns)}")
    for canonical, how in e.mapped.items():
        out(f"  {canonical:<12} <- {how['from']}  ({how['why']})")
    for n in e.notices:
        out(f"notice: {n}")
    if e.refusal:
        render.error(e.refusal)
    if e.plan:
        out(f"plan: {e.plan}; rows: {e.rows}; problems: "
            f"{sum(e.problem_counts.values())} {e.problem_counts or ''}")  # fmt: skip
    if e.preview:
        render.emit(e.preview, Format.table, title="First rows as they would be recorded")
    for p in e.problems:
        out(f"  line {p['line']} [{p['column']}] {p['code']}: {p['message']}")
    typer.echo(e.toml)


def register(app: typer.Typer) -> None:
    app.command("crawl")(crawl)
