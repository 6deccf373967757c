"""Reading screenshots with OCR: the page's text, what it says, and the times it shows.

Tesseract (its C library, or the ``tesseract`` program through the optional
``pytesseract``, see :mod:`toolkit.classify.engine`) reads the page; the text goes
through the same classifier as saved pages (:func:`classify_text`); the device clock
(Windows taskbar, a menu bar, a browser's print header) and a date the server wrote in the
page (« Demande de rendez-vous du 24/02/2025 ») are kept as times the image itself shows.

Only the regions that decide are read (tuned on rendered pages of every system, see
tests/classify/test_ocr.py and bench/bench_ocr.py):

- grayscale; transparent pixels on white; a dark page (mean below 100) inverted, since
  tesseract reads dark text on a light ground best;
- the scale: images whose longer side is under 1000 px are upscaled ×2 (their text is too
  small for the recogniser); phone screenshots (portrait, 1000 px wide or more) and
  high-density desktops (2400 px wide or more) are read at half size, where their large
  type stays legible and costs a quarter of the pixels;
- the page from the top (browser tabs and address bar, then the page body) down to the
  taskbar, in two bands: the first band (the address bar and the top of the page, where
  every booking service puts its heading and message) is read and classified, and the
  rest is read only when no signature matched (``--psm 3``: automatic layout, which keeps a
  sidebar apart from the message);
- on landscape (desktop) images, the clock: the bottom-right corner (a taskbar), then the
  top-right corner (a menu bar) when the first showed none, dark bars inverted and enlarged
  ×2, read as sparse text (``--psm 11``: a taskbar's icons otherwise merge with the clock's
  lines) (see :func:`~toolkit.classify.clock.read_clock`). Only the corners date a
  screenshot: a date and a time in the page body are what the page says (a list of slots,
  a publication notice), and a phone's status bar shows the time without a date.

Images are read in parallel on one shared pool of threads (:func:`read_many`), each with
its own loaded engine.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sized
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, TypeVar

from toolkit.classify import engine
from toolkit.classify.clock import find_page_date, read_clock
from toolkit.classify.pool import cores, map_ordered
from toolkit.errors import MissingDependency
from toolkit.model import Classification, Precision

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "OcrResult",
    "cores",
    "ocr_available",
    "ocr_image",
    "read_many",
    "read_screenshot",
    "result_from_text",
    "url_from_text",
]

T = TypeVar("T")

INSTALL_HINT = (
    "install it with `apt-get install tesseract-ocr tesseract-ocr-fra` "
    "and `pip install 'guichets[ocr]'`"
)
SMALL_SIDE = 1000  # longer side under this: upscale ×2
DARK_MEAN = 100  # mean grey level under this: a dark page, inverted before reading
FIRST_BAND = 0.45  # share of the page body read before the first classification
MIN_FIRST_BAND = 400  # pixels (after scaling): at least this much of the page in band one

# --- availability ----------------------------------------------------------------------


@cache
def ocr_available() -> tuple[bool, str]:
    """Whether OCR can run: ``(True, "libtesseract 5.3.0 (fra)")`` or ``(False, why + how to install)``."""
    if engine.capi_version() is not None:
        return True, engine.engine_name()
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
    return True, f"tesseract {version} (fra)"


_ENV_LOCK = threading.Lock()


def _require() -> None:
    ok, reason = ocr_available()
    if not ok:
        raise MissingDependency(f"OCR unavailable: {reason}")
    with _ENV_LOCK:  # one thread per engine: N workers use N cores, no more
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")


# --- preprocessing ---------------------------------------------------------------------------


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


def page_scale(width: int, height: int) -> float:
    """How much the page is scaled before reading (see the module doc)."""
    if max(width, height) < SMALL_SIDE:
        return 2.0
    if (height > width and width >= 1000) or width >= 2400:
        return 0.5
    return 1.0


def _scaled(grey: Image.Image, scale: float) -> Image.Image:
    from PIL import Image

    if scale == 1.0:
        return grey
    size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
    return grey.resize(size, Image.Resampling.LANCZOS)


def ocr_image(img: Image.Image) -> str:
    """The text tesseract reads on the whole image (raises MissingDependency without OCR)."""
    _require()
    grey = _grey(img)
    return engine.read(_scaled(grey, 2.0 if max(grey.size) < SMALL_SIDE else 1.0), psm=3)


def _corner(img: Image.Image, which: str) -> Image.Image | None:
    """The bottom-right (``bottom``) or top-right (``top``) corner of a landscape
    screenshot, ready to read; None for a portrait (phone) image, whose status bar shows
    the time without a date."""
    from PIL import Image, ImageOps

    width, height = img.size
    if width <= height or width < 400:
        return None
    strip = max(32, round(height * 0.07))
    box = (
        (round(width * 0.75), height - strip, width, height)
        if which == "bottom"
        else (round(width * 0.6), 0, width, strip)
    )
    grey = _grey(img.crop(box))  # a dark bar is inverted here, so its text is dark on light
    scale = 2.0 if grey.height < 80 else 1.0
    grey = grey.resize(
        (round(grey.width * scale), round(grey.height * scale)), Image.Resampling.LANCZOS
    )
    pad = Image.new("L", (grey.width + 48, grey.height + 48), 255)
    pad.paste(ImageOps.autocontrast(grey), (24, 24))
    return pad


# --- what the page says ----------------------------------------------------------------------


@dataclass
class OcrResult:
    """What OCR read on one screenshot."""

    text: str  # the page, then the corners read for the clock
    classification: Classification
    clock: datetime | None  # naive: the device's wall-clock time shown in the image
    clock_precision: str = Precision.MINUTE.value
    page_date: date | None = None  # a date the server wrote in the page for this request
    regions: list[str] = field(default_factory=list)  # what was read: band1, band2, corners


_SPACED_DOT = re.compile(r"(?<=[\w-])\. (?=(?:gouv|interieur|fr|com|org|net)\b)", re.IGNORECASE)
_URL_LIKE = re.compile(
    r"(?:https?://)?(?:[\w-]+\.)+(?:fr|com|org|net)(?:/[^\s<>\"'«»]*)?", re.IGNORECASE
)
_WWW_MISREAD = re.compile(r"^((?:https?://)?)(?!www\.)[wvumn]{3}\.", re.IGNORECASE)
_QUERY_MISREAD = re.compile(r"[72](?=[A-Za-z_]\w*=[^/]*$)")


def url_from_text(text: str) -> str | None:
    """The page address read off a URL bar, mended for common OCR slips.

    Only a line that holds an address and little else counts (an address bar, not a link
    in a sentence), and only an address with a path. ``www.x. gouv.fr`` (a space read
    after a dot) is joined, ``wwu.``/``vww.``/``mww.`` read as ``www.``, and a ``?`` read as ``7``
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


