"""What every ``guichets verify`` check shares: the result it fills, the time budget, and a
hash that never blocks.

A check hashes regular files only: a FIFO, a device or a socket put where a file should be
would block ``open`` or ``read`` for ever; a symbolic link could lead outside the folder. Each
is named instead (:func:`hash_regular`). The whole run has a time budget (:class:`Budget`):
when it is spent the run stops and says how much was not checked.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol


class TokenReport(Protocol):
    """What a run says of the RFC 3161 tokens (``capture.verify_tokens.TokensResult``; named
    by its shape, so that this store-level module imports nothing from capture)."""

    @property
    def ok(self) -> bool: ...

    def lines(self) -> list[str]: ...

    def to_dict(self) -> dict[str, Any]: ...


CHUNK = 1 << 20
DEFAULT_TIMEOUT = 3600.0  # seconds for one run: a vault of many GB hashes well within it
SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class VerifyResult:
    """What a run found. ``missing``, ``altered``, ``unexpected`` and ``problems`` fail it;
    ``untracked`` and ``notes`` are said without failing it."""

    target: str
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)  # files that should not be there
    problems: list[str] = field(default_factory=list)  # anything else that fails the run
    untracked: list[str] = field(default_factory=list)  # vault copies nothing recorded
    notes: list[str] = field(default_factory=list)
    tokens: TokenReport | None = None  # RFC 3161 tokens (workspace only)

    @property
    def ok(self) -> bool:
        failed = self.missing or self.altered or self.unexpected or self.problems
        return not failed and (self.tokens is None or self.tokens.ok)

    def lines(self) -> list[str]:
        t = self.target
        out = [f"{t}: missing {m}" for m in self.missing]
        out += [f"{t}: altered {a} (its sha256 no longer matches)" for a in self.altered]
        out += [f"{t}: not in the manifest: {u}" for u in self.unexpected]
        out += [f"{t}: {p}" for p in self.problems]
        out += [f"{t}: untracked original {u}" for u in self.untracked]
        out += [f"{t}: {n}" for n in self.notes]
        if self.tokens is not None:
            out += self.tokens.lines()
        verdict = "OK" if self.ok else "FAILED"
        failures = len(self.unexpected) + len(self.problems)
        out.append(
            f"{t}: {verdict}: {self.checked} file(s) checked, {len(self.missing)} missing, "
            f"{len(self.altered)} altered" + (f", {failures} other problem(s)" if failures else "")
        )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "checked": self.checked,
            "missing": self.missing,
            "altered": self.altered,
            "unexpected": self.unexpected,
            "problems": self.problems,
            "untracked": self.untracked,
            "notes": self.notes,
            **({"timestamps": self.tokens.to_dict()} if self.tokens is not None else {}),
        }


class OutOfTime(Exception):
    """The run's time budget is spent."""


@dataclass
class Budget:
    """Seconds left for one run (``None``: no limit)."""

    seconds: float | None = DEFAULT_TIMEOUT
    started: float = field(default_factory=time.monotonic)

    def check(self) -> None:
        if self.seconds is not None and time.monotonic() - self.started > self.seconds:
            raise OutOfTime


class NotRegular(Exception):
    """What stands at a path is not a regular file (its kind is the message)."""


def kind_of(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _open_regular(path: Path) -> int:
    """A descriptor on the regular file at ``path``, opened without following a link or
    blocking on a FIFO; :class:`NotRegular` for anything else."""
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegular(kind_of(st.st_mode))
    flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    fd = os.open(path, flags)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # swapped since the lstat
        os.close(fd)
        raise NotRegular(kind_of(mode))
    return fd


def hash_regular(path: Path, budget: Budget) -> str:
    """SHA-256 of the regular file at ``path``; :class:`NotRegular` for anything else
    (never followed, never opened in a way that blocks), ``FileNotFoundError`` when absent."""
    fd = _open_regular(path)
    try:
        h = hashlib.sha256()
        while chunk := os.read(fd, CHUNK):
            h.update(chunk)
            budget.check()
        return h.hexdigest()
    finally:
        os.close(fd)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file at ``path``, at most ``limit`` of them (ValueError
    beyond); :class:`NotRegular` for anything else (never followed, never blocking),
    ``FileNotFoundError`` when absent."""
    fd = _open_regular(path)
    try:
        chunks, size = [], 0
        while chunk := os.read(fd, CHUNK):
            size += len(chunk)
            if size > limit:
                raise ValueError(f"larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def confined(rel: object) -> str | None:
    """``rel`` as a path inside a folder (POSIX, relative, no ``..``), or None when it would
    lead outside it or is not a path at all."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return None
    p = PurePosixPath(rel)
    if p.is_absolute() or any(part in ("..", ".", "") for part in rel.split("/")):
        return None
    if len(rel) > 1 and rel[1] == ":":  # C:…
        return None
    return p.as_posix()


def inside(folder: Path, rel: str) -> Path:
    """``folder/rel`` once every folder on the way is checked to be a real folder, not a
    link (which could lead outside); :class:`NotRegular` otherwise."""
    path = folder
    for part in rel.split("/")[:-1]:
        path = path / part
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            break
        if not stat.S_ISDIR(mode):
            raise NotRegular(f"{part}/ is {kind_of(mode)}")
    return folder / rel
