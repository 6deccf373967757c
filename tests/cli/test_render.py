"""Tables fitted to the terminal: readable at 80 columns, nothing cut that must not be."""

from __future__ import annotations

from rich.console import Console

from toolkit.cli.render import fit_table

COLS = ["local_time", "outcome", "time_source", "file", "system", "corroboration", "rule", "url"]
ROW = ["2025-02-24 07:15:12", "no_slot", "filename", "Capture d’écran 2025-02-24 à 12.40.33.png",
       "ezbooking", "corroborated", "ezbooking.no_slot",
       "https://www.seine-maritime.gouv.fr/booking/create/28617/1"]  # fmt: skip


def _lines(width: int, **kw) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    table, hidden = fit_table(COLS, [ROW, ROW], width, **kw)
    console = Console(width=width, record=True, highlight=False)
    with console.capture() as cap:
        console.print(table)
    return [line.rstrip() for line in cap.get().splitlines()], hidden


def test_80_columns_keep_times_whole_and_name_what_was_left_out() -> None:
    lines, hidden = _lines(80)
    assert all(len(line) <= 80 for line in lines)
    body = [line for line in lines if "2025-02-24 07:15:12" in line]
    assert len(body) == 2  # one line per row: nothing wrapped
    assert "no_slot" in body[0] and "filename" in body[0] and "…" in body[0]
    assert hidden and hidden == COLS[len(COLS) - len(hidden) :]  # the last ones go first


def test_a_wide_terminal_shows_everything_and_sentences_wrap() -> None:
    lines, hidden = _lines(240)
    assert hidden == []
    assert any("gouv.fr/booking/create/28617/1" in line for line in lines)
    table, hidden = fit_table(["level", "message"], [["ok", "mot " * 40]], 60, wrap=("message",))
    console = Console(width=60, highlight=False)
    with console.capture() as cap:
        console.print(table)
    out = cap.get().splitlines()
    assert hidden == [] and all(len(line.rstrip()) <= 60 for line in out)
    assert sum("mot" in line for line in out) > 2
