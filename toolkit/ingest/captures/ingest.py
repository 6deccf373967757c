"""The ingest loop for captures: read every file, date and classify its pages, record them.

All files are read before anything of theirs is written, in one transaction: a file is
either recorded whole or reported, and ``strict`` rolls the whole batch back. Every time
found is a candidate (``attempt_times``): what the reader found in the file (HAR request
and response, MIME Date, printed PDF header, PDF metadata, OCR), the file name (for a file
of one page), the file's date (weak); :mod:`toolkit.provenance` chooses and flags.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from toolkit.errors import InputError, Problem
from toolkit.ingest.candidates import Collector, conflict_line, ordered, rejected_lines
from toolkit.ingest.captures.base import CaptureRecord, NoTextLayer, OcrFunction
from toolkit.ingest.captures.registry import READERS, detect
from toolkit.ingest.inputs import EntryError, InputFile, expand
from toolkit.ingest.records import (
    IngestReport,
    attempt_id,
    close_batch,
    insert_attempt,
    known_attempt_ids,
    reader_failure,
    recording,
    store_text,
)
from toolkit.model import Attempt, Channel, Flag, Outcome, System
from toolkit.progress import ProgressCallback, noop
from toolkit.provenance import TimeRange, apply_reading, choose_time, needs_review, settle
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from pathlib import Path

    from PIL import Image

    from toolkit.applicants import Applicant


_NAMED_DATE = re.compile(r"(?<!\d)20\d\d-[01]\d-[0-3]\d(?!\d)")
_UNDATED = "record it with `guichets contact add` and its date in --at"


class _Ocr:
    """OCR for PDFs without a text layer, looked up only when such a PDF turns up."""

    def __init__(self, wanted: bool | None) -> None:
        self.wanted = wanted
        self.reason = ""  # why OCR cannot run
        self._engine: OcrFunction | None = None
        self._checked = wanted is False
        if wanted is True and self.function() is None:
            raise InputError(f"OCR unavailable: {self.reason}")

    def function(self) -> OcrFunction | None:
        if not self._checked:
            self._checked = True
            try:
                from toolkit.classify.ocr import ocr_available, ocr_image
            except ImportError:
                self.reason = "the OCR module is not installed"
                return None
            available, why = ocr_available()
            if not available:
                self.reason = why
                return None

            def engine(image: Image.Image) -> str:
                try:
                    return ocr_image(image)
                except Exception as e:  # the OCR engine is a separate program; say what it said
                    raise InputError(
                        f"OCR failed ({e}); check the tesseract installation"
                    ) from None

            self._engine = engine
        return self._engine

    def missing(self, no_text: NoTextLayer) -> InputError:
        """The problem to report for a PDF that only OCR could read."""
        if self.wanted is False:
            return InputError(f"{no_text}; run again without --no-ocr to read it with OCR")
        return InputError(
            f"{no_text}; OCR is unavailable ({self.reason}): install tesseract "
            "(`pip install 'guichets[ocr]'` and the tesseract program) and ingest it again"
        )


@dataclass
class _Read:
    fmt: str
    data: bytes
    records: list[CaptureRecord]


def _read(f: InputFile, ocr: _Ocr) -> _Read:
    data = f.read()
    fmt = detect(f.name, data)
    reader = READERS[fmt]
    try:
        records = reader.read(data, f.name)
    except NoTextLayer as e:
        engine = ocr.function()
        if engine is None:
            raise ocr.missing(e) from None
        records = reader.read(data, f.name, ocr=engine)
    if fmt != "har":  # a HAR reader says it for the whole session
        for r in records:
            cls = r.classification
            if cls and cls.system == System.UNKNOWN and cls.outcome == Outcome.UNKNOWN:
                r.warnings.append("not recognised as a booking page; recorded with outcome unknown")
    return _Read(fmt, data, records)


def run(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    applicant_id: str,
    *,
    strict: bool = False,
    ocr: bool | None = None,
    time_range: TimeRange | None = None,
    progress: ProgressCallback | None = None,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> IngestReport:
    """See :func:`toolkit.ingest.captures.ingest_captures`."""
    from toolkit.applicants import get_applicant
    from toolkit.vault import sha256_bytes

    progress = progress or noop
    applicant = get_applicant(ws, applicant_id)
    report = IngestReport(
        kind="captures",
        details={"unit": "attempt", "formats": {}, "to_review": 0, "applicant": applicant.id},
    )
    engine = _Ocr(ocr)
    inputs = list(expand(list(paths), report.problems, file_times=file_times))
    if not inputs and not report.problems:
        raise InputError("no files found in " + ", ".join(str(p) for p in paths))
    email = _applicant_email(ws, applicant.id)
    seen: set[str] = set()

    with ws.transaction():
        source_id = ws.new_source(
            "captures", ", ".join(str(p) for p in paths), {"strict": strict, "ocr": ocr}
        )
        report.source_id = source_id
        for i, f in enumerate(inputs):
            progress(i, len(inputs), f.name)
            try:
                read = _read(f, engine)
                digest = sha256_bytes(read.data)
                single = len(read.records) == 1
                attempts = [
                    _attempt(r, f, digest, applicant, email, single=single, time_range=time_range)
                    for r in read.records
                ]
            except (InputError, EntryError) as e:
                report.problems.append(Problem(f.display, str(e)))
                continue
            except Exception as e:  # whatever a reader raised: this file only
                report.problems.append(reader_failure(f.display, e))
                continue
            ids = [attempt_id(a) for a, _ in attempts]
            known = known_attempt_ids(ws, ids) | seen
            if all(aid in known for aid in ids):
                report.duplicates.append(f.display)
                continue
            seen.update(ids)
            with recording(f.display, len(report.recorded)):
                ws.store_file(read.data, f.name, READERS[read.fmt].MEDIA_TYPE)
                for (attempt, detail), record, aid in zip(attempts, read.records, ids, strict=True):
                    store_text(ws, digest, record.part, record.text_method, record.text)
                    if aid not in known:
                        insert_attempt(ws, attempt, applicant, source_id, time_detail=detail)
                        report.rows += 1
                        report.details["to_review"] += needs_review(attempt)
                    report.warnings += [f"{f.display}: {w}" for w in record.warnings]
                    report.notices += [f"{f.display}: {n}" for n in record.notices]
            report.recorded.append(f.display)
            report.details["formats"][f.display] = read.fmt
        progress(len(inputs), len(inputs), "")
        close_batch(
            ws,
            report,
            source_id,
            strict,
            "ingest.captures",
            {
                "applicant": applicant.id,
                "source": source_id,
                "recorded": report.rows,
                "files": len(report.recorded),
                "duplicates": len(report.duplicates),
                "rejected": len(report.problems),
                "to_review": report.details["to_review"],
            },
        )
    return report


def _applicant_email(ws: Workspace, applicant_id: str) -> str | None:
    value = ws.scalar("SELECT email FROM identities WHERE applicant_id = ?", [applicant_id])
    return (str(value).strip().lower() or None) if value else None


def _attempt(
    record: CaptureRecord,
    f: InputFile,
    digest: str,
    applicant: Applicant,
    email: str | None,
    *,
    single: bool,
    time_range: TimeRange | None,
) -> tuple[Attempt, str]:
    """The attempt for one record and its time detail; InputError if it cannot be dated.

    Every time the reader found is a candidate, with the file name's (for a file holding
    one page, or a page the reader could not date) and the file's date (weak).
    Warnings and notices go to the record; the loop reports them if the file is recorded.
    """
    from toolkit.ingest.timestamps import time_from_filename

    collect = Collector(applicant.tz, time_range)
    for found in record.times:
        collect.found(found)
    for source, detail, raw in record.unreadable:
        collect.add(None, source, detail, raw=raw)
    own = [c for c in collect.times if c.usable]
    if record.channel == Channel.EMAIL and not own:
        why = "; ".join(rejected_lines(collect.times)) or "no readable Date header"
        raise InputError(f"the e-mail cannot be dated ({why}); {_UNDATED}")
    named = time_from_filename(f.name)
    if named is not None and (single or not own):
        collect.found(named)
    collect.mtime(f.mtime)
    attempt = Attempt(
        applicant_id=applicant.id,
        channel=record.channel,
        observed_at=None,  # type: ignore[arg-type]  # set by settle()
        time_source="",
        file_sha256=digest,
        original_name=f.name,
        part=record.part,
        url=record.url,
        subject=record.subject,
        note=record.note,
    )
    cls = record.classification
    if cls is not None:
        attempt.url = cls.url or record.url
        apply_reading(attempt, cls, applicant.tz)
    if attempt.url:
        attempt.url_source = "read"  # in the saved page, the HAR or the printed header
    attempt.http_status = record.http_status
    attempt.times = collect.times
    if not settle(attempt, applicant.tz):
        why = "; ".join(rejected_lines(collect.times))
        raise InputError(
            f"no time found in the file, its name or its date{f' ({why})' if why else ''}"
        )
    attempt.times = ordered(attempt.times, choose_time(attempt.times, applicant.tz).chosen)
    if attempt.outcome_source == "read":
        attempt.extraction = record.extraction
    for line in rejected_lines(attempt.times):
        record.warnings.append(line)
    if Flag.TIME_CONFLICT in attempt.flags:
        record.warnings.append(
            str(conflict_line(choose_time(attempt.times, applicant.tz), applicant.tz))
        )
    if Flag.WEAK_TIME in attempt.flags:
        named_day = _NAMED_DATE.search(f.name)
        day = attempt.observed_at.astimezone(ZoneInfo(applicant.tz)).date().isoformat()
        clash = (
            f" {day}, but its name says {named_day.group()}"
            if named_day and named_day.group() != day
            else ""
        )
        record.warnings.append(
            f"time taken from the file date (weak){clash}; keep the original file, or print "
            "the page to PDF or save it as MHTML, which record the time"
        )
    if record.channel == Channel.EMAIL:
        attempt.direction = _direction(record, email)
        if attempt.direction == "sent" and record.auto_reply:
            attempt.note = None  # the applicant's own out-of-office, not the préfecture's answer
    return attempt, attempt.time_detail or ""


def _direction(record: CaptureRecord, email: str | None) -> str | None:
    """sent / received from the applicant's address; an automatic reply was received."""
    if email and record.sender == email:
        return "sent"
    if email and email in record.recipients:
        return "received"
    if record.auto_reply:
        return "received"
    if email is None:
        record.notices.append(
            "direction left blank (sent or received?): the applicant has no e-mail address on file"
        )
    else:
        record.notices.append(
            "direction left blank: neither From nor To/Cc is the applicant's e-mail address"
        )
    return None
