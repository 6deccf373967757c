from __future__ import annotations

import re
import subprocess
import sys
import zlib
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from toolkit.errors import InputError
from toolkit.ingest.timestamps import (
    FILENAME_PATTERNS,
    FoundTime,
    filename_patterns_table,
    localize,
    time_from_filename,
    time_from_image,
)
from toolkit.model import TimeSource

ROOT = Path(__file__).resolve().parents[2]
T = datetime(2025, 3, 12, 10, 6, 32)
PLUS1 = timezone(timedelta(hours=1))
NNBSP, NBSP = "\u202f", "\u00a0"


@pytest.mark.parametrize(
    ("name", "pattern", "expected"),
    [
        ("Screenshot_20250312-100632.png", "android", T),
        ("Screenshot_20250312-100632_Chrome.jpg", "android-chrome", T),
        ("Screenshot_20250312_100632_Chrome.jpg", "samsung", T),
        ("Screenshot_20250312_100632.jpg", "samsung", T),
        ("Screenshot_20250312_100632_Samsung Internet.jpg", "samsung", T),
        (
            "Screenshot_2025-03-12-10-06-32-123_com.android.chrome.jpg",
            "miui",
            T.replace(microsecond=123000),
        ),
        ("Screenshot_2025-03-12-10-06-32.png", "miui", T),
        ("Screenshot 2025-03-12 at 10.06.32.png", "macos-en", T),
        ("Screen Shot 2025-03-12 at 10.06.32 AM.png", "macos-en-12h", T),
        (f"Screenshot 2025-03-12 at 2.06.32{NNBSP}PM.png", "macos-en-12h", T.replace(hour=14)),
        ("Screen Shot 2025-03-12 at 12.06.32 AM.png", "macos-en-12h", T.replace(hour=0)),
        ("Screen Shot 2025-03-12 at 12.06.32 PM.png", "macos-en-12h", T.replace(hour=12)),
        ("Capture d’écran 2025-03-12 à 10.06.32.png", "macos-fr", T),
        (f"Capture d’écran 2025-03-12{NNBSP}à 10.06.32.png", "macos-fr", T),
        ("Capture d'écran 2025-03-12 à 10.06.32.png", "macos-fr", T),
        ("Screenshot 2025-03-12 100632.png", "windows-en", T),
        ("Capture d'écran 2025-03-12 100632.png", "windows-fr", T),
        ("Capture d’écran 2025-03-12 100632.png", "windows-fr", T),
        ("Screenshot from 2025-03-12 10-06-32.png", "gnome-en", T),
        ("Screenshot From 2025-03-12 10-06-32.png", "gnome-en", T),
        ("Capture d’écran du 2025-03-12 10-06-32.png", "gnome-fr", T),
        ("Screenshot 2025-03-12 at 10-06-32 Prise de rendez-vous.png", "firefox-en", T),
        ("Capture d’écran 2025-03-12 à 10-06-32 Prise de rendez-vous.png", "firefox-fr", T),
        ("2025-03-12_10-06-32.png", "iso", T),
        ("2025-03-12 10.06.32.png", "iso", T),
        ("rdv préfecture 2025-03-12T10:06:32.png", "iso", T),
        ("20250312_100632.jpg", "compact", T),
        ("IMG_20250312_100632.jpg", "camera", T),
        (
            "PXL_20250312_090632123.jpg",
            "pixel-camera",
            datetime(2025, 3, 12, 9, 6, 32, 123000, tzinfo=UTC),
        ),
    ],
)
def test_time_from_filename(name: str, pattern: str, expected: datetime) -> None:
    found = time_from_filename(name)
    assert found is not None
    assert (found.value, found.value.tzinfo) == (expected, expected.tzinfo)
    assert found.source is TimeSource.FILENAME
    assert found.detail == f"filename:{pattern}"


@pytest.mark.parametrize(
    "name",
    [
        "/tmp/export/Capture d’écran 2025-03-12 à 10.06.32.png",
        "C:\\Users\\client\\Capture d’écran 2025-03-12 à 10.06.32.png",
        "Capture d\u2019e\u0301cran 2025-03-12 a\u0300 10.06.32.png",  # NFD, as in macOS zips
        f"Capture d’écran 2025-03-12{NBSP}à{NBSP}10.06.32.png",
        "Capture d’écran 2025-03-12 à 10.06.32 (1).png",
        "Capture d’écran 2025-03-12 à 10.06.32 2.png",
        "Capture d’écran 2025-03-12 à 10.06.32 copie 2.png",
        "Capture d’écran 2025-03-12 à 10.06.32",
    ],
)
def test_filename_variants(name: str) -> None:
    assert time_from_filename(name) == time_from_filename(
        "Capture d’écran 2025-03-12 à 10.06.32.png"
    )
    assert time_from_filename(name) is not None


