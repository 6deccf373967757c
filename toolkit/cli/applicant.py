"""`guichets applicant add|list|show`."""

from __future__ import annotations

from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt
from toolkit.cli.render import Format

app = typer.Typer(
    help="Create and inspect applicants (identity kept apart from facts).", no_args_is_help=True
)

Opt = typer.Option


@app.command("add")
def add(
    applicant_id: ApplicantArg,
    prefecture: Annotated[
        str, Opt("--prefecture", "-p", help="Préfecture code or name, e.g. 76 or Seine-Maritime.")
    ],
    procedure: Annotated[str, Opt("--procedure", help="Procedure slug, e.g. renouvellement.")],
    permit_expiry: Annotated[str | None, Opt("--permit-expiry", help="YYYY-MM-DD.")] = None,
    name: Annotated[str | None, Opt("--name", help="Full name (identity; never exported).")] = None,
    birth_date: Annotated[str | None, Opt("--birth-date", help="YYYY-MM-DD (identity).")] = None,
    nationality: Annotated[str | None, Opt("--nationality", help="Identity.")] = None,
    agdref: Annotated[str | None, Opt("--agdref", help="AGDREF number (identity).")] = None,
    email: Annotated[
        str | None, Opt("--email", help="Identity; also tells sent from received e-mails.")
    ] = None,
    phone: Annotated[str | None, Opt("--phone", help="Identity.")] = None,
    address: Annotated[str | None, Opt("--address", help="Identity.")] = None,
) -> None:
    """Create an applicant."""
    from toolkit.applicants import add_applicant

    with open_ws() as ws:
        a = add_applicant(
            ws,
            applicant_id,
            prefecture=prefecture,
            procedure=procedure,
            permit_expiry=permit_expiry,
            full_name=name,
            birth_date=birth_date,
            nationality=nationality,
            agdref=agdref,
            email=email,
            phone=phone,
            address=address,
        )
    render.info(
        f"Applicant {a.id}: {a.prefecture_name} ({a.prefecture}), {a.procedure}, {a.tribunal}"
    )


@app.command("list")
def list_(fmt: FormatOpt = Format.table) -> None:
    """List applicants with their attempt counts (no identity)."""
    from toolkit.applicants import list_applicants

    with open_ws(read_only=True) as ws:
        rows = list_applicants(ws)
    render.emit(rows, fmt)


@app.command("show")
def show(
    applicant_id: ApplicantArg,
    fmt: FormatOpt = Format.table,
    identity: Annotated[
        bool, Opt("--identity/--no-identity", help="Include identity fields.")
    ] = True,
) -> None:
    """Show one applicant: préfecture, tribunal, evidence counts and identity."""
    from toolkit.applicants import show_applicant

    with open_ws(read_only=True) as ws:
        data = show_applicant(ws, applicant_id, identity=identity)
    render.emit(data, fmt, title=f"Applicant {applicant_id}")
