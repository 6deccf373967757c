"""Screenshots of booking pages become dated ``online`` attempts.

Every time found for a screenshot is kept as a candidate (``attempt_times``): the
screenshot log, EXIF, PNG/XMP metadata, the file name, the device clock and the page's own
date read by OCR, and the file's date (weak). :mod:`toolkit.provenance` chooses among them
(what the image shows outranks what someone typed) and flags a disagreement. A naive time
is read in the préfecture's own zone. With OCR, the page's text is classified (system,
outcome) and kept in ``texts`` (method ``ocr``); the log's or ``--outcome``'s outcome only
fills what no signature read, and one that contradicts the reading flags the attempt
``outcome_conflict`` (outcome ``unknown`` until a person reviews it). Images whose
metadata names an editor, or that passed through a messenger, are flagged ``edited`` or
``reencoded`` (:mod:`toolkit.ingest.imagemeta`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import GuichetsError, InputError, MissingDependency, Problem
from toolkit.ingest.candidates import Collector, as_weak, conflict_line, ordered, rejected_lines
from toolkit.ingest.images import WARNINGS_LOCK, decode_image, sniff
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
from toolkit.ingest.screenshot_log import LogEntry, file_key, read_log
from toolkit.model import Attempt, Channel, Flag, Outcome, TimeCandidate
from toolkit.progress import ProgressCallback, noop
from toolkit.provenance import TimeRange, apply_reading, choose_time, needs_review, settle
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from datetime import datetime

    from toolkit.classify.ocr import OcrResult
    from toolkit.ingest.imagemeta import ImageHistory

__all__ = ["decode_image", "ingest_screenshots", "sniff"]


@dataclass
class _Prepared:
    """One screenshot read, decoded, dated and OCR'd by a worker; the image is not kept."""

    data: bytes
    digest: str
    kind: str
    entry: LogEntry | None
    times: list[TimeCandidate] = field(default_factory=list)
    history: ImageHistory | None = None
    ocr: OcrResult | None = None
    ocr_problem: str | None = None
    known: bool = False  # already recorded for this applicant: OCR skipped


def _times(
    collect: Collector, f: InputFile, entry: LogEntry | None, history: ImageHistory, img: object
) -> None:
    """The log's time, the image metadata's, the file name's and the file's date."""
    from toolkit.ingest.timestamps import time_from_filename, times_from_image

    if entry is not None:
        collect.log(entry)
    with WARNINGS_LOCK:  # metadata readers silence Pillow's warnings
        found = times_from_image(img)  # type: ignore[arg-type]
    editor = history.detail.get(Flag.EDITED.value)
    for meta in found:  # an editor's metadata says when it saved the file
        collect.found(
            meta, weak=bool(editor), note=" (written by an image editor)" if editor else ""
        )
    named = time_from_filename(f.name)
    if named is not None:
        c = collect.found(named)
        if history.messenger_name:  # a messenger names a file when it makes the copy
            collect.times[-1] = as_weak(c, " (a messenger's copy)")
    collect.mtime(f.mtime)


