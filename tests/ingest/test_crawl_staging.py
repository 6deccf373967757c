"""The pass over a crawl file in a thread: its findings, its failures, its stop."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest

import toolkit.ingest.crawl_staging as staging
from toolkit.errors import InputError


def test_the_pass_finds_digest_lines_and_encoding(tmp_path: Path) -> None:
    data = "observed_at,prefecture\n2025-03-12 09:00,76\n2025-03-12 10:00,Évreux".encode()
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    staged = staging.stage(path, tmp_path / "vault", "c.csv")
    assert staged.encoding == "utf-8" and staged.size == len(data)
    scan = staged.scan
    assert staged.digest == hashlib.sha256(data).hexdigest()
    assert (scan.newlines, scan.ends_with_newline, scan.utf8) == (2, False, True)
    assert not staged.misread()


def test_a_failed_pass_refuses_the_file_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(path: Path, stopped: threading.Event | None = None) -> staging.Scan:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(staging, "_scan", failing)
    path = tmp_path / "c.csv"
    path.write_bytes(b"observed_at,prefecture\n")
    staged = staging.stage(path, tmp_path / "vault", "exports/c.csv")
    with pytest.raises(InputError, match=r"^exports/c\.csv: cannot read \(Input/output error\)"):
        assert staged.digest


def test_a_stopped_pass_ends_its_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "CHUNK", 16)
    path = tmp_path / "c.csv"
    path.write_bytes(b"observed_at,prefecture\n" + b"2025-03-12 09:00,76\n" * 10_000)
    reading = staging.Reading(path)
    reading.start()
    reading.stop()
    assert not reading._thread.is_alive()
    with pytest.raises(RuntimeError, match="stopped"):
        reading.result()
