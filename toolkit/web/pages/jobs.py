"""A job's page (reload it at will) and its state for the page's script."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from toolkit.errors import NotFound
from toolkit.web.common import guarded, render, web_of
from toolkit.web.jobs import Job


def _job(request: Request) -> Job:
    job = web_of(request).jobs.get(request.path_params["job"])
    if job is None:
        raise NotFound("no such job (the workspace's out/web/jobs/ folder may have been emptied)")
    return job


def page(request: Request) -> Response:
    job = _job(request)
    return render(request, "job.html", title=job.title, job=job)


def state(request: Request) -> Response:
    return JSONResponse(_job(request).to_dict(), headers={"cache-control": "no-store"})


def routes() -> list[Route]:
    return [
        Route("/taches/{job}.json", guarded(state)),
        Route("/taches/{job}", guarded(page)),
    ]
