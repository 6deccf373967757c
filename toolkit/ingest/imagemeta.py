"""What an image's metadata and name say about its history: edited, or passed through a messenger.

A screenshot that went through an image editor (Photoshop, GIMP, Affinity, Pixelmator,
Snapseed…) may show something the screen never showed, and its metadata times are the
editor's, not the capture's: it is flagged ``edited`` with the editor's name and where it
was found (EXIF ``Software``, XMP ``CreatorTool`` or history, a PNG ``Software`` text
chunk, Photoshop's JPEG resource block). A screenshot sent through WhatsApp, Signal,
Telegram, Messenger or Viber was re-encoded and lost its metadata: it is flagged
``reencoded`` when its name is a messenger's, or when it is a JPEG or WebP without any
metadata at a messenger's usual size (1280 or 1600 pixels on the long side); the time in a
messenger's file name is when the copy was made, so it is a weak time.

Screenshot tools and phone systems (« Android 14 », Greenshot, GNOME Screenshot…) that
write ``Software`` are not editors.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.model import Flag

if TYPE_CHECKING:
    from PIL import Image

EDITORS: tuple[tuple[str, str], ...] = (
    ("photoshop", "Adobe Photoshop"),
    ("lightroom", "Adobe Lightroom"),
    ("gimp", "GIMP"),
    ("affinity", "Affinity Photo"),
    ("pixelmator", "Pixelmator"),
    ("snapseed", "Snapseed"),
    ("paint.net", "Paint.NET"),
    ("krita", "Krita"),
    ("photopea", "Photopea"),
    ("canva", "Canva"),
    ("picsart", "PicsArt"),
    ("fotor", "Fotor"),
    ("facetune", "Facetune"),
    ("photoscape", "PhotoScape"),
    ("paintshop", "PaintShop Pro"),
    ("luminar", "Luminar"),
    ("darktable", "darktable"),
    ("acorn", "Acorn"),
)

# Names messengers give the files they save: (messenger, pattern on the base name).
MESSENGER_NAMES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "WhatsApp",
        re.compile(r"^(?:IMG|VID)-\d{8}-WA\d{3,5}\b|^WhatsApp Image \d{4}-\d\d-\d\d", re.I),
    ),
    ("Signal", re.compile(r"^signal-\d{4}-\d\d-\d\d-\d{2}-?\d{2}-?\d{2}", re.I)),
    ("Telegram", re.compile(r"^photo_\d{4}-\d\d-\d\d_\d\d-\d\d-\d\d", re.I)),
    ("Messenger", re.compile(r"^(?:received_\d{6,}|FB_IMG_\d{10,})", re.I)),
    ("Viber", re.compile(r"^viber_image_\d{4}-\d\d-\d\d", re.I)),
)
MESSENGER_SIDES = (1280, 1600)  # long side of a re-encoded photo (WhatsApp, Signal, Telegram)

_XMP_TOOL = re.compile(
    r"(?:xmp:CreatorTool|stEvt:softwareAgent)\s*(?:=\s*[\"']([^\"']*)|>\s*([^<]*)<)", re.I
)


@dataclass
class ImageHistory:
    """Flags (``edited``, ``reencoded``) and, for each, what was found."""

    detail: dict[str, str] = field(default_factory=dict)

    @property
    def flags(self) -> list[str]:
        return [f for f in (Flag.EDITED.value, Flag.REENCODED.value) if f in self.detail]

    @property
    def edited(self) -> bool:
        return Flag.EDITED.value in self.detail

    @property
    def messenger_name(self) -> bool:
        return "(file name)" in self.detail.get(Flag.REENCODED.value, "")


def _text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    return " ".join(str(value).replace("\x00", " ").split()) if value is not None else ""


def editor_in(text: str) -> str | None:
    """The image editor a software string names, or None."""
    low = text.lower()
    return next((name for key, name in EDITORS if key in low), None)


def _software(img: Image.Image, info: dict[Any, Any]) -> list[tuple[str, str]]:
    """(where, software string) for every place that names the writing software."""
    found: list[tuple[str, str]] = []
    try:
        exif = img.getexif()
        for tag, where in ((0x0131, "EXIF Software"), (0x000B, "EXIF ProcessingSoftware")):
            if exif.get(tag):
                found.append((where, _text(exif.get(tag))))
    except Exception:  # corrupt EXIF: the other places are still read
        pass
    for key in ("Software", "software", "Comment", "comment"):
        if info.get(key):
            found.append((f"PNG {key}", _text(info[key])))
    for key in ("XML:com.adobe.xmp", "xmp"):
        packet = _text(info.get(key)) if info.get(key) else ""
        for match in _XMP_TOOL.finditer(packet):
            found.append(("XMP", _text(match.group(1) or match.group(2))))
    if info.get("photoshop"):  # Photoshop's APP13 resource block in a JPEG
        found.append(("JPEG Photoshop block", "Adobe Photoshop"))
    return found


def image_history(img: Image.Image, name: str, kind: str) -> ImageHistory:
    """Whether an opened image was edited or passed through a messenger (see the module doc)."""
    from toolkit.ingest.timestamps import image_info

    history = ImageHistory()
    info = image_info(img)
    for where, software in _software(img, info):
        editor = editor_in(software)
        if editor is not None and Flag.EDITED.value not in history.detail:
            history.detail[Flag.EDITED.value] = f"{software} ({where})"
    base = re.split(r"[\\/]", name)[-1]
    messenger = next((m for m, rx in MESSENGER_NAMES if rx.search(base)), None)
    if messenger is not None:
        history.detail[Flag.REENCODED.value] = f"{messenger} (file name)"
    elif (
        kind in ("jpeg", "webp")
        and max(img.size) in MESSENGER_SIDES
        and not _has_metadata(img, info)
    ):
        history.detail[Flag.REENCODED.value] = (
            f"no metadata, {img.width}×{img.height} pixels (a messenger's size)"
        )
    return history


def _has_metadata(img: Image.Image, info: dict[Any, Any]) -> bool:
    try:
        if len(img.getexif()):
            return True
    except Exception:
        return False
    return any(k in info for k in ("exif", "icc_profile", "XML:com.adobe.xmp", "xmp", "photoshop"))
