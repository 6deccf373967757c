"""`guichets demo`: the main job on the bundled sample evidence."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.options import checked_paths


def demo(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Folder for the demo workspace and results.", callback=checked_paths
        ),
    ] = Path("demo"),
    sample: Annotated[
        Path | None,
        typer.Option(
            "--sample",
            help="Sample evidence folder [default: evidence/sample].",
            callback=checked_paths,
        ),
    ] = None,
) -> None:
    """Build a fresh workspace from the sample evidence and run every step."""
    from toolkit.demo import run_demo

    def on_step(name: str, summary: str) -> None:
        first, *rest = summary.splitlines() or [""]
        render.info(f"[{name}] {first}")
        for line in rest:
            render.info(line)

    with render.progress("Working") as bar:
        result = run_demo(out, sample=sample, progress=bar, on_step=on_step)
    if result.kept:
        render.warn(
            f"left {len(result.kept)} file(s) in {result.out} that the demo did not make: "
            + ", ".join(result.kept)
        )
    render.info(f"Demo workspace: {result.workspace}")
    for label, path in result.outputs.items():
        render.info(f"  {label}: {path}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
