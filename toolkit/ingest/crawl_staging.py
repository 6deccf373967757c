"""A crawl file on its way into the vault: copied beside it, hashed, then understood.

The copy is made by the kernel (``shutil.copyfile``) into ``vault/.incoming-*`` while this
thread reads the original once to hash it, count its newlines and check that it is UTF-8;
a file that changes meanwhile is refused. The copy is flushed to disk (``fsync``) in the
background while DuckDB reads it, and moved to ``vault/<sha256[:2]>/<sha256>`` only once the
rows are recorded — nothing of a large file is ever held in memory.
"""

from __future__ import annotations

import codecs
import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError

CHUNK = 4 << 20
MEDIA_TYPES = {
    "csv": "text/csv", "json": "application/json", "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}  # fmt: skip


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def ident(name: str) -> str:
    """A SQL identifier, quoted."""
    return '"' + str(name).replace('"', '""') + '"'


@dataclass
class Staged:
    """A crawl file copied (streaming) beside the vault, hashed, and understood."""

    display: str
    name: str
    digest: str
    size: int
    tmp: Path | None  # the copy inside the vault folder, until it is committed
    newlines: int
    ends_with_newline: bool
    encoding: str  # as detected in the copy pass: utf-8, utf-8-sig, utf-16, cp1252
    fsync: threading.Thread | None = None
    format: str = "csv"
    detected_by: str = "extension"
    read_path: Path | None = None  # what DuckDB reads (the vault file or a UTF-8 copy)
    columns: list[str] = field(default_factory=list)
    options: str = ""  # reader arguments after the path
    dialect: tuple[str, str, str] | None = None  # CSV delimiter, quote, escape
    header: bool = True
    expected_rows: int | None = None  # None: unknown, count while validating
    line_sql: str = "row_number() OVER ()"
    notices: list[str] = field(default_factory=list)

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


def copy_to_vault_dir(path: Path, vault_root: Path, display: str) -> Staged:
    """Copy ``path`` beside the vault (kernel copy) while hashing it, counting newlines and
    checking UTF-8 in this thread; refuse a file that changed meanwhile."""
    import hashlib
    import shutil

    vault_root.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=vault_root, prefix=".incoming-")
    os.close(fd)
    tmp = Path(tmp_name)
    failure: list[BaseException] = []

    def copy() -> None:
        try:
            shutil.copyfile(path, tmp)
        except BaseException as e:  # reported by the caller's thread
            failure.append(e)

    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")()
    valid_utf8, newlines, size, head, last = True, 0, 0, b"", b""
    try:
        before = os.stat(path)
        copier = threading.Thread(target=copy, daemon=True)
        copier.start()
        try:
            with open(path, "rb") as src:
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    newlines += chunk.count(b"\n")
                    size += len(chunk)
                    head = head or chunk[:4]
                    last = chunk[-1:]
                    if valid_utf8 and not (chunk.isascii() and not decoder.getstate()[0]):
                        try:
                            decoder.decode(chunk)
                        except UnicodeDecodeError:
                            valid_utf8 = False
        finally:
            copier.join()
        if failure:
            raise failure[0]
        after = os.stat(path)
        if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or (
            size != after.st_size
        ):
            raise InputError("the file changed while it was being copied; ingest it again")
        if valid_utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                valid_utf8 = False
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot read ({e.strerror or e}); check the file's permissions") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8" if valid_utf8 else "cp1252"
    staged = Staged(
        display=display,
        name=path.name,
        digest=digest.hexdigest(),
        size=size,
        tmp=tmp,
        newlines=newlines,
        ends_with_newline=last == b"\n",
        encoding=encoding,
    )
    # The bytes reach the disk while DuckDB reads them from the page cache.
    staged.fsync = threading.Thread(target=_fsync, args=(tmp,), daemon=True)
    staged.fsync.start()
    return staged


def _fsync(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
