"""``--explain``: how a file would be read, its first rows and problems, and a mapping to
edit — writing nothing."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from quirks import QUIRKS

from toolkit.ingest.crawl import explain_crawl, ingest_crawl
from toolkit.workspace import init_workspace

ROOT = Path(__file__).resolve().parents[3]
CRAWL = ROOT / "tests" / "fixtures" / "crawl"


def _bytes_of(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_a_headerless_export_is_explained_and_its_mapping_written(tmp_path: Path) -> None:
    """The robot with no header: the explanation says no column is a time, and the TOML
    it writes, once its placeholders are filled, reads the file whole."""
    e = explain_crawl(CRAWL / "headerless.csv")
    assert (e.format, e.detected_by, e.delimiter, e.encoding) == ("csv", "extension", ";",
                                                                 "utf-8")  # fmt: skip
    assert e.refusal is not None and "no time column" in e.refusal
    assert e.columns[:3] == ("12/03/2025", "10:06", "76")  # its first line, read as a header
    assert any("the first line looks like data" in n for n in e.notices)
    assert "header = false" in e.toml and "# observed_at = 1" in e.toml
    with_mapping = explain_crawl(CRAWL / "headerless.csv", mapping=CRAWL / "headerless.toml")
    assert with_mapping.refusal is None and with_mapping.plan == "general"
    assert with_mapping.mapped["date"] == {
        "from": "column0",
        "why": f"[columns] in {CRAWL / 'headerless.toml'}",
    }
    assert [r["observed_at_local"] for r in with_mapping.preview] == [
        "2025-03-12 10:06:00 Europe/Paris", "2025-03-12 11:06:00 Europe/Paris",
        "2025-03-12 12:06:00 Europe/Paris",
    ]  # fmt: skip
    assert [r["line"] for r in with_mapping.preview] == [1, 2, 3]
    written = tmp_path / "mapping.toml"
    written.write_text(with_mapping.toml, encoding="utf-8")
    ws = init_workspace(tmp_path / "ws")
    report = ingest_crawl(ws, [CRAWL / "headerless.csv"], mapping=written,
                          site="robot-sans-entete")  # fmt: skip
    ws.close()
    assert report.rows == 3 == with_mapping.rows and report.ok


def test_a_french_export_is_explained_with_its_header_words(tmp_path: Path) -> None:
    e = explain_crawl(CRAWL / "semicolon-cp1252.csv")
    assert (e.encoding, e.delimiter, e.header, e.plan) == ("cp1252", ";", True, "general")
    assert e.mapped["prefecture"] == {
        "from": "Département",
        "why": "header 'Département' is a known word for prefecture",
    }
    assert e.mapped["time"]["from"] == "Heure" and e.rows == 3 and not e.problems
    assert 'encoding = "cp1252"' in e.toml and 'prefecture = "Département"' in e.toml


def test_problems_are_counted_by_rule_with_the_files_lines(tmp_path: Path) -> None:
    path = tmp_path / "quoted-newline.csv"
    path.write_bytes(QUIRKS["quoted-newline.csv"] + b"2025-03-12 13:00:00,99,r,asile,no_slot,0\n")
    e = explain_crawl(path)
    assert e.problem_counts == {"prefecture.unknown": 1, "reader.refused": 1}
    assert [(p["line"], p["code"]) for p in e.problems] == [
        (7, "prefecture.unknown"), (4, "reader.refused"),
    ]  # fmt: skip
    assert e.rows == 5


def test_cli_explain_writes_nothing(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mixed-crlf-lf.csv"
    path.write_bytes(QUIRKS["mixed-crlf-lf.csv"])
    before = _bytes_of(cli.workspace)
    r = cli("ingest", "crawl", str(path), "--explain", "--procedure", "asile")
    assert r.exit_code == 0, r.output
    assert _bytes_of(cli.workspace) == before  # not a byte of the workspace changed
    assert "[columns]" in r.stdout and 'observed_at = "observed_at"' in r.stdout
    assert "mixed line endings" in r.stderr and "plan: typed; rows: 6" in r.stderr
    other = tmp_path / "two-digit-year-header-added.csv"
    other.write_bytes(QUIRKS[other.name])
    r = cli("ingest", "crawl", str(other), "--explain", "--format", "json")
    assert r.exit_code == 1  # no préfecture: the file would be refused
    [e] = json.loads(r.stdout)
    assert e["refusal"].endswith("no préfecture column; add --prefecture 76 (or a mapping's "
                                 "[defaults] prefecture)")  # fmt: skip
    assert '# prefecture = "76"' in e["toml"]
    assert _bytes_of(cli.workspace) == before
