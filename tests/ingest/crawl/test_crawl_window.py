"""The repeated autumn hour read from a slice of the file: the same rows as a whole read."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from crawl_helpers import ingest_and_read

import toolkit.ingest.crawl.lines as lines_module
from toolkit.ingest.crawl.formats import Dialect, ReadSpec
from toolkit.ingest.crawl.lines import scan_layout
from toolkit.ingest.crawl.window import window_slice

HEADER = "observed_at,prefecture,site,procedure,outcome,slots\n"
PARIS_2024 = (datetime(2024, 10, 27, 2), datetime(2024, 10, 27, 3))  # the hour seen twice


def _crawl(start: datetime, hours: int, step: int = 10) -> list[str]:
    """A robot's naive log for Rouen (76), one probe every ``step`` minutes, in time order;
    the wall clock goes through 02:00–03:00 twice on 27 October 2024."""
    lines, at, end = [], start, start + timedelta(hours=hours)
    while at < end:
        lines.append(f"{at:%Y-%m-%d %H:%M:%S},76,r,asile,no_slot,0\n")
        if at == datetime(2024, 10, 27, 2, 50):  # the clock goes back to 02:00
            lines.extend(
                f"{datetime(2024, 10, 27, 2, m):%Y-%m-%d %H:%M:%S},76,r,asile,slots_available,1\n"
                for m in range(0, 60, step)
            )
        at += timedelta(minutes=step)
    return lines


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 1 KiB: a small file has as many line marks as a large one."""
    monkeypatch.setattr(lines_module, "CHUNK", 1024)


def test_marks_are_line_starts_one_per_chunk(tmp_path: Path, small_chunks: None) -> None:
    path = tmp_path / "crawl.csv"
    path.write_text(HEADER + "".join(_crawl(datetime(2024, 10, 25), 72)), encoding="utf-8")
    data = path.read_bytes()
    layout = scan_layout(path)
    assert len(data) > 10 * 1024
    assert len(layout.marks) == len(data) // 1024  # every chunk after the first
    for k, mark in enumerate(layout.marks, start=1):
        assert data[mark - 1 : mark] == b"\n"
        assert k * 1024 <= mark < k * 1024 + 64  # the first line start in chunk k
    assert not layout.quotes


