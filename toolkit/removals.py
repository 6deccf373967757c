"""Removing an attempt, a contact or a document from an applicant's file.

A row can be wrong beyond correction (a screenshot of another person, a page ingested for
the wrong applicant, a time no reader should have accepted), and a wrong row must never hold
its file hostage: every command that reads the applicant's file must work again once it is
gone. Removal is the only way rows leave the store, so it is careful:

- the row is named by its id (``guichets attempts ID`` and ``guichets documents list ID``
  show them; a unique prefix of at least 6 characters is enough) and must belong to the
  applicant named;
- a reason is required; the ``custody`` entry (``attempt.remove`` or ``document.remove``)
  keeps it with the reviewer, the OS user, and the whole row as text (every column cast to
  text, so even a row whose time Python cannot represent is kept as it was stored);
- rows of other tables that point at the removed one (a column ``attempt_id`` or
  ``document_id``) go with it, and are counted in the custody entry;
- the original stays in the vault and in ``files`` (it is evidence, and other rows may share
  it); ingesting the same file again records the row again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from toolkit.errors import InputError, NotFound
from toolkit.workspace import Workspace, actor

MIN_PREFIX = 6
MAX_REASON = 500

# what: (table, custody action, the column other tables use to point at it, the command that
# lists the ids)
_KINDS: dict[str, tuple[str, str, str, str]] = {
    "attempt": ("attempts", "attempt.remove", "attempt_id", "guichets attempts {a}"),
    "document": ("documents", "document.remove", "document_id", "guichets documents list {a}"),
}


@dataclass(frozen=True)
class Removal:
    """What a removal took out of the store (the original stays in the vault)."""

    kind: str  # attempt or document
    id: str
    applicant: str
    reason: str
    reviewer: str
    file_sha256: str | None
    row: dict[str, str | None]  # every column as stored, as text
    dependents: dict[str, int]  # rows of other tables removed with it, per table

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "applicant": self.applicant,
            "reason": self.reason,
            "reviewer": self.reviewer,
            "file_sha256": self.file_sha256,
            "original_kept": self.file_sha256 is not None,
            "row": self.row,
            "dependents": self.dependents,
        }


def remove_attempt(
    ws: Workspace, applicant_id: str, attempt_id: str, *, reason: str, reviewer: str | None = None
) -> Removal:
    """Remove one attempt or contact of ``applicant_id`` (its id, or a unique prefix)."""
    return remove_row(ws, "attempt", applicant_id, attempt_id, reason=reason, reviewer=reviewer)


def remove_document(
    ws: Workspace, applicant_id: str, document_id: str, *, reason: str, reviewer: str | None = None
) -> Removal:
    """Remove one supporting document of ``applicant_id`` (its id, or a unique prefix)."""
    return remove_row(ws, "document", applicant_id, document_id, reason=reason, reviewer=reviewer)


def check_reason(reason: str | None) -> str:
    """The reason of a removal, spaces folded; InputError when it is empty or too long."""
    text = " ".join((reason or "").split())
    if not text:
        raise InputError("give the reason for the removal with --reason; it is kept in custody")
    if len(text) > MAX_REASON:
        raise InputError(f"--reason is {len(text)} characters long; keep it under {MAX_REASON}")
    return text


def _find(ws: Workspace, kind: str, applicant_id: str, given: str) -> str:
    """The full id of the applicant's row named by ``given`` (an id or a unique prefix)."""
    table, _, _, lister = _KINDS[kind]
    key = given.strip().lower()
    listing = lister.format(a=applicant_id)
    if not re.fullmatch(rf"[0-9a-f]{{{MIN_PREFIX},64}}", key):
        raise InputError(
            f"{kind} id {given!r}: give the id (hexadecimal, at least {MIN_PREFIX} characters) "
            f"as `{listing}` shows it"
        )
    found = [
        r[0]
        for r in ws.con.execute(
            f"SELECT id FROM {table} WHERE applicant_id = ? AND starts_with(id, ?) "
            "ORDER BY id LIMIT 3",
            [applicant_id, key],
        ).fetchall()
    ]
    if not found:
        elsewhere = ws.scalar(
            f"SELECT applicant_id FROM {table} WHERE starts_with(id, ?) LIMIT 1", [key]
        )
        hint = f" (it belongs to applicant {elsewhere})" if elsewhere else ""
        raise NotFound(f"applicant {applicant_id} has no {kind} {given}{hint}; see `{listing}`")
    if len(found) > 1:
        raise InputError(
            f"{kind} id {given!r} matches several {table} ({', '.join(found[:2])}…); "
            "give more characters"
        )
    return str(found[0])


def _dependents(ws: Workspace, table: str, column: str) -> list[str]:
    """Tables (other than ``table``) with a column pointing at its rows."""
    return [
        r[0]
        for r in ws.con.execute(
            "SELECT DISTINCT c.table_name FROM information_schema.columns c "
            "JOIN information_schema.tables t USING (table_schema, table_name) "
            "WHERE c.column_name = ? AND c.table_name <> ? AND t.table_type = 'BASE TABLE' "
            "AND c.table_schema = 'main' ORDER BY 1",
            [column, table],
        ).fetchall()
    ]


def remove_row(
    ws: Workspace,
    kind: str,
    applicant_id: str,
    given: str,
    *,
    reason: str,
    reviewer: str | None = None,
) -> Removal:
    """Remove the applicant's row of ``kind`` (``attempt`` or ``document``) named by ``given``."""
    from toolkit.applicants import get_applicant

    if kind not in _KINDS:
        raise InputError(f"cannot remove a {kind!r}; only: {', '.join(_KINDS)}")
    applicant = get_applicant(ws, applicant_id)
    why = check_reason(reason)
    who = " ".join((reviewer or "").split()) or actor()
    table, action, column, _ = _KINDS[kind]
    row_id = _find(ws, kind, applicant.id, given)
    cur = ws.con.execute(f"SELECT COLUMNS(*)::VARCHAR FROM {table} WHERE id = ?", [row_id])
    names = [d[0] for d in cur.description]
    values = cur.fetchone()
    row = dict(zip(names, values or (), strict=True))
    removed: dict[str, int] = {}
    with ws.transaction():
        for other in _dependents(ws, table, column):
            n = ws.scalar(f'SELECT count(*) FROM "{other}" WHERE {column} = ?', [row_id])
            if n:
                ws.con.execute(f'DELETE FROM "{other}" WHERE {column} = ?', [row_id])
                removed[other] = int(n)
        ws.con.execute(f"DELETE FROM {table} WHERE id = ?", [row_id])
        result = Removal(
            kind=kind,
            id=row_id,
            applicant=applicant.id,
            reason=why,
            reviewer=who,
            file_sha256=row.get("file_sha256"),
            row=row,
            dependents=removed,
        )
        ws.log_custody(action, result.to_dict())
    return result
