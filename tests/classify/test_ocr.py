"""OCR of screenshots: rendered pages are read, classified and dated by their clock.

``render_screenshot`` draws believable screenshots (Chrome on Windows with its taskbar
clock, or a phone) of an ezbooking page; the ingest and reclassify tests and the OCR
benchmark use it too.
"""

from __future__ import annotations

import threading
import time as clock_time
from datetime import datetime
from functools import cache
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from toolkit.classify import ocr as ocr_mod
from toolkit.classify.clock import find_clock
from toolkit.classify.ocr import (
    ocr_available,
    ocr_image,
    read_many,
    read_screenshot,
    result_from_text,
    url_from_text,
)
from toolkit.classify.pool import map_ordered
from toolkit.errors import InputError, MissingDependency

needs_tesseract = pytest.mark.skipif(
    not ocr_available()[0], reason=f"OCR unavailable: {ocr_available()[1]}"
)

# --- rendered screenshots ------------------------------------------------------------

NO_SLOT_HEADING = "Vérification de disponibilité"
NO_SLOT_MESSAGE = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)
PAGES = {
    "no_slot": ("/booking/create/28617/1", NO_SLOT_HEADING, NO_SLOT_MESSAGE),
    "captcha": (
        "/booking/create/28617/0?error=invalidCaptcha",
        "Prise de rendez-vous",
        "Le code saisi est incorrect. Saisissez les caractères affichés dans l'image.",
    ),
    "error": (
        "/booking/create/28617/1",
        "Service surchargé",
        "Le service reçoit trop de demandes en ce moment. "
        "Veuillez réessayer dans quelques minutes.",
    ),
}
HOST = "www.seine-maritime.gouv.fr"
CLOCK = datetime(2025, 3, 12, 10, 6)
INK, GREY, BLUE = (30, 30, 30), (105, 105, 105), (0, 0, 145)


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    import matplotlib

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ImageFont.truetype(str(Path(matplotlib.get_data_path(), "fonts", "ttf", name)), size)


def _paragraph(
    draw: ImageDraw.ImageDraw, xy: tuple[int, int], text: str, size: int, width: int, **kw
) -> int:
    """Draw wrapped text; return the y below it."""
    font = _font(size, kw.pop("bold", False))
    x, y = xy
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            draw.text((x, y), line, font=font, fill=kw.get("fill", INK))
            y, line = y + round(size * 1.5), word
        else:
            line = candidate
    draw.text((x, y), line, font=font, fill=kw.get("fill", INK))
    return y + round(size * 1.5)


def _page(draw: ImageDraw.ImageDraw, kind: str, x: int, y: int, width: int, k: float) -> None:
    """The préfecture page: site header, breadcrumb, heading, message box, button."""
    _, heading, message = PAGES[kind]
    draw.rectangle((x, y, x + round(56 * k), y + round(40 * k)), fill=BLUE)
    _paragraph(draw, (x + round(70 * k), y + round(12 * k)), "RÉPUBLIQUE FRANÇAISE", round(12 * k),
               width)  # fmt: skip
    y = _paragraph(draw, (x, y + round(54 * k)), "Préfecture de la Seine-Maritime", round(22 * k),
                   width, bold=True)  # fmt: skip
    y = _paragraph(draw, (x, y), "Accueil > Démarches > Prise de rendez-vous", round(14 * k),
                   width, fill=GREY)  # fmt: skip
    y = _paragraph(draw, (x, y + round(20 * k)), heading, round(28 * k), width, bold=True)
    top = y + round(6 * k)
    bottom = _paragraph(draw, (x + round(24 * k), top + round(22 * k)), message, round(18 * k),
                        width - round(48 * k))  # fmt: skip
    draw.rectangle((x, top, x + width, bottom + round(70 * k)), outline=(200, 200, 200))
    _paragraph(draw, (x + round(24 * k), top + round(22 * k)), message, round(18 * k),
               width - round(48 * k))  # fmt: skip
    draw.rectangle((x + round(24 * k), bottom + round(8 * k), x + round(150 * k),
                    bottom + round(50 * k)), fill=BLUE)  # fmt: skip
    draw.text((x + round(44 * k), bottom + round(18 * k)), "Terminer",
              font=_font(round(16 * k), True), fill="white")  # fmt: skip


