"""Saved pages and e-mails: ezbooking HTML (Windows-1252), a Blink MHTML of RDV Préfecture,
a sanitised Firefox HAR, and three .eml messages."""

from __future__ import annotations

import base64
import hashlib
import json
import quopri
import struct
import zlib
from datetime import UTC, datetime, timedelta
from email.charset import QP, Charset
from email.header import Header
from email.utils import format_datetime
from pathlib import Path

from .common import (
    EZ_TITLE,
    EZ_URL,
    PREF_HOST,
    RDVPREF_URL,
    paris,
    rng,
    write_bytes,
)
from .emails import MESSAGES
from .html_pages import RDVPREF_TITLE, ezbooking_no_slot, overload, rdv_prefecture_no_slot

CRLF = "\r\n"


# --- helpers -------------------------------------------------------------------------


def _qp(text: str) -> str:
    """Quoted-printable UTF-8 with CRLF line ends, as mail and MHTML writers produce it."""
    body = text.replace("\r\n", "\n").encode("utf-8")
    return quopri.encodestring(body).decode("ascii").replace("\n", CRLF)


def _encoded_word(text: str, name: str) -> str:
    """An RFC 2047 header value (Q encoding for UTF-8) when text is not plain ASCII."""
    if text.isascii():
        return text
    cs = Charset("utf-8")
    cs.header_encoding = QP
    return Header(text, charset=cs, header_name=name).encode(linesep=CRLF, maxlinelen=76)


def _address(pair: tuple[str, str]) -> str:
    name, addr = pair
    if not name:
        return addr
    shown = name if name.isascii() else _encoded_word(name, "From")
    return f"{shown} <{addr}>"


