"""Offline verification of every timestamp token of a workspace (`guichets verify`).

For each token: the token and its chain are read from the vault; the CMS signature, the
signer's time-stamping certificate and the path to the chain's root are checked at the
token's time; the message imprint against the manifest's bytes; then every line of the
manifest against the file it names (in the vault, or in the timestamped folder). Each
failure is one line naming the token and the file. Nothing here uses the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from toolkit.capture.manifest import parse_manifest
from toolkit.capture.tokens import verify_token
from toolkit.vault import sha256_file
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
        }


@dataclass
class TokensResult:
    tokens: list[TokenStatus] = field(default_factory=list)
    pending: int = 0

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tokens)

    def lines(self) -> list[str]:
        out = []
        for t in self.tokens:
            if t.ok:
                out.append(
                    f"{t.name}: OK, {t.gen_time.isoformat()}, {t.files} file(s); "
                    f"root « {t.root_subject} » sha256 {t.root_sha256}"
                )
            else:
                out += [f"{t.name}: {p}" for p in t.problems]
        if self.pending:
            out.append(
                f"{self.pending} timestamp request(s) pending; run `guichets timestamp --pending`"
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "pending": self.pending,
            "tokens": [t.to_dict() for t in self.tokens],
        }


_TOKENS_SQL = """
SELECT t.request_id, t.manifest_sha256, t.tsa_url, t.response_sha256, t.chain_sha256,
       t.gen_time, t.serial, t.root_subject, t.root_sha256, r.scope,
       f.original_name AS manifest_name
FROM timestamp_tokens t
JOIN timestamp_requests r ON r.id = t.request_id
LEFT JOIN files f ON f.sha256 = t.manifest_sha256
ORDER BY t.gen_time, t.request_id
"""


def verify_tokens(ws: Workspace) -> TokensResult:
    """Check every token offline; see the module doc."""
    result = TokensResult()
    result.pending = int(
        ws.scalar("SELECT count(*) FROM timestamp_requests WHERE status = 'pending'") or 0
    )
    hashes: dict[Path, str | None] = {}
    for row in ws.rows(_TOKENS_SQL):
        status = TokenStatus(
            row["tsa_url"], row["scope"], row["serial"], row["gen_time"],
            row["root_subject"], row["root_sha256"],
        )  # fmt: skip
        result.tokens.append(status)
        manifest_label = f"manifest {row['manifest_name'] or row['manifest_sha256']}"
        response = _read(ws, row["response_sha256"])
        chain = _read(ws, row["chain_sha256"])
        manifest = _read(ws, row["manifest_sha256"])
        if response is None:
            status.problems.append(f"token file {row['response_sha256']} missing from the vault")
        if chain is None:
            status.problems.append(
                f"certificate chain {row['chain_sha256']} missing from the vault"
            )
        if manifest is None:
            status.problems.append(f"{manifest_label} missing from the vault")
        if response is None or chain is None or manifest is None:
            continue
        check = verify_token(response, chain, manifest)
        for p in check.problems:
            status.problems.append(f"{p} ({manifest_label})" if "manifest" in p else p)
        if check.facts is not None and check.facts.gen_time != row["gen_time"]:
            status.problems.append(
                f"the token says {check.facts.gen_time.isoformat()}, the store says "
                f"{row['gen_time'].isoformat()} (token file replaced?)"
            )
        _check_files(ws, row["scope"], manifest, manifest_label, status, hashes)
    return result


def _read(ws: Workspace, sha256: str | None) -> bytes | None:
    if not sha256:
        return None
    path = ws.vault.path_for(sha256)
    return path.read_bytes() if path.is_file() else None


def _check_files(
    ws: Workspace,
    scope: str,
    manifest: bytes,
    label: str,
    status: TokenStatus,
    hashes: dict[Path, str | None],
) -> None:
    try:
        lines = parse_manifest(manifest)
    except (ValueError, UnicodeDecodeError) as e:
        status.problems.append(f"{label} unreadable ({e})")
        return
    status.files = len(lines)
    folder = Path(scope.split(":", 1)[1]) if scope.startswith("folder:") else None
    if folder is not None and not folder.is_dir():
        status.problems.append(
            f"timestamped folder {folder} not found; its {len(lines)} file(s) cannot be checked"
        )
        return
    for line in lines:
        path = folder / line.name if folder is not None else ws.vault.path_for(line.sha256)
        if path not in hashes:
            hashes[path] = sha256_file(path) if path.is_file() else None
        found = hashes[path]
        where = "in the folder" if folder is not None else "in the vault"
        if found is None:
            status.problems.append(f"{line.name} ({line.sha256[:16]}…) missing {where}")
        elif found != line.sha256:
            status.problems.append(
                f"{line.name} ({line.sha256[:16]}…) altered {where}: its sha256 no longer "
                f"matches {label}"
            )
