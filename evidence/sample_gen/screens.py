"""Draw believable browser screenshots: a desktop Chrome window above a Windows taskbar,
or a phone with Chrome for Android, showing one of three préfecture pages.

Pages: ``no_slot`` (ezbooking « Vérification de disponibilité »), ``captcha`` (a
CaptchEtat-like image check) and ``error`` (the load balancer's « Service surchargé »).
Text is black on white, body 18 px on desktop and 40 px or more on the phone, so
tesseract reads it.
"""

from __future__ import annotations

from datetime import datetime

from PIL import Image, ImageDraw, ImageFilter

from .common import NO_SLOT_HEADING, NO_SLOT_MESSAGE, PREF_NAME, rng
from .painter import BLACK, BLUE, GREY, LIGHT, WHITE, Painter, font

DESKTOP = (1280, 800)
PHONE = (1080, 2200)

SUBTITLE = "Titres de séjour – Renouvellement (Rouen)"
CAPTCHA_PROMPT = "Veuillez saisir les caractères de l'image"
OVERLOAD_TITLE = "Service surchargé"
OVERLOAD_TEXT = (
    "Le service de prise de rendez-vous reçoit actuellement trop de demandes. "
    "Veuillez réessayer dans quelques minutes."
)

TAB_TITLES = {
    "no_slot": "Prise de rendez-vous - Les services de l'État en Seine-Maritime",
    "captcha": "Prise de rendez-vous - Les services de l'État en Seine-Maritime",
    "error": "Service surchargé",
}


# --- page bodies --------------------------------------------------------------------


def _site_header_desktop(p: Painter, top: int) -> int:
    """Préfecture site header and menu; return the y where the content starts."""
    p.marianne(40, top + 14, 1.0)
    p.draw.line((170, top + 18, 170, top + 92), fill=LIGHT, width=1)
    p.text((192, top + 26), PREF_NAME, 26, "bold")
    p.text((192, top + 64), "Les services de l'État en Seine-Maritime", 16, fill=GREY)
    p.draw.rounded_rectangle((990, top + 38, 1240, top + 76), radius=4, outline=LIGHT, width=2)
    p.text((1004, top + 47), "Rechercher", 16, fill=GREY)
    nav_top = top + 112
    p.draw.line((0, nav_top, p.width, nav_top), fill=LIGHT, width=1)
    x: float = 40
    for item in (
        "Actualités",
        "Politiques publiques",
        "Démarches administratives",
        "Services de l'État",
        "Publications",
    ):
        x += p.text((x, nav_top + 13), item, 16) + 36
    p.draw.line((0, nav_top + 46, p.width, nav_top + 46), fill=LIGHT, width=1)
    p.text(
        (140, nav_top + 62),
        "Accueil  >  Démarches administratives  >  Prise de rendez-vous",
        14,
        fill=GREY,
    )
    return nav_top + 100


def _no_slot_desktop(p: Painter, top: int) -> None:
    y = _site_header_desktop(p, top)
    p.text((140, y), NO_SLOT_HEADING, 30, "bold")
    p.text((140, y + 50), SUBTITLE, 18, fill=GREY)
    box_top = y + 96
    p.draw.rectangle(
        (140, box_top, 1140, box_top + 190), fill=(246, 246, 246), outline=(200, 200, 200)
    )
    yy = p.paragraph(168, box_top + 28, NO_SLOT_MESSAGE, 20, 940)
    p.draw.rectangle((168, yy + 22, 290, yy + 66), fill=BLUE)
    p.text((229, yy + 44), "Terminer", 18, "bold", WHITE, anchor="mm")
    p.text(
        (140, box_top + 214),
        "Les rendez-vous sont ouverts au fur et à mesure des disponibilités des guichets.",
        16,
        fill=GREY,
    )


