"""When was a screenshot taken? Read it from the image metadata or the file name.

A "no slot" screenshot only proves something if it is dated. Clients send files
renamed by zips, messaging apps and copies, so we read every trace the capture
left: embedded metadata first (EXIF, PNG text chunks, XMP), then the name the
phone or computer gave the file. Names carry the device's wall-clock time, so a
naive result must be placed in a named zone with :func:`localize`.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any

from toolkit.model import Precision, TimeSource
from toolkit.provenance import localize

__all__ = ["FoundTime", "localize", "time_from_filename", "time_from_image", "times_from_image"]

if TYPE_CHECKING:
    from PIL import Image


@dataclass(frozen=True)
class FoundTime:
    value: datetime  # naive = device wall-clock time; aware when the source carries an offset
    source: TimeSource
    detail: str  # which reader and field, e.g. "filename:macos-fr", "png:Creation Time"
    precision: str = Precision.SECOND.value
    weak: bool = False  # a conversion date (ImageMagick date:create), not a capture time


@dataclass(frozen=True)
class FilenamePattern:
    name: str
    system: str
    example: str
    regex: re.Pattern[str]  # named groups Y m d H M S, optional ms and ampm
    utc: bool = False  # the name is written in UTC, not local time


_DATE = r"(?P<Y>\d{4})-(?P<m>\d\d)-(?P<d>\d\d)"
_DATE_COMPACT = r"(?P<Y>\d{4})(?P<m>\d\d)(?P<d>\d\d)"
_HMS_COMPACT = r"(?P<H>\d\d)(?P<M>\d\d)(?P<S>\d\d)"
_CAPTURE_FR = r"Capture d'?[ée]cran"
_SCREENSHOT_MAC = r"Screen ?shot"


def _hms(sep: str, hour: str = r"\d\d") -> str:
    return rf"(?P<H>{hour}){sep}(?P<M>\d\d){sep}(?P<S>\d\d)"


_HMS_DASH = _hms("-")
_HMS_DOT = _hms(r"\.")
_HMS_DOT_12 = _hms(r"\.", r"\d{1,2}")  # macOS writes 9.06.32 on a 12-hour clock


def _pattern(
    name: str, system: str, example: str, regex: str, utc: bool = False
) -> FilenamePattern:
    return FilenamePattern(name, system, example, re.compile(regex, re.IGNORECASE), utc)


# Most specific first: the first pattern that matches decides. System names are matched
# whole (after the extension and copy suffix are removed); generic ones anywhere in the name.
FILENAME_PATTERNS: tuple[FilenamePattern, ...] = (
    _pattern("miui", "Xiaomi MIUI / HyperOS, Android before 9",
             "Screenshot_2025-03-12-10-06-32-123_com.android.chrome.jpg",
             rf"^Screenshot_{_DATE}-{_HMS_DASH}(?:-(?P<ms>\d{{3}}))?(?:_[\w.]+)?$"),
    _pattern("android-chrome", "Android 9+ (Pixel, AOSP), with the app name",
             "Screenshot_20250312-100632_Chrome.jpg",
             rf"^Screenshot_{_DATE_COMPACT}-{_HMS_COMPACT}_[A-Za-z][\w .]*$"),
    _pattern("android", "Android 9+ (Pixel, AOSP, OnePlus)", "Screenshot_20250312-100632.png",
             rf"^Screenshot_{_DATE_COMPACT}-{_HMS_COMPACT}$"),
    _pattern("samsung", "Samsung One UI, Huawei EMUI, KDE Spectacle",
             "Screenshot_20250312_100632_Chrome.jpg",
             rf"^Screenshot_{_DATE_COMPACT}_{_HMS_COMPACT}(?:_.+)?$"),
    _pattern("macos-en-12h", "macOS (English, 12-hour clock)",
             "Screen Shot 2025-03-12 at 10.06.32 AM.png",
             rf"^{_SCREENSHOT_MAC} {_DATE} at {_HMS_DOT_12} ?(?P<ampm>[AP]M)$"),
    _pattern("macos-en", "macOS (English)", "Screenshot 2025-03-12 at 10.06.32.png",
             rf"^{_SCREENSHOT_MAC} {_DATE} at {_HMS_DOT_12}$"),
    _pattern("macos-fr", "macOS (français)", "Capture d’écran 2025-03-12 à 10.06.32.png",
             rf"^{_CAPTURE_FR} {_DATE} [àa] {_HMS_DOT}$"),
    _pattern("firefox-en", "Firefox screenshot (English), with the page title",
             "Screenshot 2025-03-12 at 10-06-32 Prise de rendez-vous.png",
             rf"^Screenshot {_DATE} at {_HMS_DASH}(?: .*)?$"),
    _pattern("firefox-fr", "Firefox screenshot (français), with the page title",
             "Capture d’écran 2025-03-12 à 10-06-32 Prise de rendez-vous.png",
             rf"^{_CAPTURE_FR} {_DATE} [àa] {_HMS_DASH}(?: .*)?$"),
    _pattern("windows-en", "Windows 11 Snipping Tool (English)", "Screenshot 2025-03-12 100632.png",
             rf"^Screenshot {_DATE} {_HMS_COMPACT}$"),
    _pattern("windows-fr", "Windows 11 Outil Capture d'écran (français)",
             "Capture d'écran 2025-03-12 100632.png", rf"^{_CAPTURE_FR} {_DATE} {_HMS_COMPACT}$"),
    _pattern("gnome-en", "GNOME / Ubuntu (English)", "Screenshot from 2025-03-12 10-06-32.png",
             rf"^Screenshot from {_DATE} {_HMS_DASH}$"),
    _pattern("gnome-fr", "GNOME / Ubuntu (français)", "Capture d’écran du 2025-03-12 10-06-32.png",
             rf"^{_CAPTURE_FR} d[ue] {_DATE} {_HMS_DASH}$"),
    _pattern("pixel-camera", "Google Pixel camera (UTC)", "PXL_20250312_090632123.jpg",
             rf"^PXL_{_DATE_COMPACT}_{_HMS_COMPACT}(?P<ms>\d{{3}})(?:[._~].*)?$", utc=True),
    _pattern("camera", "Android camera and gallery", "IMG_20250312_100632.jpg",
             rf"^(?:IMG|VID|PANO)_{_DATE_COMPACT}_{_HMS_COMPACT}(?:_.*)?$"),
    _pattern("iso", "Any name holding an ISO date and time", "2025-03-12_10-06-32.png",
             rf"(?<!\d){_DATE}[ _T-](?P<H>\d\d)(?P<sep>[-.:])(?P<M>\d\d)(?P=sep)(?P<S>\d\d)(?!\d)"),
    _pattern("compact", "Any name holding YYYYMMDD_HHMMSS", "20250312_100632.jpg",
             rf"(?<!\d){_DATE_COMPACT}[_-]{_HMS_COMPACT}(?!\d)"),
)  # fmt: skip

_EXTENSION = re.compile(r"\.[A-Za-z][A-Za-z0-9]{1,4}$")
# " (1)", " 2", macOS Finder " copy 2" / " copie", Windows Explorer " - Copy (2)".
_COPY_SUFFIX = re.compile(
    r"(?:\s?\(\d{1,3}\)|\s(?:-\s)?(?:copy|copie)(?:\s\d{1,3})?|\s\d{1,3})$", re.IGNORECASE
)
_LOOKALIKES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u00a0": " ", "\u202f": " "})


def _clean_name(name: str) -> str:
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    stem = " ".join(_EXTENSION.sub("", base.translate(_LOOKALIKES)).split())
    while (shorter := _COPY_SUFFIX.sub("", stem)) != stem:
        stem = shorter
    return stem


def time_from_filename(name: str) -> FoundTime | None:
    """The capture time written in a screenshot's file name, or None."""
    stem = _clean_name(name)
    for pattern in FILENAME_PATTERNS:
        match = pattern.regex.search(stem)
        if match is None:
            continue
        parts = match.groupdict()
        hour = int(parts["H"])
        if parts.get("ampm"):
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if parts["ampm"].upper() == "PM" else 0)
        micro = int(parts["ms"]) * 1000 if parts.get("ms") else 0
        try:
            value = datetime(int(parts["Y"]), int(parts["m"]), int(parts["d"]), hour,
                             int(parts["M"]), int(parts["S"]), micro)  # fmt: skip
        except ValueError:
            return None
        if pattern.utc:
            value = value.replace(tzinfo=UTC)
        return FoundTime(value, TimeSource.FILENAME, f"filename:{pattern.name}")
    return None


