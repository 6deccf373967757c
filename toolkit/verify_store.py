"""``guichets verify`` on a workspace: the vault against ``files``, ``files`` against custody
and the rows that cite an original, and the custody hash chain.

How the vault and the tables tell a story together:

- a ``files`` row whose original is absent: **missing**; whose bytes changed: **altered**;
- an original in the vault with no ``files`` row, whose sha256 a custody entry names (each
  entry names the originals its ingest listed): the row was **deleted**;
- an original named by nothing: **untracked** (a run killed between the copy and the
  commit leaves one; it is said, not failed, since nothing cites it);
- a ``files`` row no custody entry names, or a row citing an original that has no ``files``
  row: a change made outside guichets.
"""

from __future__ import annotations

import os
import re
import stat
from typing import TYPE_CHECKING

from toolkit import custody
from toolkit.verify_base import SHA256, Budget, NotRegular, VerifyResult, hash_regular, kind_of

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

#: Tables whose rows cite an original: (table, column, the row's name column).
CITING = (
    ("attempts", "file_sha256", "id"),
    ("documents", "file_sha256", "id"),
    ("texts", "file_sha256", "part"),
    ("probe_batches", "file_sha256", "batch"),
)
PREFIX = re.compile(r"[0-9a-f]{2}")
SHOWN = 20  # rows named per table before "… and N more"


def logged_originals(ws: Workspace) -> dict[str, int]:
    """sha256 -> number of the first custody entry naming it among its ``originals``."""
    rows = ws.con.execute(
        "SELECT min(seq), sha FROM (SELECT seq, unnest(CAST(json_extract(detail, "
        "'$.originals') AS VARCHAR[])) AS sha FROM custody "
        "WHERE json_type(detail, '$.originals') = 'ARRAY') GROUP BY sha"
    ).fetchall()
    return {sha: seq for seq, sha in rows}


def check_vault(ws: Workspace, result: VerifyResult, budget: Budget) -> None:
    """Re-hash every original ``files`` lists, then name everything else in the vault."""
    rows = ws.con.execute("SELECT sha256, original_name FROM files ORDER BY 1").fetchall()
    names = dict(rows)
    for sha, name in rows:
        label = f"{sha} ({name})"
        result.checked += 1
        path = ws.vault.path_for(sha)
        try:
            digest = hash_regular(path, budget)
        except FileNotFoundError:
            result.missing.append(label)
            continue
        except NotRegular as e:
            result.problems.append(f"the original {label} is replaced by {e}")
            continue
        except OSError as e:
            result.problems.append(f"cannot read the original {label} ({e.strerror or e})")
            continue
        if digest != sha:
            result.altered.append(label)
    _others(ws, names, result, budget)


def _others(ws: Workspace, listed: dict[str, str], result: VerifyResult, budget: Budget) -> None:
    root = ws.vault.root
    if not root.is_dir():
        return
    logged: dict[str, int] | None = None
    for top in sorted(os.scandir(root), key=lambda e: e.name):
        if not (top.is_dir(follow_symlinks=False) and PREFIX.fullmatch(top.name)):
            result.unexpected.append(f"{top.name} (in the vault, where only originals belong)")
            continue
        for entry in sorted(os.scandir(top.path), key=lambda e: e.name):
            name, rel = entry.name, f"{top.name}/{entry.name}"
            if name in listed:
                continue
            budget.check()
            mode = entry.stat(follow_symlinks=False).st_mode
            if not (SHA256.fullmatch(name) and name.startswith(top.name)):
                hint = " (an interrupted copy)" if name.startswith(".incoming-") else ""
                result.unexpected.append(f"{rel}{hint} (in the vault, not an original)")
                continue
            if not stat.S_ISREG(mode):
                result.unexpected.append(f"{rel} ({kind_of(mode)}, in the vault)")
                continue
            try:
                digest = hash_regular(root / rel, budget)
            except (OSError, NotRegular) as e:
                result.problems.append(f"cannot read {rel} in the vault ({e})")
                continue
            if digest != name:
                result.unexpected.append(f"{rel} (its bytes do not match its name)")
                continue
            if logged is None:
                logged = logged_originals(ws)
            if name in logged:
                result.problems.append(
                    f"the files row of original {name} was deleted (custody entry "
                    f"#{logged[name]} records its ingest; the original is still in the vault)"
                )
            else:
                result.untracked.append(
                    f"{name} (in the vault, named by no files row and no custody entry: "
                    "left by an interrupted ingest?)"
                )


def _has_table(ws: Workspace, table: str) -> bool:
    return bool(
        ws.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table])
    )


def check_file_rows(ws: Workspace, result: VerifyResult, budget: Budget) -> None:
    """Every ``files`` row is named by a custody entry; every cited original has a row."""
    logged = logged_originals(ws)
    unnamed = [
        (sha, name)
        for sha, name in ws.con.execute(
            "SELECT sha256, original_name FROM files ORDER BY 1"
        ).fetchall()
        if sha not in logged
    ]
    for sha, name in unnamed[:SHOWN]:
        result.problems.append(
            f"files row {sha} ({name}) is named by no custody entry (added outside guichets?)"
        )
    if len(unnamed) > SHOWN:
        result.problems.append(f"… and {len(unnamed) - SHOWN} more files row(s) like these")
    for table, column, key in CITING:
        budget.check()
        if not _has_table(ws, table):
            continue
        orphans = ws.con.execute(
            f"SELECT CAST({key} AS VARCHAR), {column} FROM {table} WHERE {column} IS NOT NULL "
            f"AND {column} NOT IN (SELECT sha256 FROM files) ORDER BY 2, 1"
        ).fetchall()
        for row_id, sha in orphans[:SHOWN]:
            result.problems.append(
                f"{table} row {row_id} cites original {sha}, which has no files row"
            )
        if len(orphans) > SHOWN:
            result.problems.append(f"… and {len(orphans) - SHOWN} more {table} row(s) like these")


def check_custody(ws: Workspace, result: VerifyResult, budget: Budget) -> None:
    """The custody hash chain: every entry deleted, edited or inserted is named."""
    report = custody.check_chain(ws.con)
    result.problems.extend(report.problems)
    result.notes.append(
        f"custody: {report.entries} entries, head #{report.head_seq} {report.head_sha256} "
        "(kept elsewhere, it shows a later rewrite of the whole log)"
    )
