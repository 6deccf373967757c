"""Saturation of a préfecture's booking service, measured on robot probes.

One row per préfecture and procedure (and period with ``by``), computed in SQL by the
macros of ``prefecture.sql`` over the ``probes_local`` view, so that a notebook gets the
same numbers with ``install_prefecture_sql(ws)`` then
``ws.sql("FROM prefecture_indicators_table(pref := '76', by_period := 'month')")``.

Definitions (a probe is one robot observation of a booking page):

- Local time: each probe in its préfecture's zone. ``period`` is the local day
  (``2025-03-12``), ISO week (``2025-W03``) or month (``2025-03``); null without ``by``.
  ``since``/``until`` select local dates, both included.
- ``no_slot_rate``, ``slots_rate``, ``error_rate`` (error, captcha, blocked, maintenance)
  and ``unknown_rate``: shares of *all* probes of the row; they sum to 1.
- Usable probe: outcome ``no_slot`` or ``slots_available``. The others say nothing about
  slots and are left out of the buckets.
- ``lead_days``: first slot date − local date of the probe, for probes with a first slot.
  ``median_lead_days`` and ``p90_lead_days`` are its quantiles (linear interpolation,
  ``quantile_cont``) over those probes (``lead_probes`` of them); null when none.
- La Cimade's buckets, per usable probe: ``two_within_30d`` first and second slot within 30
  days (lead ≤ 30); ``one_within_30d`` first within 30 days, not the second (or no second
  date); ``first_30_60d`` first slot in 31–60 days; ``first_after_60d`` beyond 60 days;
  ``none`` no slot at all (``no_slot``). ``buckets`` are shares of ``bucket_probes``: the
  usable probes that have a bucket — a ``slots_available`` probe without a date cannot be
  placed and is left out. When the row's ``slots_available`` probes carry no date at all (a
  robot that counts slots but does not read dates) the buckets are null rather than a
  misleading 100 % « none »; they are also null when the row has no usable probe.
- ``longest_no_slot_hours``: the longest run of consecutive ``no_slot`` probes (ordered by
  time, then site), from its first to its last probe, in hours (a run of one probe lasts
  0 h; null when the row has no ``no_slot`` probe). Any other outcome ends a run, errors
  and captchas included: a run claims that *every* observation over that time showed the
  no-slot page, and a page that could not be read is not such an observation — the figure
  is the one the préfecture cannot dispute (it may understate, never overstate). With
  ``by`` a run is cut at the period's bounds. ``longest_no_slot_from``/``_to`` date it.
"""

from __future__ import annotations

from datetime import date, datetime
from importlib import resources
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from toolkit.errors import InputError
from toolkit.frenchdates import as_date
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    import pandas as pd

PERIODS = ("day", "week", "month")
BUCKETS = ("two_within_30d", "one_within_30d", "first_30_60d", "first_after_60d", "none")
_CALL = (
    "FROM prefecture_indicators_table(pref := ?, proc := ?, since := CAST(? AS DATE), "
    "until := CAST(? AS DATE), by_period := ?, split := ?)"
)


def install_prefecture_sql(ws: Workspace) -> None:
    """Create (or refresh) the indicator macros on this workspace's connection."""
    sql = resources.files(__package__).joinpath("prefecture.sql").read_text(encoding="utf-8")
    ws.con.execute(sql)


def check_filters(
    prefecture: str | None,
    procedure: str | None,
    since: date | datetime | str | None,
    until: date | datetime | str | None,
    by: str | None = None,
) -> tuple[str | None, str | None, date | None, date | None, str | None]:
    """The filters in canonical form; NotFound or InputError says what to fix."""
    from toolkit.reference import get_prefecture, get_procedure

    code = get_prefecture(prefecture).code if prefecture else None
    slug = get_procedure(procedure) if procedure else None
    start, end = _day(since, "--since"), _day(until, "--until")
    if start and end and start > end:
        raise InputError(f"--since {start} is after --until {end}; swap them")
    if by is not None and by not in PERIODS:
        raise InputError(f"--by {by!r}: use day, week or month")
    return code, slug, start, end, by


def _day(value: date | datetime | str | None, option: str) -> date | None:
    """A date object as ``as_date`` takes it; text only as YYYY-MM-DD (a time given in an
    option would otherwise be dropped without a word)."""
    if not isinstance(value, str):
        return as_date(value)
    try:
        return date.fromisoformat(value.strip()) if value else None
    except ValueError:
        raise InputError(f"{option} {value!r}: give a date as YYYY-MM-DD") from None


