"""How big a pièce's file will be, and how a pièce over the size limit is cut (« partie
1/2 »…): sizes are estimated from the originals (screenshots are embedded as they are), then
checked once the file is written (see :mod:`toolkit.documents.exhibits`)."""

from __future__ import annotations

import math
from dataclasses import replace

from toolkit.documents.evidence import Entry
from toolkit.documents.piece import Piece

PAGE_OVERHEAD = 6_000  # caption text and page objects, per page
FILE_OVERHEAD = 150_000  # embedded font subsets and document structure
TEXT_PAGE_ESTIMATE = 40_000
IMAGE_REENCODE_FACTOR = 1.3  # WebP/HEIC or 16-bit images are re-encoded as PNG


def _estimate(entry: Entry) -> int:
    o = entry.original
    if o is None:
        return TEXT_PAGE_ESTIMATE
    if o.family == "image":
        factor = (
            1.0 if (o.media_type or "") in ("image/png", "image/jpeg") else IMAGE_REENCODE_FACTOR
        )
        return int(o.size * factor) + PAGE_OVERHEAD
    if o.family == "pdf":
        return o.size + PAGE_OVERHEAD
    return TEXT_PAGE_ESTIMATE


def _chunks(entries: list[Entry], budget: int) -> list[list[Entry]]:
    """Consecutive runs whose estimated size stays under ``budget`` (one entry at least)."""
    out: list[list[Entry]] = []
    current: list[Entry] = []
    size = FILE_OVERHEAD
    for e in entries:
        cost = _estimate(e)
        if current and size + cost > budget:
            out.append(current)
            current, size = [], FILE_OVERHEAD
        current.append(e)
        size += cost
    if current:
        out.append(current)
    return out


def split_series(piece: Piece, budget: int) -> list[Piece]:
    """A série cut into parts that fit ``budget`` bytes."""
    chunks = _chunks(piece.entries, budget)
    if len(chunks) == 1:
        return [replace(piece, estimate=sum(map(_estimate, piece.entries)) + FILE_OVERHEAD)]
    return [
        replace(
            piece,
            entries=chunk,
            date_from=chunk[0].day,
            date_to=chunk[-1].day,
            part=i,
            parts=len(chunks),
            estimate=sum(map(_estimate, chunk)) + FILE_OVERHEAD,
        )
        for i, chunk in enumerate(chunks, start=1)
    ]


def split_original(piece: Piece, budget: int, pages: int | None) -> list[Piece]:
    """A PDF original over the budget cut into page ranges of about equal size."""
    entry = piece.entries[0]
    size = entry.original.size if entry.original else 0
    piece.estimate = size + FILE_OVERHEAD
    if not pages or pages < 2 or size + FILE_OVERHEAD <= budget:
        return [piece]
    parts = min(pages, math.ceil((size + FILE_OVERHEAD) / budget))
    bounds = [round(i * pages / parts) for i in range(parts + 1)]
    return [
        replace(
            piece,
            part=i + 1,
            parts=parts,
            page_range=(bounds[i], bounds[i + 1]),
            estimate=size // parts + FILE_OVERHEAD,
        )
        for i in range(parts)
    ]
