"""A dossier's facts changed after its creation (route, OQTF, préfecture, identity…) and its
earlier demands: one call each to :func:`toolkit.applicants.update_applicant`,
:func:`toolkit.demands.add_demand` and :func:`toolkit.demands.update_demand`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.errors import GuichetsError
from toolkit.web.common import explain, form_action, guarded, render, see_other, web_of
from toolkit.web.pages.home import IDENTITY_FORM, choices


def _values(facts: dict[str, Any]) -> dict[str, Any]:
    values = {k: facts.get(k) for k in ("prefecture", "procedure", "oqtf")}
    values["route"] = facts["route"] if facts.get("route_source") == "declared" else ""
    values["permit_expiry"] = facts["permit_expiry"].isoformat() if facts["permit_expiry"] else ""
    values["oqtf_date"] = facts["oqtf_date"].isoformat() if facts.get("oqtf_date") else ""
    for name, *_ in IDENTITY_FORM:
        value = facts["identity"].get(name)
        values[name] = value.isoformat() if hasattr(value, "isoformat") else (value or "")
    return values


def edit_page(request: Request, *, status: int = 200, **extra: Any) -> Response:
    from toolkit.applicants import show_applicant

    applicant = request.path_params["applicant"]
    with web_of(request).store.reading() as ws:
        facts = show_applicant(ws, applicant, identity=True)
    return render(
        request,
        "dossier_edit.html",
        status,
        title=f"Modifier le dossier {applicant}",
        applicant=applicant,
        values=extra.pop("values", None) or _values(facts),
        editing=True,
        **choices(),
        **extra,
    )


def edit(request: Request) -> Response:
    return edit_page(request)


def save(request: Request, form: Any) -> Response:
    from toolkit.applicants import update_applicant

    applicant = request.path_params["applicant"]
    values = {k: str(v).strip() for k, v in form.items() if k != "csrf"}
    given = {k: values.get(k) or None for k in ("prefecture", "procedure", "permit_expiry",
                                                "route", "oqtf", "oqtf_date", "reason")}  # fmt: skip
    identity = {k: values.get(k) or None for k, *_ in IDENTITY_FORM}
    try:
        with web_of(request).store.writing() as ws:
            update_applicant(ws, applicant, **given, **identity)
    except GuichetsError as e:
        status, _, text = explain(e)
        return edit_page(request, status=status, values=values,
                         error=f"Rien n'a été modifié. {text}", detail=str(e))  # fmt: skip
    return see_other(f"/dossiers/{applicant}?modifie=1")


def add_demand(request: Request, form: Any) -> Response:
    from toolkit.demands import add_demand as record

    applicant = request.path_params["applicant"]
    complete = {"yes": True, "no": False}.get(str(form.get("complete", "")))
    with web_of(request).store.writing() as ws:
        record(
            ws,
            applicant,
            filed_on=str(form.get("filed_on", "")),
            route=str(form.get("route") or "") or None,
            complete=complete,
            decision=str(form.get("decision") or "") or None,
            decided_on=str(form.get("decided_on") or "") or None,
            reference=str(form.get("reference") or "").strip() or None,
            note=str(form.get("note") or "").strip() or None,
        )
    return see_other(f"/dossiers/{applicant}?demande=1#demandes")


def update_demand(request: Request, form: Any) -> Response:
    from toolkit.demands import update_demand as record

    applicant = request.path_params["applicant"]
    number = int(request.path_params["number"])
    given = {k: str(form.get(k) or "").strip() or None
             for k in ("complete", "decision", "decided_on", "reference", "reason")}  # fmt: skip
    with web_of(request).store.writing() as ws:
        record(ws, applicant, number, **given)
    return see_other(f"/dossiers/{applicant}?demande=1#demandes")


def routes() -> list[Route]:
    return [
        Route("/dossiers/{applicant}/modifier", guarded(edit)),
        Route("/dossiers/{applicant}/modifier", form_action(save), methods=["POST"]),
        Route("/dossiers/{applicant}/demandes", form_action(add_demand), methods=["POST"]),
        Route(
            "/dossiers/{applicant}/demandes/{number:int}",
            form_action(update_demand),
            methods=["POST"],
        ),
    ]
