"""Offline verification of every timestamp token of a workspace (`guichets verify`).

For each token: the token and its chain are read from the vault; the CMS signature, the
signer's time-stamping certificate and the path to the chain's root are checked at the
token's time; the message imprint against the manifest's bytes; then every line of the
manifest against the file it names (in the vault, or in the timestamped folder). Each
failure is one line naming the token and the file. Nothing here uses the network.

A timestamped folder may have been moved or copied since: :func:`verify_folder_tokens`
finds the tokens covering a folder wherever it is now, by its files (the manifest names
them relative to the folder). In the workspace's check, a folder no longer where it was
is reported, not counted as a failure: its token and manifest are still checked.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from toolkit.capture.manifest import (
    Line,
    folder_lines,
    manifest_bytes,
    parse_manifest,
    scope_folder,
)
from toolkit.capture.tokens import verify_token
from toolkit.errors import InputError
from toolkit.vault import sha256_bytes
from toolkit.verify_base import (
    SHA256,
    Budget,
    NotRegular,
    confined,
    hash_regular,
    inside,
    read_regular,
)
from toolkit.workspace import Workspace


@dataclass
class TokenStatus:
    tsa_url: str
    scope: str
    serial: str
    gen_time: datetime
    root_subject: str | None
    root_sha256: str | None
    files: int = 0
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said, not failures (a folder moved)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def name(self) -> str:
        return f"token {self.serial} of {self.tsa_url} ({self.scope})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "tsa_url": self.tsa_url,
            "scope": self.scope,
            "serial": self.serial,
            "gen_time": self.gen_time.isoformat(),
            "root_subject": self.root_subject,
            "root_sha256": self.root_sha256,
            "files": self.files,
            "ok": self.ok,
            "problems": self.problems,
            "notes": self.notes,
        }


@dataclass
class TokensResult:
    tokens: list[TokenStatus] = field(default_factory=list)
    pending: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tokens)

    def lines(self) -> list[str]:
        out = list(self.notes)
        for t in self.tokens:
            if t.ok:
                out.append(
                    f"{t.name}: OK, {t.gen_time.isoformat()}, {t.files} file(s); "
                    f"root « {t.root_subject} » sha256 {t.root_sha256}"
                )
            else:
                out += [f"{t.name}: {p}" for p in t.problems]
            out += [f"{t.name}: {n}" for n in t.notes]
        if self.pending:
            out.append(
                f"{self.pending} timestamp request(s) pending; run `guichets timestamp --pending`"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "pending": self.pending,
            "notes": self.notes,
            "tokens": [t.to_dict() for t in self.tokens],
        }


_TOKENS_SQL = """
SELECT t.request_id, t.manifest_sha256, t.tsa_url, t.response_sha256, t.chain_sha256,
       t.gen_time, t.serial, t.root_subject, t.root_sha256, r.scope,
       f.original_name AS manifest_name
FROM timestamp_tokens t
JOIN timestamp_requests r ON r.id = t.request_id
LEFT JOIN files f ON f.sha256 = t.manifest_sha256
WHERE {where}
ORDER BY t.gen_time, t.request_id
"""


def verify_tokens(ws: Workspace) -> TokensResult:
    """Check every token offline; see the module doc."""
    result = TokensResult()
    result.pending = int(
        ws.scalar("SELECT count(*) FROM timestamp_requests WHERE status = 'pending'") or 0
    )
    hashes: dict[Path, tuple[str | None, str | None]] = {}
    for row in ws.rows(_TOKENS_SQL.format(where="true")):
        status = _status(row)
        result.tokens.append(status)
        manifest = _check_token(ws, row, status)
        if manifest is None:
            continue
        try:
            folder = scope_folder(ws.root, row["scope"])
        except ValueError as e:
            status.problems.append(str(e))
            continue
        if folder is not None and not folder.is_dir():
            lines = _lines(manifest, _label(row), status)
            status.notes.append(
                f"timestamped folder {folder} is no longer there: its {len(lines or [])} "
                "file(s) were not checked (moved or copied? `guichets verify FOLDER` checks it "
                "where it is now)"
            )
            continue
        _check_files(ws, folder, manifest, _label(row), status, hashes)
    return result


def verify_folder_tokens(ws: Workspace, folder: str | Path) -> TokensResult:
    """The tokens of ``ws`` that cover ``folder`` as it is now, wherever it was timestamped:
    the folder's own manifest (same bytes, same tokens) when nothing changed; else the
    folder-manifest most of whose files are here, to name what changed. InputError when no
    token of the workspace covers the folder."""
    folder = Path(folder)
    here = folder_lines(folder)
    by_name = {line.name: line.sha256 for line in here}
    rows = ws.rows(_TOKENS_SQL.format(where="r.scope LIKE 'folder:%'"))
    exact = sha256_bytes(manifest_bytes(here)) if here else None
    best: tuple[float, Any] | None = None
    for row in rows:
        if row["manifest_sha256"] == exact:
            best = (2.0, row["manifest_sha256"])
            break
        data = _read(ws, row["manifest_sha256"])
        try:
            listed = parse_manifest(data) if data else []
        except (ValueError, UnicodeDecodeError):
            continue
        share = sum(_present(folder, line.name) for line in listed) / len(listed) if listed else 0
        if share > 0.5 and (best is None or share >= best[0]):
            best = (share, row["manifest_sha256"])
    if best is None:
        raise InputError(
            f"{folder}: no timestamp token of this workspace covers this folder "
            "(`guichets timestamp FOLDER` seals one)"
        )
    result = TokensResult()
    covered: set[str] = set()
    for row in (r for r in rows if r["manifest_sha256"] == best[1]):
        status = _status(row)
        result.tokens.append(status)
        manifest = _check_token(ws, row, status)
        if manifest is not None:
            lines = _check_files(ws, folder, manifest, _label(row), status, {})
            covered |= {line.name for line in lines}
    extra = sorted(set(by_name) - covered)
    if extra:
        shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
        result.notes.append(
            f"{folder}: {len(extra)} file(s) added since the timestamp, not covered by it: {shown}"
        )
    return result


def _status(row: dict[str, Any]) -> TokenStatus:
    return TokenStatus(
        row["tsa_url"], row["scope"], row["serial"], row["gen_time"],
        row["root_subject"], row["root_sha256"],
    )  # fmt: skip


def _label(row: dict[str, Any]) -> str:
    return f"manifest {row['manifest_name'] or row['manifest_sha256']}"


def _check_token(ws: Workspace, row: dict[str, Any], status: TokenStatus) -> bytes | None:
    """The token against its manifest; the manifest's bytes when all its parts are here."""
    manifest_label = _label(row)
    parts = []
    for what, digest in (
        ("token file", row["response_sha256"]),
        ("certificate chain", row["chain_sha256"]),
        (manifest_label, row["manifest_sha256"]),
    ):
        data, trouble = _read_part(ws, digest)
        if trouble is not None:
            shown = "" if what == manifest_label else f" {_shown(digest)}"
            status.problems.append(f"{what}{shown} {trouble}")
        parts.append(data)
    response, chain, manifest = parts
    if response is None or chain is None or manifest is None:
        return None
    check = verify_token(response, chain, manifest)
    for p in check.problems:
        status.problems.append(f"{p} ({manifest_label})" if "manifest" in p else p)
    if check.facts is not None and check.facts.gen_time != row["gen_time"]:
        status.problems.append(
            f"the token says {check.facts.gen_time.isoformat()}, the store says "
            f"{row['gen_time'].isoformat()} (token file replaced?)"
        )
    return manifest


