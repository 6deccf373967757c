"""The list of dossiers, creating one, and the custody log of the whole workspace."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.custody import entries as custody_entries
from toolkit.errors import GuichetsError
from toolkit.web.common import explain, form_action, guarded, render, see_other, web_of

IDENTITY_FORM = (
    ("full_name", "Nom et prénom", "text", "name", ""),
    ("birth_date", "Date de naissance", "date", "bday", ""),
    ("nationality", "Nationalité", "text", "off", ""),
    ("agdref", "Numéro AGDREF (numéro étranger)", "text", "off", "10 chiffres, sur le titre."),
    ("email", "Adresse électronique", "email", "email",
     "Sert aussi à savoir si un courriel a été envoyé par la personne ou reçu par elle."),
    ("phone", "Téléphone", "tel", "tel", ""),
    ("address", "Adresse postale", "text", "street-address", ""),
)  # fmt: skip


def choices() -> dict[str, Any]:
    """The lists a dossier's form offers, in French."""
    from toolkit.model import OQTF_LABELS_FR, ROUTE_LABELS_FR
    from toolkit.reference import PROCEDURE_LABELS_FR, prefectures

    return {
        "prefectures": [(p.code, f"{p.code} — {p.label_fr}") for p in prefectures()],
        "procedures": list(PROCEDURE_LABELS_FR.items()),
        "routes": list(ROUTE_LABELS_FR.items()),
        "oqtfs": list(OQTF_LABELS_FR.items()),
        "identity_form": IDENTITY_FORM,
    }


def home(request: Request) -> Response:
    from toolkit.applicants import list_applicants
    from toolkit.reference import PROCEDURE_LABELS_FR

    web = web_of(request)
    with web.store.reading() as ws:
        dossiers = list_applicants(ws)
    return render(
        request,
        "home.html",
        title="Dossiers",
        dossiers=dossiers,
        procedure_fr=PROCEDURE_LABELS_FR,
        jobs=web.jobs.recent(limit=5),
    )


def new_dossier(request: Request) -> Response:
    return render(
        request, "dossier_new.html", title="Nouveau dossier", values={}, editing=False, **choices()
    )


def create_dossier(request: Request, form: Any) -> Response:
    from toolkit.applicants import add_applicant

    values = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    identity = {k: values.get(k) or None for k, *_ in IDENTITY_FORM}
    try:
        with web_of(request).store.writing() as ws:
            a = add_applicant(
                ws,
                values.get("id", ""),
                prefecture=values.get("prefecture", ""),
                procedure=values.get("procedure", ""),
                permit_expiry=values.get("permit_expiry") or None,
                route=values.get("route") or None,
                oqtf=values.get("oqtf") or None,
                oqtf_date=values.get("oqtf_date") or None,
                **identity,
            )
    except GuichetsError as e:
        status, _, text = explain(e)
        return render(
            request,
            "dossier_new.html",
            status,
            title="Nouveau dossier",
            values=values,
            error=f"Le dossier n'a pas été créé. {text}",
            detail=str(e),
            editing=False,
            **choices(),
        )
    return see_other(f"/dossiers/{a.id}?cree=1")


def custody(request: Request) -> Response:
    web = web_of(request)
    with web.store.reading() as ws:
        entries = custody_entries(ws.con, limit=500)
    return render(
        request, "custody.html", title="Journal de traçabilité", entries=entries, applicant=None
    )


def routes() -> list[Route]:
    return [
        Route("/", guarded(home)),
        Route("/dossiers/nouveau", guarded(new_dossier)),
        Route("/dossiers", form_action(create_dossier), methods=["POST"]),
        Route("/tracabilite", guarded(custody)),
    ]
