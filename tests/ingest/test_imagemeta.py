"""Edited and messenger-re-encoded images: what their metadata and names give away."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from toolkit.ingest.imagemeta import editor_in, image_history
from toolkit.ingest.screenshots import ingest_screenshots


def opened(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def png(size: tuple[int, int] = (40, 30), **text: str) -> bytes:
    info = PngInfo()
    for k, v in text.items():
        info.add_text(k, v)
    buf = io.BytesIO()
    Image.new("RGB", size, "white").save(buf, "PNG", pnginfo=info)
    return buf.getvalue()


def jpeg(size: tuple[int, int], software: str | None = None) -> bytes:
    buf = io.BytesIO()
    exif = Image.Exif()
    if software:
        exif[0x0131] = software
    Image.new("RGB", size, "white").save(buf, "JPEG", exif=exif.tobytes() if software else b"")
    return buf.getvalue()


@pytest.mark.parametrize(
    ("software", "editor"),
    [
        ("Adobe Photoshop 25.0 (Windows)", "Adobe Photoshop"),
        ("GIMP 2.10.34", "GIMP"),
        ("Affinity Photo 2", "Affinity Photo"),
        ("Pixelmator Pro 3.5", "Pixelmator"),
        ("Snapseed 2.0", "Snapseed"),
        ("Android 14", None),  # a phone system, not an editor
        ("Greenshot", None),  # a screenshot tool
        ("gnome-screenshot", None),
    ],
)
def test_editors_are_named_screenshot_tools_are_not(software: str, editor: str | None) -> None:
    assert editor_in(software) == editor


def test_where_an_editor_is_found() -> None:
    exif = image_history(opened(jpeg((800, 600), "Adobe Photoshop 25.0")), "a.jpg", "jpeg")
    assert exif.detail == {"edited": "Adobe Photoshop 25.0 (EXIF Software)"}
    chunk = image_history(opened(png(Software="GIMP 2.10.34")), "b.png", "png")
    assert chunk.flags == ["edited"] and chunk.detail["edited"] == "GIMP 2.10.34 (PNG Software)"
    history = image_history(
        opened(png(**{"XML:com.adobe.xmp": '<rdf:li stEvt:softwareAgent="Snapseed 2.0"/>'})),
        "c.png",
        "png",
    )
    assert history.detail == {"edited": "Snapseed 2.0 (XMP)"}
    phone = image_history(opened(jpeg((1080, 2340), "Android 14")), "d.jpg", "jpeg")
    assert phone.flags == []


@pytest.mark.parametrize(
    ("name", "messenger"),
    [
        ("IMG-20250312-WA0003.jpg", "WhatsApp"),
        ("WhatsApp Image 2025-03-12 at 10.06.32.jpeg", "WhatsApp"),
        ("signal-2025-03-12-100632.jpg", "Signal"),
        ("photo_2025-03-12_10-06-32.jpg", "Telegram"),
        ("received_1234567890123456.jpeg", "Messenger"),
        ("viber_image_2025-03-12_10-06-32-123.jpg", "Viber"),
    ],
)
def test_messenger_names(name: str, messenger: str) -> None:
    history = image_history(opened(jpeg((900, 1600))), name, "jpeg")
    assert history.detail == {"reencoded": f"{messenger} (file name)"}
    assert history.messenger_name


def test_a_stripped_jpeg_at_a_messengers_size() -> None:
    stripped = image_history(opened(jpeg((738, 1600))), "image.jpg", "jpeg")
    assert stripped.detail == {"reencoded": "no metadata, 738×1600 pixels (a messenger's size)"}
    # with its metadata, or as a PNG, or at a phone's own size: not flagged
    assert image_history(opened(jpeg((738, 1600), "Android 14")), "x.jpg", "jpeg").flags == []
    assert image_history(opened(png((738, 1600))), "x.png", "png").flags == []
    assert image_history(opened(jpeg((1080, 2340))), "x.jpg", "jpeg").flags == []


def test_ingest_flags_them_and_never_dates_from_an_editor_silently(
    ws, applicant: str, tmp_path: Path
) -> None:
    (tmp_path / "retouche.png").write_bytes(
        png(Software="Adobe Photoshop 25.0", **{"Creation Time": "2025-03-12T10:06:40+01:00"})
    )
    Image.new("RGB", (900, 1600), "white").save(tmp_path / "photo_2025-03-12_10-06-32.jpg")
    report = ingest_screenshots(ws, [tmp_path], applicant, ocr=False)
    rows = {
        r["original_name"]: r
        for r in ws.rows("SELECT original_name, flags, time_source, time_detail FROM attempts")
    }
    edited = rows["retouche.png"]
    # the editor's metadata is the only time: used, said to be weak, and why
    assert edited["flags"] == ["edited", "weak_time"]
    assert edited["time_detail"] == "png:Creation Time (written by an image editor)"
    telegram = rows["photo_2025-03-12_10-06-32.jpg"]
    assert telegram["flags"] == ["reencoded", "weak_time"]
    assert telegram["time_detail"] == "filename:iso (a messenger's copy)"
    assert any(
        "retouche.png: edited: Adobe Photoshop 25.0 (PNG Software)" in w for w in report.warnings
    )
