"""Manifests: what a token covers, one line per file, in ``sha256sum`` format.

``<sha256>  <name>`` per line, LF, UTF-8. A manifest is plain text anyone can read and
check with ``sha256sum -c`` in the folder holding the files, and its bytes are what the
TSA's token imprints. Names: a capture's artefacts by their names in its procès-verbal;
vault files by their path in the vault (``ab/abcd…``); a folder's files by their path in it.

A folder's manifest names its files relative to the folder, so the manifest (and its token)
stays true wherever the folder is moved or copied; the request's scope records where the
folder was: relative to the workspace when inside it (the pair moves together), else its
absolute path.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from toolkit.errors import InputError
from toolkit.vault import sha256_file

_LINE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")


@dataclass(frozen=True)
class Line:
    sha256: str
    name: str


def manifest_bytes(lines: list[Line]) -> bytes:
    """The manifest, in the given order (callers sort or keep a meaningful order)."""
    for line in lines:
        if "\n" in line.name or "\r" in line.name:
            raise InputError(f"{line.name!r}: a file name with a line break cannot be listed")
    return "".join(f"{line.sha256}  {line.name}\n" for line in lines).encode("utf-8")


def parse_manifest(data: bytes) -> list[Line]:
    """The lines of a manifest; ValueError naming the first bad line."""
    out = []
    for n, raw in enumerate(data.decode("utf-8").splitlines(), start=1):
        m = _LINE.match(raw)
        if not m:
            raise ValueError(f"line {n} is not « <sha256>  <name> »")
        out.append(Line(m.group(1), m.group(2)))
    return out


def vault_name(sha256: str) -> str:
    """A vault file's path relative to the vault folder."""
    return f"{sha256[:2]}/{sha256}"


def folder_lines(folder: Path) -> list[Line]:
    """Every regular file under ``folder`` (not following links), by relative path."""
    root = folder.resolve()
    files = sorted(
        (p for p in root.rglob("*") if p.is_file() and not p.is_symlink()),
        key=lambda p: p.relative_to(root).as_posix(),
    )
    return [Line(sha256_file(p), p.relative_to(root).as_posix()) for p in files]


def folder_scope(workspace_root: Path, folder: Path) -> str:
    """``folder:<path>``: relative to the workspace when the folder is inside it."""
    root, where = workspace_root.resolve(), folder.resolve()
    try:
        return f"folder:{where.relative_to(root).as_posix()}"
    except ValueError:
        return f"folder:{where}"


def scope_folder(workspace_root: Path, scope: str) -> Path | None:
    """Where a ``folder:`` scope says the folder is (None for other scopes). A relative one
    was inside the workspace and must stay there: ValueError when it leads outside (the store
    was edited)."""
    from toolkit.verify_base import confined

    if not scope.startswith("folder:"):
        return None
    path = Path(scope.split(":", 1)[1])
    if path.is_absolute():
        return path
    if path.as_posix() != "." and confined(path.as_posix()) is None:
        raise ValueError(
            f"the store places the folder at {path.as_posix()!r}, outside the workspace (the "
            "store was edited?); its files were not read"
        )
    return workspace_root / path
