"""Laying out and assembling a pièce made of originals: screenshots, saved pages, e-mails,
documents.

Every page carries the pièce number and its page, « Pièce n° 4 — page 3/12 ». A
screenshot gets a page of its own under a caption and is embedded without re-encoding. A
PDF original keeps its pages, each with a band added underneath for the stamp, so nothing
of the original is covered. An e-mail or a saved web page is shown by the text read from
it at ingest, under the same caption; a HAR holding several attempts gets one caption line
per entry (time, HTTP status, URL, result).

A caption says what the evidence shows and at what strength: the local time at its
source's precision and where it comes from; the page's address, read on the image or in
the file, or declared by the applicant; the result shown, read automatically, declared or
checked by a person; the file and its SHA-256. The applicant's own notes appear only with
``with_notes``. In a série each original is numbered « 5-01 », « 5-02 »… and has a PDF
bookmark. Robot probes never appear here (they have their own pièce).

Two steps: :func:`layout_originals` draws guichets' own pages on the shared canvas and
returns a plan of the pièce's pages; :func:`assemble` builds the pièce with pypdf from
that plan, the canvas and the originals.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from toolkit.documents.captions import caption_lines, clock_of, local_time_line
from toolkit.documents.evidence import Entry, Evidence, file_texts
from toolkit.documents.layout import (
    A4_LANDSCAPE,
    A4_PORTRAIT,
    BOLD,
    GREY,
    ITALIC,
    SMALL,
    Canvas,
    Column,
    Style,
    Table,
)
from toolkit.documents.pdf import PT_PER_MM, STAMP_BAND_PT, fit, image_info, image_page
from toolkit.documents.plan import Piece
from toolkit.model import CHANNEL_LABELS_FR

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader, PdfWriter

    from toolkit.workspace import Workspace

MAX_TEXT_CHARS = 30_000  # an e-mail or a page; a HAR's text is cut with a note
MARGIN = 12.0
TOP = 13.0  # where the caption starts
BOTTOM = 14.0  # room kept under the content for the stamp
BAND_MM = STAMP_BAND_PT / PT_PER_MM


@dataclass
class RenderContext:
    ws: Workspace
    ev: Evidence
    when: datetime
    canvas: Canvas
    tick: Callable[[str], None]  # called once per original placed
    chart_png: bytes | None = None
    with_notes: bool = False  # print the applicant's own notes in captions and the recap
    # where each attempt or document is shown: entry key -> (pièce number, page)
    locations: dict[str, tuple[int, int]] = field(default_factory=dict)

    def read(self, entry: Entry) -> bytes:
        assert entry.original is not None
        return self.ws.vault.read(entry.original.sha256)


@dataclass
class PageSpec:
    """One page of a pièce: a canvas page, maybe with an image or the chart placed on it, or a
    page of a PDF original whose stamp band is the canvas page."""

    canvas_page: int
    image: Entry | None = None
    box: tuple[float, float, float, float] | None = None  # x, y from the bottom, w, h (points)
    original: Entry | None = None
    original_index: int = 0
    inline_image: bytes | None = None  # an image made by guichets (the chart), placed in ``box``


@dataclass
class PieceLayout:
    piece: Piece
    pages: list[PageSpec] = field(default_factory=list)
    bookmarks: list[tuple[str, int]] = field(default_factory=list)  # (title, page index)


def stamp_text(piece: Piece, page: int, total: int) -> str:
    return f"Pièce n° {piece.number} — page {page}/{total}"


def header(canvas: Canvas, piece: Piece, page_w: float) -> None:
    text = canvas.fit_line(
        f"Pièce n° {piece.number} — {piece.full_label}", page_w - 2 * MARGIN, Style(7.5)
    )
    canvas.draw_lines(MARGIN, 5.5, [text], Style(7.5), colour=GREY)


# --- captions -----------------------------------------------------------------------------


def _caption(
    canvas: Canvas,
    title: str,
    entries: list[Entry],
    with_notes: bool,
    page_w: float,
    *,
    draw: bool,
) -> float:
    """Height of the caption block (drawn when ``draw``); returns the y under it."""
    width = page_w - 2 * MARGIN
    y = TOP
    blocks = [(BOLD, title), *caption_lines(entries, with_notes=with_notes)]
    for style, text in blocks:
        lines = canvas.wrap(text[:700], width, style)
        if draw:
            y = canvas.draw_lines(MARGIN, y, lines, style)
        else:
            y += len(lines) * style.line_mm
    if draw:
        canvas.rule(MARGIN, y + 1, page_w - MARGIN)
    return y + 3


def serial(piece: Piece, index: int) -> str:
    """An original's number inside its série: « 5-01 »."""
    return f"{piece.number}-{index:02d}"


