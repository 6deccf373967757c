"""Screenshots of booking pages become dated ``online`` attempts.

Time, most trusted first: the screenshot log, EXIF, PNG/XMP metadata, the file name, the
clock read by OCR (when enabled), and last the file's mtime (flagged weak). A naive
time is read in the préfecture's own zone. With OCR, the page's text is classified
(system, outcome) and kept in ``texts`` (method ``ocr``).
"""

from __future__ import annotations

import io
import os
import threading
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import GuichetsError, InputError, MissingDependency, Problem
from toolkit.ingest.inputs import EntryError, InputFile, expand
from toolkit.ingest.records import (
    IngestReport,
    attempt_id,
    close_batch,
    insert_attempt,
    known_attempt_ids,
    store_text,
)
from toolkit.ingest.screenshot_log import LogEntry, file_key, read_log
from toolkit.model import Attempt, Channel, Outcome, System, TimeSource
from toolkit.progress import ProgressCallback, noop
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from PIL import Image

    from toolkit.classify.ocr import OcrResult

# Pillow's bomb check and the metadata readers change the process-wide warnings filters,
# which are not thread-safe; every section that does so holds this lock.
_WARNINGS_LOCK = threading.Lock()

MAX_PIXELS = 60_000_000  # a 4K screen is 8 MP; a tall phone page rarely exceeds 20 MP

IMAGE_SIGNATURES: tuple[tuple[str, str], ...] = (
    ("png", "image/png"),
    ("jpeg", "image/jpeg"),
    ("webp", "image/webp"),
    ("heic", "image/heic"),
)


def sniff(data: bytes) -> str | None:
    """The image type from the first bytes, or a hint of what else the file is."""
    head = data[:32]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in (
        b"heic",
        b"heix",
        b"mif1",
        b"msf1",
        b"heim",
        b"hevc",
    ):
        return "heic"
    return None


def _not_image_hint(data: bytes) -> str:
    head = data[:512].lstrip().lower()
    if head.startswith(b"%pdf"):
        return "file is a PDF; use `guichets ingest captures` (printed page) or `ingest documents`"
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "file is a web page; use `guichets ingest captures`"
    if head.startswith(b"{") and b'"log"' in data[:4096]:
        return "file is a HAR export; use `guichets ingest captures`"
    if head.startswith(b"pk"):
        return "file is a zip archive with another extension; rename it to .zip"
    if b"mime-version" in head or head.startswith((b"from:", b"received:", b"return-path:")):
        return "file is an e-mail or MHTML page; use `guichets ingest captures`"
    return "not a PNG, JPEG, WebP or HEIC image; remove it or convert it to PNG"


@dataclass
class _Decoded:
    kind: str
    width: int
    height: int
    image: Image.Image


