"""What the timeline engine reads: dated facts of one applicant, with no workspace behind them.

The engine (:mod:`toolkit.timeline.engine`, :mod:`toolkit.timeline.remedies`) is pure
functions over a :class:`TimelineInput`; :mod:`toolkit.timeline.gather` builds one from a
workspace, and tests build them by hand.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from toolkit.demands import add_months

__all__ = ["EarlierDemand", "OqtfFact", "TimelineEvent", "TimelineInput", "add_months", "days"]

# Where an event comes from: typed by a person, read from a document, or seen on a capture
# of an ANEF page or in an ANEF e-mail ingested as a contact.
SOURCES = ("declared", "document", "capture")


@dataclass(frozen=True)
class TimelineEvent:
    kind: str
    date: dt.date
    until: dt.date | None = None
    source: str = "declared"
    file: str | None = None  # the original file name
    sha256: str | None = None
    rule: str | None = None
    reference: str | None = None
    note: str | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "kind": self.kind,
            "date": self.date,
            "until": self.until,
            "source": self.source,
            "file": self.file,
            "sha256": self.sha256,
            "rule": self.rule,
            "reference": self.reference,
            "note": self.note,
        }


@dataclass(frozen=True)
class OqtfFact:
    """An obligation de quitter le territoire: ``none``, ``notified`` or ``executed``."""

    status: str
    date: dt.date | None = None
    source: str = "declared"


@dataclass(frozen=True)
class EarlierDemand:
    """A demand decided, or filed before the current one (``applicant demand add``)."""

    number: int
    date: dt.date
    route: str = "unknown"
    complete: bool | None = None
    decision: str = "none"  # none, favorable, refusal
    decided_on: dt.date | None = None


@dataclass(frozen=True)
class TimelineInput:
    applicant: str
    procedure: str
    route: str
    today: dt.date
    permit_expiry: dt.date | None = None
    route_source: str = "default"
    events: tuple[TimelineEvent, ...] = ()
    oqtf: OqtfFact | None = None
    earlier_demands: tuple[EarlierDemand, ...] = ()
    written_requests: tuple[dt.date, ...] = ()  # e-mails and letters sent to the préfecture
    booking_attempts: int = 0  # online booking attempts recorded
    urgency_documents: int = 0
    ccc_attestations: int = 0
    declared_complete: bool | None = None  # the current demand, as ``applicant demand`` says
    notes: tuple[str, ...] = field(default=())

    def of(self, *kinds: str) -> list[TimelineEvent]:
        """The events of these kinds, oldest first."""
        return sorted((e for e in self.events if e.kind in kinds), key=lambda e: e.date)


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)
