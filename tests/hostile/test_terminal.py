"""Hostile names on screen and in CSV: a terminal escape, a fake `Error:` line, a name that
reads backwards or a spreadsheet formula is shown as what it is, never acted on."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from PIL import Image

from toolkit.cli.render import csv_cell, printable

TITLE_AND_CLEAR = "\x1b]0;pwned\x07\x1b[2J"
FAKE_ERROR = "x\nError: all the evidence was deleted"
BACKWARDS = "\u202egnp.exe"
FORMULA = "=cmd|' /C calc'!A0"


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        (TITLE_AND_CLEAR, "\\x1b]0;pwned\\x07\\x1b[2J"),
        (FAKE_ERROR, "x\\nError: all the evidence was deleted"),
        (BACKWARDS, "\\u202egnp.exe"),
        ("tab\there\r\x7f\x9b", "tab\\there\\r\\x7f\\x9b"),
        (
            "Capture d’écran 2025-03-12 à 10.06.32 — été",
            "Capture d’écran 2025-03-12 à 10.06.32 — été",
        ),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_hostile_file_names_are_escaped_on_screen(ingested, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "400")  # the table shows whole names, escapes included
    folder = tmp_path / "names"
    folder.mkdir()
    for name in (TITLE_AND_CLEAR, FAKE_ERROR, BACKWARDS):
        (folder / f"{name}.png").write_bytes(b"not an image")
    Image.new("RGB", (20, 20), "red").save(
        folder / f"Screenshot_20250314-100632{TITLE_AND_CLEAR}.png"
    )
    r = ingested("ingest", "screenshots", str(folder), "-a", "c-76", "--no-ocr")
    assert r.exit_code == 1  # three rejected, one recorded
    for raw in ("\x1b", "\x07", "\u202e"):
        assert raw not in r.stderr
    lines = r.stderr.splitlines()
    assert [line for line in lines if line.startswith("Error:")] == []  # no fake error line
    rejected = [line for line in lines if line.startswith("Rejected:")]
    assert len(rejected) == 3
    assert any("x\\nError: all the evidence was deleted.png" in line for line in rejected)
    assert any("\\x1b]0;pwned\\x07\\x1b[2J.png" in line for line in rejected)
    assert any("\\u202egnp.exe.png" in line for line in rejected)
    assert "screenshots: 1 attempt(s) recorded, 3 rejected" in r.stderr
    r = ingested("attempts", "c-76")  # the recorded name, in a table
    assert r.exit_code == 0 and "\x1b" not in r.stdout and "\x07" not in r.stdout
    assert "\\x1b" in r.stdout  # the name's escape, shown as text
    r = ingested("attempts", "c-76", "--format", "json")  # machines get the name exactly
    names = [row["file"] for row in json.loads(r.stdout)]
    assert f"Screenshot_20250314-100632{TITLE_AND_CLEAR}.png" in names


def test_csv_output_never_carries_a_live_formula(ingested) -> None:  # type: ignore[no-untyped-def]
    r = ingested("contact", "add", "c-76", "--channel", "phone", "--at", "2025-03-15 10:00",
                 "--note", FORMULA)  # fmt: skip
    assert r.exit_code == 0, r.output
    r = ingested("attempts", "c-76", "--format", "csv")
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    notes = [row["note"] for row in rows if row["channel"] == "phone"]
    assert notes == ["'" + FORMULA]
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@", "\t", "\r")), value


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-x", "'-x"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("＝1", "'＝1"),
        (-3, "-3"),
        (-2.5, "-2.5"),
        ("no_slot", "no_slot"),
        (None, ""),
    ],
)
def test_csv_cell(value: object, cell: str) -> None:
    assert csv_cell(value) == cell
