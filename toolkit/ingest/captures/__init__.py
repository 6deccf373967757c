"""Failed-booking captures: saved pages (HTML, MHTML), HAR exports, printed PDFs, e-mails.

One reader module per format, listed in :data:`READERS`. Each exposes ``EXTENSIONS``,
``MEDIA_TYPE``, ``LABEL``, ``sniff(head)`` on the first bytes and ``read(data, name)``
returning :class:`CaptureRecord` values. The extension chooses the reader and the content
must confirm it: a PNG named ``.html`` is refused with a pointer to the right command,
never guessed at. Importing this package loads no heavy library.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from toolkit.ingest.captures.base import CaptureReader, CaptureRecord
from toolkit.ingest.captures.registry import READERS, detect, supported_extensions

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from pathlib import Path

    from toolkit.ingest.records import IngestReport
    from toolkit.progress import ProgressCallback
    from toolkit.provenance import TimeRange
    from toolkit.workspace import Workspace

__all__ = [
    "READERS",
    "CaptureReader",
    "CaptureRecord",
    "detect",
    "ingest_captures",
    "supported_extensions",
]


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