def entry_title(piece: Piece, e: Entry, index: int) -> str:
    if piece.serie:
        noun = "Capture" if piece.kind == "screenshots" else "Page enregistrée"
        return f"{noun} {serial(piece, index)} — {local_time_line(e)}"
    if e.source == "attempt":
        return f"{CHANNEL_LABELS_FR.get(e.kind, e.kind)} — {local_time_line(e)}"
    return piece.full_label


# --- planning the pages of each original --------------------------------------------------


@dataclass
class _Segment:
    entry: Entry  # the first of ``entries``: the original shown
    kind: str  # image, text, pdf
    title: str
    entries: list[Entry] = field(default_factory=list)  # every attempt read from the original
    image_size: tuple[int, int] = (0, 0)
    text_pages: list[list[str]] = field(default_factory=list)  # body lines per page
    note: str = ""
    pdf_sizes: list[tuple[float, float]] = field(default_factory=list)  # points, after rotation

    @property
    def pages(self) -> int:
        if self.kind == "image":
            return 1
        return len(self.text_pages) + len(self.pdf_sizes)


def _pdf_sizes(data: bytes, page_range: tuple[int, int] | None) -> list[tuple[float, float]] | None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            reader.decrypt("")
        pages = list(reader.pages)
        start, end = page_range or (0, len(pages))
        sizes = []
        for p in pages[start:end]:
            w, h = float(p.cropbox.width), float(p.cropbox.height)
            sizes.append((h, w) if (p.rotation or 0) % 180 else (w, h))
        return sizes or None
    except (PyPdfError, ValueError, KeyError, OSError, NotImplementedError, TypeError):
        return None


UNPRINTABLE = (
    "Le contenu de ce fichier ne peut pas être imprimé tel quel ; l'original est conservé sans "
    "modification et son empreinte SHA-256 figure ci-dessus."
)
DAMAGED_PDF = (
    "Ce PDF est protégé ou endommagé et ne peut pas être reproduit ici ; l'original est conservé "
    "sans modification et son empreinte SHA-256 figure ci-dessus."
)


def _text_segment(
    ctx: RenderContext, piece: Piece, entries: list[Entry], title: str, note: str, body: str
) -> _Segment:
    """Caption, a note, and the body paginated on A4 portrait pages."""
    e = entries[0]
    c = ctx.canvas
    page_w, page_h = A4_PORTRAIT
    width = page_w - 2 * MARGIN
    top = _caption(c, title, entries, ctx.with_notes, page_w, draw=False)
    top += len(c.wrap(note, width, ITALIC)) * ITALIC.line_mm + 1.5
    lines = c.wrap(body, width, SMALL) if body else []
    pages: list[list[str]] = [[]]
    room = page_h - BOTTOM - top
    for line in lines:
        if room < SMALL.line_mm:
            pages.append([])
            room = page_h - BOTTOM - TOP
        pages[-1].append(line)
        room -= SMALL.line_mm
    return _Segment(e, "text", title, entries, text_pages=pages, note=note)


