"""A person's review of the attempts the machine could not settle, with a trail.

:func:`review_items` lists what needs a person: outcome conflicts (the page read one thing,
the log or ``--outcome`` said another), unknown outcomes, times whose sources disagree or
that only a file's date gives, images that went through an editor or a messenger.
:func:`review_attempt` records a person's decision on one attempt: the outcome they saw on
the original (``outcome_source = reviewed``), the time they read on it (a time candidate of
source ``reviewed``, which then dates the attempt), and why. The reviewer (the OS user), the
previous and the new values and the note go to ``custody``; the machine's readings
(``read_outcome``, every time candidate) and the original stay as they were. Documents then
say « vérifié visuellement ».
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from toolkit.errors import InputError, NotFound
from toolkit.model import Flag, Outcome, OutcomeSource, TimeCandidate, TimeSource
from toolkit.provenance import NEEDS_REVIEW_SQL, TimeRange, candidate, choose_time, ordered_flags
from toolkit.workspace import Workspace, actor

REASONS = {
    Flag.OUTCOME_CONFLICT.value: "the page read {read_outcome} ({rule}) but {declared_outcome} "
    "was declared",
    Flag.TIME_CONFLICT.value: "its times disagree: {times}",
    Flag.WEAK_TIME.value: "dated only by {time_detail} (weak): {times}",
    Flag.EDITED.value: "the image went through an editor: {edited}",
    Flag.REENCODED.value: "the image was re-encoded by a messenger: {reencoded}",
}


def _times_text(times: list[dict[str, Any]]) -> str:
    shown = [t for t in times if t["local_time"]]
    return " ; ".join(f"{t['local_time']} ({t['source']})" for t in shown)


def review_items(ws: Workspace, applicant_id: str) -> list[dict[str, Any]]:
    """The applicant's attempts that need a person, oldest first, each with its reasons."""
    from toolkit.applicants import get_applicant
    from toolkit.attempts import attempt_records

    get_applicant(ws, applicant_id)
    wanted = {
        r[0]
        for r in ws.con.execute(
            f"SELECT id FROM attempts WHERE applicant_id = ? AND {NEEDS_REVIEW_SQL}",
            [applicant_id],
        ).fetchall()
    }
    items = []
    for r in attempt_records(ws, applicant_id):
        if r["id"] not in wanted:
            continue
        values = {
            **r,
            "times": _times_text(r["times"]),
            "edited": r["flag_detail"].get("edited", ""),
            "reencoded": r["flag_detail"].get("reencoded", ""),
        }
        reasons = [REASONS[f].format(**values) for f in r["flags"] if f in REASONS]
        if r["outcome"] == Outcome.UNKNOWN and Flag.OUTCOME_CONFLICT not in r["flags"]:
            what = f"rule {r['rule']}" if r["rule"] else "nothing read"
            reasons.append(f"outcome unknown ({what})")
        items.append(
            {
                "id": r["id"],
                "local_time": r["local_time"],
                "file": r["file"],
                "sha256": r["sha256"],
                "outcome": r["outcome"],
                "read_outcome": r["read_outcome"],
                "declared_outcome": r["declared_outcome"],
                "rule": r["rule"],
                "flags": r["flags"],
                "times": r["times"],
                "reasons": reasons,
            }
        )
    return items


def _find(ws: Workspace, applicant_id: str, attempt: str) -> dict[str, Any]:
    """The attempt whose id is (or starts with, at least 6 characters) ``attempt``."""
    key = attempt.strip().lower()
    rows = ws.rows(
        "SELECT id, outcome, outcome_source, read_outcome, declared_outcome, flags, observed_at, "
        "time_source, time_detail, time_precision, file_sha256, original_name FROM attempts "
        "WHERE applicant_id = ? AND (id = ? OR (length(?) >= 6 AND starts_with(id, ?))) "
        "ORDER BY id",
        [applicant_id, key, key, key],
    )
    if len(rows) == 1:
        return rows[0]
    ids = [r[0] for r in ws.con.execute(
        "SELECT id FROM attempts WHERE applicant_id = ? ORDER BY observed_at, id", [applicant_id]
    ).fetchall()]  # fmt: skip
    if rows:
        raise InputError(
            f"{attempt!r} matches {len(rows)} attempts of {applicant_id}; give more of the id"
        )
    shown = ", ".join(ids[:20]) + (f", … ({len(ids)} in all)" if len(ids) > 20 else "")
    raise NotFound(
        f"no attempt {attempt!r} for {applicant_id}; "
        + (f"its attempts are: {shown} (see `guichets review {applicant_id}`)" if ids
           else "it has no attempt yet")
    )  # fmt: skip