def filename_patterns_table() -> str:
    """The Markdown table of FILENAME_PATTERNS shown in docs/screenshot-names.md."""
    lines = ["| Pattern | System | Example | What is read |", "|---|---|---|---|"]
    for p in FILENAME_PATTERNS:
        read = "date, time"
        if "ampm" in p.regex.groupindex:
            read += " (12-hour, AM/PM)"
        if "ms" in p.regex.groupindex:
            read += ", milliseconds"
        read += " in UTC" if p.utc else " in the device's local time"
        lines.append(f"| `{p.name}` | {p.system} | `{p.example}` | {read} |")
    return "\n".join(lines) + "\n"


_EXIF_DATE = re.compile(
    r"^(\d{4})[:-](\d\d)[:-](\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?"
    r"\s*(Z|[+-]\d\d:?\d\d)?$"
)
_OFFSET = re.compile(r"^(?:Z|([+-])(\d\d):?(\d\d))$")


def _offset(text: object) -> timezone | None:
    match = _OFFSET.match(_as_text(text))
    if match is None:
        return None
    if match.group(1) is None:
        return UTC
    hours, minutes = int(match.group(2)), int(match.group(3))
    if hours > 18 or minutes > 59:
        return None
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match.group(1) == "-" else delta)


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return str(value).strip().strip("\x00").strip() if value is not None else ""


def _precision(raw: object) -> str:
    """``minute`` for a metadata time written without seconds, ``second`` otherwise."""
    text = _as_text(raw)
    return Precision.SECOND.value if re.search(r"\d:\d\d:\d\d", text) else Precision.MINUTE.value


