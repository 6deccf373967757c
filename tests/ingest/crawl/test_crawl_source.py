"""The source file: its first chunk, its passes in threads, their failures and their stop;
the layout of lines and records, and line numbers placed on the file's own lines."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pytest
from quirks import QUIRKS

import toolkit.ingest.crawl.lines as lines
import toolkit.ingest.crawl.source as source
from toolkit.errors import InputError


def test_the_passes_find_digest_lines_and_encoding(tmp_path: Path) -> None:
    data = "observed_at,prefecture\n2025-03-12 09:00,76\n2025-03-12 10:00,Évreux".encode()
    path = tmp_path / "c.csv"
    path.write_bytes(data)
    found = source.open_source(path, tmp_path / "vault", "c.csv")
    assert found.encoding == "utf-8" and found.size == len(data)
    layout = found.layout
    assert found.digest == hashlib.sha256(data).hexdigest()
    assert (layout.newlines, layout.ends_with_newline, layout.records, layout.blank) == (
        2, False, 3, 0
    )  # fmt: skip
    assert not found.misread()


def test_a_failed_pass_refuses_the_file_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(path: Path, stopped: threading.Event | None = None) -> source.Hash:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(source, "_hash", failing)  # a disk that fails under the pass
    path = tmp_path / "c.csv"
    path.write_bytes(b"observed_at,prefecture\n")
    found = source.open_source(path, tmp_path / "vault", "exports/c.csv")
    with pytest.raises(InputError, match=r"^exports/c\.csv: cannot read \(Input/output error\)"):
        assert found.digest


def test_a_stopped_pass_ends_its_thread(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_bytes(b"observed_at,prefecture\n" + b"2025-03-12 09:00,76\n" * 10_000)
    work: source.Pass[lines.Layout] = source.Pass(lines.scan_layout, path)
    work.start()
    work.stop()
    assert not work._thread.is_alive()
    with pytest.raises(RuntimeError, match="stopped"):
        work.result()


def test_a_first_line_longer_than_any_robot_writes_is_refused_at_once(tmp_path: Path) -> None:
    path = tmp_path / "one-line.csv"
    path.write_bytes(b"observed_at," + b"x" * (5 << 20))
    with pytest.raises(InputError, match=r"one-line\.csv: line 1 is longer than 1 MiB"):
        source.open_source(path, tmp_path / "vault", str(path))


@pytest.mark.parametrize("chunk", [lines.CHUNK, 7])
@pytest.mark.parametrize(
    ("name", "expected"),
    [  # (records, blank, crlf, lone CR, lines, blank lines)
        ("quoted-newline.csv", (5, 0, 0, 0, 6, 0)),
        ("trailing-blank-lines.csv", (7, 3, 0, 0, 7, 3)),
        ("mixed-crlf-lf.csv", (7, 0, 5, 0, 7, 0)),
        ("stray-cr.csv", (5, 0, 0, 1, 5, 0)),
        ("missing-final-newline.csv", (5, 0, 4, 0, 5, 0)),
    ],
)
def test_the_layout_counts_records_lines_and_endings_whatever_the_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, name: str,
    expected: tuple[int, ...],
) -> None:  # fmt: skip
    monkeypatch.setattr(lines, "CHUNK", chunk)  # chunk edges inside lines and CRLF pairs
    path = tmp_path / name
    path.write_bytes(QUIRKS[name])
    layout = lines.scan_layout(path)
    got = (layout.records, layout.blank, layout.crlf, layout.lone_cr, layout.lines,
           layout.blank_lines)  # fmt: skip
    assert got == expected


def test_a_quote_inside_a_word_is_text_and_an_open_quote_is_found(tmp_path: Path) -> None:
    text = tmp_path / "text-quote.csv"
    text.write_bytes(b'a,b\n1,rouen "gare\n2,x\n')
    assert lines.scan_layout(text).records == 3
    open_ = tmp_path / "open.csv"
    open_.write_bytes(b'a,b\n1,"never closed\n2,x\n3,y\n')
    layout = lines.scan_layout(open_)
    assert (layout.records, layout.open_quote_line) == (1, 2)


def test_a_record_over_the_cap_is_found_with_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lines, "LINE_CAP", 100)  # the cap, small enough to test
    path = tmp_path / "long.csv"
    path.write_bytes(b"a,b\n1,2\n3," + b"y" * 150 + b"\n4,5\n")
    assert lines.scan_layout(path).long_record_line == 3


def test_locate_places_rows_and_reader_lines_on_the_file_lines(tmp_path: Path) -> None:
    """Row n of the reader (header, blank lines and refused lines apart) and DuckDB's line
    numbers (a record spanning lines counts once) on the file's own lines."""
    path = tmp_path / "q.csv"
    path.write_bytes(b'h,h\n1,"a\nb"\n\n2,x\n3,y,z\n4,w\n')
    # lines: 1 header, 2-3 quoted record, 4 blank, 5 "2,x", 6 refused, 7 "4,w"
    found = lines.locate(path, quoted=True, lines=[5], rows=[1, 2, 3], rejected=frozenset({5}))
    assert found == {("line", 5): 6, ("row", 1): 2, ("row", 2): 5, ("row", 3): 7}
