"""Benchmark: ingest of robot crawl CSVs against DuckDB's own read_csv into a table.

    python bench/bench_crawl.py [--rows 10000000] [--small 2000000] [--bad-size 2000000]
                                [--repeat 5] [--keep DIR] [--start DAY] [--offsets] [--smoke]

Generates canonical crawl CSVs (header, 15 préfectures in six time zones, three sites and
procedures, about 110 bytes a row; times as a robot's local clock shows them, or with their
UTC offset with ``--offsets``), and a copy of the small one in which 10 % of the rows are
bad (an unknown préfecture, an impossible date, a too-long line, a negative slot count, in
equal parts). Then runs, side by side in each round and each in a fresh process and a fresh
database file:

- bare: ``CREATE TABLE t AS SELECT * FROM read_csv(path)`` (DuckDB's type sniffing);
- kept: what any evidence tool must add to it, one after the other — the file's SHA-256, a
  copy beside the database (flushed to disk), then the same ``read_csv`` (large file only);
- guichets: ``ingest_crawl`` into a fresh workspace (hash, vault copy, mapping, typing, time
  zones, validation, every row accounted for, one transaction);

on the large file (target: guichets within 1.3× bare), on the small file (within 2×), and
guichets on the bad file against guichets on the same file clean (within 2×). Each run
starts from a quiet disk (``sync``) and its files are removed after it; the order of the
kinds turns from one round to the next. Prints each run's ratio within its round and their
median (steadier than a ratio of medians when the machine's speed drifts), the CPU-time
ratios and each process's peak RSS. By default the naive times go through the autumn clock
change: the rows of its repeated hour share their key, and ``ingest_crawl`` records the
first of each (``--start 2024-11-04`` avoids it). ``--smoke`` runs everything on a few
thousand rows, once, to prove the bench works (CI).
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


def generate(
    path: Path, rows: int, start: str = "2024-01-01", offsets: bool = False, bad: bool = False
) -> None:
    """The canonical crawl; ``bad``: 10 % of its rows broken, in four equal kinds."""
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
                   CASE WHEN r < 90 THEN 200 ELSE 503 END AS http_status,
                   hash(i * 7) % 1000 AS b
            FROM local
        ) TO '{path}.tmp.csv' (HEADER, DELIMITER ',')
        """
    )
    bad_sql = (
        (
            "CASE WHEN b < 25 THEN replace(line, ',' || prefecture || ',', ',99,') "
            "WHEN b < 50 THEN '2024-13-45 25:61:00' || substr(line, strpos(line, ',')) "
            "WHEN b < 75 THEN line || ',extra' "
            "WHEN b < 100 THEN regexp_replace(line, ',[0-9]+,([^,]*),([^,]*),(200|503)$', "
            "',-1,\\1,\\2,\\3') ELSE line END"
        )
        if bad
        else "line"
    )
    con.execute(
        f"""
        COPY (
            SELECT {bad_sql} FROM (
                SELECT concat_ws(',', observed_at, prefecture, site, procedure, url, outcome,
                                 coalesce(CAST(slots AS VARCHAR), ''),
                                 coalesce(CAST(first_slot AS VARCHAR), ''),
                                 coalesce(CAST(second_slot AS VARCHAR), ''),
                                 CAST(http_status AS VARCHAR)) AS line, CAST(b AS INTEGER) AS b,
                       prefecture
                FROM read_csv('{path}.tmp.csv', all_varchar = true)
            )
        ) TO '{path}' (HEADER false, QUOTE '', ESCAPE '', DELIMITER '\x01')
        """
    )
    con.close()
    Path(f"{path}.tmp.csv").unlink()
    header = "observed_at,prefecture,site,procedure,url,outcome,slots,first_slot,second_slot,"
    _prepend(path, (header + "http_status\n").encode())


def _prepend(path: Path, head: bytes) -> None:
    """Write ``head`` before the file's bytes (streaming: the file may be a gigabyte)."""
    tmp = path.with_suffix(".head")
    with open(tmp, "wb") as out, open(path, "rb") as src:
        out.write(head)
        shutil.copyfileobj(src, out, 16 << 20)
    os.replace(tmp, path)


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
    [f] = report.details["files"].values()
    rows = f["rows"]
    assert rows == f["recorded"] + f["repeated"] + f["stored"] + f["refused"] + f["skipped"]
    assert bool(report.problems) == ("bad" in csv_path), report.problems[:3]
usage = resource.getrusage(resource.RUSAGE_SELF)
# VmHWM: this process's own peak (ru_maxrss keeps the parent's peak across fork and exec)
with open("/proc/self/status") as status:
    hwm = next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
