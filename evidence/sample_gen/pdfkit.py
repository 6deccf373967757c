"""fpdf2 set-up shared by every PDF: embedded DejaVu fonts, pinned metadata, fictitious marks."""

from __future__ import annotations

from datetime import datetime

from fpdf import FPDF

from .common import FONT_BOLD, FONT_MONO, FONT_OBLIQUE, FONT_REGULAR

PRODUCER = "guichets sample generator (fpdf2)"
BLUE = (0, 0, 145)
GREY = (102, 102, 102)
FICTION = "DOCUMENT FICTIF — exemple fourni avec guichets, aucune personne réelle"


class Doc(FPDF):
    """An A4 document whose bytes depend only on what is drawn and the pinned date."""

    def __init__(self, title: str, created: datetime, *, author: str = "", creator: str = ""):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font("DejaVu", "", str(FONT_REGULAR))
        self.add_font("DejaVu", "B", str(FONT_BOLD))
        self.add_font("DejaVu", "I", str(FONT_OBLIQUE))
        self.add_font("DejaVuMono", "", str(FONT_MONO))
        self.set_font("DejaVu", size=11)
        self.set_creation_date(created)
        self.set_producer(PRODUCER)
        self.set_creator(creator or PRODUCER)
        self.set_title(title)
        if author:
            self.set_author(author)
        self.set_lang("fr-FR")
        self.set_margins(20, 20, 20)
        self.set_auto_page_break(True, margin=20)

    def para(
        self,
        text: str,
        size: float = 11,
        style: str = "",
        gap: float = 3,
        align: str = "J",
        h: float | None = None,
    ) -> None:
        self.set_font("DejaVu", style, size)
        self.multi_cell(0, h or size * 0.5, text, align=align, new_x="LMARGIN", new_y="NEXT")
        self.ln(gap)

    def lines(self, rows: list[str], size: float = 11, style: str = "", align: str = "L") -> None:
        self.set_font("DejaVu", style, size)
        for row in rows:
            self.cell(0, size * 0.5, row, align=align, new_x="LMARGIN", new_y="NEXT")

    def fiction_banner(self) -> None:
        """A visible line, top and bottom, saying the document is invented."""
        x, y = self.get_x(), self.get_y()
        auto, margin = self.auto_page_break, self.b_margin
        self.set_auto_page_break(False)
        with self.local_context(text_color=(170, 0, 0)):
            self.set_font("DejaVu", "B", 8)
            self.set_xy(10, 6)
            self.cell(190, 4, FICTION, align="C")
            self.set_xy(10, 287)
            self.cell(190, 4, FICTION, align="C")
        self.set_auto_page_break(auto, margin)
        self.set_xy(x, y)

    def watermark(self, text: str = "SPÉCIMEN — document fictif") -> None:
        x, y = self.get_x(), self.get_y()
        with self.local_context(fill_opacity=0.18, text_color=(200, 0, 0)):
            self.set_font("DejaVu", "B", 30)
            with self.rotation(angle=35, x=105, y=160):
                w = self.get_string_width(text)
                self.text(105 - w / 2, 160, text)
        self.set_xy(x, y)

    def bytes(self) -> bytes:
        return bytes(self.output())
