"""`guichets check ID`: is the file ready for the remedy its situation calls for?"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantArg, FormatOpt, checked_paths
from toolkit.cli.render import Format

LEVEL_MARKS = {"fail": "FAIL", "warn": "WARN", "ok": "ok"}


def check(
    applicant_id: ApplicantArg,
    fmt: FormatOpt = Format.table,
    rules: Annotated[
        Path | None,
        typer.Option(
            "--rules",
            help="Rules file (TOML) laid over the bundled one: thresholds, messages.",
            callback=checked_paths,
        ),
    ] = None,
    today: Annotated[
        str | None,
        typer.Option("--today", help="Date of the check, YYYY-MM-DD [default: today]."),
    ] = None,
) -> None:
    """Check an applicant's file against case law; exit 1 when it is insufficient.

    The rules follow the file's situation (booking, ANEF substitution, pending demand,
    convocation awaited, implicit rejection, refusal; see `guichets timeline`). Verdict:
    ready (no warning), weak (warnings only) or insufficient (a failure).
    """
    from toolkit.applicants import parse_date
    from toolkit.indicators.readiness import check_readiness

    with open_ws(read_only=True) as ws:
        result = check_readiness(ws, applicant_id, rules=rules, today=parse_date(today, "--today"))
    if fmt is Format.json:
        render.emit(result, fmt)
    else:
        rows = [
            {
                **f,
                "level": LEVEL_MARKS[f["level"]],
                "source": f["source"] + (" [à vérifier]" if f["to_verify"] else ""),
            }
            for f in result["findings"]
        ]
        render.emit(
            rows,
            fmt,
            columns=("level", "rule", "message", "source"),
            title=f"Readiness of {applicant_id} (findings in French, as for the court)",
            wrap=("message", "source"),
        )
        counts = result["counts"]
        render.info(f"Situation: {result['situation']} ({result['situation_fr']})")
        render.info(
            f"Verdict: {result['verdict']}: {counts['fail']} failure(s), "
            f"{counts['warn']} warning(s), {counts['ok']} ok"
        )
    if result["verdict"] == "insufficient":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("check")(check)
