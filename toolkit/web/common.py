"""What every page shares: the server's state, French rendering, errors, form checks."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from toolkit.errors import (
    GuichetsError,
    IntegrityError,
    LetterRefused,
    MissingDependency,
    NotFound,
    ProblemsFound,
    WorkspaceBusy,
    WorkspaceMissing,
)
from toolkit.web.security import CsrfRefused, Secrets, check_form

if TYPE_CHECKING:
    import jinja2

    from toolkit.web.jobs import JobRunner
    from toolkit.web.store import Store

PARIS = ZoneInfo("Europe/Paris")
URLENCODED = "application/x-www-form-urlencoded"


@dataclass
class Web:
    """The server's state, kept on ``app.state.web``."""

    store: Store
    jobs: JobRunner
    secrets: Secrets
    env: jinja2.Environment
    max_upload_bytes: int
    max_file_bytes: int
    debug: bool = False  # tracebacks of unexpected failures on the server's stderr

    @property
    def root(self) -> Path:
        return self.store.root

    @property
    def out(self) -> Path:
        """Everything the app writes lives here (the CLI writes where it is told)."""
        return self.store.root / "out" / "web"

    def dossier_dir(self, applicant: str) -> Path:
        return self.out / "dossiers" / applicant

    def download_url(self, path: Path) -> str:
        from urllib.parse import quote

        return "/telechargements/" + quote(path.relative_to(self.out).as_posix())


def web_of(request: Request) -> Web:
    web: Web = request.app.state.web
    return web


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    web = web_of(request)
    context.setdefault("title", "guichets")
    html = web.env.get_template(template).render(
        csrf=web.secrets.csrf,
        workspace=str(web.root),
        path=request.url.path,
        max_upload_bytes=web.max_upload_bytes,
        max_file_bytes=web.max_file_bytes,
        **context,
    )
    return HTMLResponse(html, status_code=status, headers={"cache-control": "no-store"})


Progress = Callable[[int, int, str], None]


def task_writing(web: Web, progress: Progress) -> Any:
    """The workspace for a task's write: it waits while another process holds it (the
    task's page says so), where a page would answer « occupé » at once."""
    return web.store.writing(wait=None, busy_for=30, on_wait=lambda label: progress(0, 0, label))


# errors -------------------------------------------------------------------------
def explain(e: BaseException) -> tuple[int, str, str]:
    """(HTTP status, French title, French explanation) for a failure; the library's own
    message, in English, is shown beside it as a detail."""
    if isinstance(e, WorkspaceBusy):
        return (503, "Espace de travail occupé, réessayez",
                "Un autre programme guichets (une commande lancée dans un terminal, ou une "
                "tâche en cours ici) utilise l'espace de travail. Attendez qu'il se termine, "
                "puis réessayez : rien n'a été perdu.")  # fmt: skip
    if isinstance(e, WorkspaceMissing):
        return (500, "Espace de travail introuvable",
                "Le dossier de l'espace de travail n'existe plus ou a été déplacé. Relancez "
                "guichets serve en indiquant le bon dossier.")  # fmt: skip
    if isinstance(e, NotFound):
        return 404, "Introuvable", "Ce dossier, cette préfecture ou cette démarche n'existe pas."
    if isinstance(e, ProblemsFound):
        return 400, "Rien n'a été enregistré", "Des fichiers ont été refusés ; voyez le détail."
    if isinstance(e, MissingDependency):
        return (500, "Logiciel manquant",
                "Un logiciel nécessaire à cette action n'est pas installé sur cet ordinateur.")  # fmt: skip
    if isinstance(e, IntegrityError):
        return (500, "Contrôle d'intégrité en échec",
                "Un fichier ne correspond plus à son empreinte : ne le déposez pas.")  # fmt: skip
    if isinstance(e, LetterRefused):
        return (400, "Courrier refusé",
                "Le dossier ne permet pas encore ce courrier (voir le détail). Complétez ce que "
                "« Où en est le dossier » marque « Manquant », ou cochez « brouillon » pour "
                "l'écrire avec chaque manque marqué « À vérifier ».")  # fmt: skip
    if isinstance(e, GuichetsError):
        return 400, "Demande refusée", "La valeur ou le fichier donné ne peut pas être utilisé."
    return (500, "Erreur inattendue",
            "Une erreur imprévue s'est produite ; rien n'a été enregistré pour cette action. "
            "Notez ce que vous faisiez et signalez-le.")  # fmt: skip


def detail_of(e: BaseException) -> str:
    if isinstance(e, ProblemsFound):
        return "; ".join([str(e), *(str(p) for p in e.problems)])
    if isinstance(e, GuichetsError):
        return str(e)
    return type(e).__name__  # never the message of an unexpected error: it may hold data


def describe(e: BaseException) -> str:
    """One line for a job's page."""
    _, title, _ = explain(e)
    return f"{title} — {detail_of(e)}"


def error_page(request: Request, e: BaseException) -> Response:
    if not isinstance(e, GuichetsError):  # a bug: say where on the server's terminal
        import sys
        import traceback

        sys.stderr.write(
            f"guichets serve: unexpected failure ({type(e).__name__}) on {request.method} "
            f"{request.url.path}\n"
        )
        if web_of(request).debug:
            traceback.print_exception(e, file=sys.stderr)
    status, title, text = explain(e)
    detail = detail_of(e)
    if wants_json(request):
        return JSONResponse({"error": title, "explanation": text, "detail": detail}, status)
    return render(
        request, "error.html", status, title=title, text=text, detail=detail, retry=status == 503
    )


