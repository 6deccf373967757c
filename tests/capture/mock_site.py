"""A mock préfecture site on 127.0.0.1 for the capture tests and the bench.

Invented pages in the shape of the real ones (see DOMAIN.md), served over HTTP, plus one
HTTPS port whose certificate no browser trusts:

- ``/``                          the préfecture's home, with links to the booking pages
- ``/booking/create/28617/1``    ezbooking « Vérification de disponibilité », no slot; sets a
                                 session cookie (the HAR must not keep its value)
- ``/rdvpref/reservation/demarche/4321/creneau/``  RDV Préfecture: a shell whose script asks
                                 ``/rdvpref/api/…/creneaux`` (answered after 400 ms) and then
                                 writes « Aucun créneau disponible… »
- ``/captcha``                   a CaptchEtat page (the capture must not touch it)
- ``/cf``                        HTTP 403, a Cloudflare-like block page
- ``/503``                       HTTP 503
- ``/redirect``                  302 to the ezbooking page
- ``/slow``                      starts a page and never finishes it (until the server stops)
- ``/download``                  a PDF sent as an attachment
- ``/skewed``                    a short page with a Date header ten minutes ahead
- ``/ip``                        « 203.0.113.7 » (a documentation address), for --record-ip
- ``/depart-formulaire``         a start page whose link to the booking page sends a form (POST)
- ``/envoi-auto``                a page whose script sends a form as soon as it loads
- ``/plain``                     a long plain page (the bench)
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
import tempfile
import threading
import time
from collections import Counter
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"

HOME = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Les services de l'État en Seine-Maritime</title></head>
<body><header><p>Préfecture de la Seine-Maritime</p></header>
<main><h1>Prendre rendez-vous</h1>
<ul>
<li><a href="/booking/create/28617/1">Demande de titre de séjour : prendre un rendez-vous</a></li>
<li><a href="/rdvpref/reservation/demarche/4321/creneau/">Remise de titre (RDV Préfecture)</a></li>
<li><a href="/captcha">Naturalisation : prendre un rendez-vous</a></li>
</ul></main></body></html>
"""

RDVPREF_SHELL = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Choix du créneau - RDV Préfecture</title></head>
<body><header><p class="fr-header__service-title">RDV Préfecture</p></header>
<main><h1>Choix du créneau</h1><div id="app">Chargement…</div></main>
<script>
fetch('/rdvpref/api/demarche/4321/creneaux').then(r => r.json()).then(data => {
  document.getElementById('app').textContent = data.critere.datePremiereDispo
    ? 'Choisissez votre créneau'
    : "Aucun créneau disponible à partir de cette date. Veuillez réessayer ultérieurement.";
});
</script></body></html>
"""

CLOUDFLARE = """<!DOCTYPE html>
<html lang="en-US"><head><title>Attention Required! | Cloudflare</title></head>
<body><div id="cf-wrapper"><div id="cf-error-details">
<h1>Sorry, you have been blocked</h1>
<h2>You are unable to access rdv-prefecture.interieur.gouv.fr</h2>
<p>Cloudflare Ray ID: 8f0000000000abcd</p></div></div></body></html>
"""

FORM_LINK = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Prendre rendez-vous</title></head>
<body><form id="f" method="post" action="/booking/create/28617/1"><input type="hidden" name="etape" value="1"></form>
<p><a href="/booking/create/28617/1" onclick="document.getElementById('f').submit(); return false;">Demande de titre de séjour</a></p>
</body></html>
"""

