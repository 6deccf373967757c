"""Content-addressed store of originals.

Each original is copied once, atomically (temporary file, fsync, rename), under
``vault/<first two hex>/<sha256>``, and made read-only. Nothing ever rewrites a
vault file: the same bytes always land at the same path, so a second copy is a no-op.
The temporary file is written in the workspace's ``tmp/`` folder (``toolkit.scratch``),
never inside the vault, so that a crash leaves no hidden copy among the originals.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import stat
from collections.abc import Iterator
from pathlib import Path

from toolkit.errors import NO_SPACE, IntegrityError, disk_full, os_failure
from toolkit.scratch import LEGACY_PREFIX, new_file

CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class Vault:
    def __init__(self, root: Path, tmp: Path | None = None) -> None:
        self.root = root
        self.tmp = tmp if tmp is not None else root.parent / "tmp"

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def __contains__(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def store(self, data: bytes) -> tuple[str, bool]:
        """Store ``data``; return its sha256 and whether a new file was written."""
        digest = sha256_bytes(data)
        target = self.path_for(digest)
        if target.exists():
            return digest, False
        try:
            tmp = new_file(self.tmp, prefix="vault-")
        except OSError as e:
            raise os_failure(e, self.tmp) from None
        try:
            with open(tmp, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            return digest, self.adopt(tmp, digest)
        except OSError as e:
            tmp.unlink(missing_ok=True)
            if e.errno in NO_SPACE:
                raise disk_full(self.root) from None
            raise
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise

    def adopt(self, tmp: Path, digest: str) -> bool:
        """Move a fully written (and fsynced) file from the workspace's ``tmp/`` folder to its
        place, read-only; return whether it was new (an existing copy is kept and ``tmp``
        removed)."""
        target = self.path_for(digest)
        if target.exists():
            tmp.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        try:
            os.replace(tmp, target)
        except OSError as e:
            if e.errno != errno.EXDEV:
                raise
            self._copy_across(tmp, target)  # the vault is on another file system
        return True

    def _copy_across(self, tmp: Path, target: Path) -> None:
        """Copy ``tmp`` next to ``target``, flush it, rename it into place, remove ``tmp``."""
        near = new_file(target.parent, prefix=LEGACY_PREFIX)
        try:
            shutil.copyfile(tmp, near)
            with open(near, "rb+") as f:
                os.fsync(f.fileno())
            os.chmod(near, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            os.replace(near, target)
        except BaseException:
            near.unlink(missing_ok=True)
            raise
        tmp.unlink(missing_ok=True)

    def read(self, sha256: str) -> bytes:
        """The original's bytes, checked against its sha256 (IntegrityError when it is missing,
        unreadable or altered: nothing must be built on a damaged original)."""
        path = self.original(sha256)
        data = path.read_bytes()
        if sha256_bytes(data) != sha256:
            raise IntegrityError(
                f"original {sha256} in the vault was altered (its content no longer matches "
                "its sha256); run `guichets verify` and restore it from a backup"
            )
        return data

    def original(self, sha256: str) -> Path:
        """The path of an original that is in the vault as a regular file (IntegrityError
        otherwise); its content is not checked."""
        path = self.path_for(sha256)
        try:
            regular = stat.S_ISREG(path.stat().st_mode)
        except OSError:
            regular = None
        if not regular:
            what = "missing from" if regular is None else "not a regular file in"
            raise IntegrityError(
                f"original {sha256} is {what} the vault; run `guichets verify` and restore "
                "the vault from a backup"
            )
        return path

    def remove(self, sha256: str) -> None:
        """Undo a store made inside a transaction that rolled back."""
        p = self.path_for(sha256)
        if p.exists():
            os.chmod(p, stat.S_IWUSR | stat.S_IRUSR)
            p.unlink()

    def iter_files(self) -> Iterator[Path]:
        if not self.root.exists():
            return
        for p in sorted(self.root.glob("??/*")):
            if p.is_file() and not p.name.startswith("."):
                yield p
