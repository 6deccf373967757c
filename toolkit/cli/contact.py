"""`guichets contact add`: a call, a visit or a letter that left no file."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg

contact_app = typer.Typer(
    help="Contacts with the préfecture besides online booking.", no_args_is_help=True
)


@contact_app.command("add")
def add(
    applicant_id: ApplicantArg,
    channel: Annotated[
        str,
        typer.Option(
            "--channel",
            "-c",
            help="phone (e.g. the CCC 0806 001 620), counter (a visit), letter, email or other.",
        ),
    ],
    at: Annotated[
        str,
        typer.Option(
            "--at", help="When, in the préfecture's time: YYYY-MM-DD HH:MM (or a date alone)."
        ),
    ],
    note: Annotated[
        str | None,
        typer.Option("--note", help="What happened, e.g. « appel CCC, pas d'attestation »."),
    ] = None,
    direction: Annotated[
        str | None,
        typer.Option("--direction", help="sent (to the préfecture) or received (from it)."),
    ] = None,
) -> None:
    """Record a contact with the préfecture (time declared by the user)."""
    from toolkit.contacts import add_contact

    with open_ws() as ws:
        contact_id = add_contact(
            ws, applicant_id, channel=channel, at=at, note=note, direction=direction
        )
    render.info(f"Contact {contact_id} recorded for {applicant_id} ({channel}, {at})")


def register(app: typer.Typer) -> None:
    app.add_typer(contact_app, name="contact")
