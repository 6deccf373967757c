"""A PDF document timestamp (PAdES, ETSI EN 319 142: a /DocTimeStamp signature) on a pièce.

pyHanko appends, as an incremental update, an RFC 3161 token over the whole file: any
PDF reader that validates signatures shows when the file existed as it is. The token is
asked through :mod:`toolkit.capture.tsa` (same HTTP client, same handling of an
unreachable TSA). A timestamped pièce is no longer byte-for-byte reproducible (the token
differs at each run), which is why the exhibit builder only does it when asked.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from toolkit.capture.tokens import run_coroutine
from toolkit.capture.tsa import DEFAULT_TIMEOUT, Tsa, Unreachable, post_query

RESERVED = 16_384  # bytes kept for the token in the file (hex-encoded); a token is 2–8 kB


def document_timestamp(path: Path, tsa: Tsa, *, timeout: float = DEFAULT_TIMEOUT) -> datetime:
    """Add a document timestamp to the PDF at ``path`` (rewritten in place); return the TSA's
    time. Raises :class:`~toolkit.capture.tsa.Unreachable` when the TSA does not answer."""
    from asn1crypto import tsp
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
    from pyhanko.sign.timestamps.api import TimeStamper

    class _Client(TimeStamper):
        async def async_request_tsa_response(self, req: tsp.TimeStampReq) -> tsp.TimeStampResp:
            return tsp.TimeStampResp.load(post_query(tsa, req.dump(), timeout))

    client = _Client()
    source = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    writer = IncrementalPdfFileWriter(source, strict=False)
    stamper = PdfTimeStamper(client, field_name="guichets-horodatage")
    run_coroutine(
        stamper.async_timestamp_pdf(writer, "sha256", bytes_reserved=RESERVED, output=out)
    )
    path.write_bytes(out.getvalue())
    return _time_of(out.getvalue())


def _time_of(data: bytes) -> datetime:
    """The genTime of the last document timestamp in a PDF."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    sig = reader.embedded_timestamp_signatures[-1]
    info = sig.signed_data["encap_content_info"]["content"].parsed
    return info["gen_time"].native


def stamp_pieces(
    paths: list[Path], tsa: Tsa, warnings: list[str], *, timeout: float = DEFAULT_TIMEOUT
) -> dict[str, str]:
    """Timestamp each file; {file name: the TSA's time}. When the TSA does not answer, the
    rest stay without a document timestamp and one warning says so."""
    done: dict[str, str] = {}
    for path in paths:
        try:
            done[path.name] = document_timestamp(path, tsa, timeout=timeout).isoformat()
        except Unreachable as e:
            left = len(paths) - len(done)
            warnings.append(
                f"{tsa.label}: unreachable ({e}); {left} pièce(s) left without a PDF document "
                "timestamp (build again later with --document-timestamp)"
            )
            break
    return done
