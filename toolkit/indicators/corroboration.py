"""What a robot of the same service saw just before and just after each attempt.

For each online attempt whose page showed no slot, we take the robot probes of the **same
service**: the same préfecture and procedure and, when both URLs name it, the same booking
form (ezbooking form id, RDV Préfecture démarche id, eAppointment application). Probes that
met a captcha, an error or a blocked page tell nothing about slots and are left out. Of the
probes within ± ``window_minutes`` we keep the **nearest before** (at or before the attempt)
and the **nearest after**. The attempt is

- ``contradicted`` when the nearest earlier probe saw slots;
- ``slots_after`` when slots were seen only after it (the publication announced in between,
  when a page of the service gave it, is reported in ``publication_at``);
- ``corroborated`` when the nearest earlier probe saw no slot (and none after saw slots);
- ``no_slot_after`` when the only probe is a later one that saw no slot (weaker: slots may
  have come and gone in between);
- None when no probe of the service falls in the window, or the attempt itself did not show
  the no-slot page (there is nothing to corroborate).

An attempt timed to the minute (a journal « 13:05 ») lies somewhere in that minute: a probe
within it is neither before nor after, and is left out.

These labels serve the lawyer (``check``, the note for the lawyer). They never enter the
applicant's letters or pièces: the robot is produced, when at all, as its own pièce with its
operator named (``exhibits --with-robot-evidence``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_WINDOW_MINUTES = 60
MAX_WINDOW_MINUTES = 24 * 60
LABELS = ("corroborated", "slots_after", "contradicted", "no_slot_after")

CORROBORATION_COLUMNS = (
    "attempt_id", "observed_at", "local_time", "outcome", "form", "probes_nearby",
    "before_at", "before_outcome", "before_slots", "before_first_slot", "minutes_before",
    "before_source", "after_at", "after_outcome", "after_slots", "after_first_slot",
    "minutes_after", "after_source", "publication_at", "corroboration",
)  # fmt: skip

# The booking form a URL names, so that two pages of one préfecture and procedure on two
# different forms (two guichets, two motifs) are not compared. The host is cut to its last
# three labels (seine-maritime.gouv.fr): an address read by OCR may lack its scheme or
# misread « www ».
FORM_SQL = """CASE
    WHEN regexp_matches({u}, '/booking/create/[0-9]+')
        THEN regexp_extract(lower(regexp_extract({u}, '^(?:[A-Za-z]+://)?([^/?#]+)', 1)),
                            '([^.]+[.][^.]+[.][^.]+)$', 1) || '/booking/'
             || regexp_extract({u}, '/booking/create/([0-9]+)', 1)
    WHEN regexp_matches({u}, '/rdvpref/reservation/demarche/[0-9]+')
        THEN 'rdvpref/' || regexp_extract({u}, '/demarche/([0-9]+)', 1)
    WHEN regexp_matches({u}, '(?i)/eappointment')
        THEN lower(regexp_extract({u}, '^[A-Za-z]+://([^/?#]+/[^/?#]+)', 1))
END"""

_PROBE_FIELDS = "{'at': p.observed_at, 'slots_seen': p.slots_seen, 'slots': p.slots, " \
    "'first_slot': p.first_slot, 'source': p.source}"  # fmt: skip

_SQL = f"""
WITH a AS (
    SELECT id, observed_at, local_time, prefecture, procedure, outcome, tz,
           {FORM_SQL.format(u="url")} AS form,
           -- the attempt lies somewhere in [observed_at, observed_at + span): a probe inside
           -- that interval is neither certainly before nor certainly after it
           CASE time_precision WHEN 'minute' THEN 60 WHEN 'day' THEN 86400 ELSE 1 END AS span
    FROM attempts_local
    WHERE applicant_id = ? AND channel = 'online'
), p AS (
    SELECT pr.observed_at, pr.prefecture, pr.procedure, pr.slots, pr.first_slot,
           coalesce(pr.source_id, '') AS source,
           (pr.outcome = 'slots_available' OR coalesce(pr.slots, 0) > 0) AS slots_seen,
           {FORM_SQL.format(u="pr.url")} AS form
    FROM probes pr
    WHERE pr.prefecture = ? AND pr.procedure = ?
      AND (pr.outcome IN ('no_slot', 'slots_available') OR pr.slots > 0)
), c AS (
    SELECT a.id, a.span, p.*, epoch(p.observed_at) - epoch(a.observed_at) AS delta
    FROM a JOIN p
      ON p.prefecture = a.prefecture AND p.procedure = a.procedure
     AND (a.form IS NULL OR p.form IS NULL OR a.form = p.form)
     AND p.observed_at BETWEEN a.observed_at - to_minutes(CAST(? AS INTEGER))
                           AND a.observed_at + to_minutes(CAST(? AS INTEGER))
), m AS (
    SELECT id, count(*) AS probes_nearby,
           arg_max({_PROBE_FIELDS}, p.observed_at) FILTER (WHERE delta <= 0) AS before,
           arg_min({_PROBE_FIELDS}, p.observed_at) FILTER (WHERE delta >= span) AS after
    FROM c AS p GROUP BY id
)
SELECT a.id AS attempt_id, a.observed_at, a.local_time, a.outcome, a.form, a.tz,
       coalesce(m.probes_nearby, 0) AS probes_nearby, m.before, m.after
