"""`guichets export bundle|xlsx`: what may leave the workspace, without identity."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import FormatOpt, OutFileOpt, checked_paths
from toolkit.cli.render import Format

app = typer.Typer(
    help="Share the evidence without identity: pseudonymised bundles, Excel workbooks.",
    no_args_is_help=True,
)

KeyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--key-file",
        help="Pseudonymisation key shared by an association [default: the workspace's secret.key].",
        callback=checked_paths,
    ),
]


@app.command("bundle")
def bundle(
    out: OutFileOpt,
    applicant: Annotated[
        list[str] | None,
        typer.Option("--applicant", "-a", help="Only this applicant (repeat for several)."),
    ] = None,
    key_file: KeyFileOpt = None,
    with_files: Annotated[
        bool,
        typer.Option(
            "--with-files",
            help="Add the originals (screenshots may show names: not pseudonymised).",
        ),
    ] = False,
    fmt: FormatOpt = Format.table,
) -> None:
    """Write a pseudonymised bundle (.zip of Parquet tables and a manifest) for an association."""
    from toolkit.export.bundle import export_bundle

    with open_ws() as ws:
        result = export_bundle(
            ws, out, applicants=applicant or None, key_file=key_file, with_files=with_files
        )
    if fmt is not Format.table:
        render.emit(result.to_dict(), fmt)
    counts = ", ".join(f"{n} {name}" for name, n in result.tables.items())
    render.info(f"Bundle written: {result.path} ({counts}); key {result.key_fingerprint}")
    if result.key_created:
        render.info(
            f"New pseudonymisation key: {result.key_path}. Keep it secret; lawyers of one "
            "association use the same key file (--key-file) so that pseudonyms match."
        )
    if with_files:
        render.warn(
            f"{result.files} original(s) in files/ are not pseudonymised and may show names; "
            "send this bundle only to someone allowed to see them"
        )


@app.command("xlsx")
def xlsx(
    out: OutFileOpt,
    prefecture: Annotated[
        str | None,
        typer.Option("--prefecture", "-p", help="Only this préfecture (code or name)."),
    ] = None,
    min_cell: Annotated[
        int,
        typer.Option("--min-cell", help="Hide figures about fewer applicants than this."),
    ] = 5,
) -> None:
    """Write an Excel workbook: indicators, monthly series, La Cimade buckets, applicants."""
    from toolkit.export.xlsx import export_xlsx

    with open_ws() as ws:
        path = export_xlsx(ws, out, prefecture=prefecture, min_cell=min_cell)
    render.info(f"Workbook written: {path}")


def register(parent: typer.Typer) -> None:
    parent.add_typer(app, name="export")
