"""Uploads of a dossier's evidence and documents: streamed to a staging folder, then
recorded by a job (one library call) whose page shows the progress and the outcome."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from toolkit.errors import InputError
from toolkit.web.common import Progress, Web, render, see_other, task_writing, wants_json, web_of
from toolkit.web.jobs import Outcome
from toolkit.web.uploads import Upload, UploadRefused, receive

if TYPE_CHECKING:
    from toolkit.ingest.records import IngestReport
    from toolkit.workspace import Workspace

UNITS_FR = {
    "attempt": "tentative(s) ou contact(s)",
    "document": "document(s)",
    "probe": "relevé(s)",
}
KINDS_FR = {"screenshots": "Captures d'écran", "captures": "Pages, HAR, PDF et courriels",
            "documents": "Documents", "crawl": "Relevés de robots"}  # fmt: skip


def file_times(upload: Upload) -> dict[Path, datetime | None]:
    """The files' dates as the browser read them on the user's disk (``lastModified``, in
    milliseconds, one per file in order); None where none came, so that the upload's own
    time is never taken for the file's."""
    try:
        stamps = json.loads(upload.field("last_modified", "[]"))
    except ValueError:
        stamps = []
    out: dict[Path, datetime | None] = {}
    for i, f in enumerate(upload.files):
        ms = stamps[i] if isinstance(stamps, list) and i < len(stamps) else None
        if isinstance(ms, int | float) and not isinstance(ms, bool) and ms > 0:
            out[f.path] = datetime.fromtimestamp(ms / 1000, tz=UTC)
        else:
            out[f.path] = None
    return out


def user_names(upload: Upload) -> Callable[[str], str]:
    """Turn staging paths in the library's messages back into the user's file names."""
    prefix = re.compile(re.escape(str(upload.folder)) + r"/(\d{5})/")
    files = upload.files

    def rename(text: str) -> str:
        def one(m: re.Match[str]) -> str:
            i = int(m.group(1))
            name = files[i].name if i < len(files) else ""
            return name.rsplit("/", 1)[0] + "/" if "/" in name else ""

        return prefix.sub(one, text)

    return rename


def report_outcome(
    reports: list[IngestReport], rename: Callable[[str], str], extra: list[str]
) -> Outcome:
    """A French sentence per reader, problems and notes with the user's names."""
    parts, problems, notes = [], [rename(p) for p in extra], []
    for r in reports:
        unit = UNITS_FR.get(str(r.details.get("unit", "")), "élément(s)")
        line = f"{KINDS_FR.get(r.kind, r.kind)} : {r.rows} {unit} enregistré(s)"
        if r.duplicates:
            line += f", {len(r.duplicates)} déjà présent(s)"
        if r.problems:
            line += f", {len(r.problems)} refusé(s)"
        parts.append(line)
        problems += [rename(str(p)) for p in r.problems]
        notes += [rename(n) for n in [*r.warnings, *r.notices]]
        notes += [f"{rename(d)}: already in the workspace" for d in r.duplicates]
    if extra:
        parts.append(f"{len(extra)} fichier(s) refusé(s) avant lecture")
    return Outcome(message=" ; ".join(parts) + ".", problems=problems, notes=notes, ok=not problems)


def upload_key(kind: str, applicant: str, upload: Upload) -> str:
    """The same files sent twice to one dossier (a double click) make one job."""
    h = hashlib.sha256()
    for f in upload.files:
        h.update(f"{f.name}\x1f{f.size}\x1e".encode())
    return f"{kind}:{applicant}:{h.hexdigest()[:16]}"


async def receive_or_refuse(request: Request, web: Web) -> Upload | Response:
    from toolkit.web.common import refused_csrf

    if not web.secrets.origin_ok(request.headers.get("origin")):
        return refused_csrf(request)
    folder = web.out / "uploads" / uuid.uuid4().hex[:16]
    try:
        upload = await receive(
            request,
            folder,
            csrf=web.secrets.csrf,
            max_bytes=web.max_upload_bytes,
            max_file_bytes=web.max_file_bytes,
        )
    except UploadRefused as e:
        return refusal(request, e.status, e.message)
    if not upload.files:
        upload.discard()
        return refusal(request, 400, "Aucun fichier choisi : choisissez ou déposez des fichiers.")
    return upload


def refusal(request: Request, status: int, message: str) -> Response:
    if wants_json(request):
        return JSONResponse({"error": message}, status)
    return render(request, "error.html", status, title="Envoi refusé", text=message, detail="",
                  retry=False)  # fmt: skip


def started(request: Request, job_id: str) -> Response:
    url = f"/taches/{job_id}"
    if wants_json(request):
        return JSONResponse({"job": job_id, "url": url})
    return see_other(url)


# what an upload's task records from the staged files, in the task's workspace:
# (the readers' reports, problems outside any report)
Record = Callable[["Workspace", Upload, dict[Path, datetime | None], Progress],
                  tuple[list["IngestReport"], list[str]]]  # fmt: skip


async def _upload_task(request: Request, kind: str, noun: str, record: Record) -> Response:
    """Receive the files, then record them in a task: errors name the user's files, the
    staged copies are discarded whatever happens, the outcome is one sentence per reader."""
    web = web_of(request)
    applicant = request.path_params["applicant"]
    got = await receive_or_refuse(request, web)
    if not isinstance(got, Upload):
        return got
    upload = got
    times = file_times(upload)
    rename = user_names(upload)

    def work(progress: Progress) -> Outcome:
        try:
            with task_writing(web, progress) as ws:
                progress(0, len(upload.files), "")
                reports, extra = record(ws, upload, times, progress)
        except InputError as e:  # it may name staged files: give the user's names
            raise InputError(rename(str(e))) from None
        finally:
            upload.discard()
        return report_outcome(reports, rename, extra)

    job, _ = web.jobs.start(
        kind,
        upload_key(kind, applicant, upload),
        f"Ajout de {len(upload.files)} {noun} au dossier {applicant}",
        work,
        applicant=applicant,
    )
    return started(request, job.id)


async def upload_evidence(request: Request) -> Response:
    applicant = request.path_params["applicant"]

    def record(
        ws: Workspace, upload: Upload, times: dict[Path, datetime | None], progress: Progress
    ) -> tuple[list[IngestReport], list[str]]:
        from toolkit.ingest.route import ingest_files

        ocr = None if upload.field("ocr") == "1" else False  # an unticked box sends nothing
        result = ingest_files(
            ws, [f.path for f in upload.files], applicant, ocr=ocr, progress=progress,
            file_times=times,
        )  # fmt: skip
        return result.reports, [str(p) for p in result.problems]

    return await _upload_task(request, "ingest", "fichier(s)", record)


async def upload_documents(request: Request) -> Response:
    applicant = request.path_params["applicant"]

    def record(
        ws: Workspace, upload: Upload, times: dict[Path, datetime | None], progress: Progress
    ) -> tuple[list[IngestReport], list[str]]:
        from toolkit.ingest.documents import ingest_documents

        kind, title, dated = upload.field("kind"), upload.field("title"), upload.field("dated")
        report = ingest_documents(
            ws, [f.path for f in upload.files], applicant, kind=kind,
            title=title or None, dated=dated or None, progress=progress, file_times=times,
        )  # fmt: skip
        return [report], []

    return await _upload_task(request, "documents", "document(s)", record)


def routes() -> list[Route]:
    return [
        Route("/dossiers/{applicant}/preuves", upload_evidence, methods=["POST"]),
        Route("/dossiers/{applicant}/documents", upload_documents, methods=["POST"]),
    ]
