"""`guichets sources`: what was ingested, batch by batch; `sources remove` undoes one."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import FormatOpt, ReasonOpt, ReviewerOpt
from toolkit.cli.render import Format

app = typer.Typer(
    help="Ingest batches: file, sha256, mapping, rows; remove one (robots: `source`).",
    invoke_without_command=True,
)
COLUMNS = ("batch", "kind", "file", "sha256", "mapping", "defaults", "rows", "recorded",
           "repeated", "stored", "refused", "ingested_at")  # fmt: skip
# a table for people: the same, narrower (sha256 and time shortened, defaults as k=v)
TABLE_COLUMNS = ("batch", "kind", "file", "sha256", "mapping", "defaults", "rows", "recorded",
                 "repeated", "stored", "refused", "ingested")  # fmt: skip


@app.callback()
def sources(ctx: typer.Context, fmt: FormatOpt = Format.table) -> None:
    """List the ingest batches, oldest first."""
    if ctx.invoked_subcommand is not None:
        return
    from toolkit.ingest.sources import list_sources

    with open_ws(read_only=True) as ws:
        rows = list_sources(ws)
    if fmt is Format.table:
        rows = [_for_people(r) for r in rows]
    render.emit(rows, fmt, columns=TABLE_COLUMNS if fmt is Format.table else COLUMNS,
                title="Sources", whole=("batch",))  # fmt: skip


def _for_people(row: dict[str, Any]) -> dict[str, Any]:
    defaults = row.get("defaults") or {}
    return {
        **row,
        "sha256": (row["sha256"] or "")[:12],
        "defaults": " ".join(f"{k}={v}" for k, v in sorted(defaults.items())),
        "ingested": str(row["ingested_at"] or "")[:16],
    }


@app.command("remove")
def remove(
    batch: Annotated[int, typer.Argument(help="The batch number `guichets sources` shows.")],
    reason: ReasonOpt,
    reviewer: ReviewerOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Remove one crawl batch's probes, with the reason (the original stays in the vault;
    custody logged)."""
    from toolkit.ingest.sources import remove_source

    with open_ws() as ws:
        removed = remove_source(ws, batch, reason=reason, reviewer=reviewer)
    if fmt is Format.json:
        render.emit(removed, fmt)
    render.info(f"Removed batch {batch}: {removed['probes_removed']} probe(s) of {removed['file']}")