def _captcha_image(seed: str, w: int = 290, h: int = 84) -> Image.Image:
    """A distorted six-character code on a noisy background."""
    r = rng(f"captcha:{seed}")
    sub = Painter(w, h, (236, 240, 246))
    sub.noise(r, 14)
    code = "".join(r.choice("ACDEFHJKMNPRTUVWXY34679") for _ in range(6))
    cx = 18
    for ch in code:
        glyph = Image.new("L", (60, 70), 0)
        ImageDraw.Draw(glyph).text((10, 4), ch, font=font(46, "bold"), fill=255)
        glyph = glyph.rotate(r.uniform(-28, 28), resample=Image.Resampling.BICUBIC)
        sub.image.paste(
            (r.randint(20, 80), r.randint(30, 90), r.randint(90, 150)),
            (cx, r.randint(-4, 10)),
            glyph,
        )
        cx += 42
    return sub.image.filter(ImageFilter.GaussianBlur(0.6))


def _captcha_desktop(p: Painter, top: int, seed: str) -> None:
    y = _site_header_desktop(p, top)
    p.text((140, y), "Prise de rendez-vous", 30, "bold")
    p.text((140, y + 50), SUBTITLE, 18, fill=GREY)
    box_top = y + 96
    p.draw.rectangle(
        (140, box_top, 1140, box_top + 250), fill=(246, 246, 246), outline=(200, 200, 200)
    )
    p.text((168, box_top + 24), CAPTCHA_PROMPT, 20, "bold")
    p.image.paste(_captcha_image(seed), (168, box_top + 66))
    p.text((480, box_top + 72), "Générer une nouvelle image", 16, fill=BLUE)
    p.text((480, box_top + 102), "Écouter le code", 16, fill=BLUE)
    p.text((480, box_top + 132), "Service CaptchEtat", 14, fill=GREY)
    p.draw.rectangle((168, box_top + 172, 458, box_top + 216), fill=WHITE, outline=GREY, width=2)
    p.draw.rectangle((480, box_top + 172, 600, box_top + 216), fill=BLUE)
    p.text((540, box_top + 194), "Suivant", 18, "bold", WHITE, anchor="mm")


def _overload_desktop(p: Painter, top: int) -> None:
    p.text((60, top + 60), OVERLOAD_TITLE, 34, "bold")
    y = p.paragraph(60, top + 130, OVERLOAD_TEXT, 20, 900)
    p.text((60, y + 30), "Erreur 503 – Service Unavailable", 16, fill=GREY)


FOOTER_LINKS = ("legifrance.gouv.fr", "gouvernement.fr", "service-public.fr", "data.gouv.fr")
FOOTER_LEGAL = (
    "Plan du site",
    "Accessibilité : non conforme",
    "Mentions légales",
    "Données personnelles",
    "Gestion des cookies",
)


def _footer_desktop(p: Painter, top: int) -> None:
    p.draw.line((0, top, p.width, top), fill=BLUE, width=2)
    x: float = 40
    for link in FOOTER_LINKS:
        x += p.text((x, top + 18), link, 14, "bold") + 28
    x = 40
    for item in FOOTER_LEGAL:
        x += p.text((x, top + 48), item, 13, fill=GREY) + 22


def _footer_phone(p: Painter, top: int) -> None:
    p.draw.line((0, top, p.width, top), fill=BLUE, width=4)
    y: float = top + 40
    for link in FOOTER_LINKS[:3]:
        p.text((48, y), link, 30, "bold")
        y += 52
    y += 16
    for item in FOOTER_LEGAL[:3]:
        p.text((48, y), item, 28, fill=GREY)
        y += 46


def _site_header_phone(p: Painter, top: int) -> int:
    p.marianne(48, top + 34, 2.2)
    p.hamburger(960, top + 70, 64)
    p.text((990, top + 150), "Menu", 28, anchor="ma")
    y: float = top + 250
    p.draw.line((0, y, p.width, y), fill=LIGHT, width=2)
    y = p.paragraph(48, y + 36, PREF_NAME, 48, 984, "bold", leading=1.3)
    p.text((48, y + 8), "Accueil  >  Démarches  >  Rendez-vous", 30, fill=GREY)
    return int(y + 90)


