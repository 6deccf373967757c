"""Screenshots of every booking page type (``booking_pages.PAGES``) in a desktop or phone browser.

Desktop: 1366×768, Chrome's tab strip and address bar above the page, a Windows taskbar
whose clock shows ``HH:MM`` over ``dd/mm/yyyy`` at the bottom right. Phone: 1080×2280,
Android's status bar (time only), Chrome's address bar, the page in large type; with
``page_date`` the page shows « Demande de rendez-vous du dd/mm/yyyy » as ezbooking's
mobile pages do. Used by the classifier and ingest tests and by ``bench/bench_ocr.py``.
"""

from __future__ import annotations

from datetime import datetime

from PIL import Image, ImageDraw, ImageFilter

from .booking_pages import PAGES, Page
from .common import PREF_NAME, rng
from .painter import BLACK, BLUE, GREY, LIGHT, RED, WHITE, Painter, font

DESKTOP = (1366, 768)
PHONE = (1080, 2280)
GREEN = (24, 117, 60)
PALE = (246, 246, 246)


def _captcha(text: str, seed: str, scale: float) -> Image.Image:
    """A distorted code (or a sum) on a noisy ground, as captcha images are."""
    r = rng(f"booking-captcha:{seed}")
    shown = text if text != "code" else "".join(r.choice("ACDEFHJKMNPRTUVXY3479") for _ in range(6))
    w, h = round((32 + 42 * len(shown)) * scale), round(86 * scale)
    sub = Painter(w, h, (236, 240, 246))
    sub.noise(r, 12)
    x = round(16 * scale)
    for ch in shown:
        glyph = Image.new("L", (round(60 * scale), round(72 * scale)), 0)
        ImageDraw.Draw(glyph).text(
            (round(8 * scale), round(4 * scale)), ch, font=font(round(46 * scale), "bold"), fill=255
        )
        glyph = glyph.rotate(r.uniform(-25, 25), resample=Image.Resampling.BICUBIC)
        sub.image.paste((r.randint(20, 90), r.randint(30, 90), r.randint(90, 150)), (x, 0), glyph)
        x += round((30 if ch == " " else 42) * scale)
    return sub.image.filter(ImageFilter.GaussianBlur(0.6))


