"""The environment of a capture, as a commissaire de justice would note it (NF Z67-147):
system and browser, proxy settings, the device clock against the servers' clocks, and the
public IP address when a service to ask is named.

Clock: an HTTP ``Date`` header is the server's time to the second, when it sent the answer.
Each response gives one estimate of (server time - device time) = Date + 0.5 s - the device
time the answer arrived, within ± 0.5 s plus the network delay; the median of all estimates
is kept with their range. A device clock that differs by more than a minute is worth a note.
"""

from __future__ import annotations

import ipaddress
import os
import platform
import statistics
import sys
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from toolkit._version import __version__

if TYPE_CHECKING:
    from toolkit.capture.session import Exchange

PROXY_VARIABLES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY")
CLOCK_NOTE_MS = 60_000


@dataclass
class ClockOffset:
    median_ms: int
    low_ms: int
    high_ms: int
    samples: int
    hosts: list[str]

    def to_dict(self) -> dict[str, Any]:
        return {
            "median_ms": self.median_ms,
            "range_ms": [self.low_ms, self.high_ms],
            "samples": self.samples,
            "hosts": self.hosts,
            "method": "Date header + 0.5 s - device time of arrival; ± 0.5 s plus network delay",
        }


def clock_offset(exchanges: list[Exchange]) -> ClockOffset | None:
    """Servers' clocks minus the device clock, from the Date headers of the responses."""
    values = []
    hosts = set()
    for x in exchanges:
        if x.server_date is None:
            continue
        delta = x.server_date + timedelta(milliseconds=500) - x.received_at
        values.append(round(delta.total_seconds() * 1000))
        hosts.add(urlsplit(x.url).netloc)
    if not values:
        return None
    return ClockOffset(
        int(statistics.median(values)), min(values), max(values), len(values), sorted(hosts)
    )


def page_offset_ms(server_date: datetime | None, received_at: datetime) -> int | None:
    """The same estimate for the final page alone."""
    if server_date is None:
        return None
    delta = server_date + timedelta(milliseconds=500) - received_at
    return round(delta.total_seconds() * 1000)


def system_facts() -> dict[str, Any]:
    """Operating system, Python, guichets; no host name and no user name (custody has the
    user)."""
    return {
        "os": platform.platform(),
        "distribution": _os_release(),
        "machine": platform.machine(),
        "python": sys.version.split()[0],
        "tool": f"guichets {__version__}",
        "device_timezone": datetime.now().astimezone().tzname(),
    }


def proxy_facts() -> dict[str, Any]:
    """What the environment says about proxies (hosts only, never credentials), and what the
    browser did."""
    found: dict[str, str] = {}
    for name in PROXY_VARIABLES:
        value = os.environ.get(name) or os.environ.get(name.lower())
        if value:
            parts = urlsplit(value if "://" in value else f"//{value}")
            found[name] = (
                parts.hostname + (f":{parts.port}" if parts.port else "")
                if parts.hostname
                else "set"
            )
    return {
        "browser": "direct connection: Chromium started with --no-proxy-server",
        "environment": found or "no proxy variable set",
    }


def public_ip(service: str, timeout: float = 10.0) -> dict[str, Any]:
    """Ask ``service`` (it answers the caller's address as text) for the public IP address.

    The request is guichets' own, made just before the browser starts, and, like the
    browser's, it ignores the proxy variables (a direct connection): the address is the one
    the service saw for that request, which the record says."""
    asked_at = datetime.now(UTC)
    direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        request = urllib.request.Request(service, headers={"User-Agent": f"guichets/{__version__}"})
        with direct.open(request, timeout=timeout) as answer:
            text = answer.read(200).decode("utf-8", "replace").strip()
    except Exception as e:  # any failure is written down, the capture goes on
        return {"service": service, "asked_at": asked_at.isoformat(), "error": str(e)[:200]}
    try:
        address = str(ipaddress.ip_address(text))
    except ValueError:
        return {
            "service": service,
            "asked_at": asked_at.isoformat(),
            "error": f"the answer is not an IP address: {text[:60]!r}",
        }
    return {
        "service": service,
        "asked_at": asked_at.isoformat(),
        "address": address,
        "how": "a direct request by guichets (not the browser), without proxy, just before the "
        "browser session",
    }


def _os_release() -> str | None:
    path = Path("/etc/os-release")
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        if line.startswith("PRETTY_NAME="):
            return line.split("=", 1)[1].strip().strip('"')
    return None