def ingest_screenshots(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    applicant_id: str,
    *,
    log: str | os.PathLike[str] | None = None,
    outcome: str | None = None,
    strict: bool = False,
    ocr: bool | None = None,
    time_range: TimeRange | None = None,
    progress: ProgressCallback | None = None,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> IngestReport:
    """Record each screenshot as one online attempt of ``applicant_id``.

    Without ``strict``, valid files are recorded and problems are reported; with
    ``strict``, nothing is recorded unless every file is valid (ProblemsFound).
    ``ocr``: None (the default, as in the CLI) runs OCR when it is available and adds a
    notice otherwise; True requires it (MissingDependency); False never runs it.
    ``outcome`` (and a log's result) fills only what OCR could not read; a contradiction
    flags ``outcome_conflict``. ``time_range``: the times that can date an attempt (default
    2000-01-01 to now + 1 day); others are kept as rejected candidates. Files are read,
    decoded and OCR'd by one worker per core, a few files ahead; the store is written from
    this thread only.
    ``file_times``: see :func:`toolkit.ingest.inputs.expand`.
    """
    from toolkit.applicants import get_applicant
    from toolkit.classify.pool import map_ordered

    progress = progress or noop
    applicant = get_applicant(ws, applicant_id)
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise InputError(f"--outcome {outcome!r}: use one of {', '.join(o.value for o in Outcome)}")
    report = IngestReport(
        kind="screenshots", details={"unit": "attempt", "to_review": 0, "applicant": applicant.id}
    )
    entries: dict[str, LogEntry] = {}
    if log is not None:
        entries, log_problems = read_log(log)
        report.problems.extend(log_problems)

    reader = _ocr_reader(ocr, report, declared=bool(outcome or log))
    inputs: list[InputFile] = list(
        expand(list(paths), report.problems, exclude=[ws.root], file_times=file_times)
    )
    if log is not None:  # the log may sit among the screenshots
        log_path = Path(log).resolve()
        inputs = [f for f in inputs if Path(f.display).resolve() != log_path]
    if not inputs and not report.problems:
        raise InputError("no files found in " + ", ".join(str(p) for p in paths))
    known = _recorded_files(ws, applicant.id)

    def prepare(f: InputFile) -> _Prepared:
        """Runs in a worker thread: no store access here."""
        from toolkit.ingest.imagemeta import image_history
        from toolkit.vault import sha256_bytes

        data = f.read()
        decoded = decode_image(data)
        try:
            entry = entries.get(file_key(f.name))
            prepared = _Prepared(data, sha256_bytes(data), decoded.kind, entry)
            prepared.known = prepared.digest in known
            if prepared.known:
                return prepared
            with WARNINGS_LOCK:
                prepared.history = image_history(decoded.image, f.name, decoded.kind)
            collect = Collector(applicant.tz, time_range)
            _times(collect, f, entry, prepared.history, decoded.image)
            if reader is not None:
                try:
                    prepared.ocr = reader(decoded.image)
                except GuichetsError as e:  # tesseract failed on this image only
                    prepared.ocr_problem = str(e)
            if prepared.ocr is not None:
                collect.ocr(prepared.ocr)
            prepared.times = collect.times
            return prepared
        finally:
            decoded.image.close()

    matched_log: set[str] = set()
    seen_in_batch: set[str] = set()

    with ws.transaction():
        source_id = ws.new_source(
            "screenshots",
            ", ".join(str(p) for p in paths),
            {"log": str(log) if log else None, "outcome": outcome, "ocr": bool(reader)},
        )
        report.source_id = source_id
        for i, (f, result) in enumerate(map_ordered(prepare, inputs), start=1):
            progress(i - 1, len(inputs), f.name)
            if isinstance(result, InputError | EntryError):
                report.problems.append(Problem(f.display, str(result)))
                continue
            if isinstance(result, Exception):  # whatever a reader raised: this file only
                report.problems.append(reader_failure(f.display, result))
                continue
            if result.entry is not None:
                matched_log.add(file_key(f.name))
            if result.known:
                report.duplicates.append(f.display)
                continue
            if result.ocr_problem:
                report.warnings.append(f"{f.display}: {result.ocr_problem}; recorded without OCR")
            attempt = _attempt(f, result, applicant.id, outcome, applicant.tz)
            if attempt is None:
                lines = "; ".join(rejected_lines(result.times))
                report.problems.append(
                    Problem(
                        f.display,
                        f"no time found{f' ({lines})' if lines else ''}; add it to the --log file",
                    )
                )
                continue
            aid = attempt_id(attempt)
            if aid in seen_in_batch or known_attempt_ids(ws, [aid]):
                report.duplicates.append(f.display)
                continue
            seen_in_batch.add(aid)
            with recording(f.display, len(report.recorded)):
                ws.store_file(result.data, f.name, f"image/{result.kind}")
                if result.ocr is not None:
                    store_text(ws, result.digest, 0, "ocr", result.ocr.text)
                insert_attempt(ws, attempt, applicant, source_id)
            report.recorded.append(f.display)
            report.rows += 1
            _report_attempt(report, f.display, attempt, applicant.tz)
        progress(len(inputs), len(inputs), "")
        unused = sorted(set(entries) - matched_log)
        for key in unused:
            report.warnings.append(
                f"{log}:{entries[key].line}: {entries[key].file} is not among the files given"
            )
        close_batch(
            ws,
            report,
            source_id,
            strict,
            "ingest.screenshots",
            {
                "applicant": applicant.id,
                "source": source_id,
                "recorded": report.rows,
                "duplicates": len(report.duplicates),
                "rejected": len(report.problems),
                "ocr": bool(reader),
                "to_review": report.details["to_review"],
            },
        )
    return report


def _attempt(
    f: InputFile, prepared: _Prepared, applicant_id: str, outcome: str | None, tz: str
) -> Attempt | None:
    """The attempt of one screenshot, its outcome and time decided; None when undatable."""
    entry = prepared.entry
    attempt = Attempt(
        applicant_id=applicant_id,
        channel=Channel.ONLINE.value,
        observed_at=prepared.times[0].value if prepared.times else None,  # type: ignore[arg-type]
        time_source="",
        file_sha256=prepared.digest,
        original_name=f.name,
        url=entry.url if entry else None,
        url_source="declared" if entry and entry.url else None,
        note=entry.note if entry else None,
    )
    attempt.declared_outcome = (entry.outcome if entry and entry.outcome else None) or outcome
    attempt.extra["declared_by"] = "the log" if entry and entry.outcome else "--outcome"
    if prepared.ocr is not None:
        apply_reading(attempt, prepared.ocr.classification, tz)  # an address read: OCR
    if prepared.history is not None:
        attempt.flags, attempt.flag_detail = prepared.history.flags, dict(prepared.history.detail)
    attempt.times = prepared.times
    if not settle(attempt, tz):
        return None
    attempt.times = ordered(attempt.times, choose_time(attempt.times, tz).chosen)
    if attempt.outcome_source == "read":
        attempt.extraction = "ocr"
    elif attempt.outcome_source == "declared":
        attempt.extraction = "log" if entry and entry.outcome else "option"
    return attempt


def _report_attempt(report: IngestReport, where: str, attempt: Attempt, tz: str) -> None:
    """Say, for one recorded screenshot, what a person should know or look at."""
    for line in rejected_lines(attempt.times):
        report.warnings.append(f"{where}: {line}")
    flags = set(attempt.flags)
    if Flag.OUTCOME_CONFLICT in flags:
        report.warnings.append(
            f"{where}: the page reads {attempt.read_outcome} ({attempt.rule}) but "
            f"{attempt.extra.get('declared_by', 'the declaration')} says "
            f"{attempt.declared_outcome}: outcome unknown until a person reviews it"
        )
    if Flag.TIME_CONFLICT in flags:
        report.warnings.append(f"{where}: {conflict_line(choose_time(attempt.times, tz), tz)}")
    if Flag.WEAK_TIME in flags:
        what = "the file date" if attempt.time_source == "mtime" else attempt.time_detail
        report.warnings.append(f"{where}: time taken from {what} (weak); add it to a --log file")
    for flag in (Flag.EDITED, Flag.REENCODED):
        if flag in flags:
            report.warnings.append(f"{where}: {flag.value}: {attempt.flag_detail.get(flag, '')}")
    if needs_review(attempt):
        report.details["to_review"] += 1


def _recorded_files(ws: Workspace, applicant_id: str) -> frozenset[str]:
    """Originals already recorded as one of the applicant's attempts (re-ingest: no OCR)."""
    rows = ws.sql(
        "SELECT DISTINCT file_sha256 FROM attempts "
        "WHERE applicant_id = ? AND part = 0 AND file_sha256 IS NOT NULL",
        [applicant_id],
    ).fetchall()
    return frozenset(r[0] for r in rows)


def _ocr_reader(
    ocr: bool | None, report: IngestReport, *, declared: bool
) -> Callable[..., OcrResult] | None:
    """The OCR function to use, or None. ``ocr=None``: use it when available."""
    if ocr is False:
        return None
    from toolkit.classify.ocr import ocr_available, read_screenshot

    available, reason = ocr_available()
    if not available:
        if ocr is True:
            raise MissingDependency(f"--ocr: OCR unavailable: {reason}")
        what = (
            "outcomes are only what the log or --outcome declares"
            if declared
            else "outcomes stay unknown"
        )
        report.notices.append(
            f"OCR skipped: {reason}; nothing was read on the images, so {what} "
            "(run `guichets classify` once OCR is installed)"
        )
        return None
    return read_screenshot
