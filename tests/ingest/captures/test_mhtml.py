from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from toolkit.errors import InputError
from toolkit.ingest.captures import mhtml
from toolkit.ingest.captures.base import mime_date
from toolkit.model import TimeSource

from .paths import fixture_bytes

RDV = "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/9876/creneau/"


def test_blink_quoted_printable_slot_page() -> None:
    (record,) = mhtml.read(fixture_bytes("rdvpref-blink.mhtml"), "rdvpref-blink.mhtml")
    cls = record.classification
    assert cls is not None
    assert (cls.system, cls.outcome, cls.rule) == (
        "rdv-prefecture",
        "slots_available",
        "rdvpref.slots",
    )
    assert cls.slots == 3
    assert cls.first_slot == date(2025, 4, 9)
    assert cls.last_publication == datetime(2025, 3, 10, 14, 0)
    assert cls.next_publication == datetime(2025, 3, 17, 14, 0)
    assert record.url == RDV  # Snapshot-Content-Location
    assert record.observed_at == datetime(
        2025, 3, 12, 14, 31, 7, tzinfo=timezone(timedelta(hours=1))
    )
    assert record.time_source is TimeSource.EMAIL_HEADER
    assert record.time_detail == "mhtml:Date"
    assert record.text is not None
    assert "Choisissez votre créneau" in record.text  # quoted-printable UTF-8 decoded
    assert "fr-notice--info" not in record.text  # the CSS part is not the page
    assert record.warnings == []


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (fixture_bytes("rdvpref-blink.mhtml")[:4096], True),
        (b"From: <Saved by Windows Internet Explorer 8>\r\nContent-Type: multipart/related;", True),
        (b"MIME-Version: 1.0\r\nSnapshot-Content-Location: https://x.gouv.fr/\r\n", True),
        (fixture_bytes("auto-reply.eml"), False),  # an e-mail: no multipart/related
        (b"<!DOCTYPE html><html>", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert mhtml.sniff(head) is expected


def test_archive_without_a_page() -> None:
    data = (
        b"From: <Saved by Blink>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; type="text/html"; boundary="b"\r\n\r\n'
        b"--b\r\nContent-Type: text/css\r\n\r\nbody{}\r\n--b--\r\n"
    )
    with pytest.raises(InputError, match=r"^no HTML page inside this MHTML archive; save"):
        mhtml.read(data, "vide.mhtml")


def test_cut_archive_is_read_with_a_warning() -> None:
    data = fixture_bytes("rdvpref-blink.mhtml")
    cut = data[: data.index(b"Content-Type: text/css")]
    (record,) = mhtml.read(cut, "coupe.mhtml")
    assert record.classification is not None
    assert record.classification.outcome == "slots_available"
    assert record.warnings == [
        "the archive is incomplete (no closing boundary); the page was read as far as it goes"
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Wed, 12 Mar 2025 14:31:07 +0100",
         datetime(2025, 3, 12, 14, 31, 7, tzinfo=timezone(timedelta(hours=1)))),
        ("Tue, 18 Mar 2025 16:02:11 -0000", datetime(2025, 3, 18, 16, 2, 11, tzinfo=UTC)),
        ("Tue, 18 Mar 2025 16:02:11 GMT", datetime(2025, 3, 18, 16, 2, 11, tzinfo=UTC)),
        ("18 Mar 2025 16:02:11", datetime(2025, 3, 18, 16, 2, 11)),  # no zone: naive
        ("Wed, 12 Mar 2025\r\n 14:31:07 +0100",
         datetime(2025, 3, 12, 14, 31, 7, tzinfo=timezone(timedelta(hours=1)))),
        ("mercredi 12 mars", None),
        ("", None),
        (None, None),
    ],
)  # fmt: skip
def test_mime_date(raw: str | None, expected: datetime | None) -> None:
    found = mime_date(raw)
    assert found == expected
    if expected is not None:
        assert found is not None and (found.tzinfo is None) == (expected.tzinfo is None)
