"""A robot's export recorded (:func:`ingest_job`), or first read before it is recorded: the upload is kept staged, a task runs
:func:`toolkit.ingest.crawl.explain_crawl` on each file (nothing is written to the
workspace), the page shows how each file reads, and a click records the same staged files
with :func:`toolkit.ingest.crawl.ingest_crawl` (the CLI's `ingest crawl --explain`, then
`ingest crawl`)."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.errors import InputError, NotFound
from toolkit.web.common import (
    Progress,
    Web,
    form_action,
    guarded,
    render,
    see_other,
    task_writing,
    web_of,
)
from toolkit.web.jobs import Link, Outcome
from toolkit.web.pages.evidence import report_outcome, started, upload_key, user_names
from toolkit.web.uploads import Upload, UploadedFile

PREVIEW_FILE = "apercu.json"
_ID = re.compile(r"[0-9a-f]{16}")

GIVEN = (("préfecture", "prefecture"), ("démarche", "procedure"), ("robot", "source"))
PLANS_FR = {"typed": "lecture directe (colonnes typées)",
            "general": "lecture ligne à ligne (valeurs à convertir)"}  # fmt: skip


def _save(upload: Upload, explanations: list[dict[str, Any]]) -> None:
    state = {
        "fields": upload.fields,
        "files": [
            {"name": f.name, "path": f.path.relative_to(upload.folder).as_posix(),
             "field": f.field, "size": f.size}
            for f in upload.files
        ],
        "explanations": explanations,
    }  # fmt: skip
    (upload.folder / PREVIEW_FILE).write_text(
        json.dumps(state, ensure_ascii=False, default=str), encoding="utf-8"
    )


def staged(web: Web, preview_id: str) -> tuple[Upload, list[dict[str, Any]]]:
    """The upload a preview kept, and its explanations (NotFound once recorded or gone)."""
    folder = web.out / "uploads" / preview_id
    path = folder / PREVIEW_FILE
    if not _ID.fullmatch(preview_id) or not path.is_file():
        raise NotFound(f"preview {preview_id}: no such preview (recorded, abandoned or expired)")
    state = json.loads(path.read_text(encoding="utf-8"))
    files = [UploadedFile(f["name"], folder / f["path"], f["field"], f["size"])
             for f in state["files"]]  # fmt: skip
    return Upload(folder, state["fields"], files), state["explanations"]


def preview_job(request: Request, web: Web, upload: Upload) -> Response:
    """Start the task that explains each staged crawl file; the upload stays staged."""
    crawls = upload.in_field("files")
    mappings = upload.in_field("mapping")
    rename = user_names(upload)
    prefecture, procedure = (upload.field(k) or None for k in ("prefecture", "procedure"))
    preview_id = upload.folder.name

    def work(progress: Progress) -> Outcome:
        from toolkit.ingest.crawl import explain_crawl

        found = []
        try:
            for i, f in enumerate(crawls):
                progress(i, len(crawls), f.name)
                e = explain_crawl(f.path, mapping=mappings[0].path if mappings else None,
                                  prefecture=prefecture, procedure=procedure)  # fmt: skip
                found.append({**e.to_dict(), "file": f.name,
                              "refusal": rename(e.refusal) if e.refusal else None})  # fmt: skip
        except InputError as e:
            upload.discard()
            raise InputError(rename(str(e))) from None
        _save(upload, found)
        refused = sum(1 for e in found if e["refusal"])
        rows = sum(e["rows"] or 0 for e in found)
        return Outcome(
            f"Aperçu prêt : {len(found)} fichier(s), {rows} ligne(s) lue(s)"
            + (f", {refused} fichier(s) qui seraient refusés" if refused else "")
            + ". Rien n'a encore été enregistré.",
            links=[Link("Voir l'aperçu, puis enregistrer", f"/associations/apercu/{preview_id}")],
        )

    job, _ = web.jobs.start(
        "crawl-preview", upload_key("crawl-preview", "", upload),
        f"Aperçu de relevés de robots ({len(crawls)} fichier(s))", work, applicant="",
    )  # fmt: skip
    return started(request, job.id)


def page(request: Request) -> Response:
    web = web_of(request)
    preview_id = request.path_params["preview"]
    upload, explanations = staged(web, preview_id)
    return render(
        request,
        "crawl_preview.html",
        title="Aperçu des relevés avant enregistrement",
        preview_id=preview_id,
        explanations=explanations,
        plans=PLANS_FR,
        given=[(label, upload.field(name)) for label, name in GIVEN if upload.field(name)],
        refused=any(e["refusal"] for e in explanations),
    )


def confirm(request: Request, form: Any) -> Response:
    web = web_of(request)
    upload, _ = staged(web, request.path_params["preview"])
    if form.get("action") == "abandon":
        upload.discard()
        return see_other("/associations?apercu=abandonne")
    return ingest_job(request, web, upload)  # a second click gives the same task


def ingest_job(request: Request, web: Web, upload: Upload) -> Response:
    """Start recording the staged crawl files (a task; the staging goes once it ends)."""
    crawls = upload.in_field("files")
    mappings = upload.in_field("mapping")
    rename = user_names(upload)
    prefecture, procedure, source = (
        upload.field(k) or None for k in ("prefecture", "procedure", "source")
    )

    def work(progress: Progress) -> Outcome:
        from toolkit.ingest.crawl import ingest_crawl

        try:
            with task_writing(web, progress) as ws:
                progress(0, len(crawls), "")
                report = ingest_crawl(
                    ws, [f.path for f in crawls], mapping=mappings[0].path if mappings else None,
                    prefecture=prefecture, procedure=procedure, source=source, progress=progress,
                )  # fmt: skip
        except InputError as e:
            raise InputError(rename(str(e))) from None
        finally:
            upload.discard()
        outcome = report_outcome([report], rename, [])
        outcome.links.append(Link("Voir le tableau des préfectures", "/associations"))
        return outcome

    job, _ = web.jobs.start(
        "crawl", upload_key("crawl", "", upload), f"Relevés de robots ({len(crawls)} fichier(s))",
        work, applicant="",
    )  # fmt: skip
    return started(request, job.id)


def routes() -> list[Route]:
    return [
        Route("/associations/apercu/{preview}", guarded(page)),
        Route("/associations/apercu/{preview}", form_action(confirm), methods=["POST"]),
    ]
