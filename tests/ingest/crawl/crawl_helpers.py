"""Shared by the crawl tests: ingest into a fresh workspace, then read rows back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.ingest.crawl import ingest_crawl
from toolkit.ingest.records import IngestReport
from toolkit.workspace import init_workspace


def ingest_and_read(
    root: Path, paths: list[Path], sql: str, **options: Any
) -> tuple[IngestReport, list[tuple[Any, ...]]]:
    """Ingest ``paths`` into a new workspace at ``root``; the rows ``sql`` reads afterwards."""
    ws = init_workspace(root)
    report = ingest_crawl(ws, list(paths), **options)
    rows = ws.sql(sql).fetchall()
    ws.close()
    return report, rows
