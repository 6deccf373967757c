"""One dossier: its facts, the check, the chart, attempts with thumbnails, documents, and
the forms that add to it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from toolkit.custody import entries as custody_entries
from toolkit.web.common import (
    Web,
    cached_image,
    form_action,
    guarded,
    png,
    render,
    see_other,
    web_of,
)
from toolkit.web.pages.home import IDENTITY_FORM
from toolkit.web.pages.timeline import event_kinds, timeline_view

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

LEVELS_FR = {"fail": "Manquant", "warn": "À renforcer", "ok": "Rempli"}
VERDICT_CLASS = {"ready": "ok", "weak": "warn", "insufficient": "fail"}
DIRECTIONS_FR = (("", "non précisé"), ("sent", "envoyé à la préfecture"),
                 ("received", "reçu de la préfecture"))  # fmt: skip


THUMBNAILED = (".png", ".jpg", ".jpeg", ".webp", ".heic", ".pdf")
CORROBORATION_FR = {"corroborated": ("aucun créneau non plus", ""),
                    "contradicted": ("a vu des créneaux", "warn")}  # fmt: skip


class Row(NamedTuple):
    """One line of the attempts table, ready to print (a page shows a thousand of them)."""

    id: str
    when: str
    source: str
    weak: bool
    channel: str
    note: str
    outcome: str
    outcome_source: str
    flags: str
    system: str
    robot: str
    robot_class: str
    sha256: str
    file: str
    thumb: bool


def table_rows(attempts: list[dict[str, Any]]) -> list[Row]:
    from toolkit.frenchdates import stamp_fr
    from toolkit.model import (
        CHANNEL_LABELS_FR,
        FLAG_LABELS_FR,
        OUTCOME_LABELS_FR,
        OUTCOME_SOURCE_LABELS_FR,
        TIME_SOURCE_LABELS_FR,
    )

    directions = {"sent": ", envoyé", "received": ", reçu"}
    rows = []
    for r in attempts:
        online = r["channel"] == "online"
        robot, robot_class = CORROBORATION_FR.get(r["corroboration"] or "", ("—", ""))
        file = r["file"] or ""
        rows.append(
            Row(
                id=r["id"],
                when=stamp_fr(
                    datetime.fromisoformat(r["observed_at"]), r["time_precision"], zone=False
                ),
                source=TIME_SOURCE_LABELS_FR.get(r["time_source"], r["time_source"]),
                weak=bool(r["weak_time"]),
                channel=CHANNEL_LABELS_FR.get(r["channel"], r["channel"])
                + directions.get(r["direction"] or "", ""),
                note=r["note"] or "",
                outcome=OUTCOME_LABELS_FR.get(r["outcome"], r["outcome"]) if online else "—",
                outcome_source=OUTCOME_SOURCE_LABELS_FR.get(r["outcome_source"] or "", "")
                if online
                else "",
                flags=" ; ".join(FLAG_LABELS_FR.get(f, f) for f in r["flags"])
                or ("résultat non déterminé" if online and r["outcome"] == "unknown" else ""),
                system="non reconnu" if r["system"] in (None, "unknown") else r["system"],
                robot=robot,
                robot_class=robot_class,
                sha256=r["sha256"] or "",
                file=file,
                thumb=file.lower().endswith(THUMBNAILED),
            )
        )
    return rows


def revision(ws: Workspace) -> str:
    """The state of the workspace, naming the images drawn from it: every change to the
    evidence is a new link of the custody chain, so its head changes with the facts."""
    from toolkit.custody import head

    seq, digest = head(ws.con)
    return f"{seq}-{digest[:12]}"


def outputs(web: Web, applicant: str) -> dict[str, Any]:
    """What the app already generated for this dossier (its own folder under out/web)."""
    from toolkit.documents.letter_kinds import LETTER_KINDS

    folder = web.dossier_dir(applicant)
    found: dict[str, Any] = {"exhibits": None, "letters": {}}
    archive = folder / f"pieces-{applicant}.zip"
    if archive.is_file():
        found["exhibits"] = {"url": web.download_url(archive), "size": archive.stat().st_size}
    for kind in LETTER_KINDS:
        files = (("Word", f"{kind}.docx"), ("PDF", f"{kind}.pdf"), ("note", f"{kind}-note.docx"))
        links = [
            (label, web.download_url(folder / "courriers" / name))
            for label, name in files
            if (folder / "courriers" / name).is_file()
        ]
        if links:
            found["letters"][kind] = links
    return found


def letter_groups(t: dict[str, Any]) -> dict[str, list[tuple[str, str, str]]]:
    """The letters as the page lists them, from the timeline already read (no second
    reading): ``proposed`` (kind, title, the remedy it serves), ``other`` (kind, title, ""),
    ``ruled_out`` (kind, title, why, in French: the letters of the procedure it does not propose); the library still decides on each."""
    from toolkit.documents.letter_kinds import LETTER_KINDS
    from toolkit.documents.procedure_letters import fitting, ruled_out

    fits = fitting(t)
    groups: dict[str, list[tuple[str, str, str]]] = {"proposed": [], "other": [], "ruled_out": []}
    for kind, spec in LETTER_KINDS.items():
        if kind in fits:
            groups["proposed"].append((kind, spec.title, fits[kind]))
        elif spec.extra_context is None:  # the booking letters: the check decides
            groups["other"].append((kind, spec.title, ""))
        else:
            why = ruled_out(kind, t)
            groups["ruled_out"].append(
                (
                    kind,
                    spec.title,
                    f"Écarté : {why}" if why else "Aucun recours proposé ne l'utilise.",
                )
            )
    return groups


def dossier(request: Request) -> Response:
    from toolkit.applicants import show_applicant
    from toolkit.attempts import attempt_records, document_records
    from toolkit.contacts import CONTACT_CHANNELS
    from toolkit.documents.letter_kinds import SIGNERS
    from toolkit.documents.letters import soffice
    from toolkit.indicators.readiness import check_readiness
    from toolkit.ingest.documents import DOCUMENT_KINDS
    from toolkit.model import (
        CHANNEL_LABELS_FR,
        DECISION_LABELS_FR,
        OQTF_LABELS_FR,
        ROUTE_LABELS_FR,
    )
    from toolkit.provenance import record_needs_review
    from toolkit.reference import PROCEDURE_LABELS_FR

    web = web_of(request)
    applicant = request.path_params["applicant"]
    with web.store.reading() as ws:
        facts = show_applicant(ws, applicant, identity=True)
        check = check_readiness(ws, applicant)
        attempts = attempt_records(ws, applicant)
        documents = document_records(ws, applicant)
        procedure = timeline_view(ws, applicant)
        state = revision(ws)
    return render(
        request,
        "dossier.html",
        title=f"Dossier {applicant}",
        a=facts,
        procedure_fr=PROCEDURE_LABELS_FR.get(facts["procedure"], facts["procedure"]),
        check=check,
        levels=LEVELS_FR,
        verdict_class=VERDICT_CLASS[check["verdict"]],
        rows=table_rows(attempts),
        to_review=sum(1 for r in attempts if record_needs_review(r)),
        online=sum(1 for r in attempts if r["channel"] == "online"),
        chart_rev=state if attempts else None,
        documents=documents,
        document_kinds=DOCUMENT_KINDS,
        contact_channels=[(c, CHANNEL_LABELS_FR.get(c, c)) for c in CONTACT_CHANNELS],
        directions=DIRECTIONS_FR,
        letters=letter_groups(procedure),
        signers=SIGNERS,
        pdf_letters=soffice() is not None,
        identity_labels={name: label for name, label, *_ in IDENTITY_FORM},
        outputs=outputs(web, applicant),
        jobs=web.jobs.recent(applicant=applicant, limit=6),
        created=request.query_params.get("cree") == "1",
        t=procedure,
        show_timeline=bool(procedure["events"]) or facts["route"] == "anef",
        event_kinds=event_kinds(),
        event_added=request.query_params.get("evenement") == "1",
        changed=request.query_params.get("modifie") == "1",
        demand_added=request.query_params.get("demande") == "1",
        route_fr=ROUTE_LABELS_FR,
        oqtf_fr=OQTF_LABELS_FR,
        decision_fr=DECISION_LABELS_FR,
        added=request.query_params.get("contact") == "1",
        removed=request.query_params.get("retire"),
    )


def chart(request: Request) -> Response:
    """The applicant's timeline chart, drawn once per state of the workspace."""
    from toolkit.applicants import get_applicant
    from toolkit.charts.applicant import applicant_chart

    web = web_of(request)
    applicant = request.path_params["applicant"]
    with web.store.reading() as ws:
        get_applicant(ws, applicant)
        path = cached_image(web, f"chronologie-{applicant}", revision(ws),
                            lambda out: applicant_chart(ws, applicant, out))  # fmt: skip
    return png(path)