def render_screenshot(
    kind: str = "no_slot",
    clock: datetime | None = CLOCK,
    *,
    phone: bool = False,
    size: tuple[int, int] | None = None,
) -> Image.Image:
    """A screenshot of an ezbooking page (``no_slot``, ``captcha`` or ``error``).

    Desktop: Chrome (tab, address bar) above a dark Windows taskbar whose clock shows
    ``clock`` as "10:06" over "12/03/2025". Phone: a status bar with the time only.
    """
    path = PAGES[kind][0]
    if phone:
        w, h = size or (720, 1480)
        img = Image.new("RGB", (w, h), "white")
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, 0, w, 56), fill=(242, 242, 242))
        if clock is not None:
            draw.text((28, 12), f"{clock:%H:%M}", font=_font(26, True), fill=INK)
        draw.rounded_rectangle((20, 70, w - 20, 130), radius=28, fill=(236, 238, 240))
        draw.text((50, 86), (HOST + path)[:38] + "…", font=_font(24), fill=INK)
        _page(draw, kind, 36, 170, w - 72, 1.6)
        return img
    w, h = size or (1366, 768)
    img = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, w, 40), fill=(222, 225, 230))
    draw.rounded_rectangle((8, 6, 290, 46), radius=8, fill="white")
    draw.text((22, 15), "Prise de rendez-vous - Seine-Mar…", font=_font(12), fill=INK)
    for i, glyph in enumerate(("←", "→", "↻")):
        draw.text((16 + 30 * i, 50), glyph, font=_font(18), fill=GREY)
    draw.rounded_rectangle((110, 46, w - 110, 76), radius=15, fill=(241, 243, 244))
    draw.text((136, 52), HOST + path, font=_font(15), fill=INK)
    draw.line((0, 82, w, 82), fill=(215, 215, 215))
    _page(draw, kind, 150, 110, min(900, w - 300), 1.0)
    bar = h - 40  # Windows taskbar: dark, icons in the middle, clock bottom right
    draw.rectangle((0, bar, w, h), fill=(32, 32, 36))
    for i in range(5):
        x = w // 2 - 120 + 48 * i
        draw.rounded_rectangle((x, bar + 8, x + 24, bar + 32), radius=5, fill=(70, 130, 200))
    if clock is not None:
        for i, label in enumerate((f"{clock:%H:%M}", f"{clock:%d/%m/%Y}")):
            draw.text((w - 52, bar + 11 + 17 * i), label, font=_font(12), fill="white", anchor="mm")
    return img


