"""A crawl file on its way into the vault: its first chunk read, then the whole file read,
hashed, scanned and copied at once.

Staging (before the transaction) reads the first 4 MiB (the encoding: a BOM, else UTF-8 if
they are). When DuckDB starts reading the file, a thread makes one pass over it, never
holding it in memory (:class:`Reading`): its SHA-256 (which releases the GIL), its newlines
(numpy), whether all of it is UTF-8 (:meth:`Staged.misread`), where a line starts in each
4 MiB chunk and whether a double quote appears at all (``crawl_window`` uses both). DuckDB
reads the original through a symbolic link in the ingest's work folder, so that a name with
``*``, ``?`` or ``[`` is never taken for a pattern. When the file's turn comes in the
transaction, the kernel copies it into ``vault/.incoming-*`` (``shutil.copyfile``) while
DuckDB reads it; once the rows are read the copy is flushed (``fsync``) and moved to
``vault/<sha256[:2]>/<sha256>``, and it is skipped when the vault already holds those
bytes. The original's size, times, inode and device are taken before the scan and compared
once the hash is done (:attr:`Staged.digest`), after DuckDB's last read
(:meth:`Staged.check_unchanged`) and once the copy is made (:meth:`Staged.finish_copy`): a
file changed or replaced meanwhile is refused.
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
    """A crawl file understood from its first chunk, its pass and its copy under way."""

    display: str
    name: str
    reading: Reading  # the pass hashing and scanning the file: read it by :attr:`scan`
    size: int
    tmp: Path | None  # the copy inside the vault folder, until it is committed
    encoding: str  # from the first chunk: utf-8, utf-8-sig, utf-16, cp1252 (see misread)
    origin: Path | None = None  # the file as given (read by DuckDB, never written)
    stamp: tuple[int, ...] | None = None  # its size, times, inode and device before the hash
    vault_root: Path | None = None
    copier: threading.Thread | None = None  # the kernel copy into ``tmp``, then its fsync
    copy_failure: list[BaseException] = field(default_factory=list)
    format: str = "csv"
    detected_by: str = "extension"
    read_path: Path | None = None  # what DuckDB reads: a link to the original, or a copy
    head_path: Path | None = None  # its first lines, for describing and sampling (CSV)
    columns: list[str] = field(default_factory=list)
    options: str = ""  # reader arguments after the path
    dialect: tuple[str, str, str] | None = None  # CSV delimiter, quote, escape
    header: bool = True
    rows_known: int | None = None  # rows, when known otherwise than by counting lines
    lines_less: int | None = None  # or: rows = the file's lines less this (header)
    line_sql: str = "row_number() OVER ()"
    notices: list[str] = field(default_factory=list)
    offsets_valid: bool = True  # False when DuckDB reads a transcoded copy

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def scan(self) -> Scan:
        """What the pass over the file found: waits for it, then refuses a file changed
        meanwhile."""
        try:
            scan = self.reading.result()
        except OSError as e:
            reason = e.strerror or str(e)
            raise InputError(f"{self.display}: cannot read ({reason})") from None
        if scan.size != self.size:
            raise InputError(
                f"{self.display}: the file changed while it was being read; ingest it again"
            )
        self.check_unchanged()
        return scan

    @property
    def digest(self) -> str:
        return self.scan.digest

    @property
    def marks(self) -> tuple[int, ...]:
        """The first line start in each chunk after the first (none in a transcoded copy)."""
        return self.scan.marks if self.offsets_valid else ()

    @property
    def quotes(self) -> frozenset[str]:
        return self.scan.quotes

    @property
    def expected_rows(self) -> int | None:
        """The rows the file holds (None: unknown, count while validating)."""
        if self.lines_less is None:
            return self.rows_known
        scan = self.scan
        lines = scan.newlines + (0 if scan.ends_with_newline or not self.size else 1)
        return max(lines - self.lines_less, 0)

    def misread(self) -> bool:
        """Whether the file was read as UTF-8 from its first chunk but is not UTF-8."""
        return self.encoding == "utf-8" and not self.scan.utf8

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
        """Wait for the copy, then flush it to disk; refuse it if it failed or differs in
        size. (The flush waits until now: started as soon as the copy ends, it slowed
        DuckDB's insert by about 0.7 s on 10 M rows; by now the kernel has mostly written
        the copy out on its own.)"""
        if self.copier is not None:
            self.copier.join()
            self.copier = None
        try:
            if self.tmp is not None and not self.copy_failure:
                _fsync(self.tmp)
        except OSError as flush_error:
            self.copy_failure.append(flush_error)
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
            self.reading.stop()
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


@dataclass(frozen=True)
class Scan:
    """One pass over a file: its SHA-256 and what ``crawl_window`` and the counts need."""

    digest: str
    size: int
    newlines: int
    ends_with_newline: bool
    utf8: bool  # every byte sequence is valid UTF-8
    marks: tuple[int, ...]  # the offset of the first line start in each chunk after the first
    quotes: frozenset[str]  # which :data:`QUOTES` appear


class Reading:
    """The pass over a file, in a thread started when DuckDB starts reading the file (SHA-256
    and numpy release the GIL; started earlier, it slowed the Python of the sampling)."""

    def __init__(self, path: Path) -> None:
        self._scan: Scan | None = None
        self._error: BaseException | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(path,), daemon=True)

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def _run(self, path: Path) -> None:
        try:
            scan = _scan(path, self._stopped)
            if not self._stopped.is_set():  # a stopped pass found only part of the file
                self._scan = scan
        except BaseException as e:  # raised by result(), in the caller's thread
            self._error = e

    def result(self) -> Scan:
        """What the pass found (raises what the pass raised); starts it if it waits."""
        if self._stopped.is_set():
            raise RuntimeError("the pass over the file was stopped")
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._scan is not None
        return self._scan

    def stop(self) -> None:
        """Give up the pass (the file was refused) and wait for the thread."""
        self._stopped.set()
        if self._thread.ident is not None:
            self._thread.join()


def stage(path: Path, vault_root: Path, display: str) -> Staged:
    """Read the first chunk of ``path`` (its encoding) and start the pass over the whole
    file; the copy into the vault waits for :meth:`Staged.start_copy`."""
    try:
        before = _stamp(path)
        with open(path, "rb") as f:
            head = f.read(CHUNK)
    except OSError as e:
        raise InputError(f"cannot read ({e.strerror or e}); check the file's permissions") from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8" if _utf8_start(head, whole=len(head) == before[0]) else "cp1252"
    return Staged(
        display=display,
        name=path.name,
        reading=Reading(path),
        size=before[0],
        tmp=None,
        encoding=encoding,
        origin=path,
        stamp=before,
        vault_root=vault_root,
    )


def _utf8_start(data: bytes, whole: bool) -> bool:
    """Whether ``data`` is valid UTF-8 (but for a character cut at its end, unless whole)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def _scan(path: Path, stopped: threading.Event | None = None) -> Scan:
    """Hash ``path`` and count its newlines, check UTF-8, note a line start in each chunk
    after the first and which :data:`QUOTES` appear — one read, never all in memory."""
    import hashlib

    import numpy as np

    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid_utf8, newlines, size, last = True, 0, 0, b""
    marks: list[int] = []
    quotes: set[str] = set()
    found = np.empty(CHUNK, dtype=bool)
    with open(path, "rb") as src:
        while not (stopped and stopped.is_set()) and (chunk := src.read(CHUNK)):
            sha.update(chunk)
            # numpy compares the whole chunk at once: 7 times faster than bytes.count
            is_newline = np.equal(np.frombuffer(chunk, np.uint8), 10, out=found[: len(chunk)])
            newlines += int(np.count_nonzero(is_newline))
            if size:  # a line starts here, or after the chunk's first newline
                start = 0 if last == b"\n" else chunk.find(b"\n") + 1
                if start or last == b"\n":
                    marks.append(size + start)
            quotes.update(q for q in QUOTES if q not in quotes and q.encode() in chunk)
            size += len(chunk)
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
    return Scan(
        digest=sha.hexdigest(),
        size=size,
        newlines=newlines,
        ends_with_newline=last == b"\n",
        utf8=valid_utf8,
        marks=tuple(sorted({m for m in marks if m < size})),
        quotes=frozenset(quotes),
    )


def _copy(path: Path, tmp: Path, failure: list[BaseException]) -> None:
    """The kernel copy; an error is kept for :meth:`Staged.finish_copy`."""
    import shutil

    try:
        shutil.copyfile(path, tmp)
    except BaseException as e:  # reported by the caller's thread
        failure.append(e)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