def _classify(text: str) -> Classification:
    from toolkit.classify.signatures import classify_text

    return classify_text(text, url=url_from_text(text))


def _decided(cls: Classification) -> bool:
    """A signature matched (an outcome, or a step of the booking form): the page is read."""
    return cls.rule is not None


def read_screenshot(img: Image.Image, *, clock: bool = True) -> OcrResult:
    """OCR a screenshot: its text, its classification and the times it shows.

    ``clock=False`` skips the corners (the device clock), for a caller that needs no time.
    """
    _require()
    grey = _grey(img)
    work = _scaled(grey, page_scale(*grey.size))
    width, height = work.size
    landscape = width > height
    top = round(height * 0.12)
    body_end = height - round(height * 0.07) if landscape and height >= 400 else height
    first_end = min(body_end, top + max(round(FIRST_BAND * (body_end - top)), MIN_FIRST_BAND))
    texts = [engine.read(work.crop((0, 0, width, first_end)), psm=3).strip()]
    regions = ["band1"]
    cls = _classify(texts[0])
    if not _decided(cls) and first_end < body_end:
        overlap = round(0.03 * height)
        texts.append(engine.read(work.crop((0, first_end - overlap, width, body_end)), 3).strip())
        regions.append("band2")
        cls = _classify("\n".join(texts))
    page = "\n".join(t for t in texts if t)
    shown = None
    corner_texts: list[str] = []
    if clock:
        for which in ("bottom", "top"):
            corner = _corner(img, which)
            if corner is None:
                break
            corner_texts.append(engine.read(corner, psm=11).strip())
            regions.append(f"corner-{which}")
            shown = read_clock(corner_texts[-1])
            if shown is not None:
                break
    # No clock from the page body: a date and a time there are what the page says (a list
    # of slots, a publication notice), and a phone's status bar shows no date.
    text = "\n\n".join([page, *(t for t in corner_texts if t)])
    return OcrResult(
        text=text,
        classification=cls,
        clock=shown[0] if shown else None,
        clock_precision=shown[1] if shown else Precision.MINUTE.value,
        page_date=find_page_date(page),
        regions=regions,
    )


def result_from_text(text: str) -> OcrResult:
    """What text read earlier (stored in ``texts``) says, with today's signature table."""
    shown = read_clock(text)
    return OcrResult(
        text=text,
        classification=_classify(text),
        clock=shown[0] if shown else None,
        clock_precision=shown[1] if shown else Precision.MINUTE.value,
        page_date=find_page_date(text),
    )


# --- parallel reading ---------------------------------------------------------------------------


def read_many(
    items: Iterable[T],
    load: Callable[[T], Image.Image],
    *,
    workers: int | None = None,
    progress: Callable[[int, int, str], None] | None = None,
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
