"""Capture ingest end to end: every format, times, directions, duplicates, bad input, CLI."""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

import toolkit.classify.ocr
from toolkit.applicants import add_applicant
from toolkit.attempts import attempt_records
from toolkit.errors import InputError, Problem, ProblemsFound
from toolkit.ingest.captures import ingest_captures
from toolkit.workspace import Workspace

from .paths import FIX

PARIS = ZoneInfo("Europe/Paris")
ROOT = Path(__file__).resolve().parents[3]
SAMPLE = ROOT / "evidence" / "sample" / "captures"
EXTS = ".eml, .har, .htm, .html, .mht, .mhtml, .pdf"
REPRINT = "print the page to PDF again from the browser"
NO_OCR_HINT = (
    "PDF has no text layer (a scan, or a page printed as an image); OCR is unavailable "
    "(tesseract not found): install tesseract (`pip install 'guichets[ocr]'` and the "
    "tesseract program) and ingest it again"
)
GOOD = (
    "ezbooking-cp1252.html",
    "rdvpref-blink.mhtml",
    "session-503.har",
    "base64-body.har",
    "printed-chrome.pdf",
    "printed-firefox.pdf",
    "sent-request.eml",
    "auto-reply.eml",
)


def copy(tmp: Path, *names: str, folder: str = "captures") -> Path:
    """Copy fixtures into a fresh folder; the saved page gets a pinned file date."""
    dest = tmp / folder
    dest.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(FIX / name, dest / name)
    page = dest / "ezbooking-cp1252.html"
    if page.exists():
        stamp = datetime(2025, 3, 12, 9, 30, tzinfo=PARIS).timestamp()
        os.utime(page, (stamp, stamp))
    return dest


def rows(ws: Workspace, applicant: str) -> list[dict[str, Any]]:
    return ws.rows(
        "SELECT original_name AS file, part, channel, outcome, system, rule, time_source, "
        "time_detail, strftime(timezone('Europe/Paris', observed_at), '%Y-%m-%d %H:%M:%S') AS at, "
        "direction, note, extraction FROM attempts WHERE applicant_id = ? ORDER BY observed_at",
        [applicant],
    )


