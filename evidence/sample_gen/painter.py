"""Small drawing helpers over Pillow: cached DejaVu fonts, wrapped text, simple icons."""

from __future__ import annotations

import random
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from .common import FONT_BOLD, FONT_MONO, FONT_OBLIQUE, FONT_REGULAR

_FACES = {"regular": FONT_REGULAR, "bold": FONT_BOLD, "oblique": FONT_OBLIQUE, "mono": FONT_MONO}

BLACK = (22, 22, 22)
GREY = (102, 102, 102)
LIGHT = (221, 221, 221)
BLUE = (0, 0, 145)  # the State's "bleu France"
RED = (225, 0, 15)
WHITE = (255, 255, 255)


@cache
def font(size: int, face: str = "regular") -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(_FACES[face]), size)


class Painter:
    """An RGB image with a drawing context and text helpers."""

    def __init__(self, width: int, height: int, background: tuple[int, int, int] = WHITE):
        self.image = Image.new("RGB", (width, height), background)
        self.draw = ImageDraw.Draw(self.image)
        self.width, self.height = width, height

    def text(
        self,
        xy: tuple[float, float],
        text: str,
        size: int,
        face: str = "regular",
        fill: tuple[int, int, int] = BLACK,
        anchor: str = "la",
    ) -> float:
        """Draw one line; return its width."""
        f = font(size, face)
        self.draw.text(xy, text, font=f, fill=fill, anchor=anchor)
        return f.getlength(text)

    def fit(
        self, text: str, size: int, width: float, face: str = "regular", min_size: int = 10
    ) -> int:
        """The largest size <= size at which text fits in width."""
        while size > min_size and font(size, face).getlength(text) > width:
            size -= 1
        return size

    def ellipsize(self, text: str, size: int, width: float, face: str = "regular") -> str:
        f = font(size, face)
        if f.getlength(text) <= width:
            return text
        while text and f.getlength(text + "…") > width:
            text = text[:-1]
        return text.rstrip() + "…"

    def wrap(self, text: str, size: int, width: float, face: str = "regular") -> list[str]:
        f = font(size, face)
        lines: list[str] = []
        line = ""
        for word in text.split(" "):
            candidate = f"{line} {word}" if line else word
            if f.getlength(candidate) <= width or not line:
                line = candidate
            else:
                lines.append(line)
                line = word
        if line:
            lines.append(line)
        return lines

    def paragraph(
        self,
        x: float,
        y: float,
        text: str,
        size: int,
        width: float,
        face: str = "regular",
        fill: tuple[int, int, int] = BLACK,
        leading: float = 1.45,
    ) -> float:
        """Draw wrapped text from (x, y); return the y below the last line."""
        for line in self.wrap(text, size, width, face):
            self.text((x, y), line, size, face, fill)
            y += size * leading
        return y

    def noise(self, r: random.Random, lines: int) -> None:
        """Grey strokes across the image, as captcha images have."""
        for _ in range(lines):
            self.draw.line(
                (r.randint(0, self.width), r.randint(0, self.height),
                 r.randint(0, self.width), r.randint(0, self.height)),
                fill=(r.randint(120, 190),) * 3,
                width=2,
            )  # fmt: skip

    # --- icons -----------------------------------------------------------------
    def lock(self, x: float, y: float, s: float, fill: tuple[int, int, int] = GREY) -> None:
        """A padlock whose top-left corner is (x, y), about s pixels high."""
        w = s * 0.7
        self.draw.arc(
            (x + w * 0.18, y, x + w * 0.82, y + s * 0.7),
            180,
            360,
            fill=fill,
            width=max(2, round(s / 9)),
        )
        self.draw.line(
            (x + w * 0.18, y + s * 0.35, x + w * 0.18, y + s * 0.45),
            fill=fill,
            width=max(2, round(s / 9)),
        )
        self.draw.line(
            (x + w * 0.82, y + s * 0.35, x + w * 0.82, y + s * 0.45),
            fill=fill,
            width=max(2, round(s / 9)),
        )
        self.draw.rounded_rectangle((x, y + s * 0.42, x + w, y + s), radius=s / 10, fill=fill)

    def marianne(self, x: float, y: float, scale: float) -> float:
        """The State's block: RÉPUBLIQUE / FRANÇAISE and the motto; return its width."""
        self.draw.rectangle((x, y, x + 12 * scale, y + 8 * scale), fill=BLUE)
        self.draw.rectangle((x + 12 * scale, y, x + 24 * scale, y + 8 * scale), fill=LIGHT)
        self.draw.rectangle((x + 24 * scale, y, x + 36 * scale, y + 8 * scale), fill=RED)
        big, small = round(15 * scale), round(11 * scale)
        yy = y + 14 * scale
        w1 = self.text((x, yy), "RÉPUBLIQUE", big, "bold")
        yy += big * 1.15
        w2 = self.text((x, yy), "FRANÇAISE", big, "bold")
        yy += big * 1.5
        for word in ("Liberté", "Égalité", "Fraternité"):
            self.text((x, yy), word, small, "oblique")
            yy += small * 1.2
        return max(w1, w2)

    def hamburger(self, x: float, y: float, w: float, fill: tuple[int, int, int] = BLACK) -> None:
        t = max(2, round(w / 8))
        for i in range(3):
            yy = y + i * w * 0.38
            self.draw.rectangle((x, yy, x + w, yy + t), fill=fill)

    def dots(self, x: float, y: float, s: float, fill: tuple[int, int, int] = GREY) -> None:
        """A vertical 'more' menu (three dots)."""
        r = s / 9
        for i in range(3):
            cy = y + s * (0.2 + 0.3 * i)
            self.draw.ellipse((x - r, cy - r, x + r, cy + r), fill=fill)
