"""Benchmark: ingest of a robot crawl CSV against DuckDB's own read_csv into a table.

    python bench/bench_crawl.py [--rows 10000000] [--repeat 1] [--keep DIR] [--start DAY]
                                [--offsets]

Generates a canonical crawl CSV (header, 15 préfectures in six time zones, three sites and
procedures, about 110 bytes a row; times as a robot's local clock shows them, or with their
UTC offset with ``--offsets``), then runs, side by side and each in a fresh process and a
fresh database file:

- bare: ``CREATE TABLE t AS SELECT * FROM read_csv(path)`` (DuckDB's type sniffing);
- kept: what any evidence tool must add to it, done one after the other — the file's
  SHA-256, a copy beside the database (flushed to disk), then the same ``read_csv``;
- guichets: ``ingest_crawl`` into a fresh workspace (hash, vault copy, mapping, typing,
  time zones, validation, dedupe, one transaction).

Each run starts from a quiet disk (``sync``) and its files are removed after it; the order of
the three kinds turns from one round to the next. Prints the times, the ratio to bare (the issue's target: under 1.3), the median of each
run's own ratio (the three kinds run one after the other in each run, so a drift in the
machine's speed between runs cancels out), the ratio to kept, the CPU-time ratio and each
process's peak RSS. By default the naive times go through the autumn clock change: the rows
of its repeated hour share their key, and ``ingest_crawl`` records the first of each
(``--start 2024-11-04`` avoids it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PREFECTURES = ("01", "13", "2A", "38", "59", "69", "75-PP", "76", "93", "94", "971", "973",
               "974", "975", "976")  # fmt: skip


def generate(path: Path, rows: int, start: str = "2024-01-01", offsets: bool = False) -> None:
    import duckdb

    from toolkit.reference import get_prefecture

    codes = ", ".join(f"'{c}'" for c in PREFECTURES)
    zones = " ".join(f"WHEN '{c}' THEN '{get_prefecture(c).tz}'" for c in PREFECTURES)
    when = "strftime(observed_at, '%Y-%m-%d %H:%M:%S')"
    if offsets:  # ISO 8601 with the UTC offset, as the sample robot writes
        minutes = "CAST((epoch_us(observed_at) - epoch_us(utc)) // 60000000 AS INTEGER)"
        when = (
            f"strftime(observed_at, '%Y-%m-%dT%H:%M:%S') || CASE WHEN {minutes} < 0 THEN '-' "
            f"ELSE '+' END || lpad(CAST(abs({minutes}) // 60 AS VARCHAR), 2, '0') || ':' || "
            f"lpad(CAST(abs({minutes}) % 60 AS VARCHAR), 2, '0')"
        )
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false; SET TimeZone = 'UTC'")
    con.execute(
        f"""
        COPY (
            WITH base AS (
                SELECT i, [{codes}][1 + i % 15] AS prefecture,
                       TIMESTAMPTZ '{start} 00:00:00+00' + to_minutes((i // 45) * 2) AS utc,
                       ['renouvellement', 'premiere-demande', 'naturalisation'][1 + (i // 15) % 3]
                           AS procedure,
                       hash(i) % 100 AS r
                FROM range({rows}) t(i)
            )
            , local AS (
                SELECT *, timezone(CASE prefecture {zones} END, utc) AS observed_at FROM base
            )
            SELECT {when} AS observed_at, prefecture,
                   'site-' || ((i // 15) % 3) AS site, procedure,
                   'https://www.example.gouv.fr/booking/create/' || (1000 + i % 50) || '/1' AS url,
                   CASE WHEN r < 70 THEN 'no_slot' WHEN r < 90 THEN 'slots_available'
                        ELSE 'error' END AS outcome,
                   CASE WHEN r < 70 THEN 0 WHEN r < 90 THEN r - 69 END AS slots,
                   CASE WHEN r BETWEEN 70 AND 89 THEN CAST(observed_at AS DATE) + CAST(r AS INT)
                   END AS first_slot,
                   CASE WHEN r BETWEEN 75 AND 89
                        THEN CAST(observed_at AS DATE) + CAST(r AS INT) + 3 END AS second_slot,
                   CASE WHEN r < 90 THEN 200 ELSE 503 END AS http_status
            FROM local
        ) TO '{path}' (HEADER, DELIMITER ',')
        """
    )
    con.close()


CHILD = r"""
import json, resource, sys, time
kind, csv_path, target = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, sys.argv[4])
if kind in ("bare", "kept"):
    import duckdb, hashlib, os, shutil
    con = duckdb.connect(target)
    con.execute("SET enable_progress_bar = false")
    t = time.perf_counter()
    if kind == "kept":
        digest = hashlib.sha256()
        with open(csv_path, "rb") as f:
            while chunk := f.read(4 << 20):
                digest.update(chunk)
        copy = target + ".original"
        shutil.copyfile(csv_path, copy)
        fd = os.open(copy, os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{csv_path}')")
    con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
else:
    from toolkit.workspace import init_workspace
    from toolkit.ingest.crawl import ingest_crawl
    ws = init_workspace(target)
    t = time.perf_counter()
    report = ingest_crawl(ws, [csv_path])
    ws.con.execute("CHECKPOINT")
    elapsed = time.perf_counter() - t
    rows = report.rows + sum(f["duplicates"] for f in report.details["files"].values())
    assert not report.problems, report.problems[:3]
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": elapsed, "rows": rows, "peak_mb": usage.ru_maxrss / 1024,
                  "cpu": usage.ru_utime + usage.ru_stime}))
"""


def run(kind: str, csv_path: Path, work: Path, n: int) -> dict[str, float]:
    """One timed run in a fresh process, from a quiet disk; its database and copies are
    removed afterwards (1.5 GB a run at 10 M rows), so that every run finds the same disk."""
    target = work / f"{kind}-{n}" / ("ws" if kind == "guichets" else "bare.duckdb")
    if target.parent.exists():
        shutil.rmtree(target.parent)
    target.parent.mkdir(parents=True)
    os.sync()  # the previous run's writes and removals are not this run's cost
    try:
        out = subprocess.run(
            [sys.executable, "-c", CHILD, kind, str(csv_path), str(target), str(ROOT)],
            capture_output=True, text=True,
        )  # fmt: skip
    finally:
        shutil.rmtree(target.parent, ignore_errors=True)
    if out.returncode:
        raise SystemExit(f"{kind} run failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--keep",
        type=Path,
        help="folder for the generated CSV, kept for later runs (each run's databases are removed)",
    )
    parser.add_argument(
        "--start", default="2024-01-01",
        help="first day of the generated crawl (10 M rows cover 309 days; from 2024-11-04 "
        "they miss the autumn clock changes of Paris and Miquelon, so no row repeats)",
    )  # fmt: skip
    parser.add_argument(
        "--offsets", action="store_true",
        help="write times with their UTC offset (2024-03-12T09:00:00+01:00) instead of naive",
    )  # fmt: skip
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        kind = "-offsets" if args.offsets else ""
        csv_path = work / f"crawl-{args.rows}-{args.start}{kind}.csv"
        if not csv_path.exists():
            t = time.perf_counter()
            generate(csv_path, args.rows, args.start, args.offsets)
            size = csv_path.stat().st_size / 2**20
            print(
                f"generated {args.rows:,} rows, {size:,.0f} MB in {time.perf_counter() - t:.1f} s"
            )
        results: dict[str, list[dict[str, float]]] = {"bare": [], "kept": [], "guichets": []}
        kinds = list(results)
        for n in range(args.repeat):
            # each run starts the round at another kind, so that no kind always follows
            # the same one (a run can slow the next: the disk still writing, memory reclaimed)
            for kind in kinds[n % 3 :] + kinds[: n % 3]:
                r = run(kind, csv_path, work, n)
                results[kind].append(r)
                print(f"  {kind:9} run {n + 1}: {r['seconds']:7.2f} s (CPU {r['cpu']:.1f} s), "
                      f"{int(r['rows']):,} rows, peak RSS {r['peak_mb']:,.0f} MB")  # fmt: skip
        bare = statistics.median(r["seconds"] for r in results["bare"])
        kept = statistics.median(r["seconds"] for r in results["kept"])
        ours = statistics.median(r["seconds"] for r in results["guichets"])
        print(f"rows: {args.rows:,}")
        print(f"bare read_csv -> table:        {bare:.2f} s (median of {args.repeat})")
        print(f"hash + copy + read_csv:        {kept:.2f} s (median of {args.repeat})")
        print(f"guichets ingest crawl:         {ours:.2f} s (median of {args.repeat})")
        print(f"ingest ratio: {ours / bare:.2f} (target < 1.3)")
        runs = zip(results["guichets"], results["bare"], strict=True)
        pairs = [g["seconds"] / b["seconds"] for g, b in runs]
        print(f"median of each run's ratio (steadier when the machine's speed drifts): "
              f"{statistics.median(pairs):.2f} ({', '.join(f'{r:.2f}' for r in pairs)})")  # fmt: skip
        print(f"ratio to hash + copy + read_csv: {ours / kept:.2f}")
        print(f"hash + copy + read_csv against bare (the floor an evidence tool starts from "
              f"when it does them one after the other): {kept / bare:.2f}")  # fmt: skip
        cpu_bare = statistics.median(r["cpu"] for r in results["bare"])
        cpu_ours = statistics.median(r["cpu"] for r in results["guichets"])
        print(f"CPU-time ratio (less sensitive to other load on the machine): "
              f"{cpu_ours / cpu_bare:.2f}")  # fmt: skip
        print(f"peak RSS: bare {max(r['peak_mb'] for r in results['bare']):,.0f} MB, "
              f"guichets {max(r['peak_mb'] for r in results['guichets']):,.0f} MB")  # fmt: skip


if __name__ == "__main__":
    main()