@pytest.mark.parametrize(
    "name",
    [
        "Screenshot (12).png",
        "IMG_1234.PNG",
        "photo.jpg",
        "Screenshot_20251312-100632.png",  # month 13
        "Screenshot_20250230-100632.png",  # 30 February
        "Screenshot 2025-03-12 at 24.06.32.png",
        "Screen Shot 2025-03-12 at 13.06.32 PM.png",
        "2025-03-12_10-61-32.png",
        "120250312_1006321.jpg",  # digits run on: not a date
    ],
)
def test_filename_without_a_valid_date(name: str) -> None:
    assert time_from_filename(name) is None


def test_every_pattern_reads_its_own_example() -> None:
    """Guards the order: a broader pattern placed too early would steal the example."""
    names = [p.name for p in FILENAME_PATTERNS]
    assert len(names) == len(set(names))
    for pattern in FILENAME_PATTERNS:
        found = time_from_filename(pattern.example)
        assert found is not None, pattern.name
        assert found.detail == f"filename:{pattern.name}"


def test_doc_table_matches_patterns() -> None:
    doc = (ROOT / "docs" / "screenshot-names.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- patterns:start -->\n(.*?)<!-- patterns:end -->", doc, re.S)
    assert block is not None, "docs/screenshot-names.md lost its patterns markers"
    assert block.group(1) == filename_patterns_table(), (
        "docs/screenshot-names.md is stale: paste filename_patterns_table() between the markers"
    )
    for pattern in FILENAME_PATTERNS:
        assert f"`{pattern.example}`" in doc


def _read(tmp_path: Path, fmt: str, **params: object) -> FoundTime | None:
    """Save a small image with the given metadata, reopen it, and read its time."""
    path = tmp_path / f"shot.{fmt.lower()}"
    Image.new("RGB", (8, 8), "white").save(path, fmt, **params)
    with Image.open(path) as img:
        return time_from_image(img)


def _exif(ifd0: dict[int, str], exif_ifd: dict[int, str]) -> bytes:
    exif = Image.Exif()
    exif.update(ifd0)
    exif.get_ifd(0x8769).update(exif_ifd)
    # As bytes: an Exif object with an empty IFD0 is falsy, and Pillow's PNG writer skips it.
    return exif.tobytes()


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
@pytest.mark.parametrize(
    ("ifd0", "exif_ifd", "expected", "detail"),
    [
        (
            {},
            {36867: "2025:03:12 10:06:32", 36881: "+01:00"},
            T.replace(tzinfo=PLUS1),
            "exif:DateTimeOriginal+OffsetTimeOriginal",
        ),
        (
            {},
            {36867: "2025:03:12 10:06:32", 36881: "-03:00"},
            T.replace(tzinfo=timezone(timedelta(hours=-3))),
            "exif:DateTimeOriginal+OffsetTimeOriginal",
        ),
        ({306: "2024:01:01 00:00:00"}, {36867: "2025:03:12 10:06:32"}, T, "exif:DateTimeOriginal"),
        (
            {},
            {36867: "0000:00:00 00:00:00", 36868: "2025:03:12 10:06:32"},
            T,
            "exif:DateTimeDigitized",
        ),
        ({306: "2025:03:12 10:06:32"}, {36867: "garbage"}, T, "exif:DateTime"),
        (
            {306: "2025:03:12 10:06:32"},
            {36880: "+01:00"},
            T.replace(tzinfo=PLUS1),
            "exif:DateTime+OffsetTime",
        ),
        ({}, {36867: "2025:03:12 10:06:32", 36881: "nonsense"}, T, "exif:DateTimeOriginal"),
    ],
)
def test_time_from_exif(
    tmp_path: Path,
    fmt: str,
    ifd0: dict[int, str],
    exif_ifd: dict[int, str],
    expected: datetime,
    detail: str,
) -> None:
    found = _read(tmp_path, fmt, exif=_exif(ifd0, exif_ifd))
    assert found is not None
    assert (found.value, found.value.tzinfo) == (expected, expected.tzinfo)
    assert (found.source, found.detail) == (TimeSource.EXIF, detail)


