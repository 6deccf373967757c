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
import unicodedata
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sized
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import TYPE_CHECKING, TypeVar

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


def cores() -> int:
    """The cores this process may use (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # macOS, Windows
        return os.cpu_count() or 1


def map_ordered(
    fn: Callable[[T], R],
    items: Iterable[T],
    *,
    workers: int | None = None,
    ahead: int | None = None,
) -> Iterator[tuple[T, R | Exception]]:
    """``(item, fn(item))`` in input order, computed by ``workers`` threads.

    At most ``ahead`` items (default twice the workers) are in flight or waiting to be
    consumed, so large batches never hold every decoded image at once. An exception raised
    by ``fn`` is yielded in place of its result; the caller decides what it means.
    """
    count = max(1, workers or cores())
    source = iter(items)
    if count == 1:
        for item in source:
            try:
                yield item, fn(item)
            except Exception as e:
                yield item, e
        return
    window = max(count, ahead or 2 * count)
    pool = ThreadPoolExecutor(max_workers=count, thread_name_prefix="guichets-ocr")
    pending: deque[tuple[T, Future[R]]] = deque()

    def submit_next() -> None:
        for item in source:
            pending.append((item, pool.submit(fn, item)))
            return

    try:
        for _ in range(window):
            submit_next()
        while pending:
            item, future = pending.popleft()
            submit_next()
            try:
                result: R | Exception = future.result()
            except Exception as e:
                result = e
            yield item, result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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


# --- the clock ------------------------------------------------------------------------------------

_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "march": 3, "mar": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
_WEEKDAYS = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|lun|mar|mer|jeu|ven|sam|dim"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun"
)
_MONTH_NAMES = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE_PATTERNS = (
    # 12/03/2025, 12.03.2025, 12-03-2025 (day first, as French clocks write it)
    ("dmy", re.compile(r"(?<![\d/.-])(\d{1,2}) ?([/.-]) ?(\d{1,2}) ?\2 ?(20\d\d)(?!\d)")),
    # 2025-03-12, 2025/03/12
    ("ymd", re.compile(r"(?<![\d/.-])(20\d\d)([/-])(\d{1,2})\2(\d{1,2})(?![\d/.-])")),
    # mercredi 12 mars 2025, 1er mars 2025, 12 March 2025
    ("dMy", re.compile(rf"\b(\d{{1,2}})(?:er)?\.? ?({_MONTH_NAMES})\b\.?,? ?(20\d\d)(?!\d)")),
    # March 12, 2025
    ("Mdy", re.compile(rf"\b({_MONTH_NAMES})\b\.? ?(\d{{1,2}})(?:st|nd|rd|th)?,? ?(20\d\d)(?!\d)")),
)
_TIME_PATTERNS = (
    # 10:06, 10:06:32, 10:06 AM (a colon is often read as ';')
    re.compile(
        r"(?<![\d:;.])(\d{1,2}) ?[:;] ?(\d\d)(?: ?[:;] ?(\d\d))?(?: ?([ap])\.?m\b\.?)?(?![\d:;])"
    ),
    # 10 h 06, 10h06, 10H06
    re.compile(r"(?<![\w:])(\d{1,2}) ?h ?(\d\d)(?![\d:])"),
)
# Between the date and the time of one clock: blanks, punctuation (icons read as "~",
# "=", "|"…), lone characters (an icon read as "7" or "e") and small words only.
_JOINER = re.compile(rf"^(?:[\W_]|\b\w\b|\b(?:at|le|um|{_WEEKDAYS})\b\.?)*$")
# A date and time after these words is something the page shows, not the device clock.
_CONTENT_WORDS = re.compile(
    r"mise en ligne|disponib|creneau|rendez|rdv|semaine|prochain|dernier|derniere|publie"
    r"|partir|jusqu|valable|expir|deliv|depot|envoye|recu|\ble$"
)
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "D": "0", "I": "1", "l": "1", "|": "1"})
_NUMERIC_TOKEN = re.compile(r"(?<!\w)[\dOoDIl|]{1,4}(?:[:;/.-][\dOoDIl|]{1,4}){1,2}(?!\w)")
YEARS = (2015, 2035)


def _fold(text: str) -> str:
    """Lower case without accents, one character for one (positions are kept)."""
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
        else:
            base = unicodedata.normalize("NFKD", ch)[:1].lower()
            out.append(base if base.isascii() and len(base) == 1 else " ")
    return "".join(out)


def _fix_digits(text: str) -> str:
    """``1O:O6`` → ``10:06``: letters OCR mistakes for digits, only inside date/time tokens."""

    def mend(m: re.Match[str]) -> str:
        token = m.group()
        digits = sum(c.isdigit() for c in token)
        return (
            token.translate(_DIGIT_LOOKALIKES)
            if digits * 2 >= len(token) - token.count(":")
            else token
        )

    return _NUMERIC_TOKEN.sub(mend, text)


def _dates(text: str) -> list[tuple[int, int, date]]:
    found: list[tuple[int, int, date]] = []
    for kind, pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groups()
            try:
                if kind == "dmy":
                    day, month, year = int(g[0]), int(g[2]), int(g[3])
                elif kind == "ymd":
                    year, month, day = int(g[0]), int(g[2]), int(g[3])
                elif kind == "dMy":
                    day, month, year = int(g[0]), _MONTHS[g[1]], int(g[2])
                else:
                    month, day, year = _MONTHS[g[0]], int(g[1]), int(g[2])
                value = date(year, month, day)
            except ValueError:
                continue
            if YEARS[0] <= value.year <= YEARS[1]:
                found.append((m.start(), m.end(), value))
    return found


def _times(text: str) -> list[tuple[int, int, time]]:
    found: list[tuple[int, int, time]] = []
    for pattern in _TIME_PATTERNS:
        for m in pattern.finditer(text):
            g = m.groups()
            hour, minute = int(g[0]), int(g[1])
            second = int(g[2]) if len(g) > 2 and g[2] else 0
            meridiem = g[3] if len(g) > 3 else None
            if meridiem:
                if not 1 <= hour <= 12:
                    continue
                hour = hour % 12 + (12 if meridiem == "p" else 0)
            if hour > 23 or minute > 59 or second > 59:
                continue
            found.append((m.start(), m.end(), time(hour, minute, second)))
    return found


def find_clock(text: str) -> datetime | None:
    """The device clock shown in OCR text: a date and a time side by side, or None.

    Heuristics, chosen so that a wrong time is rarer than a missing one:

    - dates: ``12/03/2025``, ``12.03.2025``, ``12-03-2025`` (always day first),
      ``2025-03-12``, « mercredi 12 mars 2025 », « 1er mars 2025 », ``March 12, 2025``;
      times: ``10:06``, ``10:06:32``, ``10 h 06``, ``10:06 PM``. Letters OCR confuses
      with digits (O, o, D, I, l, |) are read as digits inside such tokens.
    - both are needed, next to each other in either order (a taskbar shows the time
      above the date): at most 24 characters apart, with only blanks, punctuation, lone
      characters (icons misread), « à », « le », « at » or a weekday between them. A
      phone status bar shows the time alone: no clock.
    - the year must lie in 2015–2035 and the date must exist.
    - a pair that follows words such as « mise en ligne », « disponibilité »,
      « rendez-vous », « créneau », « semaine », « prochain », « dernière », « publié »,
      « à partir », « jusqu'au », « valable », « expire », « délivré », « dépôt »,
      « envoyé », « reçu » on its line is something the page says, not the clock.
    - when several pairs remain, the last one wins: the clock sits at the bottom or in
      the corner pass, which is read last.
    """
    if not text:
        return None
    folded = _fold(_fix_digits(text))
    dates = _dates(folded)
    if not dates:
        return None
    times = _times(folded)
    best: tuple[int, datetime] | None = None
    for d_start, d_end, day in dates:
        for t_start, t_end, clock in times:
            if t_start < d_end and d_start < t_end:
                continue  # overlapping matches
            first_end, second_start = (d_end, t_start) if d_start < t_start else (t_end, d_start)
            between = folded[first_end:second_start]
            if len(between) > 24 or not _JOINER.match(between):
                continue
            start = min(d_start, t_start)
            line_start = folded.rfind("\n", 0, start) + 1
            before = folded[max(line_start, start - 48) : start].strip()
            if before and _CONTENT_WORDS.search(before):
                continue
            end = max(d_end, t_end)
            if best is None or end > best[0]:
                best = (end, datetime.combine(day, clock))
    return best[1] if best else None
