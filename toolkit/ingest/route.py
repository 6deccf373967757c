"""Evidence files of any kind, each sent to the reader its content calls for.

What a volunteer drops in one go: screenshots, saved pages, HAR exports, printed PDFs,
e-mails and perhaps the screenshot log. Images (by their first bytes, whatever their
name) go to :func:`~toolkit.ingest.screenshots.ingest_screenshots`; a ``.csv`` or
``.xlsx`` file is the screenshot log; everything else goes to
:func:`~toolkit.ingest.captures.ingest_captures`, whose readers confirm the format by
content and refuse, with a pointer, what is none of theirs. A zip archive follows its
entries: all images, or none. Supporting documents (permit, attestations) are not
evidence of attempts and keep their own call, :func:`~toolkit.ingest.documents.ingest_documents`,
because only a person can say what kind of document a PDF is.

Both readers run inside one transaction: with ``strict``, a problem anywhere records
nothing at all.
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, Problem, ProblemsFound
from toolkit.ingest.inputs import is_junk
from toolkit.ingest.records import IngestReport
from toolkit.progress import ProgressCallback, noop
from toolkit.workspace import Workspace

LOG_SUFFIXES = (".csv", ".xlsx")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".heic", ".heif")
HEAD = 32


@dataclass
class RoutedIngest:
    """What :func:`ingest_files` did: where each file went, and each reader's report."""

    routes: dict[str, str] = field(default_factory=dict)  # file -> screenshots|captures|log
    log: str | None = None
    problems: list[Problem] = field(default_factory=list)  # files no reader could take
    reports: list[IngestReport] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(r.rows for r in self.reports)

    @property
    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for r in self.reports for p in r.problems)]

    @property
    def ok(self) -> bool:
        return not self.all_problems

    def summary(self) -> str:
        parts = [r.summary() for r in self.reports]
        if self.problems:
            parts.append(f"{len(self.problems)} file(s) refused before reading")
        return "; ".join(parts) or "nothing recorded"

    def to_dict(self) -> dict[str, Any]:
        return {
            "routes": self.routes,
            "log": self.log,
            "rows": self.rows,
            "problems": [str(p) for p in self.problems],
            "reports": [r.to_dict() for r in self.reports],
        }


def _is_image(path: Path) -> bool:
    from toolkit.ingest.images import sniff

    try:
        with open(path, "rb") as f:
            return sniff(f.read(HEAD)) is not None
    except OSError:
        return False  # the reader it goes to names the problem


def _zip_route(path: Path, problems: list[Problem]) -> str | None:
    try:
        with zipfile.ZipFile(path) as z:
            names = [i.filename for i in z.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError):
        return "captures"  # its reader says the archive cannot be read
    names = [n for n in names if not is_junk(n)]
    images = [n for n in names if n.lower().endswith(IMAGE_SUFFIXES)]
    if images and len(images) < len(names):
        problems.append(
            Problem(
                str(path),
                "archive mixes screenshots with other files; unzip it and give its files",
            )
        )
        return None
    return "screenshots" if images else "captures"


def route_files(
    paths: list[str | os.PathLike[str]],
) -> tuple[dict[str, list[Path]], list[Path], list[Problem]]:
    """Sort ``paths`` (files, folders, zip archives) into ``screenshots`` and ``captures``;
    return them, the screenshot logs found, and the problems (missing paths, mixed zips)."""
    routed: dict[str, list[Path]] = {"screenshots": [], "captures": []}
    logs: list[Path] = []
    problems: list[Problem] = []
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files += sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not is_junk(str(p.relative_to(path)).replace(os.sep, "/"))
            )
        elif path.exists():
            files.append(path)
        else:
            problems.append(Problem(str(path), "no such file or folder; check the path"))
    for f in files:
        suffix = f.suffix.lower()
        if suffix in LOG_SUFFIXES:
            logs.append(f)
        elif suffix == ".zip":
            kind = _zip_route(f, problems)
            if kind:
                routed[kind].append(f)
        elif _is_image(f):
            routed["screenshots"].append(f)
        else:
            routed["captures"].append(f)
    return routed, logs, problems


def ingest_files(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    applicant_id: str,
    *,
    outcome: str | None = None,
    ocr: bool | None = None,
    strict: bool = False,
    progress: ProgressCallback | None = None,
    file_times: Mapping[Path, datetime | None] | None = None,
) -> RoutedIngest:
    """Record screenshots, captures and a screenshot log given together (see the module doc).

    ``outcome``, ``ocr`` and ``strict`` mean what they mean for the two readers;
    ``file_times``: see :func:`toolkit.ingest.inputs.expand`.
    """
    from toolkit.applicants import get_applicant
    from toolkit.ingest.captures import ingest_captures
    from toolkit.ingest.screenshots import ingest_screenshots

    progress = progress or noop
    get_applicant(ws, applicant_id)  # an unknown applicant fails before any work
    routed, logs, problems = route_files(paths)
    result = RoutedIngest(problems=problems)
    if len(logs) > 1:
        names = ", ".join(str(p) for p in logs)
        raise InputError(f"several screenshot logs ({names}); give one log per batch")
    log = logs[0] if logs else None
    if log is not None:
        result.log = str(log)
        if not routed["screenshots"]:
            raise InputError(f"{log}: a screenshot log, but no screenshot was given with it")
    for kind, found in routed.items():
        result.routes.update({str(p): kind for p in found})
    if not routed["screenshots"] and not routed["captures"] and not problems:
        raise InputError("no files found in " + ", ".join(str(p) for p in paths))
    if strict and problems:
        raise ProblemsFound(problems, f"{len(problems)} problem(s) with --strict; nothing recorded")
    total = len(routed["screenshots"]) + len(routed["captures"])
    base = 0

    def step(done: int, _total: int, label: str) -> None:
        progress(min(base + done, total), total, label)

    with ws.transaction():
        if routed["screenshots"]:
            result.reports.append(
                ingest_screenshots(
                    ws,
                    list(routed["screenshots"]),
                    applicant_id,
                    log=log,
                    outcome=outcome,
                    strict=strict,
                    ocr=ocr,
                    progress=step,
                    file_times=file_times,
                )
            )
            base = len(routed["screenshots"])
        if routed["captures"]:
            result.reports.append(
                ingest_captures(
                    ws,
                    list(routed["captures"]),
                    applicant_id,
                    strict=strict,
                    ocr=ocr,
                    progress=step,
                    file_times=file_times,
                )
            )
    progress(total, total, "")
    return result
