"""The inventaire détaillé (art. R. 412-2 CJA): every pièce with its number, an explicit
label, its date or period and its page count, in DOCX (to edit) and PDF (to file)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.documents.docx import save_docx
from toolkit.documents.layout import A4_LANDSCAPE, BODY, ITALIC, TITLE, Canvas, Column, Style, Table
from toolkit.documents.pdf import write_pdf
from toolkit.documents.plan import Piece
from toolkit.frenchdates import date_fr, period_fr

if TYPE_CHECKING:
    from pypdf import PdfReader

INVENTORY_STEM = "Inventaire_des_pieces"
TITLE_TEXT = "Inventaire détaillé des pièces"
SUBTITLE = "(article R. 412-2 du code de justice administrative)"
CELL = Style(8.5, leading=1.3)
COLUMNS = (
    ("N°", 11),
    ("Intitulé de la pièce", 118),
    ("Date ou période", 46),
    ("Pages", 14),
    ("Fichier", 0),
)


@dataclass(frozen=True)
class InventoryHeader:
    name: str  # the applicant's name (or a placeholder)
    applicant_id: str
    prefecture: str  # « Préfecture de la Seine-Maritime »
    procedure: str
    tribunal: str
    as_of: date
    max_file_mb: float


def _numbers(ns: list[int]) -> str:
    if len(ns) == 1:
        return f"n° {ns[0]}"
    return "n° " + ", ".join(map(str, ns[:-1])) + f" et {ns[-1]}"


def inventory_rows(pieces: list[Piece]) -> list[list[str]]:
    return [
        [
            str(p.number),
            p.full_label,
            period_fr(p.date_from, p.date_to) if p.date_from or p.date_to else "—",
            str(p.pages),
            p.filename,
        ]
        for p in pieces
    ]


def header_lines(h: InventoryHeader, pieces: list[Piece]) -> list[str]:
    pages = sum(p.pages for p in pieces)
    return [
        f"Demandeur : {h.name} (dossier {h.applicant_id})",
        f"Administration : {h.prefecture} — démarche : {h.procedure}",
        f"Juridiction compétente : {h.tribunal}",
        f"Pièces arrêtées au {date_fr(h.as_of)} : {len(pieces)} pièces, {pages} pages au total.",
    ]


def notes(h: InventoryHeader, pieces: list[Piece]) -> list[str]:
    """What the inventory must say about séries homogènes and split files."""
    out = []
    series = [p.number for p in pieces if p.serie]
    if series:
        out.append(
            f"Les pièces {_numbers(series)} sont des séries homogènes : chacune réunit, dans un "
            "seul fichier, des captures d'écran ou des pages enregistrées d'une même période. "
            "Chaque élément y est numéroté dans sa série (« 4-01 », « 4-02 »…, repris dans les "
            "signets du fichier) et occupe sa propre page, légendée de son heure locale, de la "
            "source de cette heure, de l'adresse de la page et de l'empreinte SHA-256 du fichier "
            "d'origine."
        )
    groups: dict[str, list[Piece]] = {}
    for p in pieces:
        if p.parts > 1:
            groups.setdefault(p.group_id, []).append(p)
    for parts in groups.values():
        out.append(
            f"La pièce « {parts[0].label} » dépasse la taille admise par fichier "
            f"({h.max_file_mb:g} Mo) ; elle est scindée en {len(parts)} pièces consécutives "
            f"({_numbers([p.number for p in parts])})."
        )
    out.append(
        "Chaque fichier porte en pied de page son numéro de pièce et la pagination interne. "
        "Les empreintes SHA-256 de tous les fichiers figurent dans les fichiers manifest.json et "
        "SHA256SUMS joints, qui permettent d'en vérifier l'intégrité (commande « guichets verify »)."
    )
    out.append(
        "Une empreinte SHA-256 établit qu'un fichier n'a pas été modifié depuis qu'il a été "
        "importé (les captures d'origine) ou produit (les pièces) ; elle ne prouve pas la date "
        "ni l'heure d'une capture, dont la source est indiquée sur sa page."
    )
    return out


def write_inventory_docx(
    path: Path, h: InventoryHeader, pieces: list[Piece], *, when: datetime
) -> None:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt

    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(1.5))
    style = doc.styles["Normal"]
    style.font.name = "DejaVu Sans"
    style.font.size = Pt(9.5)
    style.paragraph_format.space_after = Pt(3)
    doc.add_heading(TITLE_TEXT, level=1)
    doc.add_paragraph(SUBTITLE)
    for line in header_lines(h, pieces):
        doc.add_paragraph(line)
    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    widths = [Cm(1.1), Cm(12.5), Cm(4.6), Cm(1.6), Cm(6.9)]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice and Word read
    for cell, (title, _), width in zip(table.rows[0].cells, COLUMNS, widths, strict=True):
        cell.text = title
        cell.width = width
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in inventory_rows(pieces):
        cells = table.add_row().cells
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.text = text
            cell.width = width
    doc.add_paragraph()
    for line in notes(h, pieces):
        doc.add_paragraph(line)
    save_docx(doc, path, when=when, title=TITLE_TEXT)


def layout_inventory(canvas: Canvas, h: InventoryHeader, pieces: list[Piece]) -> list[int]:
    """Draw the inventory on the canvas (A4 landscape); returns its canvas pages."""
    page_w, page_h = A4_LANDSCAPE
    margin = 12.0
    width = page_w - 2 * margin
    widths = [w for _, w in COLUMNS[:-1]]
    cols = [
        Column(t, w, CELL)
        for (t, _), w in zip(COLUMNS, [*widths, width - sum(widths)], strict=True)
    ]
    table = Table(canvas, cols, head_style=Style(8.5, "B"))
    measured = table.measure(inventory_rows(pieces))
    intro: list[tuple[Style, str]] = [(TITLE, TITLE_TEXT), (ITALIC, SUBTITLE)]
    intro += [(BODY, line) for line in header_lines(h, pieces)]
    intro_h = sum(len(canvas.wrap(t, width, s)) * s.line_mm + 0.8 for s, t in intro) + 3
    outro = [(BODY, line) for line in notes(h, pieces)]
    outro_h = sum(len(canvas.wrap(t, width, s)) * s.line_mm + 1.5 for s, t in outro) + 4
    room = page_h - 12 - 14
    pages = Table.paginate(measured, table.head[1], room - intro_h, room)
    last_left = room - table.head[1] - sum(measured[i][1] for i in pages[-1])
    if len(pages) == 1:
        last_left -= intro_h
    extra_page = last_left < outro_h
    total = len(pages) + (1 if extra_page else 0)
    out = []
    for n, rows in enumerate(pages, start=1):
        out.append(canvas.add_page(A4_LANDSCAPE))
        y = 12.0
        if n == 1:
            for style, text in intro:
                y = canvas.paragraph(margin, y, width, text, style) + 0.8
            y += 3
        y = table.draw(margin, y, [measured[i] for i in rows]) + 4
        if n == len(pages) and not extra_page:
            _notes(canvas, margin, y, width, outro)
        canvas.stamp(f"Inventaire — page {n}/{total}", page_w, page_h - 5)
    if extra_page:
        out.append(canvas.add_page(A4_LANDSCAPE))
        _notes(canvas, margin, 12.0, width, outro)
        canvas.stamp(f"Inventaire — page {total}/{total}", page_w, page_h - 5)
    return out


def _notes(
    canvas: Canvas, x: float, y: float, width: float, lines: list[tuple[Style, str]]
) -> None:
    for style, text in lines:
        y = canvas.paragraph(x, y, width, text, style) + 1.5


def write_inventory_docx_and_pdf(
    out: Path,
    h: InventoryHeader,
    pieces: list[Piece],
    canvas: PdfReader,
    pages: list[int],
    *,
    when: datetime,
) -> dict[str, Path]:
    """Both files in ``out``: the DOCX (to edit) and the PDF (from the canvas pages)."""
    from pypdf import PdfWriter

    docx_path = out / f"{INVENTORY_STEM}.docx"
    pdf_path = out / f"{INVENTORY_STEM}.pdf"
    write_inventory_docx(docx_path, h, pieces, when=when)
    writer = PdfWriter()
    for index in pages:
        writer.add_page(canvas.pages[index])
    seed = "|".join(["inventory", str(h), *(f"{p.number}:{p.filename}:{p.pages}" for p in pieces)])
    write_pdf(writer, pdf_path, title=TITLE_TEXT, when=when, seed=seed)
    return {"docx": docx_path, "pdf": pdf_path}
