"""One absurd time must not poison a file: times of year 1 and 9999 from every source.

Before, EXIF/PNG/HAR times in year 0001 or 9999 were accepted; afterwards ``attempts``,
``check``, ``chart``, ``letter``, ``exhibits`` and ``export xlsx`` failed (AttributeError: a
``str`` where a datetime was expected) and year-1 metadata raised OverflowError during
ingest. Every time is now range-checked at the door: an out-of-range one is kept as a
rejected candidate with its reason, never as the attempt's time. The files are ingested
through the CLI in-process; each command that reads the poisoned store then runs in a bounded
child process (tests/hostile/limits.py), as a user would run it, its peak memory measured.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

from PIL import Image
from PIL.PngImagePlugin import PngInfo

from tests.conftest import Cli
from tests.hostile.limits import MEMORY_LIMIT_MB, Run, run_cli

FILE_DATE = 1741800000  # 2025-03-12 17:20 UTC: the only sane time some files have
NO_SLOT = (
    "<html><body><h2>Vérification de disponibilité</h2><form id='FormBookingCreate'>Il n'existe "
    "plus de plage horaire libre pour votre demande de rendez-vous.</form></body></html>"
)


def _exif(stamp: str) -> bytes:
    exif = Image.Exif()
    exif.get_ifd(0x8769)[0x9003] = stamp  # DateTimeOriginal
    return exif.tobytes()


def _har(*starts: str) -> bytes:
    url = "https://www.seine-maritime.gouv.fr/booking/create/28617/1"
    entries = [
        {
            "startedDateTime": start,
            "request": {"method": "GET", "url": url, "headers": []},
            "response": {
                "status": 200, "statusText": "OK",
                "headers": [{"name": "Date", "value": "Fri, 31 Dec 9999 23:59:59 GMT"}],
                "content": {"mimeType": "text/html", "text": NO_SLOT},
            },
        }
        for start in starts
    ]  # fmt: skip
    return json.dumps({"log": {"version": "1.2", "entries": entries}}).encode()


def _eml(date: str) -> bytes:
    return (
        "From: demandeur@example.org\r\nTo: pref@example.gouv.fr\r\n"
        f"Date: {date}\r\nSubject: Demande de rendez-vous\r\n\r\nBonjour,\r\n"
    ).encode()


def _pdf(created: str) -> bytes:
    """A printed no-slot page (a text layer) whose CreationDate is ``created``."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    page = FPDF()
    page.add_page()
    page.set_font("helvetica", size=12)
    page.multi_cell(0, 8, "Verification de disponibilite - Il n'existe plus de plage horaire "
                    "libre pour votre demande de rendez-vous.")  # fmt: skip
    w = PdfWriter(clone_from=PdfReader(io.BytesIO(bytes(page.output()))))
    w.add_metadata({"/CreationDate": created, "/Title": created})
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def poison(folder: Path) -> dict[str, Path]:
    """Files whose times lie in year 1 or 9999, from every source a reader looks at."""
    shots, captures, documents = folder / "shots", folder / "captures", folder / "documents"
    for d in (shots, captures, documents):
        d.mkdir(parents=True)
    img = Image.new("RGB", (60, 40), "white")
    img.save(shots / "exif-year-1.jpg", exif=_exif("0001:01:01 00:00:00"))
    img.save(shots / "exif-year-9999.png", exif=_exif("9999:12:31 23:59:59"))
    info = PngInfo()
    info.add_text("Creation Time", "9999-12-31T23:59:59+14:00")
    info.add_itxt("XML:com.adobe.xmp", '<x xmp:CreateDate="0001-01-01T00:00:00-12:00"/>')
    Image.new("RGB", (61, 40), "white").save(shots / "png-meta.png", pnginfo=info)
    Image.new("RGB", (62, 40), "white").save(shots / "Screenshot_00010101-000000.png")
    (shots / "journal.csv").write_text(
        "fichier;date;heure;résultat\nexif-year-1.jpg;01/01/0001;00:00;pas de créneau\n",
        encoding="utf-8",
    )
    (captures / "session.har").write_bytes(
        _har("0001-01-01T00:00:00.000+14:00", "9999-12-31T23:59:59.999Z")
    )
    (captures / "annee-9999.eml").write_bytes(_eml("Fri, 31 Dec 9999 23:59:59 +1400"))
    (captures / "an-1.mhtml").write_bytes(
        b"MIME-Version: 1.0\r\nDate: Mon, 01 Jan 0001 00:00:00 -1200\r\n"
        b"Snapshot-Content-Location: https://www.seine-maritime.gouv.fr/booking/create/28617/1\r\n"
        b'Content-Type: multipart/related; boundary="b"\r\n\r\n--b\r\n'
        b"Content-Type: text/html; charset=utf-8\r\n\r\n" + NO_SLOT.encode() + b"\r\n--b--\r\n"
    )
    (captures / "imprime.pdf").write_bytes(_pdf("D:00010101000000+14'00'"))
    (documents / "titre.pdf").write_bytes(_pdf("D:99991231235959-12'00'"))
    for p in folder.rglob("*"):
        if p.is_file():
            os.utime(p, (FILE_DATE, FILE_DATE))
    return {"shots": shots, "captures": captures, "documents": documents}


