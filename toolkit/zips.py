"""Zip files with the same bytes every time (DOCX, XLSX and bundles are zips).

Every entry gets one fixed time, Unix attributes ``rw-r--r--`` and a fixed compression, so
two builds from the same facts hash alike and ``guichets verify`` can compare them.
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import BinaryIO

from toolkit.errors import InputError
from toolkit.vault import sha256_file

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


def write_members(f: BinaryIO, members: list[tuple[str, Path | bytes]]) -> None:
    """Write a zip of ``members`` to the binary file ``f``: bytes deflated, files streamed
    and stored, every entry header fixed."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for name, content in members:
            if isinstance(content, bytes):
                z.writestr(fixed_entry(name), content)
                continue
            info = fixed_entry(name, stored=True)  # screenshots are compressed already
            info.file_size = content.stat().st_size
            with open(content, "rb") as src, z.open(info, "w") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)


def write_zip(out: Path, members: list[tuple[str, Path | bytes]], what: str = "the file") -> str:
    """Write a zip of ``members`` (see :func:`write_members`) atomically, unrecorded (test
    fixtures; commands write through ``toolkit.outputs``); return its sha256. ``what``
    names it in errors."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
        os.close(fd)
    except OSError as e:
        raise InputError(f"{out}: cannot write {what} here ({e.strerror or e})") from None
    try:
        with open(tmp, "wb") as f:
            write_members(f, members)
        digest = sha256_file(Path(tmp))
        os.replace(tmp, out)
    except OSError as e:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"{out}: cannot write {what} ({e.strerror or e})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def zip_folder(folder: Path, out: Path, *, root: str | None = None) -> str:
    """Write every file of ``folder`` (recursively, sorted) into ``out`` under the top folder
    ``root`` (default: the folder's name), with fixed headers; return the zip's sha256.

    Unzipped, it gives the folder back byte for byte, so ``guichets verify`` accepts it as
    it accepted the folder."""
    top = root if root is not None else folder.name
    members: list[tuple[str, Path | bytes]] = [
        (f"{top}/{p.relative_to(folder).as_posix()}", p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    ]
    if not members:
        raise InputError(f"{folder}: nothing to put in a zip (the folder is empty)")
    return write_zip(out, members, what=f"the zip of {folder.name}")