# forms --------------------------------------------------------------------------
FormView = Callable[[Request, Any], Response]


def form_action(view: FormView) -> Callable[[Request], Awaitable[Response]]:
    """A POST endpoint for a urlencoded form: the CSRF token and origin are checked before
    ``view(request, form)`` runs (in a worker thread: the library is synchronous)."""

    @functools.wraps(view)
    async def endpoint(request: Request) -> Response:
        web = web_of(request)
        if not request.headers.get("content-type", "").startswith(URLENCODED):
            return refused_csrf(request)  # these forms hold no file
        form = await request.form(max_files=0, max_fields=200)
        try:
            check_form(web.secrets, form, request.headers)
        except CsrfRefused:
            return refused_csrf(request)
        try:
            return await run_in_threadpool(view, request, form)
        except Exception as e:
            return error_page(request, e)

    return endpoint


def refused_csrf(request: Request) -> Response:
    return render(
        request,
        "error.html",
        403,
        title="Formulaire refusé",
        text="Ce formulaire a expiré ou ne vient pas de cette page (jeton CSRF absent ou "
        "faux). Rechargez la page et recommencez.",
        detail="",
        retry=False,
    )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def guarded(view: Callable[[Request], Response]) -> Callable[[Request], Awaitable[Response]]:
    """A GET endpoint run in a worker thread, its failures shown as a French page."""

    @functools.wraps(view)
    async def endpoint(request: Request) -> Response:
        try:
            return await run_in_threadpool(view, request)
        except Exception as e:
            return error_page(request, e)

    return endpoint


# images drawn from the workspace ----------------------------------------------------
def cached_image(web: Web, name: str, state: str, draw: Callable[[str], object]) -> Path:
    """``out/web/cache/NAME-STATE.png``, drawn by ``draw(path)`` the first time it is asked
    for in that state of the workspace; the same image in earlier states is removed."""
    import os
    import tempfile

    folder = web.out / "cache"
    target = folder / f"{name}-{state}.png"
    if target.is_file():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".draw-", suffix=".png")
    os.close(fd)
    try:
        draw(tmp)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)
    for old in folder.glob(f"{name}-*.png"):
        if old != target and old.name[len(name) + 1 :].count("-") == state.count("-"):
            old.unlink(missing_ok=True)
    return target


def png(path: Path) -> Response:
    from starlette.responses import FileResponse

    return FileResponse(
        path, media_type="image/png", headers={"cache-control": "private, max-age=86400"}
    )


# French display -------------------------------------------------------------------
def fr_date(value: Any) -> str:
    from toolkit.frenchdates import date_fr

    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.date()
    return date_fr(value)


def fr_local(value: Any, tz: str | None = None) -> str:
    """A time in local French form: 24/02/2025 07:15:12 (zone given apart)."""
    if value in (None, ""):
        return "—"
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is not None:
        value = value.astimezone(ZoneInfo(tz) if tz else PARIS)
    return value.strftime("%d/%m/%Y %H:%M:%S")


def fr_number(value: Any, digits: int = 0) -> str:
    if value is None:
        return "—"
    text = f"{float(value):,.{digits}f}" if digits else f"{round(float(value)):,d}"
    return text.replace(",", "\u202f").replace(".", ",")


def fr_percent(value: Any) -> str:
    return "—" if value is None else fr_number(100 * float(value), 1) + " %"


# custody actions (toolkit/custody.py) as a person reads them; the code is shown beside
ACTIONS_FR = {
    "init": "Espace de travail créé", "applicant.add": "Dossier créé",
    "applicant.update": "Dossier modifié", "attempt.remove": "Tentative ou contact retiré",
    "document.remove": "Document retiré", "contact.add": "Contact noté",
    "demand.add": "Demande antérieure enregistrée", "demand.update": "Demande antérieure modifiée",
    "event.add": "Étape de la procédure ajoutée", "event.withdraw": "Étape de la procédure retirée",
    "review": "Vérification par une personne", "classify": "Captures relues",
    "ingest": "Preuves ajoutées", "exhibits": "Pièces générées", "letter": "Courrier rédigé",
    "chart": "Graphique dessiné", "export": "Export", "export.xlsx": "Classeur Excel exporté",
    "export.bundle": "Lot pseudonymisé exporté", "bundle": "Lot pour une association",
    "aggregate": "Lots d'associations réunis", "source.describe": "Robot décrit",
    "capture": "Page capturée", "timestamp": "Horodatage", "verify": "Contrôle d'intégrité",
    "workspace.sweep": "Fichiers temporaires nettoyés",
}  # fmt: skip


def action_fr(code: str) -> str:
    """The French name of a custody action (its exact code, else its first word)."""
    return ACTIONS_FR.get(code) or ACTIONS_FR.get(code.split(".", 1)[0], code)


def fr_size(value: Any) -> str:
    if value is None:
        return "—"
    n = int(value)
    if n >= 1_000_000:
        return fr_number(n / 1_000_000, 1) + " Mo"
    return fr_number(max(1, round(n / 1000))) + " ko"
