"""The source file: its first chunk, its layout, its hash, and its copy into the vault.

:func:`open_source` (before the transaction) reads the first 4 MiB, which decide the
encoding (a BOM, else UTF-8 if they are) and refuse at once a first line longer than any
robot writes, and starts two passes in threads, never holding the file in memory: the
*layout* (:class:`Layout`, from ``toolkit.ingest.crawl.lines``: where lines and records end,
blank lines, line endings, quotes, the longest record), which must end before DuckDB reads
the whole file, so that a hostile file (a line of a gigabyte, a quote never closed, mixed
line endings) is refused or normalised before DuckDB buffers it; and the *hash* (SHA-256 and
whether all of it is UTF-8, which both release the GIL), which runs on while DuckDB reads. DuckDB reads the original through a symbolic
link in the ingest's work folder, so that a name with ``*``, ``?`` or ``[`` is never taken
for a pattern. When the file's turn comes in the transaction, the kernel copies it into a
temporary file in the workspace's ``tmp/`` (``shutil.copyfile``; the folder is on the vault's
file system, and the next open sweeps it after a crash) while DuckDB reads; once the rows are
read the copy is flushed (``fsync``) and moved to ``vault/<sha256[:2]>/<sha256>``, unless
the vault already holds those bytes. The original's size, times, inode and device are taken
first and compared once the hash is done (:attr:`SourceFile.digest`), after DuckDB's last
read (:meth:`SourceFile.check_unchanged`) and once the copy is made
(:meth:`SourceFile.finish_copy`): a file changed or replaced meanwhile is refused.
"""

from __future__ import annotations

import codecs
import os
import stat
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from toolkit.errors import InputError
from toolkit.ingest.crawl.lines import LINE_CAP, Layout, scan_layout

CHUNK = 4 << 20
T = TypeVar("T")


class Pass(Generic[T]):
    """A pass over a file in a thread: :meth:`result` waits for it and raises what it raised."""

    def __init__(self, work: object, path: Path, start: bool = False) -> None:
        self._value: T | None = None
        self._error: BaseException | None = None
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(work, path), daemon=True)
        if start:
            self.start()

    def start(self) -> None:
        if self._thread.ident is None:
            self._thread.start()

    def _run(self, work: object, path: Path) -> None:
        try:
            value = work(path, self._stopped)  # type: ignore[operator]
            if not self._stopped.is_set():  # a stopped pass found only part of the file
                self._value = value
        except BaseException as e:  # raised by result(), in the caller's thread
            self._error = e

    def result(self) -> T:
        if self._stopped.is_set():
            raise RuntimeError("the pass over the file was stopped")
        self.start()
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def stop(self) -> None:
        """Give up the pass (the file was refused) and wait for the thread."""
        self._stopped.set()
        if self._thread.ident is not None:
            self._thread.join()


@dataclass(frozen=True)
class Hash:
    """The hashing pass: the SHA-256 and whether every byte sequence is valid UTF-8."""

    digest: str
    size: int
    utf8: bool


