"""Writing attempts and reporting what an ingest did."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.errors import GuichetsError, InputError, Problem, ProblemsFound, is_interrupt
from toolkit.workspace import Workspace, now

if TYPE_CHECKING:
    from toolkit.applicants import Applicant
    from toolkit.model import Attempt, TimeCandidate


def content_id(*parts: object) -> str:
    """A short stable id from content, so re-ingesting the same thing is a no-op."""
    h = hashlib.sha256("\x1f".join("" if p is None else str(p) for p in parts).encode())
    return h.hexdigest()[:20]


def attempt_id(a: Attempt) -> str:
    if a.file_sha256:
        return content_id("attempt", a.applicant_id, a.file_sha256, a.part)
    return content_id(
        "contact", a.applicant_id, a.channel, a.observed_at.isoformat(), a.direction, a.note
    )


@dataclass
class IngestReport:
    """What an ingest did: recorded, already there, skipped, and the problems."""

    kind: str
    source_id: str | None = None
    recorded: list[str] = field(default_factory=list)  # display names of inputs recorded
    rows: int = 0  # rows written (attempts, probes, documents)
    duplicates: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        parts = [f"{self.rows} {self.details.get('unit', 'row')}(s) recorded"]
        if self.duplicates:
            parts.append(f"{len(self.duplicates)} already ingested")
        if self.problems and "refused_rows" in self.details:  # rows and files apart (crawl)
            rows = self.details["refused_rows"]
            files = len({p.path for p in self.problems} - set(self.details.get("files", ())))
            parts += [f"{rows} row(s) refused"] if rows else []
            parts += [f"{files} file(s) refused"] if files else []
            if not rows and not files:
                parts.append(f"{len(self.problems)} problem(s)")
        elif self.problems:
            parts.append(f"{len(self.problems)} rejected")
        return f"{self.kind}: " + ", ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "source_id": self.source_id,
            "rows": self.rows,
            "recorded": self.recorded,
            "duplicates": self.duplicates,
            "problems": [str(p) for p in self.problems],
            "problem_details": [p.to_dict() for p in self.problems],
            "warnings": self.warnings,
            "notices": self.notices,
        }


def reader_failure(display: str, e: BaseException) -> Problem:
    """The problem line of one file whose reader failed in a way it did not foresee.

    A batch keeps its promise whatever a reader raises (recursion, overflow, decoding, a bug):
    that file is reported and not recorded, the others are (with ``strict``, nothing is).
    """
    if isinstance(e, GuichetsError):
        return Problem(display, str(e))
    if isinstance(e, RecursionError):
        what = "it is nested too deeply to be read"
    elif isinstance(e, MemoryError):
        what = "it does not fit in memory"
    else:
        detail = " ".join(str(e).split())[:200]
        what = f"the reader failed ({type(e).__name__}{': ' + detail if detail else ''})"
    return Problem(
        display,
        f"{what}; not recorded. If the file opens normally, report this to guichets' "
        "maintainers with the kind of file (not the file itself)",
    )


class RecordFailed(InputError):
    """A file was read but could not be written to the store: the whole batch is undone."""


@contextmanager
def recording(display: str, recorded: int) -> Iterator[None]:
    """Wrap the writing of one file's rows: a failure of the store names the file and what is
    lost (the batch's transaction is rolled back, so nothing of the batch stays)."""
    try:
        yield
    except GuichetsError:
        raise
    except Exception as e:
        if is_interrupt(e):  # Ctrl-C stopped the query: the CLI says so, exit 130
            raise
        detail = " ".join(str(e).split())[:200]
        raise RecordFailed(
            f"{display}: could not be recorded ({type(e).__name__}: {detail}); nothing of this "
            f"batch was recorded ({recorded} file(s) before it included); move this file aside "
            "and run the command again"
        ) from e


def close_batch(
    ws: Workspace, report: IngestReport, source_id: str, strict: bool, action: str,
    detail: dict[str, Any],
) -> None:  # fmt: skip
    """The end of an ingest's transaction: with ``strict``, any problem refuses the whole
    batch (ProblemsFound rolls it back); otherwise the batch's row count and the custody
    entry ``action`` with ``detail`` are written."""
    if strict and report.problems:
        raise ProblemsFound(
            report.problems,
            f"{len(report.problems)} problem(s) with --strict; nothing was recorded",
        )
    ws.set_source_rows(source_id, report.rows)
    ws.log_custody(action, detail)


ATTEMPT_COLUMNS = (
    "id",
    "applicant_id",
    "prefecture",
    "procedure",
    "channel",
    "observed_at",
    "time_source",
    "time_detail",
    "outcome",
    "system",
    "url",
    "slots",
    "first_slot",
    "file_sha256",
    "part",
    "original_name",
    "source_id",
    "extraction",
    "rule",
    "confidence",
    "direction",
    "subject",
    "note",
    "last_publication",
    "next_publication",
    "url_source",
    "http_status",
    "ingested_at",
    "outcome_source",
    "read_outcome",
    "declared_outcome",
    "flags",
    "flag_detail",
    "time_precision",
)


def known_attempt_ids(ws: Workspace, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {
        r[0]
        for r in ws.con.execute(f"SELECT id FROM attempts WHERE id IN ({marks})", ids).fetchall()
    }


def insert_attempt(
    ws: Workspace,
    a: Attempt,
    applicant: Applicant,
    source_id: str,
    time_detail: str | None = None,
    aid: str | None = None,
) -> str:
    """Write one attempt and every time candidate found for it (``attempt_times``); ``aid``
    overrides the content id (a capture is named by its record, since two captures can give
    the same screenshot)."""
    import json

    from toolkit.model import Flag, TimeSource
    from toolkit.provenance import ordered_flags

    aid = aid or attempt_id(a)
    time_detail = time_detail or a.time_detail
    if a.time_source == TimeSource.MTIME:  # a copy's date is weak whoever chose it
        a.flags = ordered_flags([*a.flags, Flag.WEAK_TIME.value])
    values = (
        aid,
        a.applicant_id,
        applicant.prefecture,
        applicant.procedure,
        a.channel,
        a.observed_at,
        a.time_source,
        time_detail,
        a.outcome,
        a.system,
        a.url,
        a.slots,
        a.first_slot,
        a.file_sha256,
        a.part,
        a.original_name,
        source_id,
        a.extraction,
        a.rule,
        a.confidence,
        a.direction,
        a.subject,
        a.note,
        a.last_publication,
        a.next_publication,
        a.url_source,
        a.http_status,
        now(),
        a.outcome_source,
        a.read_outcome,
        a.declared_outcome,
        list(a.flags),
        json.dumps(a.flag_detail, sort_keys=True, ensure_ascii=False) if a.flag_detail else None,
        a.time_precision,
    )
    ws.con.execute(
        f"INSERT INTO attempts ({', '.join(ATTEMPT_COLUMNS)}) "
        f"VALUES ({', '.join('?' * len(ATTEMPT_COLUMNS))})",
        list(values),
    )
    times = a.times or [_chosen_candidate(a, time_detail)]
    store_times(ws, aid, times, (a.time_source, time_detail, a.observed_at))
    return aid


def _chosen_candidate(a: Attempt, detail: str | None) -> TimeCandidate:
    from toolkit.model import TimeCandidate, TimeSource

    weak = a.time_source == TimeSource.MTIME
    return TimeCandidate(
        a.time_source, detail or a.time_source, a.observed_at, a.time_precision, weak
    )


def store_times(
    ws: Workspace,
    attempt: str,
    times: list[TimeCandidate],
    chosen: tuple[str, str | None, object] | None,
) -> None:
    """Replace the time candidates of an attempt; ``chosen`` is (source, detail, value) of
    the one that dates it."""
    ws.con.execute("DELETE FROM attempt_times WHERE attempt_id = ?", [attempt])
    at = now()
    rows = []
    for seq, c in enumerate(times):
        is_chosen = chosen is not None and (c.source, c.detail, c.value) == chosen
        rows.append(
            [attempt, seq, c.source, c.detail, c.value, c.precision, c.weak, is_chosen,
             c.rejected, c.raw, at]
        )  # fmt: skip
    if rows:
        ws.con.executemany(
            "INSERT INTO attempt_times (attempt_id, seq, source, detail, value, precision, weak, "
            "chosen, rejected, raw, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )


def load_times(ws: Workspace, attempt: str) -> list[TimeCandidate]:
    """The time candidates of an attempt, in the order they were found."""
    from toolkit.model import TimeCandidate

    rows = ws.con.execute(
        "SELECT source, detail, value, precision, weak, rejected, raw FROM attempt_times "
        "WHERE attempt_id = ? ORDER BY seq",
        [attempt],
    ).fetchall()
    return [TimeCandidate(*r) for r in rows]


def store_text(ws: Workspace, sha256: str, part: int, method: str, text: str | None) -> None:
    if text:
        ws.con.execute(
            "INSERT INTO texts (file_sha256, part, method, text) VALUES (?, ?, ?, ?) "
            "ON CONFLICT DO UPDATE SET text = excluded.text",
            [sha256, part, method, text],
        )
