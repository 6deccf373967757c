"""Taking a wrong row out of a dossier (a screenshot of another person, a document filed in
the wrong dossier): a page that shows the row and asks why, then one call to
:func:`toolkit.removals.remove_row` (custody keeps the row and the reason; the original stays
in the vault)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.errors import GuichetsError, NotFound
from toolkit.web.common import explain, form_action, guarded, render, see_other, web_of

# the kind in the address -> (the library's kind, French noun, the anchor of its table)
KINDS = {
    "tentative": ("attempt", "la tentative ou le contact", "tentatives"),
    "document": ("document", "le document", "documents"),
}


def _row(request: Request) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(applicant, address kind, the row as the page shows it, the page's labels)."""
    from toolkit.attempts import attempt_records, document_records

    applicant = request.path_params["applicant"]
    kind = request.path_params["kind"]
    if kind not in KINDS:
        raise NotFound(f"{request.url.path}: no such page")
    row_id = request.path_params["row"]
    with web_of(request).store.reading() as ws:
        rows = (attempt_records if kind == "tentative" else document_records)(ws, applicant)
    found = next((r for r in rows if r["id"] == row_id), None)
    if found is None:
        raise NotFound(f"applicant {applicant} has no {KINDS[kind][0]} {row_id}")
    return applicant, kind, found, {"noun": KINDS[kind][1]}


def _shown(kind: str, row: dict[str, Any]) -> list[tuple[str, str]]:
    """What the page says of the row, in French."""
    from toolkit.ingest.documents import DOCUMENT_KINDS
    from toolkit.web.common import fr_date
    from toolkit.web.pages.dossier import table_rows

    if kind == "document":
        return [("Document", row["title"]), ("Nature", DOCUMENT_KINDS.get(row["kind"], row["kind"])),
                ("Date", fr_date(row["dated"])), ("Fichier", row["file"] or "—")]  # fmt: skip
    r = table_rows([row])[0]
    return [("Date et heure", r.when), ("Source de l'heure", r.source), ("Moyen", r.channel),
            ("Résultat", r.outcome), ("Fichier", r.file or "—")]  # fmt: skip


def confirm_page(request: Request, *, status: int = 200, **extra: Any) -> Response:
    applicant, kind, row, labels = _row(request)
    return render(
        request,
        "remove.html",
        status,
        title=f"Retirer {labels['noun']} du dossier {applicant}",
        applicant=applicant,
        kind=kind,
        row=row,
        shown=_shown(kind, row),
        noun=labels["noun"],
        anchor=KINDS[kind][2],
        **extra,
    )


def confirm(request: Request) -> Response:
    return confirm_page(request)


def remove(request: Request, form: Any) -> Response:
    from toolkit.removals import remove_row

    applicant, kind, row, _ = _row(request)
    reason = str(form.get("reason", ""))
    try:
        with web_of(request).store.writing() as ws:
            remove_row(ws, KINDS[kind][0], applicant, row["id"], reason=reason,
                       reviewer=str(form.get("reviewer") or "").strip() or None)  # fmt: skip
    except GuichetsError as e:
        status, _, text = explain(e)
        return confirm_page(request, status=status, reason=reason,
                            error=f"Rien n'a été retiré. {text}", detail=str(e))  # fmt: skip
    return see_other(f"/dossiers/{applicant}?retire={kind}#{KINDS[kind][2]}")


def routes() -> list[Route]:
    path = "/dossiers/{applicant}/retirer/{kind}/{row}"
    return [
        Route(path, guarded(confirm)),
        Route(path, form_action(remove), methods=["POST"]),
    ]
