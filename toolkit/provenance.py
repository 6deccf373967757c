"""How an attempt's outcome and time are decided: one place for every precedence rule.

DESIGN.md's first principle is to never claim more than the evidence shows. Ingest
(screenshots, captures), ``guichets classify`` and ``guichets review`` all go through the
functions below; indicators, ``check`` and documents read what they stored.

**Outcome** (:func:`decide_outcome`). A page may be *read* (a classifier rule matched the
page's markup, text or OCR text; the rule id is kept), *declared* (the screenshot log,
``--outcome``, a contact) or *reviewed* (a person looked at the original). A review wins.
Otherwise a reading wins, and a declaration only fills what no rule could read: it never
overrides a reading. When a reading and a declaration disagree (the classifier reads slots,
a booking step, a captcha, a block or an error and the log says ``no_slot``, or the
reverse) the attempt carries the flag ``outcome_conflict`` and its **effective outcome is
``unknown``** until a person decides. ``attempts.outcome`` always holds the effective
outcome, so every indicator, ``check`` and document counts a conflict as unknown;
``read_outcome`` and ``declared_outcome`` keep both sides.

**Time** (:func:`choose_time`). Every time found for an attempt is a
:class:`~toolkit.model.TimeCandidate` with its source, detail and precision (second,
minute, day), kept in ``attempt_times``. Each is range-checked first (2000-01-01 to now + 1
day, :class:`TimeRange`): a time outside is kept as a *rejected* candidate with its reason,
never used. The chosen time is the most trusted usable candidate in the order of
:class:`~toolkit.model.TimeSource` (a review; a capture, a HAR, a mail header; what the
image shows: the device clock or a date the server wrote in the page, read by OCR, and the
date a browser printed on a PDF; then EXIF, PNG/XMP metadata, the file name, a PDF's
CreationDate; then the screenshot log and ``--at``, what a person typed; last the file's
date). When a less trusted candidate falls inside it and is more precise, its value is used
(a clock read « 10:06 » and a file name « 10:06:32 »: the file name's second; a page date
and a journal's « 07:15 » that day: the journal's minute).
*Weak* candidates (the file's date, ImageMagick's conversion date, metadata written by an
image editor) are used only when nothing else dates the attempt, and then flag
``weak_time``. Two usable, non-weak candidates that disagree flag ``time_conflict``: they
disagree when they fall on different local days, or when, cut to the coarser of their
precisions, they are more than ``tolerance`` (2 minutes) apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from toolkit.errors import InputError
from toolkit.model import Flag, Outcome, OutcomeSource, Precision, TimeCandidate, TimeSource

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from toolkit.model import Attempt, Classification

DEFAULT_TOLERANCE = timedelta(minutes=2)
PRECISION_ORDER = tuple(p.value for p in Precision)  # finest first

# SQL over ``attempts`` (or ``attempts_local``), for indicators and checks: one definition.
# A time a judge can count on: neither weak nor in conflict with another source.
DATED_SQL = "NOT list_has_any(flags, ['weak_time', 'time_conflict'])"
# ... and whose hour is known (a date rendered in the page dates the day only).
HOUR_KNOWN_SQL = f"({DATED_SQL} AND time_precision <> 'day')"
# An attempt at booking online: ANEF portal pages are procedural evidence (the timeline reads
# them), not booking attempts, and never count as tries to get an appointment.
BOOKING_SQL = "(channel = 'online' AND system <> 'anef')"
# An attempt a person should look at (guichets review); needs_review() is its Python twin.
NEEDS_REVIEW_SQL = "(len(flags) > 0 OR (channel = 'online' AND outcome = 'unknown'))"


def needs_review(attempt: Attempt) -> bool:
    """Whether a person should look at the attempt (as :data:`NEEDS_REVIEW_SQL`)."""
    return _needs_review(attempt.flags, attempt.channel, attempt.outcome)


def record_needs_review(record: Mapping[str, Any]) -> bool:
    """:func:`needs_review` for a record of :func:`toolkit.attempts.attempt_records`."""
    return _needs_review(record["flags"], record["channel"], record["outcome"])


def _needs_review(flags: Sequence[str] | None, channel: str, outcome: str) -> bool:
    return bool(flags) or (channel == "online" and outcome == Outcome.UNKNOWN)


# --- outcome -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeDecision:
    outcome: str  # the effective outcome
    source: str | None  # read, declared, reviewed; None when nothing decided it
    conflict: bool  # a reading and a declaration disagree: effective outcome unknown


def _given(value: str | None) -> str | None:
    return None if value in (None, "", Outcome.UNKNOWN.value) else value


def decide_outcome(
    read: str | None, declared: str | None, reviewed: str | None = None
) -> OutcomeDecision:
    """The effective outcome of an attempt (see the module doc).

    ``read``: the outcome of the classifier rule that matched (``unknown`` for a step page
    such as a guichet choice), None when no rule matched. ``declared``: the log's or
    ``--outcome``'s, None (or ``unknown``) when nothing was declared. ``reviewed``: a
    person's decision, which settles everything.
    """
    if reviewed is not None:
        return OutcomeDecision(reviewed, OutcomeSource.REVIEWED.value, False)
    said = _given(declared)
    if read is not None:
        if said is None or said == read:
            return OutcomeDecision(read, OutcomeSource.READ.value, False)
        return OutcomeDecision(Outcome.UNKNOWN.value, None, True)
    if said is not None:
        return OutcomeDecision(said, OutcomeSource.DECLARED.value, False)
    return OutcomeDecision(Outcome.UNKNOWN.value, None, False)


def effective_outcome(outcome: str, flags: Sequence[str] | None) -> str:
    """``unknown`` for an attempt in outcome conflict, its outcome otherwise (for rows that
    did not come through :func:`decide_outcome`, such as an older bundle's)."""
    return Outcome.UNKNOWN.value if Flag.OUTCOME_CONFLICT in (flags or ()) else outcome


def apply_reading(attempt: Attempt, cls: Classification, tz: str | None = None) -> None:
    """Record what a classifier read on a page (markup, text or OCR) on the attempt.

    The reading (``read_outcome``, with its rule and confidence, slots and publication
    times) only when a rule matched; the system and address whenever they were recognised
    and nothing set them. Whether the reading becomes the outcome is
    :func:`decide_outcome`'s business (through :func:`settle`).
    """
    from toolkit.model import System

    if cls.rule is not None:
        attempt.read_outcome = cls.outcome
        attempt.rule, attempt.confidence = cls.rule, cls.confidence
        attempt.slots, attempt.first_slot = cls.slots, cls.first_slot
        attempt.last_publication = _naive_local(cls.last_publication, tz)
        attempt.next_publication = _naive_local(cls.next_publication, tz)
    if attempt.system == System.UNKNOWN and cls.system != System.UNKNOWN:
        attempt.system = cls.system
    if cls.url and (attempt.url is None or same_url(attempt.url, cls.url)):
        # the address shown on the page or the image outranks the same address typed in a log
        attempt.url, attempt.url_source = cls.url, "read"


def same_url(a: str, b: str) -> bool:
    """The same page address, whatever the case of the host, the scheme and a final slash."""

    def key(u: str) -> str:
        u = u.strip().rstrip("/")
        u = u.split("://", 1)[-1]
        host, _, rest = u.partition("/")
        return host.lower().removeprefix("www.") + "/" + rest

    return key(a) == key(b)


def _naive_local(value: datetime | None, tz: str | None) -> datetime | None:
    """Publication times are stored as naive local times (TIMESTAMP)."""
    if value is None or value.tzinfo is None or tz is None:
        return value
    return value.astimezone(zone(tz)).replace(tzinfo=None)


def ordered_flags(flags: Iterable[str]) -> list[str]:
    """Distinct flags in the order of :class:`~toolkit.model.Flag`."""
    given = set(flags)
    return [f.value for f in Flag if f.value in given]


# --- time: zones, ranges, candidates -------------------------------------------------------------


def zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        raise InputError(
            f"unknown time zone {tz!r}: use an IANA name such as Europe/Paris, "
            "America/Cayenne or Indian/Reunion"
        ) from None


def localize(value: datetime, tz: str) -> datetime:
    """Place a naive wall-clock time in the IANA zone ``tz``; aware times are returned as is.

    On the autumn DST change the repeated hour is read as its first occurrence; a time in
    the spring gap (which no clock showed) is moved forward by the gap. Raises
    OverflowError for a time too close to year 1 or 9999 to be converted.
    """
    if value.tzinfo is not None and value.utcoffset() is not None:
        return value
    where = zone(tz)
    aware = value.replace(tzinfo=where, fold=0)
    # In a gap, fold=0 applies the offset from before the change; the UTC round trip lands
    # on the wall time after the change (02:30 -> 03:30 in Paris).
    return aware.astimezone(UTC).astimezone(where)


@dataclass(frozen=True)
class TimeRange:
    """The times that can date an attempt: from ``earliest`` to now + ``ahead``."""

    earliest: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    ahead: timedelta = timedelta(days=1)

    def reason(self, value: datetime, now: datetime | None = None) -> str | None:
        """Why ``value`` (aware) cannot date an attempt, or None when it can."""
        latest = (now or datetime.now(UTC)) + self.ahead
        try:
            instant = value.astimezone(UTC)
        except (OverflowError, ValueError):
            return "out of range: cannot be converted to UTC"
        if instant < self.earliest:
            return f"out of range: before {self.earliest.date().isoformat()}"
        if instant > latest:
            return f"out of range: after {latest.date().isoformat()} (in the future)"
        return None


DEFAULT_RANGE = TimeRange()
#: Why a time that cannot even be placed in its zone (year 1 east of UTC…) is refused.
UNPLACEABLE = "out of range: cannot be placed in time"


def _raw(value: object) -> str:
    try:
        text = value.isoformat() if isinstance(value, datetime) else str(value)
    except (OverflowError, ValueError):
        text = repr(value)
    return text[:200]


def candidate(
    value: datetime | None,
    source: TimeSource | str,
    detail: str,
    tz: str,
    *,
    precision: Precision | str = Precision.SECOND,
    weak: bool = False,
    time_range: TimeRange | None = None,
    now: datetime | None = None,
    raw: str | None = None,
) -> TimeCandidate:
    """A time candidate, placed in ``tz`` when naive and range-checked.

    A value that cannot be placed or lies outside ``time_range`` is returned rejected,
    with its reason and the value as found: it is kept, never used. ``value=None`` with
    ``raw`` records a time that was found but could not be read.
    """
    src = TimeSource(source).value
    prec = Precision(precision).value
    if value is None:
        return TimeCandidate(src, detail, None, prec, weak, "unreadable", (raw or "")[:200])
    try:
        aware = localize(value, tz)
    except (OverflowError, ValueError):
        return TimeCandidate(src, detail, None, prec, weak, UNPLACEABLE, _raw(value))
    reason = (time_range or DEFAULT_RANGE).reason(aware, now)
    if reason is not None:
        return TimeCandidate(src, detail, None, prec, weak, reason, raw or _raw(value))
    return TimeCandidate(src, detail, aware, prec, weak, None, raw)


def precision_of(text: str) -> str:
    """``second`` when a time with seconds is written, ``minute`` for HH:MM, else ``day``."""
    import re

    if re.search(r"\d{1,2}\s*[:hH.]\s*\d{2}\s*[:m.]\s*\d{2}", text):
        return Precision.SECOND.value
    if re.search(r"\d{1,2}\s*[:hH]\s*\d{2}|\d\s*[hH]\b|T\d", text):
        return Precision.MINUTE.value
    return Precision.DAY.value


# --- time: the choice ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TimeChoice:
    chosen: TimeCandidate | None  # None when no candidate is usable
    conflict: bool  # two trusted candidates disagree
    weak: bool  # only a weak candidate dates the attempt
    conflicting: tuple[tuple[TimeCandidate, TimeCandidate], ...] = ()

    @property
    def flags(self) -> list[str]:
        out = []
        if self.conflict:
            out.append(Flag.TIME_CONFLICT.value)
        if self.weak:
            out.append(Flag.WEAK_TIME.value)
        return out


def _rank(c: TimeCandidate) -> int:
    try:
        return TimeSource(c.source).rank
    except ValueError:
        return len(TimeSource)


def _truncate(value: datetime, precision: str) -> datetime:
    if precision == Precision.MINUTE:
        return value.replace(second=0, microsecond=0)
    return value.replace(microsecond=0)


def agree(
    a: TimeCandidate, b: TimeCandidate, tz: str, tolerance: timedelta = DEFAULT_TOLERANCE
) -> bool:
    """Whether two usable candidates can be the same moment (see the module doc)."""
    assert a.value is not None and b.value is not None
    where = zone(tz)
    la, lb = a.value.astimezone(where), b.value.astimezone(where)
    if la.date() != lb.date():
        return False
    if Precision.DAY in (a.precision, b.precision):
        return True
    coarse = Precision.MINUTE if Precision.MINUTE in (a.precision, b.precision) else "second"
    return abs(_truncate(la, coarse) - _truncate(lb, coarse)) <= tolerance


def _refines(finer: TimeCandidate, top: TimeCandidate, tz: str) -> bool:
    """Whether ``finer`` falls inside ``top`` at ``top``'s precision (the same local day for a
    day, the same minute for a minute) and says more: then it gives ``top``'s seconds."""
    assert finer.value is not None and top.value is not None
    if PRECISION_ORDER.index(finer.precision) >= PRECISION_ORDER.index(top.precision):
        return False
    where = zone(tz)
    a, b = finer.value.astimezone(where), top.value.astimezone(where)
    if top.precision == Precision.DAY:
        return a.date() == b.date()
    return _truncate(a, top.precision) == _truncate(b, top.precision)


def choose_time(
    candidates: Sequence[TimeCandidate], tz: str, *, tolerance: timedelta = DEFAULT_TOLERANCE
) -> TimeChoice:
    """The time that dates an attempt, and whether its sources disagree (module doc)."""
    usable = [c for c in candidates if c.usable]
    reviewed = [c for c in usable if c.source == TimeSource.REVIEWED]
    if reviewed:  # a person's decision settles it; the other readings stay on record
        return TimeChoice(reviewed[-1], False, False)
    strong = sorted((c for c in usable if not c.weak), key=_rank)
    pairs = tuple(
        (a, b)
        for i, a in enumerate(strong)
        for b in strong[i + 1 :]
        if not agree(a, b, tz, tolerance)
    )
    if strong:
        top = strong[0]
        within = [c for c in strong if c is top or _refines(c, top, tz)]
        chosen = min(within, key=lambda c: (PRECISION_ORDER.index(c.precision), strong.index(c)))
        return TimeChoice(chosen, bool(pairs), False, pairs)
    weak = sorted((c for c in usable if c.weak), key=_rank)
    if weak:
        return TimeChoice(weak[0], False, True)
    return TimeChoice(None, False, False)


def settle(
    attempt: Attempt,
    tz: str,
    *,
    reviewed_outcome: str | None = None,
    tolerance: timedelta = DEFAULT_TOLERANCE,
) -> bool:
    """Decide an attempt's effective outcome, time and flags from what it carries.

    Reads ``read_outcome``, ``declared_outcome``, ``times`` and the image flags already in
    ``flags`` (``edited``, ``reencoded``); writes ``outcome``, ``outcome_source``,
    ``observed_at``, ``time_source``, ``time_detail``, ``time_precision`` and ``flags``.
    Returns False when no candidate can date the attempt (nothing is written then).
    """
    choice = choose_time(attempt.times, tz, tolerance=tolerance)
    chosen = choice.chosen
    if chosen is None or chosen.value is None:
        return False
    decision = decide_outcome(attempt.read_outcome, attempt.declared_outcome, reviewed_outcome)
    attempt.outcome, attempt.outcome_source = decision.outcome, decision.source
    attempt.observed_at, attempt.time_source = chosen.value, chosen.source
    attempt.time_detail, attempt.time_precision = chosen.detail, chosen.precision
    kept = [f for f in attempt.flags if f in (Flag.EDITED, Flag.REENCODED)]
    conflict = [Flag.OUTCOME_CONFLICT.value] if decision.conflict else []
    attempt.flags = ordered_flags([*kept, *conflict, *choice.flags])
    return True
