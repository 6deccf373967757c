"""A real RFC 3161 time-stamping authority on 127.0.0.1, for tests and benches.

A test CA and a TSA certificate (extended key usage timeStamping, critical) are made with
`cryptography`; each request is answered by ``openssl ts -reply``, as a small TSA would be.
Paths choose the behaviour:

- ``/tsa``           a token with the TSA certificate and the CA (``-chain``)
- ``/tsa-nochain``   a token with the TSA certificate only; the CA is at the certificate's
                     AIA address ``/ca.crt`` (DER), as real TSAs do
- ``/garbage``       HTTP 200 with bytes that are not a response
- ``/wrong-imprint`` a valid token over other data (same nonce)
- ``/replayed``      a valid token over our data, but with another nonce (a replayed answer)
- ``/refused``       a well-formed response whose status is « rejection »
- ``/down``          HTTP 503, as a TSA in maintenance

``stop()`` and ``start()`` take the server off and back on the same port, so a test can leave
a request pending and complete it later. The server only ever listens on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

CONFIG = """\
[ tsa ]
default_tsa = chain

[ chain ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
certs = $dir/ca.pem
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256

[ nochain ]
dir = {dir}
serial = $dir/serial
crypto_device = builtin
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.3.6.1.4.1.99999.1.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


@dataclass
class Pki:
    folder: Path
    ca_pem: bytes
    ca_der: bytes
    tsa_pem: bytes

    @property
    def config(self) -> Path:
        return self.folder / "ts.cnf"


def make_pki(folder: Path, aia_url: str | None) -> Pki:
    """A test CA (« Autorité de test guichets ») and its TSA certificate, in ``folder``."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Essais guichets"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Autorite de test guichets"),
        ]
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    tsa_key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "FR"),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Essais guichets"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "Horodatage de test guichets"),
                ]
            )
        )
        .issuer_name(ca_name)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
    )
    if aia_url:
        builder = builder.add_extension(
            x509.AuthorityInformationAccess(
                [
                    x509.AccessDescription(
                        AuthorityInformationAccessOID.CA_ISSUERS,
                        x509.UniformResourceIdentifier(aia_url),
                    )
                ]
            ),
            critical=False,
        )
    tsa = builder.sign(ca_key, hashes.SHA256())
    pem = serialization.Encoding.PEM
    (folder / "ca.pem").write_bytes(ca.public_bytes(pem))
    (folder / "tsa.pem").write_bytes(tsa.public_bytes(pem))
    (folder / "tsa.key").write_bytes(
        tsa_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    (folder / "serial").write_text("01\n")
    (folder / "ts.cnf").write_text(CONFIG.format(dir=folder))
    return Pki(folder, ca.public_bytes(pem), ca.public_bytes(serialization.Encoding.DER),
               tsa.public_bytes(pem))  # fmt: skip


class LocalTsa:
    """The TSA server. Use as a context manager or call ``start()`` / ``stop()``."""

    def __init__(self, folder: Path | None = None) -> None:
        self._tmp = None if folder else tempfile.TemporaryDirectory(prefix="guichets-tsa-")
        self.folder = Path(folder or self._tmp.name)  # type: ignore[union-attr]
        self.requests: Counter[str] = Counter()
        self.busy_seconds = 0.0  # time spent answering (openssl), for benches
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.port = 0
        self.start()
        self.pki = make_pki(self.folder / "pki", f"{self.base}/ca.crt")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/tsa") -> str:
        return self.base + path

    def start(self) -> None:
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                tsa.requests[self.path] += 1
                if self.path == "/ca.crt":
                    self._send(200, tsa.pki.ca_der, "application/pkix-cert")
                else:
                    self._send(404, b"not found", "text/plain")

            def do_POST(self) -> None:
                query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                tsa.requests[self.path] += 1
                if self.path == "/down":
                    self._send(503, b"maintenance", "text/plain")
                elif self.path == "/garbage":
                    self._send(200, b"<html>not a token</html>", "application/timestamp-reply")
                elif self.path == "/refused":
                    self._send(200, _rejection(), "application/timestamp-reply")
                elif self.path in ("/tsa", "/tsa-nochain", "/wrong-imprint", "/replayed"):
                    if self.path == "/wrong-imprint":
                        query = _other_imprint(query)
                    if self.path == "/replayed":
                        query = _other_nonce(query)
                    section = "nochain" if self.path == "/tsa-nochain" else "chain"
                    self._send(200, tsa.reply(query, section), "application/timestamp-reply")
                else:
                    self._send(404, b"not found", "text/plain")

            def _send(self, status: int, body: bytes, ctype: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_port
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def close(self) -> None:
        self.stop()
        if self._tmp is not None:
            self._tmp.cleanup()

    def __enter__(self) -> LocalTsa:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def reply(self, query: bytes, section: str = "chain") -> bytes:
        """``openssl ts -reply`` for one query."""
        start = time.perf_counter()
        try:
            return self._reply(query, section)
        finally:
            self.busy_seconds += time.perf_counter() - start

    def _reply(self, query: bytes, section: str) -> bytes:
        with self._lock, tempfile.TemporaryDirectory(dir=self.folder) as tmp:
            q, r = Path(tmp) / "q.tsq", Path(tmp) / "r.tsr"
            q.write_bytes(query)
            subprocess.run(
                ["openssl", "ts", "-reply", "-config", str(self.pki.config), "-section", section,
                 "-queryfile", str(q), "-out", str(r)],
                check=True, capture_output=True, timeout=30,
            )  # fmt: skip
            return r.read_bytes()


def _other_imprint(query: bytes) -> bytes:
    """The same query (same nonce) over other data: the token will not match the request."""
    from asn1crypto import tsp

    req = tsp.TimeStampReq.load(query)
    req["message_imprint"]["hashed_message"] = hashlib.sha256(b"other data").digest()
    return req.dump(force=True)


def _other_nonce(query: bytes) -> bytes:
    """The same query with another nonce: the answer is not the one to our request."""
    from asn1crypto import tsp

    req = tsp.TimeStampReq.load(query)
    req["nonce"] = (req["nonce"].native or 0) + 1
    return req.dump(force=True)


def _rejection() -> bytes:
    from asn1crypto import tsp

    status = tsp.PKIStatusInfo({"status": "rejection", "status_string": ["unsupported request"]})
    body = status.dump()  # TimeStampResp ::= SEQUENCE { status, timeStampToken OPTIONAL }
    return b"\x30" + bytes([len(body)]) + body