def _sane(run: Run, *codes: int) -> None:
    """Exit as expected, and never the generic failure or a traceback."""
    assert run.returncode in codes, (run.args, run.stderr)
    assert "unexpected failure" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert run.peak_mb < MEMORY_LIMIT_MB


def _ingested(run: Any, code: int) -> str:
    """An in-process run's stderr, once it exited as expected without a generic failure."""
    assert run.exit_code == code, run.output
    assert "unexpected failure" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    return str(run.stderr)


def poisoned_store(tmp: Path) -> Path:
    """A workspace that ingested every poisoned file through the CLI. The ingests run
    in-process (their memory is not at stake: these files are small); the commands that
    read the store afterwards run in bounded child processes."""
    ws = tmp / "ws"
    files = poison(tmp / "in")
    cli = Cli(ws)
    _ingested(cli("init"), 0)
    _ingested(cli("applicant", "add", "p-1", "--prefecture", "76", "--procedure",
                  "renouvellement", "--permit-expiry", "2025-04-15"), 0)  # fmt: skip
    log = str(files["shots"] / "journal.csv")
    shots = _ingested(cli("ingest", "screenshots", str(files["shots"]), "-a", "p-1", "--no-ocr",
                          "--log", log), 0)  # fmt: skip
    assert "ignored (out of range" in shots
    # the e-mail cannot be dated: one line naming it, the rest recorded
    captures = _ingested(
        cli("ingest", "captures", str(files["captures"]), "-a", "p-1", "--no-ocr"), 1
    )
    assert "annee-9999.eml: the e-mail cannot be dated (email:Date" in captures
    assert "out of range: after" in captures and "contact add" in captures
    _ingested(cli("ingest", "documents", str(files["documents"]), "-a", "p-1",
                  "--kind", "permit"), 0)  # fmt: skip
    return ws


COMMANDS = (
    (("attempts", "p-1"), (0,)),
    (("check", "p-1", "--format", "json"), (0, 1)),
    (("chart", "applicant", "p-1", "--out", "{tmp}/chronologie.png"), (0,)),
    (("letter", "requete", "p-1", "--out", "{tmp}/requete.docx"), (0, 1)),
    (("exhibits", "p-1", "--out", "{tmp}/pieces"), (0,)),
    (("export", "xlsx", "--out", "{tmp}/classeur.xlsx"), (0,)),
)


def test_a_poisoned_file_poisons_nothing(tmp_path: Path) -> None:
    """One store built once (each command is a child process: the run is costly)."""
    ws = poisoned_store(tmp_path)
    _every_time_out_of_range_is_kept_rejected_never_used(ws)
    for args, codes in COMMANDS:
        run = run_cli(ws, *(a.replace("{tmp}", str(tmp_path)) for a in args), timeout=120)
        _sane(run, *codes)
        if args[0] == "check":  # exit 1 is its verdict (insufficient), not a failure
            assert json.loads(run.stdout)["verdict"] in ("ready", "weak", "insufficient")
        elif run.returncode:  # a refusal is one line saying what to do
            assert len(run.error_lines) == 1, (args, run.stderr)


def _every_time_out_of_range_is_kept_rejected_never_used(ws: Path) -> None:
    run = run_cli(ws, "attempts", "p-1", "--format", "json")
    _sane(run, 0)
    rows = json.loads(run.stdout)
    assert len(rows) == 8  # 4 screenshots, 2 HAR pages, the MHTML page, the PDF
    for row in rows:
        assert row["observed_at"].startswith("2025-03-12T18:20:00"), row
        assert row["time_source"] == "mtime" and row["flags"] == ["weak_time"], row
        rejected = [t for t in row["times"] if t["rejected"]]
        assert rejected, row["file"]
        assert all(t["rejected"].startswith("out of range") or t["rejected"] == "unreadable"
                   for t in rejected)  # fmt: skip
    by_detail = {t["detail"]: t for r in rows for t in r["times"] if t["rejected"]}
    assert by_detail["exif:DateTimeOriginal"]["raw"].startswith(("0001-01-01", "9999-12-31"))
    assert by_detail["log:line 2"]["raw"] == "0001-01-01T00:00:00"
    assert by_detail["filename:android"]["raw"] == "0001-01-01T00:00:00"
    assert by_detail["har:startedDateTime"]["rejected"].startswith("out of range")
    assert by_detail["har:response Date"]["raw"].startswith("9999-12-31")
    # « 0001 » would be read as 2001 by the e-mail two-digit-year rule: kept, unread
    assert (by_detail["mhtml:Date"]["rejected"], by_detail["mhtml:Date"]["raw"]) == (
        "unreadable",
        "Mon, 01 Jan 0001 00:00:00 -1200",
    )
    assert by_detail["pdf_meta:CreationDate"]["raw"].startswith("0001-01-01")
