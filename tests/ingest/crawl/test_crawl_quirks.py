"""The exports that lost rows or were refused without a word, read as a volunteer would:
two-digit years, files without a procedure, a file ingested under the wrong procedure, mixed
line endings, exports joined with their headers. Every row is recorded or reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from quirks import DEFAULTS, QUIRKS

from toolkit.errors import InputError
from toolkit.ingest.crawl import ingest_crawl
from toolkit.ingest.sources import list_sources, remove_source
from toolkit.workspace import Workspace, init_workspace


def _quirk(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(QUIRKS[name])
    return path


def _local(ws: Workspace) -> list[tuple[str, str, int | None]]:
    return ws.sql(
        "SELECT strftime(timezone('Europe/Paris', observed_at), '%Y-%m-%d %H:%M'), outcome, "
        "slots FROM probes ORDER BY observed_at"
    ).fetchall()


def test_a_two_digit_year_is_read_in_this_century_in_an_empty_workspace(
    ws: Workspace, tmp_path: Path
) -> None:
    """`yy-mm-dd HH:MM,count` with the header `observed_at,slots` added: once « 0 probe(s)
    recorded, 1 already ingested » in an empty workspace, `22` read as the year 22."""
    path = _quirk(tmp_path, "two-digit-year-header-added.csv")
    report = ingest_crawl(ws, [path], **DEFAULTS)
    assert report.rows == 3 and report.duplicates == [] and report.ok
    assert _local(ws) == [
        ("2022-03-12 10:06", "slots_available", 3),
        ("2022-03-12 10:36", "no_slot", 0),
        ("2022-03-12 11:06", "no_slot", 0),
    ]
    assert report.summary() == "crawl: 3 probe(s) recorded"


def test_files_without_a_procedure_are_refused_with_the_flag_to_add(
    ws: Workspace, tmp_path: Path
) -> None:
    """Six exports, one per procedure, none naming it: ingested together, one was recorded
    and five called « already ingested » (their probes merged). Each is now refused with the
    flag to add, then recorded whole with it."""
    procedures = ["renouvellement", "premiere-demande", "naturalisation", "asile",
                  "duplicata", "changement-statut"]  # fmt: skip
    files = []
    for i, procedure in enumerate(procedures):
        path = tmp_path / f"robot-{i}.csv"
        path.write_text(
            "observed_at,prefecture,site,slots\n"
            + "".join(f"2025-03-12 {h:02d}:00,76,r,0\n" for h in range(8, 18)),
            encoding="utf-8",
        )
        files.append((path, procedure))
    refused = ingest_crawl(ws, [p for p, _ in files])
    assert refused.rows == 0 and len(refused.problems) == 6
    assert {p.message for p in refused.problems} == {
        "no procedure column; add --procedure renouvellement (or a mapping's [defaults] procedure)"
    }
    for path, procedure in files:
        assert ingest_crawl(ws, [path], procedure=procedure).rows == 10
    assert ws.scalar("SELECT count(*) FROM probes") == 60
    assert ws.scalar("SELECT count(DISTINCT procedure) FROM probes") == 6


def test_a_file_ingested_under_the_wrong_procedure_is_removed_and_ingested_again(
    ws: Workspace, tmp_path: Path
) -> None:
    path = _quirk(tmp_path, "two-digit-year-header-added.csv")
    wrong = ingest_crawl(ws, [path], prefecture="76", procedure="asile")
    [listed] = [s for s in list_sources(ws) if s["kind"] == "crawl"]
    assert (listed["file"], listed["rows"], listed["recorded"], listed["probes"]) == (
        str(path), 3, 3, 3,
    )  # fmt: skip
    assert listed["defaults"] == {"prefecture": "76", "procedure": "asile"}
    assert listed["sha256"] == wrong.details["files"][str(path)]["sha256"]
    with pytest.raises(InputError, match="give the reason for the removal with --reason"):
        remove_source(ws, listed["batch"], reason="  ")
    removed = remove_source(ws, listed["batch"], reason="wrong procedure", reviewer="Léa B.")
    assert removed["probes_removed"] == 3
    assert ws.scalar("SELECT count(*) FROM probes") == 0
    assert ws.vault.read(listed["sha256"]) == path.read_bytes()  # the original stays
    custody = json.loads(ws.scalar("SELECT detail FROM custody WHERE action = 'sources.remove'"))
    assert custody["probes_removed"] == 3 and custody["file"] == str(path)
    assert (custody["reason"], custody["reviewer"]) == ("wrong procedure", "Léa B.")
    again = ingest_crawl(ws, [path], **DEFAULTS)
    assert again.rows == 3 and again.duplicates == []
    assert ws.sql("SELECT DISTINCT procedure FROM probes").fetchall() == [("renouvellement",)]


def test_the_same_bytes_under_the_same_settings_are_already_ingested_and_nothing_else(
    ws: Workspace, tmp_path: Path
) -> None:
    path = _quirk(tmp_path, "mixed-crlf-lf.csv")
    first = ingest_crawl(ws, [path], **DEFAULTS)
    same = ingest_crawl(ws, [path], **DEFAULTS)
    assert same.duplicates == [str(path)] and same.rows == 0
    assert same.details["files"][str(path)]["batch"] == first.details["files"][str(path)]["batch"]
    other_site = ingest_crawl(ws, [path], **DEFAULTS, site="autre")  # fills no blank site
    assert other_site.duplicates == [] and other_site.rows == 0
    assert other_site.details["files"][str(path)]["stored"] == 6
    assert any("6 row(s) already in the store (batch 0)" in n for n in other_site.notices)


def test_mixed_line_endings_are_read_and_the_vault_keeps_the_original(
    ws: Workspace, tmp_path: Path
) -> None:
    """A CRLF export whose last lines end in LF: once refused naming an internal copy
    (« Error when sniffing file …/original-0.csv »)."""
    path = _quirk(tmp_path, "mixed-crlf-lf.csv")
    report = ingest_crawl(ws, [path], **DEFAULTS)
    assert report.rows == 6 and report.ok
    assert (
        f"{path}: mixed line endings (CRLF and LF); read from a copy with LF endings"
        in report.notices
    )
    digest = report.details["files"][str(path)]["sha256"]
    assert ws.vault.read(digest) == QUIRKS["mixed-crlf-lf.csv"]  # not the copy


def _alone(tmp_path: Path, name: str, **options: str):  # type: ignore[no-untyped-def]
    """Ingest one quirk file into a workspace of its own."""
    ws = init_workspace(tmp_path / f"ws-{name}")
    path = _quirk(tmp_path, name)
    try:
        return path, ingest_crawl(ws, [path], **{**DEFAULTS, **options})
    finally:
        ws.close()


def test_exports_joined_with_their_headers_record_every_row(tmp_path: Path) -> None:
    for name in ("concatenated-repeated-header.csv", "concatenated-bom-mid-file.csv"):
        path, report = _alone(tmp_path, name)
        assert report.rows == 4 and report.ok, report.problems
        assert f"{path}:4: the header again (files joined together?); skipped" in report.notices
        assert report.details["files"][str(path)]["skipped"] == 1


def test_blank_lines_a_missing_newline_cr_only_and_a_nul_byte(tmp_path: Path) -> None:
    for name, rows, blank in [("trailing-blank-lines.csv", 3, 3), ("blank-lines-mid-file.csv", 4, 1),
                              ("missing-final-newline.csv", 4, 0), ("cr-only-lines.csv", 4, 0)]:  # fmt: skip
        path, report = _alone(tmp_path, name)
        assert report.rows == rows and report.ok, (name, report.problems)
        if blank:
            assert f"{path}: {blank} blank line(s) skipped" in report.notices
    path, report = _alone(tmp_path, "nul-bytes.csv")
    assert report.rows == 3
    [problem] = report.problems
    assert str(problem) == (
        f"{path}:4 [prefecture]: unknown préfecture '7\ufffd6'; give a code (76, 2A, 75-PP) "
        "or map it in [values.prefecture]"
    )  # the NUL shown as U+FFFD, never written raw on a terminal


def test_every_message_names_the_users_file_never_a_temporary_copy(
    ws: Workspace, tmp_path: Path
) -> None:
    paths = [_quirk(tmp_path, n) for n in ("quoted-newline.csv", "stray-cr.csv", "checks-fail.csv")]
    report = ingest_crawl(ws, paths, **DEFAULTS)
    texts = [str(p) for p in report.problems] + report.notices + report.warnings
    assert texts and all(t.startswith(tuple(str(p) for p in paths)) for t in texts), texts
    assert not any("original-" in t or "guichets-crawl-" in t for t in texts)


def test_cli_sources_lists_and_removes_a_batch(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _quirk(tmp_path, "mixed-crlf-lf.csv")
    r = cli("ingest", "crawl", str(path), "--prefecture", "76", "--procedure", "asile")
    assert r.exit_code == 0, r.output
    [row] = cli.json("sources")
    assert (row["kind"], row["file"], row["rows"], row["recorded"]) == ("crawl", str(path), 6, 6)
    r = cli("sources", "remove", str(row["batch"]))
    assert r.exit_code == 2  # --reason is required
    r = cli("sources", "remove", str(row["batch"]), "--reason", "wrong procedure")
    assert r.exit_code == 0, r.output
    assert f"Removed batch {row['batch']}: 6 probe(s) of {path}" in r.stderr
    assert cli.json("sources") == []
    r = cli("sources", "remove", "99", "--reason", "x")
    assert r.exit_code == 1 and "no crawl batch 99; `guichets sources` lists them" in r.stderr
