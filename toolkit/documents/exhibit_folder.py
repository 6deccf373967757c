"""The exhibit folder on disk: built aside, then put in place replacing only what an earlier
build made.

A build writes every file into a hidden staging folder beside ``--out``
(``.NAME.partial-PID``). Putting it in place (:func:`place`) renames each file into the
folder, records them all (``toolkit.outputs``), and removes the earlier build's pièces that
the new one no longer has. The earlier build is known by its own manifest: the files it
lists are guichets'; anything else in the folder (the user's notes, a scan) is left where it
is and named (``guichets verify`` will name it too: a folder filed with Télérecours should
hold the pièces and nothing else). An earlier pièce changed since it was written, or a file
of the user's bearing a new pièce's name, stops the build before anything is touched.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, os_failure
from toolkit.outputs import OutputSet, check_target, pid_alive
from toolkit.vault import sha256_file
from toolkit.workspace import Workspace

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
FORMAT = "guichets-exhibits/1"


@dataclass
class ExhibitFolder:
    """Where a build goes, and what the earlier build there made."""

    out: Path
    staging: Path
    earlier: dict[str, str] = field(default_factory=dict)  # file -> sha256 in its manifest
    kept: list[str] = field(default_factory=list)  # the user's files, left in place
    removed: list[str] = field(default_factory=list)  # earlier pièces the new build dropped


def _earlier_manifest(out: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    return data


def prepare(ws: Workspace, out: str | os.PathLike[str]) -> ExhibitFolder:
    """Check ``out`` (new, empty, or an earlier build) and make a fresh staging folder."""
    out = Path(out)
    if out.is_symlink():
        raise InputError(
            f"{out}: is a symbolic link; guichets never writes through a link: give the folder "
            "itself or another --out"
        )
    check_target(ws, out / MANIFEST)  # not inside the vault, tmp/ or the database
    earlier: dict[str, str] = {}
    if out.exists():
        if not out.is_dir():
            raise InputError(f"{out}: exists and is not a folder; choose another --out")
        manifest = _earlier_manifest(out)
        if manifest is None and any(out.iterdir()):
            raise InputError(
                f"{out}: folder not empty and not made by `guichets exhibits`; choose another --out"
            )
        for entry in (manifest or {}).get("files", []):
            if isinstance(entry, dict) and isinstance(entry.get("path"), str):
                name = entry["path"]
                if "/" not in name and name not in (MANIFEST, SUMS) and not name.startswith("."):
                    earlier[name] = str(entry.get("sha256"))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise os_failure(e, out) from None
    for stale in out.parent.glob(f".{out.name}.partial-*"):  # left by a killed build
        pid = stale.name.rsplit("-", 1)[-1]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            shutil.rmtree(stale, ignore_errors=True)
    staging = out.parent / f".{out.name}.partial-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    return ExhibitFolder(out, staging, earlier)


def _check_before_placing(folder: ExhibitFolder, new: dict[str, str]) -> None:
    """Refuse, before anything moves, to replace or remove a file that is not ours as made."""
    out = folder.out
    if not out.is_dir():
        return
    for entry in sorted(out.iterdir()):
        name = entry.name
        if name in (MANIFEST, SUMS):
            continue
        made = folder.earlier.get(name)
        if made is None:
            if name in new:
                raise InputError(
                    f"{entry}: exists and was not made by `guichets exhibits`; move it out of "
                    f"{out}, then run again (nothing was changed)"
                )
            folder.kept.append(name)
            continue
        regular = entry.is_file() and not entry.is_symlink()
        current = sha256_file(entry) if regular else None
        if current is None or current not in (made, new.get(name)):
            raise InputError(
                f"{entry}: changed since `guichets exhibits` wrote it; move it out of {out} "
                "(or back it up), then run again (nothing was changed)"
            )
        if name not in new:
            folder.removed.append(name)


def place(
    ws: Workspace,
    folder: ExhibitFolder,
    files: list[tuple[str, str]],
    *,
    applicant_id: str,
    inputs_digest: str,
    detail: dict[str, Any],
) -> None:
    """Move the staged ``files`` (name, kind; the manifest and SHA256SUMS last) into the
    folder, record them, and remove the earlier pièces the new build dropped."""
    new = {name: sha256_file(folder.staging / name) for name, _ in files}
    _check_before_placing(folder, new)
    folder.out.mkdir(exist_ok=True)
    detail = {**detail, "removed": folder.removed, "kept": folder.kept}
    outputs = OutputSet(
        ws, "exhibits.build", applicant_id=applicant_id, inputs_digest=inputs_digest, detail=detail
    )
    for name, kind in files:
        outputs.adopt(folder.out / name, folder.staging / name, kind=kind)
    for name in folder.removed:
        outputs.retire(folder.out / name)
    outputs.commit()
    shutil.rmtree(folder.staging, ignore_errors=True)


def discard(folder: ExhibitFolder) -> None:
    shutil.rmtree(folder.staging, ignore_errors=True)
