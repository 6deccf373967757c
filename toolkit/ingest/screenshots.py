"""Screenshots of booking pages become dated ``online`` attempts.

Time, most trusted first: the screenshot log, EXIF, PNG/XMP metadata, the clock read by
OCR (when enabled), the file name, and last the file's mtime (flagged weak). A naive
time is read in the préfecture's own zone.
"""

from __future__ import annotations

import io
import os
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError, Problem, ProblemsFound
from toolkit.ingest.inputs import EntryError, InputFile, expand
from toolkit.ingest.records import (
    IngestReport,
    attempt_id,
    insert_attempt,
    known_attempt_ids,
)
from toolkit.ingest.screenshot_log import LogEntry, file_key, read_log
from toolkit.model import Attempt, Channel, Outcome, TimeSource
from toolkit.progress import ProgressCallback, noop
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from PIL import Image

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
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"hevc"):
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
        register_heif_opener()
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InputError(
            f"image has more than {MAX_PIXELS // 1_000_000} million pixels "
            "(decompression bomb?); refused"
        ) from None
    except UnidentifiedImageError:
        raise InputError(f"corrupt {kind.upper()} image; take or export the screenshot again") from None
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
    if ocr_time is not None:
        return ChosenTime(localize(ocr_time, tz), TimeSource.OCR, "ocr:clock")
    found = time_from_filename(name)
    if found is not None:
        return ChosenTime(localize(found.value, tz), found.source, found.detail)
    if mtime is not None:
        return ChosenTime(localize(mtime, tz), TimeSource.MTIME, "mtime")
    return None


def ingest_screenshots(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    applicant_id: str,
    *,
    log: str | os.PathLike[str] | None = None,
    outcome: str | None = None,
    strict: bool = False,
    ocr: bool | None = False,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Record each screenshot as one online attempt of ``applicant_id``.

    Without ``strict``, valid files are recorded and problems are reported; with
    ``strict``, nothing is recorded unless every file is valid (ProblemsFound).
    ``ocr``: True runs OCR (error if unavailable), None runs it when available.
    """
    from toolkit.applicants import get_applicant

    progress = progress or noop
    applicant = get_applicant(ws, applicant_id)
    if outcome is not None and outcome not in {o.value for o in Outcome}:
        raise InputError(
            f"--outcome {outcome!r}: use one of {', '.join(o.value for o in Outcome)}"
        )
    report = IngestReport(kind="screenshots", details={"unit": "attempt"})
    entries: dict[str, LogEntry] = {}
    if log is not None:
        entries, log_problems = read_log(log)
        report.problems.extend(log_problems)

    reader = _ocr_reader(ocr, report)
    inputs: list[InputFile] = list(expand(list(paths), report.problems, exclude=[ws.root]))
    if log is not None:  # the log may sit among the screenshots
        log_path = Path(log).resolve()
        inputs = [f for f in inputs if Path(f.display).resolve() != log_path]
    if not inputs and not report.problems:
        raise InputError("no files found in " + ", ".join(str(p) for p in paths))
    matched_log: set[str] = set()
    seen_in_batch: set[str] = set()

    with ws.transaction():
        source_id = ws.new_source(
            "screenshots",
            ", ".join(str(p) for p in paths),
            {"log": str(log) if log else None, "outcome": outcome, "ocr": bool(reader)},
        )
        report.source_id = source_id
        for i, f in enumerate(inputs, start=1):
            progress(i - 1, len(inputs), f.name)
            try:
                data = f.read()
                decoded = decode_image(data)
            except (InputError, EntryError) as e:
                report.problems.append(Problem(f.display, str(e)))
                continue
            entry = entries.get(file_key(f.name))
            if entry is not None:
                matched_log.add(file_key(f.name))
            ocr_result = reader(decoded.image) if reader else None
            chosen = choose_time(
                applicant.tz,
                entry,
                decoded.image,
                f.name,
                f.mtime,
                ocr_time=ocr_result.clock if ocr_result else None,
            )
            if chosen is None:
                report.problems.append(Problem(f.display, "no time found; add it to the --log file"))
                continue
            from toolkit.vault import sha256_bytes

            digest = sha256_bytes(data)
            attempt = Attempt(
                applicant_id=applicant.id,
                channel=Channel.ONLINE.value,
                observed_at=chosen.value,
                time_source=chosen.source.value,
                file_sha256=digest,
                original_name=f.name,
                url=entry.url if entry else None,
                note=entry.note if entry else None,
            )
            if entry and entry.outcome:
                attempt.outcome, attempt.extraction = entry.outcome, "log"
            elif outcome:
                attempt.outcome, attempt.extraction = outcome, "option"
            if ocr_result is not None:
                _apply_ocr(attempt, ocr_result)
            aid = attempt_id(attempt)
            if aid in seen_in_batch or known_attempt_ids(ws, [aid]):
                report.duplicates.append(f.display)
                continue
            seen_in_batch.add(aid)
            ws.store_file(data, f.name, f"image/{decoded.kind}")
            if ocr_result is not None:
                from toolkit.ingest.records import store_text

                store_text(ws, digest, 0, "ocr", ocr_result.text)
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
        if strict and report.problems:
            raise ProblemsFound(
                report.problems,
                f"{len(report.problems)} problem(s) with --strict; nothing was recorded",
            )
        ws.set_source_rows(source_id, report.rows)
        ws.log_custody(
            "ingest.screenshots",
            {
                "applicant": applicant.id,
                "source": source_id,
                "recorded": report.rows,
                "duplicates": len(report.duplicates),
                "rejected": len(report.problems),
            },
        )
    return report


def _ocr_reader(ocr: bool | None, report: IngestReport):  # type: ignore[no-untyped-def]
    """The OCR function to use, or None. ``ocr=None``: use it when available."""
    if ocr is False:
        return None
    try:
        from toolkit.classify.ocr import ocr_available, read_screenshot
    except ImportError:
        available, reason = False, "OCR module not installed"
    else:
        available, reason = ocr_available()
    if not available:
        if ocr is True:
            raise InputError(f"OCR unavailable: {reason}")
        report.notices.append(f"OCR skipped: {reason}")
        return None
    return read_screenshot


def _apply_ocr(attempt: Attempt, result: object) -> None:
    """Fill what OCR read (outcome only when nothing more trusted set it)."""
    cls = getattr(result, "classification", None)
    if cls is None:
        return
    if attempt.outcome == Outcome.UNKNOWN.value and cls.outcome != Outcome.UNKNOWN.value:
        attempt.outcome, attempt.extraction = cls.outcome, "ocr"
        attempt.rule, attempt.confidence = cls.rule, cls.confidence
    if attempt.system == "unknown":
        attempt.system = cls.system
    if attempt.url is None and cls.url:
        attempt.url = cls.url


