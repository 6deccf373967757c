"""`guichets capture URL --applicant ID`: observe a booking page in a headless Chromium."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.context import open_ws
from toolkit.cli.options import ApplicantOpt, FormatOpt, TsaOpt
from toolkit.cli.render import Format


def capture(
    url: Annotated[str, typer.Argument(help="The booking page to capture.", show_default=False)],
    applicant_id: ApplicantOpt,
    start_url: Annotated[
        str | None,
        typer.Option("--from", help="The préfecture's official page the path starts from."),
    ] = None,
    timestamp: Annotated[
        bool, typer.Option("--timestamp", help="Ask the TSAs for tokens at once.")
    ] = False,
    tsa: TsaOpt = None,
    record_ip: Annotated[
        str | None,
        typer.Option("--record-ip", help="A service answering the public IP address as text."),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Seconds the page may take to load.")
    ] = 30.0,
    pv: Annotated[
        Path | None,
        typer.Option(
            "--pv", help="Where to write the procès-verbal [default: WORKSPACE/out/captures/]."
        ),
    ] = None,
    fmt: FormatOpt = Format.table,
) -> None:
    """Load the page in a fresh headless Chromium (observe only: no form, no captcha, no
    retry), keep a full-page PNG, the HAR, an MHTML snapshot and a record in the vault,
    record the attempt, and write its procès-verbal (PDF)."""
    from toolkit.capture import capture_page
    from toolkit.documents.capture_pv import write_capture_pv

    with open_ws() as ws:
        result = capture_page(ws, url, applicant_id, start_url=start_url, timestamp=timestamp,
                              tsas=tsa, record_ip=record_ip, timeout=timeout)  # fmt: skip
        for warning in result.warnings:
            render.warn(warning)
        path = write_capture_pv(ws, result.attempt_id, pv)
    if fmt is Format.json:
        render.emit({**result.to_dict(), "pv": str(path)}, fmt)
    for line in result.lines():
        render.info(line)
    render.info(result.summary())
    render.info(f"Procès-verbal: {path}")


def capture_report(
    attempt_id: Annotated[
        str, typer.Argument(help="The capture's attempt id.", show_default=False)
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write [default: WORKSPACE/out/captures/]."),
    ] = None,
) -> None:
    """Write a capture's procès-verbal again (with the tokens obtained since), its
    verification files attached."""
    from toolkit.documents.capture_pv import write_capture_pv

    with open_ws() as ws:
        path = write_capture_pv(ws, attempt_id, out)
    render.info(f"Procès-verbal: {path}")


def register(app: typer.Typer) -> None:
    app.command("capture")(capture)
    app.command("capture-report")(capture_report)
