"""Applicant indicators: counts over online attempts in local time, contacts, documents, expiry."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from pypdf import PdfWriter

from toolkit.applicants import add_applicant, get_applicant
from toolkit.contacts import add_contact
from toolkit.indicators.applicant import applicant_indicators
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.records import content_id, insert_attempt
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.model import Attempt

PARIS = ZoneInfo("Europe/Paris")


def online(ws, applicant_id: str, when: datetime, outcome: str = "no_slot", **kw) -> str:
    a = get_applicant(ws, applicant_id)
    kw.setdefault("time_source", "filename")
    attempt = Attempt(
        applicant_id=applicant_id, channel="online", observed_at=when, outcome=outcome,
        file_sha256=content_id("png", applicant_id, when.isoformat()), **kw,
    )  # fmt: skip
    return insert_attempt(ws, attempt, a, ws.new_source("test", None, {}))


def pdf(path: Path) -> Path:
    w = PdfWriter()
    w.add_blank_page(595, 842)
    w.add_metadata({"/Title": path.stem})  # distinct bytes for distinct files
    buf = io.BytesIO()
    w.write(buf)
    path.write_bytes(buf.getvalue())
    return path


def test_counts_over_online_attempts_in_local_time(ws, applicant: str) -> None:
    times = [
        (datetime(2025, 2, 24, 7, 15, tzinfo=PARIS), "no_slot"),
        (datetime(2025, 2, 24, 12, 40, tzinfo=PARIS), "no_slot"),
        (datetime(2025, 2, 26, 19, 20, tzinfo=PARIS), "captcha"),
        (datetime(2025, 3, 3, 14, 1, tzinfo=PARIS), "no_slot"),
        (datetime(2025, 3, 6, 6, 55, tzinfo=PARIS), "error"),
        (datetime(2025, 3, 17, 2, 10, tzinfo=PARIS), "no_slot"),
        (datetime(2025, 3, 17, 22, 5, tzinfo=PARIS), "unknown"),
    ]
    for when, outcome in times:
        online(ws, applicant, when, outcome)
    online(ws, applicant, datetime(2025, 3, 10, 9, 0, tzinfo=PARIS), "no_slot",
           time_source="mtime", original_name="rdv prefecture.png")  # fmt: skip
    # a copy made long after: its file date must not stretch the span
    online(ws, applicant, datetime(2025, 11, 2, 15, 0, tzinfo=PARIS), "no_slot",
           time_source="mtime", original_name="copie.png")  # fmt: skip
    # contacts are not attempts: they change no day, week or hour count
    add_contact(ws, applicant, channel="phone", at="2025-03-20 16:00")
    add_contact(ws, applicant, channel="email", at="2025-03-21 16:00", direction="sent")
    add_contact(ws, applicant, channel="email", at="2025-03-24 11:00", direction="received")
    ind = applicant_indicators(ws, applicant, today=date(2025, 4, 1))
    assert ind == {
        "applicant": "a-76",
        "prefecture": "76",
        "procedure": "renouvellement",
        "tz": "Europe/Paris",
        "as_of": "2025-04-01",
        "attempts": 9,
        "dated_attempts": 7,
        "by_outcome": {
            "no_slot": 6,
            "slots_available": 0,
            "captcha": 1,
            "blocked": 0,
            "error": 1,
            "maintenance": 0,
            "unknown": 1,
        },
        "first_attempt": "2025-02-24",
        "last_attempt": "2025-03-17",
        "span_days": 21,
        # the file-dated attempts (10 March, 2 November) are left out of the dating counts
        "distinct_days": 5,
        "distinct_iso_weeks": 3,
        "distinct_hours": 7,
        "hour_bands": {"night": 1, "morning": 2, "afternoon": 2, "evening": 2},
        "longest_gap_days": 11,
        "weak_times": 2,
        "weak_time_files": ["rdv prefecture.png", "copie.png"],
        "declared_times": 0,
        "declared_time_files": [],
        "days_since_last_attempt": 15,
        "first_step": "2025-02-24",
        "time_conflicts": 0,
        "outcome_conflicts": 0,
        "edited_images": 0,
        "reencoded_images": 0,
        "to_review": 3,  # one unknown outcome, two weak times
        "outcome_sources": {"read": 0, "declared": 0, "reviewed": 0, "none": 9},
        "contacts": {"email": 2, "letter": 0, "phone": 1, "counter": 0, "other": 0},
        "written_requests": 1,
        "documents": {
            "permit": 0,
            "ccc_attestation": 0,
            "letter": 0,
            "email": 0,
            "urgency": 0,
            "identity": 0,
            "sworn_statement": 0,
            "other": 0,
            "api": 0,
            "filing_confirmation": 0,
            "anef_email": 0,
            "decision": 0,
            "convocation": 0,
            "procedure": 0,
        },
        "permit_expiry": "2025-04-15",
        "days_to_expiry": 14,
        "corroboration": {
            "window_minutes": 60, "covered": 0, "corroborated": 0, "slots_after": 0,
            "contradicted": 0, "no_slot_after": 0,
        },
        "publications": {"known": 0, "attempts_at": 0, "minutes": 30, "last_known": None},
        "targets": {"sites_read": 0, "site_mismatches": [], "motifs_read": 0,
                    "motif_mismatches": []},
    }  # fmt: skip


def test_expiry_is_negative_once_expired(ws, applicant: str) -> None:
    ind = applicant_indicators(ws, applicant, today=date(2025, 5, 1))
    assert (ind["days_to_expiry"], ind["attempts"], ind["first_attempt"], ind["span_days"]) == (
        -16, 0, None, 0,
    )  # fmt: skip


def test_overseas_zones_same_instant_other_day_and_week(ws) -> None:
    """Sunday 9 March 2025 23:30 UTC: Monday 03:30 in Réunion, Sunday 20:30 in Cayenne."""
    add_applicant(ws, "r-974", prefecture="974", procedure="renouvellement")
    add_applicant(ws, "g-973", prefecture="973", procedure="renouvellement")
    instant = datetime(2025, 3, 9, 23, 30, tzinfo=UTC)
    for who in ("r-974", "g-973"):
        online(ws, who, instant)
        online(ws, who, datetime(2025, 3, 10, 12, 0, tzinfo=UTC))
    reunion = applicant_indicators(ws, "r-974")
    cayenne = applicant_indicators(ws, "g-973")
    assert (reunion["tz"], cayenne["tz"]) == ("Indian/Reunion", "America/Cayenne")
    assert (reunion["first_attempt"], reunion["last_attempt"]) == ("2025-03-10", "2025-03-10")
    assert (cayenne["first_attempt"], cayenne["last_attempt"]) == ("2025-03-09", "2025-03-10")
    assert (reunion["distinct_days"], reunion["distinct_iso_weeks"]) == (1, 1)
    assert (cayenne["distinct_days"], cayenne["distinct_iso_weeks"]) == (2, 2)
    # 03:30 and 16:00 in Réunion; 20:30 and 09:00 in Cayenne
    assert reunion["hour_bands"] == {"night": 1, "morning": 0, "afternoon": 1, "evening": 0}
    assert cayenne["hour_bands"] == {"night": 0, "morning": 1, "afternoon": 0, "evening": 1}


def test_reunion_screenshot_named_in_local_time(ws, tmp_path: Path) -> None:
    """A file name carries the phone's clock: read in Indian/Reunion, 03:30 is 23:30 UTC."""
    add_applicant(ws, "r-974", prefecture="974", procedure="premiere-demande")
    shot = tmp_path / "Screenshot_20250310-033000.png"
    Image.new("RGB", (40, 30), "white").save(shot)
    ingest_screenshots(ws, [shot], "r-974", outcome="no_slot", ocr=False)
    assert ws.scalar("SELECT observed_at FROM attempts") == datetime(2025, 3, 9, 23, 30, tzinfo=UTC)
    ind = applicant_indicators(ws, "r-974")
    assert (ind["first_attempt"], ind["hour_bands"]["night"]) == ("2025-03-10", 1)


