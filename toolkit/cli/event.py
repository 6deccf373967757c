"""`guichets event add|list|remove`: the dated steps of an applicant's demand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
from toolkit.cli.render import Format

app = typer.Typer(
    help="Procedural events: filing, API, récépissé, convocations, decisions, requests.",
    no_args_is_help=True,
)


@app.command("add")
def add(
    applicant_id: ApplicantArg,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            "-k",
            help="filed, filing_confirmation, completeness_request, documents_sent, complete, "
            "api_issued, api_renewed, recepisse, biometrics_required, biometrics_convocation, "
            "remise_convocation, decision_favorable, decision_refusal, oqtf, reminder_sent, "
            "ccc_contact, pan_visit, anef_incident, status_seen, motifs_requested, motifs_received.",
        ),
    ],
    on: Annotated[str, typer.Option("--on", help="Date of the event, YYYY-MM-DD.")],
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="End of validity (api_issued, api_renewed, recepisse: required) or "
            "the deadline of a completeness_request, YYYY-MM-DD.",
        ),
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="ANEF demand number, LRAR number…")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="The document (PDF, image, .eml), kept in the vault."),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="What happened, in a few words.")
    ] = None,
) -> None:
    """Declare an event (the date is refused if in the future or contradicting others)."""
    from toolkit.timeline.events import add_event

    with open_ws() as ws:
        done = add_event(
            ws, applicant_id, kind=kind, on=on, until=until, reference=reference, file=file,
            note=note,
        )  # fmt: skip
    state = "recorded" if done["recorded"] else "already recorded"
    render.info(f"Event {done['id']} {state}: {done['kind']} on {done['date'].isoformat()}")


@app.command("list")
def list_(applicant_id: ApplicantArg, fmt: FormatOpt = Format.table) -> None:
    """List the events, declared, read from documents or seen on ANEF captures."""
    from toolkit.timeline.events import list_events

    with open_ws(read_only=True) as ws:
        rows = list_events(ws, applicant_id)
    columns = ("date", "kind", "until", "source", "file", "note", "id")
    render.emit(rows, fmt, columns=columns, title=f"Events of {applicant_id}")


@app.command("remove")
def remove(
    applicant_id: ApplicantArg,
    event_id: Annotated[str, typer.Argument(help="The event's id (see `event list`).")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is withdrawn.")],
) -> None:
    """Withdraw a recorded event (kept in the store, marked, with the reason)."""
    from toolkit.timeline.events import remove_event

    with open_ws() as ws:
        gone = remove_event(ws, applicant_id, event_id, reason=reason)
    render.info(f"Event {event_id} withdrawn ({gone['kind']} on {gone['date'].isoformat()})")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="event")
