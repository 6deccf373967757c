"""One observation in a fresh browser context: the path to the page and its artefacts.

Order, as a commissaire de justice would proceed: open the official start page when one is
given; follow the link to the requested address found on it (or, if there is none, open the
address directly, saying so); wait for the page to load and for the network to rest (both
bounded); then take the page as it stands: its DOM for classification, a full-page PNG, an
MHTML snapshot, and the HAR of every exchange. Observe only: nothing is typed, no form is
submitted, no captcha is touched, nothing is retried. A page that does not load in time, a
certificate the browser refuses, an unreachable host or a download is a :class:`CaptureError`
(one line, nothing recorded); a captcha, a block page or an HTTP error is a page, and is kept.

Times are the device's clock (UTC); each response's ``Date`` header is kept beside it.
"""

from __future__ import annotations

import re
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag

from toolkit.errors import CaptureError

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext, Page, Response

    from toolkit.capture.browser import CaptureBrowser

VIEWPORT = {"width": 1366, "height": 900}
LOCALE = "fr-FR"
SETTLE_QUIET_MS = 300  # no request in flight for this long = the network rests
SETTLE_MAX_MS = 5_000
_NET_ERROR = re.compile(r"net::(ERR_[A-Z_]+)")
# Observe only: in every page and frame, before the page's own scripts, a form can be neither
# submitted (the submit event is cancelled) nor sent by script (submit()/requestSubmit() do
# nothing); each attempt is reported to guichets. The page's content is not changed.
FORM_GUARD = """(() => {
  const report = (form, how) => {
    try { window.__guichetsFormBlocked(String((form && form.action) || ''), how); } catch (e) {}
  };
  window.addEventListener('submit', (e) => {
    e.preventDefault(); e.stopImmediatePropagation(); report(e.target, 'submit');
  }, true);
  const proto = HTMLFormElement.prototype;
  proto.submit = function () { report(this, 'submit()'); };
  proto.requestSubmit = function () { report(this, 'requestSubmit()'); };
})();"""


@dataclass
class Exchange:
    """One HTTP response as the browser received it."""

    url: str
    status: int
    received_at: datetime  # device clock
    server_date: datetime | None  # its Date header
    document: bool  # a page (main or frame document), not a resource


@dataclass
class Step:
    """One step of the path to the page."""

    how: str  # typed (address opened), link (followed), redirect (HTTP)
    url: str
    status: int | None
    at: datetime  # device clock, when the answer came
    link_text: str | None = None
    note: str | None = None
    server: str | None = None  # the address the browser connected to, « ip:port »

    def to_dict(self) -> dict[str, Any]:
        return {
            "how": self.how,
            "url": self.url,
            "status": self.status,
            "at": self.at.isoformat(),
            "link_text": self.link_text,
            "note": self.note,
            "server": self.server,
        }


@dataclass
class Observation:
    requested_url: str
    start_url: str | None
    final_url: str
    http_status: int | None
    html: str
    png: bytes
    mhtml: bytes | None
    har: bytes  # as Playwright wrote it; cleaned by the caller
    user_agent: str
    started_at: datetime
    loaded_at: datetime
    captured_at: datetime
    finished_at: datetime
    server_date: datetime | None
    steps: list[Step] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    settled: bool = True
    waited_ms: int = 0
    notes: list[str] = field(default_factory=list)
    context: dict[str, Any] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC)


