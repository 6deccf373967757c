"""The browser a capture runs in: the system's Chromium driven by Playwright, headless.

Playwright is imported only here, and only when a browser is started. It never downloads a
browser: it drives the Chromium of the system (Debian's ``chromium``, or the program named by
``$GUICHETS_CHROMIUM``). Every capture gets a new browser context (no cache, cookies,
storage, history or extension of any earlier session); the browser itself starts from a
fresh temporary profile that Playwright deletes when it stops. Given a ``scratch`` folder
(the workspace's ``tmp/``, swept at the next open), the profile is made there, so a capture
killed mid-way leaves no profile with the site's cookies in the system's temporary folder.
Chromium is started without
a proxy (``--no-proxy-server``) and without its background connections, which this record
states.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import CaptureError, MissingDependency

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ENV_CHROMIUM = "GUICHETS_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
)


def chromium_path() -> Path:
    """The Chromium program: ``$GUICHETS_CHROMIUM``, else /usr/bin/chromium, else on PATH."""
    named = os.environ.get(ENV_CHROMIUM)
    candidates = [named] if named else [DEFAULT_CHROMIUM, shutil.which("chromium") or ""]
    for c in candidates:
        if c and Path(c).is_file() and os.access(c, os.X_OK):
            return Path(c)
    raise CaptureError(
        f"Chromium not found ({named or DEFAULT_CHROMIUM}); install it (`apt-get install "
        f"chromium`) or name the program with ${ENV_CHROMIUM}"
    )


class CaptureBrowser:
    """A started Chromium; one per run (or per test module), one context per capture.

    Use as a context manager; :meth:`close` stops it.
    """

    def __init__(
        self, executable: str | os.PathLike[str] | None = None, scratch: Path | None = None
    ) -> None:
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            raise MissingDependency(
                "`guichets capture` needs Playwright: pip install 'guichets[capture]' "
                "(it drives the system's Chromium; no browser is downloaded)"
            ) from None
        self.executable = Path(executable) if executable else chromium_path()
        self._pw: Playwright = _start(sync_playwright, scratch)
        try:
            # the browser's own environment is this process's: its sockets stay in the
            # system's temporary folder (a socket's path is limited to 107 bytes)
            self.browser: Browser = self._pw.chromium.launch(
                executable_path=str(self.executable), headless=True, args=list(FLAGS),
                env=dict(os.environ),
            )  # fmt: skip
        except Exception as e:
            self._pw.stop()
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise CaptureError(f"{self.executable}: Chromium did not start ({first})") from None
        self.version = self.browser.version
        self.playwright_version = _playwright_version()

    def describe(self) -> dict[str, Any]:
        return {
            "name": "Chromium",
            "version": self.version,
            "executable": _without_home(self.executable),
            "headless": True,
            "flags": list(FLAGS),
            "automation": f"Playwright {self.playwright_version}",
            "profile": "fresh temporary profile; a new browser context per capture (no cache, "
            "cookies, storage, history or extension of any earlier session)",
        }

    def close(self) -> None:
        try:
            self.browser.close()
        finally:
            self._pw.stop()

    def __enter__(self) -> CaptureBrowser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _start(sync_playwright: Any, scratch: Path | None) -> Playwright:
    """Start Playwright's driver; with ``scratch``, its temporary folder (where it makes the
    browser's profile) is ``scratch``. The driver reads ``TMPDIR`` when it starts, so the
    variable is set for that moment only."""
    if scratch is None:
        return sync_playwright().start()
    before = os.environ.get("TMPDIR")
    os.environ["TMPDIR"] = str(scratch)
    try:
        return sync_playwright().start()
    finally:
        if before is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before


def _without_home(path: Path) -> str:
    """The program's path, with the user's home folder (it may carry a name) written ``~``."""
    try:
        return "~/" + path.relative_to(Path.home()).as_posix()
    except (ValueError, RuntimeError):
        return str(path)


def _playwright_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("playwright")
    except PackageNotFoundError:
        return "unknown"
