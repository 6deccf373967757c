"""Benchmark: `guichets capture` against a bare Playwright goto + full-page screenshot, and
timestamping 1,000 vault files, side by side in one run, all on 127.0.0.1.

    .venv/bin/python bench/bench_capture.py [--rounds 7] [--files 1000] [--smoke]

Targets: one capture (fresh context, path, settle, PNG + HAR + MHTML + record, classification,
vault and DuckDB writes; no TSA) within 1.5× the bare baseline on the same page and the same
browser (median of alternating rounds); timestamping 1,000 vault files with two TSAs is one
request per TSA and under 2 s of local work (wall time minus the TSA's own time answering).
``--smoke`` runs tiny sizes, checks that everything runs and prints the figures without
judging them.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from capture.local_tsa import LocalTsa  # noqa: E402
from capture.mock_site import MockSite  # noqa: E402

from toolkit.applicants import add_applicant, get_applicant  # noqa: E402
from toolkit.workspace import init_workspace  # noqa: E402

CAPTURE_RATIO = 1.5
TIMESTAMP_LOCAL_S = 2.0


def bare(browser: object, url: str) -> float:
    """What any script would do: a new context, goto, a full-page screenshot."""
    start = time.perf_counter()
    context = browser.browser.new_context(viewport={"width": 1366, "height": 900})  # type: ignore[attr-defined]
    page = context.new_page()
    page.goto(url, wait_until="load")
    page.screenshot(full_page=True, type="png")
    context.close()
    return time.perf_counter() - start


def bench_capture(tmp: Path, rounds: int) -> tuple[float, float]:
    from toolkit.capture import capture_page
    from toolkit.capture.browser import CaptureBrowser

    with MockSite() as site, CaptureBrowser() as browser, init_workspace(tmp / "cap") as ws:
        add_applicant(ws, "bench", prefecture="76", procedure="renouvellement")
        url = site.url("/booking/create/28617/1")
        bare(browser, url)  # warm up both paths once
        capture_page(ws, url, "bench", browser=browser)
        base, ours = [], []
        for _ in range(rounds):
            base.append(bare(browser, url))
            start = time.perf_counter()
            capture_page(ws, url, "bench", browser=browser)
            ours.append(time.perf_counter() - start)
    return statistics.median(base), statistics.median(ours)


def bench_timestamp(tmp: Path, files: int) -> tuple[float, float, dict[str, int]]:
    from toolkit.capture import timestamp_files
    from toolkit.ingest.records import insert_attempt
    from toolkit.model import Attempt

    with LocalTsa(tmp / "tsa") as tsa, init_workspace(tmp / "ts") as ws:
        add_applicant(ws, "bench", prefecture="76", procedure="renouvellement")
        applicant = get_applicant(ws, "bench")
        start = datetime(2025, 1, 6, 8, tzinfo=UTC)
        with ws.transaction():
            source = ws.new_source("bench", None, {})
            for i in range(files):
                data = f"capture {i}\n".encode() * 2000  # 20 kB each
                sha = ws.store_file(data, f"capture-{i:04d}.png", "image/png")
                insert_attempt(ws, Attempt("bench", "online", start + timedelta(hours=i), "log",
                                           file_sha256=sha), applicant, source)  # fmt: skip
        before = tsa.requests.copy()
        busy = tsa.busy_seconds
        t0 = time.perf_counter()
        report = timestamp_files(ws, "bench", tsas=[tsa.url("/tsa"), tsa.url("/tsa-nochain")])
        wall = time.perf_counter() - t0
        assert [o.status for o in report.outcomes] == ["granted", "granted"], report.lines()
        requests = {k: tsa.requests[k] - before[k] for k in ("/tsa", "/tsa-nochain", "/ca.crt")}
        return wall, wall - (tsa.busy_seconds - busy), requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--smoke", action="store_true", help="Tiny sizes; report only.")
    args = parser.parse_args()
    rounds, files = (1, 20) if args.smoke else (args.rounds, args.files)
    with tempfile.TemporaryDirectory(prefix="guichets-bench-") as tmp:
        base, ours = bench_capture(Path(tmp), rounds)
        ratio = ours / base
        print(f"capture: bare goto + full-page screenshot {base * 1000:.0f} ms, "
              f"guichets capture {ours * 1000:.0f} ms (median of {rounds}); "
              f"ratio {ratio:.2f} (target ≤ {CAPTURE_RATIO})")  # fmt: skip
        wall, local, requests = bench_timestamp(Path(tmp), files)
        print(f"timestamp: {files} vault files, 2 TSAs: wall {wall:.2f} s, local work {local:.2f} s "
              f"(target < {TIMESTAMP_LOCAL_S} s); TSA requests {requests}")  # fmt: skip
    ok = (
        ratio <= CAPTURE_RATIO
        and local < TIMESTAMP_LOCAL_S
        and requests["/tsa"] == 1
        and requests["/tsa-nochain"] == 1
    )
    if args.smoke:
        print("smoke run: figures not judged")
        return 0
    print("OK" if ok else "OVER THE LIMIT")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