def add_contact(request: Request, form: Any) -> Response:
    from toolkit.contacts import add_contact as record

    applicant = request.path_params["applicant"]
    with web_of(request).store.writing() as ws:
        record(
            ws,
            applicant,
            channel=str(form.get("channel", "")),
            at=str(form.get("at", "")).replace("T", " "),
            note=str(form.get("note", "")) or None,
            direction=str(form.get("direction", "")) or None,
        )
    return see_other(f"/dossiers/{applicant}?contact=1#contacts")


def custody(request: Request) -> Response:
    from toolkit.applicants import get_applicant

    web = web_of(request)
    applicant = request.path_params["applicant"]
    with web.store.reading() as ws:
        get_applicant(ws, applicant)
        entries = custody_entries(ws.con, applicant=applicant, limit=500)
    return render(
        request,
        "custody.html",
        title=f"Traçabilité du dossier {applicant}",
        entries=entries,
        applicant=applicant,
    )


def routes() -> list[Route]:
    return [
        Route("/dossiers/{applicant}", guarded(dossier)),
        Route("/dossiers/{applicant}/chronologie.png", guarded(chart)),
        Route("/dossiers/{applicant}/contacts", form_action(add_contact), methods=["POST"]),
        Route("/dossiers/{applicant}/tracabilite", guarded(custody)),
    ]
