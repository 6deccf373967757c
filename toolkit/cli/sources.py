"""`guichets sources`: what was ingested, batch by batch; `sources remove` undoes one."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import FormatOpt
from toolkit.cli.render import Format

app = typer.Typer(
    help="Ingest batches: file, sha256, mapping, rows; remove one (robots: `source`).",
    invoke_without_command=True,
)
COLUMNS = ("batch", "kind", "file", "sha256", "mapping", "defaults", "rows", "recorded",
           "repeated", "stored", "refused", "ingested_at")  # fmt: skip


@app.callback()
def sources(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """List the ingest batches, oldest first."""
    if ctx.invoked_subcommand is not None:
        return
    from toolkit.ingest.sources import list_sources

    with open_ws(read_only=True) as ws:
        rows = list_sources(ws)
    if fmt is not Format.json:
        rows = [{**r, "sha256": (r["sha256"] or "")[:12]} for r in rows]
    render.emit(rows, fmt, columns=COLUMNS, title="Sources")


@app.command("remove")
def remove(
    batch: Annotated[int, typer.Argument(help="The batch number `guichets sources` shows.")],
    fmt: FormatOpt = Format.table,
) -> None:
    """Remove one crawl batch's probes (the original stays in the vault; custody logged)."""
    from toolkit.ingest.sources import remove_source

    with open_ws() as ws:
        removed = remove_source(ws, batch)
    if fmt is Format.json:
        render.emit(removed, fmt)
    render.info(f"Removed batch {batch}: {removed['probes_removed']} probe(s) of {removed['file']}")
