"""Small JPEG previews of originals, made once and kept under the workspace's ``out/``.

A thumbnail is a convenience, not evidence: it lives in ``out/thumbnails/``, never in the
vault, and can be deleted at any time (it is made again on demand). Images are decoded
with the same guards as at ingest (decompression bombs refused); the first page of a PDF
is drawn by ``pdftoppm`` when poppler is installed. Other originals (pages, HAR, e-mails)
have none.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from toolkit.workspace import Workspace

WIDTH = 320
FOLDER = "thumbnails"
QUALITY = 80
SHA256 = re.compile(r"[0-9a-f]{64}")


def thumbnail_path(ws: Workspace, sha256: str, width: int = WIDTH) -> Path:
    return ws.out_dir / FOLDER / sha256[:2] / f"{sha256}-{width}.jpg"


def thumbnail(ws: Workspace, sha256: str, *, width: int = WIDTH) -> Path | None:
    """The thumbnail of original ``sha256``, made on first request; None when the original
    is not in the workspace or is not an image or a PDF (or cannot be drawn)."""
    if not SHA256.fullmatch(sha256):
        return None
    target = thumbnail_path(ws, sha256, width)
    if target.is_file():
        return target
    info = ws.file_info(sha256)
    if info is None or sha256 not in ws.vault:
        return None
    media = str(info["media_type"] or "")
    source = ws.vault.path_for(sha256)
    if media.startswith("image/"):
        data = _image_thumbnail(source.read_bytes(), width)
    elif media == "application/pdf":
        data = _pdf_thumbnail(source, width)
    else:
        return None
    if data is None:
        return None
    _write_atomic(target, data)
    return target


def _image_thumbnail(data: bytes, width: int) -> bytes | None:
    from PIL import Image

    from toolkit.errors import InputError
    from toolkit.ingest.images import decode_image

    try:
        decoded = decode_image(data)
    except InputError:
        return None
    img = decoded.image
    try:
        img.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        img.convert("RGB").save(out, "JPEG", quality=QUALITY, optimize=True)
        return out.getvalue()
    finally:
        img.close()


def _pdf_thumbnail(source: Path, width: int) -> bytes | None:
    exe = shutil.which("pdftoppm")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="guichets-thumb-") as tmp:
        prefix = Path(tmp) / "page"
        try:
            done = subprocess.run(
                [exe, "-f", "1", "-l", "1", "-jpeg", "-scale-to-x", str(width), "-scale-to-y",
                 "-1", "-singlefile", str(source), str(prefix)],
                capture_output=True,
                timeout=60,
                check=False,
            )  # fmt: skip
        except (OSError, subprocess.TimeoutExpired):
            return None
        produced = prefix.with_suffix(".jpg")
        if done.returncode != 0 or not produced.is_file():
            return None
        return produced.read_bytes()


def _write_atomic(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".thumb-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
