"""`guichets exhibits ID --out DIR`: pièces for Télérecours, inventory, manifest."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt, OutDirOpt, TsaOpt
from toolkit.cli.render import Format


class Group(StrEnum):
    month = "month"
    week = "week"


def exhibits(
    applicant_id: ApplicantArg,
    out: OutDirOpt,
    max_file_mb: Annotated[
        float, typer.Option("--max-file-mb", help="Largest file in MB; bigger pièces are split.")
    ] = 32,
    group: Annotated[
        Group, typer.Option("--group", help="One pièce of screenshots per month or per ISO week.")
    ] = Group.month,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Date of the situation the « Chronologie de la procédure » shows, YYYY-MM-DD "
            "[default: the latest date of the evidence and events].",
        ),
    ] = None,
    with_robot_evidence: Annotated[
        bool,
        typer.Option(
            "--with-robot-evidence",
            help="Add a pièce of the robot probes nearest each attempt, with who ran them "
            "(`guichets source describe`) and an attestation for the operator to sign.",
        ),
    ] = False,
    with_notes: Annotated[
        bool,
        typer.Option("--with-notes", help="Print the applicant's own notes (left out by default)."),
    ] = False,
    document_timestamp: Annotated[
        bool,
        typer.Option(
            "--document-timestamp",
            help="Add a PDF document timestamp (PAdES) to each pièce, from the first TSA.",
        ),
    ] = False,
    tsa: TsaOpt = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """One PDF per pièce named NN_Label.pdf, the inventaire détaillé (DOCX and PDF), manifest.json
    and SHA256SUMS; check the folder later with `guichets verify DIR`."""
    from toolkit.applicants import parse_date
    from toolkit.capture.tsa import resolve_tsas
    from toolkit.documents import build_exhibits

    day = parse_date(as_of, "--as-of")
    stamp = resolve_tsas(tsa)[0].url if document_timestamp else None
    with open_ws() as ws, render.progress("Exhibits") as bar:
        result = build_exhibits(
            ws, applicant_id, out, max_file_mb=max_file_mb, group=group.value, as_of=day,
            with_robot_evidence=with_robot_evidence, with_notes=with_notes, progress=bar,
            document_timestamp_tsa=stamp,
        )  # fmt: skip
    for warning in result.warnings:
        render.warn(warning)
    if result.kept:
        render.warn(
            f"left {len(result.kept)} file(s) in {result.out} that `guichets exhibits` did not "
            f"make: {', '.join(result.kept)}; move them out before filing (`guichets verify` "
            "names them)"
        )
    if result.removed:
        render.info(
            f"Removed {len(result.removed)} pièce(s) of the earlier build that this one no "
            f"longer has: {', '.join(result.removed)}"
        )
    if fmt is Format.json:
        render.emit(result.to_dict(), fmt)
    else:
        rows = [
            {"n": p.number, "file": p.filename, "pages": p.pages, "label": p.full_label}
            for p in result.pieces
        ]
        render.emit(rows, fmt, columns=["n", "file", "pages", "label"], wrap=("label",))
    render.info(f"Exhibits written: {result.summary()}")


def register(app: typer.Typer) -> None:
    app.command("exhibits")(exhibits)