class _Body:
    """Draws a page's blocks top-down in a column."""

    def __init__(self, p: Painter, x: int, y: int, width: int, k: float, seed: str) -> None:
        self.p, self.x, self.y, self.width, self.k, self.seed = p, x, y, width, k, seed

    def s(self, size: float) -> int:
        return round(size * self.k)

    def block(self, kind: str, value: object) -> None:
        p, x, k = self.p, self.x, self.k
        if kind in ("h1", "h2"):
            size = self.s(30 if kind == "h1" else 22)
            self.y = int(p.paragraph(x, self.y, str(value), size, self.width, "bold", leading=1.3))
            self.y += self.s(8)
        elif kind in ("p", "small"):
            size, fill = (self.s(18), BLACK) if kind == "p" else (self.s(14), GREY)
            self.y = int(p.paragraph(x, self.y, str(value), size, self.width, fill=fill)) + self.s(
                8
            )
        elif kind in ("box", "alert"):
            pad, size = self.s(22), self.s(19)
            lines = p.wrap(str(value), size, self.width - 2 * pad)
            bottom = self.y + 2 * pad + len(lines) * size * 1.45
            fill, edge = (PALE, (200, 200, 200)) if kind == "box" else ((253, 236, 234), RED)
            p.draw.rectangle((x, self.y, x + self.width, bottom), fill=fill, outline=edge, width=2)
            p.paragraph(x + pad, self.y + pad, str(value), size, self.width - 2 * pad)
            self.y = int(bottom) + self.s(18)
        elif kind == "button":
            size = self.s(18)
            w = font(size, "bold").getlength(str(value)) + self.s(40)
            p.draw.rectangle((x, self.y, x + w, self.y + self.s(46)), fill=BLUE)
            p.text((x + w / 2, self.y + self.s(23)), str(value), size, "bold", WHITE, "mm")
            self.y += self.s(66)
        elif kind == "radios":
            for label in value:  # type: ignore[attr-defined]
                r = self.s(9)
                cy = self.y + self.s(12)
                p.draw.ellipse((x, cy - r, x + 2 * r, cy + r), outline=BLACK, width=2)
                p.text((x + self.s(32), self.y), label, self.s(18))
                self.y += self.s(40)
            self.y += self.s(10)
        elif kind == "times":
            cx = x
            for label in value:  # type: ignore[attr-defined]
                w = font(self.s(18)).getlength(label) + self.s(36)
                if cx + w > x + self.width:
                    cx, self.y = x, self.y + self.s(62)
                p.draw.rounded_rectangle(
                    (cx, self.y, cx + w, self.y + self.s(46)), radius=6, outline=BLUE, width=2
                )
                p.text((cx + w / 2, self.y + self.s(23)), label, self.s(18), fill=BLUE, anchor="mm")
                cx += w + self.s(16)
            self.y += self.s(72)
        elif kind == "table":
            self._table(value)  # type: ignore[arg-type]
        elif kind == "calendar":
            self._calendar(str(value))
        elif kind == "captcha":
            img = _captcha(str(value), self.seed, k)
            p.image.paste(img, (x, self.y))
            p.text((x + img.width + self.s(20), self.y + self.s(8)), "Générer une nouvelle image",
                   self.s(15), fill=BLUE)  # fmt: skip
            self.y += img.height + self.s(20)
        elif kind == "recaptcha":
            w, h = self.s(300), self.s(76)
            p.draw.rectangle((x, self.y, x + w, self.y + h), fill=(249, 249, 249), outline=LIGHT)
            box = self.s(26)
            top = self.y + (h - box) // 2
            p.draw.rectangle((x + self.s(14), top, x + self.s(14) + box, top + box), outline=GREY,
                             width=2)  # fmt: skip
            p.text((x + self.s(54), self.y + h / 2), str(value), self.s(16), anchor="lm")
            p.text((x + w - self.s(10), self.y + h - self.s(8)), "reCAPTCHA", self.s(10),
                   fill=GREY, anchor="rb")  # fmt: skip
            self.y += h + self.s(24)
        elif kind == "input":
            p.text((x, self.y), str(value), self.s(16), fill=GREY)
            self.y += self.s(24)
            p.draw.rectangle(
                (x, self.y, x + self.s(300), self.y + self.s(42)), outline=GREY, width=2
            )
            self.y += self.s(60)
        else:
            raise ValueError(f"unknown block {kind!r}")

    def _table(self, rows: tuple[tuple[str, ...], ...]) -> None:
        p, k = self.p, self.k
        col = min(self.s(150), self.width // (len(rows[0]) + 1))
        head, *body = rows
        for i, label in enumerate(("", *head)):
            p.text((self.x + i * col, self.y), label, self.s(15), "bold")
        self.y += self.s(34)
        for row in body:
            for i, cell in enumerate(row):
                free = cell == "libre"
                cx = self.x + i * col
                if i:
                    p.draw.rectangle((cx, self.y - self.s(6), cx + col - self.s(8), self.y + self.s(28)),
                                     fill=(220, 240, 226) if free else (236, 236, 236))  # fmt: skip
                p.text((cx + self.s(8), self.y), cell, self.s(15), fill=GREEN if free else GREY)
            self.y += self.s(44)
        self.y += int(10 * k)

    def _calendar(self, month: str) -> None:
        p = self.p
        p.text((self.x, self.y), f"‹  {month}  ›", self.s(18), "bold")
        self.y += self.s(40)
        col = self.s(50)
        for i, day in enumerate(("Lu", "Ma", "Me", "Je", "Ve", "Sa", "Di")):
            p.text((self.x + i * col, self.y), day, self.s(15), "bold", GREY)
        self.y += self.s(32)
        bookable = {12, 13, 17, 19, 24}
        day, start = 1, 5  # 1 March 2025 was a Saturday
        for week in range(6):
            for wd in range(7):
                if (week == 0 and wd < start) or day > 31:
                    continue
                cx = self.x + wd * col
                if day in bookable:
                    p.draw.rectangle((cx - self.s(6), self.y - self.s(5), cx + self.s(34),
                                      self.y + self.s(25)), fill=(0, 99, 203))  # fmt: skip
                p.text((cx, self.y), str(day), self.s(15), "bold" if day in bookable else "regular",
                       WHITE if day in bookable else (170, 170, 170))  # fmt: skip
                day += 1
            self.y += self.s(36)
        self.y += self.s(10)


def _header(p: Painter, page: Page, x: int, y: int, k: float) -> int:
    """The site's banner; returns the y where the content starts."""
    s = lambda v: round(v * k)  # noqa: E731
    if page.site == "bare":
        return y + s(30)
    p.draw.rectangle((x, y, x + s(48), y + s(34)), fill=BLUE)
    p.text((x + s(60), y + s(8)), "RÉPUBLIQUE FRANÇAISE", s(13), "bold")
    name = {
        "prefecture": PREF_NAME,
        "rdvpref": "RDV Préfecture",
        "eappointment": "Préfecture du Val-de-Marne - Prise de rendez-vous",
        "anef": "Administration numérique pour les étrangers en France",
    }[page.site]
    y = int(p.paragraph(x, y + s(50), name, s(22), p.width - x - s(40), "bold")) + s(4)
    p.draw.line((0, y + s(8), p.width, y + s(8)), fill=LIGHT, width=1)
    return y + s(30)


def desktop(page: Page, when: datetime | None, seed: str) -> Image.Image:
    p = Painter(*DESKTOP)
    w, h = DESKTOP
    p.draw.rectangle((0, 0, w, 40), fill=(222, 225, 230))
    p.draw.rounded_rectangle((8, 6, 290, 46), radius=8, fill=WHITE)
    p.text((22, 15), p.ellipsize(page.title, 13, 250), 13)
    for i, glyph in enumerate(("←", "→", "↻")):
        p.text((16 + 30 * i, 50), glyph, 18, fill=GREY)
    p.draw.rounded_rectangle((110, 46, w - 110, 76), radius=15, fill=(241, 243, 244))
    p.text((136, 51), p.ellipsize(page.url.split("://", 1)[1], 16, w - 270), 16)
    p.draw.line((0, 82, w, 82), fill=(215, 215, 215))
    body = _Body(p, 150, _header(p, page, 150, 100, 1.0), 900, 1.0, seed)
    for kind, value in page.blocks:
        body.block(kind, value)
    bar = h - 44
    p.draw.rectangle((0, bar, w, h), fill=(238, 240, 244))
    p.draw.line((0, bar, w, bar), fill=(200, 200, 205))
    for i in range(5):
        x0 = w // 2 - 120 + 48 * i
        p.draw.rounded_rectangle((x0, bar + 10, x0 + 24, bar + 34), radius=5, fill=(70, 130, 200))
    if when is not None:
        p.text((w - 14, bar + 4), f"{when:%H:%M}", 15, anchor="ra")
        p.text((w - 14, bar + 23), f"{when:%d/%m/%Y}", 15, anchor="ra")
    return p.image


def phone(page: Page, when: datetime | None, seed: str, *, page_date: bool) -> Image.Image:
    p = Painter(*PHONE)
    w, _ = PHONE
    if when is not None:
        p.text((48, 22), f"{when:%H:%M}", 38)
    p.draw.rounded_rectangle((930, 26, 990, 56), radius=5, outline=BLACK, width=3)
    p.draw.rounded_rectangle((28, 100, w - 28, 200), radius=50, fill=(241, 243, 244))
    url = page.url.split("://", 1)[1]
    p.text((80, 150), url, p.fit(url, 34, w - 140, min_size=24), anchor="lm")
    p.draw.line((0, 230, w, 230), fill=LIGHT, width=2)
    k = 2.2
    y = _header(p, page, 48, 270, k)
    if page_date and when is not None:
        p.text((48, y), f"Demande de rendez-vous du {when:%d/%m/%Y}", 36, fill=GREY)
        y += 80
    body = _Body(p, 48, y, w - 96, k, seed)
    for kind, value in page.blocks:
        body.block(kind, value)
    return p.image


def render(
    kind: str,
    *,
    device: str = "desktop",
    when: datetime | None = None,
    seed: str = "",
    page_date: bool = False,
) -> Image.Image:
    """A screenshot of page ``kind`` (a key of ``PAGES``) on ``device`` (desktop or phone).

    ``when``: the time the device clock shows (None: no clock visible).
    """
    page = PAGES[kind]
    if device == "phone":
        return phone(page, when, seed or kind, page_date=page_date)
    return desktop(page, when, seed or kind)
