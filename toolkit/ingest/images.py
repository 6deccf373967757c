"""Screenshot files: what kind of image a file is, and decoding it safely.

The type is read from the first bytes (PNG, JPEG, WebP, HEIC), never from the name; a file
that is something else gets a hint naming the command to use. Decoding refuses
decompression bombs and reports corrupt or truncated files in one line.
"""

from __future__ import annotations

import io
import threading
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from toolkit.errors import InputError

if TYPE_CHECKING:
    from PIL import Image

# Pillow's bomb check and the metadata readers change the process-wide warnings filters,
# which are not thread-safe; every section that does so holds this lock.
WARNINGS_LOCK = threading.Lock()

MAX_PIXELS = 60_000_000  # a 4K screen is 8 MP; a tall phone page rarely exceeds 20 MP

IMAGE_SIGNATURES: tuple[tuple[str, str], ...] = (
    ("png", "image/png"),
    ("jpeg", "image/jpeg"),
    ("webp", "image/webp"),
    ("heic", "image/heic"),
)


def sniff(data: bytes) -> str | None:
    """The image type from the first bytes, or a hint of what else the file is."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (
        b"heic",
        b"heix",
        b"mif1",
        b"msf1",
        b"heim",
        b"hevc",
    ):
        return "heic"
    return None


def _not_image_hint(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "file is a PDF; use `guichets ingest captures` (printed page) or `ingest documents`"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "file is a web page; use `guichets ingest captures`"
    if head.startswith(b"{") and b'"log"' in data[:4096]:
        return "file is a HAR export; use `guichets ingest captures`"
    if head.startswith(b"pk"):
        return "file is a zip archive with another extension; rename it to .zip"
    if b"mime-version" in head or head.startswith((b"from:", b"received:", b"return-path:")):
        return "file is an e-mail or MHTML page; use `guichets ingest captures`"
    return "not a PNG, JPEG, WebP or HEIC image; remove it or convert it to PNG"


@dataclass
class Decoded:
    kind: str
    width: int
    height: int
    image: Image.Image


def decode_image(data: bytes) -> Decoded:
    """Open and fully decode an image; raise InputError on corrupt, truncated or bomb images."""
    from PIL import Image, UnidentifiedImageError

    kind = sniff(data)
    if kind is None:
        raise InputError(_not_image_hint(data))
    if kind == "heic":
        try:
            from pillow_heif import register_heif_opener
        except ImportError:
            raise InputError("HEIC image: install pillow-heif, or export it as PNG/JPEG") from None
        with WARNINGS_LOCK:
            register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        # warnings filters are process-wide and images are decoded in worker threads
        with WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
        img.load()  # the costly part, outside the lock
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            f"image has more than {MAX_PIXELS // 1_000_000} million pixels "
            "(decompression bomb?); refused"
        ) from None
    except UnidentifiedImageError:
        raise InputError(
            f"corrupt {kind.upper()} image; take or export the screenshot again"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        msg = str(e)
        what = "truncated" if "truncat" in msg.lower() or isinstance(e, EOFError) else "corrupt"
        raise InputError(
            f"{what} {kind.upper()} image ({msg}); copy the original again from the phone or computer"
        ) from None
    return Decoded(kind, img.width, img.height, img)
