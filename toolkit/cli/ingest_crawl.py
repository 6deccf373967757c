"""`guichets ingest crawl`: robot exports become probes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import (
    CrawlPathsArg,
    PrefectureFilterOpt,
    ProcedureFilterOpt,
    StrictOpt,
    checked_paths,
)


def crawl(
    paths: CrawlPathsArg,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping",
            "-m",
            callback=checked_paths,
            help="TOML mapping: [csv], [columns], [formats], [values.*], [defaults].",
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
    strict: StrictOpt = False,
) -> None:
    """Ingest robot crawl exports as probes; --prefecture/--procedure/--site fill missing columns."""
    from toolkit.ingest.crawl import ingest_crawl

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
    raise typer.Exit(render.ingest_report(report))


def register(app: typer.Typer) -> None:
    app.command("crawl")(crawl)
