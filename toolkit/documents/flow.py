"""Text that flows down A4 pages: headings, paragraphs, label–value rows, tables, code.

Content is a list of blocks; :func:`render` lays them out on a :class:`Canvas`, first in
``draw=False`` mode to count the pages (so every page can carry « page n/N »), then for real.
``on_page(index, number, total)`` draws what each page carries besides the text (a header,
a stamp).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from toolkit.documents.layout import A4_PORTRAIT, BODY, HASH, Canvas, Column, Style, Table

H1 = Style(12.5, "B")
H2 = Style(10.5, "B")
LABEL = Style(8.5, "B")
VALUE = Style(8.5)
CODE = Style(7.5, family=HASH.family)
NOTE = Style(8, "I")


@dataclass
class Block:
    kind: str  # title, h, p, kv, table, code, space
    text: str = ""
    style: Style = BODY
    pairs: Sequence[tuple[str, str]] = ()
    columns: Sequence[Column] = ()
    rows: Sequence[Sequence[str]] = ()
    lines: Sequence[str] = ()


@dataclass
class Frame:
    margin: float = 18.0
    top: float = 16.0
    bottom: float = 18.0
    size: tuple[float, float] = A4_PORTRAIT
    label_width: float = 52.0

    @property
    def width(self) -> float:
        return self.size[0] - 2 * self.margin


@dataclass
class _State:
    canvas: Canvas
    frame: Frame
    draw: bool
    on_page: Callable[[int, int, int], None]
    total: int
    pages: list[int] = field(default_factory=list)
    y: float = 0.0
    first: int = 1

    def new_page(self) -> None:
        number = len(self.pages) + self.first
        if self.draw:
            index = self.canvas.add_page(self.frame.size)
            self.on_page(index, number, self.total)
        else:
            index = -1
        self.pages.append(index)
        self.y = self.frame.top

    def need(self, height: float) -> None:
        if not self.pages or self.y + height > self.frame.size[1] - self.frame.bottom:
            self.new_page()


def count_pages(canvas: Canvas, blocks: Sequence[Block], frame: Frame | None = None) -> int:
    """How many pages the blocks take (nothing is drawn)."""
    counted = _State(canvas, frame or Frame(), False, lambda *_: None, 0)
    _flow(counted, blocks)
    return len(counted.pages)


def render(
    canvas: Canvas,
    blocks: Sequence[Block],
    on_page: Callable[[int, int, int], None],
    frame: Frame | None = None,
    *,
    first: int = 1,
    total: int | None = None,
) -> list[int]:
    """Lay the blocks out; return the canvas page indices used, in order. Pages are numbered
    from ``first`` out of ``total`` (default: these pages alone)."""
    frame = frame or Frame()
    total = total if total is not None else count_pages(canvas, blocks, frame)
    state = _State(canvas, frame, True, on_page, total, first=first)
    _flow(state, blocks)
    return state.pages


def _flow(s: _State, blocks: Sequence[Block]) -> None:
    c, f = s.canvas, s.frame
    for b in blocks:
        if b.kind == "space":
            s.y += 2.5
        elif b.kind in ("title", "h", "p"):
            style = {"title": H1, "h": H2}.get(b.kind, b.style)
            lines = c.wrap(b.text, f.width, style)
            before = {"title": 0.0, "h": 3.0}.get(b.kind, 0.8)
            keep = 2 * BODY.line_mm if b.kind == "h" else 0.0  # a heading keeps a line with it
            s.need(before + len(lines[:2]) * style.line_mm + keep)
            s.y += before
            for line in lines:
                s.need(style.line_mm)
                if s.draw:
                    c.draw_lines(f.margin, s.y, [line], style)
                s.y += style.line_mm
            if b.kind == "title":
                s.y += 1.5
        elif b.kind == "kv":
            for label, value in b.pairs:
                label_lines = c.wrap(label, f.label_width - 2, LABEL)
                value_lines = c.wrap(value, f.width - f.label_width, VALUE)
                height = max(len(label_lines) * LABEL.line_mm, len(value_lines) * VALUE.line_mm)
                s.need(height + 0.6)
                if s.draw:
                    c.draw_lines(f.margin, s.y, label_lines, LABEL)
                    c.draw_lines(f.margin + f.label_width, s.y, value_lines, VALUE)
                s.y += height + 0.6
        elif b.kind == "code":
            for line in b.lines:
                for part in c.wrap(line, f.width - 4, CODE):
                    s.need(CODE.line_mm + 1)
                    if s.draw:
                        c.frame(f.margin, s.y, f.width, CODE.line_mm + 0.4, grey=235, fill=245)
                        c.draw_lines(f.margin + 2, s.y + 0.2, [part], CODE)
                    s.y += CODE.line_mm + 0.4
            s.y += 1.0
        elif b.kind == "table":
            _table(s, b)


def _table(s: _State, b: Block) -> None:
    """Rows in order; the head row again at the top of each new page."""
    table = Table(s.canvas, b.columns)
    head_h = table.head[1]
    bottom = s.frame.size[1] - s.frame.bottom
    need_head = True
    for row in table.measure(b.rows):
        if need_head or s.y + row[1] > bottom:
            if not s.pages or s.y + head_h + row[1] > bottom:
                s.new_page()
            s.y = table.draw(s.frame.margin, s.y, [], head=True) if s.draw else s.y + head_h
            need_head = False
        s.y = table.draw(s.frame.margin, s.y, [row], head=False) if s.draw else s.y + row[1]
    s.y += 1.5
