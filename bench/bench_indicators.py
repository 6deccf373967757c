"""Benchmark: préfecture indicators over many probes against the same numbers in bare SQL.

    python bench/bench_indicators.py [--rows 10000000] [--repeat 3]

Fills a fresh workspace with generated probes (15 préfectures in five time zones, three
procedures, a probe every two minutes), then times, alternately:

- bare: one hand-written query over ``probes`` joined to ``prefectures`` computing the same
  indicators (rates, La Cimade buckets, lead-time quantiles, longest no-slot run), fetched
  as a DataFrame, with no view, no macro, no Python around it;
- guichets: ``prefecture_indicators(ws)`` (macros over the ``probes_local`` view, filters
  checked, DataFrame).

Prints both medians and the ratio (target: under 2) for all préfectures, and for
``by="month"``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_crawl import PREFECTURES

BARE = """
WITH p AS (
    SELECT p.*, r.tz,
           CAST(timezone(r.tz, p.observed_at) AS DATE) AS d,
           p.first_slot - CAST(timezone(r.tz, p.observed_at) AS DATE) AS lead,
           p.second_slot - CAST(timezone(r.tz, p.observed_at) AS DATE) AS lead2,
           {period} AS period
    FROM probes p JOIN prefectures r ON r.code = p.prefecture
),
b AS (
    SELECT *, CASE WHEN outcome = 'no_slot' THEN 'none'
                   WHEN outcome <> 'slots_available' OR first_slot IS NULL THEN NULL
                   WHEN lead <= 30 AND lead2 <= 30 THEN 'two'
                   WHEN lead <= 30 THEN 'one' WHEN lead <= 60 THEN 'mid' ELSE 'late' END AS bucket,
              sum(CASE WHEN outcome = 'no_slot' THEN 0 ELSE 1 END) OVER (
                  PARTITION BY prefecture, procedure, period ORDER BY observed_at, site, id
                  ROWS UNBOUNDED PRECEDING) AS run
    FROM p
),
runs AS (
    SELECT prefecture, procedure, period,
           max(epoch(e) - epoch(s)) / 3600.0 AS longest
    FROM (SELECT prefecture, procedure, period, run, min(observed_at) s, max(observed_at) e
          FROM b WHERE outcome = 'no_slot' GROUP BY ALL)
    GROUP BY ALL
)
SELECT prefecture, procedure, period, count(*) AS probes,
       min(observed_at), max(observed_at),
       avg(CASE WHEN outcome = 'no_slot' THEN 1 ELSE 0 END) AS no_slot_rate,
       avg(CASE WHEN outcome = 'slots_available' THEN 1 ELSE 0 END) AS slots_rate,
       avg(CASE WHEN outcome IN ('error', 'captcha', 'blocked', 'maintenance') THEN 1 ELSE 0 END),
       count(bucket),
       count(*) FILTER (WHERE bucket = 'two') / count(bucket),
       count(*) FILTER (WHERE bucket = 'one') / count(bucket),
       count(*) FILTER (WHERE bucket = 'mid') / count(bucket),
       count(*) FILTER (WHERE bucket = 'late') / count(bucket),
       count(*) FILTER (WHERE bucket = 'none') / count(bucket),
       quantile_cont(lead, 0.5), quantile_cont(lead, 0.9),
       any_value(r.longest)
FROM b LEFT JOIN runs r USING (prefecture, procedure, period)
GROUP BY ALL
ORDER BY ALL
"""
PERIOD = {None: "NULL", "month": "strftime(timezone(r.tz, p.observed_at), '%Y-%m')"}


def fill(ws: object, rows: int) -> None:
    codes = ", ".join(f"'{c}'" for c in PREFECTURES)
    ws.con.execute(  # type: ignore[attr-defined]
        f"""
        INSERT INTO probe_rows (prefecture, site, procedure, observed_at, outcome, slots,
                                first_slot, second_slot, http_status, batch)
        WITH base AS (
            SELECT i, [{codes}][1 + i % 15] AS prefecture,
                   TIMESTAMPTZ '2024-01-01 00:00:00+00' + to_minutes((i // 45) * 2) AS t,
                   ['renouvellement', 'premiere-demande', 'naturalisation'][1 + (i // 15) % 3]
                       AS procedure,
                   hash(i) % 100 AS r
            FROM range({rows}) t(i)
        )
        SELECT prefecture, 'site-' || ((i // 15) % 3), procedure, t,
               CASE WHEN r < 70 THEN 'no_slot' WHEN r < 90 THEN 'slots_available'
                    ELSE 'error' END,
               CASE WHEN r < 70 THEN 0 WHEN r < 90 THEN r - 69 END,
               CASE WHEN r BETWEEN 70 AND 89 THEN CAST(t AS DATE) + CAST(r AS INT) END,
               CASE WHEN r BETWEEN 75 AND 89 THEN CAST(t AS DATE) + CAST(r AS INT) + 3 END,
               CASE WHEN r < 90 THEN 200 ELSE 503 END, 0
        FROM base
        """
    )
    ws.con.execute("INSERT INTO probe_batches VALUES (0, 'bench', 'bench', NULL)")  # type: ignore[attr-defined]
    ws.con.execute("CHECKPOINT")  # type: ignore[attr-defined]


def main() -> None:
    from toolkit.indicators.prefecture import prefecture_indicators
    from toolkit.workspace import init_workspace

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--smoke", action="store_true", help="CI: 2,000 rows, one run")
    args = parser.parse_args()
    if args.smoke:
        args.rows, args.repeat = 2000, 1
    warnings.simplefilter("ignore")  # pandas deprecation notices from DuckDB's .df()
    with tempfile.TemporaryDirectory(prefix="bench-indicators-") as tmp:
        ws = init_workspace(Path(tmp) / "ws")
        ws.con.execute("SET enable_progress_bar = false")
        t = time.perf_counter()
        fill(ws, args.rows)
        print(f"filled {args.rows:,} probes in {time.perf_counter() - t:.1f} s")
        for by in (None, "month"):
            bare: list[float] = []
            ours: list[float] = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                expected = ws.con.execute(BARE.format(period=PERIOD[by])).df()
                bare.append(time.perf_counter() - t)
                t = time.perf_counter()
                got = prefecture_indicators(ws, by=by)
                ours.append(time.perf_counter() - t)
            assert len(got) == len(expected), (len(got), len(expected))
            assert got["probes"].sum() == args.rows
            b, o = statistics.median(bare), statistics.median(ours)
            label = f"by={by}" if by else "all préfectures"
            print(f"{label}: {len(got)} rows; bare SQL {b:.2f} s, guichets {o:.2f} s, "
                  f"ratio {o / b:.2f} (target < 2)")  # fmt: skip
        ws.close()


if __name__ == "__main__":
    main()
