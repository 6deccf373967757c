"""Who may talk to the server: only this machine, only with the launch's secret token.

- The server listens on 127.0.0.1 only (see :mod:`toolkit.web.server`) and answers only
  requests whose ``Host`` is that address or ``localhost`` with its port (a web page that
  rebinds its own name to 127.0.0.1 is refused).
- Every request carries the token printed at launch: in the URL once (``?token=…``, which
  sets a cookie and is removed from the address bar by a redirect), then in that cookie,
  or in an ``Authorization: token …`` header. Anything else gets 403.
- Every form that changes something carries a CSRF token; a POST without it, or from
  another origin, gets 403 (checked in :func:`check_form` and by the upload reader).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class Secrets:
    token: str
    csrf: str
    port: int
    allowed_hosts: frozenset[str]

    @property
    def cookie(self) -> str:
        # cookies are not kept apart by port: two servers on one machine need two names
        return f"guichets_{self.port}"

    def origin_ok(self, origin: str | None) -> bool:
        if not origin or origin == "null":
            return origin is None
        host = origin.split("://", 1)[-1].rstrip("/")
        return host in self.allowed_hosts


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _page(status: int, title: str, text: str) -> bytes:
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{title} — guichets</title></head><body><main><h1>{title}</h1>"
        f"<p>{text}</p></main></body></html>"
    ).encode()


class Guard:
    """ASGI middleware: host check, then token check, before anything else runs."""

    def __init__(self, app: ASGIApp, secrets: Secrets) -> None:
        self.app = app
        self.secrets = secrets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if headers.get("host", "") not in self.secrets.allowed_hosts:
            await self._refuse(send, 403, "Adresse refusée",
                               "Ce serveur ne répond qu'à l'adresse 127.0.0.1 de cet ordinateur.")  # fmt: skip
            return
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        given = query.get("token")
        if given is not None and _same(given, self.secrets.token):
            if scope["method"] in SAFE_METHODS:
                await self._enter(scope, query, send)
                return
            await self.app(scope, receive, _with_headers(send))
            return
        if self._cookie_ok(headers) or self._header_ok(headers):
            await self.app(scope, receive, _with_headers(send))
            return
        await self._refuse(
            send,
            403,
            "Accès refusé",
            "Il manque le jeton secret. Ouvrez l'adresse complète affichée dans le terminal "
            "par <code>guichets serve</code> (elle se termine par <code>?token=…</code>).",
        )

    def _cookie_ok(self, headers: dict[str, str]) -> bool:
        raw = headers.get("cookie")
        if not raw:
            return False
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:  # a malformed cookie header is no token
            return False
        morsel = jar.get(self.secrets.cookie)
        return morsel is not None and _same(morsel.value, self.secrets.token)

    def _header_ok(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        scheme, _, value = auth.partition(" ")
        return scheme.lower() == "token" and _same(value.strip(), self.secrets.token)

    async def _enter(self, scope: Scope, query: dict[str, str], send: Send) -> None:
        """Set the cookie and send the browser to the same page without the token."""
        rest = {k: v for k, v in query.items() if k != "token"}
        target = scope["path"] + (f"?{urlencode(rest)}" if rest else "")
        cookie = f"{self.secrets.cookie}={self.secrets.token}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", target.encode("latin-1", "replace")),
                    (b"set-cookie", cookie.encode("latin-1")),
                    (b"cache-control", b"no-store"),
                    (
                        b"referrer-policy",
                        b"same-origin",
                    ),  # no-referrer would make forms send Origin: null
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, send: Send, status: int, title: str, text: str) -> None:
        body = _page(status, title, text)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


# Pages use only this server's own styles, scripts and images; nothing is fetched elsewhere.
SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make forms send Origin: null
    (b"x-frame-options", b"DENY"),
]


def _with_headers(send: Send) -> Send:
    async def wrapped(message: Message) -> None:
        if message["type"] == "http.response.start":
            names = {k.lower() for k, _ in message.get("headers", [])}
            extra = [(k, v) for k, v in SECURITY_HEADERS if k not in names]
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)

    return wrapped


class CsrfRefused(Exception):
    pass


def check_form(secrets: Secrets, form: Any, headers: Any) -> None:
    """Raise CsrfRefused unless the form (or the X-CSRF-Token header) carries the token and
    the request comes from this server's own pages."""
    if not secrets.origin_ok(headers.get("origin")):
        raise CsrfRefused("origin")
    given = str(form.get("csrf") or headers.get("x-csrf-token") or "")
    if not given or not _same(given, secrets.csrf):
        raise CsrfRefused("token")