def _xmp(body: str) -> str:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        f"<rdf:Description {body}</rdf:Description></rdf:RDF></x:xmpmeta>"
    )


@pytest.mark.parametrize(
    ("chunks", "expected", "detail"),
    [
        (
            {"Creation Time": "Wed, 12 Mar 2025 10:06:32 +0100"},
            T.replace(tzinfo=PLUS1),
            "png:Creation Time",
        ),
        (
            {"Creation Time": "2025-03-12T10:06:32+01:00"},
            T.replace(tzinfo=PLUS1),
            "png:Creation Time",
        ),
        ({"Creation Time": "2025:03:12 10:06:32"}, T, "png:Creation Time"),
        (
            {"Creation Time": "Wed, 12 Mar 2025 10:06:32 GMT"},
            T.replace(tzinfo=UTC),
            "png:Creation Time",
        ),
        (  # RFC 2822: "-0000" is a UTC time from an unknown zone
            {"Creation Time": "Wed, 12 Mar 2025 10:06:32 -0000"},
            T.replace(tzinfo=UTC),
            "png:Creation Time",
        ),
        ({"date:create": "2025-03-12T10:06:32+00:00"}, T.replace(tzinfo=UTC), "png:date:create"),
        (
            {"Creation Time": "hier", "date:create": "2025-03-12T10:06:32"},
            T,
            "png:date:create",
        ),
        (
            {"XML:com.adobe.xmp": _xmp('xmp:CreateDate="2025-03-12T10:06:32+01:00">')},
            T.replace(tzinfo=PLUS1),
            "xmp:CreateDate",
        ),
        (
            {
                "XML:com.adobe.xmp": _xmp(
                    "><photoshop:DateCreated>2025-03-12T10:06:32</photoshop:DateCreated>"
                )
            },
            T,
            "xmp:photoshop:DateCreated",
        ),
        (
            {
                "XML:com.adobe.xmp": _xmp(
                    'xmp:CreateDate="2024-01-01T00:00:00">'
                    "<exif:DateTimeOriginal>2025-03-12T10:06:32.5Z</exif:DateTimeOriginal>"
                )
            },
            T.replace(microsecond=500000, tzinfo=UTC),
            "xmp:exif:DateTimeOriginal",
        ),
        (
            {
                "Creation Time": "2025-03-12T10:06:32",
                "XML:com.adobe.xmp": _xmp('xmp:CreateDate="2024-01-01T00:00:00">'),
            },
            T,
            "png:Creation Time",
        ),
    ],
)
def test_time_from_png_text(
    tmp_path: Path, chunks: dict[str, str], expected: datetime, detail: str
) -> None:
    info = PngInfo()
    for key, value in chunks.items():
        if key.startswith("XML:"):
            info.add_itxt(key, value)
        else:
            info.add_text(key, value)
    found = _read(tmp_path, "PNG", pnginfo=info)
    assert found is not None
    assert (found.value, found.value.tzinfo) == (expected, expected.tzinfo)
    assert (found.source, found.detail) == (TimeSource.PNG_META, detail)


def test_exif_wins_over_png_text(tmp_path: Path) -> None:
    info = PngInfo()
    info.add_text("Creation Time", "2024-01-01T00:00:00")
    exif = _exif({}, {36867: "2025:03:12 10:06:32"})
    found = _read(tmp_path, "PNG", pnginfo=info, exif=exif)
    assert found is not None
    assert (found.value, found.detail) == (T, "exif:DateTimeOriginal")


def test_xmp_in_jpeg(tmp_path: Path) -> None:
    xmp = _xmp('xmp:CreateDate="2025-03-12T10:06:32">').encode()
    found = _read(tmp_path, "JPEG", xmp=xmp)
    assert found is not None
    assert (found.value, found.source, found.detail) == (T, TimeSource.EXIF, "xmp:CreateDate")