def _segments(ctx: RenderContext, piece: Piece) -> list[_Segment]:
    from toolkit.documents.plan import by_file

    out = []
    for i, entries in enumerate(by_file(piece.entries), start=1):
        e = entries[0]
        title = entry_title(piece, e, i)
        family = e.original.family if e.original else "other"
        if family == "image":
            info = image_info(ctx.read(e))
            out.append(_Segment(e, "image", title, entries, image_size=(info.width, info.height)))
            continue
        if family == "pdf":
            sizes = _pdf_sizes(ctx.read(e), piece.page_range)
            if sizes is None:
                out.append(_text_segment(ctx, piece, entries, title, DAMAGED_PDF, ""))
                continue
            seg = _Segment(e, "pdf", title, entries, pdf_sizes=sizes)
            if piece.kind != "document":  # a saved page or an e-mail: say what it is first
                intro = _text_segment(
                    ctx,
                    piece,
                    entries,
                    title,
                    "Le document d'origine est reproduit dans les pages qui suivent.",
                    "",
                )
                seg.text_pages, seg.note = intro.text_pages, intro.note
            out.append(seg)
            continue
        texts = file_texts(ctx.ws, e.original.sha256) if e.original else []
        body = "\n\n".join(t for _, t in texts)
        if len(body) > MAX_TEXT_CHARS:
            body = (
                body[:MAX_TEXT_CHARS]
                + "\n[…] Texte tronqué ; le fichier d'origine est conservé en entier."
            )
        note = "Texte lu dans le fichier d'origine :" if body else UNPRINTABLE
        out.append(_text_segment(ctx, piece, entries, title, note, body))
    return out


# --- drawing ------------------------------------------------------------------------------


def layout_originals(ctx: RenderContext, piece: Piece) -> PieceLayout:
    """Draw the pièce's own pages on the canvas; return the plan of all its pages."""
    c = ctx.canvas
    segments = _segments(ctx, piece)
    total = sum(s.pages for s in segments)
    result = PieceLayout(piece)
    n = 0
    for i, seg in enumerate(segments, start=1):
        for e in seg.entries:
            ctx.locations[e.key] = (piece.number, n + 1)
        if piece.serie:
            result.bookmarks.append((f"{serial(piece, i)} — {clock_of(seg.entry)}", n))
        if seg.kind == "image":
            n += 1
            result.pages.append(_image_page(ctx, piece, seg, stamp_text(piece, n, total)))
            continue  # ticked when the image is placed
        for k, body in enumerate(seg.text_pages):
            n += 1
            page_w, page_h = A4_PORTRAIT
            index = c.add_page(A4_PORTRAIT)
            header(c, piece, page_w)
            y = TOP
            if k == 0:
                y = _caption(c, seg.title, seg.entries, ctx.with_notes, page_w, draw=True)
                y = c.paragraph(MARGIN, y, page_w - 2 * MARGIN, seg.note, ITALIC) + 1.5
            c.draw_lines(MARGIN, y, body, SMALL)
            c.stamp(stamp_text(piece, n, total), page_w, page_h - 5)
            result.pages.append(PageSpec(index))
        for k, (w_pt, _) in enumerate(seg.pdf_sizes):
            n += 1
            w = w_pt / PT_PER_MM
            index = c.add_page((w, BAND_MM))
            c.stamp(stamp_text(piece, n, total), w, BAND_MM - 1.8)
            start = piece.page_range[0] if piece.page_range else 0
            result.pages.append(PageSpec(index, original=seg.entry, original_index=start + k))
        ctx.tick(seg.entry.original.name or "" if seg.entry.original else "")  # fmt: skip
    return result


