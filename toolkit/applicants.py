"""Applicants: a pseudonymous row of facts, and identity kept apart.

The facts the law turns on live on the applicant's row: the préfecture, the procedure, the
permit's expiry, the filing route (``anef``, ``guichet``, ``postal``,
``demarches-simplifiees``, ``unknown``; the procedure's default unless declared) and the
OQTF (``none``, ``notified`` with its date, ``executed``, ``unknown``). Earlier demands and
their decisions are in :mod:`toolkit.demands`. Every change is written to ``custody`` with
the previous and the new value.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from toolkit.errors import InputError, NotFound
from toolkit.model import Oqtf, Route
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
    route: str = Route.UNKNOWN.value
    route_source: str = "procedure"  # procedure (its default), declared, or unknown
    oqtf: str = Oqtf.UNKNOWN.value
    oqtf_date: date | None = None


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


def past_date(value: str | date | None, tz: str, what: str) -> date | None:
    """A date the user gives for something that happened: not in the future, not before 1900."""
    d = parse_date(value, what)
    if d is None:
        return None
    today = now().astimezone(ZoneInfo(tz)).date()
    if d > today:
        raise InputError(f"{what} {d.isoformat()} is in the future; give the date it happened")
    if d.year < 1900:
        raise InputError(f"{what} {d.isoformat()} is before 1900; check the year")
    return d


#: A residence permit is issued for at most ten years (a carte de résident); twenty years
#: ahead leaves room and keeps a typo such as 9999 out of every date computed from it.
PERMIT_YEARS_AHEAD = 20


def permit_date(value: str | date | None, tz: str, what: str) -> date | None:
    """A permit's end of validity: from 1900 to twenty years ahead (a year-1 or year-9999
    typo would make every deadline computed from it fail, workspace-wide)."""
    d = parse_date(value, what)
    if d is None:
        return None
    today = now().astimezone(ZoneInfo(tz)).date()
    if d.year < 1900:
        raise InputError(f"{what} {d.isoformat()} is before 1900; check the year")
    if d.year > today.year + PERMIT_YEARS_AHEAD:
        raise InputError(
            f"{what} {d.isoformat()} is more than {PERMIT_YEARS_AHEAD} years ahead; check the year"
        )
    return d


def check_route(route: str) -> str:
    slug = str(route).strip().lower().replace("_", "-")
    if slug not in {r.value for r in Route}:
        raise InputError(
            f"unknown filing route {route!r}; use one of: {', '.join(r.value for r in Route)}"
        )
    return slug


def check_oqtf(oqtf: str) -> str:
    slug = str(oqtf).strip().lower()
    if slug not in {o.value for o in Oqtf}:
        raise InputError(
            f"unknown OQTF status {oqtf!r}; use one of: {', '.join(o.value for o in Oqtf)}"
        )
    return slug


def _oqtf_facts(status: str, when: date | None) -> tuple[str, date | None]:
    if status == Oqtf.NOTIFIED and when is None:
        raise InputError(
            "--oqtf notified needs --oqtf-date: the date the OQTF was notified (on the "
            "notification); the delays to challenge it run from that date"
        )
    if status in (Oqtf.NONE, Oqtf.UNKNOWN) and when is not None:
        raise InputError(f"--oqtf-date is given but --oqtf is {status!r}; drop the date")
    return status, when


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
    route: str | None = None,
    oqtf: str | None = None,
    oqtf_date: str | date | None = None,
    **identity: Any,
) -> Applicant:
    """Create an applicant; identity fields (full_name, birth_date, …) go to ``identities``.

    ``route``: the filing route when it differs from the procedure's default
    (:func:`toolkit.reference.default_route`); ``oqtf``: ``none``, ``notified`` (with
    ``oqtf_date``, the date of notification), ``executed`` or ``unknown`` (the default).
    """
    from toolkit.reference import default_route, get_prefecture, get_procedure

    check_id(applicant_id)
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise InputError(f"unknown identity field(s): {', '.join(sorted(unknown))}")
    pref = get_prefecture(prefecture)
    proc = get_procedure(procedure)
    expiry = permit_date(permit_expiry, pref.tz, "--permit-expiry")
    route_slug = check_route(route) if route else default_route(proc)
    route_source = "declared" if route else "procedure"
    status, notified = _oqtf_facts(
        check_oqtf(oqtf) if oqtf else Oqtf.UNKNOWN.value,
        past_date(oqtf_date, pref.tz, "--oqtf-date"),
    )
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
            "INSERT INTO applicants (id, prefecture, procedure, permit_expiry, created_at, "
            "route, route_source, oqtf, oqtf_date) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [applicant_id, pref.code, proc, expiry, now(), route_slug, route_source, status,
             notified],
        )  # fmt: skip
        if ident:
            cols = ["applicant_id", *ident]
            ws.sql(
                f"INSERT INTO identities ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [applicant_id, *ident.values()],
            )
        ws.log_custody(
            "applicant.add",
            {
                "applicant": applicant_id,
                "prefecture": pref.code,
                "procedure": proc,
                "route": route_slug,
                "route_source": route_source,
                "oqtf": status,
                "oqtf_date": notified,
            },
        )
    return get_applicant(ws, applicant_id)


def get_applicant(ws: Workspace, applicant_id: str) -> Applicant:
    row = ws.con.execute(
        "SELECT a.id, a.prefecture, a.procedure, a.permit_expiry, p.tz, p.name, p.tribunal, "
        "a.route, a.route_source, a.oqtf, a.oqtf_date "
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
        SELECT a.id, a.prefecture, p.name AS prefecture_name, a.procedure, a.route,
               a.oqtf, a.permit_expiry,
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
    """The applicant, its préfecture and tribunal, route, OQTF, earlier demands, evidence
    counts and (optionally) identity."""
    a = get_applicant(ws, applicant_id)
    out: dict[str, Any] = asdict(a)
    # The rows of toolkit.demands.list_demands, read here: demands builds on this module.
    out["demands"] = ws.rows(
        "SELECT number, filed_on, route, procedure, complete, decision, decided_on, reference, "
        "note FROM demands WHERE applicant_id = ? ORDER BY filed_on, number",
        [applicant_id],
    )
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


def update_applicant(
    ws: Workspace,
    applicant_id: str,
    *,
    prefecture: str | None = None,
    procedure: str | None = None,
    permit_expiry: str | date | None = None,
    route: str | None = None,
    oqtf: str | None = None,
    oqtf_date: str | date | None = None,
    reason: str | None = None,
    **identity: Any,
) -> Applicant:
    """Change an applicant's facts (or identity); ``None`` leaves a field as it is.

    ``route="default"`` returns to the procedure's default route; a route left at its
    default follows a change of procedure. ``oqtf`` other than ``notified``/``executed``
    clears the OQTF date. Each change is logged in ``custody`` with its previous and new
    value (identity fields by name only) and ``reason``.
    """
    from toolkit.reference import default_route, get_prefecture, get_procedure

    old = get_applicant(ws, applicant_id)
    unknown = set(identity) - set(IDENTITY_FIELDS)
    if unknown:
        raise InputError(f"unknown identity field(s): {', '.join(sorted(unknown))}")
    new: dict[str, Any] = {}
    tz = old.tz
    if prefecture is not None:
        pref = get_prefecture(prefecture)
        new["prefecture"], tz = pref.code, pref.tz
    if procedure is not None:
        new["procedure"] = get_procedure(procedure)
    if permit_expiry is not None:
        new["permit_expiry"] = permit_date(permit_expiry, tz, "--permit-expiry")
    proc = new.get("procedure", old.procedure)
    if route is not None and route.strip().lower() == "default":
        new["route"], new["route_source"] = default_route(proc), "procedure"
    elif route is not None:
        new["route"], new["route_source"] = check_route(route), "declared"
    elif old.route_source == "procedure" and "procedure" in new:
        new["route"] = default_route(proc)
    if oqtf is not None or oqtf_date is not None:
        status = check_oqtf(oqtf) if oqtf is not None else old.oqtf
        when = past_date(oqtf_date, tz, "--oqtf-date")
        if when is None and status in (Oqtf.NOTIFIED, Oqtf.EXECUTED):
            when = old.oqtf_date  # the notification date stays when it is executed
        new["oqtf"], new["oqtf_date"] = _oqtf_facts(status, when)
    changes = {k: (getattr(old, k), v) for k, v in new.items() if getattr(old, k) != v}
    ident = {k: v for k, v in identity.items() if v is not None}
    if "birth_date" in ident:
        ident["birth_date"] = parse_date(ident["birth_date"], "--birth-date")
    if not changes and not ident:
        raise InputError(
            f"nothing to change for applicant {applicant_id!r}: give at least one option "
            f"(see `guichets applicant update --help`)"
        )
    with ws.transaction():
        if changes:
            sets = ", ".join(f"{k} = ?" for k in changes)
            ws.sql(
                f"UPDATE applicants SET {sets} WHERE id = ?",
                [v for _, v in changes.values()] + [applicant_id],
            )
        if ident:
            _upsert_identity(ws, applicant_id, ident)
        ws.log_custody(
            "applicant.update",
            {
                "applicant": applicant_id,
                "changes": {k: {"from": a, "to": b} for k, (a, b) in changes.items()},
                "identity_fields": sorted(ident),
                "reason": reason,
            },
        )
    return get_applicant(ws, applicant_id)


def _upsert_identity(ws: Workspace, applicant_id: str, ident: dict[str, Any]) -> None:
    """Set identity fields ("" clears one); the row is created when there is none."""
    values = {k: (None if v == "" else v) for k, v in ident.items()}
    if ws.scalar("SELECT count(*) FROM identities WHERE applicant_id = ?", [applicant_id]):
        sets = ", ".join(f"{k} = ?" for k in values)
        ws.sql(
            f"UPDATE identities SET {sets} WHERE applicant_id = ?",
            [*values.values(), applicant_id],
        )
        return
    cols = ["applicant_id", *values]
    ws.sql(
        f"INSERT INTO identities ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
        [applicant_id, *values.values()],
    )
