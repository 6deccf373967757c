"""Repeated probes in one file: both ways of counting them give the true count."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from crawl_helpers import ingest_and_read

import toolkit.ingest.crawl.problems as problems
from toolkit.ingest.probe_batches import Batches, next_batch
from toolkit.workspace import Workspace

START = datetime(2025, 3, 3, 8, 0, tzinfo=UTC)


def _fill(ws: Workspace, rows: list[tuple[str, str | None, str | None, datetime]]) -> Batches:
    import pandas as pd

    batches = Batches(next_batch(ws.con))
    batches.record(ws.con, "src", "0" * 64)
    frame = pd.DataFrame(rows, columns=["prefecture", "site", "procedure", "observed_at"])
    ws.con.register("given", frame)
    ws.con.execute(
        "INSERT INTO probe_rows (prefecture, site, procedure, observed_at, outcome, batch) "
        f"SELECT *, 'no_slot', {batches.base} FROM given"
    )
    ws.con.unregister("given")
    return batches


def _rounds(triples: int, times: int) -> list[tuple[str, str | None, str | None, datetime]]:
    """A robot's rounds: every triple probed once per round, stamped with the round's time
    (blank sites and procedures among them, which the key reads as empty text)."""
    out = []
    for t in range(times):
        at = START + timedelta(hours=t)
        for k in range(triples):
            site = None if k % 7 == 0 else f"site-{k % 5}"
            procedure = None if k % 11 == 0 else f"proc-{k // 5}"
            out.append((f"{k % 101:02d}", site, procedure, at))
    return out


def _true_repeats(rows: list[tuple[str, str | None, str | None, datetime]]) -> int:
    keys = Counter((p, s or "", q or "", at) for p, s, q, at in rows)
    return sum(n - 1 for n in keys.values())


@pytest.mark.parametrize("shared", [1, 10**9], ids=["bits", "hashes"])
@pytest.mark.parametrize("repeats", [0, 1, 5])
def test_count_repeated_is_exact_whichever_way_it_counts(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, shared: int, repeats: int
) -> None:
    """150 triples (three 64-bit words) in 12 rounds, with repeats drawn in every word,
    blank sites and procedures, and a row one microsecond off a repeat (not a repeat)."""
    monkeypatch.setattr(problems, "SHARED_TIMES", shared)  # each way of counting, by name
    rows = _rounds(150, 12)
    draw = random.Random(repeats)
    rows += [rows[draw.randrange(len(rows))] for _ in range(repeats)]
    rows += [(rows[0][0], rows[0][1], rows[0][2], rows[0][3] + timedelta(microseconds=1))]
    rows += [("76", "site-1", "proc-0", START), ("76", "", "proc-0", START + timedelta(hours=1))]
    draw.shuffle(rows)
    batches = _fill(ws, rows)
    assert problems.count_repeated(ws.con, batches) == _true_repeats(rows) >= repeats


def test_count_repeated_only_counts_this_files_batches(ws: Workspace) -> None:
    earlier = _fill(ws, _rounds(20, 3) * 2)  # an earlier file: every row twice
    batches = _fill(ws, _rounds(20, 3))
    assert problems.count_repeated(ws.con, earlier) == 60
    assert problems.count_repeated(ws.con, batches) == 0


def test_a_round_stamped_file_keeps_the_first_copy_of_a_repeated_probe(tmp_path: Path) -> None:
    """20 préfectures probed in 10 rounds, each round stamped with one time (so repeats are
    counted by bits), and the 09:00 probe of Seine-Maritime written again, with slots."""
    codes = ["01", "13", "2A", "38", "59", "69", "76", "93", "94", "971"] + [
        f"{n:02d}" for n in range(21, 31)
    ]
    lines = ["observed_at,prefecture,site,procedure,outcome,slots"]
    for hour in range(9, 19):
        lines += [f"2025-03-12 {hour:02d}:00:00,{code},r,asile,no_slot,0" for code in codes]
    lines.append("2025-03-12 09:00:00,76,r,asile,slots_available,3")
    path = tmp_path / "rounds.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report, rows = ingest_and_read(
        tmp_path / "ws", [path],
        "SELECT outcome, slots, count(*) OVER () FROM probes WHERE prefecture = '76' "
        "ORDER BY observed_at LIMIT 1",
    )  # fmt: skip
    assert rows == [("no_slot", 0, 10)]
    assert report.rows == 200
    assert report.details["files"][str(path)]["repeated"] == 1
    assert any("1 row(s) repeat" in w for w in report.warnings)


def test_a_probe_the_store_holds_is_taken_out_and_named_by_its_batch(ws: Workspace) -> None:
    """Rows of this file whose probe an earlier batch holds are removed after the insert
    (a join on the keys), counted, and the batches holding them named."""
    earlier = _fill(ws, _rounds(10, 2))
    later = _fill(ws, _rounds(10, 3))  # its first two rounds are the earlier file's
    assert problems.drop_stored(ws.con, later) == (20, (earlier.base,))
    assert ws.scalar(f"SELECT count(*) {problems.MINE}", later.bounds) == 10
    assert problems.drop_stored(ws.con, later) == (0, ())
