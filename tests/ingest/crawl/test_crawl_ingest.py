"""Robot crawl exports: every format and quirk, bad rows, dedupe, provenance, the CLI."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pytest

from toolkit.errors import InputError, ProblemsFound
from toolkit.ingest.crawl import ingest_crawl, load_mapping, probe_id
from toolkit.workspace import Workspace

ROOT = Path(__file__).resolve().parents[3]
CRAWL = ROOT / "tests" / "fixtures" / "crawl"
SAMPLE = ROOT / "evidence" / "sample"


def probes(ws: Workspace, source_id: str | None = None) -> list[tuple]:
    """(UTC time, prefecture, site, procedure, outcome, slots, first_slot) in time order."""
    where = "WHERE source_id = ?" if source_id else ""
    return ws.sql(
        "SELECT strftime(timezone('UTC', observed_at), '%Y-%m-%d %H:%M:%S'), prefecture, site, "
        f"procedure, outcome, slots, first_slot FROM probes {where} "
        "ORDER BY observed_at, prefecture",
        [source_id] if source_id else [],
    ).fetchall()


def utc(ws: Workspace) -> list[str]:
    return [p[0] for p in probes(ws)]


# -- formats and quirks ------------------------------------------------------------------


def test_headerless_with_positional_mapping(ws: Workspace) -> None:
    report = ingest_crawl(ws, [CRAWL / "headerless.csv"], mapping=CRAWL / "headerless.toml")
    assert report.ok and report.rows == 3
    assert probes(ws) == [
        ("2025-03-12 09:06:00", "76", "robot-sans-entete", "renouvellement", "no_slot", 0, None),
        ("2025-03-12 10:06:00", "76", "robot-sans-entete", "renouvellement", "slots_available",
         2, date(2025, 4, 2)),
        ("2025-03-12 11:06:00", "2A", "robot-sans-entete", "premiere-demande", "no_slot", 0, None),
    ]  # fmt: skip


def test_semicolon_cp1252_french_headers_need_no_mapping(ws: Workspace) -> None:
    report = ingest_crawl(ws, [CRAWL / "semicolon-cp1252.csv"])
    assert report.ok and report.rows == 3
    assert any("encoding cp1252 (detected)" in n for n in report.notices)
    assert any("delimiter ';' (detected)" in n for n in report.notices)
    rows = probes(ws)
    # naive times read in Europe/Paris (UTC+1 in January); « Isère » is a name, not a code
    assert [r[0] for r in rows] == ["2025-01-05 23:15:00", "2025-01-06 01:15:00",
                                    "2025-01-06 03:15:00"]  # fmt: skip
    assert [r[1] for r in rows] == ["93", "93", "38"]
    # Windows-1252 only: the typographic apostrophe (0x92) and the en dash (0x96)
    assert rows[0][2] == "Sous-préfecture d’Aubervilliers"
    assert rows[2][2] == "Grenoble – guichet"
    assert rows[1][3:] == ("premiere-demande", "slots_available", 3, date(2025, 2, 20))


def test_bom_is_skipped(ws: Workspace) -> None:
    report = ingest_crawl(ws, [CRAWL / "bom-utf8.csv"])
    assert report.ok and report.rows == 2
    assert probes(ws)[1][1:] == ("01", "bourg", "renouvellement", "slots_available", 4,
                                 date(2025, 4, 2))  # fmt: skip
    assert ws.scalar("SELECT http_status FROM probes WHERE prefecture = '76'") == 200


def test_french_dates_names_and_words(ws: Workspace) -> None:
    report = ingest_crawl(ws, [CRAWL / "french-dates.csv"])
    assert report.ok, report.problems
    assert probes(ws) == [
        ("2025-03-12 09:06:00", "76", None, "renouvellement", "no_slot", None, None),
        ("2025-03-12 09:36:00", "76", None, "renouvellement", "slots_available", None,
         date(2025, 4, 2)),
        ("2025-03-12 23:00:00", "75-PP", None, "naturalisation", "no_slot", None, None),
        ("2025-03-13 08:00:30", "2A", None, "premiere-demande", "error", None, None),
    ]  # fmt: skip


def test_two_digit_years(ws: Workspace) -> None:
    report = ingest_crawl(ws, [CRAWL / "two-digit-years.csv"])
    assert report.ok, report.problems
    assert probes(ws) == [
        ("2025-03-12 09:06:00", "76", None, "renouvellement", "slots_available", 1,
         date(2025, 4, 2)),
        ("2025-03-12 10:06:00", "76", None, "renouvellement", "no_slot", 0, None),
    ]  # fmt: skip


def test_two_digit_year_read_as_four_digits_is_refused(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "wrong-format.csv"
    f.write_text("date,prefecture,slots\n12/03/25 10:06,76,0\n", encoding="utf-8")
    m = tmp_path / "wrong.toml"
    m.write_text('[formats]\ndate = "%d/%m/%Y %H:%M"\n', encoding="utf-8")
    report = ingest_crawl(ws, [f], mapping=m, procedure="renouvellement")
    assert report.rows == 0
    assert str(report.problems[0]) == (
        f"{f}:2 [date]: date 0025-03-12 read from '12/03/25 10:06' is before 2000 or in the "
        "future (two-digit year, or day and month swapped?); check [formats]"
    )
    assert report.problems[0].code == "time.out_of_range"


def test_dst_spring_gap_is_refused_not_moved(ws: Workspace) -> None:
    """Paris, 30 March 2025: 02:00 -> 03:00. DuckDB would read 02:30 as 01:30 UTC — the
    instant of 03:30 — and the real 03:30 probe would be lost as a duplicate."""
    report = ingest_crawl(ws, [CRAWL / "dst-2025-03-30.csv"])
    assert [str(p) for p in report.problems] == [
        f"{CRAWL / 'dst-2025-03-30.csv'}:4 [observed_at]: local time 2025-03-30 02:30 does not "
        "exist in Europe/Paris (the clocks went forward); fix the robot's clock or give times "
        "with their UTC offset"
    ]
    assert [(p[0], p[4]) for p in probes(ws)] == [
        ("2025-03-30 00:00:00", "no_slot"),  # 01:00 CET
        ("2025-03-30 00:30:00", "no_slot"),  # 01:30 CET
        ("2025-03-30 01:00:00", "no_slot"),  # 03:00 CEST
        ("2025-03-30 01:30:00", "slots_available"),  # 03:30 CEST, kept
    ]


def test_dst_autumn_repeated_hour_reads_first_occurrence(ws: Workspace) -> None:
    """Paris, 26 October 2025: 03:00 -> 02:00. A naive 02:30 is read as summer time (00:30
    UTC), like screenshots; the second pass through the hour repeats those instants."""
    report = ingest_crawl(ws, [CRAWL / "dst-2025-10-26.csv"])
    assert report.rows == 4 and report.ok
    assert report.details["files"][str(CRAWL / "dst-2025-10-26.csv")]["repeated"] == 2
    assert "repeated hour of the autumn clock change" in report.warnings[0]
    assert utc(ws) == ["2025-10-25 23:30:00", "2025-10-26 00:00:00", "2025-10-26 00:30:00",
                       "2025-10-26 02:00:00"]  # fmt: skip


def test_dst_autumn_with_offsets_keeps_both_passes(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "offsets.csv"
    f.write_text(
        "observed_at,prefecture,site,outcome\n"
        "2025-10-26T02:30:00+02:00,76,r,no_slot\n"
        "2025-10-26T02:30:00+01:00,76,r,no_slot\n",
        encoding="utf-8",
    )
    assert ingest_crawl(ws, [f], procedure="renouvellement").rows == 2
    assert utc(ws) == ["2025-10-26 00:30:00", "2025-10-26 01:30:00"]


@pytest.mark.parametrize("name", ["canonical.json", "canonical.jsonl", "canonical.parquet"])
def test_canonical_json_jsonl_parquet(ws: Workspace, tmp_path: Path, name: str) -> None:
    path = CRAWL / name
    if name.endswith(".parquet"):  # generated: the same records through DuckDB's writer
        path = tmp_path / name
        duckdb.sql(
            f"COPY (SELECT * FROM read_json('{CRAWL / 'canonical.jsonl'}')) TO '{path}' "
            "(FORMAT parquet)"
        )
    report = ingest_crawl(ws, [path])
    assert report.ok and report.rows == 3
    # offsets kept whatever the préfecture: 10:06+01:00, 09:06Z and 06:06-03:00 are one instant
    assert probes(ws) == [
        ("2025-03-12 09:06:00", "2A", "robot-json", "premiere-demande", "slots_available", 5,
         date(2025, 4, 1)),
        ("2025-03-12 09:06:00", "76", "robot-json", "renouvellement", "no_slot", 0, None),
        ("2025-03-12 09:06:00", "973", "robot-json", "renouvellement", "captcha", None, None),
    ]  # fmt: skip


def test_same_records_in_another_format_add_nothing(ws: Workspace) -> None:
    """Not « already ingested » (other bytes): the rows are said to be in the store, with the
    batch that holds them."""
    first = ingest_crawl(ws, [CRAWL / "canonical.json"])
    again = ingest_crawl(ws, [CRAWL / "canonical.jsonl"])
    assert again.rows == 0 and again.duplicates == []
    batch = first.details["files"][str(CRAWL / "canonical.json")]["batch"]
    assert (
        f"{CRAWL / 'canonical.jsonl'}: 3 row(s) already in the store (batch {batch}); they "
        "were not recorded again" in again.notices
    )
    assert again.details["files"][str(CRAWL / "canonical.jsonl")]["stored"] == 3


def test_excel_serial_dates_in_xlsx(ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.title = "Relevés"
    sheet.append(["Horodatage", "Département", "Démarche", "Créneaux", "Premier créneau"])
    sheet.append([45728.42083333333, 76, "renouvellement", 0, None])  # serial: 12/03/2025 10:06
    sheet.append([datetime(2025, 3, 12, 11, 6), "2A", "Première demande", 2, 45749])
    sheet.append([None, None, None, None, None])  # an empty row is skipped
    sheet.append(["12/03/2025 12:06", 1, "renouvellement", 1, date(2025, 4, 3)])
    path = tmp_path / "excel-serial.xlsx"
    wb.save(path)
    report = ingest_crawl(ws, [path])
    assert report.ok and report.rows == 3
    assert f"{path}: sheet 'Relevés' (1 empty row(s) skipped)" in report.notices
    assert probes(ws) == [
        ("2025-03-12 09:06:00", "76", None, "renouvellement", "no_slot", 0, None),
        ("2025-03-12 10:06:00", "2A", None, "premiere-demande", "slots_available", 2,
         date(2025, 4, 2)),
        ("2025-03-12 11:06:00", "01", None, "renouvellement", "slots_available", 1,
         date(2025, 4, 3)),
    ]  # fmt: skip


def test_xlsx_bad_row_is_reported_with_its_sheet_row(ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    sheet.append(["observed_at", "prefecture", "procedure", "outcome"])
    sheet.append([None, None, None, None])
    sheet.append([datetime(2025, 3, 12, 11, 6), "Atlantide", "asile", "no_slot"])
    path = tmp_path / "bad.xlsx"
    wb.save(path)
    report = ingest_crawl(ws, [path])
    assert (report.problems[0].line, report.problems[0].column) == (3, "prefecture")


def test_excel_serial_and_unix_time_in_csv(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "serials.csv"
    f.write_text(
        "observed_at;prefecture;slots;first_slot\n"
        "45728,42083333;76;1;45749\n"  # decimal comma, as French Excel writes it
        "1741774560;76;0;\n",  # Unix seconds: 2025-03-12 10:16 UTC
        encoding="utf-8",
    )
    m = tmp_path / "m.toml"
    m.write_text('[csv]\ndecimal = ","\n[defaults]\nprocedure = "asile"\n', encoding="utf-8")
    report = ingest_crawl(ws, [f], mapping=m)
    assert report.ok, report.problems
    assert [(p[0], p[4], p[6]) for p in probes(ws)] == [
        ("2025-03-12 09:06:00", "slots_available", date(2025, 4, 2)),
        ("2025-03-12 10:16:00", "no_slot", None),
    ]


def test_mapping_values_defaults_and_zone(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "asso.csv"
    f.write_text(
        "Quand,Service,Etat\n2025-03-12 09:00,RDV titre,plein\n2025-03-12 10:00,RDV titre,ouvert\n",
        encoding="utf-8",
    )
    m = tmp_path / "asso.toml"
    m.write_text(
        '[columns]\nobserved_at = "Quand"\nprocedure = "Service"\noutcome = "Etat"\n'
        '[formats]\nzone = "UTC"\n'
        '[values.procedure]\n"RDV titre" = "Renouvellement"\n'
        '[values.outcome]\n"plein" = "no_slot"\n"ouvert" = "slots_available"\n'
        '[defaults]\nprefecture = "Seine-Maritime"\nsite = "asso"\n',
        encoding="utf-8",
    )
    report = ingest_crawl(ws, [f], mapping=m, site="cli-site")
    assert report.ok, report.problems
    assert probes(ws) == [
        ("2025-03-12 09:00:00", "76", "cli-site", "renouvellement", "no_slot", None, None),
        ("2025-03-12 10:00:00", "76", "cli-site", "renouvellement", "slots_available", None, None),
    ]  # fmt: skip


def test_outcome_derived_when_absent(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "derived.csv"
    f.write_text(
        "observed_at,prefecture,slots,first_slot,http_status\n"
        "2025-03-12 09:00,76,0,,200\n"
        "2025-03-12 10:00,76,,2025-04-01,200\n"
        "2025-03-12 11:00,76,3,,200\n"
        "2025-03-12 12:00,76,,,503\n"
        "2025-03-12 13:00,76,,,429\n"
        "2025-03-12 14:00,76,,,200\n",
        encoding="utf-8",
    )
    assert ingest_crawl(ws, [f], procedure="asile").ok
    assert [p[4] for p in probes(ws)] == [
        "no_slot", "slots_available", "slots_available", "error", "blocked", "unknown",
    ]  # fmt: skip


def test_dates_only_file_empty_date_means_no_slot(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "dates.csv"
    f.write_text(
        "observed_at,prefecture,first_slot\n2025-03-12 09:00,76,\n2025-03-12 10:00,76,aucune\n"
        "2025-03-12 11:00,76,02/04/2025\n",
        encoding="utf-8",
    )
    assert ingest_crawl(ws, [f], procedure="asile").ok
    assert [p[4] for p in probes(ws)] == ["no_slot", "no_slot", "slots_available"]


# -- bad rows ----------------------------------------------------------------------------


def test_bad_rows_are_reported_with_line_and_column(ws: Workspace) -> None:
    path = CRAWL / "bad-rows.csv"
    report = ingest_crawl(ws, [path])
    assert [str(p) for p in report.problems] == [
        f"{path}:3 [prefecture]: unknown préfecture '99'; give a code (76, 2A, 75-PP) or map "
        "it in [values.prefecture]",
        f"{path}:4 [observed_at]: unparseable date/time '2025-03-32 12:00' (give its format "
        "in [formats])",
        f"{path}:5 [slots]: negative slot count -2",
        f"{path}:6: line refused by the CSV reader (too many columns: Expected Number of "
        "Columns: 6 Found: 7)",
    ]
    assert [p.code for p in report.problems] == [
        "prefecture.unknown", "time.unparseable", "slots.negative", "reader.refused",
    ]  # fmt: skip
    assert report.rows == 2
    assert report.details["files"][str(path)] | {"sha256": ""} == {
        "sha256": "", "batch": 0, "format": "csv", "detected_by": "extension",
        "read_by": "typed", "rows": 6, "recorded": 2, "repeated": 0, "stored": 0,
        "refused": 4, "skipped": 0, "blank_lines": 0,
    }  # fmt: skip
    assert utc(ws) == ["2025-03-12 09:00:00", "2025-03-12 14:00:00"]


def test_strict_refuses_and_records_nothing(ws: Workspace) -> None:
    with pytest.raises(ProblemsFound, match="4 problem"):
        ingest_crawl(ws, [CRAWL / "bom-utf8.csv", CRAWL / "bad-rows.csv"], strict=True)
    assert ws.scalar("SELECT count(*) FROM probes") == 0
    assert ws.scalar("SELECT count(*) FROM files") == 0
    assert list(ws.vault.iter_files()) == []
    assert list(ws.tmp_dir.iterdir()) == []  # no copy left behind


def _nothing_recorded(ws: Workspace) -> None:
    """No row, no listed file, nothing in the vault, no copy left in the workspace's tmp/."""
    assert ws.scalar("SELECT count(*) FROM probes") == 0
    assert ws.scalar("SELECT count(*) FROM files") == 0
    assert list(ws.vault.iter_files()) == []
    assert list(ws.tmp_dir.iterdir()) == []  # no copy left behind