def _parse_time(raw: object) -> datetime | None:
    """Read EXIF ("2025:03:12 10:06:32"), ISO 8601 or RFC 1123 times; None for anything else."""
    text = _as_text(raw)
    if not re.search(r"\d:\d\d", text):  # a date without a time does not date a capture
        return None
    try:
        if match := _EXIF_DATE.match(text):
            y, mo, d, h, mi, s, frac, zone = match.groups()
            value = datetime(int(y), int(mo), int(d), int(h), int(mi), int(s),
                             int((frac or "0").ljust(6, "0")))  # fmt: skip
            if zone:
                tz = _offset(zone)
                return value.replace(tzinfo=tz) if tz else None
            return value
        if re.match(r"^\d{4}-\d\d-\d\d", text):
            return datetime.fromisoformat(text)
        value = parsedate_to_datetime(text)
        # RFC 2822 "-0000" means a UTC time whose local zone is unknown
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


_EXIF_IFD = 0x8769
# (time tag, offset tag, names): when the picture was taken, then digitised, then last changed.
_EXIF_TAGS = (
    (36867, 36881, "DateTimeOriginal", "OffsetTimeOriginal"),
    (36868, 36882, "DateTimeDigitized", "OffsetTimeDigitized"),
    (306, 36880, "DateTime", "OffsetTime"),
)
# Each field as an element (<xmp:CreateDate>…</xmp:CreateDate>) or an attribute (xmp:CreateDate="…").
_XMP_FIELDS = tuple(
    (
        field,
        re.compile(
            rf"<{re.escape(field)}>\s*([^<]*?)\s*</|{re.escape(field)}\s*=\s*[\"']([^\"']*)"
        ),
    )
    for field in ("exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate")
)


def _from_exif(img: Image.Image) -> FoundTime | None:
    """The first EXIF time: when the picture was taken, else digitised, else changed."""
    try:
        with warnings.catch_warnings():  # corrupt EXIF is ignored here, not reported twice
            warnings.simplefilter("ignore")
            ifd0 = img.getexif()
            tags: dict[int, Any] = {**ifd0, **ifd0.get_ifd(_EXIF_IFD)}
    except Exception:  # Pillow raises many kinds on corrupt EXIF; metadata is optional
        return None
    for tag, offset_tag, name, offset_name in _EXIF_TAGS:
        value = _parse_time(tags.get(tag))
        if value is None:
            continue
        detail = f"exif:{name}"
        if value.tzinfo is None and (tz := _offset(tags.get(offset_tag))) is not None:
            value, detail = value.replace(tzinfo=tz), f"{detail}+{offset_name}"
        return FoundTime(value, TimeSource.EXIF, detail, _precision(tags.get(tag)))
    return None


def _xmp_packets(info: Mapping[str, Any]) -> list[str]:
    packets = [info.get("XML:com.adobe.xmp"), info.get("xmp")]
    return [p.decode("utf-8", "replace") if isinstance(p, bytes) else str(p) for p in packets if p]


def _from_xmp(packet: str, source: TimeSource) -> FoundTime | None:
    for field, regex in _XMP_FIELDS:
        for match in regex.finditer(packet):
            raw = match.group(1) or match.group(2)
            value = _parse_time(raw)
            if value is not None:
                detail = field if field.startswith("xmp:") else f"xmp:{field}"
                return FoundTime(value, source, detail, _precision(raw))
    return None


def image_info(img: Image.Image) -> dict[Any, Any]:
    """The image's info and PNG text chunks (metadata the readers look at)."""
    info: dict[Any, Any] = dict(img.info)
    if img.format == "PNG":
        # Text chunks after the pixels are only seen once the image is loaded; if the file
        # is truncated, keep what was read before the pixels.
        with contextlib.suppress(Exception):
            info.update(getattr(img, "text", {}))
    return info


def times_from_image(img: Image.Image) -> list[FoundTime]:
    """Every capture time stored in an opened image's metadata, most telling first.

    The first EXIF time (JPEG, PNG eXIf, WebP, HEIC), PNG ``Creation Time``, the first XMP
    time, and ImageMagick's ``date:create`` (the time a file was converted: weak). Each is
    a candidate of its own, so that two that disagree can be seen (toolkit.provenance).
    """
    found: list[FoundTime] = []
    exif = _from_exif(img)
    if exif is not None:
        found.append(exif)
    info = image_info(img)
    source = TimeSource.PNG_META if img.format == "PNG" else TimeSource.EXIF
    raw = info.get("Creation Time")
    value = _parse_time(raw)
    if value is not None:
        found.append(FoundTime(value, source, "png:Creation Time", _precision(raw)))
    for packet in _xmp_packets(info):
        if (xmp := _from_xmp(packet, source)) is not None:
            found.append(xmp)
            break
    raw = info.get("date:create")
    value = _parse_time(raw)
    if value is not None:
        found.append(FoundTime(value, source, "png:date:create", _precision(raw), weak=True))
    return found


def time_from_image(img: Image.Image) -> FoundTime | None:
    """The most telling capture time stored in an image's metadata, or None."""
    found = times_from_image(img)
    return found[0] if found else None