def _reviewed_time(text: str, tz: str, who: str, time_range: TimeRange | None) -> TimeCandidate:
    from toolkit.ingest.textdates import parse_datetime_value
    from toolkit.provenance import precision_of

    parsed = parse_datetime_value(text.strip())
    if parsed is None:
        raise InputError(
            f"--time {text!r} is not a date and time; write it as YYYY-MM-DD HH:MM, as shown on "
            "the image (e.g. 2025-03-12 10:06)"
        )
    found = candidate(parsed, TimeSource.REVIEWED, f"review:{who}", tz,
                      precision=precision_of(text), time_range=time_range)  # fmt: skip
    if not found.usable:
        raise InputError(f"--time {text!r}: {found.rejected}")
    return found


def review_attempt(
    ws: Workspace,
    applicant_id: str,
    attempt: str,
    *,
    outcome: str | None = None,
    time: str | None = None,
    note: str | None = None,
    time_range: TimeRange | None = None,
) -> dict[str, Any]:
    """Record a person's decision on one attempt (see the module doc); return what changed.

    ``outcome``: what the original shows (outcome vocabulary); ``time``: the date and time
    read on it, at the precision written; ``note``: why. At least one is needed.
    """
    from toolkit.applicants import get_applicant
    from toolkit.ingest.records import load_times, store_times

    applicant = get_applicant(ws, applicant_id)
    if outcome is None and time is None and not (note or "").strip():
        raise InputError("say what you saw: --outcome, --time or --note")
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise InputError(f"--outcome {outcome!r}: use one of {', '.join(o.value for o in Outcome)}")
    row = _find(ws, applicant.id, attempt)
    who = actor()
    changes: dict[str, Any] = {}
    flags = set(row["flags"] or [])
    updates: dict[str, Any] = {}
    new_times: list[TimeCandidate] | None = None
    if outcome is not None:
        changes["outcome"] = {
            "previous": row["outcome"],
            "previous_source": row["outcome_source"],
            "read": row["read_outcome"],
            "declared": row["declared_outcome"],
            "new": outcome,
        }
        updates.update(outcome=outcome, outcome_source=OutcomeSource.REVIEWED.value,
                       extraction="manual")  # fmt: skip
        flags.discard(Flag.OUTCOME_CONFLICT.value)
    if time is not None:
        found = _reviewed_time(time, applicant.tz, who, time_range)
        new_times = [found, *load_times(ws, row["id"])]
        assert choose_time(new_times, applicant.tz).chosen is found
        zone = ZoneInfo(applicant.tz)
        previous: datetime = row["observed_at"].astimezone(zone)
        changes["time"] = {
            "previous": previous.isoformat(),
            "previous_source": row["time_source"],
            "previous_precision": row["time_precision"],
            "new": found.value.astimezone(zone).isoformat() if found.value else None,
            "precision": found.precision,
        }
        updates.update(observed_at=found.value, time_source=found.source,
                       time_detail=found.detail, time_precision=found.precision)  # fmt: skip
        flags -= {Flag.TIME_CONFLICT.value, Flag.WEAK_TIME.value}
    updates["flags"] = ordered_flags(flags)
    with ws.transaction():
        if new_times is not None:
            first = new_times[0]
            store_times(ws, row["id"], new_times, (first.source, first.detail, first.value))
        ws.con.execute(
            f"UPDATE attempts SET {', '.join(f'{k} = ?' for k in updates)} WHERE id = ?",
            [*updates.values(), row["id"]],
        )
        ws.log_custody(
            "review",
            {
                "applicant": applicant.id,
                "attempt": row["id"],
                "file": row["original_name"],
                "sha256": row["file_sha256"],
                "reviewer": who,
                "changes": changes,
                "flags": {"previous": list(row["flags"] or []), "new": updates["flags"]},
                "note": (note or "").strip() or None,
            },
        )
    return {
        "applicant": applicant.id,
        "attempt": row["id"],
        "reviewer": who,
        "changes": changes,
        "flags": updates["flags"],
        "note": (note or "").strip() or None,
    }
