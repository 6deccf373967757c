"""``guichets verify DIR`` on a generated folder (exhibits, an unzipped bundle) against its
``manifest.json`` (``{"files": [{"path", "sha256", "size"}, ...]}``) and ``SHA256SUMS``.

The manifest says what the folder holds, all of it: a file it does not list (hidden or not),
a folder holding nothing listed, a link, a FIFO fail the run by name. A path that would lead
outside the folder (``../``, absolute, through a link) is never read. ``SHA256SUMS`` (the
``sha256sum -c`` format), present in every exhibit folder, must be whole: a line that is not
``<64 hex> <name>`` fails, and so does a file of the manifest it does not cover, or a hash
on which the two disagree; it also covers ``manifest.json`` itself.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from toolkit.errors import InputError
from toolkit.verify_base import (
    SHA256,
    Budget,
    NotRegular,
    VerifyResult,
    confined,
    hash_regular,
    inside,
    kind_of,
)

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
EXHIBITS_FORMAT = "guichets-exhibits/1"
MAX_MANIFEST_BYTES = 64 << 20
SUMS_LINE = re.compile(r"([0-9a-fA-F]{64}) [ *](.+)")


@dataclass
class Listing:
    """What a folder's manifest lists: path -> sha256."""

    folder: Path
    files: dict[str, str] = field(default_factory=dict)
    format: str | None = None


def _read_small(path: Path, what: str) -> bytes:
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(
            f"{path.parent}: no {MANIFEST} here; give the folder `guichets exhibits` wrote"
        ) from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: is {kind_of(st.st_mode)}, not a {what}; regenerate the folder")
    if st.st_size > MAX_MANIFEST_BYTES:
        raise InputError(
            f"{path}: {st.st_size // 2**20} MB is too large for a {what}; regenerate the folder"
        )
    with open(path, "rb") as f:
        return f.read(MAX_MANIFEST_BYTES + 1)


def read_listing(folder: Path, result: VerifyResult) -> Listing:
    """The manifest's entries; a damaged entry or one leading outside is a problem, unread."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(_read_small(path, "manifest"))
        entries = manifest["files"]
        if not isinstance(entries, list):
            raise TypeError("`files` is not a list")
    except (ValueError, KeyError, TypeError, RecursionError) as e:
        raise InputError(f"{path}: unreadable manifest ({e}); regenerate the folder") from None
    listing = Listing(folder, format=manifest.get("format"))
    for number, entry in enumerate(entries, 1):
        raw = entry.get("path") if isinstance(entry, dict) else None
        digest = entry.get("sha256") if isinstance(entry, dict) else None
        rel = confined(raw)
        if raw is not None and rel is None:
            result.problems.append(
                f"{MANIFEST} entry {number} names a path outside the folder ({raw!r}); not read"
            )
        elif rel is None or not isinstance(digest, str) or not SHA256.fullmatch(digest):
            result.problems.append(f"{MANIFEST} entry {number} is damaged ({entry!r:.120})")
        elif rel in listing.files or rel in (MANIFEST, SUMS):
            result.problems.append(f"{MANIFEST} lists {rel} twice")
        else:
            listing.files[rel] = digest
    return listing


def _hash_listed(folder: Path, rel: str, budget: Budget) -> str:
    return hash_regular(inside(folder, rel), budget)


def check_listed(listing: Listing, result: VerifyResult, budget: Budget) -> None:
    """Every file the manifest lists: present, a regular file, with its hash."""
    for rel, digest in listing.files.items():
        result.checked += 1
        try:
            found = _hash_listed(listing.folder, rel, budget)
        except FileNotFoundError:
            result.missing.append(rel)
        except NotRegular as e:
            result.problems.append(f"{rel} is {e}, not the file the manifest lists")
        except OSError as e:
            result.problems.append(f"cannot read {rel} ({e.strerror or e})")
        else:
            if found != digest:
                result.altered.append(rel)


def check_extras(listing: Listing, result: VerifyResult, budget: Budget) -> None:
    """Anything in the folder the manifest does not list, hidden files included."""
    listed = set(listing.files) | {MANIFEST, SUMS}
    holding = {"/".join(rel.split("/")[:i]) for rel in listed for i in range(1, rel.count("/") + 1)}
    stack = [""]
    while stack:
        base = stack.pop()
        try:
            entries = sorted(os.scandir(listing.folder / base), key=lambda e: e.name)
        except OSError as e:
            result.problems.append(f"cannot list {base or '.'} ({e.strerror or e})")
            continue
        for entry in entries:
            budget.check()
            rel = f"{base}/{entry.name}" if base else entry.name
            mode = entry.stat(follow_symlinks=False).st_mode
            hidden = " hidden," if entry.name.startswith(".") else ""
            if stat.S_ISDIR(mode):
                if rel in holding:
                    stack.append(rel)
                else:
                    result.unexpected.append(
                        f"{rel}/ (a{hidden} folder the manifest does not list)"
                    )
            elif rel not in listed:
                what = "file" if stat.S_ISREG(mode) else kind_of(mode)
                result.unexpected.append(f"{rel} ({what},{hidden} not in the manifest)")


def check_sums(listing: Listing, result: VerifyResult, budget: Budget) -> None:
    """``SHA256SUMS``, when there is one (always, in an exhibit folder)."""
    path = listing.folder / SUMS
    if not os.path.lexists(path):
        if listing.format == EXHIBITS_FORMAT:
            result.problems.append(f"{SUMS} is missing (every exhibit folder has one)")
        return
    try:
        text = _read_small(path, "checksum list").decode("utf-8")
    except UnicodeDecodeError:
        result.problems.append(f"{SUMS} is damaged (not text)")
        return
    except InputError as e:
        result.problems.append(str(e))
        return
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        m = SUMS_LINE.fullmatch(line.rstrip("\r"))
        rel = confined(m.group(2)) if m else None
        if m is None:
            result.problems.append(f"{SUMS} line {number} is damaged: {line[:100]!r}")
            continue
        if rel is None:
            result.problems.append(
                f"{SUMS} line {number} names a path outside the folder ({m.group(2)!r}); not read"
            )
            continue
        if rel in seen:
            result.problems.append(f"{SUMS} lists {rel} twice (line {number})")
            continue
        seen.add(rel)
        digest = m.group(1).lower()
        if rel == MANIFEST:
            _check_manifest_sum(listing, digest, result, budget)
        elif rel not in listing.files:
            result.problems.append(f"{SUMS} line {number} lists {rel}, which {MANIFEST} does not")
        elif listing.files[rel] != digest:
            result.altered.append(f"{rel} ({SUMS} and {MANIFEST} disagree)")
    for rel in sorted(set(listing.files) - seen):
        result.problems.append(f"{rel} is missing from {SUMS}")
    if MANIFEST not in seen and listing.format == EXHIBITS_FORMAT:
        result.problems.append(f"{SUMS} does not cover {MANIFEST}")


def _check_manifest_sum(listing: Listing, digest: str, result: VerifyResult, b: Budget) -> None:
    result.checked += 1
    try:
        found = hash_regular(listing.folder / MANIFEST, b)
    except (OSError, NotRegular) as e:
        result.problems.append(f"cannot read {MANIFEST} ({e})")
        return
    if found != digest:
        result.altered.append(f"{MANIFEST} (its sha256 differs from {SUMS})")
