"""Classify again an applicant's screenshots, without re-ingesting them.

Screenshots ingested without OCR (``--no-ocr``, or tesseract missing) have an unknown
outcome; a newer signature table may also read old screenshots better. :func:`reclassify`
reads each original from the vault (or the OCR text already stored in ``texts``),
classifies it and updates the attempt in place, logging the change in custody.

What is never overridden: an outcome given by the person (the screenshot log, ``--outcome``,
a manual correction: ``extraction`` in ``log``, ``option``, ``manual``). An ``unknown``
outcome is not an outcome, so it is always open to OCR, as at ingest. The time is only
replaced when the clock read on the image is more trusted than the stored time (a file
name, a declared time or a file date).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from toolkit.errors import GuichetsError, MissingDependency
from toolkit.model import Classification, Outcome, System, TimeSource
from toolkit.progress import ProgressCallback, noop
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from PIL import Image

    from toolkit.classify.ocr import OcrResult

PROTECTED = ("log", "option", "manual")  # outcomes a person gave: never overridden


@dataclass
class ReclassifyReport:
    """What :func:`reclassify` examined and changed."""

    applicant: str
    all_attempts: bool
    examined: int = 0
    ocr_runs: int = 0  # screenshots read by OCR now
    reused_texts: int = 0  # screenshots classified from OCR text stored earlier
    retimed: int = 0  # attempts whose time now comes from the clock on the image
    changes: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> int:
        return len(self.changes)

    @property
    def by_outcome(self) -> dict[str, int]:
        """Changed attempts, by their new outcome."""
        counts = Counter(c["outcome"] for c in self.changes)
        return {o.value: counts[o.value] for o in Outcome if counts[o.value]}

    def summary(self) -> str:
        parts = [f"{self.changed} of {self.examined} attempt(s) changed"]
        if self.by_outcome:
            parts.append(", ".join(f"{n} {o}" for o, n in self.by_outcome.items()))
        if self.retimed:
            parts.append(f"{self.retimed} dated by the clock on the image")
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


def _candidates(ws: Workspace, applicant_id: str, all_attempts: bool) -> list[dict[str, Any]]:
    """The applicant's screenshot attempts to examine, oldest first, with stored OCR text."""
    marks = ", ".join("?" * len(PROTECTED))
    return ws.rows(
        f"""
        SELECT a.id, a.file_sha256, a.original_name, a.outcome, a.system, a.rule, a.confidence,
               a.url, a.extraction, a.time_source, t.text AS ocr_text
        FROM attempts a
        JOIN files f ON f.sha256 = a.file_sha256
        LEFT JOIN texts t ON t.file_sha256 = a.file_sha256 AND t.part = a.part AND t.method = 'ocr'
        WHERE a.applicant_id = ? AND a.channel = 'online' AND f.media_type LIKE 'image/%'
          AND (a.outcome = 'unknown'
               OR (? AND coalesce(a.extraction, '') NOT IN ({marks})))
        ORDER BY a.observed_at, a.id
        """,
        [applicant_id, all_attempts, *PROTECTED],
    )


def reclassify(
    ws: Workspace,
    applicant_id: str,
    *,
    all_attempts: bool = False,
    progress: ProgressCallback | None = None,
) -> ReclassifyReport:
    """Classify the applicant's screenshots whose outcome is unknown (all of them with
    ``all_attempts``, except outcomes a person gave) and update their attempts.

    Stored OCR text is reused; other screenshots are read from the vault with OCR, in
    parallel (MissingDependency if OCR is needed and unavailable).
    """
    from toolkit.applicants import get_applicant
    from toolkit.classify.ocr import OcrResult, ocr_available, read_many, result_from_text
    from toolkit.ingest.records import store_text

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
            from toolkit.ingest.screenshots import decode_image

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
            change = _update(ws, row, read.classification)
            if _retime(ws, row, read, applicant.tz):
                report.retimed += 1
                change = change or _describe(row, row, "time")
            if change is not None:
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
                "changes": [c["id"] for c in report.changes],
            },
        )
    return report


def _describe(row: dict[str, Any], new: dict[str, Any], what: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "file": row["original_name"],
        "sha256": row["file_sha256"],
        "previous": row["outcome"],
        "outcome": new["outcome"],
        "system": new["system"],
        "rule": new["rule"],
        "confidence": new["confidence"],
        "changed": what,
    }


def _update(ws: Workspace, row: dict[str, Any], cls: Classification) -> dict[str, Any] | None:
    """Write the classification into the attempt if it says something new.

    Rows reach here with an unknown outcome, or (``--all``) an outcome no person gave.
    """
    decided = cls.outcome != Outcome.UNKNOWN.value
    new = {
        "outcome": cls.outcome,
        "rule": cls.rule if decided or row["outcome"] != Outcome.UNKNOWN.value else row["rule"],
        "confidence": cls.confidence if decided else row["confidence"],
        "system": cls.system if cls.system != System.UNKNOWN.value else row["system"],
        "url": row["url"] or cls.url,
    }
    if not decided and row["outcome"] == Outcome.UNKNOWN.value:
        new["confidence"] = row["confidence"]  # nothing learnt about the outcome
    if all(new[k] == row[k] for k in new):
        return None
    extraction = "ocr" if decided or row["outcome"] != Outcome.UNKNOWN.value else row["extraction"]
    ws.con.execute(
        "UPDATE attempts SET outcome = ?, rule = ?, confidence = ?, system = ?, url = ?, "
        "extraction = ? WHERE id = ?",
        [new["outcome"], new["rule"], new["confidence"], new["system"], new["url"], extraction,
         row["id"]],
    )  # fmt: skip
    return _describe(row, new, "outcome" if new["outcome"] != row["outcome"] else "details")


def _retime(ws: Workspace, row: dict[str, Any], result: OcrResult, tz: str) -> bool:
    """Date the attempt by the clock on the image when the stored time is less trusted."""
    from toolkit.ingest.timestamps import localize

    try:
        stored = TimeSource(row["time_source"])
    except ValueError:
        return False
    if stored.rank <= TimeSource.OCR.rank or result.clock is None:
        return False
    ws.con.execute(
        "UPDATE attempts SET observed_at = ?, time_source = ?, time_detail = ? WHERE id = ?",
        [localize(result.clock, tz), TimeSource.OCR.value, "ocr:clock", row["id"]],
    )
    return True
