"""`guichets capture`: observe a page, keep its artefacts, record the attempt, seal it in time.

Everything that needs the network happens first (the public IP when asked, the browser
session, the TSA requests); then the artefacts, the attempt, the capture row, the manifest
and the tokens land in one transaction, or nothing does. The page is classified like any
capture (:func:`toolkit.classify.classify_html` on the page as rendered, with its HTTP
status); the attempt's time is the device clock when the page's answer arrived (time source
``capture``), with the server's ``Date`` and the clock offset kept beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from toolkit._version import __version__
from toolkit.capture.environment import (
    CLOCK_NOTE_MS,
    clock_offset,
    page_offset_ms,
    proxy_facts,
    public_ip,
    system_facts,
)
from toolkit.capture.har_clean import clean_har
from toolkit.capture.manifest import Line, manifest_bytes
from toolkit.capture.timestamps import (
    PENDING_HINT,
    TsaOutcome,
    ask_tsas,
    record_manifest,
    record_outcomes,
)
from toolkit.capture.tsa import DEFAULT_TIMEOUT, resolve_tsas
from toolkit.errors import InputError
from toolkit.ingest.captures.base import page_text
from toolkit.ingest.records import content_id, insert_attempt, store_text
from toolkit.model import Attempt, Channel, Outcome, System, TimeSource
from toolkit.vault import sha256_bytes
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from toolkit.capture.browser import CaptureBrowser
    from toolkit.capture.session import Observation
    from toolkit.model import Classification

RECORD_FORMAT = "guichets-capture/1"
OBSERVE_ONLY = "observe only: nothing typed, no form submitted, no captcha touched, no retry"


@dataclass
class Artefact:
    role: str  # screenshot, har, mhtml, record
    name: str
    sha256: str
    size: int
    media_type: str

    def to_dict(self) -> dict[str, Any]:
        return {"role": self.role, "name": self.name, "sha256": self.sha256, "size": self.size,
                "media_type": self.media_type}  # fmt: skip


@dataclass
class CaptureResult:
    attempt_id: str
    applicant_id: str
    url: str
    final_url: str
    http_status: int | None
    outcome: str
    system: str
    rule: str | None
    observed_at: datetime
    server_date: datetime | None
    clock_offset_ms: int | None
    artefacts: list[Artefact]
    manifest_sha256: str
    timestamps: list[TsaOutcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"capture: attempt {self.attempt_id} recorded ({self.outcome}, {self.system}, "
            f"HTTP {self.http_status}), {len(self.artefacts)} artefacts in the vault"
        )

    def lines(self) -> list[str]:
        return [o.line() for o in self.timestamps]

    def to_dict(self) -> dict[str, Any]:
        return {
            "attempt_id": self.attempt_id,
            "applicant": self.applicant_id,
            "url": self.url,
            "final_url": self.final_url,
            "http_status": self.http_status,
            "outcome": self.outcome,
            "system": self.system,
            "rule": self.rule,
            "observed_at": self.observed_at.isoformat(),
            "time_source": TimeSource.CAPTURE.value,
            "server_date": self.server_date.isoformat() if self.server_date else None,
            "clock_offset_ms": self.clock_offset_ms,
            "artefacts": [a.to_dict() for a in self.artefacts],
            "manifest_sha256": self.manifest_sha256,
            "timestamps": [o.to_dict() for o in self.timestamps],
            "warnings": self.warnings,
        }


def capture_page(
    ws: Workspace,
    url: str,
    applicant_id: str,
    *,
    start_url: str | None = None,
    timestamp: bool = False,
    tsas: list[str] | None = None,
    record_ip: str | None = None,
    timeout: float = 30.0,
    tsa_timeout: float = DEFAULT_TIMEOUT,
    browser: CaptureBrowser | None = None,
) -> CaptureResult:
    """Capture ``url`` for the applicant (see the module doc); ``browser`` reuses a started
    :class:`~toolkit.capture.browser.CaptureBrowser` (else one is started and stopped)."""
    from toolkit.applicants import get_applicant
    from toolkit.capture.browser import CaptureBrowser
    from toolkit.capture.session import observe
    from toolkit.classify import classify_html

    applicant = get_applicant(ws, applicant_id)
    for name, value in (("URL", url), ("--from", start_url), ("--record-ip", record_ip)):
        if value is not None and urlsplit(value).scheme not in ("http", "https"):
            raise InputError(f"{name} {value!r}: give an http:// or https:// address")
    if not 0 < timeout <= 3600:  # also refuses nan and inf
        raise InputError(f"--timeout {timeout}: give a number of seconds above 0, at most 3600")
    chosen = resolve_tsas(tsas) if timestamp else []
    ip = public_ip(record_ip) if record_ip else None
    with ws.temp_dir("capture-") as staging:
        own = browser is None
        # a browser started here makes its profile in the workspace's tmp/ (swept after a crash)
        browser = browser or CaptureBrowser(scratch=staging)
        try:
            obs = observe(browser, url, staging=staging, start_url=start_url, timeout_s=timeout)
            described = browser.describe()
        finally:
            if own:
                browser.close()
    har, removed, methods = clean_har(obs.har)
    cls = classify_html(obs.html, url=obs.final_url, http_status=obs.http_status)
    offset = clock_offset(obs.exchanges)
    warnings = list(obs.notes)
    if cls.system == System.UNKNOWN and cls.outcome == Outcome.UNKNOWN:
        warnings.append("not recognised as a booking page; recorded with outcome unknown")
    checks: list[tuple[str, int | None]] = [
        ("the page's server", page_offset_ms(obs.server_date, obs.loaded_at)),
        ("the servers", offset.median_ms if offset else None),
    ]
    for who, ms in checks:
        if ms is not None and abs(ms) > CLOCK_NOTE_MS:
            warnings.append(
                f"the device clock differs from {who} by {ms / 1000:+.0f} s; the "
                "procès-verbal shows both times"
            )
            break
    if ip is not None and "error" in ip:
        warnings.append(f"public IP not obtained from {record_ip}: {ip['error']}")

    stem = "capture-" + obs.loaded_at.strftime("%Y%m%dT%H%M%SZ")
    artefacts = [Artefact("screenshot", f"{stem}.png", sha256_bytes(obs.png), len(obs.png), "image/png"),
                 Artefact("har", f"{stem}.har", sha256_bytes(har), len(har), "application/json")]  # fmt: skip
    if obs.mhtml is not None:
        artefacts.append(
            Artefact(
                "mhtml",
                f"{stem}.mhtml",
                sha256_bytes(obs.mhtml),
                len(obs.mhtml),
                "multipart/related",
            )
        )
    record = _record(obs, cls, offset, ip, removed, methods, artefacts, described)
    artefacts.append(
        Artefact("record", f"{stem}.json", sha256_bytes(record), len(record), "application/json")
    )
    manifest = manifest_bytes([Line(a.sha256, a.name) for a in artefacts])
    manifest_sha = sha256_bytes(manifest)
    outcomes = ask_tsas(manifest, chosen, timeout=tsa_timeout) if chosen else []
    warnings += [f"{o.tsa.label}: unreachable ({o.error}); {PENDING_HINT}" for o in outcomes
                 if o.status == "pending"]  # fmt: skip

    aid = content_id("capture", applicant.id, artefacts[-1].sha256)
    attempt = Attempt(
        applicant_id=applicant.id,
        channel=Channel.ONLINE.value,
        observed_at=obs.loaded_at,
        time_source=TimeSource.CAPTURE.value,
        outcome=cls.outcome,
        system=cls.system,
        url=obs.final_url,
        slots=cls.slots,
        first_slot=cls.first_slot,
        file_sha256=artefacts[0].sha256,
        original_name=artefacts[0].name,
        extraction="rule",
        rule=cls.rule,
        confidence=cls.confidence,
        note=_note(obs),
    )
    _provenance(attempt, cls, obs, applicant.tz)
    data = {"screenshot": obs.png, "har": har, "mhtml": obs.mhtml, "record": record}
    with ws.transaction():
        source_id = ws.new_source("capture", url, {"start_url": start_url, "timestamp": timestamp})
        for a in artefacts:
            ws.store_file(data[a.role] or b"", a.name, a.media_type)
        record_manifest(ws, manifest, f"{stem}.sha256")
        insert_attempt(
            ws, attempt, applicant, source_id, time_detail=_time_detail(obs, offset), aid=aid
        )
        store_text(ws, artefacts[0].sha256, 0, "html", page_text(obs.html))
        by_role = {a.role: a.sha256 for a in artefacts}
        ws.sql(
            "INSERT INTO captures (attempt_id, applicant_id, requested_url, start_url, final_url, "
            "http_status, started_at, loaded_at, finished_at, server_date, clock_offset_ms, "
            "screenshot_sha256, har_sha256, mhtml_sha256, record_sha256, manifest_sha256) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [aid, applicant.id, url, start_url, obs.final_url, obs.http_status, obs.started_at,
             obs.loaded_at, obs.finished_at, obs.server_date,
             offset.median_ms if offset else None, by_role["screenshot"], by_role["har"],
             by_role.get("mhtml"), by_role["record"], manifest_sha],
        )  # fmt: skip
        record_outcomes(ws, manifest_sha, f"capture:{aid}", outcomes)
        ws.set_source_rows(source_id, 1)
        ws.log_custody(
            "capture",
            {"applicant": applicant.id, "attempt": aid, "url": url, "start_url": start_url,
             "final_url": obs.final_url, "outcome": cls.outcome, "manifest_sha256": manifest_sha,
             "artefacts": {a.role: a.sha256 for a in artefacts},
             "timestamps": [o.to_dict() for o in outcomes]},
        )  # fmt: skip
    return CaptureResult(
        aid, applicant.id, url, obs.final_url, obs.http_status, cls.outcome, cls.system, cls.rule,
        obs.loaded_at, obs.server_date, offset.median_ms if offset else None, artefacts,
        manifest_sha, outcomes, warnings,
    )  # fmt: skip


def _provenance(attempt: Attempt, cls: Classification, obs: Observation, tz: str) -> None:
    """The reading and the two clocks as toolkit.provenance records them: the device clock
    dates the capture; the page's server Date is kept beside it, and more than two minutes
    between them flags ``time_conflict``."""
    from toolkit.provenance import apply_reading, candidate, settle

    apply_reading(attempt, cls, tz)
    attempt.times = [candidate(obs.loaded_at, TimeSource.CAPTURE, "capture:device-clock", tz)]
    if obs.server_date is not None:
        attempt.times.append(candidate(obs.server_date, TimeSource.HAR, "capture:server Date", tz))
    settle(attempt, tz)


def _note(obs: Observation) -> str:
    status = obs.http_status
    what = "capture guichets"
    if status is not None and not 200 <= status < 300:
        what += f"; HTTP {status}"
    return what


def _time_detail(obs: Observation, offset: Any) -> str:
    parts = ["capture:device-clock"]
    if obs.server_date is not None:
        parts.append(f"server Date {obs.server_date.strftime('%Y-%m-%dT%H:%M:%SZ')}")
    if offset is not None:
        parts.append(f"offset {offset.median_ms / 1000:+.1f} s")
    return "; ".join(parts)


def _record(
    obs: Observation,
    cls: Any,
    offset: Any,
    ip: dict[str, Any] | None,
    removed: dict[str, int],
    methods: dict[str, int],
    artefacts: list[Artefact],
    browser: dict[str, Any],
) -> bytes:
    """The capture record (JSON, sorted keys): what was done, in order, and where."""
    record = {
        "format": RECORD_FORMAT,
        "tool": f"guichets {__version__}",
        "observe_only": OBSERVE_ONLY,
        "requested_url": obs.requested_url,
        "start_url": obs.start_url,
        "final_url": obs.final_url,
        "http_status": obs.http_status,
        "path": [s.to_dict() for s in obs.steps],
        "times": {
            "clock": "device clock (UTC) unless named otherwise",
            "started_at": obs.started_at.isoformat(),
            "loaded_at": obs.loaded_at.isoformat(),
            "captured_at": obs.captured_at.isoformat(),
            "finished_at": obs.finished_at.isoformat(),
            "server_date": obs.server_date.isoformat() if obs.server_date else None,
            "clock_offset": offset.to_dict() if offset else None,
            "page_clock_offset_ms": page_offset_ms(obs.server_date, obs.loaded_at),
        },
        "settle": {"network_idle": obs.settled, "waited_ms": obs.waited_ms},
        "notes": obs.notes,
        "page": {
            "outcome": cls.outcome,
            "system": cls.system,
            "rule": cls.rule,
            "slots": cls.slots,
            "first_slot": cls.first_slot.isoformat() if cls.first_slot else None,
        },
        "browser": {**browser, "user_agent": obs.user_agent, **obs.context},
        "system": system_facts(),
        "network": {**proxy_facts(), "public_ip": ip},
        "har_removed": {
            "what": "values of Cookie, Set-Cookie, Authorization, Proxy-Authorization headers "
            "and of cookies",
            "counts": removed,
        },
        "responses": len(obs.exchanges),
        "requests_by_method": methods,
        "artefacts": [a.to_dict() for a in artefacts],
    }
    return (json.dumps(record, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()