class _Watch:
    """Responses, requests in flight and downloads, as events arrive."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self.inflight = 0
        self.last_change = time.monotonic()
        self.download: str | None = None
        self.forms: list[str] = []  # form submissions the guard blocked: « how action »

    def guard(self, context: BrowserContext) -> None:
        context.expose_binding("__guichetsFormBlocked", self._form_blocked)
        context.add_init_script(FORM_GUARD)

    def _form_blocked(self, _source: Any, action: str, how: str) -> None:
        self.forms.append(f"{how} {action}".strip())

    def attach(self, context: BrowserContext, page: Page) -> None:
        context.on("request", self._request)
        context.on("requestfinished", self._done)
        context.on("requestfailed", self._done)
        context.on("response", self._response)
        page.on("download", self._download)

    def _request(self, _: Any) -> None:
        self.inflight += 1
        self.last_change = time.monotonic()

    def _done(self, _: Any) -> None:
        self.inflight = max(0, self.inflight - 1)
        self.last_change = time.monotonic()

    def _response(self, response: Response) -> None:
        received = _now()
        try:
            date = response.headers.get("date")
            kind = response.request.resource_type
        except Exception:  # a response of a context being closed
            return
        self.exchanges.append(
            Exchange(response.url, response.status, received, _http_date(date), kind == "document")
        )

    def _download(self, download: Any) -> None:
        self.download = download.suggested_filename or "file"


def _http_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def observe(
    browser: CaptureBrowser,
    url: str,
    *,
    staging: Path,
    start_url: str | None = None,
    timeout_s: float = 30.0,
    settle_max_ms: int = SETTLE_MAX_MS,
) -> Observation:
    """Open the page in a fresh context and keep what it shows (see the module doc).
    The browser writes the session's HAR in ``staging`` (the caller's folder, under the
    workspace's ``tmp/``: a crash leaves nothing outside the workspace, and the next open
    sweeps it)."""
    from playwright.sync_api import Error as PlaywrightError

    timeout_ms = int(timeout_s * 1000)
    watch = _Watch()
    har_path = staging / "session.har"
    context = browser.browser.new_context(
        viewport=VIEWPORT,  # type: ignore[arg-type]
        locale=LOCALE,
        service_workers="block",
        accept_downloads=False,
        ignore_https_errors=False,
        record_har_path=str(har_path),
        record_har_content="embed",
        record_har_mode="full",
    )
    closed = False
    try:
        cookies_at_start = len(context.cookies())
        watch.guard(context)
        page = context.new_page()
        page.set_default_timeout(timeout_ms)
        watch.attach(context, page)
        started = _now()
        steps: list[Step] = []
        notes: list[str] = []
        if start_url:
            _steps_of(_goto(page, start_url, timeout_ms, watch), "typed", steps, watch)
            response = _follow(page, url, start_url, timeout_ms, watch, steps, notes)
        else:
            response = _goto(page, url, timeout_ms, watch)
            _steps_of(response, "typed", steps, watch)
        loaded = steps[-1].at
        settled, waited = _settle(page, watch, settle_max_ms)
        if not settled:
            notes.append(
                f"the network was still busy {waited} ms after the page loaded; the page "
                "was taken as it stood"
            )
        html = page.content()
        user_agent = str(page.evaluate("navigator.userAgent"))
        png = page.screenshot(full_page=True, type="png", timeout=timeout_ms)
        mhtml = _mhtml(context, page, notes)
        captured = _now()
        notes += [
            f"the page tried to send a form ({form}); guichets blocked it (observe only)"
            for form in dict.fromkeys(watch.forms)
        ]
        final_url = page.url
        context.close()  # writes the HAR
        closed = True
        har = har_path.read_bytes()
    except PlaywrightError as e:
        raise _capture_error(url, e, watch, timeout_s) from None
    finally:
        if not closed:
            with suppress(PlaywrightError):
                context.close()
    finished = _now()
    final = next((s for s in reversed(steps) if s.how != "redirect"), steps[-1])
    server_date = next(
        (x.server_date for x in reversed(watch.exchanges) if x.document and x.url == final.url),
        None,
    )
    return Observation(
        requested_url=url,
        start_url=start_url,
        final_url=final_url,
        http_status=response.status if response is not None else None,
        html=html,
        png=png,
        mhtml=mhtml,
        har=har,
        user_agent=user_agent,
        started_at=started,
        loaded_at=loaded,
        captured_at=captured,
        finished_at=finished,
        server_date=server_date,
        steps=steps,
        exchanges=watch.exchanges,
        settled=settled,
        waited_ms=waited,
        notes=notes,
        context={
            "viewport": VIEWPORT,
            "locale": LOCALE,
            "service_workers": "blocked (every exchange goes through the network and the HAR)",
            "downloads": "refused",
            "certificate_errors": "refused (never bypassed)",
            "forms": "submission blocked in every page by a script guichets adds (submit events "
            "cancelled, form.submit() and requestSubmit() disabled); the page's content is "
            "not changed",
            "cookies_at_start": cookies_at_start,
        },
    )


def _goto(
    page: Page, url: str, timeout_ms: int, watch: _Watch, referer: str | None = None
) -> Response:
    response = page.goto(url, wait_until="load", timeout=timeout_ms, referer=referer)
    if response is None:  # same-document navigation: nothing was loaded
        raise CaptureError(f"{url}: the browser loaded nothing (same page?); nothing was recorded")
    return response


def _steps_of(response: Response, how: str, steps: list[Step], watch: _Watch, **extra: Any) -> None:
    """The answer to one navigation, with its redirects first, each at the device time its
    answer arrived."""
    chain = []
    request = response.request.redirected_from
    while request is not None:
        chain.append(request)
        request = request.redirected_from
    hops: list[tuple[str, int | None, str | None]] = []
    for r in reversed(chain):
        hop = r.response()
        hops.append((r.url, hop.status if hop else None, _server(hop)))
    hops.append((response.url, response.status, _server(response)))
    for i, (url, status, server) in enumerate(hops):
        received = next(
            (
                x.received_at
                for x in reversed(watch.exchanges)
                if x.url == url and x.status == status
            ),
            _now(),
        )
        steps.append(
            Step(
                how if i == 0 else "redirect",
                url,
                status,
                received,
                server=server,
                **(extra if i == 0 else {}),
            )
        )


def _server(response: Response | None) -> str | None:
    """« ip:port » of the server that answered (as the browser connected to it)."""
    if response is None:
        return None
    try:
        addr = response.server_addr()
    except Exception:  # an answer from the cache or of a closed context has none
        return None
    if not addr or not addr.get("ipAddress"):
        return None
    return f"{addr['ipAddress']}:{addr['port']}"


def _same(a: str, b: str) -> bool:
    return urldefrag(a)[0].rstrip("/") == urldefrag(b)[0].rstrip("/")


def _follow(
    page: Page,
    url: str,
    start_url: str,
    timeout_ms: int,
    watch: _Watch,
    steps: list[Step],
    notes: list[str],
) -> Response:
    """Click the start page's link to ``url`` (the first visible one); else open ``url``
    with the start page as Referer, and say there was no such link."""
    links = page.eval_on_selector_all(
        "a[href]",
        "els => els.map((e, i) => [i, e.href, (e.innerText || e.title || '').trim(),"
        " e.target || '', !!(e.offsetWidth || e.offsetHeight || e.getClientRects().length)])",
    )
    match = next((lk for lk in links if _same(lk[1], url) and lk[4]), None)
    if match is not None and match[3] in ("", "_self", "_top", "_parent"):
        index, _, text, _, _ = match
        with page.expect_navigation(wait_until="load", timeout=timeout_ms) as nav:
            page.locator("a[href]").nth(index).click(timeout=timeout_ms)
        response = nav.value
        if response is None:
            raise CaptureError(f"{url}: following the link loaded nothing; nothing was recorded")
        _steps_of(response, "link", steps, watch, link_text=text[:200] or None)
        return response
    note = (
        "the link opens a new window; the address was opened in the same window, with the "
        "start page as Referer"
        if match is not None
        else "no visible link to this address on the start page; the address was opened "
        "directly, with the start page as Referer"
    )
    notes.append(note)
    response = _goto(page, url, timeout_ms, watch, referer=start_url)
    _steps_of(response, "typed", steps, watch, note=note)
    return response


def _settle(page: Page, watch: _Watch, settle_max_ms: int) -> tuple[bool, int]:
    """Wait until no request has been in flight for SETTLE_QUIET_MS, at most settle_max_ms."""
    start = time.monotonic()
    while True:
        now = time.monotonic()
        quiet = watch.inflight == 0 and (now - watch.last_change) * 1000 >= SETTLE_QUIET_MS
        waited = int((now - start) * 1000)
        if quiet:
            return True, waited
        if waited >= settle_max_ms:
            return False, waited
        page.wait_for_timeout(40)


def _mhtml(context: BrowserContext, page: Page, notes: list[str]) -> bytes | None:
    """Chromium's own single-file snapshot of the page (DevTools ``Page.captureSnapshot``)."""
    from playwright.sync_api import Error as PlaywrightError

    try:
        session = context.new_cdp_session(page)
        data = session.send("Page.captureSnapshot", {"format": "mhtml"})["data"]
        session.detach()
    except PlaywrightError as e:
        notes.append(f"no MHTML snapshot ({str(e).splitlines()[0][:120]})")
        return None
    return str(data).encode("utf-8")