# --- the clock (no tesseract needed) ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10:06\n12/03/2025", datetime(2025, 3, 12, 10, 6)),  # Windows taskbar
        ("12.03.2025 10:06:32", datetime(2025, 3, 12, 10, 6, 32)),
        ("2025-03-12 10 h 06", datetime(2025, 3, 12, 10, 6)),
        ("mercredi 12 mars 2025 à 10:06", datetime(2025, 3, 12, 10, 6)),
        ("mer. 1er avril 2026 09h05", datetime(2026, 4, 1, 9, 5)),
        ("March 12, 2025 10:06 PM", datetime(2025, 3, 12, 22, 6)),
        ("1O:O6\n12/O3/2025", datetime(2025, 3, 12, 10, 6)),  # O read for 0
        ("10;06 12/03/2025", datetime(2025, 3, 12, 10, 6)),  # colon read as a semicolon
        # two candidates: the last one (bottom of the screen) wins
        ("Imprimé le 11/03/2025 08:00\n...\n10:06\n12/03/2025", datetime(2025, 3, 12, 10, 6)),
    ],
)
def test_find_clock_reads_dates_and_times(text: str, expected: datetime) -> None:
    assert find_clock(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "10:06",  # a phone status bar: time without date
        "12/03/2025",
        "10:06 12/03/2045",  # implausible year
        "10:06 31/02/2025",  # no such day
        "25:06 12/03/2025",
        "Dernière mise en ligne de rendez-vous : le 10/03/2025 à 09:00",
        "Prochaine disponibilité le 15/04/2025 à 14:00",
        "10:06 Il n'existe plus de plage horaire libre pour votre demande 12/03/2025",
        "",
    ],
)
def test_find_clock_refuses_what_is_not_a_clock(text: str) -> None:
    assert find_clock(text) is None


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (
            "Prise de rendez-vous\nwww.seine-maritime. gouv.fr/booking/create/28617/1\nAccueil",
            "www.seine-maritime.gouv.fr/booking/create/28617/1",
        ),
        (
            "wwu.seine-maritime.gouv.fr/booking/create/28617/07error=invalidCaptcha",
            "www.seine-maritime.gouv.fr/booking/create/28617/0?error=invalidCaptcha",
        ),
        ("https://rdv.anct.gouv.fr/prendre_rdv?x=1", "https://rdv.anct.gouv.fr/prendre_rdv?x=1"),
        (  # a phone's « www » read as « mww »
            "mww.seine-maritime.gouv.fr/booking/create/28617/1",
            "www.seine-maritime.gouv.fr/booking/create/28617/1",
        ),
        ("Voir www.service-public.fr/particuliers/vosdroits pour en savoir plus", None),
        ("www.seine-maritime.gouv.fr", None),  # a host alone is no address
    ],
)
def test_url_from_text_mends_ocr_slips(text: str, url: str | None) -> None:
    assert url_from_text(text) == url


def test_result_from_stored_text_classifies_again() -> None:
    text = (
        "www.seine-maritime.gouv.fr/booking/create/28617/1\n"
        f"{NO_SLOT_HEADING}\n{NO_SLOT_MESSAGE}\n\n10:06\n12/03/2025"
    )
    result = result_from_text(text)
    cls = result.classification
    assert (cls.system, cls.outcome, cls.rule) == ("ezbooking", "no_slot", "ezbooking.no_slot")
    assert result.clock == CLOCK


# --- the worker pool (no tesseract needed) ------------------------------------------------


def test_map_ordered_keeps_order_bounds_lookahead_and_returns_errors() -> None:
    lock = threading.Lock()
    state = {"running": 0, "peak": 0, "started": 0}

    def work(i: int) -> int:
        with lock:
            state["running"] += 1
            state["started"] += 1
            state["peak"] = max(state["peak"], state["running"])
        clock_time.sleep(0.002 * (7 - i % 7))
        with lock:
            state["running"] -= 1
        if i == 5:
            raise InputError("five")
        return i * i

    out = []
    for consumed, (item, result) in enumerate(map_ordered(work, iter(range(40)), workers=3), 1):
        # never more than 2 × workers started ahead of what was consumed
        assert state["started"] - consumed <= 6
        out.append((item, result))
    assert [i for i, _ in out] == list(range(40))
    assert isinstance(out[5][1], InputError)
    assert [r for i, r in out if i != 5] == [i * i for i in range(40) if i != 5]
    assert state["peak"] <= 3


def test_map_ordered_single_worker_runs_inline() -> None:
    assert list(map_ordered(str, [1, 2], workers=1)) == [(1, "1"), (2, "2")]


# --- availability --------------------------------------------------------------------------


@pytest.fixture
def fresh_availability():
    ocr_available.cache_clear()
    yield
    ocr_available.cache_clear()