print(json.dumps({"seconds": elapsed, "rows": rows, "peak_mb": hwm / 1024,
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
    parser.add_argument("--rows", type=int, default=10_000_000, help="the large file")
    parser.add_argument("--small", type=int, default=2_000_000, help="the small file")
    parser.add_argument("--bad-size", type=int, default=2_000_000,
                        help="rows of the file with 10 %% bad rows (and of its clean twin)")  # fmt: skip
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--keep",
        type=Path,
        help="folder for the generated CSVs, kept for later runs (each run's databases are removed)",
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
    parser.add_argument("--smoke", action="store_true", help="CI: a few thousand rows, once")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.small, args.bad_size, args.repeat = 3000, 1000, 1000, 1
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        kind = "-offsets" if args.offsets else ""

        def made(rows: int, bad: bool = False) -> Path:
            path = work / f"crawl-{rows}-{args.start}{kind}{'-bad' if bad else ''}.csv"
            if not path.exists():
                t = time.perf_counter()
                generate(path, rows, args.start, args.offsets, bad)
                size = path.stat().st_size / 2**20
                print(f"generated {path.name}: {rows:,} rows, {size:,.0f} MB in "
                      f"{time.perf_counter() - t:.1f} s")  # fmt: skip
            return path

        large, small = made(args.rows), made(args.small)
        clean = small if args.bad_size == args.small else made(args.bad_size)
        bad = made(args.bad_size, bad=True)
        plan = [("large", "bare", large), ("large", "kept", large), ("large", "guichets", large),
                ("small", "bare", small), ("small", "guichets", small),
                ("bad", "clean", clean), ("bad", "guichets", bad)]  # fmt: skip
        if clean == small:  # the small file's guichets run is the clean twin
            plan.remove(("bad", "clean", clean))
        results: dict[tuple[str, str], list[dict[str, float]]] = {}
        for n in range(args.repeat):
            # each round starts at another run, so that no run always follows the same one
            shift = n % len(plan)
            for group, label, path in plan[shift:] + plan[:shift]:
                who = "bare" if label == "bare" else "kept" if label == "kept" else "guichets"
                r = run(who, path, work, n)
                results.setdefault((group, label), []).append(r)
                print(f"  {group:5} {label:9} run {n + 1}: {r['seconds']:7.2f} s "
                      f"(CPU {r['cpu']:.1f} s), {int(r['rows']):,} rows, "
                      f"peak RSS {r['peak_mb']:,.0f} MB")  # fmt: skip
        if clean == small:
            results[("bad", "clean")] = results[("small", "guichets")]
        print(f"rounds: {args.repeat} (the machine is shared: read the medians of paired runs)")
        _ratio(results, ("large", "guichets"), ("large", "bare"), f"{args.rows:,} rows", 1.3)
        _ratio(
            results, ("large", "guichets"), ("large", "kept"), "  against hash + copy + read", None
        )
        _ratio(
            results, ("large", "kept"), ("large", "bare"), "  hash + copy + read against bare", None
        )
        _ratio(results, ("small", "guichets"), ("small", "bare"), f"{args.small:,} rows", 2.0)
        _ratio(results, ("bad", "guichets"), ("bad", "clean"),
               f"{args.bad_size:,} rows, 10 % bad, against the same file clean", 2.0)  # fmt: skip
        peaks = {k: max(r["peak_mb"] for r in v) for k, v in results.items()}
        print(
            "peak RSS (MB): " + ", ".join(f"{g} {lab} {mb:,.0f}" for (g, lab), mb in peaks.items())
        )


def _ratio(
    results: dict[tuple[str, str], list[dict[str, float]]], ours: tuple[str, str],
    base: tuple[str, str], label: str, target: float | None,
) -> None:  # fmt: skip
    """Print the median of the paired ratios (wall and CPU), each round's, and the target."""
    pairs = list(zip(results[ours], results[base], strict=True))
    wall = [a["seconds"] / b["seconds"] for a, b in pairs]
    cpu = [a["cpu"] / b["cpu"] for a, b in pairs]
    goal = f" (target < {target})" if target else ""
    print(f"{label}: ratio {statistics.median(wall):.2f}{goal} "
          f"[{', '.join(f'{x:.2f}' for x in wall)}]; CPU {statistics.median(cpu):.2f}; "
          f"{statistics.median(a['seconds'] for a, _ in pairs):.2f} s against "
          f"{statistics.median(b['seconds'] for _, b in pairs):.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
