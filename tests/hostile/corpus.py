"""The hostile-input corpus: malformed files of every kind guichets reads, built by code.

Every file is small (a few kilobytes at most) and made here, so the corpus needs no binary in
the repository and can be rebuilt anywhere. :func:`build` writes them into a folder and
returns them by name; :func:`invocations` pairs them with every command that reads such a
file. ``python -m tests.hostile.find_failures`` runs them all and lists each ``unexpected
failure``; ``test_failures.py`` asserts there is none.
"""

from __future__ import annotations

import io
import json
import os
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "evidence" / "sample"
APPLICANT = "h-76"


# -- images ---------------------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png(width: int = 4, height: int = 4, extra: bytes = b"") -> bytes:
    """A valid grey PNG (``extra``: chunks inserted before the image data)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + extra
        + _chunk(b"IDAT", zlib.compress(raw))
        + _chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 10, 10)).save(out, "JPEG")
    return out.getvalue()


# -- documents and captures -------------------------------------------------------------------


def pdf(*objects: bytes, info: bytes | None = None) -> bytes:
    """A PDF with a correct cross-reference table; ``objects`` are numbered from 1, the first
    is the catalogue; ``info`` the body of an Info dictionary added last."""
    body = list(objects) + ([info] if info is not None else [])
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, obj in enumerate(body, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % n + obj + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(body) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    extra = b"/Info %d 0 R" % len(body) if info is not None else b""
    out += b"trailer<</Size %d/Root 1 0 R%s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(body) + 1, extra, xref,
    )  # fmt: skip
    return bytes(out)


_PAGES = (
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
)
MINIMAL_PDF = pdf(*_PAGES)


def eml(headers: str, body: str = "Bonjour.\n") -> bytes:
    return (headers.strip("\n") + "\n\n" + body).replace("\n", "\r\n").encode("utf-8", "replace")


_EML_HEAD = (
    "From: pref@seine-maritime.gouv.fr\nTo: h@example.org\n"
    "Date: Wed, 12 Mar 2025 10:06:00 +0100\nSubject: Votre demande\n"
)


def mhtml(body: str, extra_headers: str = "") -> bytes:
    head = (
        "From: <Saved by Blink>\nSnapshot-Content-Location: https://www.seine-maritime.gouv.fr/x\n"
        "Subject: page\nDate: Wed, 12 Mar 2025 10:06:00 +0100\nMIME-Version: 1.0\n"
        f'{extra_headers}Content-Type: multipart/related; type="text/html"; boundary="B"\n\n'
    )
    return (head + body).replace("\n", "\r\n").encode()


def har(entries: object) -> bytes:
    return json.dumps({"log": {"version": "1.2", "entries": entries}}).encode()


def _har_entry(**over: object) -> dict[str, object]:
    entry: dict[str, object] = {
        "startedDateTime": "2025-03-12T10:06:00.000+01:00",
        "request": {
            "method": "GET",
            "url": "https://www.seine-maritime.gouv.fr/booking/create/1/1",
        },
        "response": {
            "status": 200,
            "content": {"mimeType": "text/html", "text": "<html><body>x</body></html>"},
        },
    }
    entry.update(over)
    return entry


# -- archives ---------------------------------------------------------------------------------


def zip_of(members: list[tuple[str, bytes]], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in members:
            z.writestr(name, data)
    return out.getvalue()


def _zip_with_method(method: int) -> bytes:
    """A zip whose one entry claims a compression method Python cannot read."""
    data = bytearray(zip_of([("a.png", png())], zipfile.ZIP_STORED))
    # local header: method at offset 8; central directory entry: method at offset 10
    data[8:10] = struct.pack("<H", method)
    central = data.find(b"PK\x01\x02")
    data[central + 10 : central + 12] = struct.pack("<H", method)
    return bytes(data)


def _zip_bad_crc() -> bytes:
    data = bytearray(zip_of([("a.png", png())], zipfile.ZIP_STORED))
    data[14] ^= 0xFF  # the local header's CRC (the central directory keeps the true one)
    central = data.find(b"PK\x01\x02")
    data[central + 16] ^= 0xFF
    return bytes(data)


def _zip_encrypted_flag() -> bytes:
    data = bytearray(zip_of([("a.png", png())], zipfile.ZIP_STORED))
    data[6] |= 1
    central = data.find(b"PK\x01\x02")
    data[central + 8] |= 1
    return bytes(data)


# -- bundles ----------------------------------------------------------------------------------


def bundle_with_manifest(manifest: object, extra: list[tuple[str, bytes]] | None = None) -> bytes:
    text = manifest if isinstance(manifest, bytes) else json.dumps(manifest).encode()
    return zip_of([("manifest.json", text), *(extra or [])])


def _bundle_manifest(**over: object) -> dict[str, object]:
    manifest: dict[str, object] = {
        "format": "guichets-bundle",
        "format_version": 1,
        "schema_version": 1,
        "key_fingerprint": "00000000",
        "tables": {},
        "files": [],
    }
    manifest.update(over)
    return manifest


# -- the corpus -------------------------------------------------------------------------------


def files() -> dict[str, bytes]:
    """Name → bytes of every malformed file (the name's extension is what commands see)."""
    good_png = png()
    found: dict[str, bytes] = {
        # images
        "empty.png": b"",
        "truncated.png": good_png[:40],
        "header-only.png": b"\x89PNG\r\n\x1a\n",
        "bad-crc.png": good_png[:29] + b"\x00\x00\x00\x00" + good_png[33:],
        "huge-dimensions.png": png(1, 1)[:16]
        + struct.pack(">II", 2**31 - 1, 2**31 - 1)
        + png(1, 1)[24:],
        "zero-dimensions.png": png(1, 1)[:16] + struct.pack(">II", 0, 0) + png(1, 1)[24:],
        "text-chunk-bomb.png": png(
            extra=_chunk(b"zTXt", b"k\x00\x00" + zlib.compress(b"a" * 2_000_000))
        ),
        "bad-exif.png": png(
            extra=_chunk(b"eXIf", b"MM\x00*\x00\x00\x00\x08\xff\xff" + b"\x00" * 20)
        ),
        "bad-itxt.png": png(
            extra=_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00\xff\xfe")
        ),
        "truncated.jpg": jpeg()[:60],
        "garbage.jpg": b"\xff\xd8\xff" + os.urandom(200),
        "header-only.webp": b"RIFF\x10\x00\x00\x00WEBPVP8 ",
        "header-only.heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00heicmif1",
        "gif-named.png": b"GIF89a" + b"\x00" * 20,
        "text-named.png": b"hello world\n",
        # PDFs
        "empty.pdf": b"",
        "header-only.pdf": b"%PDF-1.4\n",
        "truncated.pdf": MINIMAL_PDF[:70],
        "garbage.pdf": b"%PDF-1.7\n" + bytes(range(256)) * 4,
        "no-root.pdf": b"%PDF-1.4\ntrailer<</Size 1>>\n%%EOF\n",
        "loop.pdf": pdf(b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[2 0 R]/Count 1>>"),
        "deep.pdf": pdf(
            _PAGES[0], _PAGES[1], _PAGES[2][:-2] + b"/X " + b"[" * 5000 + b"]" * 5000 + b">>"
        ),
        "bad-date.pdf": pdf(*_PAGES, info=b"<</CreationDate(D:99999999999999)>>"),
        "year-1.pdf": pdf(*_PAGES, info=b"<</CreationDate(D:00010101000000Z)>>"),
        "minimal.pdf": MINIMAL_PDF,
        "ok.png": png(6, 6),
        # HAR
        "empty.har": b"",
        "truncated.har": har([_har_entry()])[:-20],
        "not-utf8.har": b'{"log": {"entries": []}, "x": "\xff\xfe"}',
        "list.har": b'[{"log": 1}]',
        "deep.har": b'{"log": {"entries": ' + b"[" * 5000 + b"]" * 5000 + b"}}",
        "entries-dict.har": har({"a": 1}),
        "entry-types.har": har(
            [
                _har_entry(request="x", response=[1], pageref=3),
                _har_entry(response={"status": "200", "content": {"mimeType": 5, "text": 7}}),
                _har_entry(startedDateTime=12345),
                _har_entry(
                    response={
                        "status": 200,
                        "content": {"mimeType": "text/html", "text": "x", "encoding": "base64"},
                    }
                ),
                _har_entry(response={"status": 1e400, "content": None}),
                _har_entry(request={"url": ["x"], "headers": "nope"}, _resourceType=None),
            ]
        ),
        "nan.har": b'{"log": {"entries": [{"startedDateTime": NaN, "response": {"status": Infinity}}]}}',
        "huge-number.har": b'{"log": {"entries": [{"response": {"status": 1'
        + b"0" * 5000
        + b"}}]}}",
        "bad-base64.har": har(
            [
                _har_entry(
                    response={
                        "status": 200,
                        "content": {"mimeType": "text/html", "encoding": "base64", "text": "@@@"},
                    }
                )
            ]
        ),
        "bad-charset.har": har(
            [
                _har_entry(
                    response={
                        "status": 200,
                        "content": {
                            "mimeType": "text/html; charset=x-nope",
                            "encoding": "base64",
                            "text": "PGh0bWw+",
                        },
                    }
                )
            ]
        ),
        # MHTML
        "empty.mhtml": b"",
        "truncated.mhtml": mhtml("--B\nContent-Type: text/html\n\n<html><body>Aucun cr"),
        "no-html.mhtml": mhtml("--B\nContent-Type: image/png\n\nxx\n--B--\n"),
        "bad-charset.mhtml": mhtml(
            "--B\nContent-Type: text/html; charset=x-unknown-9\nContent-Transfer-Encoding: base64\n\n@@@@\n--B--\n"
        ),
        "bad-qp.mhtml": mhtml(
            "--B\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n=ZZ=\n--B--\n"
        ),
        "deep.mhtml": mhtml(
            "".join(
                f'--B{i}\nContent-Type: multipart/related; boundary="B{i + 1}"\n\n'
                for i in range(300)
            ).replace("--B0", "--B")
        ),
        "bad-location.mhtml": mhtml(
            "--B\nContent-Type: text/html\nContent-Location: =?utf-8?B?////?=\n\n<html>x</html>\n--B--\n",
            extra_headers="Date: =?x-nope?Q?a?=\n",
        ),
        # e-mails
        "empty.eml": b"",
        "no-date.eml": eml("From: a@example.org\nSubject: x\n"),
        "bad-date.eml": eml("From: a@example.org\nDate: 99 Foo 99999 99:99:99 +9999\nSubject: x\n"),
        "bad-encoded-word.eml": eml(
            _EML_HEAD.replace("Votre demande", "=?x-unknown?Q?abc?= =?utf-8?B?@@@?=")
        ),
        "bad-address.eml": eml(
            _EML_HEAD.replace("To: h@example.org", 'To: "unterminated <a@b, =?utf-8?q?=FF?= <@>')
        ),
        "bad-body-charset.eml": eml(
            _EML_HEAD
            + "Content-Type: text/plain; charset=x-nope\nContent-Transfer-Encoding: base64\n",
            "@@@@\n",
        ),
        "bad-multipart.eml": eml(
            _EML_HEAD + 'Content-Type: multipart/mixed; boundary="Z"\n',
            "--Z\nContent-Type: text/plain\n\nx",
        ),
        "deep.eml": eml(
            _EML_HEAD + 'Content-Type: multipart/mixed; boundary="Z0"\n',
            "".join(
                f'--Z{i}\nContent-Type: multipart/mixed; boundary="Z{i + 1}"\n\n'
                for i in range(300)
            ),
        ),
        "rfc822-nest.eml": eml(
            _EML_HEAD + "Content-Type: message/rfc822\n",
            "Content-Type: message/rfc822\n\n" * 300 + "x",
        ),
        "attachment-names.eml": eml(
            _EML_HEAD + 'Content-Type: multipart/mixed; boundary="Z"\n',
            "--Z\nContent-Type: text/plain\n\nx\n--Z\nContent-Type: application/pdf\n"
            "Content-Disposition: attachment; filename*=x-nope''%FF%FE\n\nAAAA\n--Z--\n",
        ),
        # HTML
        "empty.html": b"",
        "deep.html": b"<html><body>"
        + b"<div>" * 20000
        + b"Aucun cr\xc3\xa9neau"
        + b"</div>" * 20000,
        "nul.html": b"<html><body>\x00\x00\x00</body></html>",
        "utf16-odd.html": b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>",
        # zips
        "empty.zip": b"",
        "not-a-zip.zip": b"PK\x03\x04 truncated",
        "method-99.zip": _zip_with_method(99),
        "lzma-missing.zip": _zip_with_method(14),
        "bad-crc.zip": _zip_bad_crc(),
        "encrypted.zip": _zip_encrypted_flag(),
        "dirs-only.zip": zip_of([("d/", b"")]),
        "nested.zip": zip_of([("inner.zip", zip_of([("a.png", good_png)]))]),
        "odd-names.zip": zip_of(
            [
                ("a\x00b.png", good_png),
                ("é\udcff.png".encode("utf-8", "surrogateescape").decode("cp437"), good_png),
            ]
        ),
        # TOML (rules, mappings, applicant files)
        "empty.toml": b"",
        "broken.toml": b"[rules\nx = ",
        "not-utf8.toml": b"x = '\xff'\n",
        "wrong-types.toml": b"rules = 5\n[columns]\nobserved_at = 3\n[csv]\ndelimiter = 7\n",
        "rules-shape.toml": b"[[rules]]\nid = 1\nwhen = [1, 2]\n[[rules]]\nid = 'x'\nthreshold = 'a'\n",
        # bundles
        "empty-bundle.zip": b"",
        "no-manifest.zip": zip_of([("x.txt", b"x")]),
        "manifest-list.zip": bundle_with_manifest([1, 2]),
        "manifest-not-json.zip": bundle_with_manifest(b"{not json"),
        "manifest-not-utf8.zip": bundle_with_manifest(b'{"a": "\xff"}'),
        "manifest-deep.zip": bundle_with_manifest(b"[" * 100000 + b"]" * 100000),
        "manifest-types.zip": bundle_with_manifest(
            _bundle_manifest(tables={"applicants": {"rows": "x", "sha256": 5}}, files="nope")
        ),
        "manifest-rows.zip": bundle_with_manifest(
            _bundle_manifest(
                tables={
                    t: {"path": f"tables/{t}.parquet", "rows": [], "sha256": "0"}
                    for t in ("applicants", "attempts", "contacts", "documents", "probes")
                },
                files=[
                    {"path": f"tables/{t}.parquet", "sha256": "0"}
                    for t in ("applicants", "attempts", "contacts", "documents", "probes")
                ],
            ),
            [
                (f"tables/{t}.parquet", b"PAR1junk")
                for t in ("applicants", "attempts", "contacts", "documents", "probes")
            ],
        ),
        "manifest-version.zip": bundle_with_manifest(_bundle_manifest(schema_version=1e400)),
        # key files
        "empty.key": b"",
        "short.key": b"abc",
        # crawl files (issue 19 owns the crawl readers; reported, not fixed, here)
        "empty.csv": b"",
        "binary.csv": bytes(range(256)) * 8,
        "nul.csv": b"observed_at,prefecture\x00\n2025-03-12,76\x00\n",
        "broken.json": b'[{"observed_at": ',
        "deep.json": b"[" * 5000 + b"]" * 5000,
        "scalar.json": b"5",
        "garbage.parquet": b"PAR1" + b"\x00" * 100 + b"PAR1",
        "garbage.xlsx": b"PK\x03\x04garbage",
        "zip-not-xlsx.xlsx": zip_of([("x.txt", b"x")]),
        # screenshot logs
        "empty-log.csv": b"",
        "binary-log.csv": bytes(range(256)) * 4,
        "one-column-log.csv": b"x\n1\n",
        "garbage-log.xlsx": b"PK\x03\x04garbage",
        "odd-log.csv": b"fichier;date;heure\nIMG.png;99/99/9999;25:61\n;;\n\x00;\x00;\x00\n",
        # templates (letters)
        "garbage.docx": b"PK\x03\x04garbage",
        "zip-not-docx.docx": zip_of([("x.txt", b"x")]),
    }
    return found


def tamper_bundle(src: Path, dst: Path, table: str, select: str) -> Path:
    """Copy a bundle with ``table`` replaced by ``select`` (``src`` in it names the original
    table), its manifest hash and row count updated, so only the content checks can refuse
    it (the key signature is not checked without --key-file)."""
    import hashlib

    import duckdb

    rel = f"tables/{table}.parquet"
    work = dst.with_suffix(".work")
    work.mkdir(exist_ok=True)
    with zipfile.ZipFile(src) as z:
        members = {n: z.read(n) for n in z.namelist()}
    old = work / "old.parquet"
    new = work / "new.parquet"
    old.write_bytes(members[rel])
    con = duckdb.connect()
    query = select.replace("src", f"read_parquet('{old}')")
    con.execute(f"COPY ({query}) TO '{new}' (FORMAT parquet)")
    rows = con.execute(f"SELECT count(*) FROM read_parquet('{new}')").fetchone()[0]
    con.close()
    data = new.read_bytes()
    members[rel] = data
    manifest = json.loads(members["manifest.json"])
    digest = hashlib.sha256(data).hexdigest()
    manifest["tables"][table].update(sha256=digest, rows=rows)
    for entry in manifest["files"]:
        if entry["path"] == rel:
            entry.update(sha256=digest, size=len(data))
    members["manifest.json"] = json.dumps(manifest).encode()
    dst.write_bytes(zip_of(sorted(members.items())))
    return dst


#: (label, table, SELECT over ``src``) of bundles crafted from a real one.
TAMPERED_BUNDLES: tuple[tuple[str, str, str], ...] = (
    ("null-time", "attempts", "SELECT * REPLACE (NULL::TIMESTAMPTZ AS observed_at) FROM src"),
    ("text-time", "attempts", "SELECT * REPLACE ('soon' AS observed_at) FROM src"),
    ("text-slots", "attempts", "SELECT * REPLACE ('many' AS slots) FROM src"),
    ("list-column", "attempts", "SELECT * REPLACE ([1, 2] AS part) FROM src"),
    (
        "year-1",
        "attempts",
        "SELECT * REPLACE ('0001-01-01 00:00:00+00'::TIMESTAMPTZ AS observed_at) FROM src",
    ),
    ("channel", "attempts", "SELECT * REPLACE ('pigeon' AS channel) FROM src"),
    (
        "outcome",
        "attempts",
        "SELECT * REPLACE ('slots_available' AS outcome, 'x y' AS system) FROM src",
    ),
    ("null-applicant", "applicants", "SELECT * REPLACE (NULL AS prefecture) FROM src"),
    (
        "duplicate-applicant",
        "applicants",
        "SELECT * FROM src UNION ALL SELECT * REPLACE ('75' AS prefecture) FROM src",
    ),
    ("path-id", "applicants", "SELECT * REPLACE ('../../x' AS id) FROM src"),
    ("procedure", "applicants", "SELECT * REPLACE ('anything' AS procedure) FROM src"),
    ("probe-null", "probes", "SELECT * REPLACE (NULL AS outcome) FROM src"),
    ("probe-site", "probes", "SELECT * REPLACE ('Inès Fictive' AS site) FROM src"),
    ("probe-status", "probes", "SELECT * REPLACE (99999999999 AS http_status) FROM src"),
    ("doc-kind", "documents", "SELECT * REPLACE ('x' AS kind) FROM src"),
    ("empty-applicants", "applicants", "SELECT * FROM src WHERE false"),
)


#: Ways of damaging a copy of the workspace before a command runs, and the commands run on
#: each (a damaged database fails at open, whatever the command: two suffice there).
_READERS_OF_ORIGINALS: tuple[tuple[str, ...], ...] = (
    ("exhibits", "{a}", "--out", "{dir}/ex"),
    ("letter", "ddd", "{a}", "--out", "{dir}/l.docx"),
    ("classify", "{a}", "--all"),
    ("export", "bundle", "--out", "{dir}/b.zip", "--with-files"),
    ("verify",),
    ("check", "{a}"),
    ("ingest", "screenshots", "{f:ok.png}", "-a", "{a}", "--no-ocr"),
)
_AT_OPEN: tuple[tuple[str, ...], ...] = (
    ("attempts", "{a}"),
    ("ingest", "screenshots", "{f:ok.png}", "-a", "{a}", "--no-ocr"),
)
WORKSPACE_DAMAGE: dict[str, tuple[tuple[str, ...], ...]] = {
    "vault-file-missing": _READERS_OF_ORIGINALS,
    "vault-file-altered": _READERS_OF_ORIGINALS,
    "vault-file-is-dir": _READERS_OF_ORIGINALS,
    "vault-missing": _READERS_OF_ORIGINALS,
    "db-garbage": _AT_OPEN,
    "db-truncated": _AT_OPEN,
    "out-is-file": (*_AT_OPEN, ("chart", "applicant", "{a}", "--out", "{dir}/c.png")),
    "key-empty": (("export", "bundle", "--out", "{dir}/b.zip"),),
    "key-is-dir": (("export", "bundle", "--out", "{dir}/b.zip"),),
}


@dataclass(frozen=True)
class Invocation:
    """One CLI run of the corpus: what it is called, its arguments (``{f:name}`` is the
    corpus file ``name``, ``{dir}`` a scratch folder, ``{a}`` the applicant), and the damage
    done to the workspace first (one of WORKSPACE_DAMAGE), if any."""

    label: str
    args: tuple[str, ...]
    damage: str | None = None
    workspace: str | None = None  # instead of the corpus workspace


def _by_suffix(names: list[str], *suffixes: str) -> list[str]:
    return [n for n in names if n.endswith(suffixes)]


def invocations(names: list[str], *, batched: bool = False) -> list[Invocation]:
    """Every command paired with every corpus file it could be given.

    ``batched``: each ingest command gets all its files at once (a non-strict batch reports
    each file on its own line), which runs the corpus several times faster; without it, one
    invocation per file (finer diagnostics).
    """
    runs: list[Invocation] = []

    def add(label: str, *args: str) -> None:
        runs.append(Invocation(label, args))

    def ingest(what: str, files: list[str], *extra: str) -> None:
        groups = [files] if batched else [[n] for n in files]
        for group in groups:
            shown = f"{len(group)} files" if batched else group[0]
            add(f"{what} {shown}", "ingest", what, *(f"{{f:{n}}}" for n in group), *extra)

    images = _by_suffix(names, ".png", ".jpg", ".webp", ".heic")
    captures = _by_suffix(names, ".html", ".mhtml", ".har", ".eml", ".pdf")
    docs = _by_suffix(names, ".pdf", ".eml", ".png", ".jpg")
    zips = [n for n in _by_suffix(names, ".zip") if "manifest" not in n and "bundle" not in n]
    bundles = [n for n in _by_suffix(names, ".zip") if "manifest" in n or "bundle" in n]
    bundles += ["no-manifest.zip", "not-a-zip.zip", "nested.zip"]
    crawls = [n for n in _by_suffix(names, ".csv", ".json", ".parquet", ".xlsx") if "-log" not in n]
    ingest("screenshots", images + zips, "-a", "{a}", "--no-ocr")
    ingest("captures", captures + zips, "-a", "{a}", "--no-ocr")
    ingest("documents", docs + zips, "-a", "{a}", "-k", "other")
    ingest("crawl", crawls)
    for n in _by_suffix(names, "-log.csv", "-log.xlsx"):
        add(f"screenshots --log {n}", "ingest", "screenshots", "{f:ok.png}", "-a", "{a}",
            "--no-ocr", "--log", f"{{f:{n}}}")  # fmt: skip
    for n in bundles:
        add(f"aggregate {n}", "aggregate", f"{{f:{n}}}")
    for n in _by_suffix(names, ".key", ".toml"):
        add(f"aggregate --key-file {n}", "aggregate", "{f:no-manifest.zip}", "--key-file",
            f"{{f:{n}}}")  # fmt: skip
        add(f"export bundle --key-file {n}", "export", "bundle", "--out", "{dir}/b.zip",
            "--key-file", f"{{f:{n}}}")  # fmt: skip
    for n in _by_suffix(names, ".toml"):
        add(f"check --rules {n}", "check", "{a}", "--rules", f"{{f:{n}}}")
        add(f"crawl --mapping {n}", "ingest", "crawl", "{f:indicators.csv}", "--mapping",
            f"{{f:{n}}}")  # fmt: skip
    for n in _by_suffix(names, ".docx"):
        add(f"letter --templates {n}", "letter", "ddd", "{a}", "--out", "{dir}/l.docx",
            "--templates", f"{{tpl:{n}}}")  # fmt: skip
    # folders, devices, pipes and odd paths where a file is expected
    for where in ("{dir}", "/dev/null", "a\x00b.png", "x" * 300 + ".png"):
        shown = repr(where[:12])
        add(f"screenshots --log {shown}", "ingest", "screenshots", "{f:ok.png}", "-a", "{a}",
            "--no-ocr", "--log", where)  # fmt: skip
        add(f"check --rules {shown}", "check", "{a}", "--rules", where)
        add(f"aggregate {shown}", "aggregate", where)
        add(f"aggregate --key-file {shown}", "aggregate", "{f:no-manifest.zip}", "--key-file",
            where)  # fmt: skip
        add(f"export bundle --key-file {shown}", "export", "bundle", "--out", "{dir}/k.zip",
            "--key-file", where)  # fmt: skip
        add(f"crawl --mapping {shown}", "ingest", "crawl", "{f:indicators.csv}", "--mapping", where)
        add(f"letter --templates {shown}", "letter", "ddd", "{a}", "--out", "{dir}/l.docx",
            "--templates", where)  # fmt: skip
        add(f"letter --exhibits {shown}", "letter", "ddd", "{a}", "--out", "{dir}/l2.docx",
            "--exhibits", where)  # fmt: skip
        add(f"verify {shown}", "verify", where)
        add(f"demo --sample {shown}", "demo", "--out", "{dir}/d", "--sample", where)
        runs.append(Invocation(f"--workspace {shown}", ("applicant", "list"), workspace=where))
    runs.append(Invocation("init --workspace {file}/sub", ("init",), workspace="{f:ok.png}/sub"))
    runs.append(Invocation("--workspace {file}", ("attempts", "{a}"), workspace="{f:ok.png}"))
    for cmd in (
        ("ingest", "screenshots", "-a", "{a}", "--no-ocr"),
        ("ingest", "captures", "-a", "{a}", "--no-ocr"),
        ("ingest", "documents", "-a", "{a}", "-k", "other"),
        ("ingest", "crawl"),
    ):
        odd = ("/dev/null", "{fifo}", "{nonutf8}", "a\x00b.png", "x" * 300 + ".png")
        add(f"{cmd[1]} special files", *cmd, *odd)
    # outputs that cannot be written (a valid one would build the whole document: not here)
    outs = ("{dir}", "{dir}/x.unknown", "/dev/null", "{f:ok.png}/x", "x" * 300 + ".png")
    for cmd in (("chart", "applicant", "{a}"), ("chart", "map"), ("chart", "prefecture", "76"),
                ("export", "xlsx"), ("export", "bundle"), ("letter", "ddd", "{a}")):  # fmt: skip
        for out in outs:
            add(f"{' '.join(cmd[:2])} --out {out[:20]}", *cmd, "--out", out)
    for out in ("{f:ok.png}", "/dev/null", "{f:ok.png}/x", "x" * 300):
        add(f"exhibits --out {out[:20]}", "exhibits", "{a}", "--out", out)
    # values typed on the command line
    for value in ("0001-01-01", "9999-12-31", "2025-02-30", "x" * 300, "\x00"):
        shown = repr(value[:12])
        add(f"applicant add --permit-expiry {shown}", "applicant", "add", f"v{len(runs)}",
            "--prefecture", "76", "--procedure", "renouvellement", "--permit-expiry", value)  # fmt: skip
        add(f"applicant add --birth-date {shown}", "applicant", "add", f"w{len(runs)}",
            "--prefecture", "76", "--procedure", "renouvellement", "--birth-date", value)  # fmt: skip
        add(
            f"contact add --at {shown}",
            "contact",
            "add",
            "{a}",
            "--channel",
            "phone",
            "--at",
            value,
        )
        add(f"documents --dated {shown}", "ingest", "documents", "{f:minimal.pdf}", "-a", "{a}",
            "-k", "other", "--dated", value)  # fmt: skip
        add(f"indicators prefecture --since {shown}", "indicators", "prefecture", "--since", value)
        add(f"indicators prefecture --until {shown}", "indicators", "prefecture", "--until", value)
    for value in ("\x00", "x" * 300, "../../etc", "76\n"):
        add(f"attempts {value[:12]!r}", "attempts", value)
        add(f"indicators prefecture -p {value[:12]!r}", "indicators", "prefecture", "-p", value)
        add(f"attempts remove {value[:12]!r}", "attempts", "remove", "{a}", value, "--reason", "x")
        add(f"documents remove {value[:12]!r}", "documents", "remove", "{a}", value, "--reason",
            value)  # fmt: skip
    add("chart prefecture '\x00'", "chart", "prefecture", "\x00", "--out", "{dir}/q.png")
    add("chart map --since 'x'", "chart", "map", "--out", "{dir}/m.png", "--since", "x")
    for value in ("0", "-1", "nan", "inf"):
        add(f"exhibits --max-file-mb {value}", "exhibits", "{a}", "--out", f"{{dir}}/x{value}",
            "--max-file-mb", value)  # fmt: skip
    add("export xlsx --min-cell -5", "export", "xlsx", "--out", "{dir}/y.xlsx", "--min-cell", "-5")
    add("indicators applicant --window -1", "indicators", "applicant", "{a}", "--window", "-1")
    add("indicators applicant --window huge", "indicators", "applicant", "{a}", "--window",
        str(10**12))  # fmt: skip
    # captures and timestamps (no network: only refusals and unreachable local addresses)
    for url in ("not a url", "file:///etc/hostname", "javascript:alert(1)", "http://\x00/"):
        add(f"capture {url[:12]!r}", "capture", url, "--applicant", "{a}")
    for value in ("\x00", "zz", "x" * 300):
        add(f"capture-report {value[:12]!r}", "capture-report", value)
    for target in ("{dir}", "/dev/null", "{f:ok.png}", "nobody"):
        add(f"timestamp {target}", "timestamp", target, "--tsa", "http://127.0.0.1:9/")
    for tsa in ("x", "file:///etc/hostname", "http://[::1"):
        add(f"timestamp --tsa {tsa[:12]!r}", "timestamp", "{a}", "--tsa", tsa)
    for label, _, _ in TAMPERED_BUNDLES:
        add(f"aggregate tampered {label}", "aggregate", f"{{bundle:{label}}}")
    for damage, commands in WORKSPACE_DAMAGE.items():
        for cmd in commands:
            runs.append(Invocation(f"{damage}: {' '.join(cmd[:2])}", cmd, damage))
    return runs