def test_contacts_merge_documents_without_double_counting(
    ws, applicant: str, tmp_path: Path
) -> None:
    add_contact(ws, applicant, channel="letter", at="2025-03-03 10:00", direction="sent")
    # the LRAR filed as a document on the same day is the same letter
    ingest_documents(ws, [pdf(tmp_path / "lrar.pdf")], applicant, kind="letter", dated="2025-03-03")
    # its avis de réception and proof of posting filed on another day count once for that day
    ingest_documents(ws, [pdf(tmp_path / "ar.pdf")], applicant, kind="letter", dated="2025-03-06")
    ingest_documents(
        ws, [pdf(tmp_path / "depot.pdf")], applicant, kind="letter", dated="2025-03-06"
    )
    # an undated e-mail document with no contact counts on its own
    ingest_documents(ws, [pdf(tmp_path / "courriel.pdf")], applicant, kind="email")
    ingest_documents(ws, [pdf(tmp_path / "titre.pdf")], applicant, kind="permit")
    ind = applicant_indicators(ws, applicant)
    assert ind["contacts"] == {"email": 1, "letter": 2, "phone": 0, "counter": 0, "other": 0}
    assert ind["written_requests"] == 3
    assert ind["documents"] == {
        "permit": 1, "ccc_attestation": 0, "letter": 3, "email": 1, "urgency": 0,
        "identity": 0, "sworn_statement": 0, "other": 0, "api": 0, "filing_confirmation": 0,
        "anef_email": 0, "decision": 0, "convocation": 0, "procedure": 0,
    }  # fmt: skip


