"""The capture readers by format, and how a file's format is chosen (its extension,
confirmed by its first bytes)."""

from __future__ import annotations

from pathlib import PurePosixPath

from toolkit.errors import InputError
from toolkit.ingest.captures import eml, har, html, mhtml, pdf
from toolkit.ingest.captures.base import CaptureReader

READERS: dict[str, CaptureReader] = {
    "html": html,
    "mhtml": mhtml,
    "har": har,
    "pdf": pdf,
    "eml": eml,
}

HEAD_BYTES = 8192  # what sniff() sees

# What else a misnamed file may be: (signature test, description, what to do).
_ELSEWHERE: tuple[tuple[tuple[bytes, ...], str, str], ...] = (
    ((b"\x89PNG\r\n\x1a\n",), "a PNG image", "use `guichets ingest screenshots`"),
    ((b"\xff\xd8\xff",), "a JPEG image", "use `guichets ingest screenshots`"),
    (
        (b"GIF87a", b"GIF89a"),
        "a GIF image",
        "convert it to PNG, then `guichets ingest screenshots`",
    ),
    ((b"PK\x03\x04",), "a zip archive", "rename it to .zip and ingest it again"),
)
# Readers tried on a misnamed file, most specific first (an MHTML archive is also MIME).
_SNIFF_ORDER = ("pdf", "har", "mhtml", "eml", "html")


def supported_extensions() -> list[str]:
    return sorted(ext for reader in READERS.values() for ext in reader.EXTENSIONS)


def _what_is(head: bytes) -> tuple[str, str] | None:
    """(description, advice) for content that is not what its name says, if recognised."""
    for signatures, what, advice in _ELSEWHERE:
        if head.startswith(signatures):
            return what, advice
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "a WebP image", "use `guichets ingest screenshots`"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "a HEIC image", "use `guichets ingest screenshots`"
    for fmt in _SNIFF_ORDER:
        reader = READERS[fmt]
        if reader.sniff(head):
            return reader.LABEL, f"rename it to {reader.EXTENSIONS[0]}"
    return None


def detect(name: str, data: bytes) -> str:
    """The format of a file: chosen by its extension, confirmed by its first bytes."""
    suffix = PurePosixPath(name).suffix.lower()
    head = data[:HEAD_BYTES]
    fmt = next((f for f, r in READERS.items() if suffix in r.EXTENSIONS), None)
    if fmt is None:
        found = _what_is(head)
        hint = f" ({found[0]}; {found[1]})" if found else ""
        what = f"file type {suffix}" if suffix else "file without an extension"
        raise InputError(
            f"unsupported {what}{hint}; captures are {', '.join(supported_extensions())}"
        )
    if not head.strip() and not data.strip():
        raise InputError("empty file; save or export it again")
    reader = READERS[fmt]
    if reader.sniff(head):
        return fmt
    found = _what_is(head)
    if found is not None:
        raise InputError(f"this {suffix} file is {found[0]}; {found[1]}")
    raise InputError(
        f"this {suffix} file is not {reader.LABEL} (its content is not recognised); "
        "save or export it again"
    )