@pytest.fixture
def no_library(monkeypatch) -> None:
    """As on a machine where tesseract's C library cannot be loaded."""
    from toolkit.classify import engine

    monkeypatch.setattr(engine, "capi_version", lambda: None)
    monkeypatch.setattr(engine, "_api", lambda: None)


def test_missing_pytesseract_says_how_to_install(
    monkeypatch, fresh_availability, no_library
) -> None:
    monkeypatch.setitem(__import__("sys").modules, "pytesseract", None)
    ok, reason = ocr_available()
    assert not ok
    assert "pytesseract is not installed" in reason
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in reason
    assert "pip install 'guichets[ocr]'" in reason
    with pytest.raises(MissingDependency, match="OCR unavailable: pytesseract"):
        ocr_image(Image.new("L", (10, 10)))


def test_missing_tesseract_program_says_how_to_install(
    monkeypatch, fresh_availability, no_library
) -> None:
    pytesseract = pytest.importorskip("pytesseract")
    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    ok, reason = ocr_available()
    assert not ok
    assert reason.startswith("the tesseract program was not found")
    assert "apt-get install tesseract-ocr tesseract-ocr-fra" in reason


# --- OCR on rendered screenshots ---------------------------------------------------------------


@cache
def _read(kind: str, phone: bool = False) -> ocr_mod.OcrResult:
    return read_screenshot(render_screenshot(kind, phone=phone))


@needs_tesseract
def test_available_names_version_and_languages() -> None:
    ok, detail = ocr_available()
    assert ok and detail.startswith(("libtesseract ", "tesseract ")) and "fra" in detail


@needs_tesseract
def test_the_program_reads_what_the_library_reads(no_library) -> None:
    """Where the C library cannot be loaded, the tesseract program is run instead."""
    result = read_screenshot(render_screenshot("no_slot"))
    assert result.classification.rule == "ezbooking.no_slot", result.text
    assert result.clock == CLOCK


@needs_tesseract
@pytest.mark.parametrize(
    ("kind", "outcome", "rule"),
    [
        ("no_slot", "no_slot", "ezbooking.no_slot"),
        ("captcha", "captcha", "captcha.invalid"),
        ("error", "error", "service.overloaded"),
    ],
)
def test_rendered_pages_are_classified(kind: str, outcome: str, rule: str) -> None:
    result = _read(kind)
    cls = result.classification
    assert (cls.system, cls.outcome, cls.rule) == ("ezbooking", outcome, rule), result.text
    assert cls.url == HOST + PAGES[kind][0]
    assert PAGES[kind][1] in result.text
    assert result.clock == CLOCK  # read off the taskbar


@needs_tesseract
def test_phone_page_is_classified_but_not_dated_by_its_status_bar() -> None:
    result = _read("no_slot", phone=True)
    assert result.classification.outcome == "no_slot", result.text
    assert "10:06" in result.text
    assert result.clock is None  # the time alone does not date a screenshot


@needs_tesseract
def test_ocr_image_returns_the_page_text() -> None:
    text = ocr_image(render_screenshot("error", clock=None, size=(900, 500)))
    assert "Service surchargé" in text


@needs_tesseract
def test_read_many_is_ordered_and_reports_failures() -> None:
    calls: list[tuple[int, int, str]] = []

    def load(kind: str) -> Image.Image:
        if kind == "broken":
            raise InputError("corrupt PNG image")
        return render_screenshot(kind, clock=None, size=(1000, 560))

    items = ["error", "broken", "no_slot"]
    got = list(read_many(items, load, workers=2, progress=lambda *a: calls.append(a)))
    assert [i for i, _ in got] == items
    assert isinstance(got[1][1], InputError)
    outcomes = [r.classification.outcome for _, r in got if isinstance(r, ocr_mod.OcrResult)]
    assert outcomes == ["error", "no_slot"]
    assert calls[0] == (0, 3, "") and calls[-1][:2] == (3, 3)
