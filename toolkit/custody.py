"""The custody log as a hash chain (part of the store layer; schema/006_custody_chain.sql).

Every row of ``custody`` carries its number (``seq``, 1, 2, 3… with no gap), the hash of the
row before it (``prev_sha256``; the first row holds 64 zeros) and its own hash (``sha256``):
SHA-256 of the canonical JSON of ``[seq, at, action, actor, tool_version, detail,
prev_sha256]``. :func:`append` is the only writer (through ``Workspace.log_custody``), and
:func:`check_chain` finds a row deleted (a gap, and the next row's link broken), edited (its
hash no longer matches), inserted or re-ordered.

What a chain without a key cannot prove: someone able to rewrite the database could
recompute every hash after the row they changed, or drop the last rows. The head
(``seq`` and ``sha256`` of the last row, printed by ``guichets verify``) written down
elsewhere, or stamped by a timestamp authority, closes that gap.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

GENESIS = "0" * 64


def _when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(
    seq: int,
    at: datetime,
    action: str,
    actor: str | None,
    tool_version: str,
    detail: str | None,
    prev: str,
) -> str:
    """The hash of one custody row (``detail`` as the JSON text stored)."""
    canonical = json.dumps(
        [seq, _when(at), action, actor, tool_version, detail, prev],
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def head(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """``(seq, sha256)`` of the last row, ``(0, GENESIS)`` for an empty log."""
    row = con.execute(
        "SELECT seq, sha256 FROM custody WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    return (int(row[0]), str(row[1])) if row else (0, GENESIS)


def is_chained(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether this database's custody table has the chain's columns (schema 006 or later)."""
    return bool(
        con.execute(
            "SELECT count(*) FROM information_schema.columns "
            "WHERE table_name = 'custody' AND column_name = 'sha256'"
        ).fetchone()[0]  # type: ignore[index]
    )


def append(
    con: duckdb.DuckDBPyConnection,
    at: datetime,
    action: str,
    actor: str,
    tool_version: str,
    detail: str,
    *,
    chained: bool = True,
) -> tuple[int, str]:
    """Add one row at the end of the chain; return its ``(seq, sha256)``. ``chained=False``
    only for a database still before schema 006 (its rows are linked when it migrates)."""
    if not chained:
        con.execute(
            'INSERT INTO custody ("at", action, actor, tool_version, detail) VALUES (?, ?, ?, ?, ?)',
            [at, action, actor, tool_version, detail],
        )
        return 0, GENESIS
    last, prev = head(con)
    seq = last + 1
    digest = entry_hash(seq, at, action, actor, tool_version, detail, prev)
    con.execute(
        'INSERT INTO custody ("at", action, actor, tool_version, detail, seq, prev_sha256, '
        "sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [at, action, actor, tool_version, detail, seq, prev, digest],
    )
    return seq, digest


def chain_existing(con: duckdb.DuckDBPyConnection) -> int:
    """Number and link the rows written before the chain existed, in time order; return how
    many (schema 006 runs this once, inside its migration)."""
    rows = con.execute(
        'SELECT rowid, "at", action, actor, tool_version, CAST(detail AS VARCHAR) FROM custody '
        'WHERE sha256 IS NULL ORDER BY "at", rowid'
    ).fetchall()
    seq, prev = head(con)
    for rowid, at, action, actor, version, detail in rows:
        seq += 1
        digest = entry_hash(seq, at, action, actor, version, detail, prev)
        con.execute(
            "UPDATE custody SET seq = ?, prev_sha256 = ?, sha256 = ? WHERE rowid = ?",
            [seq, prev, digest, rowid],
        )
        prev = digest
    return len(rows)


def start_chain(con: duckdb.DuckDBPyConnection, at: datetime, actor: str, version: str) -> None:
    """Schema 006: link the entries already written, then log that the chain began with the
    originals the workspace held (so that each is named by some entry)."""
    chained = chain_existing(con)
    if chained:
        originals = [r[0] for r in con.execute("SELECT sha256 FROM files ORDER BY 1").fetchall()]
        detail = {"chained_entries": chained, "originals": originals}
        append(con, at, "custody.chain", actor, version, json.dumps(detail, sort_keys=True))


@dataclass
class ChainReport:
    """What :func:`check_chain` found: every break named by entry number."""

    entries: int = 0
    head_seq: int = 0
    head_sha256: str = GENESIS
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "entries": self.entries,
            "head_seq": self.head_seq,
            "head_sha256": self.head_sha256,
            "problems": self.problems,
        }


def _label(seq: Any, at: Any, action: Any) -> str:
    when = _when(at) if isinstance(at, datetime) else str(at)
    return f"custody entry #{seq} ({action}, {when})"


def check_chain(con: duckdb.DuckDBPyConnection) -> ChainReport:
    """Walk the chain in ``seq`` order and name every break."""
    report = ChainReport()
    rows = con.execute(
        'SELECT seq, "at", action, actor, tool_version, CAST(detail AS VARCHAR), prev_sha256, '
        'sha256 FROM custody ORDER BY seq NULLS FIRST, "at"'
    ).fetchall()
    report.entries = len(rows)
    if not rows:
        report.problems.append("the custody log is empty (every workspace logs its creation)")
        return report
    expected_seq, prev = 1, GENESIS
    for seq, at, action, actor, version, detail, prev_sha, digest in rows:
        label = _label(seq, at, action)
        if seq is None or digest is None:
            report.problems.append(f"{label}: not part of the chain (added by hand?)")
            continue
        if seq < expected_seq:
            report.problems.append(f"{label}: number used twice (an entry was inserted)")
            continue
        if seq > expected_seq:
            missing = (
                f"#{expected_seq}" if seq == expected_seq + 1 else f"#{expected_seq}–#{seq - 1}"
            )
            report.problems.append(f"custody entry {missing} deleted (before {label})")
        elif prev_sha != prev:
            report.problems.append(
                f"{label}: its link to entry #{seq - 1} is broken (#{seq - 1} was rewritten, "
                "or entries were moved)"
            )
        if entry_hash(seq, at, action, actor, version, detail, prev_sha) != digest:
            report.problems.append(f"{label}: edited since it was written (its hash differs)")
        expected_seq, prev = seq + 1, digest
        report.head_seq, report.head_sha256 = seq, digest
    return report


def entries(
    con: duckdb.DuckDBPyConnection, *, applicant: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    """The log, newest first: ``seq, at, action, actor, tool_version, detail`` (decoded);
    with ``applicant``, only the entries whose detail names that applicant."""
    where = "WHERE json_extract_string(detail, '$.applicant') = ?" if applicant else ""
    tail = f"LIMIT {int(limit)}" if limit is not None else ""
    cur = con.execute(
        f'SELECT seq, "at", action, actor, tool_version, CAST(detail AS VARCHAR) FROM custody '
        f'{where} ORDER BY seq DESC NULLS LAST, "at" DESC {tail}',
        [applicant] if applicant else [],
    )
    names = ("seq", "at", "action", "actor", "tool_version", "detail")
    out = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    for e in out:
        e["detail"] = json.loads(e["detail"]) if e["detail"] else {}
    return out
