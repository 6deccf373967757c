"""Hostile crawl files and mappings: nothing runs, memory stays bounded, one line each.

Mapping values (``[values.*]``, ``[defaults]``, ``[formats]``, ``[columns]``), file headers
and names reach DuckDB only as quoted literals or identifiers: a payload that ends a
literal and calls ``read_text('/etc/hostname')`` is data, never code. Huge lines and quotes
never opened closed are refused from a pass over the bytes, before DuckDB buffers them.
Each big file is made at test time, sparse (a hole reads as zeros without touching the
disk), and run through the CLI in a child whose peak memory is measured.
"""

from __future__ import annotations

import socket
import zipfile
from pathlib import Path

from tests.hostile.limits import MEMORY_LIMIT_MB, run_cli
from toolkit.ingest.crawl import ingest_crawl
from toolkit.workspace import Workspace, init_workspace, open_workspace

HOSTNAME = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else ""
SECRET = HOSTNAME or socket.gethostname()
PAYLOADS = [
    "x'); SELECT read_text('/etc/hostname'); --",
    "' || (SELECT content FROM read_text('/etc/hostname')) || '",
    "\" || (SELECT content FROM read_text('/etc/hostname')) || \"",
    "'; ATTACH '/tmp/evil.duckdb' AS evil; --",
    "%Y' || (SELECT content FROM read_text('/etc/hostname')) || '",
    "x\\'; COPY probe_rows TO '/tmp/leak.csv'; --",
]
ROWS = "2025-03-12 09:00:00,76,r,renouvellement,no_slot,0\n2025-03-12 10:00:00,76,r,renouvellement,xx,0\n"


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _texts(report) -> str:  # type: ignore[no-untyped-def]
    return "\n".join([str(p) for p in report.problems] + report.notices + report.warnings)


def test_mapping_values_and_file_values_never_reach_sql_as_code(
    ws: Workspace, tmp_path: Path
) -> None:
    """Every payload as a value in the file (a site, an outcome), as a [values.outcome] key,
    as the [defaults] url, as a [formats] date format, and as a column name the mapping
    names: read as data or reported as text, and the host name never read."""
    csv_text = lambda v: '"' + v.replace('"', '""') + '"'  # noqa: E731
    crawl = tmp_path / "crawl.csv"
    crawl.write_text(
        "observed_at,prefecture,site,procedure,outcome,slots,first_slot\n"
        + "".join(
            f"2025-03-12 {9 + i:02d}:00:00,76,{csv_text(p)},renouvellement,{csv_text(p)},0,\n"
            for i, p in enumerate(PAYLOADS)
        ),
        encoding="utf-8",
    )
    mapping = tmp_path / "m.toml"
    mapping.write_text(
        "[values.outcome]\n"
        + "".join(f'{_toml_string(p)} = "no_slot"\n' for p in PAYLOADS)
        + f"[defaults]\nurl = {_toml_string(PAYLOADS[0])}\n"
        + f"[formats]\nfirst_slot = {_toml_string(PAYLOADS[4])}\n",
        encoding="utf-8",
    )
    report = ingest_crawl(ws, [crawl], mapping=mapping)
    assert report.rows == len(PAYLOADS) and report.ok, report.problems
    assert sorted(r[0] for r in ws.sql("SELECT site FROM probes").fetchall()) == sorted(PAYLOADS)
    assert ws.sql("SELECT DISTINCT url, outcome FROM probes").fetchall() == [
        (PAYLOADS[0], "no_slot")
    ]
    assert SECRET not in _texts(report)
    named = tmp_path / "named.csv"  # a payload as a column the mapping names
    payload = PAYLOADS[2]
    named.write_text(
        f"observed_at,prefecture,site,procedure,outcome,{csv_text(payload)}\n"
        "2025-03-12 09:00:00,76,other,asile,no_slot,0\n",
        encoding="utf-8",
    )
    columns = tmp_path / "c.toml"
    columns.write_text(f"[columns]\nslots = {_toml_string(payload)}\n", encoding="utf-8")
    again = ingest_crawl(ws, [named], mapping=columns)
    assert again.rows == 1 and SECRET not in _texts(again)
    assert ws.scalar("SELECT slots FROM probes WHERE site = 'other'") == 0


def test_a_payload_as_a_time_format_is_only_text_in_the_message(
    ws: Workspace, tmp_path: Path
) -> None:
    """A quote in [formats] once ended the literal of the message; the format is now shown
    as data, and the hint never runs."""
    crawl = tmp_path / "crawl.csv"
    crawl.write_text("quand,prefecture,procedure,slots\n12/03/2025 09:00,76,asile,0\n")
    mapping = tmp_path / "m.toml"
    payload = PAYLOADS[1]
    mapping.write_text(
        f'[columns]\nobserved_at = "quand"\n[formats]\nobserved_at = {_toml_string(payload)}\n',
        encoding="utf-8",
    )
    report = ingest_crawl(ws, [crawl], mapping=mapping)
    [problem] = report.problems
    assert problem.code == "time.unparseable"
    assert problem.message.endswith(f"(expected {payload})")  # shown, not run
    assert SECRET not in problem.message


