"""`capture_page` with a real headless Chromium against the mock préfecture site."""

from __future__ import annotations

import json
import re
import socket
from pathlib import Path

import pytest

from capture.local_tsa import LocalTsa
from capture.mock_site import MockSite
from toolkit.capture import capture_page
from toolkit.capture.browser import CaptureBrowser
from toolkit.capture.har_clean import MARK
from toolkit.errors import CaptureError, InputError, TimestampError
from toolkit.verify import verify_workspace
from toolkit.workspace import Workspace


def stored(ws: Workspace) -> tuple[int, int, int, int]:
    return (
        ws.scalar("SELECT count(*) FROM attempts"),
        ws.scalar("SELECT count(*) FROM captures"),
        ws.scalar("SELECT count(*) FROM files"),
        sum(1 for _ in ws.vault.iter_files()),
    )


def test_ezbooking_from_the_official_page(
    ws: Workspace,
    applicant: str,
    site: MockSite,
    browser: CaptureBrowser,
    local_tsa: LocalTsa,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a proxy variable the browser ignores (--no-proxy-server): the IP request ignores it too
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("NO_PROXY", local_tsa.url("/").split("/")[2])  # the TSA is reached
    before = dict(site.requests)
    result = capture_page(
        ws, site.url("/booking/create/28617/1"), applicant, start_url=site.url("/"),
        timestamp=True, tsas=[local_tsa.url("/tsa")], record_ip=site.url("/ip"), browser=browser,
    )  # fmt: skip
    assert (result.outcome, result.system, result.rule) == (
        "no_slot",
        "ezbooking",
        "ezbooking.no_slot",
    )
    assert result.http_status == 200 and result.warnings == []
    assert [a.role for a in result.artefacts] == ["screenshot", "har", "mhtml", "record"]
    row = ws.rows("SELECT * FROM attempts")[0]
    assert row["time_source"] == "capture" and row["channel"] == "online"
    assert row["file_sha256"] == result.artefacts[0].sha256
    assert row["observed_at"] == result.observed_at
    assert row["time_detail"].startswith("capture:device-clock; server Date ")
    cap = ws.rows("SELECT * FROM captures")[0]
    assert cap["server_date"] is not None
    assert abs((cap["server_date"] - cap["loaded_at"]).total_seconds()) < 2
    assert cap["started_at"] <= cap["loaded_at"] <= cap["finished_at"]
    # every artefact in the vault, hashed; the PNG is a PNG, the MHTML a MIME archive
    for a in result.artefacts:
        assert ws.vault.path_for(a.sha256).stat().st_size == a.size
    assert ws.vault.read(result.artefacts[0].sha256)[:8] == b"\x89PNG\r\n\x1a\n"
    mhtml = ws.vault.read(result.artefacts[2].sha256)
    assert b"multipart/related" in mhtml[
        :2000
    ] and b"Il n'existe plus de plage horaire libre" in mhtml.replace(b"=\r\n", b"")
    assert b"s3cr3t-session" not in mhtml.replace(b"=\r\n", b"")  # no cookie in the snapshot
    # the HAR keeps statuses and Date headers, not the session cookie
    har_bytes = ws.vault.read(result.artefacts[1].sha256)
    assert b"s3cr3t-session" not in har_bytes
    har = json.loads(har_bytes)
    assert "values of Cookie, Set-Cookie" in har["log"]["comment"]
    entry = next(e for e in har["log"]["entries"] if e["request"]["url"].endswith("/28617/1"))
    headers = {h["name"].lower(): h["value"] for h in entry["response"]["headers"]}
    assert (
        entry["response"]["status"] == 200 and headers["set-cookie"] == MARK and "date" in headers
    )
    # the record: the path, the clocks, the environment
    record = json.loads(ws.vault.read(result.artefacts[3].sha256))
    assert [(s["how"], s["url"]) for s in record["path"]] == [
        ("typed", site.url("/")),
        ("link", site.url("/booking/create/28617/1")),
    ]
    assert record["path"][1]["link_text"] == "Demande de titre de séjour : prendre un rendez-vous"
    assert {s["server"] for s in record["path"]} == {f"127.0.0.1:{site.url().split(':')[2][:-1]}"}
    assert record["network"]["public_ip"]["address"] == "203.0.113.7"
    assert record["network"]["environment"]["HTTP_PROXY"] == "127.0.0.1:9"
    assert record["browser"]["executable"] == str(browser.executable)
    assert record["browser"]["cookies_at_start"] == 0 and "forms" in record["browser"]
    assert record["requests_by_method"] == {"GET": len(har["log"]["entries"])}
    assert record["har_removed"]["counts"]["Set-Cookie"] == 1
    assert abs(record["times"]["clock_offset"]["median_ms"]) < 2000
    # sealed: a token over the manifest, verified offline
    assert [o.status for o in result.timestamps] == ["granted"]
    manifest = ws.vault.read(result.manifest_sha256).decode().splitlines()
    assert [line.split("  ")[1] for line in manifest] == [a.name for a in result.artefacts]
    assert verify_workspace(ws).ok
    # observe only: no form sent, each page asked once
    assert site.posts == 0
    assert site.requests["/booking/create/28617/1"] - before.get("/booking/create/28617/1", 0) == 1


def test_a_single_page_app_is_taken_once_its_data_arrived(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser
) -> None:
    """RDV Préfecture writes its answer after a data request: the network must rest first."""
    result = capture_page(ws, site.url("/rdvpref/reservation/demarche/4321/creneau/"), applicant,
                          browser=browser)  # fmt: skip
    assert (result.outcome, result.system, result.rule) == (
        "no_slot",
        "rdv-prefecture",
        "rdvpref.no_slot",
    )
    text = ws.scalar("SELECT text FROM texts WHERE file_sha256 = ?", [result.artefacts[0].sha256])
    assert "Aucun créneau disponible à partir de cette date" in text and "Chargement" not in text


@pytest.mark.parametrize(
    ("path", "outcome", "status", "rule"),
    [
        ("/captcha", "captcha", 200, "captcha.captchetat"),
        ("/cf", "blocked", 403, "waf.cloudflare_block"),  # the page says Cloudflare
        ("/503", "error", 503, "http.5xx"),
    ],
)
def test_walls_and_errors_are_recorded_as_what_they_are(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser,
    path: str, outcome: str, status: int, rule: str,
) -> None:  # fmt: skip
    before = site.requests[path]
    result = capture_page(ws, site.url(path), applicant, browser=browser)
    assert (result.outcome, result.http_status, result.rule) == (outcome, status, rule)
    assert site.requests[path] - before == 1  # never retried
    assert site.posts == 0  # the captcha form was not sent
    note = ws.scalar("SELECT note FROM attempts")
    assert note == ("capture guichets" if status == 200 else f"capture guichets; HTTP {status}")


def test_redirect_and_device_clock_ahead(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser
) -> None:
    result = capture_page(ws, site.url("/redirect"), applicant, browser=browser)
    record = json.loads(ws.vault.read(result.artefacts[-1].sha256))
    assert [(s["how"], s["status"]) for s in record["path"]] == [("typed", 302), ("redirect", 200)]
    assert result.final_url == site.url("/booking/create/28617/1")
    skewed = capture_page(ws, site.url("/skewed"), applicant, browser=browser)
    # the server's Date is 600 s ahead, at the second; the page arrives after it was sent (seconds
    # on a loaded machine), so the estimate is 600 s minus that delay, ± 0.5 s
    said = [
        re.search(r"the device clock differs from the page's server by \+(\d+) s", w)
        for w in skewed.warnings
    ]
    [seconds] = [int(m.group(1)) for m in said if m]
    assert 590 <= seconds <= 601


def test_no_link_to_the_page_on_the_start_page(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser
) -> None:
    result = capture_page(ws, site.url("/503"), applicant, start_url=site.url("/"), browser=browser)
    record = json.loads(ws.vault.read(result.artefacts[-1].sha256))
    assert record["path"][1]["how"] == "typed"
    assert record["path"][1]["note"].startswith("no visible link to this address")
    assert any("no visible link" in w for w in result.warnings)


def test_forms_are_never_sent(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser
) -> None:
    """A page that sends a form by script is kept as it stands; a link that would send one is
    not followed; nothing reaches the server's POST handler."""
    posts = site.posts
    result = capture_page(ws, site.url("/envoi-auto"), applicant, browser=browser)
    assert site.posts == posts
    assert result.final_url == site.url("/envoi-auto") and result.outcome == "unknown"
    form = f"the page tried to send a form (requestSubmit() {site.url('/captcha')})"
    assert any(w.startswith(form) for w in result.warnings), result.warnings
    record = json.loads(ws.vault.read(result.artefacts[-1].sha256))
    assert record["requests_by_method"].get("POST") is None
    before = stored(ws)
    with pytest.raises(CaptureError) as err:
        capture_page(ws, site.url("/booking/create/28617/1"), applicant,
                     start_url=site.url("/depart-formulaire"), browser=browser, timeout=2)  # fmt: skip
    assert "the way to the page goes through sending a form (submit() " in str(err.value)
    assert site.posts == posts and stored(ws) == before


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize(
    ("which", "message"),
    [
        (
            "unreachable",
            "unreachable (ERR_CONNECTION_REFUSED); check the address and the connection; nothing was recorded",
        ),
        (
            "tls",
            "TLS error (ERR_CERT_AUTHORITY_INVALID): the browser refuses the site's certificate; nothing was recorded",
        ),
        ("slow", "the page did not finish loading within 1 s; nothing was recorded"),
        ("download", "the address gives a file to download"),
    ],
)
def test_pages_that_cannot_be_observed_record_nothing(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser, which: str, message: str
) -> None:
    url = {
        "unreachable": f"http://127.0.0.1:{_closed_port()}/booking/create/1/1",
        "tls": site.tls_url,
        "slow": site.url("/slow"),
        "download": site.url("/download"),
    }[which]
    before = stored(ws)
    with pytest.raises(CaptureError) as err:
        capture_page(ws, url, applicant, browser=browser, timeout=1 if which == "slow" else 2)
    assert str(err.value) == f"{url}: {message}" or str(err.value).startswith(f"{url}: {message}")
    assert "\n" not in str(err.value)
    assert stored(ws) == before


def test_bad_options(ws: Workspace, applicant: str, browser: CaptureBrowser) -> None:
    with pytest.raises(InputError, match="give an http:// or https:// address"):
        capture_page(ws, "file:///etc/hostname", applicant, browser=browser)
    for bad in (0, -1, float("nan"), float("inf")):
        with pytest.raises(InputError, match="give a number of seconds above 0, at most 3600"):
            capture_page(ws, "http://127.0.0.1/", applicant, browser=browser, timeout=bad)
    with pytest.raises(InputError, match="--from 'javascript:alert"):
        capture_page(
            ws, "http://127.0.0.1/", applicant, start_url="javascript:alert(1)", browser=browser
        )


def test_a_tsa_answering_garbage_records_nothing(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser, local_tsa: LocalTsa
) -> None:
    before = stored(ws)
    with pytest.raises(TimestampError, match="not an RFC 3161 time-stamp response"):
        capture_page(ws, site.url("/"), applicant, timestamp=True,
                     tsas=[local_tsa.url("/garbage")], browser=browser)  # fmt: skip
    assert stored(ws) == before


class _Watched:
    """The browser as capture_page sees it, noting where each context writes its HAR."""

    def __init__(self, real: CaptureBrowser) -> None:
        self._real = real
        self.har_paths: list[Path] = []
        self.browser = self  # capture_page asks ``browser.browser.new_context``

    def new_context(self, **kwargs: object):  # type: ignore[no-untyped-def]
        self.har_paths.append(Path(str(kwargs["record_har_path"])))
        return self._real.browser.new_context(**kwargs)  # type: ignore[arg-type]

    def describe(self) -> dict[str, object]:
        return self._real.describe()


def test_the_session_is_staged_in_the_workspace(
    ws: Workspace, applicant: str, site: MockSite, browser: CaptureBrowser
) -> None:
    """A crash mid-capture leaves the session's HAR in the workspace's tmp/ (swept at the next
    open), never in the system's temporary folder."""
    watched = _Watched(browser)
    capture_page(ws, site.url("/booking/create/28617/1"), applicant, browser=watched)  # type: ignore[arg-type]
    [har] = watched.har_paths
    assert har.parent.parent == ws.tmp_dir and har.name == "session.har"
    assert list(ws.tmp_dir.iterdir()) == []  # removed once the capture is recorded


PROFILE_CHILD = """
import json, os, sys
from pathlib import Path
from toolkit.capture.browser import CaptureBrowser
scratch = Path(sys.argv[1])
with CaptureBrowser(scratch=scratch) as b:
    context = b.browser.new_context()  # the profile exists while the browser runs
    profiles = sorted(p.name for p in scratch.iterdir())
    context.close()
print(json.dumps({"profiles": profiles, "tmpdir": os.environ.get("TMPDIR")}))
"""


def test_a_browser_started_for_one_capture_keeps_its_profile_in_the_workspace(
    ws: Workspace,
) -> None:
    """The browser's profile (which holds the site's cookies) is made in the folder given,
    the workspace's tmp/, swept after a crash: never in the system's temporary folder, whose
    variable is left as it was (Chromium keeps only its socket there: a socket's path must be
    short, so that folder is a short one under /tmp). In a child process: Playwright's sync
    API runs once per thread, and this module's browser is started already."""
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    system_tmp = Path(tempfile.mkdtemp(prefix="gt-", dir="/tmp"))
    try:
        with ws.temp_dir("capture-") as scratch:
            out = subprocess.run(
                [sys.executable, "-c", PROFILE_CHILD, str(scratch)], capture_output=True,
                text=True, env={**os.environ, "TMPDIR": str(system_tmp)}, timeout=120,
            )  # fmt: skip
        left = [p.name for p in system_tmp.iterdir()]
    finally:
        shutil.rmtree(system_tmp, ignore_errors=True)
    assert out.returncode == 0, out.stderr[-2000:]
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert any(n.startswith("playwright_chromiumdev_profile") for n in seen["profiles"]), seen
    assert seen["tmpdir"] == str(system_tmp)
    assert not [name for name in left if name.startswith("playwright")], left
    assert list(ws.tmp_dir.iterdir()) == []
