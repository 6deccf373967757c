"""Generated files (charts, letters, exhibits, workbooks, bundles): written safely, recorded
once (part of the store layer).

Writing: each file is written to a temporary file in its target folder, flushed to disk, then
renamed over the target. A rename replaces the name, never what a link points to, and the
target is checked first (:func:`check_target`): an existing symbolic link, a folder, a FIFO
or a device is refused, and so is any place inside the workspace's vault, its ``tmp/``
folder, its database or its key. A failure (a full disk, Ctrl-C) removes the temporary file
and leaves the old target as it was.

Recording: :func:`record_output` is the one place a generated file is listed in
``generated`` and logged in custody. :class:`OutputSet` does both for files that belong
together (a letter and its PDF, an exhibit folder): the rows and the custody entry are
written in one transaction, in which the files are renamed into place, so a file is
recorded if and only if it was put in place (but for a crash between the last rename and
the commit).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from toolkit.errors import InputError, os_failure
from toolkit.vault import sha256_file
from toolkit.workspace import DB_NAME, Workspace, now

#: Files of a workspace that no output may replace, and its folders no output may enter.
PROTECTED_FILES = (DB_NAME, f"{DB_NAME}.wal", "secret.key")
PROTECTED_DIRS = ("vault", "tmp")
TMP_SUFFIX = ".guichets-tmp"

Content = bytes | Callable[[BinaryIO], None]


@dataclass(frozen=True)
class Output:
    """One generated file as recorded: where, its sha256 and size, and its kind."""

    path: Path
    sha256: str
    size: int
    kind: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": str(self.path), "sha256": self.sha256, "size": self.size, "kind": self.kind}


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.is_relative_to(folder.resolve())
    except OSError:
        return False


def check_target(ws: Workspace | None, target: str | os.PathLike[str]) -> Path:
    """``target`` if guichets may write a generated file there; one clear line otherwise."""
    path = Path(target)
    if path.is_symlink():
        raise InputError(
            f"{path}: is a symbolic link (to {os.readlink(path)}); guichets never writes through "
            "a link: remove it or choose another file name"
        )
    if path.exists() and not path.is_file():
        what = "a folder" if path.is_dir() else "not a regular file"
        raise InputError(f"{path}: is {what}; give the name of a file to write")
    parent = path.parent.resolve()
    where = parent / path.name
    if ws is not None:
        root = ws.root.resolve()
        for folder in PROTECTED_DIRS:
            if _inside(where, root / folder):
                raise InputError(
                    f"{path}: is inside the workspace's {folder}/ folder ({root / folder}), "
                    "which holds evidence and nothing else; write outputs outside it "
                    f"(e.g. in {ws.out_dir})"
                )
        if parent == root and path.name in PROTECTED_FILES:
            raise InputError(
                f"{path}: is the workspace's own {path.name}; choose another file name"
            )
    return path


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` still runs (its temporary files are then not leftovers)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _sweep_leftovers(target: Path) -> None:
    """Remove the temporary files a killed run left next to ``target`` (its process gone)."""
    pattern = re.compile(rf"^\.{re.escape(target.name)}\.(\d+)\.[0-9a-f]+{re.escape(TMP_SUFFIX)}$")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        m = pattern.match(name)
        if m and int(m.group(1)) != os.getpid() and not pid_alive(int(m.group(1))):
            (target.parent / name).unlink(missing_ok=True)


def stage_file(target: Path, content: Content) -> Path:
    """Write ``content`` to a new hidden temporary file beside ``target``, flushed to disk;
    return it (the caller renames it over ``target`` or removes it)."""
    for folder in (target.parent, *target.parent.parents):
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise InputError(f"{target}: cannot write here: {folder} is not a folder")
            break
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _sweep_leftovers(target)
        tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}{TMP_SUFFIX}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except OSError as e:
        raise os_failure(e, target) from None
    try:
        with os.fdopen(fd, "wb") as f:
            if isinstance(content, bytes):
                f.write(content)
            else:
                content(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise os_failure(e, target) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def record_output(
    ws: Workspace,
    action: str,
    outputs: list[Output],
    *,
    applicant_id: str | None = None,
    inputs_digest: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """List generated files in ``generated`` and log ``action`` in custody, naming each file
    and its sha256: the one place that records an output. Joins the caller's transaction
    when there is one; does nothing on a workspace opened read-only."""
    if ws.read_only:
        return
    at = now()
    with ws.transaction():
        for o in outputs:
            ws.sql(
                'INSERT INTO generated (path, sha256, kind, applicant_id, inputs_digest, "at") '
                "VALUES (?, ?, ?, ?, ?, ?)",
                [str(o.path), o.sha256, o.kind, applicant_id, inputs_digest, at],
            )
        entry = dict(detail or {})
        if applicant_id is not None:
            entry.setdefault("applicant", applicant_id)
        if inputs_digest is not None:
            entry.setdefault("inputs_digest", inputs_digest)
        entry["files"] = [o.to_dict() for o in outputs]
        ws.log_custody(action, entry)


@dataclass
class OutputSet:
    """Generated files written and recorded together (see the module doc)::

    with OutputSet(ws, "letter.build", applicant_id=a) as out:
        out.write(path, data, kind="letter.ddd")
    # renamed into place and recorded here; on an exception, nothing is
    """

    ws: Workspace
    action: str
    applicant_id: str | None = None
    inputs_digest: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)
    staged: list[tuple[Path, Path, str]] = field(default_factory=list)  # (tmp, target, kind)
    retired: list[Path] = field(default_factory=list)  # earlier outputs to remove
    outputs: list[Output] = field(default_factory=list)

    def write(self, target: str | os.PathLike[str], content: Content, *, kind: str) -> Path:
        """Stage ``content`` (bytes, or a function writing to a binary file) for ``target``."""
        path = check_target(self.ws, target)
        if any(t == path for _, t, _ in self.staged):
            raise ValueError(f"{path} is staged twice")
        self.staged.append((stage_file(path, content), path, kind))
        return path

    def adopt(self, target: str | os.PathLike[str], finished: Path, *, kind: str) -> Path:
        """Stage a file already written on the target's file system (renamed, not copied)."""
        path = check_target(self.ws, target)
        self.staged.append((finished, path, kind))
        return path

    def retire(self, earlier: Path) -> None:
        """Remove ``earlier`` (an output this set no longer makes) when the set is committed."""
        self.retired.append(check_target(self.ws, earlier))

    def commit(self) -> list[Output]:
        """Rename every staged file into place and record them all, in one transaction."""
        outputs = [
            Output(target, sha256_file(tmp), tmp.stat().st_size, kind)
            for tmp, target, kind in self.staged
        ]

        def place() -> None:
            for tmp, target, _ in self.staged:
                check_target(self.ws, target)  # nothing became a link meanwhile
                try:
                    os.replace(tmp, target)
                except OSError as e:
                    raise os_failure(e, target) from e
            self.staged.clear()
            for earlier in self.retired:
                check_target(self.ws, earlier)
                earlier.unlink(missing_ok=True)

        if self.ws.read_only:
            place()
        else:
            with self.ws.transaction():
                record_output(
                    self.ws,
                    self.action,
                    outputs,
                    applicant_id=self.applicant_id,
                    inputs_digest=self.inputs_digest,
                    detail=self.detail,
                )
                place()
        self.outputs = outputs
        return outputs

    def discard(self) -> None:
        for tmp, _, _ in self.staged:
            tmp.unlink(missing_ok=True)
        self.staged.clear()

    def __enter__(self) -> OutputSet:
        return self

    def __exit__(self, kind: object, exc: object, tb: object) -> None:
        try:
            if exc is None:
                self.commit()
        finally:
            self.discard()


def write_output(
    ws: Workspace,
    target: str | os.PathLike[str],
    content: Content,
    *,
    kind: str,
    action: str,
    applicant_id: str | None = None,
    inputs_digest: str | None = None,
    detail: dict[str, Any] | None = None,
) -> Output:
    """Write one generated file safely and record it (an :class:`OutputSet` of one)."""
    with OutputSet(ws, action, applicant_id, inputs_digest, detail or {}) as out:
        out.write(target, content, kind=kind)
    return out.outputs[0]