def decode_image(data: bytes) -> _Decoded:
    """Open and fully decode an image; raise InputError on corrupt, truncated or bomb images."""
    from PIL import Image, UnidentifiedImageError

    kind = sniff(data)
    if kind is None:
        raise InputError(_not_image_hint(data))
    if kind == "heic":
        try:
            from pillow_heif import register_heif_opener
        except ImportError:
            raise InputError("HEIC image: install pillow-heif, or export it as PNG/JPEG") from None
        with _WARNINGS_LOCK:
            register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        # warnings filters are process-wide and images are decoded in worker threads
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
        img.load()  # the costly part, outside the lock
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            f"image has more than {MAX_PIXELS // 1_000_000} million pixels "
            "(decompression bomb?); refused"
        ) from None
    except UnidentifiedImageError:
        raise InputError(
            f"corrupt {kind.upper()} image; take or export the screenshot again"
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as e:
        msg = str(e)
        what = "truncated" if "truncat" in msg.lower() or isinstance(e, EOFError) else "corrupt"
        raise InputError(
            f"{what} {kind.upper()} image ({msg}); copy the original again from the phone or computer"
        ) from None
    return _Decoded(kind, img.width, img.height, img)


@dataclass(frozen=True)
class ChosenTime:
    value: datetime  # aware
    source: TimeSource
    detail: str


def choose_time(
    tz: str,
    entry: LogEntry | None,
    image: Image.Image | None,
    name: str,
    mtime: datetime | None,
    ocr_time: datetime | None = None,
) -> ChosenTime | None:
    """The most trusted time available for one screenshot."""
    from toolkit.ingest.timestamps import localize, time_from_filename, time_from_image

    if entry is not None and entry.when is not None:
        return ChosenTime(localize(entry.when, tz), TimeSource.LOG, f"log:line {entry.line}")
    if image is not None:
        found = time_from_image(image)
        if found is not None:
            return ChosenTime(localize(found.value, tz), found.source, found.detail)
    found = time_from_filename(name)
    if found is not None:
        return ChosenTime(localize(found.value, tz), found.source, found.detail)
    if ocr_time is not None:
        return ChosenTime(localize(ocr_time, tz), TimeSource.OCR, "ocr:clock")
    if mtime is not None:
        return ChosenTime(localize(mtime, tz), TimeSource.MTIME, "mtime")
    return None


@dataclass
class _Prepared:
    """One screenshot read, decoded, dated and OCR'd by a worker; the image is not kept."""

    data: bytes
    digest: str
    kind: str
    entry: LogEntry | None
    chosen: ChosenTime | None
    ocr: OcrResult | None = None
    ocr_problem: str | None = None
    known: bool = False  # already recorded for this applicant: OCR skipped


def ingest_screenshots(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    applicant_id: str,
    *,
    log: str | os.PathLike[str] | None = None,
    outcome: str | None = None,
    strict: bool = False,
    ocr: bool | None = None,
    progress: ProgressCallback | None = None,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> IngestReport:
    """Record each screenshot as one online attempt of ``applicant_id``.

    Without ``strict``, valid files are recorded and problems are reported; with
    ``strict``, nothing is recorded unless every file is valid (ProblemsFound).
    ``ocr``: None (the default, as in the CLI) runs OCR when tesseract is available and
    adds a notice otherwise; True requires it (MissingDependency); False never runs it. Files are read, decoded and OCR'd by
    one worker per core, a few files ahead; the store is written from this thread only.
    ``file_times``: see :func:`toolkit.ingest.inputs.expand`.
    """
    from toolkit.applicants import get_applicant
    from toolkit.classify.pool import map_ordered

    progress = progress or noop
    applicant = get_applicant(ws, applicant_id)
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise InputError(f"--outcome {outcome!r}: use one of {', '.join(o.value for o in Outcome)}")
    report = IngestReport(kind="screenshots", details={"unit": "attempt"})
    entries: dict[str, LogEntry] = {}
    if log is not None:
        entries, log_problems = read_log(log)
        report.problems.extend(log_problems)

    reader = _ocr_reader(ocr, report)
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
        from toolkit.vault import sha256_bytes

        data = f.read()
        decoded = decode_image(data)
        try:
            entry = entries.get(file_key(f.name))
            prepared = _Prepared(data, sha256_bytes(data), decoded.kind, entry, None)
            prepared.known = prepared.digest in known
            with _WARNINGS_LOCK:  # metadata readers silence Pillow's warnings
                prepared.chosen = choose_time(applicant.tz, entry, decoded.image, f.name, f.mtime)
            # the clock on the image only matters when nothing more trusted dates it
            wanted = prepared.chosen is None or prepared.chosen.source.rank > TimeSource.OCR.rank
            if reader is not None and not prepared.known:
                try:
                    prepared.ocr = reader(decoded.image, clock=wanted)
                except GuichetsError as e:  # tesseract failed on this image only
                    prepared.ocr_problem = str(e)
            if wanted and prepared.ocr is not None and prepared.ocr.clock is not None:
                prepared.chosen = choose_time(  # no image: its metadata gave nothing
                    applicant.tz, entry, None, f.name, f.mtime, ocr_time=prepared.ocr.clock
                )
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
            if isinstance(result, Exception):
                raise result
            if result.entry is not None:
                matched_log.add(file_key(f.name))
            if result.known:
                report.duplicates.append(f.display)
                continue
            if result.ocr_problem:
                report.warnings.append(f"{f.display}: {result.ocr_problem}; recorded without OCR")
            chosen = result.chosen
            if chosen is None:
                report.problems.append(
                    Problem(f.display, "no time found; add it to the --log file")
                )
                continue
            entry = result.entry
            attempt = Attempt(
                applicant_id=applicant.id,
                channel=Channel.ONLINE.value,
                observed_at=chosen.value,
                time_source=chosen.source.value,
                file_sha256=result.digest,
                original_name=f.name,
                url=entry.url if entry else None,
                note=entry.note if entry else None,
            )
            if entry and entry.outcome:
                attempt.outcome, attempt.extraction = entry.outcome, "log"
            elif outcome:
                attempt.outcome, attempt.extraction = outcome, "option"
            if result.ocr is not None:
                _apply_ocr(attempt, result.ocr)
            aid = attempt_id(attempt)
            if aid in seen_in_batch or known_attempt_ids(ws, [aid]):
                report.duplicates.append(f.display)
                continue
            seen_in_batch.add(aid)
            ws.store_file(result.data, f.name, f"image/{result.kind}")
            if result.ocr is not None:
                store_text(ws, result.digest, 0, "ocr", result.ocr.text)
            insert_attempt(ws, attempt, applicant, source_id, time_detail=chosen.detail)
            report.recorded.append(f.display)
            report.rows += 1
            if chosen.source is TimeSource.MTIME:
                report.warnings.append(
                    f"{f.display}: time taken from the file date (weak); add it to a --log file"
                )
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
            },
        )
    return report


def _recorded_files(ws: Workspace, applicant_id: str) -> frozenset[str]:
    """Originals already recorded as one of the applicant's attempts (re-ingest: no OCR)."""
    rows = ws.sql(
        "SELECT DISTINCT file_sha256 FROM attempts "
        "WHERE applicant_id = ? AND part = 0 AND file_sha256 IS NOT NULL",
        [applicant_id],
    ).fetchall()
    return frozenset(r[0] for r in rows)


def _ocr_reader(ocr: bool | None, report: IngestReport) -> Callable[..., OcrResult] | None:
    """The OCR function to use, or None. ``ocr=None``: use it when available."""
    if ocr is False:
        return None
    from toolkit.classify.ocr import ocr_available, read_screenshot

    available, reason = ocr_available()
    if not available:
        if ocr is True:
            raise MissingDependency(f"--ocr: OCR unavailable: {reason}")
        report.notices.append(f"OCR skipped: {reason}")
        return None
    return read_screenshot


def _apply_ocr(attempt: Attempt, result: OcrResult) -> None:
    """Fill what OCR read; the outcome only when nothing more trusted (log, --outcome) set it."""
    cls = result.classification
    if attempt.outcome == Outcome.UNKNOWN.value and cls.outcome != Outcome.UNKNOWN.value:
        attempt.outcome, attempt.extraction = cls.outcome, "ocr"
        attempt.rule, attempt.confidence = cls.rule, cls.confidence
        attempt.first_slot = cls.first_slot
        attempt.last_publication, attempt.next_publication = (
            cls.last_publication,
            cls.next_publication,
        )
    if attempt.system == System.UNKNOWN.value:
        attempt.system = cls.system
    if attempt.url is None and cls.url:
        attempt.url = cls.url
