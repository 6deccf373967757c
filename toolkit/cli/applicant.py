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

RouteOpt = Annotated[
    str | None,
    Opt(
        "--route",
        help="Filing route: anef, guichet, postal, demarches-simplifiees or unknown "
        "[default: the procedure's usual route].",
    ),
]
OqtfOpt = Annotated[
    str | None, Opt("--oqtf", help="OQTF: none, notified (with --oqtf-date), executed, unknown.")
]
OqtfDateOpt = Annotated[str | None, Opt("--oqtf-date", help="Date the OQTF was notified.")]
NameOpt = Annotated[str | None, Opt("--name", help="Full name (identity; never exported).")]
BirthOpt = Annotated[str | None, Opt("--birth-date", help="YYYY-MM-DD (identity).")]
NationalityOpt = Annotated[str | None, Opt("--nationality", help="Identity.")]
AgdrefOpt = Annotated[str | None, Opt("--agdref", help="AGDREF number (identity).")]
EmailOpt = Annotated[
    str | None, Opt("--email", help="Identity; also tells sent from received e-mails.")
]
PhoneOpt = Annotated[str | None, Opt("--phone", help="Identity.")]
AddressOpt = Annotated[str | None, Opt("--address", help="Identity.")]


@app.command("add")
def add(
    applicant_id: ApplicantArg,
    prefecture: Annotated[
        str, Opt("--prefecture", "-p", help="Préfecture code or name, e.g. 76 or Seine-Maritime.")
    ],
    procedure: Annotated[str, Opt("--procedure", help="Procedure slug, e.g. renouvellement.")],
    permit_expiry: Annotated[str | None, Opt("--permit-expiry", help="YYYY-MM-DD.")] = None,
    route: RouteOpt = None,
    oqtf: OqtfOpt = None,
    oqtf_date: OqtfDateOpt = None,
    name: NameOpt = None,
    birth_date: BirthOpt = None,
    nationality: NationalityOpt = None,
    agdref: AgdrefOpt = None,
    email: EmailOpt = None,
    phone: PhoneOpt = None,
    address: AddressOpt = None,
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
            route=route,
            oqtf=oqtf,
            oqtf_date=oqtf_date,
            full_name=name,
            birth_date=birth_date,
            nationality=nationality,
            agdref=agdref,
            email=email,
            phone=phone,
            address=address,
        )
    render.info(
        f"Applicant {a.id}: {a.prefecture_name} ({a.prefecture}), {a.procedure}, {a.tribunal}, "
        f"route {a.route} ({a.route_source})"
    )


@app.command("update")
def update(
    applicant_id: ApplicantArg,
    prefecture: Annotated[str | None, Opt("--prefecture", "-p", help="Préfecture code.")] = None,
    procedure: Annotated[str | None, Opt("--procedure", help="Procedure slug.")] = None,
    permit_expiry: Annotated[str | None, Opt("--permit-expiry", help="YYYY-MM-DD.")] = None,
    route: Annotated[
        str | None,
        Opt("--route", help="anef, guichet, postal, demarches-simplifiees, unknown, or default."),
    ] = None,
    oqtf: OqtfOpt = None,
    oqtf_date: OqtfDateOpt = None,
    reason: Annotated[str | None, Opt("--reason", help="Why (kept in custody).")] = None,
) -> None:
    """Change an applicant's facts (route, OQTF, procedure…); each change is kept in custody."""
    from toolkit.applicants import update_applicant

    with open_ws() as ws:
        a = update_applicant(
            ws, applicant_id, prefecture=prefecture, procedure=procedure,
            permit_expiry=permit_expiry, route=route, oqtf=oqtf, oqtf_date=oqtf_date,
            reason=reason,
        )  # fmt: skip
    render.info(
        f"Applicant {a.id}: {a.procedure}, route {a.route} ({a.route_source}), OQTF {a.oqtf}"
        + (f" notified {a.oqtf_date.isoformat()}" if a.oqtf_date else "")
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


demand_app = typer.Typer(
    help="Earlier demands (date, route, complete or not) and the decision on each.",
    no_args_is_help=True,
)
app.add_typer(demand_app, name="demand")

CompleteOpt = Annotated[
    str | None, Opt("--complete", help="Was the demand complete: yes, no or unknown.")
]
DecisionOpt = Annotated[str | None, Opt("--decision", help="favorable or refusal (or none).")]
DecidedOpt = Annotated[str | None, Opt("--decided", help="Date of the decision, YYYY-MM-DD.")]
ReferenceOpt = Annotated[str | None, Opt("--reference", help="e.g. the ANEF file number.")]
NoteOpt = Annotated[str | None, Opt("--note", help="Free text.")]


@demand_app.command("add")
def demand_add(
    applicant_id: ApplicantArg,
    filed: Annotated[str, Opt("--filed", help="Date the demand was filed, YYYY-MM-DD.")],
    route: RouteOpt = None,
    procedure: Annotated[
        str | None, Opt("--procedure", help="Procedure slug [default: the applicant's].")
    ] = None,
    complete: CompleteOpt = None,
    decision: DecisionOpt = None,
    decided: DecidedOpt = None,
    reference: ReferenceOpt = None,
    note: NoteOpt = None,
) -> None:
    """Record an earlier demand (and its decision, when one was taken)."""
    from toolkit.demands import add_demand

    with open_ws() as ws:
        d = add_demand(
            ws, applicant_id, filed_on=filed, route=route, procedure=procedure,
            complete=complete, decision=decision, decided_on=decided, reference=reference,
            note=note,
        )  # fmt: skip
    render.info(f"Demand {d.number} of {applicant_id}: filed {d.filed_on.isoformat()}, {d.route}")


@demand_app.command("update")
def demand_update(
    applicant_id: ApplicantArg,
    number: Annotated[int, typer.Argument(help="The demand's number (see `applicant show`).")],
    route: RouteOpt = None,
    complete: CompleteOpt = None,
    decision: DecisionOpt = None,
    decided: DecidedOpt = None,
    reference: ReferenceOpt = None,
    note: NoteOpt = None,
    reason: Annotated[str | None, Opt("--reason", help="Why (kept in custody).")] = None,
) -> None:
    """Change a demand: completeness, the decision taken and its date."""
    from toolkit.demands import update_demand

    with open_ws() as ws:
        d = update_demand(
            ws, applicant_id, number, route=route, complete=complete, decision=decision,
            decided_on=decided, reference=reference, note=note, reason=reason,
        )  # fmt: skip
    render.info(f"Demand {d.number} of {applicant_id}: decision {d.decision}")


@demand_app.command("list")
def demand_list(applicant_id: ApplicantArg, fmt: FormatOpt = Format.table) -> None:
    """List the applicant's demands, oldest first."""
    from dataclasses import asdict

    from toolkit.demands import list_demands

    with open_ws(read_only=True) as ws:
        rows = [asdict(d) for d in list_demands(ws, applicant_id)]
    render.emit(rows, fmt, columns=["number", "filed_on", "route", "procedure", "complete",
                                    "decision", "decided_on", "reference", "note"])  # fmt: skip
