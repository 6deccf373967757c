"""Benchmark: an exhibit folder for 1,000 screenshots (1280×800 PNG), in one process.

    .venv/bin/python bench/bench_exhibits.py [--screenshots 1000] [--keep DIR]

Targets: under 60 s on one core, peak memory under 1 GB. Screenshots are generated and
recorded first (not timed); then ``build_exhibits`` is timed. Peak memory is the
process's peak resident set size (``getrusage``), which covers generation too.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from toolkit.applicants import add_applicant, get_applicant
from toolkit.documents import build_exhibits
from toolkit.ingest.records import insert_attempt
from toolkit.model import Attempt
from toolkit.workspace import init_workspace

TIME_LIMIT_S = 60
MEMORY_LIMIT_MB = 1024


def screenshot(i: int, rnd: random.Random) -> bytes:
    """A 1280×800 page: a header, a few lines of text, a coloured block, a clock."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (1280, 800), (246, 246, 246))
    d = ImageDraw.Draw(img)
    d.rectangle([0, 0, 1280, 64], fill=(0, 0, 145))
    d.text((24, 22), "Préfecture - Prise de rendez-vous", fill=(255, 255, 255))
    for k in range(18):
        d.text(
            (60 + rnd.randint(0, 40), 110 + 32 * k),
            f"Il n'existe plus de plage horaire libre ({i}.{k})",
            fill=(30, 30, 30),
        )
    d.rectangle(
        [880, 140, 1220, 420], fill=(rnd.randint(0, 255), rnd.randint(0, 255), rnd.randint(0, 255))
    )
    d.text((1180, 770), f"{i % 24:02d}:{i % 60:02d}", fill=(0, 0, 0))
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def populate(root: Path, n: int) -> int:
    rnd = random.Random(2025)
    zone = ZoneInfo("Europe/Paris")
    start = datetime(2025, 1, 6, 7, 0, tzinfo=zone)
    total = 0
    with init_workspace(root) as ws:
        add_applicant(ws, "bench", prefecture="76", procedure="renouvellement", permit_expiry="2025-06-30",
                      full_name="Personne Fictive")  # fmt: skip
        a = get_applicant(ws, "bench")
        with ws.transaction():
            src = ws.new_source("bench", None, {})
            for i in range(n):
                data = screenshot(i, rnd)
                total += len(data)
                name = f"capture-{i:04d}.png"
                sha = ws.store_file(data, name, "image/png")
                when = start + timedelta(hours=2.1 * i + rnd.random())
                att = Attempt("bench", "online", when, "log", outcome="no_slot", file_sha256=sha,
                              original_name=name, url="https://www.seine-maritime.gouv.fr/booking/create/28617/1")  # fmt: skip
                insert_attempt(ws, att, a, src)
    return total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--screenshots", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="Keep the exhibit folder here.")
    parser.add_argument("--smoke", action="store_true", help="CI: 5 screenshots, no limits")
    args = parser.parse_args()
    if args.smoke:
        args.screenshots = 5
    tmp = Path(tempfile.mkdtemp(prefix="guichets-bench-"))
    try:
        t0 = time.perf_counter()
        size = populate(tmp / "ws", args.screenshots)
        print(
            f"generated {args.screenshots} screenshots ({size / 1e6:.0f} MB) in {time.perf_counter() - t0:.1f} s"
        )
        from toolkit.workspace import open_workspace

        out = args.keep or tmp / "pieces"
        with open_workspace(tmp / "ws") as ws:
            t1 = time.perf_counter()
            result = build_exhibits(ws, "bench", out)
            elapsed = time.perf_counter() - t1
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
        if sys.platform == "darwin":
            peak_mb /= 1024  # bytes on macOS
        biggest = max(p.size for p in result.pieces) / 1e6
        print(
            f"exhibits: {len(result.pieces)} pièces, {result.pages} pages, largest file {biggest:.1f} MB"
        )
        print(f"time: {elapsed:.1f} s (limit {TIME_LIMIT_S} s)")
        print(f"peak memory (RSS): {peak_mb:.0f} MB (limit {MEMORY_LIMIT_MB} MB)")
        ok = args.smoke or (elapsed < TIME_LIMIT_S and peak_mb < MEMORY_LIMIT_MB)
        print("OK" if ok else "OVER THE LIMIT")
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
