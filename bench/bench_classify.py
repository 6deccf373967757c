"""How many pages per second the classifier handles on the test fixtures.

Run: .venv/bin/python bench/bench_classify.py [rounds]
Each round decodes and classifies every saved page (bytes, as read from disk) and
every plain-text fixture (OCR, PDF text layer) once.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from toolkit.classify import classify_html, classify_text

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "pages"


def _rate(
    label: str, run: Callable[[Any], object], items: Sequence[bytes | str], rounds: int
) -> None:
    size = sum(len(item) for item in items)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(rounds):
        for item in items:
            run(item)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    pages = rounds * len(items)
    # CPU time is the figure to compare: wall time also counts other processes' turns.
    print(
        f"{label:<24} {len(items):>3} files, mean {size / len(items) / 1024:5.1f} KB: "
        f"{pages / cpu:7.0f} pages/s CPU ({rounds * size / cpu / 2**20:5.1f} MB/s), "
        f"{pages / wall:7.0f} pages/s wall"
    )


def _padded(page: bytes, size: int) -> bytes:
    """The page with its main menu repeated, up to ``size`` bytes, as on heavier sites."""
    start = page.index(b'<nav class="fr-nav"')
    end = page.index(b"</nav>", start) + len(b"</nav>")
    while len(page) + end - start <= size:
        page = page[:end] + page[start:end] + page[end:]
    return page


def main(rounds: int = 200) -> None:
    pages = [p.read_bytes() for p in sorted(FIXTURES.glob("*.html"))]
    typical = [page for page in pages if 15 * 1024 <= len(page) <= 60 * 1024]
    texts = [p.read_text("utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    classify_html(pages[0])  # load the signature table outside the timing
    _rate("saved pages (all)", classify_html, pages, rounds)
    _rate("saved pages (15-60 KB)", classify_html, typical, rounds)
    heavy = [_padded((FIXTURES / "ezbooking-no-slot.html").read_bytes(), 60 * 1024)]
    assert classify_html(heavy[0]).outcome == "no_slot"
    _rate("saved pages (padded)", classify_html, heavy * 10, rounds)
    _rate("plain text (OCR, PDF)", classify_text, texts, rounds)


if __name__ == "__main__":
    if "--smoke" in sys.argv:  # CI: one round, to prove the bench runs
        main(1)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
