"""The review queue: what the machine could not settle, and a person's decision on each
(one call to :func:`toolkit.review.review_attempt`, with its trail in custody)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.errors import GuichetsError
from toolkit.web.common import explain, form_action, guarded, render, see_other, web_of


def _times(item: dict[str, Any]) -> list[dict[str, Any]]:
    """Every time found for the attempt, at its own precision, in French."""
    from toolkit.frenchdates import stamp_fr
    from toolkit.model import TIME_SOURCE_LABELS_FR

    out = []
    for t in item["times"]:
        value = datetime.fromisoformat(t["value"]) if t["value"] else None
        out.append(
            {
                "when": stamp_fr(value, t["precision"], zone=False) if value else (t["raw"] or "—"),
                "source": TIME_SOURCE_LABELS_FR.get(t["source"], t["source"]),
                "chosen": t["chosen"],
                "weak": t["weak"],
                "rejected": t["rejected"],
            }
        )
    return out


def page(request: Request, *, status: int = 200, error: dict[str, str] | None = None) -> Response:
    from toolkit.model import FLAG_LABELS_FR, OUTCOME_LABELS_FR
    from toolkit.review import review_items

    web = web_of(request)
    applicant = request.path_params["applicant"]
    with web.store.reading() as ws:
        items = review_items(ws, applicant)
    for item in items:
        item["times_fr"] = _times(item)
        item["flags_fr"] = [FLAG_LABELS_FR.get(f, f) for f in item["flags"]]
    return render(
        request,
        "review.html",
        status,
        title=f"À vérifier — dossier {applicant}",
        applicant=applicant,
        items=items,
        outcomes=OUTCOME_LABELS_FR,
        done=request.query_params.get("fait", ""),
        error=error or {},
    )


def queue(request: Request) -> Response:
    return page(request)


def decide(request: Request, form: Any) -> Response:
    from toolkit.review import review_attempt

    applicant = request.path_params["applicant"]
    attempt = request.path_params["attempt"]
    try:
        with web_of(request).store.writing() as ws:
            review_attempt(
                ws,
                applicant,
                attempt,
                outcome=str(form.get("outcome") or "") or None,
                time=str(form.get("time") or "").strip() or None,
                note=str(form.get("note") or "").strip() or None,
            )
    except GuichetsError as e:
        status, _, text = explain(e)
        return page(request, status=status,
                    error={"attempt": attempt, "text": text, "detail": str(e)})  # fmt: skip
    return see_other(f"/dossiers/{applicant}/verification?fait={attempt}")


def routes() -> list[Route]:
    return [
        Route("/dossiers/{applicant}/verification", guarded(queue)),
        Route(
            "/dossiers/{applicant}/verification/{attempt}", form_action(decide), methods=["POST"]
        ),
    ]
