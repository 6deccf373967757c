"""Expand what the user names (files, folders, zip archives) into input files.

Folders are walked recursively in a stable order. Only regular files are read: a device,
a named pipe or a socket named on the command line is refused (reading one may never end),
and one inside a folder is skipped. Zip archives are read in memory entry by entry, refusing
entries that would escape the archive (``../``, absolute paths) and entries whose size or
compression ratio betrays a zip bomb. Each archive is opened once and its central directory
read once, whatever the number of entries (re-opening it for every entry made 8,000 entries
take minutes). Hidden junk (.DS_Store, Thumbs.db, AppleDouble ``._`` files, ``__MACOSX/``) is
skipped silently.
"""

from __future__ import annotations

import os
import stat
import threading
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from toolkit.errors import Problem
from toolkit.paths import readable

MAX_ENTRY_BYTES = 200 * 1024 * 1024  # one original; a screenshot or a PDF is far smaller
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed; real screenshots and pages stay far below

JUNK_NAMES = {".ds_store", "thumbs.db", "desktop.ini", ".localized", "icon\r"}


def is_junk(name: str) -> bool:
    base = name.rsplit("/", 1)[-1]
    low = base.lower()
    return (
        low in JUNK_NAMES
        or base.startswith("._")
        or base.startswith("~$")
        or "__MACOSX/" in name
        or (base.startswith(".") and base not in (".", ".."))
    )


@dataclass
class InputFile:
    """One file to ingest, wherever it lives (disk or zip entry)."""

    display: str  # what messages show: path, or archive.zip!inner/name.png
    name: str  # base name, NFC-normalised
    mtime: datetime | None  # aware for files on disk; naive (wall-clock) for zip entries
    _read: Callable[[], bytes]
    size: int

    def read(self) -> bytes:
        try:
            return self._read()
        except OSError as e:
            raise EntryError(
                f"cannot read ({e.strerror or e}); check the file's permissions"
            ) from None

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


def _nfc(name: str) -> str:
    return unicodedata.normalize("NFC", readable(name))