def test_unknown_applicant(ws) -> None:
    from toolkit.errors import NotFound

    with pytest.raises(NotFound, match="unknown applicant 'x'"):
        applicant_indicators(ws, "x")


def test_email_both_captured_and_filed_counts_once(ws, applicant: str, tmp_path: Path) -> None:
    """`ingest captures` made a contact of the .eml; the same file filed as a document
    (with another date, e.g. the day it was printed) matches it by content."""
    from toolkit.vault import sha256_bytes

    doc = pdf(tmp_path / "courriel-imprime.pdf")
    ingest_documents(ws, [doc], applicant, kind="email", dated="2025-03-05")
    a = get_applicant(ws, applicant)
    captured = Attempt(
        applicant_id=applicant, channel="email", observed_at=datetime(2025, 3, 3, 9, 0, tzinfo=PARIS),
        time_source="email_header", file_sha256=sha256_bytes(doc.read_bytes()), direction="sent",
    )  # fmt: skip
    insert_attempt(ws, captured, a, ws.new_source("captures", None, {}))
    ind = applicant_indicators(ws, applicant)
    assert (ind["contacts"]["email"], ind["written_requests"], ind["documents"]["email"]) == (
        1,
        1,
        1,
    )


# CLI --------------------------------------------------------------------------------


def test_cli_indicators_json_equals_library_and_csv(cli, cli_applicant: str) -> None:
    from toolkit.workspace import open_workspace

    with open_workspace(cli.workspace) as ws:
        online(ws, cli_applicant, datetime(2025, 3, 3, 9, 0, tzinfo=PARIS))
        online(ws, cli_applicant, datetime(2025, 3, 12, 18, 30, tzinfo=PARIS), "slots_available")
    data = cli.json("indicators", "applicant", cli_applicant)
    with open_workspace(cli.workspace, read_only=True) as ws:
        assert data == applicant_indicators(ws, cli_applicant)
    assert (data["attempts"], data["span_days"], data["distinct_iso_weeks"]) == (2, 9, 2)
    r = cli("indicators", "applicant", cli_applicant, "--format", "csv")
    assert r.exit_code == 0, r.output
    header, row = r.stdout.splitlines()
    cells = dict(zip(header.split(","), row.split(","), strict=True))
    assert (cells["by_outcome.slots_available"], cells["hour_bands.evening"]) == ("1", "1")
    assert cells["corroboration.window_minutes"] == "60"
    r = cli("indicators", "applicant", "nobody")
    assert r.exit_code == 1 and r.stderr.startswith("Error: unknown applicant 'nobody'")


def test_anef_pages_are_not_booking_attempts(ws, applicant: str) -> None:
    """An ANEF status page is procedural evidence (the timeline reads it), not a try at booking:
    letters counting « tentatives de réserver un rendez-vous » must not count it."""
    from toolkit.ingest.captures import ingest_captures

    pages = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
    ingest_captures(ws, [pages / "anef-status-instruction.html"], applicant)
    ingest_captures(ws, [pages / "rdvpref-no-slot.html"], applicant)
    systems = ws.con.execute(
        "SELECT system FROM attempts WHERE applicant_id = ? ORDER BY system", [applicant]
    ).fetchall()
    assert systems == [("anef",), ("rdv-prefecture",)]
    ind = applicant_indicators(ws, applicant)
    assert ind["attempts"] == 1
    assert {k: v for k, v in ind["by_outcome"].items() if v} == {"no_slot": 1}
    # what a person should review still covers the ANEF page (its outcome is unknown)
    assert ind["outcome_sources"]["none"] + ind["outcome_sources"]["read"] == 2
    assert ind["to_review"] == 2
