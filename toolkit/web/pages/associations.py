"""For associations: robot crawls in, the préfecture table, the map, a préfecture's chart,
the workbook and the pseudonymised bundle out."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.errors import InputError
from toolkit.web.common import (
    Progress,
    cached_image,
    error_page,
    form_action,
    guarded,
    png,
    render,
    task_writing,
    web_of,
)
from toolkit.web.jobs import Link, Outcome
from toolkit.web.pages.dossier import revision
from toolkit.web.pages.evidence import (
    receive_or_refuse,
    started,
)
from toolkit.web.uploads import Upload


def _names() -> dict[str, str]:
    from toolkit.reference import prefectures

    return {p.code: p.label_fr for p in prefectures()}


def overview(request: Request) -> Response:
    from toolkit.indicators.prefecture import prefecture_indicator_records
    from toolkit.reference import PROCEDURE_LABELS_FR, prefectures

    web = web_of(request)
    with web.store.reading() as ws:
        rows = prefecture_indicator_records(ws)
        state = revision(ws)
    out = web.out / "associations"
    files = (
        ("Classeur Excel des indicateurs", "indicateurs.xlsx"),
        ("Lot pseudonymisé (zip)", "lot-pseudonymise.zip"),
    )
    downloads = [
        (label, web.download_url(out / name)) for label, name in files if (out / name).is_file()
    ]
    return render(
        request,
        "associations.html",
        title="Associations : relevés des robots",
        rows=rows,
        names=_names(),
        procedure_fr=PROCEDURE_LABELS_FR,
        map_rev=state if rows else None,
        prefectures=[(p.code, f"{p.code} — {p.label_fr}") for p in prefectures()],
        procedures=list(PROCEDURE_LABELS_FR.items()),
        downloads=downloads,
        jobs=web.jobs.recent(applicant="", limit=6),
        abandoned=request.query_params.get("apercu") == "abandonne",
    )


def prefecture_page(request: Request) -> Response:
    from toolkit.indicators.prefecture import prefecture_indicator_records
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture

    web = web_of(request)
    pref = get_prefecture(request.path_params["code"])
    procedure = request.query_params.get("demarche") or None
    with web.store.reading() as ws:
        rows = prefecture_indicator_records(ws, prefecture=pref.code)
        months = prefecture_indicator_records(
            ws, prefecture=pref.code, procedure=procedure, by="month"
        )
        state = revision(ws)
    return render(
        request,
        "prefecture.html",
        title=pref.label_fr,
        pref=pref,
        rows=rows,
        months=months,
        procedure=procedure,
        procedure_fr=PROCEDURE_LABELS_FR,
        chart_rev=state if rows else None,
    )


def map_png(request: Request) -> Response:
    from toolkit.charts.map import france_map

    web = web_of(request)
    with web.store.reading() as ws:
        path = cached_image(web, "carte", revision(ws), lambda out: france_map(ws, out))
    return png(path)


def prefecture_png(request: Request) -> Response:
    from toolkit.charts.prefecture import prefecture_chart
    from toolkit.reference import get_prefecture

    web = web_of(request)
    code = get_prefecture(request.path_params["code"]).code
    procedure = request.query_params.get("demarche") or None
    with web.store.reading() as ws:
        path = cached_image(
            web,
            f"prefecture-{code}-{procedure or 'toutes'}",
            revision(ws),
            lambda out: prefecture_chart(ws, code, out, procedure=procedure),
        )
    return png(path)


async def upload_crawl(request: Request) -> Response:
    from toolkit.web.pages.crawl_preview import ingest_job, preview_job

    web = web_of(request)
    got = await receive_or_refuse(request, web)
    if not isinstance(got, Upload):
        return got
    if not got.in_field("files"):
        got.discard()
        return error_page(request, InputError("no crawl file was given, only a mapping"))
    if got.field("preview") == "1":
        return preview_job(request, web, got)
    return ingest_job(request, web, got)


def workbook(request: Request, form: Any) -> Response:
    web = web_of(request)
    out = web.out / "associations" / "indicateurs.xlsx"

    def work(progress: Progress) -> Outcome:
        from toolkit.export.xlsx import export_xlsx

        out.parent.mkdir(parents=True, exist_ok=True)
        with task_writing(web, progress) as ws:
            progress(0, 1, "classeur")
            export_xlsx(ws, out)
        return Outcome(
            "Classeur prêt : indicateurs par préfecture et par mois, cases de moins de 5 "
            "demandeurs masquées.",
            links=[Link("Télécharger le classeur (Excel)", web.download_url(out))],
        )

    job, _ = web.jobs.start("xlsx", "xlsx", "Classeur Excel des indicateurs", work, applicant="")
    return started(request, job.id)


def bundle(request: Request, form: Any) -> Response:
    web = web_of(request)
    out = web.out / "associations" / "lot-pseudonymise.zip"

    def work(progress: Progress) -> Outcome:
        from toolkit.export.bundle import export_bundle

        out.parent.mkdir(parents=True, exist_ok=True)
        with task_writing(web, progress) as ws:
            progress(0, 1, "lot")
            result = export_bundle(ws, out)
        return Outcome(
            f"Lot pseudonymisé prêt (sans identité ni fichiers originaux ; clé "
            f"{result.key_fingerprint}).",
            links=[Link("Télécharger le lot (zip)", web.download_url(out))],
        )

    job, _ = web.jobs.start("bundle", "bundle", "Lot pseudonymisé", work, applicant="")
    return started(request, job.id)


def routes() -> list[Route]:
    return [
        Route("/associations", guarded(overview)),
        Route("/associations/carte.png", guarded(map_png)),
        Route("/associations/prefectures/{code}", guarded(prefecture_page)),
        Route("/associations/prefectures/{code}/graphique.png", guarded(prefecture_png)),
        Route("/associations/releves", upload_crawl, methods=["POST"]),
        Route("/associations/classeur", form_action(workbook), methods=["POST"]),
        Route("/associations/lot", form_action(bundle), methods=["POST"]),
    ]