def _query(
    ws: Workspace,
    prefecture: str | None,
    procedure: str | None,
    since: date | datetime | str | None,
    until: date | datetime | str | None,
    by: str | None,
    split: bool,
) -> Any:
    code, slug, start, end, by = check_filters(prefecture, procedure, since, until, by)
    install_prefecture_sql(ws)
    return ws.con.execute(_CALL, [code, slug, start, end, by, split])


def prefecture_indicators(
    ws: Workspace,
    *,
    prefecture: str | None = None,
    procedure: str | None = None,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Indicators per préfecture and procedure (and period), as a DataFrame.

    Buckets are flat columns ``bucket_two_within_30d`` … ``bucket_none``; times
    (``first_probe``, ``last_probe``, ``longest_no_slot_from``/``_to``) are in each row's
    préfecture zone (``tz``): a ``datetime64[ns, zone]`` column when every row shares one
    zone, else a column of timezone-aware timestamps, each in its own zone. See the module
    doc for definitions.
    """
    df = _query(ws, prefecture, procedure, since, until, by, True).df()
    return local_times(df, TIME_COLUMNS)


TIME_COLUMNS = ("first_probe", "last_probe", "longest_no_slot_from", "longest_no_slot_to")


def local_times(df: pd.DataFrame, columns: tuple[str, ...], tz_column: str = "tz") -> pd.DataFrame:
    """Convert UTC time columns to each row's zone (``tz_column``), in place; returns ``df``."""
    import pandas as pd

    zones: list[str] = list(df[tz_column].dropna().unique()) if tz_column in df else []
    for col in columns:
        if col not in df:
            continue
        utc = pd.to_datetime(df[col], utc=True)
        if len(zones) == 1:
            df[col] = utc.dt.tz_convert(str(zones[0]))
        elif len(zones) > 1:
            df[col] = pd.Series(
                [
                    t.tz_convert(z) if pd.notna(t) else pd.NaT
                    for t, z in zip(utc, df[tz_column], strict=True)
                ],
                index=df.index,
                dtype=object,
            )
    return df


def prefecture_indicator_records(
    ws: Workspace,
    *,
    prefecture: str | None = None,
    procedure: str | None = None,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    by: str | None = None,
    flat: bool = False,
) -> list[dict[str, Any]]:
    """The same rows, JSON-ready: times in ISO 8601 local time with their offset, buckets
    as a dict (or null), or as flat ``bucket_*`` columns with ``flat=True`` (for CSV)."""
    cur = _query(ws, prefecture, procedure, since, until, by, True)
    names = [d[0] for d in cur.description]
    return [_record(dict(zip(names, row, strict=True)), flat) for row in cur.fetchall()]


def _record(row: dict[str, Any], flat: bool) -> dict[str, Any]:
    zone = ZoneInfo(row["tz"])
    for key in TIME_COLUMNS:
        if isinstance(row[key], datetime):
            row[key] = row[key].astimezone(zone).isoformat()
    if flat:
        return row
    shares = {b: row.pop(f"bucket_{b}") for b in BUCKETS}
    out: dict[str, Any] = {}
    for key, value in row.items():
        out[key] = value
        if key == "unknown_rate":
            out["buckets"] = None if shares["none"] is None else shares
    return out


def prefecture_series(
    ws: Workspace,
    code: str,
    *,
    procedure: str | None = None,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
    by: str = "day",
) -> list[dict[str, Any]]:
    """One préfecture's indicators per period, all procedures together unless one is given
    (for charts): the same columns as :func:`prefecture_indicators`, times UTC-aware."""
    cur = _query(ws, code, procedure, since, until, by, procedure is not None)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def prefecture_heatmap(
    ws: Workspace,
    code: str,
    *,
    procedure: str | None = None,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
) -> list[dict[str, Any]]:
    """Per local weekday (1 = Monday) and hour: usable probes, those with slots, the share."""
    pref, slug, start, end, _ = check_filters(code, procedure, since, until)
    install_prefecture_sql(ws)
    cur = ws.con.execute(
        "FROM prefecture_heatmap(pref := ?, proc := ?, since := CAST(? AS DATE), "
        "until := CAST(? AS DATE))",
        [pref, slug, start, end],
    )
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
