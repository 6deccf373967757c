"""Do robot crawls confirm what the applicant saw?

For each online attempt we take the robot probes of the same préfecture and procedure
observed within ± ``window_minutes`` (a range join in DuckDB). An attempt is

- *covered* when at least one probe falls in the window;
- *contradicted* when a probe in the window saw slots (outcome ``slots_available`` or
  ``slots > 0``);
- *corroborated* when no probe in the window saw slots and at least one saw the no-slot
  page (probes that met a captcha or an error confirm nothing).

An attempt that itself found slots has nothing to corroborate: it may be covered, but
it is neither corroborated nor contradicted. Probes without a procedure are not used:
a crawl of another procedure's calendar says nothing about this one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_WINDOW_MINUTES = 60
MAX_WINDOW_MINUTES = 24 * 60

CORROBORATION_COLUMNS = (
    "attempt_id", "observed_at", "local_time", "outcome", "probes_nearby", "probes_no_slot",
    "probes_with_slots", "nearest_probe_minutes", "probe_first_slot", "corroboration",
)  # fmt: skip

_SQL = """
WITH a AS (
    SELECT id, observed_at, local_time, prefecture, procedure, outcome
    FROM attempts_local
    WHERE applicant_id = ? AND channel = 'online'
), m AS (
    SELECT a.id,
           count(p.id) AS probes_nearby,
           count(p.id) FILTER (WHERE p.outcome = 'no_slot' AND coalesce(p.slots, 0) = 0)
               AS probes_no_slot,
           count(p.id) FILTER (WHERE p.outcome = 'slots_available' OR p.slots > 0)
               AS probes_with_slots,
           min(abs(epoch(p.observed_at) - epoch(a.observed_at))) / 60.0 AS nearest,
           min(p.first_slot) FILTER (WHERE p.outcome = 'slots_available' OR p.slots > 0)
               AS probe_first_slot
    FROM a
    LEFT JOIN probes p
      ON p.prefecture = a.prefecture
     AND p.procedure = a.procedure
     AND p.observed_at BETWEEN a.observed_at - to_minutes(CAST(? AS INTEGER))
                           AND a.observed_at + to_minutes(CAST(? AS INTEGER))
    GROUP BY a.id
)
SELECT a.id AS attempt_id, a.observed_at, a.local_time, a.outcome,
       m.probes_nearby, m.probes_no_slot, m.probes_with_slots,
       round(m.nearest, 1) AS nearest_probe_minutes, m.probe_first_slot,
       CASE WHEN m.probes_nearby = 0 OR a.outcome = 'slots_available' THEN NULL
            WHEN m.probes_with_slots > 0 THEN 'contradicted'
            WHEN m.probes_no_slot > 0 THEN 'corroborated'
       END AS corroboration
FROM a JOIN m ON m.id = a.id
ORDER BY a.observed_at, a.id
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


def corroboration_rows(
    ws: Workspace, applicant_id: str, *, window_minutes: int = DEFAULT_WINDOW_MINUTES
) -> list[dict[str, Any]]:
    """One dict per online attempt (oldest first); see the module doc for the labels."""
    w = check_window(window_minutes)
    return ws.rows(_SQL, [applicant_id, w, w])


def summarize(rows: list[dict[str, Any]], window_minutes: int) -> dict[str, int]:
    """``{window_minutes, covered, corroborated, contradicted}`` over :func:`corroboration_rows`."""
    return {
        "window_minutes": window_minutes,
        "covered": sum(1 for r in rows if r["probes_nearby"]),
        "corroborated": sum(1 for r in rows if r["corroboration"] == "corroborated"),
        "contradicted": sum(1 for r in rows if r["corroboration"] == "contradicted"),
    }


def corroboration_summary(
    ws: Workspace, applicant_id: str, *, window_minutes: int = DEFAULT_WINDOW_MINUTES
) -> dict[str, int]:
    return summarize(
        corroboration_rows(ws, applicant_id, window_minutes=window_minutes), window_minutes
    )


def corroborate(
    ws: Workspace, applicant_id: str, *, window_minutes: int = DEFAULT_WINDOW_MINUTES
) -> pd.DataFrame:
    """Per online attempt, the probes nearby and the verdict; the summary is in ``df.attrs``.

    ``observed_at`` and ``local_time`` are timezone-aware, in the préfecture's zone.
    ``df.attrs["summary"]`` is ``{window_minutes, covered, corroborated, contradicted}``.
    """
    import pandas as pd

    from toolkit.applicants import get_applicant

    tz = get_applicant(ws, applicant_id).tz  # a clear error for an unknown applicant
    rows = corroboration_rows(ws, applicant_id, window_minutes=window_minutes)
    df = pd.DataFrame(rows, columns=list(CORROBORATION_COLUMNS))
    moment = pd.to_datetime(df["observed_at"], utc=True, format="ISO8601").dt.tz_convert(tz)
    df["observed_at"], df["local_time"] = moment, moment
    df.attrs["summary"] = summarize(rows, window_minutes)
    return df
