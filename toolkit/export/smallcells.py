"""Applicant-level aggregates with small cells suppressed (secret statistique).

One row per préfecture × procedure and one per préfecture for all procedures
(``procedure`` None), from ``applicant_indicators``. A row about fewer than ``min_cell``
applicants shows « < 5 » as its count and « secret statistique » everywhere else. Inside a
row shown, a count of applicants below ``min_cell`` shows « < 5 », and one whose complement
is below ``min_cell`` shows « secret statistique » (else "all but two" could be read off).
When a préfecture has exactly one procedure row suppressed, its next smallest procedure row
is suppressed too, so that the hidden one cannot be recovered by subtraction from the
préfecture's row. Medians are shown only for rows of at least ``min_cell`` applicants.
"""

from __future__ import annotations

import statistics
from typing import Any

from toolkit.workspace import Workspace

SMALL = "secret statistique"
# Columns of a row, in order; the first is the count of applicants.
STAT_KEYS = (
    "applicants", "attempts", "attempts_median", "days_median", "weeks_median", "span_median",
    "three_weeks", "wrote", "expired",
)  # fmt: skip
PERSON_COUNTS = ("three_weeks", "wrote", "expired")


def below(min_cell: int) -> str:
    return f"< {min_cell}"


def applicant_facts(ws: Workspace, prefecture: str | None) -> list[dict[str, Any]]:
    """What each applicant counts for (no id kept): préfecture, procedure, counts, flags."""
    from toolkit.indicators.applicant import applicant_indicators

    query = "SELECT id FROM applicants" + (" WHERE prefecture = ?" if prefecture else "")
    ids = [
        r[0]
        for r in ws.con.execute(
            query + " ORDER BY id", [prefecture] if prefecture else []
        ).fetchall()
    ]
    facts = []
    for applicant_id in ids:
        ind = applicant_indicators(ws, applicant_id)
        expiry, last = ind.get("permit_expiry"), ind.get("last_attempt")
        facts.append(
            {
                "prefecture": ind["prefecture"],
                "procedure": ind["procedure"],
                "attempts": int(ind["attempts"]),
                "days": int(ind["distinct_days"]),
                "weeks": int(ind["distinct_iso_weeks"]),
                "span": int(ind["span_days"]),
                "wrote": int(ind.get("written_requests") or 0) > 0,
                "expired": bool(expiry and last and expiry <= last),
            }
        )
    return facts


def _group(facts: list[dict[str, Any]], min_cell: int) -> dict[str, Any]:
    n = len(facts)
    row: dict[str, Any] = {
        "applicants": n,
        "attempts": sum(f["attempts"] for f in facts),
        "attempts_median": statistics.median(f["attempts"] for f in facts),
        "days_median": statistics.median(f["days"] for f in facts),
        "weeks_median": statistics.median(f["weeks"] for f in facts),
        "span_median": statistics.median(f["span"] for f in facts),
        "three_weeks": sum(1 for f in facts if f["weeks"] >= 3),
        "wrote": sum(1 for f in facts if f["wrote"]),
        "expired": sum(1 for f in facts if f["expired"]),
    }
    for key in PERSON_COUNTS:
        c = row[key]
        if 0 < c < min_cell:
            row[key] = below(min_cell)
        elif 0 < n - c < min_cell:
            row[key] = SMALL
    return row


def _suppress(row: dict[str, Any], min_cell: int) -> None:
    row["applicants"] = below(min_cell) if row["_n"] < min_cell else SMALL
    for key in STAT_KEYS[1:]:
        row[key] = SMALL
    row["_suppressed"] = True


def applicant_rows(facts: list[dict[str, Any]], min_cell: int) -> list[dict[str, Any]]:
    """Rows per préfecture × procedure, then « toutes procédures », with small cells hidden."""
    by_pref: dict[str, dict[str | None, list[dict[str, Any]]]] = {}
    for f in facts:
        groups = by_pref.setdefault(f["prefecture"], {})
        groups.setdefault(f["procedure"], []).append(f)
        groups.setdefault(None, []).append(f)
    out: list[dict[str, Any]] = []
    for code in sorted(by_pref):
        rows = []
        for proc in sorted(by_pref[code], key=lambda p: (p is None, str(p))):
            members = by_pref[code][proc]
            row: dict[str, Any] = {
                "prefecture": code,
                "procedure": proc,
                "_n": len(members),
                "_suppressed": False,
            }
            row.update(_group(members, min_cell))
            if len(members) < min_cell:
                _suppress(row, min_cell)
            rows.append(row)
        detail = [r for r in rows if r["procedure"] is not None]
        hidden = [r for r in detail if r["_suppressed"]]
        if len(hidden) == 1 and len(detail) > 1:  # secondary suppression
            shown = sorted((r for r in detail if not r["_suppressed"]), key=lambda r: r["_n"])
            if shown:
                _suppress(shown[0], min_cell)
        out += rows
    return out
