"""Applicants: a pseudonymous row of facts, and identity kept apart."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from toolkit.errors import InputError, NotFound
from toolkit.workspace import Workspace, now

ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
IDENTITY_FIELDS = ("full_name", "birth_date", "nationality", "agdref", "address", "email", "phone")


@dataclass(frozen=True)
class Applicant:
    id: str
    prefecture: str
    procedure: str
    permit_expiry: date | None
    tz: str
    prefecture_name: str
    tribunal: str


def parse_date(value: str | date | None, what: str) -> date | None:
    """Read a YYYY-MM-DD (or DD/MM/YYYY) date given by a user."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = value.strip()
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{what}: {value!r} is not a date; write it as YYYY-MM-DD") from None


def check_id(applicant_id: str) -> str:
    if not ID_RE.fullmatch(applicant_id):
        raise InputError(
            f"applicant id {applicant_id!r}: use 1–64 letters, digits, '.', '_' or '-' "
            "(it appears in file names; keep names out of it, e.g. 2025-017)"
        )
    return applicant_id


def add_applicant(
    ws: Workspace,
    applicant_id: str,
    *,
    prefecture: str,
    procedure: str,
    permit_expiry: str | date | None = None,
    **identity: Any,
) -> Applicant:
    """Create an applicant; identity fields (full_name, birth_date, …) go to ``identities``."""
    from toolkit.reference import get_prefecture, get_procedure

    check_id(applicant_id)
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise InputError(f"unknown identity field(s): {', '.join(sorted(unknown))}")
    pref = get_prefecture(prefecture)
    proc = get_procedure(procedure)
    expiry = parse_date(permit_expiry, "--permit-expiry")
    ident = {k: v for k, v in identity.items() if v not in (None, "")}
    if "birth_date" in ident:
        ident["birth_date"] = parse_date(ident["birth_date"], "--birth-date")
    if ws.scalar("SELECT count(*) FROM applicants WHERE id = ?", [applicant_id]):
        raise InputError(
            f"applicant {applicant_id!r} already exists; see it with `guichets applicant show "
            f"{applicant_id}`"
        )
    with ws.transaction():
        ws.sql(
            "INSERT INTO applicants (id, prefecture, procedure, permit_expiry, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [applicant_id, pref.code, proc, expiry, now()],
        )
        if ident:
            cols = ["applicant_id", *ident]
            ws.sql(
                f"INSERT INTO identities ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [applicant_id, *ident.values()],
            )
        ws.log_custody(
            "applicant.add",
            {"applicant": applicant_id, "prefecture": pref.code, "procedure": proc},
        )
    return get_applicant(ws, applicant_id)


def get_applicant(ws: Workspace, applicant_id: str) -> Applicant:
    row = ws.con.execute(
        "SELECT a.id, a.prefecture, a.procedure, a.permit_expiry, p.tz, p.name, p.tribunal "
        "FROM applicants a JOIN prefectures p ON p.code = a.prefecture WHERE a.id = ?",
        [applicant_id],
    ).fetchone()
    if row is None:
        known = [r[0] for r in ws.con.execute("SELECT id FROM applicants ORDER BY id").fetchall()]
        hint = f" (known: {', '.join(known[:10])})" if known else ""
        raise NotFound(
            f"unknown applicant {applicant_id!r}{hint}; create it with "
            f"`guichets applicant add {applicant_id} --prefecture CODE --procedure SLUG`"
        )
    return Applicant(*row)


def list_applicants(ws: Workspace) -> list[dict[str, Any]]:
    """One row per applicant with attempt counts (no identity)."""
    return ws.rows(
        """
        SELECT a.id, a.prefecture, p.name AS prefecture_name, a.procedure, a.permit_expiry,
               count(t.id) FILTER (WHERE t.channel = 'online') AS attempts,
               count(t.id) FILTER (WHERE t.channel <> 'online') AS contacts,
               min(t.observed_at) FILTER (WHERE t.channel = 'online') AS first_attempt,
               max(t.observed_at) FILTER (WHERE t.channel = 'online') AS last_attempt
        FROM applicants a
        JOIN prefectures p ON p.code = a.prefecture
        LEFT JOIN attempts t ON t.applicant_id = a.id
        GROUP BY ALL ORDER BY a.id
        """
    )


def show_applicant(ws: Workspace, applicant_id: str, *, identity: bool = True) -> dict[str, Any]:
    """The applicant, its préfecture and tribunal, evidence counts and (optionally) identity."""
    a = get_applicant(ws, applicant_id)
    out: dict[str, Any] = asdict(a)
    counts = ws.rows(
        "SELECT channel, count(*) AS n FROM attempts WHERE applicant_id = ? GROUP BY 1 ORDER BY 1",
        [applicant_id],
    )
    out["attempts_by_channel"] = {r["channel"]: r["n"] for r in counts}
    docs = ws.rows(
        "SELECT kind, count(*) AS n FROM documents WHERE applicant_id = ? GROUP BY 1 ORDER BY 1",
        [applicant_id],
    )
    out["documents_by_kind"] = {r["kind"]: r["n"] for r in docs}
    if identity:
        rows = ws.rows(
            f"SELECT {', '.join(IDENTITY_FIELDS)} FROM identities WHERE applicant_id = ?",
            [applicant_id],
        )
        out["identity"] = {k: v for k, v in (rows[0] if rows else {}).items() if v is not None}
    return out
