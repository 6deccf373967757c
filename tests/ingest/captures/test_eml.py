from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from toolkit.errors import InputError
from toolkit.ingest.captures import eml
from toolkit.model import TimeSource

from .paths import fixture_bytes

PREF = "etrangers-sejour@example-prefecture.gouv.fr"
CET = timezone(timedelta(hours=1))
UNDATED = "record it with `guichets contact add` and its date in --at"


def test_sent_request() -> None:
    (record,) = eml.read(fixture_bytes("sent-request.eml"), "sent-request.eml")
    assert record.channel == "email"
    assert record.classification is None  # a contact, not a booking page
    assert record.observed_at == datetime(2025, 3, 10, 9, 15, 42, tzinfo=CET)
    assert (record.time_source, record.time_detail) == (TimeSource.EMAIL_HEADER, "email:Date")
    # RFC 2047, folded over two lines
    assert record.subject == "Demande de rendez-vous – renouvellement de titre de séjour"
    assert record.sender == "ines.fictive@example.org"  # lower-cased for comparison
    assert record.recipients == (PREF,)
    assert record.direction is None  # the ingest loop decides, knowing the applicant
    assert not record.auto_reply and record.note is None
    assert record.text_method == "email"
    assert record.text is not None
    assert record.text.startswith(
        "Madame, Monsieur,\n\nTitulaire d'une carte de séjour « salarié »"
    )
    assert record.notices == [
        "1 attachment(s) not ingested (capture-2025-03-09.png); save them and ingest them "
        "on their own (screenshots, captures or documents)"
    ]


def test_auto_reply_in_latin1() -> None:
    (record,) = eml.read(fixture_bytes("auto-reply.eml"), "auto-reply.eml")
    assert record.subject == "Réponse automatique : Demande de rendez-vous"
    assert record.sender == PREF
    assert record.recipients == ("ines.fictive@example.org",)
    assert record.auto_reply and record.note == "réponse automatique"
    assert record.text is not None and record.text.startswith("Ceci est une réponse automatique.")


def test_html_only_reply_dated_in_utc() -> None:
    (record,) = eml.read(fixture_bytes("html-only-reply.eml"), "html-only-reply.eml")
    assert record.observed_at == datetime(2025, 3, 18, 16, 2, 11, tzinfo=UTC)  # -0000
    assert record.subject == "RE: Demande de rendez-vous – renouvellement"
    assert record.text == (
        "Madame,\nSuite à votre message du 10 mars, un rendez-vous vous sera proposé par "
        "courriel dans les prochaines semaines.\nLe bureau du séjour"
    )
    assert not record.auto_reply


def _message(headers: str, body: str = "Bonjour,\n\nMerci.\n") -> bytes:
    return (headers.strip() + "\nContent-Type: text/plain; charset=utf-8\n\n" + body).encode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (fixture_bytes("no-date.eml"), f"no Date header, so the e-mail cannot be dated; {UNDATED}"),
        (_message("From: a@example.org\nDate: le 12 mars vers midi\nSubject: x"),
         f"unreadable Date header 'le 12 mars vers midi'; {UNDATED}"),
    ],
)  # fmt: skip
def test_undated_messages(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        eml.read(data, "x.eml")
    assert str(err.value) == message


DATE = "Date: Mon, 10 Mar 2025 09:15:58 +0100"


@pytest.mark.parametrize(
    ("headers", "body", "auto"),
    [
        ("Auto-Submitted: auto-replied", "Bonjour", True),
        ("Auto-Submitted: auto-generated", "Bonjour", True),
        ("Auto-Submitted: no", "Bonjour", False),
        ("X-Autoreply: yes", "Bonjour", True),
        ("Precedence: auto_reply", "Bonjour", True),
        ("Subject: Réponse automatique : votre demande", "Bonjour", True),
        ("Subject: Automatic reply: Demande de rendez-vous", "Hello", True),
        ("Subject: Absence", "Ceci est un message automatique, merci de ne pas y répondre.", True),
        # a person who mentions the automatic reply they received is not one
        ("Subject: Relance", "Je n'ai reçu qu'une réponse automatique le 6 mars.", False),
        ("Subject: RE: Réponse automatique : Demande", "Madame, je vous relance.", False),
    ],
)
def test_auto_reply_detection(headers: str, body: str, auto: bool) -> None:
    (record,) = eml.read(_message(f"From: p@example.gouv.fr\n{DATE}\n{headers}", body), "x.eml")
    assert record.auto_reply is auto
    assert record.note == ("réponse automatique" if auto else None)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (fixture_bytes("sent-request.eml"), True),
        (b"From someone@example.org Mon Mar 10 09:15:42 2025\nFrom: a@b.fr\nDate: x\n", True),
        (b"Return-Path: <a@b.fr>\r\nReceived: from mx\r\n", True),
        (b"Content-Type: text/plain\r\n\r\nBonjour", False),
        (
            fixture_bytes("rdvpref-blink.mhtml"),
            False,
        ),  # MIME too, but a saved page  # a MIME part, not a message
        (b"<!DOCTYPE html>", False),
        (b"%PDF-1.4", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert eml.sniff(head) is expected
