"""Running the app: a socket on 127.0.0.1 only, a fresh secret token, uvicorn."""

from __future__ import annotations

import errno
import os
import socket
from collections.abc import Callable
from pathlib import Path

from toolkit.errors import InputError
from toolkit.workspace import init_workspace, open_workspace, resolve_path

HOST = "127.0.0.1"  # never another address: the app holds identities and evidence


def listen(port: int) -> socket.socket:
    """A socket bound to 127.0.0.1:``port`` (0: any free port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise InputError(
                f"port {port} is in use (another `guichets serve`?); pass --port with another "
                "number, e.g. --port 8766"
            ) from None
        raise InputError(f"cannot listen on {HOST}:{port} ({e.strerror or e})") from None
    sock.listen(64)
    return sock


def serve(
    workspace: str | os.PathLike[str] | None = None,
    *,
    port: int = 8765,
    open_browser: bool = False,
    max_upload_mb: float | None = None,
    on_ready: Callable[[str], None] | None = None,
    on_created: Callable[[Path], None] | None = None,
    debug: bool = False,
) -> None:
    """Serve the app for ``workspace`` until interrupted; ``on_ready(url)`` receives the
    address with its token once the socket listens. A workspace folder that does not exist
    yet is created first (``on_created(path)`` is told): someone starting the app for the
    first time has nothing to open. An existing folder that is not a workspace is refused."""
    import uvicorn

    from toolkit.web.app import MAX_UPLOAD_MB, create_app

    root = Path(resolve_path(workspace))
    if not root.exists():
        init_workspace(root).close()
        if on_created:
            on_created(root)
    open_workspace(root).close()  # too new or busy: say so now; sweeps tmp/ once
    sock = listen(port)
    actual = sock.getsockname()[1]
    app = create_app(
        root,
        port=actual,
        max_upload_mb=max_upload_mb if max_upload_mb is not None else MAX_UPLOAD_MB,
        debug=debug,
    )
    url = f"http://{HOST}:{actual}/?token={app.state.web.secrets.token}"
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,  # addresses may carry the token
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    if on_ready:
        on_ready(url)
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
