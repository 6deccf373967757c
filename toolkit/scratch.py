"""The workspace's own temporary folder, ``WORKSPACE/tmp/`` (part of the store layer).

Everything written on its way somewhere else lives here: an original being copied before it
is moved into the vault (one rename: the folder is on the vault's file system), a crawl being
staged, a bundle being built or extracted. Nothing here is evidence. A run that is killed
leaves its files behind; the next read-write open of the workspace removes them and says
what it removed (:func:`sweep`), so a crash never leaves hidden copies in the vault.

Only a read-write open sweeps: DuckDB then holds the workspace's file for this process
alone, so no other guichets process can be writing here.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

TMP_DIR = "tmp"
#: Temporary copies older versions wrote inside the vault itself (``vault/.incoming-*``).
LEGACY_PREFIX = ".incoming-"


@dataclass(frozen=True)
class Leftover:
    """A file or folder an interrupted run left behind, removed by :func:`sweep`."""

    path: str  # relative to the workspace folder
    size: int  # bytes (a folder: the sum of its files)

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "bytes": self.size}


def new_file(folder: Path, prefix: str = "", suffix: str = "") -> Path:
    """A new empty file in ``folder`` (created exclusively, mode 600), its name unique."""
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=suffix)
    os.close(fd)
    return Path(name)


def _size(path: Path) -> int:
    try:
        if path.is_symlink() or not path.is_dir():
            return path.lstat().st_size
        total = 0
        for base, _dirs, files in os.walk(path):
            for f in files:
                with suppress(OSError):
                    total += os.lstat(os.path.join(base, f)).st_size
        return total
    except OSError:
        return 0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        try:
            path.unlink()
        except PermissionError:  # a read-only copy (vault files are 0444)
            os.chmod(path, 0o600)
            path.unlink()


def sweep(root: Path) -> list[Leftover]:
    """Remove what interrupted runs left in ``root/tmp`` and the legacy ``.incoming-*``
    copies in the vault; return what was removed."""
    found: list[Path] = []
    tmp = root / TMP_DIR
    if tmp.is_dir() and not tmp.is_symlink():  # never empty a folder a link points to
        found += sorted(tmp.iterdir())
    vault = root / "vault"
    if vault.is_dir():
        found += sorted(vault.glob(f"{LEGACY_PREFIX}*"))
        found += sorted(vault.glob(f"??/{LEGACY_PREFIX}*"))
    removed = []
    for path in found:
        size = _size(path)
        try:
            _remove(path)
        except OSError:
            continue  # cannot remove it (permissions): left for `guichets verify` to name
        removed.append(Leftover(path.relative_to(root).as_posix(), size))
    return removed
