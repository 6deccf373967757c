"""What a judge counts for one applicant: days, weeks, hours, span, contacts, urgency.

Day, week, hour and gap counts are over *online* booking attempts only (channel
``online``; ANEF portal pages are procedural evidence, not booking attempts:
``provenance.BOOKING_SQL``), in the préfecture's local time (the ``attempts_local`` view):
an attempt at 23:30 UTC is on the next day in La Réunion and on the same day in Guyane.
``attempts`` and ``by_outcome`` count every online booking attempt (``by_outcome`` by
effective outcome: an
``outcome_conflict`` counts as ``unknown``, see :mod:`toolkit.provenance`), but the dating
counts (first and last attempt, span, days, weeks, longest gap) leave out the attempts
whose time a judge cannot count on (:data:`~toolkit.provenance.DATED_SQL`): those dated
only by the file's date or an editor's metadata (``weak_times``, listed in
``weak_time_files``: one stray copy would stretch the span by months) and those whose
sources disagree (``time_conflicts``) until a person reviews them; the hour counts (hours,
hour bands) also leave out the attempts dated to the day only (a date the server wrote in
the page). ``dated_attempts`` is what the dating counts are over.

``to_review`` counts the attempts a person should look at (``guichets review``), ANEF pages
included, as do the flag counts and ``outcome_sources``: any flag
or an unknown outcome; ``outcome_conflicts``, ``edited_images`` and ``reencoded_images``
count the flags; ``outcome_sources`` counts online attempts by how their outcome was
decided (read, declared, reviewed, none).

``contacts`` counts, by channel, the contacts recorded in ``attempts`` (channel other
than ``online``: e-mails from ``ingest captures``, ``contact add``) plus the documents
of kind ``letter`` or ``email`` that match no such contact. A document matches a contact
when both hold the same file, or when they share the channel and the local date; so an
e-mail both captured and filed as a document counts once. Unmatched documents count
once per date (an LRAR and its proof of posting filed the same day are one letter);
undated ones count one each. ``written_requests`` is the e-mails and letters among them
not marked ``received`` (what the applicant sent, or may have sent).

``declared_times`` counts the online attempts whose time comes only from what the
applicant wrote (the screenshot log, a declared time): a declaration, not a reading.
``publications`` counts the publications of new slots announced by a page of the service
(RDV Préfecture « Prochaine mise en ligne … ») and the attempts made within
``publication_minutes`` after one. ``targets`` is :func:`toolkit.indicators.targets.
booking_targets`. ``first_step`` is the first dated thing the applicant did: an attempt, a
contact, a letter or e-mail filed as a document, or an earlier demand.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from toolkit.contacts import UNMATCHED_CTE
from toolkit.model import TimeSource
from toolkit.provenance import BOOKING_SQL, DATED_SQL, HOUR_KNOWN_SQL, NEEDS_REVIEW_SQL
from toolkit.workspace import Workspace, local_today

HOUR_BANDS: dict[str, tuple[int, int]] = {
    "night": (0, 6),
    "morning": (6, 12),
    "afternoon": (12, 18),
    "evening": (18, 24),
}
HOUR_BAND_LABELS_FR = {
    "night": "la nuit (0 h – 6 h)",
    "morning": "le matin (6 h – 12 h)",
    "afternoon": "l'après-midi (12 h – 18 h)",
    "evening": "le soir (18 h – 24 h)",
}
CONTACT_KEYS = ("email", "letter", "phone", "counter", "other")
DECLARED_TIME_SOURCES = (TimeSource.LOG.value, TimeSource.DECLARED.value)

# Dating counts leave out the times a judge cannot count on; hour counts, days alone too.
# They count booking attempts only; what a person should review covers every online attempt
# (an ANEF page whose reading and declaration differ is still a conflict to look at).
_ONLINE_SQL = f"""
WITH o AS (
    SELECT *, {BOOKING_SQL} AS booking, {BOOKING_SQL} AND {DATED_SQL} AS dated,
           {BOOKING_SQL} AND {HOUR_KNOWN_SQL} AS hourly
    FROM attempts_local WHERE applicant_id = ? AND channel = 'online'
)
SELECT count(*) FILTER (WHERE booking) AS attempts,
       count(*) FILTER (WHERE dated) AS dated_attempts,
       min(local_date) FILTER (WHERE dated) AS first_attempt,
       max(local_date) FILTER (WHERE dated) AS last_attempt,
       count(DISTINCT local_date) FILTER (WHERE dated) AS distinct_days,
       count(DISTINCT iso_week) FILTER (WHERE dated) AS distinct_iso_weeks,
       count(DISTINCT local_hour) FILTER (WHERE hourly) AS distinct_hours,
       count(*) FILTER (WHERE hourly AND local_hour < 6) AS night,
       count(*) FILTER (WHERE hourly AND local_hour >= 6 AND local_hour < 12) AS morning,
       count(*) FILTER (WHERE hourly AND local_hour >= 12 AND local_hour < 18) AS afternoon,
       count(*) FILTER (WHERE hourly AND local_hour >= 18) AS evening,
       count(*) FILTER (WHERE list_contains(flags, 'time_conflict')) AS time_conflicts,
       count(*) FILTER (WHERE list_contains(flags, 'outcome_conflict')) AS outcome_conflicts,
       count(*) FILTER (WHERE list_contains(flags, 'edited')) AS edited_images,
       count(*) FILTER (WHERE list_contains(flags, 'reencoded')) AS reencoded_images,
       count(*) FILTER (WHERE {NEEDS_REVIEW_SQL}) AS to_review,
       count(*) FILTER (WHERE outcome_source = 'read') AS read,
       count(*) FILTER (WHERE outcome_source = 'declared') AS declared,
       count(*) FILTER (WHERE outcome_source = 'reviewed') AS reviewed,
       count(*) FILTER (WHERE outcome_source IS NULL) AS none