@pytest.mark.parametrize(
    "chunks",
    [
        {},
        {"Creation Time": "not a date", "date:create": "2025-13-45T99:99:99"},
        {"Creation Time": "2025-03-12"},  # a day without a time dates nothing
        {"Software": "2025-03-12T10:06:32"},
        {"XML:com.adobe.xmp": "<not xml"},
        {"XML:com.adobe.xmp": _xmp('xmp:CreateDate="0000-00-00T00:00:00">')},
    ],
)
def test_png_without_a_time(tmp_path: Path, chunks: dict[str, str]) -> None:
    info = PngInfo()
    for key, value in chunks.items():
        info.add_text(key, value)
    assert _read(tmp_path, "PNG", pnginfo=info) is None


@pytest.mark.parametrize(
    ("wall", "tz", "expected_offset_hours", "expected_wall"),
    [
        (datetime(2025, 3, 30, 2, 30), "Europe/Paris", 2, datetime(2025, 3, 30, 3, 30)),  # gap
        (datetime(2025, 10, 26, 2, 30), "Europe/Paris", 2, datetime(2025, 10, 26, 2, 30)),  # twice
        (datetime(2025, 10, 26, 3, 30), "Europe/Paris", 1, datetime(2025, 10, 26, 3, 30)),
        (datetime(2025, 1, 15, 10, 0), "Europe/Paris", 1, datetime(2025, 1, 15, 10, 0)),
        (datetime(2025, 7, 15, 10, 0), "America/Cayenne", -3, datetime(2025, 7, 15, 10, 0)),
        (datetime(2025, 7, 15, 10, 0), "Indian/Reunion", 4, datetime(2025, 7, 15, 10, 0)),
        (datetime(2025, 1, 15, 10, 0), "America/Miquelon", -3, datetime(2025, 1, 15, 10, 0)),
        (datetime(2025, 7, 15, 10, 0), "America/Miquelon", -2, datetime(2025, 7, 15, 10, 0)),
        (datetime(2025, 3, 9, 2, 30), "America/Miquelon", -2, datetime(2025, 3, 9, 3, 30)),
        (datetime(2025, 11, 2, 1, 30), "America/Miquelon", -2, datetime(2025, 11, 2, 1, 30)),
    ],
)
def test_localize(
    wall: datetime, tz: str, expected_offset_hours: int, expected_wall: datetime
) -> None:
    value = localize(wall, tz)
    assert value.utcoffset() == timedelta(hours=expected_offset_hours)
    assert value.replace(tzinfo=None) == expected_wall
    assert str(value.tzinfo) == tz


def test_localize_keeps_aware_values() -> None:
    aware = T.replace(tzinfo=timezone(timedelta(hours=-3)))
    assert localize(aware, "Europe/Paris") is aware


@pytest.mark.parametrize("tz", ["Europe/Pariss", "Europe", "", "../etc/passwd", "CEST+1"])
def test_localize_rejects_unknown_zones(tz: str) -> None:
    with pytest.raises(InputError, match="IANA"):
        localize(T, tz)


def test_module_does_not_import_pillow() -> None:
    code = "import sys, toolkit.ingest.timestamps; sys.exit('PIL' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0


def test_png_text_after_the_pixels(tmp_path: Path) -> None:
    """ImageMagick writes its date:create chunk after IDAT, out of Pillow's first read."""
    path = tmp_path / "late-text.png"
    Image.new("RGB", (8, 8), "white").save(path)
    data = path.read_bytes()
    body = b"tEXt" + b"date:create\x002025-03-12T10:06:32+01:00"
    chunk = len(body[4:]).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")
    iend = data.rindex(b"IEND") - 4
    path.write_bytes(data[:iend] + chunk + data[iend:])
    with Image.open(path) as img:
        found = time_from_image(img)
    assert found is not None
    assert (found.value, found.detail) == (T.replace(tzinfo=PLUS1), "png:date:create")


@pytest.mark.parametrize(
    "exif",
    [
        b"Exif\x00\x00II*\x00\xff\xff\xff\x7f",  # IFD0 offset beyond the data
        b"Exif\x00\x00MM\x00*\x00\x00\x00\x08\x00\x01\x87\x69\x00\x04\x00\x00\x00\x01\xff\xff\xff\xff",
        b"\x00" * 40,
    ],
)
@pytest.mark.filterwarnings("ignore:Corrupt EXIF")  # Pillow warns when opening the file
def test_corrupt_exif_is_ignored(tmp_path: Path, exif: bytes) -> None:
    assert _read(tmp_path, "JPEG", exif=exif) is None