def test_every_format_recorded(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    folder = copy(tmp_path, *GOOD)
    report = ingest_captures(ws, [folder], applicant)
    assert report.problems == []
    assert report.rows == 12
    assert sorted(report.recorded) == sorted(str(folder / n) for n in GOOD)
    assert report.details["formats"][str(folder / "session-503.har")] == "har"
    got = [
        (r["file"], r["part"], r["channel"], r["system"], r["outcome"], r["rule"],
         r["time_source"], r["at"], r["direction"], r["note"])
        for r in rows(ws, applicant)
    ]  # fmt: skip
    assert got == [
        ("sent-request.eml", 0, "email", "unknown", "unknown", None, "email_header",
         "2025-03-10 09:15:42", "sent", None),
        ("auto-reply.eml", 0, "email", "unknown", "unknown", None, "email_header",
         "2025-03-10 09:15:58", "received", "réponse automatique"),
        ("ezbooking-cp1252.html", 0, "online", "ezbooking", "slots_available", "ezbooking.slots",
         "mtime", "2025-03-12 09:30:00", None, None),
        # the printed « 12/03/2025 10:06 » and the CreationDate agree: the latter gives seconds
        ("printed-chrome.pdf", 0, "online", "ezbooking", "no_slot", "ezbooking.no_slot",
         "pdf_meta", "2025-03-12 10:06:41", None, None),
        ("printed-firefox.pdf", 0, "online", "rdv-prefecture", "no_slot", "rdvpref.no_slot",
         "pdf_header", "2025-03-12 14:30:00", None, None),
        ("rdvpref-blink.mhtml", 0, "online", "rdv-prefecture", "slots_available", "rdvpref.slots",
         "email_header", "2025-03-12 14:31:07", None, None),
        ("session-503.har", 2, "online", "ezbooking", "no_slot", "ezbooking.no_slot", "har",
         "2025-03-12 21:04:10", None, None),
        ("session-503.har", 5, "online", "ezbooking", "error", "http.5xx", "har",
         "2025-03-12 21:19:44", None, "HTTP 503 Service Unavailable"),
        ("session-503.har", 6, "online", "ezbooking", "error", "http.5xx", "har",
         "2025-03-12 21:26:02", None, "HTTP 504 Gateway Timeout"),
        ("session-503.har", 7, "online", "ezbooking", "unknown", None, "har",
         "2025-03-12 21:41:30", None, None),
        # startedDateTime in UTC (Z), shown in Paris time
        ("base64-body.har", 0, "online", "rdv-prefecture", "no_slot", "rdvpref.no_slot", "har",
         "2025-03-13 08:58:01", None, None),
        ("base64-body.har", 1, "online", "rdv-prefecture", "no_slot", "rdvpref.no_slot_json",
         "har", "2025-03-13 12:12:40", None,
         "outcome read from the page's data request (entry 3)"),
    ]  # fmt: skip
    # slots, first slot and publication notices
    mhtml = ws.rows(
        "SELECT slots, first_slot, last_publication, next_publication, url, url_source, "
        "extraction, confidence FROM attempts WHERE original_name = 'rdvpref-blink.mhtml'"
    )[0]
    assert mhtml == {
        "slots": 3,
        "first_slot": date(2025, 4, 9),
        "last_publication": datetime(2025, 3, 10, 14, 0),
        "next_publication": datetime(2025, 3, 17, 14, 0),
        "url": "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/9876/creneau/",
        "url_source": "read",
        "extraction": "rule",
        "confidence": 1.0,
    }
    ez = ws.rows(
        "SELECT slots, first_slot FROM attempts WHERE original_name = 'ezbooking-cp1252.html'"
    )
    assert ez == [{"slots": 3, "first_slot": date(2025, 3, 14)}]
    # text for search and display, by method
    methods = dict(ws.sql("SELECT method, count(*) FROM texts GROUP BY 1").fetchall())
    assert methods == {"html": 6, "pdf": 2, "email": 2}  # HAR entries 6 and 7 have no body
    # files, source and custody
    assert ws.scalar("SELECT count(*) FROM files") == len(GOOD)
    media = dict(ws.sql("SELECT original_name, media_type FROM files").fetchall())
    assert media["rdvpref-blink.mhtml"] == "multipart/related"
    assert media["sent-request.eml"] == "message/rfc822"
    assert ws.scalar("SELECT rows FROM sources WHERE kind = 'captures'") == 12
    detail = ws.scalar("SELECT detail FROM custody WHERE action = 'ingest.captures'")
    assert '"recorded": 12' in detail and '"files": 8' in detail
    assert f"{folder / 'ezbooking-cp1252.html'}: time taken from the file date (weak)" in " ".join(
        report.warnings
    )
    assert report.notices == [
        f"{folder / 'sent-request.eml'}: 1 attachment(s) not ingested (capture-2025-03-09.png); "
        "save them and ingest them on their own (screenshots, captures or documents)",
        f"{folder / 'session-503.har'}: 1 page(s) without a booking outcome were skipped (home, "
        "menus, booking steps before the answer): "
        "https://www.example-prefecture.gouv.fr/Demarches-administratives",
    ]


def test_page_of_no_booking_system(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    page = tmp_path / "actualites 2025-03-12 10-06-32.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Actualités</title></head>"
        "<body><h1>Fermeture exceptionnelle du guichet le 14 mars</h1></body></html>",
        encoding="utf-8",
    )
    report = ingest_captures(ws, [page], applicant)
    assert report.rows == 1
    assert report.warnings == [
        f"{page}: not recognised as a booking page; recorded with outcome unknown"
    ]
    (row,) = rows(ws, applicant)
    assert (row["system"], row["outcome"], row["rule"], row["time_source"]) == (
        "unknown",
        "unknown",
        None,
        "filename",
    )


def test_reingest_adds_nothing(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    folder = copy(tmp_path, "session-503.har", "sent-request.eml")
    first = ingest_captures(ws, [folder], applicant)
    assert first.rows == 5
    again = ingest_captures(ws, [folder], applicant)
    assert (again.rows, again.recorded, again.problems) == (0, [], [])
    assert sorted(again.duplicates) == [
        str(folder / "sent-request.eml"),
        str(folder / "session-503.har"),
    ]
    assert again.summary() == "captures: 0 attempt(s) recorded, 2 already ingested"
    assert ws.scalar("SELECT count(*) FROM attempts") == 5
    # the same bytes under another name, in the same batch, are the same evidence
    shutil.copy(folder / "sent-request.eml", folder / "copie.eml")
    third = ingest_captures(ws, [folder / "copie.eml"], applicant)
    assert third.duplicates == [str(folder / "copie.eml")]


@pytest.fixture
def no_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        toolkit.classify.ocr, "ocr_available", lambda: (False, "tesseract not found")
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("png-named.html", None, "this .html file is a PNG image; use `guichets ingest screenshots`"),
        ("truncated.har", None,
         "truncated HAR: the JSON stops at line 280 before it is complete (the copy or download "
         "was cut short); export it again from the browser's network panel (« Enregistrer tout en "
         "tant que HAR »)"),
        ("encrypted.pdf", None,
         f"encrypted PDF: it needs a password to open; {REPRINT} without a password"),
        ("corrupt.pdf", None, f"corrupt PDF (Stream has ended unexpectedly); {REPRINT}"),
        ("scanned-no-text.pdf", None, NO_OCR_HINT),
        ("no-date.eml", None,
         "no Date header, so the e-mail cannot be dated; record it with `guichets contact add` "
         "and its date in --at"),
        ("notes.txt", b"Tentative du 12 mars", f"unsupported file type .txt; captures are {EXTS}"),
        ("capture.png", (FIX / "png-named.html").read_bytes(),
         f"unsupported file type .png (a PNG image; use `guichets ingest screenshots`); "
         f"captures are {EXTS}"),
        ("session", (FIX / "session-503.har").read_bytes(),
         f"unsupported file without an extension (a HAR export; rename it to .har); captures "
         f"are {EXTS}"),
        ("page.html", (FIX / "printed-chrome.pdf").read_bytes(), "this .html file is a PDF; rename it to .pdf"),
        ("page.har", (FIX / "broken-charset.html").read_bytes(),
         "this .har file is an HTML page; rename it to .html"),
        ("page.mhtml", (FIX / "sent-request.eml").read_bytes(),
         "this .mhtml file is an e-mail; rename it to .eml"),
        ("page.eml", (FIX / "rdvpref-blink.mhtml").read_bytes(),
         "this .eml file is an MHTML archive; rename it to .mhtml"),
        ("vide.html", b"  \n", "empty file; save or export it again"),
        ("texte.eml", b"Bonjour, voici mon message.", "this .eml file is not an e-mail (its content is "
         "not recognised); save or export it again"),
    ],
)  # fmt: skip
def test_bad_input_is_reported_by_name(
    ws: Workspace, applicant: str, tmp_path: Path, no_ocr: None,
    name: str, content: bytes | None, message: str,
) -> None:  # fmt: skip
    folder = copy(tmp_path, "printed-chrome.pdf")
    bad = folder / name
    bad.write_bytes(content if content is not None else (FIX / name).read_bytes())
    report = ingest_captures(ws, [folder], applicant)
    assert report.problems == [Problem(str(bad), message)]
    assert report.recorded == [str(folder / "printed-chrome.pdf")]
    assert ws.scalar("SELECT count(*) FROM files") == 1  # nothing of the bad file was kept


