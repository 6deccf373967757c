"""Local wall-clock times to instants in SQL, by arithmetic on each zone's transitions.

DuckDB's ``timezone()`` goes through ICU for every row and was the largest single cost of a
crawl ingest. A zone's UTC offset only changes at its transitions (twice a year in mainland
France, never in most overseas départements), so we take them from Python's ``zoneinfo`` —
the same rules ``toolkit.ingest.timestamps.localize`` applies to screenshots — between
:data:`FIRST_YEAR` and a few years ahead, and write them into the query as constants.

For a naive time ``x`` the query computes one integer, the *zone code*: the offset in
seconds times 4, plus a flag — 0 ordinary, 1 in the repeated autumn hour (read as its first
occurrence, the offset in force before the change), 2 in the spring gap (a time no correct
clock shows). The offset is shifted by a day first, so that the code is never negative. A nested ``CASE`` finds the interval between transitions in a handful of
comparisons. For a transition at the instant ``T`` from offset ``a`` to offset ``b``, wall
times ``[T + min(a, b), T + max(a, b))`` are the gap (``b > a``) or the repeated hour
(``b < a``); at and after ``T + max(a, b)`` the offset is ``b``.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from toolkit.sqltext import enum_sql, lit

FIRST_YEAR = 2014  # before it (rare, and refused before 2000), ICU places a time: OLD_SQL
OLD_SQL = f"TIMESTAMP '{FIRST_YEAR}-01-01 00:00:00'"
YEARS_AHEAD = 4
NORMAL, REPEATED, GAP = 0, 1, 2
SHIFT = 86_400  # added to offsets so that codes are never negative: SQL's // and % truncate
OFFSET_SQL = f"(zone_code // 4 - {SHIFT})"  # the offset in seconds, from a ``zone_code`` column


@functools.lru_cache(maxsize=64)
def transitions(zone: str, last_year: int) -> tuple[int, tuple[tuple[datetime, int, int], ...]]:
    """(offset in seconds before the first transition, ((instant, before, after), …)).

    Found by sampling the offset weekly, then bisecting to the second where it changed (the
    zones of France change at most twice a year; ``test_zone_codes_match_icu_and_python``
    checks every 7 hours against ICU). Daily sampling was slower (docs/crawl-design.md).
    """
    tz = ZoneInfo(zone)

    def offset(at: datetime) -> int:
        delta = at.astimezone(tz).utcoffset()
        return int(delta.total_seconds()) if delta is not None else 0

    start = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
    end = datetime(last_year + 1, 1, 1, tzinfo=UTC)
    first = current = offset(start)
    found: list[tuple[datetime, int, int]] = []
    day = start
    while day < end:
        following = min(day + timedelta(days=7), end)
        after = offset(following)
        if after != current:
            lo, hi = day, following  # offset(lo) == current, offset(hi) == after
            while hi - lo > timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                if offset(mid) == current:
                    lo = mid
                else:
                    hi = mid
            found.append((hi.replace(microsecond=0), current, after))
            current = after
        day = following
    return first, tuple(found)


def zone_code_sql(naive: str, zone: str, last_year: int | None = None) -> str:
    """SQL giving the zone code (see the module doc) of the TIMESTAMP expression ``naive``."""
    last_year = last_year or datetime.now(UTC).year + YEARS_AHEAD
    first, changes = transitions(zone, last_year)
    if not changes:
        return str(_code(first, NORMAL))
    # interval i: wall times before boundary i (and from boundary i-1); its offset and the
    # window of transition i, which lies at its end
    bounds, leaves = [], []
    offsets = [first] + [after for _, _, after in changes]
    for i, (at, before, after) in enumerate(changes):
        naive_at = at.replace(tzinfo=None)
        lo = naive_at + timedelta(seconds=min(before, after))
        hi = naive_at + timedelta(seconds=max(before, after))
        flag = GAP if after > before else REPEATED
        leaves.append(
            f"CASE WHEN {naive} >= {sql_timestamp(lo)} THEN {_code(before, flag)} "
            f"ELSE {_code(offsets[i], NORMAL)} END"
        )
        bounds.append(hi)
    leaves.append(str(_code(offsets[-1], NORMAL)))
    return _search(naive, bounds, leaves, 0, len(leaves))


def _code(offset: int, flag: int) -> int:
    return (offset + SHIFT) * 4 + flag


def _search(naive: str, bounds: list[datetime], leaves: list[str], lo: int, hi: int) -> str:
    """Leaf ``i`` holds for ``bounds[i-1] <= naive < bounds[i]``; leaves ``lo``..``hi-1``."""
    if hi - lo == 1:
        return leaves[lo]
    mid = (lo + hi) // 2
    left = _search(naive, bounds, leaves, lo, mid)
    right = _search(naive, bounds, leaves, mid, hi)
    return f"CASE WHEN {naive} < {sql_timestamp(bounds[mid - 1])} THEN {left} ELSE {right} END"


def sql_timestamp(value: datetime) -> str:
    return f"TIMESTAMP '{value:%Y-%m-%d %H:%M:%S}'"


def repeated_hours(zone: str) -> list[tuple[datetime, datetime]]:
    """The wall-clock windows ``[start, end)`` that happen twice in ``zone`` (autumn)."""
    _, changes = transitions(zone, datetime.now(UTC).year + YEARS_AHEAD)
    out = []
    for at, before, after in changes:
        if after < before:
            base = at.replace(tzinfo=None)
            out.append((base + timedelta(seconds=after), base + timedelta(seconds=before)))
    return out


def localize_python(naive: datetime, zone: str) -> tuple[datetime | None, int]:
    """What the SQL computes, in Python (tests): (instant or None in a gap, flag)."""
    first, changes = transitions(zone, datetime.now(UTC).year + YEARS_AHEAD)
    offset, flag = first, NORMAL
    for at, before, after in changes:
        base = at.replace(tzinfo=None)
        lo = base + timedelta(seconds=min(before, after))
        hi = base + timedelta(seconds=max(before, after))
        if naive >= hi:
            offset = after
        elif naive >= lo:
            offset, flag = before, GAP if after > before else REPEATED
            break
        else:
            break
    instant = (naive - timedelta(seconds=offset)).replace(tzinfo=UTC)
    return (None if flag == GAP else instant), flag


def zone_sql(
    prefecture: str, zones: dict[str, str], fixed: str | None, *, typed: bool = False
) -> tuple[str, str, list[str]]:
    """(zone number, zone name, zones by number) for a préfecture code column (or ``fixed``).

    ``typed``: the column is already the ENUM of the sorted codes (no lookup by text).
    """
    if fixed is not None:
        return "0", lit(fixed), [fixed]
    names = sorted(set(zones.values()), key=lambda z: (z != "Europe/Paris", z))
    codes = sorted(zones)  # the order of enum_sql's ENUM: enum_code indexes ``numbers``
    numbers = "[" + ", ".join(str(names.index(zones[c])) for c in codes) + "]"
    code = prefecture if typed else f"TRY_CAST({prefecture} AS {enum_sql(codes)})"
    number = f"{numbers}[1 + enum_code({code})]"
    name = "[" + ", ".join(lit(z) for z in names) + "][1 + zone_no]"
    return number, name, names


def zone_code_case(naive: str, zone_list: list[str]) -> str:
    """The zone code (the module doc) of ``naive`` in the row's zone (column ``zone_no``)."""
    if len(zone_list) == 1:
        return zone_code_sql(naive, zone_list[0])
    branches = " ".join(f"WHEN {i} THEN {zone_code_sql(naive, z)}" for i, z in enumerate(zone_list))
    return f"CASE zone_no {branches} END"
