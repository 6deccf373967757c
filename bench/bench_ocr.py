"""How many screenshots per second OCR reads, with one worker and with every core.

Run: .venv/bin/python bench/bench_ocr.py [count]   (default 200 screenshots)

The screenshots are drawn with Pillow by the tests' renderer: a 1366×768 Chrome window on
an ezbooking « Vérification de disponibilité » page with the no-slot message, its URL bar,
and a Windows taskbar whose clock shows "10:06" over "12/03/2025" (the minute varies per
image, so no two files are alike). Each is encoded as PNG and goes through what an ingest
does: decode, OCR of the page and of the clock corners, classification, clock reading.

Besides wall-clock images/s, the CPU seconds per image include the tesseract
subprocesses (``os.times`` children), which are the figure to compare when other
processes share the machine; the load average is printed for the same reason.
"""

from __future__ import annotations

import io
import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from classify.test_ocr import render_screenshot

from toolkit.classify.ocr import OcrResult, ocr_available, read_many

START = datetime(2025, 3, 12, 10, 6)


def screenshots(count: int) -> list[tuple[datetime, bytes]]:
    shots = []
    for i in range(count):
        when = START + timedelta(minutes=i)
        buf = io.BytesIO()
        render_screenshot("no_slot", clock=when).save(buf, "PNG")
        shots.append((when, buf.getvalue()))
    return shots


def load(item: tuple[datetime, bytes]) -> Image.Image:
    img = Image.open(io.BytesIO(item[1]))
    img.load()
    return img


def run(shots: list[tuple[datetime, bytes]], workers: int) -> None:
    wall, before = time.perf_counter(), os.times()
    right_outcome = right_clock = 0
    for (when, _), result in read_many(shots, load, workers=workers):
        if not isinstance(result, OcrResult):
            raise result
        right_outcome += result.classification.outcome == "no_slot"
        right_clock += result.clock == when
    wall, after = time.perf_counter() - wall, os.times()
    cpu = sum(after[:4]) - sum(before[:4])  # user + system, ours and the tesseract children
    n = len(shots)
    print(
        f"{workers:>2} worker(s): {n / wall:6.2f} images/s wall, "
        f"{cpu / n:5.2f} CPU s/image, {wall:6.1f} s for {n}; "
        f"no_slot {right_outcome}/{n}, clock {right_clock}/{n}"
    )


def main(count: int = 200, workers: int | None = None) -> None:
    ok, detail = ocr_available()
    if not ok:
        sys.exit(f"OCR unavailable: {detail}")
    n = workers or os.cpu_count() or 1
    print(f"{detail}; {n} core(s); load average {os.getloadavg()[0]:.1f}")
    t = time.perf_counter()
    shots = screenshots(count)
    size = sum(len(b) for _, b in shots) / len(shots) / 1024
    print(
        f"rendered {count} screenshots (1366x768 PNG, {size:.0f} KB) in {time.perf_counter() - t:.1f} s"
    )
    for workers in sorted({1, n}):
        run(shots, workers)


if __name__ == "__main__":
    if "--smoke" in sys.argv:  # CI: two screenshots, one worker, to prove the bench runs
        main(2, workers=1)
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