#: A token, a chain or a manifest larger than this is not what guichets stored.
PART_LIMIT = 64 * 1024 * 1024


def _read_part(ws: Workspace, sha256: str | None) -> tuple[bytes | None, str | None]:
    """(bytes, None), or (None, why not) for a token's part in the vault: only a sha256 names
    one (the store gives it, and may have been edited), and only a regular file is read."""
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        return None, "is not a sha256 (the store was edited?); not read"
    try:
        return read_regular(ws.vault.path_for(sha256), PART_LIMIT), None
    except FileNotFoundError:
        return None, "missing from the vault"
    except NotRegular as e:
        return None, f"is {e} in the vault; not read"
    except (OSError, ValueError) as e:
        return None, f"cannot be read in the vault ({getattr(e, 'strerror', None) or e})"


def _shown(digest: object) -> str:
    return digest if isinstance(digest, str) and SHA256.fullmatch(digest) else repr(digest)


def _read(ws: Workspace, sha256: str | None) -> bytes | None:
    return _read_part(ws, sha256)[0]


def _lines(manifest: bytes, label: str, status: TokenStatus) -> list[Line] | None:
    try:
        lines = parse_manifest(manifest)
    except (ValueError, UnicodeDecodeError) as e:
        status.problems.append(f"{label} unreadable ({e})")
        return None
    status.files = len(lines)
    return lines


def _check_files(
    ws: Workspace,
    folder: Path | None,
    manifest: bytes,
    label: str,
    status: TokenStatus,
    hashes: dict[Path, tuple[str | None, str | None]],
) -> list[Line]:
    """Each line of the manifest against its file: in ``folder``, else in the vault."""
    lines = _lines(manifest, label, status)
    if lines is None:
        return []
    where = "in the folder" if folder is not None else "in the vault"
    for line in lines:
        if folder is None:
            path = ws.vault.path_for(line.sha256)
            if path not in hashes:
                hashes[path] = _hash_at(path, "in the vault", "; not read")
            found, trouble = hashes[path]
        else:  # a folder outside the store: regular files only, never outside it
            found, trouble = _hash_in_folder(folder, line.name)
        if trouble:
            status.problems.append(f"{line.name}: {trouble}")
            continue
        if found is None:
            status.problems.append(f"{line.name} ({line.sha256[:16]}…) missing {where}")
        elif found != line.sha256:
            status.problems.append(
                f"{line.name} ({line.sha256[:16]}…) altered {where}: its sha256 no longer "
                f"matches {label}"
            )
    return lines


def _hash_at(path: Path, where: str, instead: str) -> tuple[str | None, str | None]:
    """(sha256 or None when absent, or a problem) for the file at ``path``: a regular file,
    never a link followed or a FIFO opened."""
    try:
        return hash_regular(path, Budget(None)), None
    except FileNotFoundError:
        return None, None
    except NotRegular as e:
        return None, f"is {e} {where}{instead}"
    except OSError as e:
        return None, f"cannot be read {where} ({e.strerror or e})"


def _present(folder: Path, name: str) -> bool:
    """Something stands at the name in the folder (a file, or a link or anything else that
    the check will name)."""
    rel = confined(name)
    try:
        return rel is not None and os.path.lexists(inside(folder, rel))
    except NotRegular:
        return True  # a link where a folder was: present, and named by the check


def _hash_in_folder(folder: Path, name: str) -> tuple[str | None, str | None]:
    """(sha256 or None when absent, or a problem) for a manifest line's file in a folder."""
    rel = confined(name)
    if rel is None:
        return None, "names a path outside the folder; not read"
    try:
        path = inside(folder, rel)
    except NotRegular as e:  # a folder on the way is a link (which could lead outside)
        return None, f"not read: {e} in the folder"
    return _hash_at(path, "in the folder", ", not the file the manifest lists")