def test_strict_records_nothing(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    folder = copy(tmp_path, "session-503.har", "sent-request.eml", "no-date.eml")
    with pytest.raises(ProblemsFound) as err:
        ingest_captures(ws, [folder], applicant, strict=True)
    assert str(err.value) == "1 problem(s) with --strict; nothing was recorded"
    assert [p.path for p in err.value.problems] == [str(folder / "no-date.eml")]
    for table in ("attempts", "files", "texts", "sources"):
        assert ws.scalar(f"SELECT count(*) FROM {table}") == 0, table
    assert not any(p.is_file() for p in ws.vault.root.rglob("*"))
    assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'ingest.captures'") == 0
    # without the bad file, --strict records everything
    (folder / "no-date.eml").unlink()
    assert ingest_captures(ws, [folder], applicant, strict=True).rows == 5


def test_zip_of_captures(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    archive = tmp_path / "envoi.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        info = zipfile.ZipInfo("captures/ezbooking-cp1252.html", date_time=(2025, 3, 12, 9, 45, 0))
        zf.writestr(info, (FIX / "ezbooking-cp1252.html").read_bytes())
        zf.write(FIX / "auto-reply.eml", "captures/auto-reply.eml")
        zf.writestr("__MACOSX/captures/._auto-reply.eml", b"\x00\x05\x16\x07")
    report = ingest_captures(ws, [archive], applicant)
    assert report.problems == []
    assert report.recorded == [
        f"{archive}!captures/auto-reply.eml",
        f"{archive}!captures/ezbooking-cp1252.html",
    ]
    page = next(r for r in rows(ws, applicant) if r["file"] == "ezbooking-cp1252.html")
    assert (page["time_source"], page["at"]) == ("mtime", "2025-03-12 09:45:00")  # the entry's date


def test_direction_needs_the_applicants_address(ws: Workspace, tmp_path: Path) -> None:
    add_applicant(ws, "b-13", prefecture="13", procedure="premiere-demande")  # no e-mail on file
    add_applicant(
        ws, "c-13", prefecture="13", procedure="premiere-demande", email="autre@example.net"
    )
    folder = copy(tmp_path, "sent-request.eml", "auto-reply.eml", "html-only-reply.eml")
    report = ingest_captures(ws, [folder], "b-13")
    got = {r["file"]: (r["direction"], r["note"]) for r in rows(ws, "b-13")}
    assert got == {
        "sent-request.eml": (None, None),
        "auto-reply.eml": ("received", "réponse automatique"),  # an automatic reply was received
        "html-only-reply.eml": (None, None),
    }
    blank = "direction left blank (sent or received?): the applicant has no e-mail address on file"
    assert f"{folder / 'sent-request.eml'}: {blank}" in report.notices
    assert f"{folder / 'html-only-reply.eml'}: {blank}" in report.notices
    report = ingest_captures(ws, [folder / "sent-request.eml"], "c-13")
    assert report.notices[-1] == (
        f"{folder / 'sent-request.eml'}: direction left blank: neither From nor To/Cc is the "
        "applicant's e-mail address"
    )


def test_received_reply_of_a_known_applicant(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    folder = copy(tmp_path, "html-only-reply.eml")
    ingest_captures(ws, [folder], applicant)
    (row,) = rows(ws, applicant)
    assert (row["direction"], row["at"]) == ("received", "2025-03-18 17:02:11")  # -0000 is UTC
    text = ws.scalar("SELECT text FROM texts WHERE method = 'email'")
    assert text.startswith("Madame,\nSuite à votre message du 10 mars")


def test_time_from_the_file_name_then_its_date(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    named = tmp_path / "Page 2025-03-12 10-06-32.html"
    shutil.copy(FIX / "broken-charset.html", named)
    dated = tmp_path / "ezbooking-2025-03-20.html"
    shutil.copy(FIX / "ezbooking-cp1252.html", dated)
    stamp = datetime(2025, 3, 21, 8, 0, tzinfo=PARIS).timestamp()
    os.utime(dated, (stamp, stamp))
    report = ingest_captures(ws, [named, dated], applicant)
    got = {r["file"]: (r["time_source"], r["time_detail"], r["at"]) for r in rows(ws, applicant)}
    assert got == {
        named.name: ("filename", "filename:iso", "2025-03-12 10:06:32"),
        dated.name: ("mtime", "mtime", "2025-03-21 08:00:00"),
    }
    assert report.warnings == [
        f"{named}: declares charset utf-8 but byte 248 is not valid utf-8; read as a best guess, "
        "check accents",
        f"{dated}: time taken from the file date (weak) 2025-03-21, but its name says 2025-03-20; "
        "keep the original file, or print the page to PDF or save it as MHTML, which record the time",
    ]


def test_scanned_pdf_read_by_ocr(
    ws: Workspace, applicant: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(toolkit.classify.ocr, "ocr_available", lambda: (True, "fake"))
    monkeypatch.setattr(
        toolkit.classify.ocr,
        "ocr_image",
        lambda image: (
            "12/03/2025 10:06\nVérification de disponibilité\nIl n'existe plus de "
            "plage horaire libre pour votre demande de rendez-vous."
        ),
    )
    folder = copy(tmp_path, "scanned-no-text.pdf")
    report = ingest_captures(ws, [folder], applicant)
    assert report.problems == []
    (row,) = rows(ws, applicant)
    assert (
        row["outcome"],
        row["extraction"],
        row["time_source"],
        row["time_detail"],
        row["at"],
    ) == ("no_slot", "ocr", "ocr", "ocr:pdf-header:d/m/y", "2025-03-12 10:06:00")
    assert ws.scalar("SELECT method FROM texts") == "ocr"


def test_ocr_options(ws: Workspace, applicant: str, tmp_path: Path, no_ocr: None) -> None:
    folder = copy(tmp_path, "scanned-no-text.pdf", "printed-chrome.pdf")
    with pytest.raises(InputError, match=r"^OCR unavailable: tesseract not found$"):
        ingest_captures(ws, [folder], applicant, ocr=True)
    report = ingest_captures(ws, [folder], applicant, ocr=False)
    assert [str(p) for p in report.problems] == [
        f"{folder / 'scanned-no-text.pdf'}: PDF has no text layer (a scan, or a page printed as "
        "an image); run again without --no-ocr to read it with OCR"
    ]
    assert report.rows == 1


def test_unknown_applicant_and_empty_folder(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    from toolkit.errors import NotFound

    with pytest.raises(NotFound, match="unknown applicant 'zz'"):
        ingest_captures(ws, [tmp_path], "zz")
    (tmp_path / "vide").mkdir()
    with pytest.raises(InputError, match=r"^no files found in "):
        ingest_captures(ws, [tmp_path / "vide"], applicant)


@pytest.mark.skipif(not SAMPLE.is_dir(), reason="sample captures not generated")
def test_sample_captures_ingest_cleanly(ws: Workspace, tmp_path: Path) -> None:
    add_applicant(
        ws,
        "demo-001",
        prefecture="76",
        procedure="renouvellement",
        email="nadia.exemple@example.org",
    )
    report = ingest_captures(ws, [SAMPLE], "demo-001")
    assert report.problems == []
    found = rows(ws, "demo-001")
    online = [r for r in found if r["channel"] == "online"]
    emails = [r for r in found if r["channel"] == "email"]
    assert online and emails
    assert all(r["system"] != "unknown" and r["outcome"] != "unknown" for r in online)
    assert all(r["direction"] in ("sent", "received") for r in emails)
    assert {r["note"] for r in emails if r["direction"] == "received"} == {"réponse automatique"}
    assert not [r for r in emails if r["direction"] == "sent" and r["note"]]


# --- CLI ---------------------------------------------------------------------------


def test_cli_ingest_report_and_attempts_json(cli: Any, cli_applicant: str, tmp_path: Path) -> None:
    folder = copy(
        tmp_path, "printed-chrome.pdf", "session-503.har", "sent-request.eml", "png-named.html"
    )
    r = cli("ingest", "captures", str(folder), "--applicant", cli_applicant)
    assert r.exit_code == 1, r.output
    lines = r.stderr.splitlines()
    assert (
        f"Rejected: {folder / 'png-named.html'}: this .html file is a PNG image; use "
        "`guichets ingest screenshots`"
    ) in lines
    assert (
        f"{folder / 'session-503.har'}: 1 page(s) without a booking outcome were skipped (home, "
        "menus, booking steps before the answer): "
        "https://www.example-prefecture.gouv.fr/Demarches-administratives" in lines
    )
    assert (
        f"Warning: {folder / 'session-503.har'}: 1 page response(s) have no saved body, so "
        "their outcome is unknown; export the HAR with the responses' content" in lines
    )
    assert lines[-1] == "captures: 6 attempt(s) recorded, 1 rejected"
    data = cli.json("attempts", cli_applicant)
    got = [(d["file"], d["channel"], d["system"], d["outcome"], d["rule"], d["time_source"],
            d["local_time"], d["direction"]) for d in data]  # fmt: skip
    assert got == [
        ("sent-request.eml", "email", "unknown", "unknown", None, "email_header",
         "2025-03-10 09:15:42", "sent"),
        ("printed-chrome.pdf", "online", "ezbooking", "no_slot", "ezbooking.no_slot", "pdf_meta",
         "2025-03-12 10:06:41", None),
        ("session-503.har", "online", "ezbooking", "no_slot", "ezbooking.no_slot", "har",
         "2025-03-12 21:04:10", None),
        ("session-503.har", "online", "ezbooking", "error", "http.5xx", "har",
         "2025-03-12 21:19:44", None),
        ("session-503.har", "online", "ezbooking", "error", "http.5xx", "har",
         "2025-03-12 21:26:02", None),
        ("session-503.har", "online", "ezbooking", "unknown", None, "har",
         "2025-03-12 21:41:30", None),
    ]  # fmt: skip
    from toolkit.workspace import open_workspace

    with open_workspace(cli.workspace, read_only=True) as w:
        assert attempt_records(w, cli_applicant) == data

    (folder / "png-named.html").unlink()
    r = cli("ingest", "captures", str(folder), "--applicant", cli_applicant)
    assert r.exit_code == 0, r.output
    assert f"Already ingested: {folder / 'session-503.har'}" in r.stderr.splitlines()
    assert r.stderr.splitlines()[-1] == "captures: 0 attempt(s) recorded, 3 already ingested"


def test_cli_strict(cli: Any, cli_applicant: str, tmp_path: Path) -> None:
    folder = copy(tmp_path, "printed-chrome.pdf", "encrypted.pdf")
    r = cli("ingest", "captures", str(folder), "-a", cli_applicant, "--strict")
    assert r.exit_code == 1, r.output
    assert r.stderr.splitlines() == [
        f"Rejected: {folder / 'encrypted.pdf'}: encrypted PDF: it needs a password to open; "
        f"{REPRINT} without a password",
        "Error: 1 problem(s) with --strict; nothing was recorded",
    ]
    assert cli.json("attempts", cli_applicant) == []


def test_cli_usage(cli: Any, cli_applicant: str, tmp_path: Path) -> None:
    r = cli("ingest", "captures", "--help")
    assert r.exit_code == 0
    assert ".mhtml/.mht" in r.stdout and "--strict" in r.stdout and "--no-ocr" in r.stdout
    r = cli("ingest", "captures", "--applicant", cli_applicant)
    assert r.exit_code == 2
    r = cli("ingest", "captures", str(FIX / "printed-chrome.pdf"), "--applicant", "zz")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: unknown applicant 'zz'")


def test_import_loads_no_heavy_library() -> None:
    import subprocess
    import sys

    heavy = ("lxml", "pdfplumber", "pypdf", "pypdfium2", "PIL", "duckdb")
    code = (
        "import sys, toolkit.ingest.captures, toolkit.cli.ingest_captures; "
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_attempts_table_shows_system_outcome_rule_and_time_source(
    cli, cli_applicant: str, monkeypatch
) -> None:
    from pathlib import Path

    monkeypatch.setenv("COLUMNS", "250")
    sample = Path(__file__).resolve().parents[3] / "evidence" / "sample" / "captures"
    r = cli("ingest", "captures", str(sample / "session-2025-03-24.har"), "-a", cli_applicant)
    assert r.exit_code == 0, r.output
    r = cli("attempts", cli_applicant)
    assert r.exit_code == 0, r.output
    header = next(line for line in r.stdout.splitlines() if "local_time" in line)
    for column in ("outcome", "system", "rule", "time_source"):
        assert column in header
    assert "http.5xx" in r.stdout and "har" in r.stdout
