"""The applicant's screenshots and the log she kept beside them.

``PLAN`` is the single source of truth: every file's name, device, intended local time,
outcome and where an ingester must find its time (file name, the log, a PNG text chunk
or EXIF). README.md reproduces it as a table; tests may assert on it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from PIL import Image, PngImagePlugin

from . import screens
from .common import EZ_URL, EZ_URL_START, paris, write_bytes

NNBSP = "\u202f"


@dataclass(frozen=True)
class Shot:
    name: str
    when: datetime  # local time shown by the rendered clock (Europe/Paris)
    device: str  # "desktop" or "phone"
    outcome: str  # no_slot, captcha, error
    time_from: str  # filename, log, png_meta, exif
    logged: bool  # listed in journal-captures.csv
    note: str = ""

    @property
    def url(self) -> str:
        return EZ_URL_START if self.outcome == "captcha" else EZ_URL


def _name(convention: str, w: datetime) -> str:
    """The file name a device gives a screenshot taken at local time w."""
    d, t = w.strftime("%Y-%m-%d"), w.strftime("%H.%M.%S")
    return {
        "android": f"Screenshot_{w:%Y%m%d-%H%M%S}.png",
        "android-chrome": f"Screenshot_{w:%Y%m%d-%H%M%S}_Chrome.jpg",
        "android-chrome-webp": f"Screenshot_{w:%Y%m%d-%H%M%S}_Chrome.webp",
        "macos-fr": f"Capture d’écran {d} à {t}.png",
        "macos-fr-nnbsp": f"Capture d’écran {d}{NNBSP}à {t}.png",
        "macos-en": f"Screenshot {d} at {t}.png",
        "windows-fr": f"Capture d'écran {d} {w:%H%M%S}.png",
        "gnome-fr": f"Capture d’écran du {d} {w:%H-%M-%S}.png",
        "gnome-en": f"Screenshot from {d} {w:%H-%M-%S}.png",
    }[convention]


def _shot(
    convention: str,
    when: tuple[int, ...],
    outcome: str = "no_slot",
    *,
    logged: bool = False,
    note: str = "",
) -> Shot:
    w = paris(2025, *when)
    device = "phone" if convention.startswith("android") else "desktop"
    return Shot(_name(convention, w), w, device, outcome, "filename", logged, note)


def _named(name: str, when: tuple[int, ...], device: str, time_from: str, note: str = "") -> Shot:
    w = paris(2025, *when)
    return Shot(name, w, device, "no_slot", time_from, time_from == "log", note)


PLAN: tuple[Shot, ...] = (
    # ISO week 9
    _shot("android", (2, 24, 7, 15, 12), logged=True, note="avant le travail"),
    _shot("macos-fr", (2, 24, 12, 40, 33)),
    _shot("android-chrome", (2, 26, 8, 3, 47)),
    _shot("windows-fr", (2, 26, 19, 20, 44)),
    _named("rdv prefecture.png", (2, 27, 13, 5), "desktop", "log", "pause déjeuner"),
    _shot("gnome-fr", (2, 27, 21, 48, 59)),
    _shot("macos-en", (2, 28, 9, 30, 12), logged=True),
    # week 10
    _shot("android", (3, 3, 7, 2, 41)),
    _shot(
        "windows-fr",
        (3, 3, 14, 1, 27),
        logged=True,
        note="à l'heure annoncée des nouvelles plages (14 h)",
    ),
    _shot("macos-fr-nnbsp", (3, 4, 12, 31, 7)),
    _shot("android-chrome", (3, 6, 6, 55, 20), logged=True),
    _shot("windows-fr", (3, 6, 10, 6, 38)),
    _shot("macos-en", (3, 7, 18, 44, 2)),
    _named("IMG_4821.PNG", (3, 7, 23, 37), "phone", "log", "essai de nuit"),
    # week 11
    _shot("windows-fr", (3, 10, 9, 30, 12)),
    _shot("android", (3, 10, 14, 0, 48), "captcha", logged=True, note="code de sécurité demandé"),
    _shot("macos-fr", (3, 12, 12, 16, 5)),
    _shot("gnome-fr", (3, 12, 22, 5, 41)),
    _shot("android-chrome", (3, 13, 8, 10, 26)),
    _shot("windows-fr", (3, 13, 14, 3, 9), "error", logged=True, note="Service surchargé"),
    _shot("gnome-en", (3, 14, 13, 2, 11), logged=True),
    # week 12
    _named("Sans titre.png", (3, 17, 7, 41), "desktop", "log"),
    _named("ecran-prefecture.png", (3, 18, 8, 15, 30), "desktop", "png_meta"),
    _shot("macos-en", (3, 18, 19, 50, 14)),
    _shot("android-chrome-webp", (3, 19, 12, 44, 3), logged=True, note="envoyé par messagerie"),
    _shot("gnome-fr", (3, 20, 6, 48, 37)),
    _shot("windows-fr", (3, 20, 17, 29, 52)),
    _shot("macos-fr-nnbsp", (3, 21, 10, 12, 40)),
    _named("rdv prefecture (2).png", (3, 22, 1, 12), "desktop", "log", "essai de nuit"),
    # week 13 (summer time from Sunday 30 March, 03:00)
    _shot("android", (3, 24, 7, 31, 45)),
    _shot(
        "macos-en",
        (3, 24, 14, 0, 37),
        logged=True,
        note="à l'heure annoncée des nouvelles plages (14 h)",
    ),
    _named("IMG_5133.JPG", (3, 25, 12, 58, 20), "phone", "exif"),
    _shot("windows-fr", (3, 26, 8, 55, 2), logged=True),
    _shot("gnome-en", (3, 27, 14, 4, 11)),
    _named("tentative-rdv-soir.png", (3, 28, 21, 6, 33), "desktop", "png_meta"),
    _shot("macos-fr", (3, 30, 9, 14, 27), logged=True, note="heure d'été"),
    # week 14
    _shot("windows-fr", (3, 31, 7, 5, 59)),
    _shot("android", (3, 31, 14, 2, 18), logged=True),
    _shot("android-chrome", (4, 1, 12, 27, 16)),
    _shot("gnome-en", (4, 1, 18, 3, 50)),
)

LOG_NAME = "journal-captures.csv"
LOG_RESULTS = {"no_slot": "pas de créneau", "captcha": "captcha", "error": "erreur"}


def _encode(shot: Shot, image: Image.Image) -> bytes:
    """The file's bytes, with only the metadata the plan asks for (no time chunks)."""
    buf = io.BytesIO()
    suffix = Path(shot.name).suffix.lower()
    if suffix == ".png":
        info = PngImagePlugin.PngInfo()
        if shot.time_from == "png_meta":
            info.add_text("Creation Time", shot.when.isoformat())
        image.save(buf, "PNG", pnginfo=info, compress_level=9)
    elif suffix in (".jpg", ".jpeg"):
        exif = Image.Exif()
        if shot.time_from == "exif":
            stamp = shot.when.strftime("%Y:%m:%d %H:%M:%S")
            offset = shot.when.strftime("%z")
            exif[0x0110] = "Exemple Phone 5"  # Model (invented)
            exif[0x0131] = "Android 14"  # Software
            exif[0x0132] = stamp  # DateTime
            sub = exif.get_ifd(0x8769)
            sub[0x9003] = stamp  # DateTimeOriginal
            sub[0x9011] = f"{offset[:3]}:{offset[3:]}"  # OffsetTimeOriginal
        image.save(buf, "JPEG", quality=80, exif=exif.tobytes() if len(exif) else b"")
    elif suffix == ".webp":
        image.save(buf, "WEBP", quality=82, method=4)
    else:
        raise ValueError(shot.name)
    return buf.getvalue()


