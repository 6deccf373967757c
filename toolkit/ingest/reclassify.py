"""Classify again an applicant's screenshots, without re-ingesting them.

Screenshots ingested without OCR (``--no-ocr``, or tesseract missing) were never read; a
newer signature table may also read old screenshots better. :func:`reclassify` reads each
original from the vault (or the OCR text already stored in ``texts``), classifies it,
adds the clock and the page date it shows to the attempt's time candidates, and decides
the outcome and the time again with :func:`toolkit.provenance.settle`, the same rules as
at ingest, logging the changes in custody.

So a declared outcome (the log, ``--outcome``) never overrides the new reading: when they
disagree the attempt is flagged ``outcome_conflict`` and counts as unknown until a person
reviews it; a person's review is kept whatever the reading says. By default the
screenshots never read and those whose outcome is unknown are examined; ``all_attempts``
reads every screenshot with today's table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.errors import GuichetsError, MissingDependency
from toolkit.ingest.candidates import Collector, ordered
from toolkit.ingest.records import load_times, store_text, store_times
from toolkit.model import Attempt, Outcome, OutcomeSource, TimeSource
from toolkit.progress import ProgressCallback, noop
from toolkit.provenance import apply_reading, choose_time, settle
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from PIL import Image

    from toolkit.classify.ocr import OcrResult


@dataclass
class ReclassifyReport:
    """What :func:`reclassify` examined and changed."""

    applicant: str
    all_attempts: bool
    examined: int = 0
    ocr_runs: int = 0  # screenshots read by OCR now
    reused_texts: int = 0  # screenshots classified from OCR text stored earlier
    retimed: int = 0  # attempts whose time changed
    changes: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.changes)

    @property
    def by_outcome(self) -> dict[str, int]:
        """Changed attempts, by their new outcome."""
        counts = Counter(c["outcome"] for c in self.changes if c["changed"] == "outcome")
        return {o.value: counts[o.value] for o in Outcome if counts[o.value]}

    @property
    def conflicts(self) -> int:
        return sum("outcome_conflict" in c["flags"] for c in self.changes)

    def summary(self) -> str:
        parts = [f"{self.changed} of {self.examined} attempt(s) changed"]
        if self.by_outcome:
            parts.append(", ".join(f"{n} {o}" for o, n in self.by_outcome.items()))
        if self.retimed:
            parts.append(f"{self.retimed} dated again")
        if self.conflicts:
            parts.append(
                f"{self.conflicts} in conflict with the declared outcome (guichets review)"
            )
        if self.problems:
            parts.append(f"{len(self.problems)} not readable")
        return f"classify {self.applicant}: " + "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "applicant": self.applicant,
            "all": self.all_attempts,
            "examined": self.examined,
            "changed": self.changed,
            "by_outcome": self.by_outcome,
            "ocr_runs": self.ocr_runs,
            "reused_texts": self.reused_texts,
            "retimed": self.retimed,
            "changes": self.changes,
            "problems": self.problems,
        }


_FIELDS = (
    "outcome", "outcome_source", "read_outcome", "rule", "confidence", "system", "url", "slots",
    "first_slot", "last_publication", "next_publication", "extraction", "flags",
    "observed_at", "time_source", "time_detail", "time_precision",
)  # fmt: skip


def _candidates(ws: Workspace, applicant_id: str, all_attempts: bool) -> list[dict[str, Any]]:
    """The applicant's screenshot attempts to examine, oldest first, with stored OCR text."""
    return ws.rows(
        f"""
        SELECT a.id, a.file_sha256, a.original_name, a.declared_outcome,
               {", ".join(f"a.{c}" for c in _FIELDS)}, t.text AS ocr_text
        FROM attempts a
        JOIN files f ON f.sha256 = a.file_sha256
        LEFT JOIN texts t ON t.file_sha256 = a.file_sha256 AND t.part = a.part AND t.method = 'ocr'
        WHERE a.applicant_id = ? AND a.channel = 'online' AND f.media_type LIKE 'image/%'
          AND (? OR a.read_outcome IS NULL OR a.outcome = 'unknown')
        ORDER BY a.observed_at, a.id
        """,
        [applicant_id, all_attempts],
    )


