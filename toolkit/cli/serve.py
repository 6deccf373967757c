"""`guichets serve`: the local web app for people who never open a terminal."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from toolkit.cli import render
from toolkit.cli.state import settings


def serve(
    port: Annotated[
        int, typer.Option("--port", help="Port on 127.0.0.1 (0: any free port).")
    ] = 8765,
    open_browser: Annotated[
        bool, typer.Option("--open", help="Open the address in the default browser.")
    ] = False,
    max_upload_mb: Annotated[
        float, typer.Option("--max-upload-mb", help="Largest upload, in MB, all files together.")
    ] = 1000,
) -> None:
    """Serve the web app on this computer only (127.0.0.1), in French, for the workspace.

    Prints an address with a secret token: open it in a browser on this computer. Every
    request without the token is refused. A workspace folder that does not exist yet is
    created. Ctrl-C stops the server.
    """
    from toolkit.web.server import serve as run

    def ready(url: str) -> None:
        sys.stdout.write(url + "\n")
        sys.stdout.flush()
        render.info("Open this address in your browser (on this computer only); Ctrl-C stops.")

    def created(path: object) -> None:
        render.info(f"New workspace created: {path} (there was none)")

    run(settings.workspace, port=port, open_browser=open_browser, max_upload_mb=max_upload_mb,
        on_ready=ready, on_created=created, debug=settings.debug)  # fmt: skip


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