def render(shot: Shot) -> Image.Image:
    draw = screens.phone if shot.device == "phone" else screens.desktop
    return draw(shot.outcome, shot.url, shot.when, shot.name)


def log_csv() -> bytes:
    """The log as a French spreadsheet exports it: ';', Windows-1252, CRLF, no BOM."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Fichier", "Date", "Heure", "URL", "Résultat", "Note"])
    for shot in PLAN:
        if shot.logged:
            writer.writerow(
                [
                    shot.name,
                    f"{shot.when:%d/%m/%Y}",
                    f"{shot.when:%H:%M}",
                    shot.url,
                    LOG_RESULTS[shot.outcome],
                    shot.note,
                ]
            )
    return out.getvalue().encode("cp1252")


def generate(root: Path) -> None:
    for shot in PLAN:
        write_bytes(root, f"screenshots/{shot.name}", _encode(shot, render(shot)))
    write_bytes(root, f"screenshots/{LOG_NAME}", log_csv())


def plan_table() -> str:
    """The plan as a Markdown table (for README.md)."""
    rows = ["| # | file | local time | device | outcome | time from |", "|---|---|---|---|---|---|"]
    for i, s in enumerate(PLAN, 1):
        source = s.time_from if not (s.logged and s.time_from == "filename") else "filename + log"
        name = s.name.replace(NNBSP, "⍽")
        rows.append(
            f"| {i} | `{name}` | {s.when.isoformat()} | {s.device} | {s.outcome} | {source} |"
        )
    return "\n".join(rows) + "\n"
