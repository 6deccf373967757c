"""A crawl file on its way into the vault: hashed and understood, then read while copied.

Staging (before the transaction) reads the original twice at once, never holding it in
memory: a thread hashes it (SHA-256 releases the GIL) while this thread counts its newlines,
checks that it is UTF-8, notes where a line starts in each 4 MiB chunk and whether a double
quote appears at all (``crawl_window`` uses both). DuckDB then reads the original through a symbolic link in the
ingest's work folder, so that a name with ``*``, ``?`` or ``[`` is never taken for a
pattern. When the file's turn comes in the transaction, the kernel copies it into
``vault/.incoming-*`` (``shutil.copyfile``, then ``fsync``) while DuckDB reads it; the copy
is moved to ``vault/<sha256[:2]>/<sha256>`` once the rows are recorded, and skipped when the
vault already holds those bytes. The original's size, times, inode and device are taken
before the hash and compared after DuckDB's last read (:meth:`Staged.check_unchanged`) and
once the copy is made (:meth:`Staged.finish_copy`): a file changed or replaced meanwhile is
refused.
"""

from __future__ import annotations

import codecs
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError
from toolkit.sqltext import lit

CHUNK = 4 << 20
QUOTES = ('"',)  # whose presence the scan notes (another quote: unknown)
MEDIA_TYPES = {
    "csv": "text/csv", "json": "application/json", "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}  # fmt: skip


@dataclass
class Staged:
    """A crawl file hashed and understood, its copy beside the vault under way."""

    display: str
    name: str
    digest: str
    size: int
    tmp: Path | None  # the copy inside the vault folder, until it is committed
    newlines: int
    ends_with_newline: bool
    encoding: str  # as detected in the hash pass: utf-8, utf-8-sig, utf-16, cp1252
    origin: Path | None = None  # the file as given (read by DuckDB, never written)
    stamp: tuple[int, ...] | None = None  # its size, times, inode and device before the hash
    vault_root: Path | None = None
    copier: threading.Thread | None = None  # the kernel copy into ``tmp``, then its fsync
    copy_failure: list[BaseException] = field(default_factory=list)
    format: str = "csv"
    detected_by: str = "extension"
    read_path: Path | None = None  # what DuckDB reads: a link to the original, or a copy
    columns: list[str] = field(default_factory=list)
    options: str = ""  # reader arguments after the path
    dialect: tuple[str, str, str] | None = None  # CSV delimiter, quote, escape
    header: bool = True
    expected_rows: int | None = None  # None: unknown, count while validating
    line_sql: str = "row_number() OVER ()"
    notices: list[str] = field(default_factory=list)
    marks: list[int] = field(default_factory=list)  # the first line start in each later chunk
    quotes: frozenset[str] = frozenset(QUOTES)  # the QUOTES in the file (all of them: unknown)

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def source_sql(self, path: Path | None = None) -> str:
        """The FROM clause reading the file."""
        where = lit(str(path or self.read_path))
        if self.format in ("csv", "xlsx"):
            return f"read_csv({where}, {self.options})"
        if self.format in ("json", "jsonl"):
            return f"read_json({where}, {self.options})"
        return f"read_parquet({where})"

    def check_unchanged(self) -> None:
        """Refuse the file if it changed since it was hashed (call after the last read)."""
        if self.origin is None or self.stamp is None:
            return
        try:
            now = _stamp(self.origin)
        except OSError:
            now = None
        if now != self.stamp:
            raise InputError(
                f"{self.display}: the file changed while it was being read; ingest it again"
            )

    def start_copy(self, already_kept: bool) -> None:
        """Start the kernel copy into the vault folder, unless the vault has these bytes."""
        if self.copier is not None or self.tmp is not None or already_kept:
            return
        assert self.origin is not None and self.vault_root is not None
        self.vault_root.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.vault_root, prefix=".incoming-")
        os.close(fd)
        self.tmp = Path(name)
        self.copier = threading.Thread(
            target=_copy, args=(self.origin, self.tmp, self.copy_failure), daemon=True
        )
        self.copier.start()

    def finish_copy(self) -> None:
        """Wait for the copy (and its fsync); refuse it if it failed or differs in size."""
        if self.copier is not None:
            self.copier.join()
            self.copier = None
        if self.copy_failure:
            e = self.copy_failure[0]
            reason = e.strerror if isinstance(e, OSError) and e.strerror else str(e)
            raise InputError(f"{self.display}: cannot copy into the vault ({reason})")
        self.check_unchanged()
        if self.tmp is not None and self.tmp.stat().st_size != self.size:
            raise InputError(f"{self.display}: the vault copy is incomplete; ingest it again")

    def discard(self) -> None:
        """Give up the copy: wait for it, then remove it (even if the wait is interrupted;
        a copy still running then fails on its own, its file gone)."""
        try:
            if self.copier is not None:
                self.copier.join()
                self.copier = None
        finally:
            if self.tmp is not None:
                self.tmp.unlink(missing_ok=True)
                self.tmp = None


