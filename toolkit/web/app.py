"""The ASGI app: routes of every page, the guard in front, French errors behind."""

from __future__ import annotations

import secrets as random
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from toolkit.web.common import (
    Web,
    action_fr,
    describe,
    error_page,
    explain,
    fr_date,
    fr_local,
    fr_number,
    fr_percent,
    fr_size,
)
from toolkit.web.hints import for_the_web
from toolkit.web.jobs import JobRunner
from toolkit.web.security import Guard, Secrets
from toolkit.web.store import Store

if TYPE_CHECKING:
    import jinja2

HERE = Path(__file__).resolve().parent
MAX_UPLOAD_MB = 1000
MAX_FILE_MB = 200  # one original; as for files given to the CLI


def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters.update(
        fr_date=fr_date, fr_local=fr_local, fr_number=fr_number, fr_percent=fr_percent,
        fr_size=fr_size, web_hint=for_the_web, action_fr=action_fr,
    )  # fmt: skip
    return env


def create_app(
    workspace: Path,
    *,
    token: str | None = None,
    port: int = 8765,
    max_upload_mb: float = MAX_UPLOAD_MB,
    allowed_hosts: tuple[str, ...] | None = None,
    debug: bool = False,
) -> Starlette:
    """The app for ``workspace`` (which must exist). ``token``: the secret every request
    must carry (random when None: read it back from ``app.state.web.secrets.token``)."""
    from toolkit.web.pages import (
        associations,
        crawl_preview,
        dossier,
        evidence,
        facts,
        home,
        jobs,
        outputs,
        removals,
        review,
        timeline,
    )

    hosts = allowed_hosts or (f"127.0.0.1:{port}", f"localhost:{port}")
    secrets = Secrets(
        token=token or random.token_urlsafe(24),
        csrf=random.token_urlsafe(24),
        port=port,
        allowed_hosts=frozenset(hosts),
    )
    store = Store(Path(workspace))
    max_upload = int(max_upload_mb * 1_000_000)
    web = Web(
        store=store,
        jobs=JobRunner(
            store.root / "out" / "web" / "jobs",
            random.token_hex(8),
            describe,
            advise=lambda e: explain(e)[2],
        ),
        secrets=secrets,
        env=_environment(),
        max_upload_bytes=max_upload,
        max_file_bytes=min(max_upload, MAX_FILE_MB * 1_000_000),
        debug=debug,
    )
    outputs.clear_partial(web.out)
    routes = [
        *home.routes(),
        *dossier.routes(),
        *evidence.routes(),
        *outputs.routes(),
        *jobs.routes(),
        *associations.routes(),
        *crawl_preview.routes(),
        *review.routes(),
        *facts.routes(),
        *timeline.routes(),
        *removals.routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]

    async def not_found(request: Request, exc: Exception) -> Response:
        from toolkit.errors import NotFound

        return error_page(request, NotFound(f"{request.url.path}: no such page"))

    async def failed(request: Request, exc: Exception) -> Response:
        return error_page(request, exc)

    app = Starlette(
        routes=routes,
        middleware=[Middleware(Guard, secrets=secrets)],
        exception_handlers={404: not_found, 500: failed},
    )
    app.state.web = web
    return app