def test_quotes_are_noticed(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text(HEADER + '2024-10-27 02:10:00,76,"r",asile,no_slot,0\n', encoding="utf-8")
    assert scan_layout(path).quotes


def _slice(path: Path, tmp_path: Path, quote: str = '"') -> tuple[Path | None, bytes]:
    spec = ReadSpec(
        format="csv", detected_by="", read_path=path, columns=tuple(HEADER.strip().split(",")),
        options="", dialect=Dialect(",", quote, quote),
    )  # fmt: skip
    dest = tmp_path / "window.csv"
    layout = scan_layout(path)
    got = window_slice(spec, layout, "observed_at", "%Y-%m-%d %H:%M:%S", [PARIS_2024], dest)
    return got, dest.read_bytes() if got else b""


def test_a_slice_holds_the_header_and_every_line_of_the_window(
    tmp_path: Path, small_chunks: None
) -> None:
    lines = _crawl(datetime(2024, 10, 20), 24 * 14)
    path = tmp_path / "crawl.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    got, sliced = _slice(path, tmp_path)
    assert got is not None
    text = sliced.decode()
    assert text.startswith(HEADER)
    window = [ln for ln in lines if ln.startswith("2024-10-27 02:")]
    assert len(window) == 12  # both passes through the hour
    body = text.removeprefix(HEADER)
    assert "".join(window) in body  # all of them, in file order
    assert body in "".join(lines)  # whole lines, a run of the file
    assert len(sliced) < 3 * 1024 < path.stat().st_size // 20  # two chunks at most


def test_no_slice_when_the_file_misses_the_window_or_has_quotes(
    tmp_path: Path, small_chunks: None
) -> None:
    path = tmp_path / "march.csv"
    path.write_text(HEADER + "".join(_crawl(datetime(2024, 3, 1), 24 * 5)), encoding="utf-8")
    assert _slice(path, tmp_path)[0] is None  # the window is after the last line
    lines = _crawl(datetime(2024, 10, 25), 72)
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    assert _slice(path, tmp_path)[0] is not None
    assert _slice(path, tmp_path, quote="'")[0] is None  # a quote the scan did not look for
    assert _slice(path, tmp_path, quote="")[0] is not None  # no quoting: no newline in a field
    lines[3] = lines[3].replace(",r,", ',"r",')  # a quote anywhere: a field may hold a newline
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    assert _slice(path, tmp_path)[0] is None


def _ingest(path: Path, tmp_path: Path) -> tuple[list[tuple[str, str, int]], int, list[str], str]:
    """Rows (UTC time, outcome, slots), repeats, warnings, and how the repeated hour was
    read ("slice" or "whole")."""
    report, rows = ingest_and_read(
        tmp_path / f"ws-{path.stem}", [path],
        "SELECT strftime(timezone('UTC', observed_at), '%m-%d %H:%M'), outcome, slots "
        "FROM probes ORDER BY observed_at",
    )  # fmt: skip
    details = report.details["files"][str(path)]
    return rows, details["repeated"], report.warnings, details.get("repeated_hour_read_from")


@pytest.mark.parametrize(
    ("bom", "newline"), [("", "\n"), ("\ufeff", "\n"), ("", "\r\n")], ids=["plain", "bom", "crlf"]
)
def test_ingest_reads_the_repeated_hour_from_a_slice(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch, bom: str, newline: str
) -> None:
    lines = [ln.replace("\n", newline) for ln in _crawl(datetime(2024, 10, 20), 24 * 14)]
    path = tmp_path / "sorted.csv"
    path.write_bytes((bom + HEADER.replace("\n", newline) + "".join(lines)).encode("utf-8"))
    rows, duplicates, warnings, taken = _ingest(path, tmp_path)
    assert taken == "slice"
    # the repeats are the second pass through the hour, on their own lines of the file
    second_pass = [i + 2 for i, ln in enumerate(lines) if "slots_available" in ln]
    assert any(f"line(s) {', '.join(map(str, second_pass))}" in w for w in warnings), warnings
    assert len(rows) == len(lines) - 6 and duplicates == 6
    # 02:00–02:50 read as summer time (UTC+2); the first copy, by line, is the one kept
    hour = [r for r in rows if "10-27 00:00" <= r[0] < "10-27 01:00"]
    assert hour == [(f"10-27 00:{m:02d}", "no_slot", 0) for m in range(0, 60, 10)]
    assert any("6 row(s) repeat" in w for w in warnings)
    assert not list(tmp_path.glob("**/window-*"))


def test_a_file_out_of_time_order_is_read_whole(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The slice is found by assuming time order; moving the first pass through the hour to
    the end of the file breaks it, and the count check sends the read to the whole file."""
    lines = _crawl(datetime(2024, 10, 20), 24 * 14)
    first_pass = [i for i, ln in enumerate(lines) if ln.startswith("2024-10-27 02:")][:6]
    moved = [lines[i] for i in first_pass]
    rest = [ln for i, ln in enumerate(lines) if i not in first_pass]
    path = tmp_path / "unsorted.csv"
    path.write_text(HEADER + "".join(rest + moved), encoding="utf-8")
    rows, duplicates, _, taken = _ingest(path, tmp_path)
    assert taken == "whole"  # the slice did not account for every row
    assert len(rows) == len(lines) - 6 and duplicates == 6
    # the slots_available copies now come first in the file: they are the ones kept
    hour = [r for r in rows if "10-27 00:00" <= r[0] < "10-27 01:00"]
    assert hour == [(f"10-27 00:{m:02d}", "slots_available", 1) for m in range(0, 60, 10)]


def test_the_whole_read_is_the_same_as_the_slice(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _crawl(datetime(2024, 10, 26), 48)
    path = tmp_path / "sorted.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    sliced = _ingest(path, tmp_path)
    lines[0] = lines[0].replace(",r,", ',"r",')  # a quote: the file cannot be sliced
    path2 = tmp_path / "sorted2.csv"
    path2.write_text(HEADER + "".join(lines), encoding="utf-8")
    whole = _ingest(path2, tmp_path)
    assert (sliced[3], whole[3]) == ("slice", "whole")
    assert sliced[:2] == whole[:2] and len(sliced[0]) == 48 * 6


def test_a_slice_of_a_headerless_file(
    tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _crawl(datetime(2024, 10, 25), 24 * 4)
    path = tmp_path / "robot.csv"
    path.write_text("".join(lines), encoding="utf-8")
    mapping = tmp_path / "robot.toml"
    mapping.write_text(
        "[csv]\nheader = false\n[columns]\nobserved_at = 1\nprefecture = 2\nsite = 3\n"
        "procedure = 4\noutcome = 5\nslots = 6\n",
        encoding="utf-8",
    )
    report, hour = ingest_and_read(
        tmp_path / "ws", [path],
        "SELECT strftime(timezone('UTC', observed_at), '%H:%M'), outcome FROM probes "
        "WHERE timezone('UTC', observed_at) BETWEEN '2024-10-27 00:00' AND '2024-10-27 00:59' "
        "ORDER BY observed_at",
        mapping=mapping,
    )  # fmt: skip
    assert report.details["files"][str(path)]["repeated_hour_read_from"] == "slice"
    assert report.rows == len(lines) - 6
    assert hour == [(f"00:{m:02d}", "no_slot") for m in range(0, 60, 10)]


def test_cli_ingest_crawl_takes_the_slice(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, small_chunks: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = _crawl(datetime(2024, 10, 20), 24 * 14)
    path = tmp_path / "robot.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    r = cli("ingest", "crawl", str(path), "--source", "robot", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["files"][str(path)]["repeated_hour_read_from"] == "slice"
    assert f"crawl: {len(lines) - 6} probe(s) recorded" in r.stderr
    assert "6 row(s) repeat" in r.stderr
    [row] = cli.json("indicators", "prefecture", "--prefecture", "76")
    assert row["probes"] == len(lines) - 6 and row["no_slot_rate"] == 1.0