def _capture_error(url: str, e: Exception, watch: _Watch, timeout_s: float) -> CaptureError:
    text = str(e)
    code = _NET_ERROR.search(text)
    if watch.download or "Download is starting" in text:
        name = f" ({watch.download})" if watch.download else ""
        return CaptureError(
            f"{url}: the address gives a file to download{name}, not a page; nothing was "
            "recorded (download it and use `guichets ingest`)"
        )
    if watch.forms:
        return CaptureError(
            f"{url}: the way to the page goes through sending a form ({watch.forms[0]}), which "
            "a capture never does; nothing was recorded (capture the page without --from, or "
            "give the address the form leads to)"
        )
    if code and code.group(1).startswith(("ERR_CERT_", "ERR_SSL_", "ERR_BAD_SSL")):
        return CaptureError(
            f"{url}: TLS error ({code.group(1)}): the browser refuses the site's certificate; "
            "nothing was recorded (a capture never bypasses a certificate error)"
        )
    if code:
        return CaptureError(
            f"{url}: unreachable ({code.group(1)}); check the address and the connection; "
            "nothing was recorded"
        )
    if "Timeout" in text and "exceeded" in text:
        return CaptureError(
            f"{url}: the page did not finish loading within {timeout_s:g} s; nothing was "
            "recorded (run the capture again later: it never retries by itself)"
        )
    first = text.strip().splitlines()[0][:200] if text.strip() else type(e).__name__
    return CaptureError(
        f"{url}: the browser could not load the page ({first}); nothing was recorded"
    )
