"""The workspace as the server uses it: opened for each request or job, closed after it.

No DuckDB connection is held between requests, so the CLI and the app can take turns;
when another process holds the workspace, opening fails with ``WorkspaceBusy`` and the
page says « espace de travail occupé, réessayez ».

Inside the server, DuckDB allows several connections to one file only with the same
settings, so every connection is opened for writing; those of pages are then marked
read-only, so the library records nothing for them (a chart drawn for display is not
listed in ``generated``) and any attempt to write fails loudly. Writes are serialised by
one lock: the custody log is a chain that two writers at once would fork. The server
sweeps the workspace's ``tmp/`` once, at start (:func:`toolkit.web.server.serve`); an open
for a page never does, or it would remove the files of a task under way.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit.errors import WorkspaceBusy
from toolkit.workspace import Workspace, open_workspace

BUSY_RETRY = 0.25


class WriterBusy(WorkspaceBusy):
    """Another job of this server is writing; the page asks to try again shortly."""


class Store:
    def __init__(self, root: Path) -> None:
        self.root = root
        self._write = threading.Lock()

    @contextmanager
    def reading(self) -> Iterator[Workspace]:
        ws = open_workspace(self.root, sweep_tmp=False)
        ws.read_only = True
        try:
            yield ws
        finally:
            ws.close()

    @contextmanager
    def writing(
        self,
        *,
        wait: float | None = 5.0,
        busy_for: float = 0.0,
        on_wait: Callable[[str], None] | None = None,
    ) -> Iterator[Workspace]:
        """The workspace for writing, once this server's other writer is done (``wait``
        seconds at most; None waits as long as it takes). ``busy_for``: seconds to keep
        trying while another process holds the workspace (jobs wait; pages answer)."""
        if not self._write.acquire(blocking=False):
            if on_wait:
                on_wait("en attente de la fin d'une autre tâche")
            got = self._write.acquire(timeout=-1 if wait is None else wait)
            if not got:
                raise WriterBusy(
                    "a job of this server is writing to the workspace; try again in a moment"
                )
        try:
            ws = self._open(busy_for, on_wait)
            try:
                yield ws
            finally:
                ws.close()
        finally:
            self._write.release()

    def _open(self, busy_for: float, on_wait: Callable[[str], None] | None) -> Workspace:
        deadline = time.monotonic() + busy_for
        while True:
            try:
                return open_workspace(self.root, sweep_tmp=False)
            except WorkspaceBusy:
                if time.monotonic() >= deadline:
                    raise
                if on_wait:
                    on_wait("espace de travail occupé par un autre programme : nouvel essai")
                time.sleep(BUSY_RETRY)