def test_a_file_name_with_quotes_and_patterns_is_read(ws: Workspace, tmp_path: Path) -> None:
    crawl = tmp_path / "x'); SELECT read_text('etc') --[*].csv"
    crawl.write_text("observed_at,prefecture,site,procedure,outcome\n"
                     "2025-03-12 09:00,76,r,asile,no_slot\n")  # fmt: skip
    report = ingest_crawl(ws, [crawl])
    assert report.rows == 1 and report.recorded == [str(crawl)]


def _workspace(tmp_path: Path) -> Path:
    init_workspace(tmp_path / "ws").close()
    return tmp_path / "ws"


def _sparse(path: Path, head: bytes, hole: int, tail: bytes, size: int) -> Path:
    """``head``, then ``hole`` zero bytes that take no disk, ``tail``, up to ``size``."""
    with open(path, "wb") as f:
        f.write(head)
        f.seek(len(head) + hole)
        f.write(tail)
        f.truncate(size)
    return path


def test_huge_lines_quotes_and_a_zip_are_refused_one_line_each_within_seconds(
    tmp_path: Path,
) -> None:
    """In one run (one child, its peak memory measured): a 2 GB file with one 1 GB line in
    the middle, one whose first line is 1 GB, a quote never closed before 40 MB of lines,
    10 MB of quotes, and a zip of crawls. Each is refused in one line naming it, from a pass
    over its bytes, before any copy or bulk read; nothing is recorded or kept."""
    header = b"observed_at,prefecture,site,procedure,outcome\n"
    rows = b"".join(b"2025-03-12 09:%02d:00,76,r,asile,no_slot\n" % m for m in range(60)) * 20
    middle = _sparse(
        tmp_path / "long-line-in-the-middle.csv",
        header + rows + b"2025-03-12 10:00:00,76,",
        1 << 30,
        b"\n" + rows,
        2 << 30,
    )
    start = _sparse(tmp_path / "one-line-at-the-start.csv", b"observed_at", 1 << 30,
                    b"\n" + rows, 2 << 30)  # fmt: skip
    quote = tmp_path / "quote-never-closed.csv"
    quote.write_bytes(
        header + rows[:41] + b'2025-03-12 10:00:00,76,"r,asile,no_slot\n' + rows * 800
    )
    quotes = tmp_path / "quotes.csv"
    quotes.write_bytes(b'"' * (10 << 20))
    archive = tmp_path / "crawls.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("a.csv", header.decode() + "2025-03-12 09:00,76,r,asile,no_slot\n")
    long_record = "starts a record longer than 1 MiB (a quote never closed, or not a crawl "
    long_record += "export); check the file"
    long_line = "is longer than 1 MiB: not a crawl export (a robot writes lines of a few "
    long_line += "hundred bytes); check the file"
    expected = {
        middle: f"line 1202 {long_record}",
        start: f"line 1 {long_line}",
        quote: f"line 3 {long_record}",
        quotes: f"line 1 {long_line}",
        archive: "a zip archive; give its crawl files (unzip it), or a folder of them",
    }
    workspace = _workspace(tmp_path)
    run = run_cli(workspace, "ingest", "crawl", *map(str, expected), timeout=60)
    assert run.returncode == 1, run.stderr
    refused = [line for line in run.stderr.splitlines() if line.startswith("Rejected: ")]
    assert sorted(refused) == sorted(f"Rejected: {p}: {m}" for p, m in expected.items()), run.stderr
    # about 5 s on an idle machine (most of it starting Python and DuckDB); the CPU time, which
    # a shared machine does not inflate, shows no file was read whole (2 GB would take more)
    assert run.peak_mb < MEMORY_LIMIT_MB and run.cpu_seconds < 12, (run.peak_mb, run.cpu_seconds)
    assert run.seconds < 90, run.seconds
    assert [p for p in workspace.glob("vault/**/*") if p.is_file()] == []
    assert list(workspace.glob("tmp/*")) == []  # nothing kept, nothing left behind


def test_ctrl_c_mid_crawl_exits_130_and_records_nothing(tmp_path: Path) -> None:
    """Issue 15: Ctrl-C during a crawl once exited 1. Interrupted once its staging has begun
    (a work folder in the workspace's tmp/), it exits 130 with one line; no probe, no batch,
    no vault copy, no staging left."""
    header = "observed_at,prefecture,site,procedure,outcome\n"
    day = "".join(f"2025-03-12 {h:02d}:{m:02d}:00,76,r,asile,no_slot\n" for h in range(24)
                  for m in range(60))  # fmt: skip
    crawl = tmp_path / "long.csv"
    crawl.write_text(
        header + "".join(day.replace("03-12", f"03-{d:02d}") for d in range(1, 29)) * 6
    )
    workspace = _workspace(tmp_path)
    run = run_cli(
        workspace, "ingest", "crawl", str(crawl), timeout=60,
        interrupt_when=lambda: any(workspace.glob("tmp/crawl-*")),
    )  # fmt: skip
    assert run.returncode == 130, run.stderr
    assert run.error_lines == ["Error: interrupted; nothing was recorded"]
    with open_workspace(workspace, read_only=True) as ws:
        assert ws.scalar("SELECT count(*) FROM probe_rows") == 0
        assert ws.scalar("SELECT count(*) FROM crawl_files") == 0
    assert [p for p in workspace.glob("vault/**/*") if p.is_file()] == []
    assert list(workspace.glob("tmp/*")) == []
