"""Every time found for one attempt, as candidates (toolkit.provenance decides between them).

Readers find times in different places: the screenshot log, the file name, the image's
EXIF and PNG/XMP metadata, the clock and the page date read by OCR, a HAR's request and
response, an e-mail's or MHTML's Date header, a PDF's printed header and metadata, and the
file's date. Each becomes a :class:`~toolkit.model.TimeCandidate`, placed in the
préfecture's zone and range-checked; this module also words, for the ingest report, the
candidates that were rejected and the ones that disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from toolkit.model import Precision, TimeCandidate, TimeSource
from toolkit.provenance import TimeChoice, TimeRange, candidate

if TYPE_CHECKING:
    from toolkit.classify.ocr import OcrResult
    from toolkit.ingest.screenshot_log import LogEntry
    from toolkit.ingest.timestamps import FoundTime


@dataclass
class Collector:
    """Collects the candidates of one attempt in the order they are found."""

    tz: str
    time_range: TimeRange | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    times: list[TimeCandidate] = field(default_factory=list)

    def add(
        self,
        value: datetime | None,
        source: TimeSource | str,
        detail: str,
        *,
        precision: Precision | str = Precision.SECOND,
        weak: bool = False,
        raw: str | None = None,
    ) -> TimeCandidate:
        found = candidate(
            value,
            source,
            detail,
            self.tz,
            precision=precision,
            weak=weak,
            time_range=self.time_range,
            now=self.now,
            raw=raw,
        )
        self.times.append(found)
        return found

    def found(self, found: FoundTime, *, weak: bool = False, note: str = "") -> TimeCandidate:
        """A time from a reader of the file name or of image metadata."""
        return self.add(
            found.value,
            found.source,
            found.detail + note,
            precision=found.precision,
            weak=weak or found.weak,
        )

    def log(self, entry: LogEntry) -> None:
        if entry.when is not None:
            self.add(
                entry.when, TimeSource.LOG, f"log:line {entry.line}", precision=entry.precision
            )

    def ocr(self, result: OcrResult) -> None:
        """The device clock and the page's own date, read on the image."""
        if result.clock is not None:
            self.add(result.clock, TimeSource.OCR, "ocr:clock", precision=result.clock_precision)
        if result.page_date is not None:
            self.add(
                datetime.combine(result.page_date, datetime.min.time()),
                TimeSource.OCR,
                "ocr:page-date",
                precision=Precision.DAY,
            )

    def mtime(self, value: datetime | None) -> None:
        if value is not None:
            self.add(value, TimeSource.MTIME, "mtime", weak=True)


def ordered(times: list[TimeCandidate], chosen: TimeCandidate | None) -> list[TimeCandidate]:
    """The chosen candidate first, then the others by trust (for display)."""

    def key(c: TimeCandidate) -> tuple[int, int, int]:
        try:
            rank = TimeSource(c.source).rank
        except ValueError:
            rank = len(TimeSource)
        return (0 if c == chosen else 1, 1 if c.rejected else 0, rank)

    return sorted(times, key=key)


def _short(c: TimeCandidate, tz: str) -> str:
    if c.value is None:
        return f"{c.raw!r}"
    local = c.value.astimezone(ZoneInfo(tz))
    form = {"second": "%Y-%m-%d %H:%M:%S", "minute": "%Y-%m-%d %H:%M", "day": "%Y-%m-%d"}
    return local.strftime(form[c.precision])


def rejected_lines(times: list[TimeCandidate]) -> list[str]:
    """One line per time that cannot date the attempt (kept, never used)."""
    return [f"{c.detail} {c.raw!r} ignored ({c.rejected})" for c in times if c.rejected]


def conflict_line(choice: TimeChoice, tz: str) -> str | None:
    """« times disagree: … » naming every pair that does, or None."""
    if not choice.conflict:
        return None
    pairs = "; ".join(f"{a.detail} {_short(a, tz)} vs {b.detail} {_short(b, tz)}"
                      for a, b in choice.conflicting)  # fmt: skip
    chosen = choice.chosen
    kept = f"; dated {_short(chosen, tz)} from {chosen.detail}" if chosen else ""
    return f"times disagree ({pairs}){kept}"


def as_weak(c: TimeCandidate, note: str) -> TimeCandidate:
    """The same candidate, demoted: used only when nothing else dates the attempt."""
    return replace(c, weak=True, detail=c.detail + note)