def reclassify(
    ws: Workspace,
    applicant_id: str,
    *,
    all_attempts: bool = False,
    progress: ProgressCallback | None = None,
) -> ReclassifyReport:
    """Read again the applicant's screenshots never read or of unknown outcome (every one
    with ``all_attempts``) and decide their outcome and time again.

    Stored OCR text is reused; other screenshots are read from the vault with OCR, in
    parallel (MissingDependency if OCR is needed and unavailable).
    """
    from toolkit.applicants import get_applicant
    from toolkit.classify.ocr import OcrResult, ocr_available, read_many, result_from_text

    progress = progress or noop
    applicant = get_applicant(ws, applicant_id)
    report = ReclassifyReport(applicant=applicant.id, all_attempts=all_attempts)
    rows = _candidates(ws, applicant.id, all_attempts)
    report.examined = len(rows)
    results: dict[str, OcrResult] = {}
    fresh: set[str] = set()  # read by OCR now: their text is stored
    to_read = [r for r in rows if not r["ocr_text"]]
    if to_read:
        ok, reason = ocr_available()
        if not ok:
            raise MissingDependency(
                f"{len(to_read)} screenshot(s) of {applicant.id} have no OCR text yet "
                f"and OCR is unavailable: {reason}"
            )

        def load(row: dict[str, Any]) -> Image.Image:
            from toolkit.ingest.images import decode_image

            data = ws.vault.read(row["file_sha256"])  # IntegrityError: missing or altered
            return decode_image(data).image

        progress(0, len(to_read), "")
        for done, (row, result) in enumerate(read_many(to_read, load), start=1):
            progress(done, len(to_read), row["original_name"] or "")
            if isinstance(result, OcrResult):
                results[row["id"]] = result
                fresh.add(row["id"])
            elif isinstance(result, GuichetsError | OSError):
                report.problems.append(f"{row['original_name']} ({row['file_sha256']}): {result}")
            else:
                raise result
    for row in rows:
        if row["ocr_text"]:
            results[row["id"]] = result_from_text(row["ocr_text"])
            report.reused_texts += 1
    report.ocr_runs = len(fresh)

    with ws.transaction():
        for row in rows:
            read = results.get(row["id"])
            if read is None:
                continue
            if row["id"] in fresh:
                store_text(ws, row["file_sha256"], 0, "ocr", read.text)
            change = _update(ws, row, read, applicant.tz)
            if change is not None:
                report.retimed += change["retimed"]
                report.changes.append(change)
        ws.log_custody(
            "classify",
            {
                "applicant": applicant.id,
                "all": all_attempts,
                "examined": report.examined,
                "changed": report.changed,
                "by_outcome": report.by_outcome,
                "ocr_runs": report.ocr_runs,
                "retimed": report.retimed,
                "changes": [
                    {k: c[k] for k in ("id", "previous", "outcome", "rule", "flags")}
                    for c in report.changes
                ],
            },
        )
    return report


def _update(
    ws: Workspace, row: dict[str, Any], result: OcrResult, tz: str
) -> dict[str, Any] | None:
    """Decide the attempt again with what was read; write it if anything changed."""
    attempt = Attempt(
        applicant_id="",
        channel="online",
        observed_at=row["observed_at"],
        time_source=row["time_source"],
        system=row["system"],
        url=row["url"],
    )
    attempt.declared_outcome = row["declared_outcome"]
    attempt.flags = list(row["flags"] or [])
    apply_reading(attempt, result.classification, tz)
    if result.classification.rule is None:  # nothing read now: the earlier reading stays
        attempt.read_outcome, attempt.rule = row["read_outcome"], row["rule"]
        attempt.confidence, attempt.slots = row["confidence"], row["slots"]
        attempt.first_slot = row["first_slot"]
        attempt.last_publication = row["last_publication"]
        attempt.next_publication = row["next_publication"]
    collect = Collector(tz)
    collect.ocr(result)
    kept = [c for c in load_times(ws, row["id"]) if c.source != TimeSource.OCR]
    attempt.times = [*kept, *collect.times]
    reviewed = row["outcome"] if row["outcome_source"] == OutcomeSource.REVIEWED else None
    if not settle(attempt, tz, reviewed_outcome=reviewed):
        return None
    attempt.extraction = (
        "ocr" if attempt.outcome_source == OutcomeSource.READ else row["extraction"]
    )
    new = {k: getattr(attempt, k) for k in _FIELDS}
    if all(new[k] == row[k] for k in _FIELDS):
        return None
    chosen = choose_time(attempt.times, tz).chosen
    ws.con.execute(
        f"UPDATE attempts SET {', '.join(f'{k} = ?' for k in _FIELDS)} WHERE id = ?",
        [*(new[k] for k in _FIELDS), row["id"]],
    )
    store_times(ws, row["id"], ordered(attempt.times, chosen),
                (attempt.time_source, attempt.time_detail, attempt.observed_at))  # fmt: skip
    retimed = (new["observed_at"], new["time_source"]) != (row["observed_at"], row["time_source"])
    what = "outcome" if new["outcome"] != row["outcome"] else "time" if retimed else "details"
    return {
        "id": row["id"],
        "file": row["original_name"],
        "sha256": row["file_sha256"],
        "previous": row["outcome"],
        "outcome": new["outcome"],
        "outcome_source": new["outcome_source"],
        "system": new["system"],
        "rule": new["rule"],
        "confidence": new["confidence"],
        "flags": list(new["flags"]),
        "changed": what,
        "retimed": int(retimed),
    }
