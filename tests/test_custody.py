"""The custody log as a hash chain: written by one function, every break named."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest

from toolkit import custody
from toolkit import workspace as wsmod
from toolkit.workspace import init_workspace, open_workspace


def _log_three(ws) -> None:  # type: ignore[no-untyped-def]
    for i in range(3):
        ws.log_custody("test.step", {"i": i, "note": "é\u202e"})


def test_entries_are_numbered_and_linked(ws) -> None:
    _log_three(ws)
    rows = ws.rows("SELECT seq, action, prev_sha256, sha256 FROM custody ORDER BY seq")
    assert [r["seq"] for r in rows] == [1, 2, 3, 4] and rows[0]["action"] == "init"
    assert rows[0]["prev_sha256"] == custody.GENESIS
    for before, after in pairwise(rows):
        assert after["prev_sha256"] == before["sha256"]
    report = custody.check_chain(ws.con)
    assert report.problems == [] and report.entries == 4
    assert (report.head_seq, report.head_sha256) == (4, rows[-1]["sha256"])


def test_a_deleted_entry_is_named(ws) -> None:
    _log_three(ws)
    ws.sql("DELETE FROM custody WHERE seq = 2")
    problems = custody.check_chain(ws.con).problems
    assert len(problems) == 1
    assert problems[0].startswith("custody entry #2 deleted (before custody entry #3 (test.step")


def test_deleted_tail_after_a_gap_and_a_wiped_log(ws) -> None:
    _log_three(ws)
    ws.sql("DELETE FROM custody WHERE seq IN (2, 3)")
    assert custody.check_chain(ws.con).problems[0].startswith("custody entry #2–#3 deleted")
    ws.sql("DELETE FROM custody")
    assert custody.check_chain(ws.con).problems == [
        "the custody log is empty (every workspace logs its creation)"
    ]


def test_an_edited_entry_is_named_and_so_is_a_rehashed_one(ws) -> None:
    _log_three(ws)
    ws.sql("""UPDATE custody SET detail = '{"i": 9}' WHERE seq = 3""")
    (problem,) = custody.check_chain(ws.con).problems
    assert problem.startswith("custody entry #3 (test.step, ") and problem.endswith(
        "edited since it was written (its hash differs)"
    )
    # the forger recomputes that entry's own hash: the next entry's link gives it away
    row = ws.rows("SELECT * FROM custody WHERE seq = 3")[0]
    forged = custody.entry_hash(3, row["at"], row["action"], row["actor"], row["tool_version"],
                                row["detail"], row["prev_sha256"])  # fmt: skip
    ws.sql("UPDATE custody SET sha256 = ? WHERE seq = 3", [forged])
    (problem,) = custody.check_chain(ws.con).problems
    assert problem.startswith("custody entry #4 (test.step")
    assert "its link to entry #3 is broken" in problem


def test_an_entry_added_by_hand_is_named(ws) -> None:
    ws.sql("""INSERT INTO custody ("at", action, actor, tool_version, detail)
              VALUES (now(), 'forged', 'x', '0', '{}')""")  # fmt: skip
    ws.sql(
        """INSERT INTO custody ("at", action, actor, tool_version, detail, seq, prev_sha256,
           sha256) VALUES (now(), 'again', 'x', '0', '{}', 1, ?, ?)""",
        [custody.GENESIS, "f" * 64],
    )
    problems = custody.check_chain(ws.con).problems
    assert any("(forged, " in p and "not part of the chain" in p for p in problems)
    assert any("#1 (again, " in p and "number used twice" in p for p in problems)


def test_new_originals_are_named_in_the_custody_entry(ws) -> None:
    with ws.transaction():
        a = ws.store_file(b"first", "a.png", "image/png")
        b = ws.store_file(b"second", "b.png", "image/png")
        ws.store_file(b"first", "again.png", "image/png")  # the same bytes: not new
        ws.log_custody("ingest.test", {"n": 2})
    detail = json.loads(ws.scalar("SELECT detail FROM custody WHERE action = 'ingest.test'"))
    assert detail == {"n": 2, "originals": sorted([a, b])}
    with ws.transaction():
        ws.store_file(b"first", "a.png", "image/png")
        ws.log_custody("ingest.again", {})
    assert json.loads(ws.scalar("SELECT detail FROM custody WHERE action = 'ingest.again'")) == {}


def test_migration_006_chains_an_older_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = wsmod.migrations()
    monkeypatch.setattr(wsmod, "migrations", lambda: [m for m in real if m[0] < 6])
    with init_workspace(tmp_path / "w") as ws:
        with ws.transaction():
            digest = ws.store_file(b"old original", "old.png", "image/png")
            ws.log_custody("ingest.old", {})
        assert ws.scalar("SELECT count(*) FROM custody") == 2
    monkeypatch.setattr(wsmod, "migrations", lambda: real)
    with open_workspace(tmp_path / "w") as ws:
        rows = ws.rows("SELECT seq, action, detail FROM custody ORDER BY seq")
        assert [(r["seq"], r["action"]) for r in rows] == [
            (1, "init"), (2, "ingest.old"), (3, "custody.chain"),
        ]  # fmt: skip
        assert json.loads(rows[2]["detail"]) == {"chained_entries": 2, "originals": [digest]}
        assert custody.check_chain(ws.con).problems == []
        ws.log_custody("after", {})
        assert custody.check_chain(ws.con).head_seq == 4
