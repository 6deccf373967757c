"""What was ingested, batch by batch: ``guichets sources`` and ``guichets sources remove``.

A crawl file is one batch (its number is the first of its probe batches): its file, SHA-256,
mapping, defaults and what became of its rows. Other ingests (screenshots, captures,
documents, bundles) are listed by their source, without a batch number. Removing a crawl
batch deletes its probes, logs the removal in custody and keeps the original in the vault,
so that a file ingested under the wrong procedure or mapping can be removed and ingested
again.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from toolkit.workspace import Workspace


def list_sources(ws: Workspace) -> list[dict[str, Any]]:
    """Every ingest batch, oldest first (crawl files one by one)."""
    crawl = ws.rows(
        "SELECT c.batch, 'crawl' AS kind, c.name AS file, c.file_sha256 AS sha256, c.mapping, "
        "c.settings, c.rows, c.recorded, c.repeated, c.stored, c.refused, c.skipped, "
        "c.read_by, c.source_id, s.started_at AS ingested_at, "
        "json_extract_string(s.options, '$.name') AS name, "
        "(SELECT count(*) FROM probe_rows p JOIN probe_batches b ON b.batch = p.batch "
        " WHERE b.source_id = c.source_id AND b.file_sha256 = c.file_sha256) AS probes "
        "FROM crawl_files c JOIN sources s ON s.id = c.source_id ORDER BY c.batch"
    )
    out = []
    for row in crawl:
        settings = json.loads(row.pop("settings")) if row.get("settings") else {}
        row["defaults"] = settings.get("defaults", {})
        out.append(row)
    others = ws.rows(
        "SELECT NULL AS batch, kind, path AS file, NULL AS sha256, "
        "json_extract_string(options, '$.mapping') AS mapping, rows AS recorded, "
        "id AS source_id, started_at AS ingested_at FROM sources "
        "WHERE kind <> 'crawl' ORDER BY started_at"
    )
    return sorted(out + others, key=lambda r: str(r["ingested_at"]))


def remove_source(
    ws: Workspace, batch: int, *, reason: str, reviewer: str | None = None
) -> dict[str, Any]:
    """Remove the probes of crawl batch ``batch``, with the reason (kept in custody with the
    reviewer, default the OS user); the vault keeps the original. Returns what was removed."""
    from toolkit.ingest.crawl.ledger import remove

    return remove(ws, batch, reason=reason, reviewer=reviewer)