def _date_line_phone(p: Painter, y: int, when: datetime) -> int:
    p.text((48, y), f"Demande de rendez-vous du {when:%d/%m/%Y}", 36, fill=GREY)
    return y + 80


def _no_slot_phone(p: Painter, top: int, when: datetime) -> None:
    y = _site_header_phone(p, top)
    y = int(p.paragraph(48, y, NO_SLOT_HEADING, 64, 984, "bold", leading=1.25)) + 16
    y = int(p.paragraph(48, y, SUBTITLE, 36, 984, fill=GREY)) + 24
    y = _date_line_phone(p, y, when)
    box_top = y
    body_end = p.paragraph(84, box_top + 48, NO_SLOT_MESSAGE, 44, 912, leading=1.4)
    p.draw.rectangle(
        (48, box_top, 1032, body_end + 190), fill=(246, 246, 246), outline=(200, 200, 200), width=2
    )
    p.paragraph(84, box_top + 48, NO_SLOT_MESSAGE, 44, 912, leading=1.4)
    p.draw.rectangle((84, body_end + 50, 404, body_end + 150), fill=BLUE)
    p.text((244, body_end + 100), "Terminer", 40, "bold", WHITE, anchor="mm")
    p.paragraph(
        48,
        body_end + 250,
        "Les rendez-vous sont ouverts au fur et à mesure des disponibilités des guichets.",
        32,
        984,
        fill=GREY,
    )


def _captcha_phone(p: Painter, top: int, when: datetime, seed: str) -> None:
    y = _site_header_phone(p, top)
    y = int(p.paragraph(48, y, "Prise de rendez-vous", 64, 984, "bold")) + 16
    y = _date_line_phone(p, y, when)
    p.draw.rectangle((48, y, 1032, y + 760), fill=(246, 246, 246), outline=(200, 200, 200), width=2)
    yy = p.paragraph(84, y + 48, CAPTCHA_PROMPT, 44, 912, "bold")
    big = _captcha_image(seed).resize((580, 168), Image.Resampling.BICUBIC)
    p.image.paste(big, (84, int(yy) + 24))
    yy += 230
    p.text((84, yy), "Générer une nouvelle image", 36, fill=BLUE)
    p.draw.rectangle((84, yy + 80, 996, yy + 180), fill=WHITE, outline=GREY, width=3)
    p.draw.rectangle((84, yy + 220, 404, yy + 320), fill=BLUE)
    p.text((244, yy + 270), "Suivant", 40, "bold", WHITE, anchor="mm")


def _overload_phone(p: Painter, top: int, when: datetime) -> None:
    p.text((48, top + 120), OVERLOAD_TITLE, 64, "bold")
    y = p.paragraph(48, top + 260, OVERLOAD_TEXT, 44, 984)
    p.text((48, y + 40), "Erreur 503", 34, fill=GREY)


# --- browser frames -----------------------------------------------------------------


