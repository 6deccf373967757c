"""PDF building blocks: embedded fonts, fpdf2 pages, lossless images, deterministic files.

Text and tables are drawn with fpdf2 using the DejaVu fonts shipped inside matplotlib
(embedded and subset, so nothing depends on the fonts of the machine). Screenshots are
embedded losslessly by img2pdf (PNG data and JPEG files are copied, not re-encoded) and
placed on their caption page with pypdf. Every file is written with pinned metadata and
an identifier derived from its content, so the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit._version import __version__
from toolkit.errors import MissingDependency

if TYPE_CHECKING:
    from pypdf import PageObject, PdfWriter

PRODUCER = f"guichets {__version__}"
PT_PER_MM = 72 / 25.4
A4_MM = (210.0, 297.0)
SANS = "dejavu"
MONO = "dejavumono"
_FONT_FILES = {
    (SANS, ""): "DejaVuSans.ttf",
    (SANS, "B"): "DejaVuSans-Bold.ttf",
    (SANS, "I"): "DejaVuSans-Oblique.ttf",
    (MONO, ""): "DejaVuSansMono.ttf",
}
FIXED_DATE = datetime(2000, 1, 1, tzinfo=UTC)


@cache
def font_dir() -> Path:
    """matplotlib's bundled TTF folder (found without importing matplotlib)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise MissingDependency(
            "matplotlib is not installed; reinstall guichets (pip install -e .)"
        )
    folder = Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    if not (folder / "DejaVuSans.ttf").is_file():
        raise MissingDependency(f"{folder}: DejaVu fonts not found; reinstall matplotlib")
    return folder


def new_pdf(*, title: str, when: datetime = FIXED_DATE) -> Any:
    """An fpdf2 document in millimetres, A4, fonts registered, metadata pinned."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    for (family, style), name in _FONT_FILES.items():
        pdf.add_font(family, style, str(font_dir() / name))
    pdf.set_creation_date(when)
    pdf.set_producer(PRODUCER)
    pdf.set_creator("guichets")
    pdf.set_title(title)
    pdf.set_lang("fr-FR")
    pdf.set_margins(15, 15, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_font(SANS, size=10)
    return pdf


def fpdf_bytes(pdf: Any) -> bytes:
    return bytes(pdf.output())


def clean_text(text: str) -> str:
    """Text fpdf2 can draw: control characters removed, tabs as spaces."""
    out = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(c for c in out if c == "\n" or (ord(c) >= 32 and c not in "\u200b\ufeff"))


def break_long_words(text: str, every: int = 60) -> str:
    """Insert break opportunities into very long tokens (URLs, hashes) so cells can wrap."""
    parts = []
    for word in text.split(" "):
        if len(word) > every:
            word = " ".join(word[i : i + every] for i in range(0, len(word), every))
        parts.append(word)
    return " ".join(parts)


# --- images -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageInfo:
    kind: str  # png, jpeg, other
    width: int
    height: int


def _register_heif() -> None:
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        return
    register_heif_opener()


def image_info(data: bytes) -> ImageInfo:
    """Size of an image as displayed (EXIF rotation of a JPEG applied), from its header only."""
    from PIL import Image

    if data[4:8] == b"ftyp":  # HEIC from a phone
        _register_heif()

    with Image.open(io.BytesIO(data)) as img:
        fmt = (img.format or "").lower()
        width, height = img.size
        if fmt == "jpeg" and img.getexif().get(0x0112, 1) in (5, 6, 7, 8):
            width, height = height, width
        return ImageInfo(
            "png" if fmt == "png" else "jpeg" if fmt == "jpeg" else "other", width, height
        )


def _as_png(data: bytes) -> bytes:
    """A lossless PNG copy for formats PDF cannot hold as they are (WebP, HEIC, 16-bit alpha)."""
    from PIL import Image

    _register_heif()
    with Image.open(io.BytesIO(data)) as opened:
        img: Image.Image = opened
        img.load()
        if img.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
            img = img.convert("RGBA" if "A" in img.getbands() else "RGB")
        out = io.BytesIO()
        img.save(out, format="PNG", compress_level=6)
        return out.getvalue()


def image_page(data: bytes, width_pt: float, height_pt: float) -> PageObject:
    """A one-page PDF holding the image at exactly ``width_pt`` × ``height_pt``, losslessly."""
    import img2pdf
    from pypdf import PdfReader

    logging.getLogger("img2pdf").setLevel(logging.ERROR)
    layout = img2pdf.get_layout_fun((width_pt, height_pt), None, None, img2pdf.FitMode.into)
    jpeg = data[:3] == b"\xff\xd8\xff"
    options: dict[str, Any] = {
        "layout_fun": layout,
        # EXIF rotation is cheap to read in a JPEG; in a PNG it means decoding every pixel
        "rotation": img2pdf.Rotation.ifvalid if jpeg else img2pdf.Rotation.none,
        "engine": img2pdf.Engine.internal,
        "nodate": True,
        "producer": PRODUCER,
    }
    try:
        raw = img2pdf.convert(data, **options)
    except Exception:  # WebP, HEIC, 16-bit alpha…: a lossless PNG copy first
        options["rotation"] = img2pdf.Rotation.none
        raw = img2pdf.convert(_as_png(data), **options)
    return PdfReader(io.BytesIO(raw)).pages[0]


def fit(width: float, height: float, box_w: float, box_h: float) -> tuple[float, float]:
    """The largest size with the image's proportions inside the box."""
    scale = min(box_w / width, box_h / height)
    return width * scale, height * scale


