"""Re-hash evidence: the vault against the ``files`` table, or a generated folder against
its ``manifest.json`` (``{"files": [{"path", "sha256", "size"}, ...]}``)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.capture.verify_tokens import verify_tokens
from toolkit.errors import InputError
from toolkit.vault import sha256_file
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from toolkit.capture.verify_tokens import TokensResult

MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"


@dataclass
class VerifyResult:
    target: str
    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    tokens: TokensResult | None = None  # RFC 3161 tokens (workspace only)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.altered) and (self.tokens is None or self.tokens.ok)

    def lines(self) -> list[str]:
        out = [f"{self.target}: missing {m}" for m in self.missing]
        out += [f"{self.target}: altered {a} (its sha256 no longer matches)" for a in self.altered]
        out += [f"{self.target}: not in the manifest: {u}" for u in self.unexpected]
        if self.tokens is not None:
            out += self.tokens.lines()
        verdict = "OK" if self.ok else "FAILED"
        out.append(
            f"{self.target}: {verdict}: {self.checked} file(s) checked, {len(self.missing)} missing, "
            f"{len(self.altered)} altered"
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
            **({"timestamps": self.tokens.to_dict()} if self.tokens is not None else {}),
        }


def verify_workspace(ws: Workspace) -> VerifyResult:
    """Re-hash every original in the vault; name the missing and altered ones."""
    rows = ws.con.execute("SELECT sha256, size, original_name FROM files").fetchall()
    names = {sha: name for sha, _, name in rows}
    report = ws.vault.verify({sha: size for sha, size, _ in rows})
    result = VerifyResult(
        target=f"vault {ws.vault.root}",
        checked=report.checked,
        missing=[f"{d} ({names.get(d)})" for d in report.missing],
        altered=[f"{d} ({names.get(d)})" for d in report.altered],
        unexpected=report.unexpected,
    )
    result.tokens = verify_tokens(ws)
    if not ws.read_only:
        with ws.transaction():
            ws.log_custody("verify.vault", result.to_dict())
    return result


def verify_folder(folder: str | Path) -> VerifyResult:
    """Re-hash a generated folder (exhibits, bundle) against its manifest."""
    folder = Path(folder)
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise InputError(f"{folder}: no {MANIFEST} here; give the folder `guichets exhibits` wrote")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["files"]
    except (ValueError, KeyError, TypeError) as e:
        raise InputError(
            f"{manifest_path}: unreadable manifest ({e}); regenerate the folder"
        ) from None
    result = VerifyResult(target=str(folder))
    listed = set()
    for entry in entries:
        rel, digest = entry["path"], entry["sha256"]
        listed.add(rel)
        _check_file(folder, rel, digest, result)
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_file() and rel not in listed and rel not in (MANIFEST, SUMS):
            result.unexpected.append(rel)
    _check_sums(folder, {e["path"]: e["sha256"] for e in entries}, result)
    return result


def _check_sums(folder: Path, manifest: dict[str, str], result: VerifyResult) -> None:
    """When the folder has a SHA256SUMS (``sha256sum -c`` format), check it too: it covers
    ``manifest.json`` itself, and must agree with the manifest for every other file."""
    sums_path = folder / SUMS
    if not sums_path.is_file():
        return
    for line in sums_path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) != 2:
            continue
        digest, rel = parts[0].lower(), parts[1].lstrip("*")
        if rel in manifest:
            if manifest[rel] != digest and rel not in result.altered:
                result.altered.append(f"{rel} (SHA256SUMS and {MANIFEST} disagree)")
            continue
        _check_file(folder, rel, digest, result)


def _check_file(folder: Path, rel: str, digest: str, result: VerifyResult) -> None:
    """One listed file: missing, altered, or as listed."""
    p = folder / rel
    result.checked += 1
    if not p.is_file():
        result.missing.append(rel)
    elif sha256_file(p) != digest:
        result.altered.append(rel)
