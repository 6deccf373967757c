"""An applicant's earlier demands: when and how each was filed, whether it was complete,
and the explicit decision taken on it.

A silence is never recorded as a decision: it is computed from the date of a complete
demand (:func:`implicit_rejection_date`), because the law makes a décision implicite de
rejet arise from it (R. 432-1 / R. 432-2 CESEDA; CE, avis, 10 oct. 2024, n° 493514).
Demands are numbered 1, 2, … per applicant in the order they are recorded; every change
is logged in ``custody`` with its previous and new value.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from toolkit.applicants import check_route, get_applicant, past_date
from toolkit.errors import InputError, NotFound
from toolkit.model import Decision
from toolkit.workspace import Workspace, now

COMPLETE_WORDS = {"yes": True, "no": False, "unknown": None}


@dataclass(frozen=True)
class Demand:
    number: int
    filed_on: date
    route: str
    procedure: str
    complete: bool | None  # None: not known
    decision: str  # none (no explicit decision known), favorable, refusal
    decided_on: date | None
    reference: str | None
    note: str | None


_COLUMNS = "number, filed_on, route, procedure, complete, decision, decided_on, reference, note"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def implicit_rejection_date(filed_on: date, months: int = 4) -> date:
    """The date a décision implicite de rejet arises on a complete demand left unanswered:
    ``months`` after the filing (4 by default, R. 432-1 / R. 432-2 CESEDA [V2]: some
    categories differ; a rules file may give another delay)."""
    return add_months(filed_on, months)


def check_decision(decision: str) -> str:
    slug = str(decision).strip().lower()
    if slug not in {d.value for d in Decision}:
        raise InputError(
            f"unknown decision {decision!r}; use one of: {', '.join(d.value for d in Decision)}"
        )
    return slug


def check_complete(value: bool | str | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word not in COMPLETE_WORDS:
        raise InputError(f"--complete {value!r}: use yes, no or unknown")
    return COMPLETE_WORDS[word]


def _check(filed_on: date, decision: str, decided_on: date | None) -> None:
    if decision == Decision.NONE and decided_on is not None:
        raise InputError("--decided is given without --decision; say which decision was taken")
    if decision != Decision.NONE and decided_on is None:
        raise InputError(
            f"--decision {decision} needs --decided: the date of the decision (on the letter "
            "that notifies it)"
        )
    if decided_on is not None and decided_on < filed_on:
        raise InputError(
            f"the decision ({decided_on.isoformat()}) is dated before the demand it answers "
            f"({filed_on.isoformat()}); check both dates"
        )


def list_demands(ws: Workspace, applicant_id: str) -> list[Demand]:
    """The applicant's demands, oldest filing first."""
    get_applicant(ws, applicant_id)  # a clear error for an unknown applicant
    rows = ws.con.execute(
        f"SELECT {_COLUMNS} FROM demands WHERE applicant_id = ? ORDER BY filed_on, number",
        [applicant_id],
    ).fetchall()
    return [Demand(*r) for r in rows]


def get_demand(ws: Workspace, applicant_id: str, number: int) -> Demand:
    row = ws.con.execute(
        f"SELECT {_COLUMNS} FROM demands WHERE applicant_id = ? AND number = ?",
        [applicant_id, number],
    ).fetchone()
    if row is None:
        known = [str(d.number) for d in list_demands(ws, applicant_id)]
        hint = f"known: {', '.join(known)}" if known else "none recorded yet"
        raise NotFound(f"applicant {applicant_id!r} has no demand number {number} ({hint})")
    return Demand(*row)


def add_demand(
    ws: Workspace,
    applicant_id: str,
    *,
    filed_on: str | date,
    route: str | None = None,
    procedure: str | None = None,
    complete: bool | str | None = None,
    decision: str | None = None,
    decided_on: str | date | None = None,
    reference: str | None = None,
    note: str | None = None,
) -> Demand:
    """Record an earlier demand. ``route`` and ``procedure`` default to the applicant's;
    ``complete``: True, False or None (not known); ``decision``: ``favorable`` or
    ``refusal`` with ``decided_on`` (the default ``none`` means no explicit decision)."""
    from toolkit.reference import get_procedure

    a = get_applicant(ws, applicant_id)
    filed = past_date(filed_on, a.tz, "--filed")
    if filed is None:
        raise InputError("--filed: give the date the demand was filed (YYYY-MM-DD)")
    slug = check_decision(decision) if decision else Decision.NONE.value
    decided = past_date(decided_on, a.tz, "--decided")
    _check(filed, slug, decided)
    demand = Demand(
        number=int(
            ws.scalar(
                "SELECT coalesce(max(number), 0) + 1 FROM demands WHERE applicant_id = ?",
                [applicant_id],
            )
        ),
        filed_on=filed,
        route=check_route(route) if route else a.route,
        procedure=get_procedure(procedure) if procedure else a.procedure,
        complete=check_complete(complete),
        decision=slug,
        decided_on=decided,
        reference=reference or None,
        note=note or None,
    )
    with ws.transaction():
        ws.sql(
            f"INSERT INTO demands (applicant_id, {_COLUMNS}, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [applicant_id, *_values(demand), now()],
        )
        ws.log_custody("demand.add", {"applicant": applicant_id, **_record(demand)})
    return demand


def update_demand(
    ws: Workspace,
    applicant_id: str,
    number: int,
    *,
    route: str | None = None,
    complete: bool | str | None = None,
    decision: str | None = None,
    decided_on: str | date | None = None,
    reference: str | None = None,
    note: str | None = None,
    reason: str | None = None,
) -> Demand:
    """Change a demand (``None`` leaves a field as it is; ``complete="unknown"`` forgets
    whether it was complete); the change is logged in ``custody``."""
    a = get_applicant(ws, applicant_id)
    old = get_demand(ws, applicant_id, number)
    new: dict[str, Any] = {}
    if route is not None:
        new["route"] = check_route(route)
    if complete is not None:
        new["complete"] = check_complete(complete)
    if decision is not None:
        new["decision"] = check_decision(decision)
        if new["decision"] == Decision.NONE:
            new["decided_on"] = None
    if decided_on is not None:
        new["decided_on"] = past_date(decided_on, a.tz, "--decided")
    if reference is not None:
        new["reference"] = reference or None
    if note is not None:
        new["note"] = note or None
    merged = {**_record(old), **new}
    _check(old.filed_on, merged["decision"], merged["decided_on"])
    changes = {k: (getattr(old, k), v) for k, v in new.items() if getattr(old, k) != v}
    if not changes:
        raise InputError(
            f"nothing to change for demand {number} of {applicant_id!r}: give at least one "
            "option (see `guichets applicant demand update --help`)"
        )
    with ws.transaction():
        sets = ", ".join(f"{k} = ?" for k in changes)
        ws.sql(
            f"UPDATE demands SET {sets} WHERE applicant_id = ? AND number = ?",
            [*(v for _, v in changes.values()), applicant_id, number],
        )
        ws.log_custody(
            "demand.update",
            {
                "applicant": applicant_id,
                "number": number,
                "changes": {k: {"from": x, "to": y} for k, (x, y) in changes.items()},
                "reason": reason,
            },
        )
    return get_demand(ws, applicant_id, number)


def _values(d: Demand) -> list[Any]:
    return [d.number, d.filed_on, d.route, d.procedure, d.complete, d.decision, d.decided_on,
            d.reference, d.note]  # fmt: skip


def _record(d: Demand) -> dict[str, Any]:
    return dict(zip(_COLUMNS.split(", "), _values(d), strict=True))
