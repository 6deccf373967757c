"""Reading screenshots with OCR: the page's text, what it says, and the clock it shows.

Tesseract (through the optional ``pytesseract``, extra ``guichets[ocr]``) reads the page;
the text goes through the same classifier as saved pages (:func:`classify_text`), and the
device clock visible in the image (Windows taskbar, a browser's print header) can date a
screenshot that carries no better time.

How a page is read (tuned on rendered préfecture pages, see tests/classify/test_ocr.py):

- grayscale; transparent pixels on white; a dark page (mean below 100) inverted, since
  tesseract reads dark text on a light ground best; images whose longer side is under
  1000 px upscaled ×2 (their text is too small for tesseract's recogniser);
- ``--psm 3`` (automatic layout) for the page: unlike ``--psm 6`` it keeps a sidebar apart
  from the message, so the key sentence is not interleaved with menu items;
- on landscape (desktop) images, one more small pass (``--psm 11``, sparse text: a
  taskbar's icons otherwise merge with the clock's lines) over the bottom-right and
  top-right corners, dark bars inverted and enlarged ×2–3, where a taskbar or menu-bar
  clock sits in small text that the page pass often misses (see :func:`find_clock`);
- ``lang="fra+eng"`` when both are installed, else ``fra``, else ``eng``.

Tesseract runs as a subprocess, one per image, so images are read in parallel with a
thread pool (:func:`read_many`); ``OMP_THREAD_LIMIT=1`` (unless already set) keeps each
tesseract to one thread so that N workers use N cores rather than oversubscribing them.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from toolkit.classify.clock import find_clock
from toolkit.classify.pool import map_ordered
from toolkit.errors import InputError, MissingDependency
from toolkit.model import Classification
from toolkit.progress import ProgressCallback

if TYPE_CHECKING:
    from PIL import Image

T = TypeVar("T")
R = TypeVar("R")

INSTALL_HINT = (
    "install it with `apt-get install tesseract-ocr tesseract-ocr-fra` "
    "and `pip install 'guichets[ocr]'`"
)
TIMEOUT_SECONDS = 180  # one image; a 20-megapixel page takes well under a minute
SMALL_SIDE = 1000  # longer side under this: upscale ×2
DARK_MEAN = 100  # mean grey level under this: a dark page, inverted before reading

# --- availability ----------------------------------------------------------------------


@cache
def ocr_available() -> tuple[bool, str]:
    """Whether OCR can run: ``(True, "tesseract 5.3.0 (fra+eng)")`` or ``(False, why + how to install)``."""
    try:
        import pytesseract
    except ImportError:
        return False, f"pytesseract is not installed; {INSTALL_HINT}"
    try:
        version = str(pytesseract.get_tesseract_version()).split()[0]
        languages = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, OSError):
        return False, f"the tesseract program was not found; {INSTALL_HINT}"
    except Exception as e:  # a broken install: report it, do not crash an ingest
        return False, f"tesseract does not run ({e}); {INSTALL_HINT}"
    if "fra" not in languages:
        return False, f"tesseract {version} has no French data; {INSTALL_HINT}"
    return True, f"tesseract {version} ({_lang(frozenset(languages))})"


def _lang(languages: frozenset[str]) -> str:
    if {"fra", "eng"} <= languages:
        return "fra+eng"
    return "fra" if "fra" in languages else "eng"


@cache
def _languages() -> str:
    import pytesseract

    return _lang(frozenset(pytesseract.get_languages(config="")))


_ENV_LOCK = threading.Lock()


def _require() -> None:
    ok, reason = ocr_available()
    if not ok:
        raise MissingDependency(f"OCR unavailable: {reason}")
    with _ENV_LOCK:  # read by the tesseract subprocesses, which inherit our environment
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")


# --- preprocessing and tesseract ------------------------------------------------------------


def _grey(img: Image.Image) -> Image.Image:
    """Grayscale on white (transparency flattened), dark pages inverted."""
    from PIL import Image, ImageOps, ImageStat

    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        flat = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        flat.alpha_composite(rgba)
        img = flat
    grey = img.convert("L")
    if ImageStat.Stat(grey).mean[0] < DARK_MEAN:
        grey = ImageOps.invert(grey)
    return grey


def _prepare_page(img: Image.Image) -> Image.Image:
    from PIL import Image

    grey = _grey(img)
    if max(grey.size) < SMALL_SIDE:
        grey = grey.resize((grey.width * 2, grey.height * 2), Image.Resampling.LANCZOS)
    return grey


def _tesseract(img: Image.Image, psm: int) -> str:
    import pytesseract

    try:
        return str(
            pytesseract.image_to_string(
                img, lang=_languages(), config=f"--psm {psm}", timeout=TIMEOUT_SECONDS
            )
        )
    except pytesseract.TesseractError as e:
        raise InputError(f"OCR failed on this image ({e.message or e.status})") from None
    except RuntimeError as e:  # pytesseract's timeout
        raise InputError(f"OCR failed on this image ({e})") from None


def ocr_image(img: Image.Image) -> str:
    """The text tesseract reads on the whole image (raises MissingDependency without OCR)."""
    _require()
    return _tesseract(_prepare_page(img), psm=3)


def _corners(img: Image.Image) -> Image.Image | None:
    """The bottom-right and top-right corners of a landscape screenshot, ready to read.

    A taskbar (Windows: bottom, sometimes top) or a menu bar (macOS, GNOME: top) keeps its
    clock there, in small light text on a dark bar. Portrait (phone) screenshots have no
    date in their status bar, so they get no second pass.
    """
    from PIL import Image, ImageOps

    width, height = img.size
    if width <= height or width < 400:
        return None
    strip = max(32, round(height * 0.07))
    crops = [
        img.crop((round(width * 0.65), height - strip, width, height)),
        img.crop((round(width * 0.55), 0, width, strip)),
    ]
    parts = []
    for crop in crops:
        grey = _grey(crop)  # a dark bar is inverted here, so its text becomes dark on light
        scale = max(1.0, min(3.0, width / grey.width))
        grey = grey.resize(
            (round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS
        )
        parts.append(ImageOps.autocontrast(grey))
    gap = 24
    sheet = Image.new(
        "L", (max(p.width for p in parts) + 2 * gap, sum(p.height + gap for p in parts) + gap), 255
    )
    y = gap
    for part in parts:
        sheet.paste(part, (gap, y))
        y += part.height + gap
    return sheet


# --- what the page says ----------------------------------------------------------------------


@dataclass
class OcrResult:
    """What OCR read on one screenshot."""

    text: str  # the page, then the corner pass (clock) when there is one
    classification: Classification
    clock: datetime | None  # naive: the device's wall-clock time shown in the image


_SPACED_DOT = re.compile(r"(?<=[\w-])\. (?=(?:gouv|interieur|fr|com|org|net)\b)", re.IGNORECASE)
_URL_LIKE = re.compile(
    r"(?:https?://)?(?:[\w-]+\.)+(?:fr|com|org|net)(?:/[^\s<>\"'«»]*)?", re.IGNORECASE
)
_WWW_MISREAD = re.compile(r"^((?:https?://)?)(?!www\.)[wvu]{3}\.", re.IGNORECASE)
_QUERY_MISREAD = re.compile(r"[72](?=[A-Za-z_]\w*=[^/]*$)")


def url_from_text(text: str) -> str | None:
    """The page address read off a URL bar, mended for common OCR slips.

    Only a line that holds an address and little else counts (an address bar, not a link
    in a sentence), and only an address with a path. ``www.x. gouv.fr`` (a space read
    after a dot) is joined, ``wwu.``/``vww.`` read as ``www.``, and a ``?`` read as ``7``
    or ``2`` before the first ``name=value`` of a query is restored (``/0?error=…``).
    """
    for line in text.splitlines():
        mended = _SPACED_DOT.sub(".", line.strip())
        match = _URL_LIKE.search(mended)
        if match is None:
            continue
        url = match.group().rstrip(".,;:)]»")
        rest = len(mended.replace(" ", "")) - len(url)
        if "/" not in url.split("//", 1)[-1] or rest > max(6, len(url) // 4):
            continue
        url = _WWW_MISREAD.sub(r"\1www.", url)
        if "?" not in url and "=" in url:
            url = _QUERY_MISREAD.sub("?", url, count=1)
        return url
    return None


def read_screenshot(img: Image.Image, *, clock: bool = True) -> OcrResult:
    """OCR a screenshot: its text, its classification and the clock it shows.

    ``clock=False`` skips the second pass over the screen corners, for a screenshot whose
    time is already known from something more trusted (a log, EXIF or PNG metadata).
    """
    from toolkit.classify.signatures import classify_text

    _require()
    page = _tesseract(_prepare_page(img), psm=3).strip()
    corners = _corners(img) if clock else None
    corner_text = _tesseract(corners, psm=11).strip() if corners is not None else ""
    text = f"{page}\n\n{corner_text}" if corner_text else page
    classification = classify_text(page, url=url_from_text(page))
    shown = (find_clock(corner_text) if corner_text else None) or find_clock(page)
    return OcrResult(text=text, classification=classification, clock=shown)


def result_from_text(text: str) -> OcrResult:
    """What text read earlier (stored in ``texts``) says, with today's signature table."""
    from toolkit.classify.signatures import classify_text

    return OcrResult(
        text=text,
        classification=classify_text(text, url=url_from_text(text)),
        clock=find_clock(text),
    )


# --- parallel reading ---------------------------------------------------------------------------


def read_many(
    items: Iterable[T],
    load: Callable[[T], Image.Image],
    *,
    workers: int | None = None,
    progress: ProgressCallback | None = None,
) -> Iterator[tuple[T, OcrResult | Exception]]:
    """OCR many images in parallel: ``(item, OcrResult or the exception)``, in input order.

    ``load`` turns an item (a path, a vault digest…) into an image inside the worker, so
    decoding is parallel too and only a bounded look-ahead of images exists at a time.
    ``workers`` defaults to the number of cores.
    """
    _require()
    total = len(items) if isinstance(items, Sized) else 0

    def work(item: T) -> OcrResult:
        img = load(item)
        try:
            return read_screenshot(img)
        finally:
            img.close()

    if progress is not None:
        progress(0, total, "")
    for done, (item, result) in enumerate(map_ordered(work, items, workers=workers), start=1):
        if progress is not None:
            progress(done, total, str(item)[-60:])
        yield item, result