@dataclass
class SourceFile:
    """A crawl file as given: its first chunk, its passes and its copy under way."""

    display: str  # the path as the user gave it: every message names this
    origin: Path  # the file itself (read by DuckDB through a link, never written)
    size: int
    stamp: tuple[int, ...]  # size, times, inode and device before anything was read
    encoding: str  # from the first chunk: utf-8, utf-8-sig, utf-16, cp1252 (see misread)
    head: bytes  # the first bytes (4 KiB), for format sniffing
    layout_pass: Pass[Layout]
    hash_pass: Pass[Hash]
    vault_tmp: Path  # the folder for the copy on its way into the vault (the workspace's tmp/)
    tmp: Path | None = None  # the copy, until it is committed
    copier: threading.Thread | None = None  # the kernel copy into ``tmp``
    copy_failure: list[BaseException] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.origin.name

    @property
    def layout(self) -> Layout:
        """Where lines and records end (waits for the layout pass)."""
        layout = self._wait(self.layout_pass)
        if layout.size != self.size and not layout.long_record_line:  # (that pass stops early)
            raise self.changed()
        return layout

    @property
    def digest(self) -> str:
        """The SHA-256 (waits for the hash, then refuses a file changed meanwhile)."""
        found = self._wait(self.hash_pass)
        if found.size != self.size:
            raise self.changed()
        self.check_unchanged()
        return found.digest

    def misread(self) -> bool:
        """Whether the file was read as UTF-8 from its first chunk but is not UTF-8."""
        return self.encoding == "utf-8" and not self._wait(self.hash_pass).utf8

    def _wait(self, work: Pass[T]) -> T:
        try:
            return work.result()
        except OSError as e:
            reason = e.strerror or str(e)
            raise InputError(f"{self.display}: cannot read ({reason})") from None

    def changed(self) -> InputError:
        return InputError(
            f"{self.display}: the file changed while it was being read; ingest it again"
        )

    def check_unchanged(self) -> None:
        """Refuse the file if it changed since it was opened (call after the last read)."""
        try:
            now = _stamp(self.origin)
        except OSError:
            now = None
        if now != self.stamp:
            raise self.changed()

    def start_copy(self, already_kept: bool) -> None:
        """Start the kernel copy beside the vault, unless the vault has these bytes."""
        if self.copier is not None or self.tmp is not None or already_kept:
            return
        self.vault_tmp.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=self.vault_tmp, prefix="crawl-")
        os.close(fd)
        self.tmp = Path(name)
        self.copier = threading.Thread(
            target=_copy, args=(self.origin, self.tmp, self.copy_failure), daemon=True
        )
        self.copier.start()

    def finish_copy(self) -> None:
        """Wait for the copy, then flush it to disk; refuse it if it failed or differs in
        size. (The flush waits until now: started as soon as the copy ends, it slowed
        DuckDB's insert; by now the kernel has mostly written the copy out on its own, see
        docs/crawl-design.md.)"""
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
        """Give up: stop the passes, wait for the copy, then remove it (even if the wait is
        interrupted; a copy still running then fails on its own, its file gone)."""
        try:
            self.layout_pass.stop()
            self.hash_pass.stop()
            if self.copier is not None:
                self.copier.join()
                self.copier = None
        finally:
            if self.tmp is not None:
                self.tmp.unlink(missing_ok=True)
                self.tmp = None


def open_source(path: Path, vault_tmp: Path, display: str) -> SourceFile:
    """Read the first chunk of ``path`` (its encoding, its first line) and start the layout
    and hash passes; the copy waits for :meth:`SourceFile.start_copy`."""
    try:
        before = _stamp(path)
        if not path.is_file():
            raise InputError(f"{display}: not a regular file; give the crawl export itself")
        with open(path, "rb", opener=_opener_no_wait) as f:
            if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # replaced by a pipe meanwhile
                raise InputError(f"{display}: not a regular file; give the crawl export itself")
            head = f.read(CHUNK)
    except OSError as e:
        raise InputError(
            f"{display}: cannot read ({e.strerror or e}); check the file's permissions"
        ) from None
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8" if _utf8_start(head, whole=len(head) == before[0]) else "cp1252"
    one_line = len(head) > LINE_CAP and b"\n" not in head and b"\r" not in head
    json_array = head.lstrip(b"\xef\xbb\xbf \t").startswith(b"[")  # may be one long line
    if encoding != "utf-16" and one_line and not json_array:
        raise InputError(
            f"{display}: line 1 is longer than {LINE_CAP >> 20} MiB: not a crawl export "
            "(a robot writes lines of a few hundred bytes); check the file"
        )
    return SourceFile(
        display=display,
        origin=path,
        size=before[0],
        stamp=before,
        encoding=encoding,
        head=head[:4096],
        layout_pass=Pass(scan_layout, path, start=True),
        hash_pass=Pass(_hash, path, start=True),
        vault_tmp=vault_tmp,
    )


def _opener_no_wait(path: str, flags: int) -> int:
    """``open``'s opener that never waits for a writer (a pipe put in the file's place)."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))


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


def _utf8_start(data: bytes, whole: bool) -> bool:
    """Whether ``data`` is valid UTF-8 (but for a character cut at its end, unless whole)."""
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data, final=whole)
    except UnicodeDecodeError:
        return False
    return True


def _hash(path: Path, stopped: threading.Event) -> Hash:
    """SHA-256 and UTF-8 validity of ``path``, one read, never all in memory."""
    import hashlib

    sha = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid_utf8, size = True, 0
    with open(path, "rb") as src:
        while not stopped.is_set() and (chunk := src.read(CHUNK)):
            sha.update(chunk)
            size += len(chunk)
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
    return Hash(digest=sha.hexdigest(), size=size, utf8=valid_utf8)


def _copy(path: Path, tmp: Path, failure: list[BaseException]) -> None:
    """The kernel copy; an error is kept for :meth:`SourceFile.finish_copy`."""
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
