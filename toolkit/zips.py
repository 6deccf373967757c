"""Zip files with the same bytes every time (DOCX, XLSX and bundles are zips).

Every entry gets one fixed time, Unix attributes ``rw-r--r--`` and a fixed compression, so
two builds from the same facts hash alike and ``guichets verify`` can compare them.
"""

from __future__ import annotations

import io
import zipfile

ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def fixed_entry(name: str, *, stored: bool = False) -> zipfile.ZipInfo:
    """A zip entry header that does not depend on when or where it is written."""
    info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    info.create_system = 3
    info.external_attr = 0o644 << 16
    return info


def normalize_zip(data: bytes) -> bytes:
    """The same zip with fixed entry headers, entries in their original order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(fixed_entry(info.filename), src.read(info.filename), compresslevel=6)
    return out.getvalue()
