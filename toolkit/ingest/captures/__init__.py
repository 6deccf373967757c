"""Failed-booking captures: saved pages (HTML, MHTML), HAR exports, printed PDFs, e-mails.

One reader module per format, listed in :data:`READERS`. Each exposes ``EXTENSIONS``,
``MEDIA_TYPE``, ``LABEL``, ``sniff(head)`` on the first bytes and ``read(data, name)``
returning :class:`CaptureRecord` values. The extension chooses the reader and the content
must confirm it: a PNG named ``.html`` is refused with a pointer to the right command,
never guessed at. Importing this package loads no heavy library.
"""

from __future__ import annotations

import os
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from toolkit.errors import InputError
from toolkit.ingest.captures import eml, har, html, mhtml, pdf
from toolkit.ingest.captures.base import CaptureReader, CaptureRecord

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from pathlib import Path

    from toolkit.ingest.records import IngestReport
    from toolkit.progress import ProgressCallback
    from toolkit.provenance import TimeRange
    from toolkit.workspace import Workspace

__all__ = ["READERS", "CaptureReader", "CaptureRecord", "detect", "ingest_captures"]

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


def ingest_captures(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    applicant_id: str,
    *,
    strict: bool = False,
    ocr: bool | None = None,
    time_range: TimeRange | None = None,
    progress: ProgressCallback | None = None,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> IngestReport:
    """Record each capture's booking pages as online attempts and each e-mail as a contact.

    ``paths``: files, folders (recursive) and zip archives of .html/.htm, .mhtml/.mht,
    .har, .pdf and .eml. Without ``strict``, valid files are recorded and problems are
    reported; with ``strict``, nothing is recorded unless every file is valid
    (ProblemsFound). ``ocr`` (for PDFs without a text layer): True requires it, None uses
    it when available, False never. ``time_range``: the times that can date an attempt
    (default 2000-01-01 to now + 1 day); others are kept as rejected candidates. ``file_times``: see
    :func:`toolkit.ingest.inputs.expand`.
    """
    from toolkit.ingest.captures.ingest import run

    return run(
        ws,
        paths,
        applicant_id,
        strict=strict,
        ocr=ocr,
        time_range=time_range,
        progress=progress,
        file_times=file_times,
    )