def _stamp(path: Path) -> tuple[int, ...]:
    """What changes when a file is written or replaced: size, modification and change times
    (the change time cannot be set back), inode and device."""
    st = os.stat(path)
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev


def read_link(path: Path, work: Path, number: int) -> Path:
    """A name for DuckDB to read ``path`` by, free of pattern characters: a symbolic link in
    the work folder (a copy where links cannot be made)."""
    import re
    import shutil

    suffix = path.suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,8}", path.suffix.lower()) else ""
    link = work / f"original-{number}{suffix}"
    try:
        link.symlink_to(path.resolve())
    except OSError:
        shutil.copyfile(path, link)
    return link


def stage(path: Path, vault_root: Path, display: str) -> Staged:
    """Hash ``path`` (a thread) while counting its newlines and checking UTF-8 (this thread);
    the copy into the vault waits for :meth:`Staged.start_copy`."""
    import hashlib

    failure: list[BaseException] = []
    digest = hashlib.sha256()
    hashed: list[int] = []

    def hash_file() -> None:
        try:
            with open(path, "rb") as src:
                total = 0
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    total += len(chunk)
            hashed.append(total)
        except BaseException as e:  # reported by the caller's thread
            failure.append(e)

    try:
        before = _stamp(path)
        hasher = threading.Thread(target=hash_file, daemon=True)
        hasher.start()
        try:
            newlines, size, head, last, valid_utf8, marks, quotes = _scan(path)
        finally:
            hasher.join()
        if failure:
            raise failure[0]
        if _stamp(path) != before or size != before[0] or hashed != [size]:
            raise InputError("the file changed while it was being read; ingest it again")
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror or e}); check the file's permissions") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8" if valid_utf8 else "cp1252"
    return Staged(
        display=display,
        name=path.name,
        digest=digest.hexdigest(),
        size=size,
        tmp=None,
        newlines=newlines,
        ends_with_newline=last == b"\n",
        encoding=encoding,
        origin=path,
        stamp=before,
        vault_root=vault_root,
        marks=marks,
        quotes=quotes,
    )


def _scan(path: Path) -> tuple[int, int, bytes, bytes, bool, list[int], frozenset[str]]:
    """Newlines, size, first bytes, last byte, whether the whole file is UTF-8, the offset of
    the first line start in each chunk after the first, and which :data:`QUOTES` appear."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid_utf8, newlines, size, head, last = True, 0, 0, b"", b""
    marks: list[int] = []
    quotes: set[str] = set()
    with open(path, "rb") as src:
        while chunk := src.read(CHUNK):
            newlines += chunk.count(b"\n")
            if size:  # a line starts here, or after the chunk's first newline
                start = 0 if last == b"\n" else chunk.find(b"\n") + 1
                if start or last == b"\n":
                    marks.append(size + start)
            quotes.update(q for q in QUOTES if q not in quotes and q.encode() in chunk)
            size += len(chunk)
            head = head or chunk[:4]
            last = chunk[-1:]
            if valid_utf8 and not (chunk.isascii() and not decoder.getstate()[0]):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    valid_utf8 = False
    if valid_utf8:
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            valid_utf8 = False
    marks = sorted({m for m in marks if m < size})
    return newlines, size, head, last, valid_utf8, marks, frozenset(quotes)


def _copy(path: Path, tmp: Path, failure: list[BaseException]) -> None:
    """Kernel copy, then fsync; an error is kept for :meth:`Staged.finish_copy`."""
    import shutil

    try:
        shutil.copyfile(path, tmp)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException as e:  # reported by the caller's thread
        failure.append(e)