# --- stamping and writing ------------------------------------------------------------------


STAMP_BAND_PT = 26.0  # the band added under a foreign page to hold the stamp


def add_band(page: PageObject) -> None:
    """Extend a page's visible area downwards, so the stamp never covers the original."""
    from pypdf.generic import RectangleObject

    page.transfer_rotation_to_content()
    box = page.cropbox  # what a reader shows (the media box when there is no crop box)
    new = RectangleObject([box.left, box.bottom - STAMP_BAND_PT, box.right, box.top])
    page.mediabox = new
    page.cropbox = new
    for name in ("/TrimBox", "/BleedBox", "/ArtBox"):
        if name in page:
            del page[name]


def pdf_date(when: datetime) -> str:
    w = when.astimezone(UTC)
    return w.strftime("D:%Y%m%d%H%M%S+00'00'")


def write_pdf(writer: PdfWriter, path: Path, *, title: str, when: datetime, seed: str) -> None:
    """Write with pinned metadata and a file identifier derived from ``seed`` (the content)."""
    pin_pdf(writer, title=title, when=when, seed=seed)
    with open(path, "wb") as f:
        writer.write(f)


def pdf_bytes(writer: PdfWriter, *, title: str, when: datetime, seed: str) -> bytes:
    """The bytes :func:`write_pdf` would write (for ``toolkit.outputs.write_output``)."""
    pin_pdf(writer, title=title, when=when, seed=seed)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def pin_pdf(writer: PdfWriter, *, title: str, when: datetime, seed: str) -> None:
    """Pinned metadata, and a file identifier derived from ``seed`` (pypdf's is random)."""
    from pypdf.generic import ArrayObject, ByteStringObject

    writer.add_metadata(
        {
            "/Title": title,
            "/Producer": PRODUCER,
            "/Creator": "guichets",
            "/CreationDate": pdf_date(when),
            "/ModDate": pdf_date(when),
        }
    )
    ident = ByteStringObject(hashlib.md5(seed.encode("utf-8"), usedforsecurity=False).digest())
    writer._ID = ArrayObject([ident, ident])  # pypdf's own ID is random


def page_count(data: bytes) -> int | None:
    """Pages of a PDF original, or None when pypdf cannot read it (encrypted, damaged)."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None
        return len(reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError):
        return None
