"""Contacts with the préfecture that left no file: a call, a visit, a letter sent.

A contact is a row of ``attempts`` whose channel is not ``online``; its time is the one
the user declares (``time_source = declared``), at the precision written (``time_precision``
second, minute, or day: a date without a time is recorded at midnight in the préfecture's
zone, ``time_detail = declared:date``, and printed as a date only).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

from toolkit.errors import InputError
from toolkit.model import Attempt, Channel, TimeSource
from toolkit.provenance import DEFAULT_RANGE
from toolkit.workspace import Workspace, now

CONTACT_CHANNELS: tuple[str, ...] = tuple(c.value for c in Channel if c is not Channel.ONLINE)
DIRECTIONS = ("sent", "received")
_HAS_TIME = re.compile(r"\d\s*[:hH]\s*\d|\d\s*[hH]\b|T\d")


def parse_contact_time(value: str | datetime | date, tz: str) -> tuple[datetime, bool]:
    """An aware time for ``--at``, and whether a time of day was given (see
    :func:`contact_precision` for how precise).

    Accepts ``2025-03-12 10:30``, ``2025-03-12T10:30:00+01:00``, ``12/03/2025 10h30``,
    ``12/03/2025`` or a date; naive times are read in ``tz``.
    """
    from toolkit.ingest.textdates import parse_datetime_value

    if isinstance(value, datetime):
        return _placed(value, tz, value), True
    if isinstance(value, date):
        return _placed(datetime.combine(value, time()), tz, value), False
    text = str(value).strip()
    parsed = parse_datetime_value(text)
    if parsed is None:
        raise InputError(
            f"--at {value!r} is not a date and time; write it as YYYY-MM-DD HH:MM "
            "(e.g. 2025-03-12 10:30)"
        )
    return _placed(parsed, tz, text), bool(_HAS_TIME.search(text))


def _placed(value: datetime, tz: str, written: object) -> datetime:
    from toolkit.provenance import UNPLACEABLE, localize

    try:
        return localize(value, tz)
    except (OverflowError, ValueError):
        raise InputError(f"--at {_shown(written)}: {UNPLACEABLE}; check the year") from None


def _shown(written: object) -> str:
    return repr(written.isoformat() if isinstance(written, date) else str(written))


def contact_precision(value: str | datetime | date) -> str:
    """``day``, ``minute`` or ``second``: as precise as what was written for ``--at``."""
    from toolkit.provenance import precision_of

    if isinstance(value, datetime):
        return "second" if value.second or value.microsecond else "minute"
    if isinstance(value, date):
        return "day"
    return precision_of(str(value))


def add_contact(
    ws: Workspace,
    applicant_id: str,
    *,
    channel: str,
    at: str | datetime | date,
    note: str | None = None,
    direction: str | None = None,
) -> str:
    """Record a contact (phone, counter, letter, email, other) and return its id.

    Adding the same contact twice (same channel, time, direction and note) is a no-op
    that returns the same id. ``direction``: ``sent`` (to the préfecture) or ``received``
    (from it); None when unknown, which counts as a request made.
    """
    from toolkit.applicants import get_applicant
    from toolkit.ingest.records import attempt_id, insert_attempt, known_attempt_ids

    applicant = get_applicant(ws, applicant_id)
    slug = channel.strip().lower()
    if slug not in CONTACT_CHANNELS:
        hint = (
            "; online attempts come from `guichets ingest screenshots` or `ingest captures`"
            if slug == Channel.ONLINE.value
            else ""
        )
        raise InputError(
            f"contact channel {channel!r}: use one of {', '.join(CONTACT_CHANNELS)}{hint}"
        )
    if direction is not None and direction not in DIRECTIONS:
        raise InputError(f"--direction {direction!r}: use sent or received")
    when, has_time = parse_contact_time(at, applicant.tz)
    if when > now():
        raise InputError(
            f"--at {when.isoformat(timespec='minutes')} is in the future; "
            "record a contact once it has happened"
        )
    out_of_range = DEFAULT_RANGE.reason(when)  # the range every time is checked against
    if out_of_range is not None:
        raise InputError(f"--at {_shown(at)}: {out_of_range}; check the year")
    contact = Attempt(
        applicant_id=applicant.id,
        channel=slug,
        observed_at=when,
        time_source=TimeSource.DECLARED.value,
        extraction="manual",
        direction=direction,
        note=(note or "").strip() or None,
    )
    contact.time_precision = contact_precision(at) if has_time else "day"
    cid = attempt_id(contact)
    if known_attempt_ids(ws, [cid]):
        return cid
    with ws.transaction():
        source_id = ws.new_source(
            "contact", None, {"channel": slug, "at": when.isoformat(), "direction": direction}
        )
        detail = "declared" if has_time else "declared:date"
        insert_attempt(ws, contact, applicant, source_id, time_detail=detail)
        ws.set_source_rows(source_id, 1)
        ws.log_custody(
            "contact.add",
            {"applicant": applicant.id, "channel": slug, "id": cid, "source": source_id},
        )
    return cid


#: Letters and e-mails filed as documents that match no recorded contact (same file, or same
#: channel and local date): ``c`` the contacts, ``unmatched`` those documents.
UNMATCHED_CTE = """
WITH c AS (
    SELECT channel, local_date, file_sha256, direction
    FROM attempts_local WHERE applicant_id = ? AND channel <> 'online'
), d AS (
    SELECT kind AS channel, dated, file_sha256
    FROM documents WHERE applicant_id = ? AND kind IN ('letter', 'email')
), unmatched AS (
    SELECT * FROM d
    WHERE NOT EXISTS (
        SELECT 1 FROM c
        WHERE c.file_sha256 = d.file_sha256 OR (c.channel = d.channel AND c.local_date = d.dated)
    )
)
"""


def document_contacts(ws: Workspace, applicant_id: str) -> list[tuple[str, date]]:
    """(channel, date) of the letters and e-mails known only as documents, one per date.

    These count as contacts (see :mod:`toolkit.indicators.applicant`); undated ones cannot be placed in time.
    """
    sql = UNMATCHED_CTE + (
        "SELECT DISTINCT channel, dated FROM unmatched WHERE dated IS NOT NULL ORDER BY dated, channel"
    )
    return [(r[0], r[1]) for r in ws.con.execute(sql, [applicant_id, applicant_id]).fetchall()]
