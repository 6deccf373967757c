"""Paths as the system and the store can take them (part of the store layer).

A name the system cannot look up (longer than ``NAME_MAX`` bytes, a path longer than
``PATH_MAX``) is refused in one line before anything runs (:func:`check_path`); a file name
that is not UTF-8 (an old system's Latin-1, which Python keeps as surrogates) is made text
that can be stored and shown (:func:`readable`). A workspace's own folders are folders (:func:`ensure_folders`).
"""

from __future__ import annotations

import os
from pathlib import Path

from toolkit.errors import InputError, WorkspaceError

NAME_MAX = 255  # bytes in one file name (Linux, macOS, Windows)
PATH_MAX = 4096


def readable(text: str) -> str:
    """``text`` with the bytes of a name that is not UTF-8 read as Windows-1252."""
    if text.isascii() or not any("\udc80" <= c <= "\udcff" for c in text):
        return text
    return text.encode("utf-8", "surrogateescape").decode("cp1252", "replace")


def check_path(path: str | os.PathLike[str]) -> None:
    """Refuse (InputError) a path the system cannot look up: a name longer than NAME_MAX
    bytes, or a path longer than PATH_MAX."""
    raw = os.fsencode(path)
    longest = max((len(part) for part in raw.split(b"/")), default=0)
    if longest > NAME_MAX or len(raw) > PATH_MAX:
        shown = readable(os.fsdecode(raw))
        shown = shown if len(shown) <= 60 else shown[:40] + "…" + shown[-12:]
        raise InputError(
            f"{shown}: path too long for the system (a name of {longest} bytes, {len(raw)} in "
            f"all; at most {NAME_MAX} and {PATH_MAX}); rename or move the file"
        )


def ensure_folders(root: Path, names: tuple[str, ...]) -> None:
    """The workspace's folders ``names`` exist as folders (created if missing)."""
    for name in names:
        folder = root / name
        if folder.exists() and not folder.is_dir():
            raise WorkspaceError(
                f"{folder}: is a file, not the workspace's {name} folder; move it away "
                "(the workspace needs a folder of that name)"
            )
        try:
            folder.mkdir(exist_ok=True)
        except OSError as e:
            raise WorkspaceError(
                f"{folder}: cannot create the workspace's {name} folder ({e.strerror or e}); "
                "check the permissions of the workspace"
            ) from None
