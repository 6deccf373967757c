"""`guichets timestamp`: RFC 3161 tokens over a manifest of files, kept in the vault.

One manifest (see :mod:`toolkit.capture.manifest`) per run, one request per TSA. The
network is used before anything is written; then the manifest, every token, its chain and
the request rows land in one transaction. A TSA that cannot be reached leaves its request
``pending`` (nothing is lost); :func:`complete_pending` asks again later. A TSA answering
something that is not a valid token for our manifest stops the run: one line naming it,
nothing recorded.

A token proves that the listed files existed, as they are, at the TSA's time; it says
nothing of when they were made. A token obtained later (a pending request completed) proves
existence only from that later time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from toolkit.capture.manifest import Line, folder_lines, folder_scope, manifest_bytes, vault_name
from toolkit.capture.tokens import Token, accept, new_request
from toolkit.capture.tsa import DEFAULT_TIMEOUT, Tsa, Unreachable, fetch, post_query, resolve_tsas
from toolkit.errors import InputError, IntegrityError
from toolkit.ingest.records import content_id
from toolkit.vault import sha256_bytes, sha256_file
from toolkit.workspace import Workspace, now

PENDING_HINT = "horodatage en attente : relancez `guichets timestamp --pending`"


@dataclass
class TsaOutcome:
    """What one TSA gave for one manifest."""

    tsa: Tsa
    status: str  # granted, pending, already
    token: Token | None = None
    error: str | None = None  # why it is pending
    gen_time: datetime | None = None

    def line(self) -> str:
        if self.status == "granted" and self.gen_time is not None:
            return f"{self.tsa.label}: token at {self.gen_time.isoformat()}"
        if self.status == "already" and self.gen_time is not None:
            return f"{self.tsa.label}: already timestamped at {self.gen_time.isoformat()}"
        return f"{self.tsa.label}: unreachable ({self.error}); {PENDING_HINT}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "tsa": self.tsa.name,
            "url": self.tsa.url,
            "status": self.status,
            "gen_time": self.gen_time.isoformat() if self.gen_time else None,
            "error": self.error,
        }


@dataclass
class TimestampReport:
    scope: str
    manifest_sha256: str
    files: int
    outcomes: list[TsaOutcome] = field(default_factory=list)

    @property
    def pending(self) -> list[TsaOutcome]:
        return [o for o in self.outcomes if o.status == "pending"]

    def lines(self) -> list[str]:
        head = f"{self.scope}: manifest of {self.files} file(s), sha256 {self.manifest_sha256}"
        return [head, *(o.line() for o in self.outcomes)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope,
            "manifest_sha256": self.manifest_sha256,
            "files": self.files,
            "outcomes": [o.to_dict() for o in self.outcomes],
        }


# --- asking -------------------------------------------------------------------------------


def ask_tsas(
    manifest: bytes, tsas: list[Tsa], *, timeout: float = DEFAULT_TIMEOUT
) -> list[TsaOutcome]:
    """One request per TSA over ``manifest``: granted (checked) or pending. Network only."""
    outcomes = []
    for tsa in tsas:
        outcomes.append(ask_one(manifest, tsa, timeout=timeout))
    return outcomes


def ask_one(manifest: bytes, tsa: Tsa, *, timeout: float = DEFAULT_TIMEOUT) -> TsaOutcome:
    nonce, query = new_request(manifest)
    try:
        answer = post_query(tsa, query, timeout)
        token = accept(
            answer,
            who=tsa.label,
            nonce=nonce,
            message=manifest,
            fetch=lambda url: fetch(url, timeout),
        )
    except Unreachable as e:
        return TsaOutcome(tsa, "pending", error=str(e))
    return TsaOutcome(tsa, "granted", token=token, gen_time=token.facts.gen_time)


def request_id(manifest_sha256: str, tsa_url: str) -> str:
    return content_id("timestamp", manifest_sha256, tsa_url)


# --- recording (inside the caller's transaction) ------------------------------------------------


def record_manifest(ws: Workspace, manifest: bytes, name: str) -> str:
    return ws.store_file(manifest, name, "text/plain")


def record_outcomes(
    ws: Workspace, manifest_sha256: str, scope: str, outcomes: list[TsaOutcome]
) -> None:
    """Request rows and tokens for one manifest; call inside ``ws.transaction()``."""
    at = now()
    for o in outcomes:
        if o.status == "already":
            continue
        rid = request_id(manifest_sha256, o.tsa.url)
        exists = ws.scalar("SELECT count(*) FROM timestamp_requests WHERE id = ?", [rid])
        status = "granted" if o.token is not None else "pending"
        if exists:
            ws.sql(
                "UPDATE timestamp_requests SET status = ?, tries = tries + 1, last_try_at = ?, "
                "last_error = ? WHERE id = ?",
                [status, at, o.error, rid],
            )
        else:
            ws.sql(
                "INSERT INTO timestamp_requests (id, manifest_sha256, scope, tsa_url, tsa_name, "
                "created_at, status, tries, last_try_at, last_error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)",
                [rid, manifest_sha256, scope, o.tsa.url, o.tsa.name, at, status, at, o.error],
            )
        if o.token is not None:
            _record_token(ws, rid, manifest_sha256, o.tsa, o.token, at)


def _record_token(
    ws: Workspace, rid: str, manifest_sha256: str, tsa: Tsa, token: Token, at: datetime
) -> None:
    from urllib.parse import urlsplit

    host = urlsplit(tsa.url).hostname or "tsa"
    f = token.facts
    response_sha = ws.store_file(
        token.response, f"jeton-{host}-{f.serial}.tsr", "application/timestamp-reply"
    )
    chain_sha = ws.store_file(token.chain_pem, f"chaine-{host}.pem", "application/x-pem-file")
    ws.sql(
        "INSERT INTO timestamp_tokens (request_id, manifest_sha256, tsa_url, response_sha256, "
        "chain_sha256, gen_time, accuracy_ms, serial, policy, hash_algorithm, tsa_subject, "
        "root_subject, root_sha256, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [rid, manifest_sha256, tsa.url, response_sha, chain_sha, f.gen_time, f.accuracy_ms,
         f.serial, f.policy, f.hash_algorithm, f.tsa_subject, f.root_subject, f.root_sha256, at],
    )  # fmt: skip


# --- the command ---------------------------------------------------------------------------


def timestamp_files(
    ws: Workspace,
    target: str | os.PathLike[str],
    *,
    tsas: list[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> TimestampReport:
    """Timestamp an applicant's files (``target`` is an applicant id) or a folder's files
    (``target`` is a folder): one manifest, one request per TSA (``tsas`` URLs, else the
    defaults of ``tsa.toml``)."""
    chosen = resolve_tsas(tsas)
    path = Path(target)
    if path.is_dir():
        lines = folder_lines(path)
        if not lines:
            raise InputError(f"{path}: no file to timestamp in this folder")
        scope = folder_scope(ws.root, path)
        name = f"manifeste-dossier-{path.resolve().name}.sha256"
    else:
        from toolkit.applicants import get_applicant

        applicant = get_applicant(ws, str(target))
        scope, lines = f"applicant:{applicant.id}", _applicant_lines(ws, applicant.id)
        name = f"manifeste-demandeur-{applicant.id}.sha256"
    manifest = manifest_bytes(lines)
    digest = sha256_bytes(manifest)
    report = TimestampReport(scope, digest, len(lines))
    granted = _granted(ws, digest)
    to_ask = [t for t in chosen if t.url not in granted]
    outcomes = {o.tsa.url: o for o in ask_tsas(manifest, to_ask, timeout=timeout)}
    for t in chosen:
        if t.url in granted:
            report.outcomes.append(TsaOutcome(t, "already", gen_time=granted[t.url]))
        else:
            report.outcomes.append(outcomes[t.url])
    with ws.transaction():
        record_manifest(ws, manifest, name)
        record_outcomes(ws, digest, scope, report.outcomes)
        ws.log_custody("timestamp.request", report.to_dict())
    return report


def _granted(ws: Workspace, manifest_sha256: str) -> dict[str, datetime]:
    rows = ws.sql(
        "SELECT tsa_url, gen_time FROM timestamp_tokens WHERE manifest_sha256 = ?",
        [manifest_sha256],
    ).fetchall()
    return {url: when for url, when in rows}


def _applicant_lines(ws: Workspace, applicant_id: str) -> list[Line]:
    rows = ws.sql(
        """
        SELECT DISTINCT f.sha256, f.size FROM files f WHERE f.sha256 IN (
            SELECT file_sha256 FROM attempts WHERE applicant_id = ?
            UNION SELECT file_sha256 FROM documents WHERE applicant_id = ?
            UNION SELECT har_sha256 FROM captures WHERE applicant_id = ?
            UNION SELECT mhtml_sha256 FROM captures WHERE applicant_id = ?
            UNION SELECT record_sha256 FROM captures WHERE applicant_id = ?
            UNION SELECT manifest_sha256 FROM captures WHERE applicant_id = ?)
        ORDER BY f.sha256
        """,
        [applicant_id] * 6,
    ).fetchall()
    if not rows:
        raise InputError(
            f"applicant {applicant_id!r} has no file in the vault yet; ingest or capture first"
        )
    lines = []
    for sha, _size in rows:
        path = ws.vault.path_for(sha)
        if not path.is_file() or sha256_file(path) != sha:
            raise IntegrityError(
                f"vault file {sha} is missing or altered; run `guichets verify` before "
                "timestamping (nothing was requested)"
            )
        lines.append(Line(sha, vault_name(sha)))
    return lines


# --- pending requests ------------------------------------------------------------------------


@dataclass
class PendingReport:
    outcomes: list[tuple[str, TsaOutcome]] = field(default_factory=list)  # (scope, outcome)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        if not self.outcomes and not self.problems:
            return ["no pending timestamp request"]
        return [f"{scope}: {o.line()}" for scope, o in self.outcomes]

    def to_dict(self) -> dict[str, Any]:
        return {
            "outcomes": [{"scope": s, **o.to_dict()} for s, o in self.outcomes],
            "problems": self.problems,
        }


def complete_pending(ws: Workspace, *, timeout: float = DEFAULT_TIMEOUT) -> PendingReport:
    """Ask again every TSA whose request is pending; each request is recorded on its own."""
    from toolkit.capture.tsa import default_tsas
    from toolkit.errors import TimestampError

    known = {t.url: t for t in default_tsas()}
    report = PendingReport()
    rows = ws.rows(
        "SELECT id, manifest_sha256, scope, tsa_url, tsa_name FROM timestamp_requests "
        "WHERE status = 'pending' ORDER BY created_at, id"
    )
    for row in rows:
        tsa = known.get(row["tsa_url"]) or Tsa(row["tsa_name"] or row["tsa_url"], row["tsa_url"])
        manifest = _stored_manifest(ws, row["manifest_sha256"])
        try:
            outcome = ask_one(manifest, tsa, timeout=timeout)
        except TimestampError as e:
            report.problems.append(str(e))
            with ws.transaction():
                ws.sql(
                    "UPDATE timestamp_requests SET tries = tries + 1, last_try_at = ?, "
                    "last_error = ? WHERE id = ?",
                    [now(), str(e)[:500], row["id"]],
                )
                ws.log_custody("timestamp.pending", {"request": row["id"], "error": str(e)})
            continue
        with ws.transaction():
            record_outcomes(ws, row["manifest_sha256"], row["scope"], [outcome])
            ws.log_custody(
                "timestamp.pending",
                {"request": row["id"], "scope": row["scope"], **outcome.to_dict()},
            )
        report.outcomes.append((row["scope"], outcome))
    return report


def _stored_manifest(ws: Workspace, sha256: str) -> bytes:
    path = ws.vault.path_for(sha256)
    data = path.read_bytes() if path.is_file() else b""
    if sha256_bytes(data) != sha256:
        raise IntegrityError(
            f"manifest {sha256} is missing or altered in the vault; run `guichets verify`"
        )
    return data