def expand(
    paths: list[str | os.PathLike[str]],
    problems: list[Problem],
    *,
    open_zips: bool = True,
    exclude: list[Path] | None = None,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> Iterator[InputFile]:
    """Yield input files; append a Problem for each path or entry that cannot be used.

    Folders in ``exclude`` (the workspace itself) are never walked into. ``file_times``
    gives the modification time of files whose own was lost in a copy (a browser upload
    sends it apart, or not at all: None means unknown), by path as given.
    """
    skip = [p.resolve() for p in exclude or []]
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(Problem(readable(str(path)), "no such file or folder; check the path"))
            continue
        if path.is_dir():
            for sub in _walk(path, problems):
                rel = str(sub.relative_to(path))
                if skip and any(sub.resolve().is_relative_to(s) for s in skip):
                    continue
                if not is_junk(rel.replace(os.sep, "/")):
                    yield from _from_file(sub, problems, open_zips, file_times)
        elif not is_junk(path.name):
            yield from _from_file(path, problems, open_zips, file_times)


def _why(e: OSError) -> str:
    return f"{e.strerror or e}; check the path and its permissions"


def _walk(folder: Path, problems: list[Problem]) -> Iterator[Path]:
    """The regular files under ``folder``, in a stable order, never leaving it: a symbolic
    link found inside (to a file or a folder, here or elsewhere) is not followed but
    reported, and so is a FIFO, socket or device (reading one could block for ever)."""
    stack = [folder]
    found: list[Path] = []
    while stack:
        base = stack.pop()
        try:
            entries = list(os.scandir(base))
        except OSError as e:
            problems.append(Problem(readable(str(base)), f"cannot list this folder ({_why(e)})"))
            continue
        for entry in entries:
            sub = Path(entry.path)
            if entry.is_symlink():
                if not is_junk(entry.name):
                    problems.append(Problem(readable(str(sub)), _link_message(sub)))
            elif entry.is_dir(follow_symlinks=False):
                stack.append(sub)
            elif entry.is_file(follow_symlinks=False):
                found.append(sub)
            elif not is_junk(entry.name):
                problems.append(
                    Problem(
                        readable(str(sub)), "not a regular file (a FIFO, socket or device); skipped"
                    )
                )
    yield from sorted(found)


def _link_message(link: Path) -> str:
    try:
        target = os.readlink(link)
    except OSError:
        target = "?"
    return (
        f"symbolic link (to {target}) not followed: a folder is ingested without leaving it; "
        "give the link's target itself if you mean it"
    )


def _from_file(
    path: Path,
    problems: list[Problem],
    open_zips: bool,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> Iterator[InputFile]:
    if open_zips and path.suffix.lower() == ".zip":
        yield from _from_zip(path, problems)
        return
    try:
        st = path.stat()
    except OSError as e:
        problems.append(Problem(readable(str(path)), f"cannot read ({_why(e)})"))
        return
    if not stat.S_ISREG(st.st_mode):
        problems.append(
            Problem(
                readable(str(path)),
                "not a regular file (a device, pipe or socket); copy the evidence to a file "
                "and give that file",
            )
        )
        return
    if st.st_size > MAX_ENTRY_BYTES:
        problems.append(
            Problem(
                readable(str(path)),
                f"{st.st_size // 2**20} MB is too large for one original (limit 200 MB)",
            )
        )
        return

    def read(p: Path = path) -> bytes:
        return read_bounded(p, MAX_ENTRY_BYTES)

    mtime: datetime | None = datetime.fromtimestamp(st.st_mtime, tz=UTC)  # an instant
    if file_times is not None and path in file_times:
        mtime = file_times[path]
    yield InputFile(
        display=readable(str(path)),
        name=_nfc(path.name),
        mtime=mtime,
        _read=read,
        size=st.st_size,
    )


def _unsafe(name: str) -> bool:
    p = PurePosixPath(name.replace("\\", "/"))
    return p.is_absolute() or ".." in p.parts or (len(name) > 1 and name[1] == ":")


def read_bounded(path: Path, limit: int) -> bytes:
    """The bytes of a regular file, refusing one that grew past ``limit`` since it was listed."""
    with open(path, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise EntryError(f"larger than {limit // 2**20} MB (it grew while being read?); refused")
    return data


class _Archive:
    """One zip archive, opened once; its entries are read through it, one at a time."""

    def __init__(self, path: Path, zf: zipfile.ZipFile) -> None:
        self.path = path
        self.zf = zf
        self.lock = threading.Lock()  # screenshots are read by worker threads

    def read(self, info: zipfile.ZipInfo) -> bytes:
        """Read at most the declared size (+1 byte), so a lying header cannot inflate
        without bound."""
        try:
            with self.lock, self.zf.open(info) as f:
                data = f.read(info.file_size + 1)
        except NotImplementedError as e:  # compression method zipfile does not know
            raise EntryError(
                f"compressed with a method this program cannot read ({e}); re-create the "
                "archive with ordinary zip compression (deflate)"
            ) from None
        except RuntimeError as e:  # an encrypted entry
            raise EntryError(
                f"cannot extract ({e}); re-create the archive without a password"
            ) from None
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, zlib.error) as e:
            raise EntryError(f"cannot extract from the archive ({e}); re-create it") from None
        if len(data) > info.file_size:
            raise EntryError("zip entry is larger than its header says (zip bomb?); refused")
        return data


def _from_zip(path: Path, problems: list[Problem]) -> Iterator[InputFile]:
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            problems.append(
                Problem(readable(str(path)), "not a regular file; give the .zip file itself")
            )
            return
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        problems.append(
            Problem(readable(str(path)), f"not a readable zip archive ({e}); re-create it")
        )
        return
    archive = _Archive(path, zf)  # kept open by the entries' readers, closed with the last
    infos = [i for i in zf.infolist() if not i.is_dir()]
    total = sum(i.file_size for i in infos)
    if total > MAX_ARCHIVE_BYTES:
        problems.append(
            Problem(
                readable(str(path)),
                "archive expands to more than 2 GB; unzip it and ingest the folder",
            )
        )
        return
    for info in sorted(infos, key=lambda i: i.filename):
        name = _nfc(info.filename)
        where = f"{path}!{name}"
        if is_junk(name):
            continue
        if _unsafe(info.filename):
            problems.append(
                Problem(where, "zip entry would be written outside the archive; refused")
            )
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_ENTRY_BYTES or (info.file_size > 10 * 2**20 and ratio > MAX_RATIO):
            problems.append(
                Problem(
                    where,
                    "zip entry is suspiciously large once uncompressed (zip bomb?); refused",
                )
            )
            continue
        if info.filename.lower().endswith(".zip"):
            problems.append(Problem(where, "nested zip archive; unzip it first"))
            continue
        try:
            mtime: datetime | None = datetime(*info.date_time)
        except ValueError:
            mtime = None

        def read(entry: zipfile.ZipInfo = info) -> bytes:
            return archive.read(entry)

        yield InputFile(
            display=where,
            name=PurePosixPath(name).name,
            mtime=mtime,
            _read=read,
            size=info.file_size,
        )


class EntryError(Exception):
    """A zip entry that cannot be extracted (reported as a Problem by the caller)."""
