"""The screenshot log a person keeps beside their screenshots (CSV or XLSX).

Headers may be French or English (fichier/file, date, heure/time, url, résultat/outcome,
note); CSV files may use any delimiter and the encodings French spreadsheets produce
(UTF-8 with or without BOM, Windows-1252). Rows that cannot be read are reported with
their line number; they never stop the other rows.
"""

from __future__ import annotations

import csv
import io
import os
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from toolkit.errors import InputError, Problem
from toolkit.ingest.textdates import parse_datetime_value
from toolkit.ingest.vocabulary import outcome_from_text
from toolkit.model import Precision
from toolkit.reference.fold import fold

HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "file": (
        "fichier",
        "file",
        "filename",
        "nom du fichier",
        "nom",
        "capture",
        "image",
        "screenshot",
        "name",
    ),
    "datetime": (
        "date et heure",
        "date heure",
        "datetime",
        "horodatage",
        "timestamp",
        "date/heure",
    ),
    "date": ("date", "jour", "day"),
    "time": ("heure", "time", "hour", "horaire"),
    "url": ("url", "adresse", "adresse url", "lien", "link", "page", "site"),
    "outcome": ("resultat", "outcome", "result", "statut", "status", "issue", "reponse"),
    "note": ("note", "notes", "commentaire", "commentaires", "comment", "remarque", "observations"),
}


@dataclass(frozen=True)
class LogEntry:
    line: int
    file: str
    when: datetime | None
    url: str | None
    outcome: str | None
    note: str | None
    precision: str = Precision.MINUTE.value  # what the row wrote: day, minute or second


def _cell_precision(value: object) -> str | None:
    """The precision a date or time cell carries; None when it holds no time of day."""
    from toolkit.provenance import precision_of

    if value is None or value == "":
        return None
    if isinstance(value, datetime | time):
        if value.second or value.microsecond:
            return Precision.SECOND.value
        if isinstance(value, datetime) and (value.hour, value.minute) == (0, 0):
            return None  # a date cell: Excel stores it at midnight
        return Precision.MINUTE.value
    if isinstance(value, date):
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = round((float(value) % 1) * 86400)
        if seconds == 0:
            return None
        return Precision.SECOND.value if seconds % 60 else Precision.MINUTE.value
    found = precision_of(str(value))
    return None if found == Precision.DAY else found


def row_precision(raw_date: object, raw_time: object) -> str:
    """``second``, ``minute`` or ``day``: as precise as what the person wrote, no more."""
    return _cell_precision(raw_time) or _cell_precision(raw_date) or Precision.DAY.value


def file_key(name: str) -> str:
    """How log rows are matched to files: base name, NFC, case-insensitive."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return unicodedata.normalize("NFC", base).strip().casefold()


def _map_header(header: list[str], path: Path) -> dict[str, int]:
    keys = [fold(h) for h in header]
    mapping: dict[str, int] = {}
    for canon, aliases in HEADER_ALIASES.items():
        folded = {fold(a) for a in aliases}
        for i, k in enumerate(keys):
            if k in folded and i not in mapping.values():
                mapping[canon] = i
                break
    if "file" not in mapping or not ({"date", "datetime"} & set(mapping)):
        raise InputError(
            f"{path}: screenshot log needs a file column (fichier/file) and a date column "
            f"(date, date et heure); found: {', '.join(h for h in header if h) or 'no header'}"
        )
    return mapping


def _read_csv(path: Path) -> list[list[object]]:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
        counts = {d: sample.count(d) for d in ";,\t|"}
        dialect.delimiter = max(counts, key=lambda d: counts[d])
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return [list(r) for r in reader]
    except csv.Error as e:
        raise InputError(
            f"{path}:{reader.line_num}: not a readable CSV file ({e}); save the screenshot log "
            "again as CSV (UTF-8) or XLSX"
        ) from None


def _read_xlsx(path: Path) -> list[list[object]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as e:
        raise InputError(
            f"{path}: not a readable XLSX workbook ({e}); save it again from Excel"
        ) from None
    try:
        ws = wb.worksheets[0]
        return [list(r) for r in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def read_log(path: str | os.PathLike[str]) -> tuple[dict[str, LogEntry], list[Problem]]:
    """Read a screenshot log; return entries keyed by :func:`file_key`, and row problems."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: screenshot log not found; check the --log path")
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        rows = _read_xlsx(path)
    elif suffix in (".csv", ".tsv", ".txt"):
        rows = _read_csv(path)
    else:
        raise InputError(f"{path}: screenshot log must be .csv, .tsv or .xlsx")
    # the header is the first non-empty row
    start = next((i for i, r in enumerate(rows) if any(str(c or "").strip() for c in r)), None)
    if start is None:
        raise InputError(f"{path}: screenshot log is empty")
    header = [str(c or "").strip() for c in rows[start]]
    cols = _map_header(header, path)
    entries: dict[str, LogEntry] = {}
    problems: list[Problem] = []

    def cell(row: list[object], key: str) -> object:
        i = cols.get(key)
        if i is None or i >= len(row):
            return None
        v = row[i]
        return v.strip() if isinstance(v, str) else v

    for offset, row in enumerate(rows[start + 1 :], start=start + 2):
        if not any(str(c or "").strip() for c in row):
            continue
        fname = str(cell(row, "file") or "").strip()
        if not fname:
            problems.append(
                Problem(
                    str(path), "no file name in this row", line=offset, column=header[cols["file"]]
                )
            )
            continue
        if "datetime" in cols:
            raw_date, raw_time, col = cell(row, "datetime"), None, header[cols["datetime"]]
        else:
            raw_date, raw_time, col = cell(row, "date"), cell(row, "time"), header[cols["date"]]
        when = parse_datetime_value(raw_date, raw_time)
        if when is None and (raw_date not in (None, "") or raw_time not in (None, "")):
            problems.append(
                Problem(
                    str(path),
                    f"cannot read date/time {raw_date!r} {raw_time or ''!s}; "
                    "write the date as DD/MM/YYYY and the time as HH:MM",
                    line=offset,
                    column=col,
                )
            )
            continue
        raw_outcome = cell(row, "outcome")
        outcome = None
        if raw_outcome not in (None, ""):
            outcome = outcome_from_text(str(raw_outcome))
            if outcome is None:
                problems.append(
                    Problem(
                        str(path),
                        f"unknown result {raw_outcome!r}; write e.g. « pas de créneau », "
                        "« captcha », « erreur », « créneaux disponibles »",
                        line=offset,
                        column=header[cols["outcome"]],
                    )
                )
                continue
        key = file_key(fname)
        if key in entries:
            problems.append(
                Problem(
                    str(path),
                    f"{fname} is listed twice (first at line {entries[key].line})",
                    line=offset,
                )
            )
            continue
        url = cell(row, "url")
        note = cell(row, "note")
        entries[key] = LogEntry(
            line=offset,
            file=fname,
            when=when,
            url=str(url) if url else None,
            outcome=outcome,
            note=str(note) if note else None,
            precision=row_precision(raw_date, raw_time),
        )
    return entries, problems
