from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from PIL import Image

from toolkit.errors import InputError
from toolkit.ingest.captures import pdf
from toolkit.ingest.captures.base import NoTextLayer
from toolkit.model import TimeSource

from .paths import fixture_bytes

EZ = "https://www.example-prefecture.gouv.fr/booking/create/40123/1"
RDV = "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/9876/creneau/"
REPRINT = "print the page to PDF again from the browser"
T = datetime(2025, 3, 12, 10, 6)


@pytest.mark.parametrize(
    ("text", "expected", "form"),
    [
        ("12/03/2025 10:06 Prise de rendez-vous", T, "d/m/y"),  # Chrome, français
        ("12/03/2025, 10:06", T, "d/m/y"),  # English (UK)
        ("3/12/25, 10:06 AM", T, "m/d/y 12h"),  # English (US)
        ("3/12/25, 10:06\u202fAM", T, "m/d/y 12h"),  # Chrome 110+: narrow no-break space
        ("Page 1 of 1   3/12/25, 2:30 PM", T.replace(hour=14, minute=30), "m/d/y 12h"),
        ("12/3/25, 12:05 AM", datetime(2025, 12, 3, 0, 5), "m/d/y 12h"),
        ("3/27/2025, 9:41", datetime(2025, 3, 27, 9, 41), "m/d/y"),  # day 27 can only be a day
        ("12.03.25, 10:06:32", T.replace(second=32), "d/m/y"),  # Deutsch
        ("2025-03-12, 10:06", T, "y-m-d"),  # Svenska, English (Canada)
        ("12/03/2025 10h06", T, "d/m/y"),
    ],
)
def test_printed_time(text: str, expected: datetime, form: str) -> None:
    assert pdf.printed_time(text) == (expected, form)


@pytest.mark.parametrize(
    "text", ["Page 1 sur 2", "1/1", "24/03/2025", "31/02/2025 10:06", "3/12/25, 13:06 PM", ""]
)
def test_printed_time_none(text: str) -> None:
    assert pdf.printed_time(text) is None


@pytest.fixture
def closed_pages(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts pdfplumber pages closed (an open page keeps its parsed objects alive)."""
    from pdfplumber.page import Page

    closed: list[int] = []
    original = Page.close

    def close(self: Page) -> None:
        closed.append(self.page_number)
        original(self)

    monkeypatch.setattr(Page, "close", close)
    return closed


def test_printed_by_chrome(closed_pages: list[int]) -> None:
    (record,) = pdf.read(fixture_bytes("printed-chrome.pdf"), "printed-chrome.pdf")
    assert record.observed_at == T  # naive: the loop places it in the préfecture's zone
    assert record.time_source is TimeSource.PDF_HEADER
    assert record.time_detail == "pdf_header:header:d/m/y"
    assert record.url == EZ  # bottom-left footer
    cls = record.classification
    assert cls is not None
    assert (cls.system, cls.outcome, cls.rule) == ("ezbooking", "no_slot", "ezbooking.no_slot")
    assert record.text_method == "pdf" and record.extraction == "rule"
    assert record.text is not None and "Il n'existe plus de plage horaire libre" in record.text
    assert set(closed_pages) == {1}


def test_printed_by_firefox_us() -> None:
    (record,) = pdf.read(fixture_bytes("printed-firefox.pdf"), "printed-firefox.pdf")
    assert record.observed_at == T.replace(hour=14, minute=30)
    assert record.time_detail == "pdf_header:footer:m/d/y 12h"
    assert record.url == RDV  # top-right header
    cls = record.classification
    assert cls is not None
    assert (cls.system, cls.outcome) == ("rdv-prefecture", "no_slot")
    # the publication notice's date (« le 10/03/2025 à 14:00 ») is not the print time
    assert cls.last_publication == datetime(2025, 3, 10, 14, 0)


@pytest.mark.parametrize("name", ["printed-no-header.pdf", "owner-password.pdf"])
def test_metadata_time_when_printed_without_header(name: str) -> None:
    (record,) = pdf.read(fixture_bytes(name), name)
    assert record.observed_at == datetime(
        2025, 3, 14, 18, 45, 3, tzinfo=timezone(timedelta(hours=1))
    )
    assert record.time_source is TimeSource.PDF_META
    assert record.time_detail == "pdf_meta:CreationDate"
    assert record.classification is not None and record.classification.outcome == "no_slot"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "encrypted.pdf",
            f"encrypted PDF: it needs a password to open; {REPRINT} without a password",
        ),
        ("corrupt.pdf", f"corrupt PDF (Stream has ended unexpectedly); {REPRINT}"),
    ],
)
def test_unreadable_pdf(name: str, message: str, capfd: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(InputError) as err:
        pdf.read(fixture_bytes(name), name)
    assert str(err.value) == message
    assert capfd.readouterr().err == ""  # pypdf's own log lines stay quiet


def test_no_text_layer_without_ocr() -> None:
    with pytest.raises(
        NoTextLayer, match=r"^PDF has no text layer \(a scan, or a page printed as an image\)$"
    ):
        pdf.read(fixture_bytes("scanned-no-text.pdf"), "scanned-no-text.pdf")


def test_no_text_layer_read_by_ocr() -> None:
    seen: list[tuple[int, int]] = []

    def fake_ocr(image: Image.Image) -> str:
        seen.append(image.size)
        return (
            "12/03/2025 10:06\n\nVérification de disponibilité\n\nIl n'existe plus de plage "
            "horaire libre pour votre\ndemande de rendez-vous. Veuillez recommencer\n"
            f"ultérieurement.\n\n{EZ}\n"
        )

    (record,) = pdf.read(fixture_bytes("scanned-no-text.pdf"), "s.pdf", ocr=fake_ocr)
    assert seen == [(1654, 2339)]  # one A4 page rendered at 200 dpi
    assert (record.observed_at, record.time_source) == (T, TimeSource.OCR)
    assert record.time_detail == "ocr:pdf-header:d/m/y"
    assert (record.extraction, record.text_method) == ("ocr", "ocr")
    assert record.classification is not None
    assert record.classification.outcome == "no_slot"
    assert record.url == EZ


def test_ocr_reading_nothing() -> None:
    with pytest.raises(InputError, match=r"^PDF has no text layer and OCR read no text from it"):
        pdf.read(fixture_bytes("scanned-no-text.pdf"), "s.pdf", ocr=lambda image: "  ")


def test_real_ocr_of_a_scan() -> None:
    ocr = pytest.importorskip("toolkit.classify.ocr")
    available, why = ocr.ocr_available()
    if not available:
        pytest.skip(why)
    (record,) = pdf.read(fixture_bytes("scanned-no-text.pdf"), "s.pdf", ocr=ocr.ocr_image)
    assert record.classification is not None
    assert (record.classification.system, record.classification.outcome) == ("ezbooking", "no_slot")
    assert (record.observed_at, record.time_source) == (T, TimeSource.OCR)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"%PDF-1.4\n", True),
        (b"\r\n\r\n%PDF-1.7", True),
        (b"\x89PNG\r\n", False),
        (b"<html>", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert pdf.sniff(head) is expected