AUTO_POST = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Redirection</title></head>
<body><p>Veuillez patienter, vous allez être redirigé.</p>
<form method="post" action="/captcha"><input type="hidden" name="jeton" value="abc"><button type="submit">Continuer</button></form>
<script>document.forms[0].requestSubmit(); document.forms[0].submit(); document.querySelector('button').click();</script>
</body></html>
"""

UNAVAILABLE = """<!DOCTYPE html>
<html><head><title>503 Service Unavailable</title></head>
<body><h1>Service Unavailable</h1><p>The server is temporarily unable to service your request.</p>
</body></html>
"""


def plain_page(lines: int = 400) -> bytes:
    rows = "".join(
        f"<p>Ligne {i} : information sur la prise de rendez-vous.</p>" for i in range(lines)
    )
    return f"<!DOCTYPE html><html lang='fr'><head><meta charset='utf-8'><title>Page</title></head><body><h1>Informations</h1>{rows}</body></html>".encode()


class MockSite:
    """The HTTP site and the untrusted HTTPS port; ``close()`` stops both."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.posts = 0
        self._stop = threading.Event()
        self._tmp = tempfile.TemporaryDirectory(prefix="guichets-site-")
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._https = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        cert, key = _self_signed(Path(self._tmp.name))
        context.load_cert_chain(cert, key)
        self._https.socket = context.wrap_socket(self._https.socket, server_side=True)
        for server in (self._http, self._https):
            server.daemon_threads = True
            threading.Thread(target=server.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._http.server_port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    @property
    def tls_url(self) -> str:
        return f"https://127.0.0.1:{self._https.server_port}/booking/create/28617/1"

    def close(self) -> None:
        self._stop.set()
        for server in (self._http, self._https):
            server.shutdown()
            server.server_close()
        self._tmp.cleanup()

    def __enter__(self) -> MockSite:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                site.posts += 1
                self._send(405, b"no", "text/plain")

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                site.requests[path] += 1
                if path == "/":
                    self._send(200, HOME.encode(), "text/html; charset=utf-8")
                elif path == "/booking/create/28617/1":
                    body = (PAGES / "ezbooking-no-slot.html").read_bytes()
                    self._send(200, body, "text/html; charset=utf-8",
                               cookie="eZSESSID=s3cr3t-session; Path=/; HttpOnly")  # fmt: skip
                elif path == "/skewed":
                    ahead = dt.datetime.now(dt.UTC) + dt.timedelta(minutes=10)
                    self._send(200, HOME.encode(), "text/html; charset=utf-8", date=ahead)
                elif path == "/rdvpref/reservation/demarche/4321/creneau/":
                    self._send(200, RDVPREF_SHELL.encode(), "text/html; charset=utf-8")
                elif path == "/rdvpref/api/demarche/4321/creneaux":
                    time.sleep(0.4)
                    data = {"critere": {"idDemarche": 4321, "datePremiereDispo": ""}}
                    self._send(200, json.dumps(data).encode(), "application/json")
                elif path == "/captcha":
                    body = (PAGES / "captcha-captchetat.html").read_bytes()
                    self._send(200, body, "text/html; charset=utf-8")
                elif path == "/cf":
                    self._send(403, CLOUDFLARE.encode(), "text/html; charset=utf-8")
                elif path == "/503":
                    self._send(503, UNAVAILABLE.encode(), "text/html; charset=utf-8")
                elif path == "/redirect":
                    self.send_response(302)
                    self.send_header("Location", "/booking/create/28617/1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                elif path == "/slow":
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    chunk = b"<html><body><p>Chargement"
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    self.wfile.flush()
                    site._stop.wait(20)  # never finishes while the test runs
                elif path == "/download":
                    self._send(200, b"%PDF-1.4 convocation", "application/pdf",
                               disposition='attachment; filename="convocation.pdf"')  # fmt: skip
                elif path == "/depart-formulaire":
                    self._send(200, FORM_LINK.encode(), "text/html; charset=utf-8")
                elif path == "/envoi-auto":
                    self._send(200, AUTO_POST.encode(), "text/html; charset=utf-8")
                elif path == "/ip":
                    self._send(200, b"203.0.113.7\n", "text/plain")
                elif path == "/plain":
                    self._send(200, plain_page(), "text/html; charset=utf-8")
                else:
                    self._send(404, b"Not Found", "text/plain")

            def _send(
                self,
                status: int,
                body: bytes,
                ctype: str,
                *,
                date: dt.datetime | None = None,
                cookie: str | None = None,
                disposition: str | None = None,
            ) -> None:
                self.send_response_only(status)
                self.send_header("Server", "mock-prefecture")
                when = date or dt.datetime.now(dt.UTC)
                self.send_header("Date", format_datetime(when, usegmt=True))
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                if cookie:
                    self.send_header("Set-Cookie", cookie)
                if disposition:
                    self.send_header("Content-Disposition", disposition)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        return Handler


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 signed by nobody a browser trusts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "faux-site-prefecture")])
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "site.pem", folder / "site.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path