FROM o
"""

_GAP_SQL = f"""
WITH d AS (
    SELECT DISTINCT local_date FROM attempts_local
    WHERE applicant_id = ? AND {BOOKING_SQL} AND {DATED_SQL}
)
SELECT coalesce(max(local_date - prev), 0)
FROM (SELECT local_date, lag(local_date) OVER (ORDER BY local_date) AS prev FROM d)
"""


_CONTACTS_SQL = (
    UNMATCHED_CTE
    + """
SELECT channel,
       count(*) AS n,
       count(*) FILTER (WHERE channel IN ('email', 'letter')
                        AND direction IS DISTINCT FROM 'received') AS written
FROM c GROUP BY channel
UNION ALL
SELECT channel,
       count(DISTINCT coalesce(CAST(dated AS VARCHAR), file_sha256)) AS n,
       count(DISTINCT coalesce(CAST(dated AS VARCHAR), file_sha256)) AS written
FROM unmatched GROUP BY channel
"""
)


def _files_where(ws: Workspace, applicant_id: str, condition: str) -> list[str]:
    """Names of the online attempts that meet ``condition`` (SQL), in time order."""
    return [
        r[0] or r[1]
        for r in ws.con.execute(
            f"SELECT original_name, id FROM attempts WHERE applicant_id = ? AND {BOOKING_SQL} "
            f"AND {condition} ORDER BY observed_at, id",
            [applicant_id],
        ).fetchall()
    ]


def _first_step(ws: Workspace, applicant_id: str) -> date | None:
    return ws.scalar(
        f"""
        SELECT min(d) FROM (
            SELECT local_date AS d FROM attempts_local
            WHERE applicant_id = ? AND {DATED_SQL}
            UNION ALL SELECT dated FROM documents
            WHERE applicant_id = ? AND kind IN ('letter', 'email')
            UNION ALL SELECT filed_on FROM demands WHERE applicant_id = ?
        )
        """,
        [applicant_id, applicant_id, applicant_id],
    )


def _publications(
    ws: Workspace, applicant_id: str, prefecture: str, procedure: str, minutes: int
) -> dict[str, Any]:
    """Announced publications of the service and the attempts made just after one."""
    from datetime import timedelta

    from toolkit.indicators.corroboration import publications

    known = sorted({at for at, _ in publications(ws, prefecture, procedure)})
    times = [
        r[0]
        for r in ws.con.execute(
            f"SELECT local_time FROM attempts_local WHERE applicant_id = ? AND {BOOKING_SQL} "
            f"AND {HOUR_KNOWN_SQL}",
            [applicant_id],
        ).fetchall()
    ]
    after = timedelta(minutes=minutes)
    hits = sum(
        1 for t in times if any(p <= t.replace(second=0, microsecond=0) <= p + after for p in known)
    )
    return {
        "known": len(known),
        "attempts_at": hits,
        "minutes": minutes,
        "last_known": known[-1].isoformat(sep=" ", timespec="minutes") if known else None,
    }


def applicant_indicators(
    ws: Workspace,
    applicant_id: str,
    *,
    window_minutes: int = 60,
    today: date | None = None,
    publication_minutes: int = 30,
) -> dict[str, Any]:
    """The applicant's indicators as a JSON-ready dict (dates as ISO strings).

    ``today`` (default: today in the préfecture's zone) is the date ``days_to_expiry`` and
    ``days_since_last_attempt`` are counted from; ``days_to_expiry`` is negative once the
    permit has expired.
    """
    from toolkit.applicants import get_applicant
    from toolkit.indicators.corroboration import corroboration_summary
    from toolkit.indicators.targets import booking_targets
    from toolkit.ingest.documents import DOCUMENT_KINDS
    from toolkit.model import Outcome

    a = get_applicant(ws, applicant_id)
    as_of = today or local_today(a.tz)
    online = ws.rows(_ONLINE_SQL, [applicant_id])[0]
    first: date | None = online["first_attempt"]
    last: date | None = online["last_attempt"]
    outcomes = dict(
        ws.con.execute(
            f"SELECT outcome, count(*) FROM attempts WHERE applicant_id = ? AND {BOOKING_SQL} "
            "GROUP BY 1",
            [applicant_id],
        ).fetchall()
    )
    declared_files = _files_where(
        ws, applicant_id, f"time_source IN {DECLARED_TIME_SOURCES} AND {DATED_SQL}"
    )
    weak_files = _files_where(ws, applicant_id, "list_contains(flags, 'weak_time')")
    contacts = dict.fromkeys(CONTACT_KEYS, 0)
    written = 0
    for channel, n, w in ws.con.execute(_CONTACTS_SQL, [applicant_id, applicant_id]).fetchall():
        contacts[channel] = contacts.get(channel, 0) + int(n)
        written += int(w)
    docs = dict.fromkeys(DOCUMENT_KINDS, 0)
    for kind, n in ws.con.execute(
        "SELECT kind, count(*) FROM documents WHERE applicant_id = ? GROUP BY 1", [applicant_id]
    ).fetchall():
        docs[kind] = docs.get(kind, 0) + int(n)
    expiry: date | None = a.permit_expiry
    first_step = _first_step(ws, applicant_id)
    return {
        "applicant": a.id,
        "prefecture": a.prefecture,
        "procedure": a.procedure,
        "tz": a.tz,
        "as_of": as_of.isoformat(),
        "attempts": int(online["attempts"]),
        "dated_attempts": int(online["dated_attempts"]),
        "by_outcome": {o.value: int(outcomes.get(o.value, 0)) for o in Outcome},
        "first_attempt": first.isoformat() if first else None,
        "last_attempt": last.isoformat() if last else None,
        "span_days": (last - first).days if first and last else 0,
        "distinct_days": int(online["distinct_days"]),
        "distinct_iso_weeks": int(online["distinct_iso_weeks"]),
        "distinct_hours": int(online["distinct_hours"]),
        "hour_bands": {band: int(online[band]) for band in HOUR_BANDS},
        "longest_gap_days": int(ws.scalar(_GAP_SQL, [applicant_id]) or 0),
        "weak_times": len(weak_files),
        "weak_time_files": weak_files,
        "declared_times": len(declared_files),
        "declared_time_files": declared_files,
        "days_since_last_attempt": (as_of - last).days if last else None,
        "first_step": first_step.isoformat() if first_step else None,
        "time_conflicts": int(online["time_conflicts"]),
        "outcome_conflicts": int(online["outcome_conflicts"]),
        "edited_images": int(online["edited_images"]),
        "reencoded_images": int(online["reencoded_images"]),
        "to_review": int(online["to_review"]),
        "outcome_sources": {k: int(online[k]) for k in ("read", "declared", "reviewed", "none")},
        "contacts": contacts,
        "written_requests": written,
        "documents": docs,
        "permit_expiry": expiry.isoformat() if expiry else None,
        "days_to_expiry": (expiry - as_of).days if expiry else None,
        "corroboration": corroboration_summary(ws, applicant_id, window_minutes=window_minutes),
        "publications": _publications(
            ws, applicant_id, a.prefecture, a.procedure, publication_minutes
        ),
        "targets": booking_targets(ws, applicant_id),
    }
