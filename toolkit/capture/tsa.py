"""Time-stamping authorities: which ones to ask, and how to talk to them over HTTP.

The defaults are read from ``tsa.toml`` (beside this module), each with the source of its
address and of its status. A TSA that cannot be reached (no connection, a timeout, an HTTP
5xx) raises :class:`Unreachable`: the caller keeps the request pending. Any other answer
that is not a token is a :class:`~toolkit.errors.TimestampError`, one line naming the TSA.
"""

from __future__ import annotations

import http.client
import socket
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass
from functools import cache
from importlib import resources
from urllib.parse import urlsplit

from toolkit._version import __version__
from toolkit.errors import InputError, TimestampError

DEFAULT_TIMEOUT = 20.0  # seconds, per HTTP exchange
MAX_ANSWER = 1 << 20  # a token is a few kilobytes; a certificate a few more
USER_AGENT = f"guichets/{__version__}"


@dataclass(frozen=True)
class Tsa:
    """One time-stamping authority."""

    name: str
    url: str
    qualified: bool | None = None  # None: not in the configuration, status unknown
    mark: str = ""  # V, V2, R (DOMAIN.md)
    source: str = ""
    note: str = ""

    @property
    def label(self) -> str:
        return f"{self.name} ({self.url})"


class Unreachable(Exception):
    """The TSA did not answer (network, timeout, 5xx): the request stays pending."""


@cache
def default_tsas() -> tuple[Tsa, ...]:
    """The TSAs of ``tsa.toml``, in order (Belgium's qualified TSA first)."""
    text = resources.files("toolkit.capture").joinpath("tsa.toml").read_text(encoding="utf-8")
    return tuple(
        Tsa(
            name=str(entry["name"]),
            url=str(entry["url"]),
            qualified=bool(entry.get("qualified", False)),
            mark=str(entry.get("mark", "")),
            source=str(entry.get("source", "")),
            note=str(entry.get("note", "")),
        )
        for entry in tomllib.loads(text)["tsa"]
    )


def resolve_tsas(urls: list[str] | tuple[str, ...] | None) -> list[Tsa]:
    """The TSAs for one run: ``urls`` when given (known ones keep their entry), else the
    defaults."""
    if not urls:
        return list(default_tsas())
    known = {t.url: t for t in default_tsas()}
    out: list[Tsa] = []
    for url in urls:
        try:
            parts = urlsplit(url)
            hostname = parts.hostname
        except ValueError:  # "http://[::1": an unclosed IPv6 address, a bad port
            hostname = None
        if not hostname or parts.scheme not in ("http", "https"):
            raise InputError(f"--tsa {url!r}: give the TSA's http:// or https:// address")
        if url in known:
            out.append(known[url])
        elif url not in {t.url for t in out}:
            out.append(Tsa(name=hostname, url=url))
    return out


def post_query(tsa: Tsa, query: bytes, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """POST an RFC 3161 query; the raw answer (HTTP 200), or Unreachable / TimestampError."""
    request = urllib.request.Request(
        tsa.url,
        data=query,
        method="POST",
        headers={
            "Content-Type": "application/timestamp-query",
            "Accept": "application/timestamp-reply",
            "User-Agent": USER_AGENT,
        },
    )
    return _exchange(request, tsa.label, timeout)


def fetch(url: str, timeout: float = DEFAULT_TIMEOUT) -> bytes:
    """GET a certificate named by an AIA extension."""
    return _exchange(urllib.request.Request(url, headers={"User-Agent": USER_AGENT}), url, timeout)


def _exchange(request: urllib.request.Request, who: str, timeout: float) -> bytes:
    try:
        # a new opener each time: the proxy variables as they are now (urlopen keeps the
        # first ones it saw for the whole process)
        with urllib.request.build_opener().open(request, timeout=timeout) as answer:
            body: bytes = answer.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as e:
        if e.code >= 500:
            raise Unreachable(f"HTTP {e.code} {e.reason}") from None
        raise TimestampError(
            f"{who}: answered HTTP {e.code} {e.reason}; check the address (--tsa)"
        ) from None
    except urllib.error.URLError as e:
        raise Unreachable(_reason(e.reason)) from None
    except TimeoutError:
        raise Unreachable(f"no answer within {timeout:g} s") from None
    except (ConnectionError, http.client.HTTPException, OSError) as e:
        raise Unreachable(_reason(e)) from None
    if len(body) > MAX_ANSWER:
        raise TimestampError(f"{who}: answered more than {MAX_ANSWER} bytes; not a token")
    return body


def _reason(reason: object) -> str:
    if isinstance(reason, TimeoutError | socket.timeout):
        return "no answer in time"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return "host name not found (offline?)"
    text = str(reason).strip()
    return text or type(reason).__name__
