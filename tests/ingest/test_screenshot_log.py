"""Screenshot logs as French and English spreadsheets export them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from toolkit.errors import InputError
from toolkit.ingest.screenshot_log import read_log

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "screenshots"


def test_cp1252_semicolon_french_headers() -> None:
    entries, problems = read_log(FIX / "journal-cp1252-semicolon.csv")
    assert problems == []
    e = entries["img_0001.png"]
    assert e.when == dt.datetime(2025, 3, 5, 7, 45)
    assert e.outcome == "no_slot"
    assert e.url == "https://www.seine-maritime.gouv.fr/booking/create/12345/1"
    assert e.note == "avant le travail"
    assert entries["img_0002.png"].when == dt.datetime(2025, 3, 12, 22, 10)
    assert entries["img_0002.png"].outcome == "captcha"
    assert entries["img_0003.png"].line == 4


def test_english_bom_with_seconds() -> None:
    entries, problems = read_log(FIX / "log-english-bom.csv")
    assert problems == []
    assert entries["img_0001.png"].when == dt.datetime(2025, 3, 5, 7, 45, 10)


def test_bad_rows_reported_with_line_numbers() -> None:
    entries, problems = read_log(FIX / "journal-bad-rows.csv")
    assert list(entries) == ["img_0001.png"]
    got = [(p.line, p.column, p.message.split(";")[0]) for p in problems]
    assert got == [
        (3, "Date", "cannot read date/time '31/02/2025' 10:00"),
        (4, "Date", "cannot read date/time '12/03/2025' 25:00"),
        (5, "Fichier", "no file name in this row"),
        (6, "Résultat", "unknown result 'peut-être'"),
    ]
    assert str(problems[0]).startswith(f"{FIX / 'journal-bad-rows.csv'}:3 [Date]: ")


def test_xlsx_log_with_excel_dates_and_times(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    sh = wb.active
    sh.append(["Nom du fichier", "Date", "Heure", "Statut"])
    sh.append(["capture 1.png", dt.datetime(2025, 3, 5), dt.time(7, 45), "Pas de RDV"])
    sh.append(["capture 2.png", "06/03/2025", "08h05", "complet"])
    wb.save(tmp_path / "log.xlsx")
    entries, problems = read_log(tmp_path / "log.xlsx")
    assert problems == []
    assert entries["capture 1.png"].when == dt.datetime(2025, 3, 5, 7, 45)
    assert entries["capture 2.png"].when == dt.datetime(2025, 3, 6, 8, 5)
    assert {e.outcome for e in entries.values()} == {"no_slot"}


def test_log_without_date_column_is_refused(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text("fichier;remarque\na.png;x\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"needs a file column .* and a date column"):
        read_log(tmp_path / "log.csv")
