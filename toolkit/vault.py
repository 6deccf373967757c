"""Content-addressed store of originals.

Each original is copied once, atomically (temporary file, fsync, rename), under
``vault/<first two hex>/<sha256>``, and made read-only. Nothing ever rewrites a
vault file: the same bytes always land at the same path, so a second copy is a no-op.
"""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import IntegrityError

CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class VaultReport:
    """Result of re-hashing the vault against the ``files`` table."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered)


class Vault:
    def __init__(self, root: Path) -> None:
        self.root = root

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
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            return digest, self.adopt(Path(tmp), digest)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def adopt(self, tmp: Path, digest: str) -> bool:
        """Move a fully written (and fsynced) file from the vault's own tree to its place,
        read-only; return whether it was new (an existing copy is kept and ``tmp`` removed)."""
        target = self.path_for(digest)
        if target.exists():
            tmp.unlink(missing_ok=True)
            return False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(tmp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(tmp, target)
        return True

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

    def verify(self, expected: dict[str, int]) -> VaultReport:
        """Re-hash every file listed in ``expected`` (sha256 -> size)."""
        report = VaultReport()
        for digest in sorted(expected):
            p = self.path_for(digest)
            report.checked += 1
            if not p.exists():
                report.missing.append(digest)
            elif sha256_file(p) != digest:
                report.altered.append(digest)
        known = set(expected)
        report.unexpected = [p.name for p in self.iter_files() if p.name not in known]
        return report