def desktop(kind: str, url: str, when: datetime, seed: str) -> Image.Image:
    """A 1280×800 desktop screenshot: Chrome window and a Windows 11 taskbar."""
    p = Painter(*DESKTOP)
    # tab strip
    p.draw.rectangle((0, 0, p.width, 40), fill=(222, 225, 230))
    p.draw.rounded_rectangle((8, 6, 268, 46), radius=9, fill=WHITE)
    p.draw.rectangle((20, 16, 36, 32), fill=BLUE)
    p.text((46, 14), p.ellipsize(TAB_TITLES[kind], 13, 190), 13)
    p.text((252, 13), "×", 14, fill=GREY)
    p.text((290, 14), "Nouvel onglet", 13, fill=GREY)
    p.text((430, 10), "+", 18, fill=GREY)
    for i, glyph in enumerate(("–", "□", "×")):
        p.text((1150 + i * 46, 10), glyph, 16, fill=BLACK)
    # toolbar and address bar
    p.draw.rectangle((0, 40, p.width, 86), fill=WHITE)
    for i, glyph in enumerate(("←", "→", "↻")):
        p.text((18 + i * 36, 51), glyph, 20, fill=GREY if i == 1 else BLACK)
    p.draw.rounded_rectangle((130, 47, 1150, 79), radius=16, fill=(241, 243, 244))
    p.lock(146, 54, 18)
    p.text((170, 52), url, 18)
    p.text((1124, 51), "☆", 18, fill=GREY)
    p.draw.ellipse((1176, 50, 1202, 76), fill=(90, 140, 90))
    p.text((1189, 63), "N", 14, "bold", WHITE, anchor="mm")
    p.dots(1240, 50, 26)
    p.draw.line((0, 86, p.width, 86), fill=LIGHT, width=1)
    # page
    if kind == "no_slot":
        _no_slot_desktop(p, 87)
    elif kind == "captcha":
        _captcha_desktop(p, 87, seed)
    else:
        _overload_desktop(p, 87)
    if kind != "error":  # the load balancer's page has no site chrome
        _footer_desktop(p, 672)
    # taskbar
    p.draw.rectangle((0, 752, p.width, p.height), fill=(238, 240, 244))
    p.draw.line((0, 752, p.width, 752), fill=(200, 200, 205), width=1)
    x0 = 520
    for i, color in enumerate(
        ((0, 120, 212), (90, 90, 90), (0, 150, 120), (235, 180, 40), (0, 100, 180))
    ):
        x = x0 + i * 48
        if i == 0:
            for dx, dy in ((0, 0), (11, 0), (0, 11), (11, 11)):
                p.draw.rectangle((x + 4 + dx, 764 + dy, x + 13 + dx, 773 + dy), fill=color)
        else:
            p.draw.rounded_rectangle((x + 2, 764, x + 26, 786), radius=5, fill=color)
    p.text((1030, 767), "^", 16, fill=GREY)
    p.text((1056, 766), "FRA", 14)
    for r in (4, 9, 14):  # wifi
        p.draw.arc((1112 - r, 784 - r, 1112 + r, 784 + r), 225, 315, fill=BLACK, width=2)
    p.text((1136, 764), "◀)", 14)
    p.text((1262, 756), f"{when:%H:%M}", 16, anchor="ra")
    p.text((1262, 777), f"{when:%d/%m/%Y}", 16, anchor="ra")
    return p.image


def phone(kind: str, url: str, when: datetime, seed: str) -> Image.Image:
    """A 1080×2200 phone screenshot: Android status bar, Chrome's address bar, the page."""
    p = Painter(*PHONE)
    battery = rng(f"battery:{seed}").randint(18, 97)
    # status bar
    p.text((48, 22), f"{when:%H:%M}", 38)
    for i in range(4):
        h = 10 + i * 7
        p.draw.rectangle((860 + i * 14, 56 - h, 869 + i * 14, 56), fill=BLACK)
    p.draw.rounded_rectangle((930, 26, 990, 56), radius=5, outline=BLACK, width=3)
    p.draw.rectangle((936, 32, 936 + round(38 * battery / 100), 50), fill=BLACK)
    p.text((1000, 22), f"{battery}%", 30)
    # Chrome toolbar
    p.draw.rectangle((0, 84, p.width, 236), fill=WHITE)
    p.draw.rounded_rectangle((28, 108, 1052, 212), radius=52, fill=(241, 243, 244))
    p.lock(56, 138, 44)
    size = p.fit(url, 32, 920, min_size=24)
    p.text((106, 160), url, size, anchor="lm")
    p.draw.line((0, 236, p.width, 236), fill=LIGHT, width=2)
    # page
    if kind == "no_slot":
        _no_slot_phone(p, 237, when)
    elif kind == "captcha":
        _captcha_phone(p, 237, when, seed)
    else:
        _overload_phone(p, 237, when)
    if kind != "error":
        _footer_phone(p, 1760)
    # gesture navigation bar
    p.draw.rectangle((0, 2110, p.width, p.height), fill=(248, 248, 248))
    p.draw.rounded_rectangle((400, 2150, 680, 2162), radius=6, fill=(60, 60, 60))
    return p.image
