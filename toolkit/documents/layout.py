"""A small, fast page layout over fpdf2: wrapped text, tables, stamps.

fpdf2's ``multi_cell`` and ``table`` cost milliseconds per call, too slow for a thousand
captions or table rows; here lines are wrapped with the font's own glyph widths and
drawn with ``text()``. Every page of a build goes into one :class:`Canvas` (fonts are
parsed and subset once); the pages are then copied into each pièce by pypdf.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from toolkit.documents.pdf import FIXED_DATE, MONO, PT_PER_MM, SANS, clean_text, fpdf_bytes, new_pdf

A4_PORTRAIT = (210.0, 297.0)
A4_LANDSCAPE = (297.0, 210.0)
GREY = (110, 110, 110)


@dataclass(frozen=True)
class Style:
    size: float = 9.0  # points
    style: str = ""  # "", B, I
    family: str = SANS
    leading: float = 1.32  # line height / font size

    @property
    def line_mm(self) -> float:
        return self.size * self.leading / PT_PER_MM


BODY = Style(9.0)
SMALL = Style(8.5)
BOLD = Style(9.5, "B")
ITALIC = Style(8.5, "I")
HASH = Style(7.5, family=MONO)
TITLE = Style(13, "B")


class Canvas:
    """One fpdf2 document holding every page guichets draws in a build."""

    def __init__(self, *, title: str = "guichets", when: datetime = FIXED_DATE) -> None:
        self.pdf = new_pdf(title=title, when=when)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_margins(0, 0, 0)
        self._style: Style | None = None

    # pages ---------------------------------------------------------------------------------
    def add_page(self, size: tuple[float, float] = A4_PORTRAIT) -> int:
        """A new page (width, height in mm); returns its index in the canvas."""
        self.pdf.add_page(format=size)
        self._style = None
        return int(self.pdf.page) - 1

    @property
    def pages(self) -> int:
        return int(self.pdf.page)

    def output(self) -> bytes:
        return fpdf_bytes(self.pdf)

    # text ----------------------------------------------------------------------------------
    def use(self, style: Style) -> None:
        if style != self._style:
            self.pdf.set_font(style.family, style.style, style.size)
            self._style = style

    def width(self, text: str, style: Style) -> float:
        self.use(style)
        cw = self.pdf.current_font.cw
        return sum(cw[ord(c)] for c in text) * style.size / 1000 / PT_PER_MM

    def wrap(self, text: str, width: float, style: Style) -> list[str]:
        """Lines of at most ``width`` mm: breaks at spaces, inside a word only when it is too long."""
        self.use(style)
        cw = self.pdf.current_font.cw
        scale = style.size / 1000 / PT_PER_MM
        limit = width / scale
        space = cw[32]
        lines: list[str] = []
        for para in clean_text(text).split("\n"):
            current: list[str] = []
            used = 0.0
            for word in para.split(" "):
                w = sum(cw[ord(c)] for c in word)
                extra = w + (space if current else 0)
                if used + extra <= limit:
                    current.append(word)
                    used += extra
                    continue
                if current:
                    lines.append(" ".join(current))
                    current, used = [], 0.0
                while w > limit and len(word) > 1:  # a URL or a hash: cut it
                    acc, cut = 0.0, 0
                    for i, c in enumerate(word):
                        acc += cw[ord(c)]
                        if acc > limit:
                            cut = max(i, 1)
                            break
                    lines.append(word[:cut])
                    word = word[cut:]
                    w = sum(cw[ord(c)] for c in word)
                current, used = [word], w
            lines.append(" ".join(current))
        return lines

    def fit_line(self, text: str, width: float, style: Style) -> str:
        """One line, shortened with « … » when too wide."""
        if self.width(text, style) <= width:
            return text
        while text and self.width(text + "…", style) > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def draw_lines(
        self,
        x: float,
        y: float,
        lines: Sequence[str],
        style: Style,
        *,
        width: float = 0,
        align: str = "L",
        colour: tuple[int, int, int] = (0, 0, 0),
    ) -> float:
        """Draw lines from the top ``y``; returns the y under the last line."""
        self.use(style)
        self.pdf.set_text_color(*colour)
        step = style.line_mm
        ascent = style.size * 0.78 / PT_PER_MM + (step - style.size / PT_PER_MM) / 2
        for line in lines:
            if line:
                dx = 0.0
                if align != "L" and width:
                    free = width - self.width(line, style)
                    dx = free / 2 if align == "C" else free
                self.pdf.text(x + dx, y + ascent, line)
            y += step
        if colour != (0, 0, 0):
            self.pdf.set_text_color(0, 0, 0)
        return y

    def paragraph(
        self, x: float, y: float, width: float, text: str, style: Style, **kw: Any
    ) -> float:
        return self.draw_lines(x, y, self.wrap(text, width, style), style, width=width, **kw)

    # drawing -------------------------------------------------------------------------------
    def rule(self, x1: float, y: float, x2: float, *, grey: int = 170, width: float = 0.2) -> None:
        self.pdf.set_draw_color(grey, grey, grey)
        self.pdf.set_line_width(width)
        self.pdf.line(x1, y, x2, y)

    def frame(
        self, x: float, y: float, w: float, h: float, *, grey: int = 150, fill: int | None = None
    ) -> None:
        self.pdf.set_draw_color(grey, grey, grey)
        self.pdf.set_line_width(0.15)
        if fill is not None:
            self.pdf.set_fill_color(fill, fill, fill)
            self.pdf.rect(x, y, w, h, style="DF")
        else:
            self.pdf.rect(x, y, w, h)

    def stamp(self, text: str, page_w: float, bottom: float) -> None:
        """The pièce number and page, centred, in a thin white box whose bottom is ``bottom``."""
        style = Style(8)
        w = self.width(text, style) + 5
        self.frame((page_w - w) / 2, bottom - 5.2, w, 5.2, grey=120, fill=255)
        self.draw_lines((page_w - w) / 2, bottom - 5.0, [text], style, width=w, align="C")


@dataclass
class Column:
    title: str
    width: float  # mm
    style: Style = Style(7)


class Table:
    """A table laid out in two steps: measure (page breaks known) then draw."""

    PAD = 0.8

    def __init__(
        self, canvas: Canvas, columns: Sequence[Column], head_style: Style = Style(7, "B")
    ):
        self.canvas = canvas
        self.columns = list(columns)
        self.head_style = head_style
        self.head = self._cells([c.title for c in self.columns], [head_style] * len(self.columns))

    def _cells(
        self, values: Sequence[str], styles: Sequence[Style]
    ) -> tuple[list[list[str]], float]:
        lines = [
            self.canvas.wrap(v, c.width - 2 * self.PAD, s)
            for v, c, s in zip(values, self.columns, styles, strict=True)
        ]
        height = (
            max(len(ls) * s.line_mm for ls, s in zip(lines, styles, strict=True)) + 2 * self.PAD
        )
        return lines, height

    def measure(self, rows: Sequence[Sequence[str]]) -> list[tuple[list[list[str]], float]]:
        styles = [c.style for c in self.columns]
        return [self._cells(r, styles) for r in rows]

    @staticmethod
    def paginate(
        measured: Sequence[tuple[list[list[str]], float]],
        head_h: float,
        first_room: float,
        room: float,
    ) -> list[list[int]]:
        """Row indices per page: ``first_room`` mm on the first page, ``room`` on the others."""
        pages: list[list[int]] = [[]]
        left = first_room - head_h
        for i, (_, h) in enumerate(measured):
            if h > left and pages[-1]:
                pages.append([])
                left = room - head_h
            pages[-1].append(i)
            left -= h
        return pages

    def draw(
        self,
        x: float,
        y: float,
        rows: Sequence[tuple[list[list[str]], float]],
        *,
        head: bool = True,
    ) -> float:
        if head:
            y = self._row(x, y, self.head, [self.head_style] * len(self.columns), fill=232)
        styles = [c.style for c in self.columns]
        for row in rows:
            y = self._row(x, y, row, styles)
        return y

    def _row(
        self,
        x: float,
        y: float,
        row: tuple[list[list[str]], float],
        styles: Sequence[Style],
        fill: int | None = None,
    ) -> float:
        lines, h = row
        cx = x
        for col, cell, style in zip(self.columns, lines, styles, strict=True):
            self.canvas.frame(cx, y, col.width, h, grey=160, fill=fill)
            self.canvas.draw_lines(cx + self.PAD, y + self.PAD, cell, style)
            cx += col.width
        return y + h