def _change_when_recording(change):  # type: ignore[no-untyped-def]
    """A progress callback that runs ``change`` once the files were opened, when the
    transaction starts recording them (the public hook closest to DuckDB's read)."""
    done = []

    def progress(step: int, total: int, name: str) -> None:
        if step >= total // 2 and not done and name:
            done.append(change())

    return progress


def test_file_changed_while_read_is_refused(ws: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "growing.csv"
    path.write_bytes((CRAWL / "bom-utf8.csv").read_bytes())

    def append() -> None:  # the robot writes on while DuckDB reads
        with open(path, "ab") as f:
            f.write(b"2025-03-12T10:00:00,76,,,no_slot\n")

    with pytest.raises(InputError, match=r"growing\.csv: the file changed while it was being read"):
        ingest_crawl(ws, [path], progress=_change_when_recording(append))
    _nothing_recorded(ws)


def test_file_replaced_by_one_of_same_size_and_time_is_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    import os

    path = tmp_path / "export.csv"
    text = (CRAWL / "bom-utf8.csv").read_bytes()
    path.write_bytes(text)
    other = tmp_path / "other.csv"
    other.write_bytes(text.replace(b"no_slot,0", b"no_slot,9"))  # same size
    st = os.stat(path)

    def replace() -> None:  # e.g. rsync -t or cp -p over the file
        os.utime(other, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.replace(other, path)

    with pytest.raises(InputError, match="the file changed while it was being read"):
        ingest_crawl(ws, [path], progress=_change_when_recording(replace))
    _nothing_recorded(ws)


def test_pattern_characters_in_a_name_are_not_a_pattern(ws: Workspace, tmp_path: Path) -> None:
    rows = "observed_at,prefecture,outcome\n2025-03-12 09:00,{},no_slot\n"
    (tmp_path / "crawl1.csv").write_text(rows.format("13"), encoding="utf-8")
    (tmp_path / "crawl-b.csv").write_text(rows.format("69"), encoding="utf-8")
    odd = [tmp_path / "crawl[1].csv", tmp_path / "crawl-*.csv", tmp_path / "crawl?1.parquet"]
    odd[0].write_text(rows.format("76"), encoding="utf-8")
    odd[1].write_text(rows.format("59"), encoding="utf-8")
    duckdb.sql(
        f"COPY (SELECT '2025-03-12 10:00' AS observed_at, '38' AS prefecture, "
        f"'no_slot' AS outcome) TO '{odd[2]}' (FORMAT parquet)"
    )
    report = ingest_crawl(ws, odd, procedure="renouvellement")
    assert report.rows == 3 and not report.problems
    assert sorted(r[1] for r in probes(ws)) == ["38", "59", "76"]


def test_reingest_makes_no_copy_of_a_kept_file(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    ingest_crawl(ws, [CRAWL / "french-dates.csv"])

    def no_copy(src, dst):  # type: ignore[no-untyped-def]
        raise AssertionError("the vault already holds these bytes")

    monkeypatch.setattr(shutil, "copyfile", no_copy)
    again = ingest_crawl(ws, [CRAWL / "french-dates.csv"])
    assert again.rows == 0 and again.duplicates == [str(CRAWL / "french-dates.csv")]
    assert len(list(ws.vault.iter_files())) == 1


def test_failed_vault_copy_records_nothing(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    def full_disk(src, dst):  # type: ignore[no-untyped-def]
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", full_disk)
    with pytest.raises(InputError, match=r"cannot copy into the vault \(No space left on device"):
        ingest_crawl(ws, [CRAWL / "bom-utf8.csv"])
    _nothing_recorded(ws)


def test_a_different_file_of_a_kept_size_is_copied(ws: Workspace, tmp_path: Path) -> None:
    """Only a file of a kept size waits for its hash before the copy: then the hash, not
    the size, decides."""
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes((CRAWL / "bom-utf8.csv").read_bytes())
    second.write_bytes(first.read_bytes().replace(b"no_slot,0", b"no_slot,9"))
    assert first.stat().st_size == second.stat().st_size
    ingest_crawl(ws, [first])
    ingest_crawl(ws, [second])
    assert len(list(ws.vault.iter_files())) == 2
    assert ws.sql("SELECT count(DISTINCT size), count(*) FROM files").fetchone() == (1, 2)
    assert list(ws.tmp_dir.iterdir()) == []  # no copy left behind


def test_failed_flush_of_the_vault_copy_records_nothing(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toolkit.ingest.crawl.source as source

    def failing(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(source.os, "fsync", failing)  # a disk that fails at the flush
    with pytest.raises(InputError, match=r"cannot copy into the vault \(Input/output error"):
        ingest_crawl(ws, [CRAWL / "bom-utf8.csv"])
    _nothing_recorded(ws)


def test_lines_after_a_quoted_newline_and_a_refused_line(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "quoted.csv"
    f.write_text(
        "observed_at,prefecture,site,outcome\n"  # 1
        '2025-03-12 09:00,76,"two\nlines",no_slot\n'  # 2-3 (one record over two lines)
        "2025-03-12 10:00,76,r\n"  # 4 too few fields
        "2025-03-12 11:00,76,r,no_slot\n"  # 5
        "2025-03-12 12:00,76,r,peut-être\n",  # 6 unknown outcome
        encoding="utf-8",
    )
    report = ingest_crawl(ws, [f], procedure="asile")
    # the file's own lines: the quoted newline makes the record on line 2 end on line 3
    assert [(p.line, p.column) for p in report.problems] == [(4, "outcome"), (6, "outcome")]
    assert "missing columns" in report.problems[0].message
    assert report.problems[1].message.startswith("unknown outcome 'peut-être'")
    assert report.rows == 2


def test_many_bad_rows_are_summarised(ws: Workspace, tmp_path: Path) -> None:
    f = tmp_path / "many.csv"
    f.write_text(
        "observed_at,prefecture,slots\n"
        + "".join(f"2025-03-12 09:{i:02d},76,x\n" for i in range(30)),
        encoding="utf-8",
    )
    report = ingest_crawl(ws, [f], procedure="asile")
    assert len(report.problems) == 21
    assert report.problems[-1].message == (
        "10 more row(s) refused, not listed (in all: 30 × slots.not_a_number)"
    )
    assert report.details["files"][str(f)]["refused"] == 30


def test_file_level_problems_name_the_file_and_the_fix(ws: Workspace, tmp_path: Path) -> None:
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("a,b\n1,2\n", encoding="utf-8")
    no_pref = tmp_path / "no-pref.csv"
    no_pref.write_text("observed_at,outcome\n2025-03-12 09:00,no_slot\n", encoding="utf-8")
    report = ingest_crawl(ws, [nothing, no_pref, tmp_path / "missing.csv"])
    assert [str(p) for p in report.problems] == [
        f"{tmp_path / 'missing.csv'}: no such file or folder; check the path",
        f"{nothing}: no time column (observed_at, or date + time) among 'a', 'b'; name it in "
        "a --mapping file [columns]",
        f"{no_pref}: no préfecture column; add --prefecture 76 (or a mapping's [defaults] "
        "prefecture)",
    ]
    again = ingest_crawl(ws, [no_pref], prefecture="76")
    assert [str(p) for p in again.problems] == [
        f"{no_pref}: no procedure column; add --procedure renouvellement (or a mapping's "
        "[defaults] procedure)"
    ]
    assert ingest_crawl(ws, [no_pref], prefecture="76", procedure="asile").rows == 1


def test_declared_utf8_but_windows_1252(ws: Workspace, tmp_path: Path) -> None:
    m = tmp_path / "utf8.toml"
    m.write_text('[csv]\nencoding = "utf-8"\n', encoding="utf-8")
    report = ingest_crawl(ws, [CRAWL / "semicolon-cp1252.csv"], mapping=m)
    assert "not valid UTF-8 although the mapping says utf-8" in report.problems[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[columns\n", "not valid TOML"),
        ("[colonnes]\n", "unknown section 'colonnes'"),
        ('[columns]\nwhen = "Date"\n', "'when' is not a probe column"),
        ('[values.procedure]\n"X" = "visa"\n', "unknown procedure 'visa'"),
        ('[defaults]\nprefecture = "99"\n', "unknown préfecture '99'"),
        ('[csv]\nencoding = "ebcdic"\n', "use one of utf-8, utf-8-sig, cp1252"),
        ('[formats]\nzone = "Mars/Olympus"\n', "use an IANA name"),
    ],
)
def test_mapping_errors(tmp_path: Path, text: str, message: str) -> None:
    m = tmp_path / "m.toml"
    m.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=message) as err:
        load_mapping(m)
    assert str(m) in str(err.value)


# -- ids, provenance, dedupe --------------------------------------------------------------


def test_probe_id_is_the_content_hash(ws: Workspace) -> None:
    ingest_crawl(ws, [CRAWL / "bom-utf8.csv"])
    row = ws.sql(
        "SELECT id, prefecture, site, procedure, observed_at FROM probes WHERE prefecture = '76'"
    ).fetchone()
    assert row[0] == probe_id(row[1], row[2], row[3], row[4])
    assert row[0] == probe_id("76", "préfecture-rouen", "renouvellement",
                              datetime(2025, 3, 12, 9, 6, tzinfo=UTC))  # fmt: skip


def test_reingest_adds_nothing_and_vault_keeps_the_original(ws: Workspace) -> None:
    first = ingest_crawl(ws, [CRAWL / "french-dates.csv"], source="robot-test")
    again = ingest_crawl(ws, [CRAWL / "french-dates.csv"])
    assert (first.rows, again.rows) == (4, 0)
    assert again.duplicates == [str(CRAWL / "french-dates.csv")]
    digest = ws.scalar("SELECT DISTINCT file_sha256 FROM probes")
    assert ws.vault.read(digest) == (CRAWL / "french-dates.csv").read_bytes()
    assert ws.scalar("SELECT original_name FROM files WHERE sha256 = ?", [digest]) == (
        "french-dates.csv"
    )
    assert ws.scalar("SELECT DISTINCT source_id FROM probes") == first.source_id
    options = json.loads(ws.scalar("SELECT options FROM sources WHERE id = ?", [first.source_id]))
    assert options["name"] == "robot-test"
    detail = json.loads(
        ws.scalar("SELECT detail FROM custody WHERE action = 'ingest.crawl' LIMIT 1")
    )
    assert detail["files"][str(CRAWL / "french-dates.csv")]["recorded"] == 4


def test_two_robots_merge_only_on_the_same_site(ws: Workspace, tmp_path: Path) -> None:
    rows = "observed_at,prefecture,site,outcome\n2025-03-12 09:00,76,{},no_slot\n"
    for name, site in (("a.csv", "guichet"), ("b.csv", "guichet"), ("c.csv", "autre")):
        (tmp_path / name).write_text(rows.format(site), encoding="utf-8")
    report = ingest_crawl(ws, [tmp_path], procedure="asile")  # a folder, in name order
    assert report.rows == 2
    assert report.details["files"][str(tmp_path / "b.csv")]["stored"] == 1


def test_folder_skips_junk_and_other_files(ws: Workspace, tmp_path: Path) -> None:
    (tmp_path / "crawl.csv").write_text(
        "observed_at,prefecture,outcome\n2025-03-12 09:00,76,no_slot\n", encoding="utf-8"
    )
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / ".DS_Store").write_bytes(b"\x00")
    assert ingest_crawl(ws, [tmp_path], procedure="asile").rows == 1


def test_sample_crawls_ingest_cleanly(ws: Workspace) -> None:
    crawl = SAMPLE / "crawl"
    if not (crawl / "robot-canonical.csv").exists():
        pytest.skip("sample crawl not generated")
    robot = ingest_crawl(ws, [crawl / "robot-canonical.csv"], source="observatoire")
    asso = ingest_crawl(
        ws, [crawl / "export-association.csv"], mapping=crawl / "export-association.toml"
    )
    assert robot.ok and asso.ok and not robot.warnings and not asso.warnings
    assert robot.rows == 13100 and asso.rows == 4364


# -- CLI ---------------------------------------------------------------------------------


def test_cli_ingest_crawl(cli) -> None:  # type: ignore[no-untyped-def]
    r = cli("ingest", "crawl", str(CRAWL / "french-dates.csv"), "--source", "robot")
    assert r.exit_code == 0, r.output
    assert "crawl: 4 probe(s) recorded" in r.stderr
    r = cli("ingest", "crawl", str(CRAWL / "french-dates.csv"))
    assert r.exit_code == 0, r.output
    assert f"Already ingested: {CRAWL / 'french-dates.csv'}" in r.stderr


def test_cli_bad_rows_exit_1_and_strict(cli) -> None:  # type: ignore[no-untyped-def]
    path = CRAWL / "bad-rows.csv"
    r = cli("ingest", "crawl", str(path), "--strict")
    assert r.exit_code == 1
    assert f"Rejected: {path}:3 [prefecture]: unknown préfecture '99'" in r.stderr
    assert "Error: 4 problem(s) with --strict; nothing was recorded" in r.stderr
    r = cli("ingest", "crawl", str(path))
    assert r.exit_code == 1
    assert "crawl: 2 probe(s) recorded, 4 row(s) refused" in r.stderr


def test_cli_usage_errors_exit_2(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", "crawl").exit_code == 2
    r = cli("ingest", "crawl", str(CRAWL / "bom-utf8.csv"), "--mapping", "nope.toml")
    assert r.exit_code == 1
    assert "nope.toml: mapping file not found; check the --mapping path" in r.stderr


def _without_waiting(call: Callable[[], object], pipe: Path) -> object:
    """What ``call`` raises or returns, or a failure if it waits (for a writer on ``pipe``)."""
    out: list[object] = []
    worker = threading.Thread(target=lambda: out.append(_outcome(call)), daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # release it before failing: open the pipe for writing
        os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
        pytest.fail(f"{call} waited on the pipe")
    return out[0]


def _outcome(call: Callable[[], object]) -> object:
    try:
        return call()
    except InputError as e:
        return e


def test_a_folder_pipe_or_device_is_refused_never_read(ws: Workspace, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from toolkit.ingest.crawl import explain_crawl

    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    good = CRAWL / "bom-utf8.csv"
    for call, line in [
        (lambda: load_mapping(pipe), f"{pipe}: not a regular file (a pipe, socket or device)"),
        (lambda: load_mapping("/dev/zero"), "/dev/zero: not a regular file (a pipe, socket"),
        (lambda: load_mapping(tmp_path), f"{tmp_path}: is a folder; --mapping takes a TOML file"),
        (lambda: explain_crawl(pipe), f"{pipe}: not a regular file; give the crawl export"),
        (lambda: explain_crawl(tmp_path), f"{tmp_path}: a folder; --explain reads one crawl"),
    ]:
        refused = _without_waiting(call, pipe)
        assert isinstance(refused, InputError) and str(refused).startswith(line), refused
    report = _without_waiting(lambda: ingest_crawl(ws, [pipe]), pipe)
    assert [(p.path, p.message) for p in report.problems] == [  # type: ignore[attr-defined]
        (str(pipe), "not a regular file; give the crawl export itself")
    ]
    assert report.summary() == "crawl: 0 probe(s) recorded, 1 file(s) refused"  # type: ignore[attr-defined]
    assert ws.sql("SELECT count(*) FROM probe_rows").fetchone() == (0,)
    r = cli("ingest", "crawl", str(good), "--mapping", str(tmp_path))
    assert r.exit_code == 1
    assert r.stderr.strip().splitlines() == [
        f"Error: {tmp_path}: is a folder; --mapping takes a TOML file (see "
        "docs/crawl-mapping.md, or `guichets ingest crawl FILE --explain` for one to start from)"
    ]


# -- encoding decided on the first chunk, checked by the pass over the whole file ------------

LATE_CP1252 = (
    "observed_at,prefecture,site,outcome,slots\n"
    "2025-03-12 09:00:00,76,rouen,no_slot,0\n"
    "2025-03-12 10:00:00,76,rouen,no_slot,0\n"
    "2025-03-12 11:00:00,76,le-havre,no_slot,0\n"
    "2025-03-12 12:00:00,76,préfecture,slots_available,2\n"
)


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> int:
    """Chunks of 64 bytes: the first holds the header and part of the first row."""
    import toolkit.ingest.crawl.source as source

    monkeypatch.setattr(source, "CHUNK", 64)  # the first chunk decides the encoding
    return 64


def test_a_later_chunk_in_cp1252_is_read_again_as_cp1252(
    ws: Workspace, tmp_path: Path, small_chunks: int
) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(LATE_CP1252.encode("cp1252"))
    assert path.read_bytes()[:small_chunks].isascii()
    report = ingest_crawl(ws, [path], procedure="renouvellement")
    assert not report.problems
    assert report.rows == 4
    assert f"{path}: encoding cp1252 (detected)" in report.notices
    assert ws.sql(
        "SELECT site, outcome, slots FROM probes ORDER BY observed_at DESC LIMIT 1"
    ).fetchone() == ("préfecture", "slots_available", 2)
    assert report.details["files"][str(path)]["rows"] == 4
    assert ws.scalar("SELECT count(*) FROM probe_batches") == 1
    assert len(list(ws.vault.iter_files())) == 1


def test_a_later_chunk_not_in_utf8_is_refused_when_the_mapping_says_utf8(
    ws: Workspace, tmp_path: Path, small_chunks: int
) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(LATE_CP1252.encode("cp1252"))
    mapping = tmp_path / "utf8.toml"
    mapping.write_text('[csv]\nencoding = "utf-8"\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"late\.csv: not valid UTF-8 although the mapping says"):
        ingest_crawl(ws, [path], mapping=mapping, procedure="renouvellement")
    _nothing_recorded(ws)


def test_a_character_cut_by_the_first_chunk_is_still_utf8(
    ws: Workspace, tmp_path: Path, small_chunks: int
) -> None:
    data = "observed_at,prefecture,site,outcome,slots\n2025-03-12 09:00,14,hérouville,no_slot,0\n"
    raw = data.encode("utf-8")
    assert raw.index("é".encode()) == small_chunks - 1  # the é is cut after its first byte
    path = tmp_path / "cut.csv"
    path.write_bytes(raw)
    report = ingest_crawl(ws, [path], procedure="renouvellement")
    assert not report.problems and not any("encoding" in n for n in report.notices)
    assert ws.scalar("SELECT site FROM probes") == "hérouville"


def test_a_large_file_is_described_and_sampled_from_its_head(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The head DuckDB samples ends at a line end, here inside a quoted field that spans two
    lines: the sample's broken last row leaves no trace in the file's own counts."""
    import toolkit.ingest.crawl.formats.delimited as delimited

    monkeypatch.setattr(delimited, "HEAD_BYTES", 120)  # a small file made « large »
    rows = [f"2025-03-12 {h:02d}:00:00,76,rouen,no_slot,0" for h in range(8, 18)]
    rows[1] = '2025-03-12 09:00:00,76,"rouen\nquai",no_slot,0'  # the cut falls after "rouen
    text = "observed_at,prefecture,site,outcome,slots\n" + "\n".join(rows) + "\n"
    assert text.encode().rfind(b"\n", 0, 121) == text.index("rouen\n") + 5
    path = tmp_path / "big.csv"
    path.write_text(text, encoding="utf-8")
    report = ingest_crawl(ws, [path], procedure="renouvellement")
    assert (tmp_path / "ws").exists() and not report.problems
    assert report.rows == 10
    details = report.details["files"][str(path)]
    assert (details["rows"], details["recorded"], details["refused"]) == (10, 10, 0)
    assert ws.scalar("SELECT site FROM probes WHERE site LIKE 'rouen%quai'") == "rouen\nquai"


def test_a_stray_quote_early_in_a_large_file_leaves_a_short_head(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A quote inside an unquoted field makes every later line end inside quotes as far as
    the head can tell: the head is cut back to the header and first row, one line at a time,
    and the file is still read whole (DuckDB, and the counts, read that quote as text)."""
    import toolkit.ingest.crawl.formats.delimited as delimited

    monkeypatch.setattr(delimited, "HEAD_BYTES", 2000)  # a small file made « large »
    rows = [f"2025-03-12 {h:02d}:{m:02d}:00,76,rouen,no_slot,0" for h in range(8, 18)
            for m in range(0, 60, 5)]  # fmt: skip
    rows[1] = rows[1].replace("rouen", 'rouen "gare')  # a quote inside an unquoted field
    path = tmp_path / "stray.csv"
    path.write_text("observed_at,prefecture,site,outcome,slots\n" + "\n".join(rows) + "\n")
    head = delimited._head(path, '"', tmp_path / "head.csv")
    assert head.read_text() == "observed_at,prefecture,site,outcome,slots\n" + rows[0] + "\n"
    report = ingest_crawl(ws, [path], procedure="renouvellement")
    details = report.details["files"][str(path)]
    assert details["rows"] == 120 == report.rows
    assert not report.problems


def test_cli_reads_a_late_cp1252_chunk_again_and_refuses_it_against_a_utf8_mapping(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path, small_chunks: int
) -> None:
    path = tmp_path / "late.csv"
    path.write_bytes(LATE_CP1252.encode("cp1252"))
    mapping = tmp_path / "utf8.toml"
    mapping.write_text('[csv]\nencoding = "utf-8"\n', encoding="utf-8")
    refused = cli("ingest", "crawl", str(path), "--mapping", str(mapping), "--procedure", "asile")
    assert refused.exit_code == 1
    [line] = refused.stderr.strip().splitlines()
    assert line.startswith("Error: ") and "late.csv: not valid UTF-8 although the mapping" in line
    assert "Traceback" not in refused.output
    assert cli.json("indicators", "prefecture") == []  # nothing recorded
    r = cli("ingest", "crawl", str(path), "--procedure", "asile")
    assert r.exit_code == 0, r.output
    assert "encoding cp1252 (detected)" in r.stderr
    [row] = cli.json("indicators", "prefecture", "--prefecture", "76")
    assert row["probes"] == 4 and row["slots_rate"] == 0.25


def test_a_crawl_killed_midway_leaves_its_copies_in_tmp_for_the_next_open(
    tmp_path: Path,
) -> None:
    """The staging lives in the workspace's tmp/: what a killed run left there (a vault copy
    under way, a transcoded copy) is removed, and reported, when the workspace opens next."""
    from toolkit.workspace import init_workspace, open_workspace

    ws = init_workspace(tmp_path / "ws")
    left = ws.tmp_dir / "crawl-abc" / "original-0-utf8.csv"
    left.parent.mkdir(parents=True)
    left.write_bytes(b"x" * 1000)  # as a kill -9 during an ingest would leave it
    (ws.tmp_dir / "crawl-k2j3").write_bytes(b"y" * 10)
    ws.close()
    again = open_workspace(tmp_path / "ws")
    assert sorted((x.path, x.size) for x in again.swept) == [
        ("tmp/crawl-abc", 1000), ("tmp/crawl-k2j3", 10),
    ]  # fmt: skip
    assert list(again.tmp_dir.iterdir()) == []
    report = ingest_crawl(again, [CRAWL / "bom-utf8.csv"])
    assert report.rows == 2 and list(again.tmp_dir.iterdir()) == []
    again.close()
