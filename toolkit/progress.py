"""Progress reporting: the library calls a callback; the CLI draws it. The library never prints."""

from __future__ import annotations

from collections.abc import Callable

# progress(done, total, label): total may be 0 when unknown.
ProgressCallback = Callable[[int, int, str], None]


def noop(done: int, total: int, label: str) -> None:
    return None