def _tiny_png(width: int, height: int, rgb: tuple[int, int, int]) -> bytes:
    """A flat-colour PNG written by hand (no encoder metadata)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


# --- ezbooking page saved as HTML -------------------------------------------------------


def ezbooking_html() -> bytes:
    """« Enregistrer sous… » of the no-slot page, on 20 March 2025, in Windows-1252."""
    html = ezbooking_no_slot(charset="windows-1252")
    mark = f"<!-- saved from url=({len(EZ_URL):04d}){EZ_URL} -->"
    html = html.replace("<!DOCTYPE html>\n", f"<!DOCTYPE html>\n{mark}\n", 1)
    return html.replace("\n", CRLF).encode("cp1252")


# --- RDV Préfecture page saved as MHTML -------------------------------------------------

CSS = """\
.fr-header{border-bottom:1px solid #ddd}.fr-alert--warning{border-left:4px solid #b34000;padding:1rem}
.fr-notice--info{background:#e8edff;padding:.5rem 1rem}.fr-container{max-width:78rem;margin:0 auto}
"""


def rdv_prefecture_mhtml() -> bytes:
    """Chrome's « Page Web, un seul fichier » save of the RDV Préfecture slot page."""
    r = rng("mhtml")
    token = "".join(
        r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        for _ in range(42)
    )
    boundary = f"----MultipartBoundary--{token}----"
    frame = f"frame-{hashlib.sha1(token.encode()).hexdigest()[:32].upper()}@mhtml.blink"
    css_cid = f"cid:css-{hashlib.sha1(b'css' + token.encode()).hexdigest()[:32]}@mhtml.blink"
    logo_url = "https://rdv-prefecture.interieur.gouv.fr/rdvpref/assets/images/marianne.png"
    html = rdv_prefecture_no_slot(css_cid, logo_url)
    logo = base64.encodebytes(_tiny_png(48, 18, (0, 0, 145))).decode("ascii").replace("\n", CRLF)
    head = [
        "From: <Saved by Blink>",
        f"Snapshot-Content-Location: {RDVPREF_URL}",
        f"Subject: {_encoded_word(RDVPREF_TITLE, 'Subject')}",
        "Date: Thu, 27 Mar 2025 09:41:12 +0100",
        "MIME-Version: 1.0",
        "Content-Type: multipart/related;",
        '\ttype="text/html";',
        f'\tboundary="{boundary}"',
        "",
        "",
        "",
    ]
    parts = [
        [
            "Content-Type: text/html",
            f"Content-ID: <{frame}>",
            "Content-Transfer-Encoding: quoted-printable",
            f"Content-Location: {RDVPREF_URL}",
            "",
            _qp(html),
        ],
        [
            "Content-Type: text/css",
            "Content-Transfer-Encoding: quoted-printable",
            f"Content-Location: {css_cid}",
            "",
            _qp(CSS),
        ],
        [
            "Content-Type: image/png",
            "Content-Transfer-Encoding: base64",
            f"Content-Location: {logo_url}",
            "",
            logo,
        ],
    ]
    out = CRLF.join(head)
    for part in parts:
        out += f"--{boundary}{CRLF}" + CRLF.join(part) + CRLF
    out += f"--{boundary}--{CRLF}"
    return out.encode("ascii")


# --- HAR of an evening session ------------------------------------------------------------

UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:136.0) Gecko/20100101 Firefox/136.0"


def _har_entry(
    started: datetime,
    url: str,
    status: int,
    status_text: str,
    mime: str,
    content: dict[str, object],
    size: int,
    page: str,
    wait: int,
    referer: str | None = None,
) -> dict[str, object]:
    """One HAR 1.2 entry; cookies are dropped (the export was sanitised)."""
    req_headers = [
        {"name": "Host", "value": PREF_HOST},
        {"name": "User-Agent", "value": UA},
        {"name": "Accept-Language", "value": "fr,fr-FR;q=0.8,en-US;q=0.5,en;q=0.3"},
    ]
    if referer:
        req_headers.append({"name": "Referer", "value": referer})
    resp_headers = [
        {"name": "Date", "value": format_datetime(started.astimezone(UTC), usegmt=True)},
        {"name": "Server", "value": "Apache"},
        {"name": "Content-Type", "value": mime},
        {"name": "Cache-Control", "value": "no-cache, private"},
    ]
    timings = {
        "blocked": 1,
        "dns": 0,
        "connect": 0,
        "ssl": 0,
        "send": 0,
        "wait": wait,
        "receive": 3,
    }
    return {
        "pageref": page,
        "startedDateTime": started.isoformat(timespec="milliseconds"),
        "time": sum(timings.values()),
        "request": {
            "method": "GET",
            "url": url,
            "httpVersion": "HTTP/2",
            "cookies": [],
            "headers": req_headers,
            "queryString": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": status_text,
            "httpVersion": "HTTP/2",
            "cookies": [],
            "headers": resp_headers,
            "content": {"mimeType": mime, "size": size, **content},
            "redirectURL": "",
            "headersSize": -1,
            "bodySize": size,
        },
        "cache": {},
        "timings": timings,
        "serverIPAddress": "192.0.2.76",  # documentation range: not a real server
        "connection": "443",
    }


def session_har() -> bytes:
    """Firefox « Enregistrer tout au format HAR » on 24 March 2025, from 19:02 (sanitised)."""
    html = ezbooking_no_slot(charset="utf-8")
    html_bytes = html.encode("utf-8")
    busy = overload().encode("utf-8")
    css = b".Bloc_Formulaire{background:#f6f6f6;border:1px solid #ccc;padding:1.5rem}\n"
    js = b"/*! jQuery v3.7.1 | (c) OpenJS Foundation and other contributors */\n"
    logo = _tiny_png(48, 18, (0, 0, 145))
    html_mime = "text/html; charset=UTF-8"
    t1 = paris(2025, 3, 24, 19, 2, 11) + timedelta(milliseconds=512)
    t2 = paris(2025, 3, 24, 19, 7, 48) + timedelta(milliseconds=95)
    t3 = paris(2025, 3, 24, 19, 31, 5) + timedelta(milliseconds=240)
    base = f"https://{PREF_HOST}"
    entries = [
        _har_entry(
            t1, EZ_URL, 200, "OK", html_mime, {"text": html}, len(html_bytes), "page_1", 412
        ),
        _har_entry(
            t1 + timedelta(milliseconds=431),
            f"{base}/bundles/ezbooking/css/booking.css",
            200,
            "OK",
            "text/css",
            {"text": css.decode()},
            len(css),
            "page_1",
            38,
            EZ_URL,
        ),
        _har_entry(
            t1 + timedelta(milliseconds=433),
            f"{base}/bundles/ezbooking/js/jquery.min.js",
            200,
            "OK",
            "application/javascript",
            {"text": js.decode()},
            len(js),
            "page_1",
            41,
            EZ_URL,
        ),
        _har_entry(
            t1 + timedelta(milliseconds=470),
            f"{base}/extension/ide/design/dsfr/images/marianne.png",
            200,
            "OK",
            "image/png",
            {"text": base64.b64encode(logo).decode(), "encoding": "base64"},
            len(logo),
            "page_1",
            35,
            EZ_URL,
        ),
        _har_entry(
            t2,
            EZ_URL,
            200,
            "OK",
            html_mime,
            {"text": base64.b64encode(html_bytes).decode(), "encoding": "base64"},
            len(html_bytes),
            "page_2",
            388,
        ),
        _har_entry(
            t3,
            EZ_URL,
            503,
            "Service Unavailable",
            "text/html; charset=utf-8",
            {"text": busy.decode()},
            len(busy),
            "page_3",
            2950,
        ),
    ]
    pages = [
        {
            "startedDateTime": t.isoformat(timespec="milliseconds"),
            "id": pid,
            "title": title,
            "pageTimings": {"onContentLoad": load - 60, "onLoad": load},
        }
        for t, pid, title, load in (
            (t1, "page_1", EZ_TITLE, 618),
            (t2, "page_2", EZ_TITLE, 540),
            (t3, "page_3", "Service surchargé", 3010),
        )
    ]
    har = {
        "log": {
            "version": "1.2",
            "creator": {"name": "Firefox", "version": "136.0"},
            "browser": {"name": "Firefox", "version": "136.0"},
            "comment": "Export nettoyé : cookies et jetons de session retirés avant transmission.",
            "pages": pages,
            "entries": entries,
        }
    }
    return (json.dumps(har, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- e-mails -----------------------------------------------------------------------------


def eml(msg: dict[str, object]) -> bytes:
    """A single-part text/plain message, UTF-8, quoted-printable, CRLF line ends."""
    when: datetime = msg["date"]  # type: ignore[assignment]
    head = [
        f"From: {_address(msg['from'])}",  # type: ignore[arg-type]
        f"To: {_address(msg['to'])}",  # type: ignore[arg-type]
        f"Subject: {_encoded_word(str(msg['subject']), 'Subject')}",
        f"Date: {format_datetime(when)}",
        f"Message-ID: <{msg['id']}>",
    ]
    for name in ("In-Reply-To", "References", "Auto-Submitted", "X-Auto-Response-Suppress"):
        if msg.get(name):
            head.append(f"{name}: {msg[name]}")
    head += [
        "MIME-Version: 1.0",
        'Content-Type: text/plain; charset="utf-8"',
        "Content-Transfer-Encoding: quoted-printable",
    ]
    return (CRLF.join(head) + CRLF + CRLF + _qp(str(msg["body"]))).encode("ascii")


def generate(root: Path) -> None:
    write_bytes(root, "captures/ezbooking-2025-03-20_18-42-05.html", ezbooking_html())
    write_bytes(root, "captures/rdv-prefecture-2025-03-27.mhtml", rdv_prefecture_mhtml())
    write_bytes(root, "captures/session-2025-03-24.har", session_har())
    for name, msg in MESSAGES.items():
        write_bytes(root, f"captures/emails/{name}", eml(msg))
