"""Cell values that Excel and LibreOffice will never run as formulas.

Text beginning with ``=``, ``+``, ``-`` or ``@`` (and tab, carriage return or line feed, which
some programs strip before looking) is a formula to a spreadsheet: ``=HYPERLINK(…)`` or
``=cmd|' /C calc'!A0`` in a crawl's site name or an aggregated bundle would run in the
reader's Excel (CSV/formula injection, OWASP). Such text is written as a string cell with
the "quote prefix" style (Excel's leading apostrophe): the reader sees the text exactly, and
editing it does not turn it into a formula. Numbers, dates and booleans stay typed: a
negative number is a number, not text. The workbook writes no formula of its own.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell, MergedCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")
# Full-width forms that some spreadsheet programs normalise to the ASCII ones.
_WIDE = ("＝", "＋", "－", "＠")


def is_risky(text: str) -> bool:
    """Would a spreadsheet read this text as a formula?"""
    return text.startswith(FORMULA_TRIGGERS) or text.startswith(_WIDE)


def cell_value(value: Any) -> Any:
    """The value to put in a cell: numbers, dates and booleans as they are, anything else text."""
    if value is None or isinstance(value, bool | int | float | Decimal | datetime | date | time):
        return value
    return str(value)


def write_cell(cell: Cell | MergedCell, value: Any) -> None:
    """Set ``cell`` to ``value``; risky text is stored as a string, never as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    v = cell_value(value)
    if isinstance(v, str):
        v = ILLEGAL_CHARACTERS_RE.sub("", v)  # control characters Excel refuses
    cell.value = v
    if isinstance(v, str):
        # openpyxl types any text starting with "=" as a formula; force a string cell
        cell.data_type = "s"
        if is_risky(v):
            cell.quotePrefix = True