def _image_page(ctx: RenderContext, piece: Piece, seg: _Segment, stamp: str) -> PageSpec:
    c = ctx.canvas
    width, height = seg.image_size
    size = A4_LANDSCAPE if width > height else A4_PORTRAIT
    page_w, page_h = size
    index = c.add_page(size)
    header(c, piece, page_w)
    top = _caption(c, seg.title, seg.entries, ctx.with_notes, page_w, draw=True)
    w, h = fit(width, height, page_w - 2 * MARGIN, page_h - top - BOTTOM)
    x = (page_w - w) / 2
    c.frame(x - 0.3, top - 0.3, w + 0.6, h + 0.6)
    c.stamp(stamp, page_w, page_h - 5)
    box = (x * PT_PER_MM, (page_h - top - h) * PT_PER_MM, w * PT_PER_MM, h * PT_PER_MM)
    return PageSpec(index, image=seg.entry, box=box)


def layout_table(
    ctx: RenderContext,
    piece: Piece,
    intro: list[tuple[Style, str]],
    columns: Sequence[Column],
    rows: list[list[str]],
    *,
    head_style: Style,
    extra_pages: int = 0,
) -> PieceLayout:
    """A table on A4 landscape pages, under ``intro`` on the first; ``extra_pages`` pages
    follow it in the pièce (their stamps count them)."""
    c = ctx.canvas
    page_w, page_h = A4_LANDSCAPE
    width = page_w - 2 * MARGIN
    intro_h = sum(len(c.wrap(t, width, s)) * s.line_mm + 0.8 for s, t in intro) + 3
    table = Table(c, columns, head_style=head_style)
    measured = table.measure(rows)
    room = page_h - TOP - 14
    pages = Table.paginate(measured, table.head[1], room - intro_h, room)
    result = PieceLayout(piece)
    for n, chunk in enumerate(pages, start=1):
        index = c.add_page(A4_LANDSCAPE)
        header(c, piece, page_w)
        y = TOP
        if n == 1:
            for style, text in intro:
                y = c.paragraph(MARGIN, y, width, text, style) + 0.8
            y += 2
        table.draw(MARGIN, y, [measured[i] for i in chunk])
        c.stamp(stamp_text(piece, n, len(pages) + extra_pages), page_w, page_h - 5)
        result.pages.append(PageSpec(index))
    return result


# --- assembling ---------------------------------------------------------------------------


def assemble(ctx: RenderContext, layout: PieceLayout, canvas: PdfReader) -> PdfWriter:
    """The pièce as a pypdf writer: canvas pages, images and original pages in order."""
    from pypdf import PdfReader, PdfWriter, Transformation

    from toolkit.documents.pdf import add_band

    writer = PdfWriter()
    originals: dict[str, Any] = {}
    for spec in layout.pages:
        if spec.original is not None:
            sha = spec.original.original.sha256 if spec.original.original else ""
            if sha not in originals:
                originals.clear()  # one original open at a time
                reader = PdfReader(io.BytesIO(ctx.read(spec.original)))
                if reader.is_encrypted:
                    reader.decrypt("")
                originals[sha] = reader
            page = writer.add_page(originals[sha].pages[spec.original_index])
            add_band(page)
            band: PageObject = canvas.pages[spec.canvas_page]
            page.merge_transformed_page(
                band,
                Transformation().translate(float(page.mediabox.left), float(page.mediabox.bottom)),
            )
            continue
        page = writer.add_page(canvas.pages[spec.canvas_page])
        if spec.image is not None and spec.box is not None:
            x, y, w, h = spec.box
            page.merge_transformed_page(
                image_page(ctx.read(spec.image), w, h), Transformation().translate(x, y)
            )
            ctx.tick(spec.image.original.name or "" if spec.image.original else "")  # fmt: skip
        if spec.inline_image is not None and spec.box is not None:
            x, y, w, h = spec.box
            page.merge_transformed_page(
                image_page(spec.inline_image, w, h), Transformation().translate(x, y)
            )
    for title, index in layout.bookmarks:  # one per original of a série, in order
        writer.add_outline_item(title=title, page_number=index)
    return writer
