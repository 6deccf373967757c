"""The bounded runner itself: it must measure the child, and report a failing command honestly."""

from __future__ import annotations

from pathlib import Path

from tests.hostile.limits import MEMORY_LIMIT_MB, run_cli


def test_help_runs_small_and_fast(tmp_path: Path) -> None:
    run = run_cli(tmp_path / "ws", "--help", timeout=30)
    assert run.returncode == 0, run.stderr
    assert "Usage" in run.stdout
    assert 10 < run.peak_mb < MEMORY_LIMIT_MB


def test_a_missing_file_is_one_error_line(tmp_path: Path) -> None:
    run = run_cli(
        tmp_path / "ws",
        "ingest",
        "screenshots",
        str(tmp_path / "nope.png"),
        "--applicant",
        "x",
        timeout=30,
    )
    assert run.returncode == 1
    assert run.stderr.splitlines() == run.error_lines
    assert len(run.error_lines) == 1 and "init" in run.error_lines[0]
