"""The crawl files a workspace holds (table ``crawl_files``, schema 010): what each one held,
how it was read, and what became of each of its rows; removing one file's probes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from toolkit.errors import NotFound

if TYPE_CHECKING:
    import duckdb

    from toolkit.workspace import Workspace

COUNTS = ("rows", "recorded", "repeated", "stored", "refused", "skipped")


@dataclass(frozen=True)
class KnownFile:
    """A file already recorded with the same bytes, mapping and defaults."""

    batch: int
    name: str | None
    recorded: int | None


def known(con: duckdb.DuckDBPyConnection, digest: str, settings_sha256: str) -> KnownFile | None:
    """The earlier ingest of these bytes under these settings, if any."""
    row = con.execute(
        "SELECT batch, name, recorded FROM crawl_files WHERE file_sha256 = ? AND "
        "settings_sha256 = ? ORDER BY batch LIMIT 1",
        [digest, settings_sha256],
    ).fetchone()
    return KnownFile(int(row[0]), row[1], row[2]) if row else None


def same_size_known(con: duckdb.DuckDBPyConnection, size: int, settings_sha256: str) -> bool:
    """Whether a file of this size was recorded under these settings (only then can the
    file be « already ingested »: the ingest waits for its hash only then)."""
    row = con.execute(
        "SELECT count(*) FROM crawl_files c JOIN files f ON f.sha256 = c.file_sha256 "
        "WHERE f.size = ? AND c.settings_sha256 = ?",
        [size, settings_sha256],
    ).fetchone()
    return bool(row and row[0])


def record(con: duckdb.DuckDBPyConnection, values: dict[str, Any]) -> None:
    """Add one file's row (``values``: the table's columns)."""
    names = list(values)
    con.execute(
        f"INSERT INTO crawl_files ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [json.dumps(v, sort_keys=True) if isinstance(v, dict) else v for v in values.values()],
    )


def batches_of(con: duckdb.DuckDBPyConnection, batch: int) -> tuple[str, str, list[int]]:
    """(source id, sha256, every probe batch) of the crawl file listed as ``batch``."""
    row = con.execute(
        "SELECT source_id, file_sha256 FROM crawl_files WHERE batch = ?", [batch]
    ).fetchone()
    if row is None:
        listed = [r[0] for r in con.execute("SELECT batch FROM crawl_files ORDER BY 1").fetchall()]
        hint = ", ".join(str(b) for b in listed[:20]) or "none"
        raise NotFound(f"no crawl batch {batch}; `guichets sources` lists them (batches: {hint})")
    numbers = con.execute(
        "SELECT batch FROM probe_batches WHERE source_id = ? AND file_sha256 = ? ORDER BY 1",
        [row[0], row[1]],
    ).fetchall()
    return str(row[0]), str(row[1]), [int(n[0]) for n in numbers]


def remove(
    ws: Workspace, batch: int, *, reason: str, reviewer: str | None = None
) -> dict[str, Any]:
    """Remove the probes of the crawl file listed as ``batch`` (the vault keeps the
    original; custody logs what was removed, why and by whom). Returns what was removed."""
    from toolkit.removals import check_reason
    from toolkit.workspace import actor

    why = check_reason(reason)
    who = " ".join((reviewer or "").split()) or actor()
    with ws.transaction():
        source_id, digest, numbers = batches_of(ws.con, batch)
        info = ws.rows("SELECT * FROM crawl_files WHERE batch = ?", [batch])[0]
        removed = 0
        if numbers:
            marks = ", ".join("?" * len(numbers))
            removed = int(
                ws.scalar(f"SELECT count(*) FROM probe_rows WHERE batch IN ({marks})", numbers)
            )
            ws.con.execute(f"DELETE FROM probe_rows WHERE batch IN ({marks})", numbers)
            ws.con.execute(f"DELETE FROM probe_batches WHERE batch IN ({marks})", numbers)
        ws.con.execute("DELETE FROM crawl_files WHERE batch = ?", [batch])
        ws.con.execute("UPDATE sources SET rows = rows - ? WHERE id = ?", [removed, source_id])
        detail = {
            "batch": batch, "source": source_id, "file": info["name"], "sha256": digest,
            "probes_removed": removed, "mapping": info["mapping"],
            "settings": info["settings"], "vault": "original kept", "reason": why,
            "reviewer": who,
        }  # fmt: skip
        ws.log_custody("sources.remove", detail)
    return detail