FROM a LEFT JOIN m ON m.id = a.id
ORDER BY a.observed_at, a.id
"""

# Publications announced by a page of the service (RDV Préfecture « Dernière mise en ligne »,
# « Prochaine mise en ligne »), read on any attempt of any applicant: local wall-clock times.
_PUBLICATIONS_SQL = f"""
SELECT DISTINCT t AS at, form FROM (
    SELECT unnest([last_publication, next_publication]) AS t, {FORM_SQL.format(u="url")} AS form
    FROM attempts WHERE prefecture = ? AND procedure = ?
) WHERE t IS NOT NULL ORDER BY 1
"""


def check_window(window_minutes: int) -> int:
    if isinstance(window_minutes, bool) or not isinstance(window_minutes, int):
        raise InputError(f"corroboration window {window_minutes!r}: give a whole number of minutes")
    if not 1 <= window_minutes <= MAX_WINDOW_MINUTES:
        raise InputError(
            f"corroboration window {window_minutes} min: use 1 to {MAX_WINDOW_MINUTES} minutes "
            "(the robot of La Cimade probed once an hour: 60 is the usual window)"
        )
    return window_minutes


def publications(ws: Workspace, prefecture: str, procedure: str) -> list[tuple[datetime, str]]:
    """(local time, booking form or None) of every publication announced on a page."""
    rows = ws.con.execute(_PUBLICATIONS_SQL, [prefecture, procedure]).fetchall()
    return [(r[0], r[1]) for r in rows]


def _label(outcome: str, before: dict | None, after: dict | None) -> str | None:
    if outcome != "no_slot" or (before is None and after is None):
        return None
    if before is not None and before["slots_seen"]:
        return "contradicted"
    if after is not None and after["slots_seen"]:
        return "slots_after"
    return "corroborated" if before is not None else "no_slot_after"


def _publication(
    pubs: list[tuple[datetime, str]], form: str | None, start: datetime, end: datetime
) -> datetime | None:
    """The first publication announced in ``[start, end]`` (local times) for the form."""
    for at, pub_form in pubs:
        if start <= at <= end and (form is None or pub_form is None or form == pub_form):
            return at
    return None


def corroboration_rows(
    ws: Workspace, applicant_id: str, *, window_minutes: int = DEFAULT_WINDOW_MINUTES
) -> list[dict[str, Any]]:
    """One dict per online attempt (oldest first), the columns of ``CORROBORATION_COLUMNS``;
    probe times are local (the préfecture's zone), minutes are whole minutes apart."""
    from zoneinfo import ZoneInfo

    from toolkit.applicants import get_applicant

    w = check_window(window_minutes)
    a = get_applicant(ws, applicant_id)
    zone = ZoneInfo(a.tz)
    rows = ws.rows(_SQL, [applicant_id, a.prefecture, a.procedure, w, w])
    pubs = publications(ws, a.prefecture, a.procedure) if rows else []
    out = []
    for r in rows:
        before, after = r["before"], r["after"]
        at: datetime = r["observed_at"]
        local: datetime = r["local_time"]
        row: dict[str, Any] = {
            "attempt_id": r["attempt_id"],
            "observed_at": at,
            "local_time": local,
            "outcome": r["outcome"],
            "form": r["form"],
            "probes_nearby": int(r["probes_nearby"]),
        }
        for side, probe in (("before", before), ("after", after)):
            when = probe["at"].astimezone(zone).replace(tzinfo=None) if probe else None
            row[f"{side}_at"] = when
            row[f"{side}_outcome"] = (
                None if probe is None else "slots_available" if probe["slots_seen"] else "no_slot"
            )
            row[f"{side}_slots"] = probe["slots"] if probe else None
            row[f"{side}_first_slot"] = probe["first_slot"] if probe else None
            row[f"minutes_{side}"] = (
                round(abs((probe["at"] - at).total_seconds()) / 60) if probe else None
            )
            row[f"{side}_source"] = (probe["source"] or None) if probe else None
        label = _label(r["outcome"], before, after)
        row["publication_at"] = (
            _publication(pubs, r["form"], local.replace(second=0, microsecond=0), row["after_at"])
            if label == "slots_after"
            else None
        )
        row["corroboration"] = label
        out.append({k: row[k] for k in CORROBORATION_COLUMNS})
    return out


def summarize(rows: list[dict[str, Any]], window_minutes: int) -> dict[str, int]:
    """``{window_minutes, covered, corroborated, slots_after, contradicted, no_slot_after}``."""
    out = {"window_minutes": window_minutes, "covered": sum(1 for r in rows if r["probes_nearby"])}
    for label in LABELS:
        out[label] = sum(1 for r in rows if r["corroboration"] == label)
    return out


def corroboration_summary(
    ws: Workspace, applicant_id: str, *, window_minutes: int = DEFAULT_WINDOW_MINUTES
) -> dict[str, int]:
    return summarize(
        corroboration_rows(ws, applicant_id, window_minutes=window_minutes), window_minutes
    )


def corroborate(
    ws: Workspace, applicant_id: str, *, window_minutes: int = DEFAULT_WINDOW_MINUTES
) -> pd.DataFrame:
    """Per online attempt, the nearest probes of the same service before and after it, and
    the label (see the module doc); the summary is in ``df.attrs["summary"]``.

    Every time column is timezone-aware, in the préfecture's zone.
    """
    import pandas as pd

    from toolkit.applicants import get_applicant

    tz = get_applicant(ws, applicant_id).tz  # a clear error for an unknown applicant
    rows = corroboration_rows(ws, applicant_id, window_minutes=window_minutes)
    df = pd.DataFrame(rows, columns=list(CORROBORATION_COLUMNS))
    moment = pd.to_datetime(df["observed_at"], utc=True, format="ISO8601").dt.tz_convert(tz)
    df["observed_at"], df["local_time"] = moment, moment
    for column in ("before_at", "after_at", "publication_at"):  # local wall-clock times
        df[column] = pd.to_datetime(df[column]).dt.tz_localize(tz, ambiguous="NaT")
    df.attrs["summary"] = summarize(rows, window_minutes)
    return df
