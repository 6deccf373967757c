"""The OCR ingest against the `tesseract` program, on the same rendered screenshots, in one run.

Run: .venv/bin/python bench/bench_ocr.py [--count N] [--smoke]   (default 100 screenshots)

The screenshots are drawn by evidence/sample_gen/booking_screens.py: every page type of every
booking system (no slot, slots, calendar, time list, guichet step, captchas, Cloudflare,
403, ANEF maintenance and errors…), in turn on a 1366×768 desktop (Chrome and a Windows
taskbar whose clock shows the time and date) and a 1080×2280 phone (the page shows the
request's date), the clock one minute later on each image. Both sides use every core:

- baseline: the `tesseract` program once per whole image, ``-l fra+eng`` (what reading a
  screenshot costs without guichets' choices), its text classified by the same signatures;
- guichets: ``ingest_screenshots`` into a fresh workspace: decoding, hashing, metadata, OCR
  of the regions that decide, classification, the clock, and the store.

Printed: wall-clock and CPU seconds of each (CPU counts the tesseract processes too), the
speed-up, and the outcome accuracy of each against what each page shows (the target: at
least 2× faster with equal or better accuracy). ``--smoke`` renders 4 images, for CI.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "evidence"))

from sample_gen.booking_pages import PAGES  # noqa: E402
from sample_gen.booking_screens import render  # noqa: E402

from toolkit.applicants import add_applicant  # noqa: E402
from toolkit.classify import classify_text  # noqa: E402
from toolkit.classify.ocr import ocr_available, url_from_text  # noqa: E402
from toolkit.classify.pool import cores  # noqa: E402
from toolkit.workspace import Workspace, init_workspace  # noqa: E402

START = datetime(2025, 3, 12, 9, 0)
TARGET = 2.0


def screenshots(folder: Path, count: int) -> dict[str, tuple[str, datetime]]:
    """``count`` PNG files: name -> (page kind, the time its clock shows)."""
    kinds = list(PAGES)
    plan: dict[str, tuple[str, datetime]] = {}
    for i in range(count):
        kind = kinds[(i // 2) % len(kinds)]
        device = "phone" if i % 2 else "desktop"
        when = START + timedelta(minutes=i)
        name = f"shot-{i:03d}-{device}.png"
        render(kind, device=device, when=when, page_date=True, seed=name).save(folder / name)
        plan[name] = (kind, when)
    return plan


def timed(work: Callable[[], object]) -> tuple[object, float, float]:
    """(result, wall seconds, CPU seconds of this process and its children)."""
    wall, before = time.perf_counter(), os.times()
    result = work()
    after = os.times()
    cpu = sum(after[:4]) - sum(before[:4])
    return result, time.perf_counter() - wall, cpu


def baseline(folder: Path, names: list[str], workers: int) -> dict[str, str]:
    """The tesseract program once per whole image, fra+eng: name -> outcome."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(name: str) -> str:
        text = subprocess.run(
            ["tesseract", str(folder / name), "-", "-l", "fra+eng"],
            capture_output=True, text=True, check=True, env=env,
        ).stdout  # fmt: skip
        return classify_text(text, url=url_from_text(text)).outcome

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return dict(zip(names, pool.map(one, names), strict=True))


def guichets(ws: Workspace, folder: Path) -> dict[str, tuple[str, str, datetime]]:
    """The OCR ingest into a fresh workspace: name -> (outcome, time source, local time)."""
    from toolkit.ingest.screenshots import ingest_screenshots

    report = ingest_screenshots(ws, [folder], "bench", ocr=True)
    if report.problems:
        raise SystemExit(f"ingest problems: {report.problems[:3]}")
    rows = ws.rows(
        "SELECT original_name, outcome, time_source, "
        "timezone('Europe/Paris', observed_at) AS local FROM attempts"
    )
    return {r["original_name"]: (r["outcome"], r["time_source"], r["local"]) for r in rows}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="screenshots to render")
    parser.add_argument("--smoke", action="store_true", help="4 screenshots: does it run?")
    args = parser.parse_args(argv)
    count = 4 if args.smoke else args.count
    ok, detail = ocr_available()
    if not ok:
        sys.exit(f"OCR unavailable: {detail}")
    workers = cores()
    print(f"{detail}; {workers} core(s); load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-ocr-") as tmp:
        folder = Path(tmp) / "shots"
        folder.mkdir()
        plan, wall, _ = timed(lambda: screenshots(folder, count))
        assert isinstance(plan, dict)
        print(f"rendered {count} screenshots ({len(PAGES)} page types, desktop and phone) "
              f"in {wall:.1f} s")  # fmt: skip
        base, base_wall, base_cpu = timed(lambda: baseline(folder, sorted(plan), workers))
        with init_workspace(Path(tmp) / "workspace") as ws:  # the store exists before the run
            add_applicant(ws, "bench", prefecture="76", procedure="renouvellement")
            ours, our_wall, our_cpu = timed(lambda: guichets(ws, folder))
    assert isinstance(base, dict) and isinstance(ours, dict)
    truth = {name: PAGES[kind].outcome for name, (kind, _) in plan.items()}
    base_right = sum(base[n] == truth[n] for n in plan)
    our_right = sum(ours[n][0] == truth[n] for n in plan)
    clocks = sum(
        ours[n][1] == "ocr" and ours[n][2] == when for n, (_, when) in plan.items()
        if n.endswith("desktop.png")
    )  # fmt: skip
    desktops = sum(n.endswith("desktop.png") for n in plan)
    speed = base_wall / our_wall if our_wall else float("inf")
    print(f"tesseract program, whole image, fra+eng: {base_wall:6.1f} s wall, "
          f"{base_cpu / count:5.2f} CPU s/image; outcomes right {base_right}/{count}")  # fmt: skip
    print(f"guichets OCR ingest:                    {our_wall:6.1f} s wall, "
          f"{our_cpu / count:5.2f} CPU s/image; outcomes right {our_right}/{count}; "
          f"clock read on {clocks}/{desktops} desktop shots")  # fmt: skip
    print(f"speed-up: {speed:.2f}× wall, {base_cpu / our_cpu if our_cpu else 0:.2f}× CPU "
          f"(target ≥ {TARGET:g}× with accuracy ≥ the baseline's: "
          f"{'met' if speed >= TARGET and our_right >= base_right else 'NOT met'})")  # fmt: skip
    for name in sorted(plan):
        if ours[name][0] != truth[name] or base[name] != truth[name]:
            print(f"  {name} ({plan[name][0]}): expected {truth[name]}, "
                  f"baseline {base[name]}, guichets {ours[name][0]}")  # fmt: skip


if __name__ == "__main__":
    main()
