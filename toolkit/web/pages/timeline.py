"""The procedure of a dossier (ANEF and after): its events, the facts and deadlines they
give, the remedies that fit (:func:`toolkit.timeline.gather.procedural_timeline`), and an
event declared by a person (:func:`toolkit.timeline.events.add_event`)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.web.common import form_action, see_other, web_of

SOURCES_FR = {
    "declared": "déclaré",
    "document": "lu dans un document",
    "capture": "vu sur une page",
}


def timeline_view(ws: Any, applicant: str) -> dict[str, Any]:
    """What the dossier page shows of the procedure (one library call), with French labels."""
    from toolkit.ingest.events import EVENT_KINDS
    from toolkit.timeline.gather import procedural_timeline

    t = procedural_timeline(ws, applicant)
    for e in t["events"]:
        kind = EVENT_KINDS.get(e["kind"])
        e["label"] = kind.label if kind else e["kind"]
        e["until_label"] = kind.until_label if kind else ""
        e["source_fr"] = SOURCES_FR.get(e["source"], e["source"])
    return t


def event_kinds() -> list[tuple[str, str, str]]:
    from toolkit.ingest.events import EVENT_KINDS

    return [(slug, k.label, k.until_label) for slug, k in EVENT_KINDS.items()]


def add_event(request: Request, form: Any) -> Response:
    from toolkit.timeline.events import add_event as record

    applicant = request.path_params["applicant"]
    with web_of(request).store.writing() as ws:
        record(
            ws,
            applicant,
            kind=str(form.get("kind", "")),
            on=str(form.get("on", "")),
            until=str(form.get("until") or "") or None,
            reference=str(form.get("reference") or "").strip() or None,
            note=str(form.get("note") or "").strip() or None,
        )
    return see_other(f"/dossiers/{applicant}?evenement=1#procedure")


def routes() -> list[Route]:
    return [Route("/dossiers/{applicant}/evenements", form_action(add_event), methods=["POST"])]
