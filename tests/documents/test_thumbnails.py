"""Thumbnails: made once under out/thumbnails, never in the vault, only for images and PDFs."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from toolkit.documents.thumbnails import thumbnail
from toolkit.workspace import Workspace

ROOT = Path(__file__).resolve().parents[2]
SHOT = ROOT / "evidence" / "sample" / "screenshots" / "Screenshot_20250224-071512.png"
PDF = ROOT / "evidence" / "sample" / "documents" / "attestation-ccc.pdf"
BOMB = ROOT / "tests" / "fixtures" / "screenshots" / "decompression-bomb.png"


def test_images_and_pdfs_get_a_small_jpeg_once(ws: Workspace) -> None:
    with ws.transaction():
        png = ws.store_file(SHOT.read_bytes(), SHOT.name, "image/png")
        pdf = ws.store_file(PDF.read_bytes(), PDF.name, "application/pdf")
        page = ws.store_file(b"<html></html>", "page.html", "text/html")
        bomb = ws.store_file(BOMB.read_bytes(), BOMB.name, "image/png")
    vault_before = sorted(p.name for p in ws.vault.root.rglob("*") if p.is_file())
    made = thumbnail(ws, png)
    assert made is not None and made.parent.parent == ws.out_dir / "thumbnails"
    with Image.open(made) as im:
        assert im.format == "JPEG" and im.width == 320
    stamp = made.stat().st_mtime_ns
    assert thumbnail(ws, png) == made and made.stat().st_mtime_ns == stamp
    first_page = thumbnail(ws, pdf)
    assert first_page is not None and first_page.read_bytes()[:3] == b"\xff\xd8\xff"
    assert thumbnail(ws, page) is None
    assert thumbnail(ws, bomb) is None
    assert thumbnail(ws, "f" * 64) is None and thumbnail(ws, "../../x") is None
    assert sorted(p.name for p in ws.vault.root.rglob("*") if p.is_file()) == vault_before
