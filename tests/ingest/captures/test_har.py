from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from toolkit.errors import InputError
from toolkit.ingest.captures import har
from toolkit.model import TimeSource

from .paths import fixture_bytes

EZ = "https://www.example-prefecture.gouv.fr/booking/create/40123/1"
RDV = "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/9876/creneau/"
PARIS_WINTER = timezone(timedelta(hours=1))
EXPORT = "export it again from the browser's network panel (« Enregistrer tout en tant que HAR »)"


def test_firefox_session_with_503() -> None:
    records = har.read(fixture_bytes("session-503.har"), "session-503.har")
    got = [
        (r.part, r.classification.outcome, r.classification.rule, r.http_status, r.note)
        for r in records
        if r.classification
    ]
    # 0 home page (not a booking page), 1 redirect, 3 css, 4 image: skipped
    assert got == [
        (2, "no_slot", "ezbooking.no_slot", 200, None),
        (5, "error", "http.5xx", 503, "HTTP 503 Service Unavailable"),
        (6, "error", "http.5xx", 504, "HTTP 504 Gateway Timeout"),  # no body, status says it
        (7, "unknown", None, 200, None),  # no body saved
    ]
    assert {r.classification.system for r in records if r.classification} == {"ezbooking"}
    assert {r.url for r in records} == {EZ}
    assert records[0].observed_at == datetime(2025, 3, 12, 21, 4, 10, 31000, tzinfo=PARIS_WINTER)
    assert records[1].observed_at == datetime(2025, 3, 12, 21, 19, 44, 610000, tzinfo=PARIS_WINTER)
    assert {(r.time_source, r.time_detail) for r in records} == {
        (TimeSource.HAR, "har:startedDateTime")
    }
    assert records[0].notices == [
        "1 page(s) without a booking outcome were skipped (home, "
        "menus, booking steps before the answer): "
        "https://www.example-prefecture.gouv.fr/Demarches-administratives"
    ]
    assert records[0].warnings == [
        "1 page response(s) have no saved body, so their outcome is unknown; "
        "export the HAR with the responses' content"
    ]
    assert (
        records[1].text
        == "Service surchargé\nService surchargé\nVeuillez réessayer dans quelques minutes."
    )


def test_chrome_base64_bodies_and_rdvpref_data_request() -> None:
    first, shell = har.read(fixture_bytes("base64-body.har"), "base64-body.har")
    assert first.part == 0 and shell.part == 1
    assert first.classification is not None and shell.classification is not None
    # a base64 body in ISO-8859-1 declared only by its <meta>
    assert first.classification.rule == "rdvpref.no_slot"
    assert (
        first.text is not None and "Aucun créneau disponible à partir de cette date" in first.text
    )
    assert first.observed_at == datetime(2025, 3, 13, 7, 58, 1, 512000, tzinfo=UTC)
    # the app shell says nothing; its data request (entry 3) decides, as one attempt
    assert (shell.classification.system, shell.classification.outcome) == (
        "rdv-prefecture",
        "no_slot",
    )
    assert shell.classification.rule == "rdvpref.no_slot_json"
    assert shell.url == RDV
    assert shell.note == "outcome read from the page's data request (entry 3)"
    assert shell.text is not None and '"datePremiereDispo": ""' in shell.text


def _har(entries: list[dict[str, Any]]) -> bytes:
    return json.dumps({"log": {"version": "1.2", "entries": entries}}).encode()


def _entry(
    url: str, mime: str, text: str | None, status: int = 200, **extra: Any
) -> dict[str, Any]:
    content: dict[str, Any] = {"mimeType": mime, "size": len(text or "")}
    if text is not None:
        content["text"] = text
    return {
        "startedDateTime": "2025-03-12T08:00:00.000+01:00",
        "request": {"method": "GET", "url": url, "headers": []},
        "response": {"status": status, "statusText": "", "content": content},
        **extra,
    }


def test_data_request_without_its_page_is_an_attempt() -> None:
    body = json.dumps({"critere": {"datePremiereDispo": "2025-04-02"}})
    encoded = base64.b64encode(body.encode()).decode()
    entry = _entry(RDV + "api", "application/json", encoded)
    entry["response"]["content"]["encoding"] = "base64"
    (record,) = har.read(_har([entry]), "x.har")
    assert record.classification is not None
    assert record.classification.rule == "rdvpref.json_first_dispo"
    assert record.classification.outcome == "slots_available"
    assert record.text_method == "json"


def test_top_level_document_without_mime_type() -> None:
    entry = _entry(EZ, "", None, status=502)
    entry["request"]["headers"] = [{"name": "Sec-Fetch-Dest", "value": "document"}]
    (record,) = har.read(_har([entry]), "x.har")
    assert record.http_status == 502
    assert record.classification is not None and record.classification.outcome == "error"


STEP_0 = (
    '<html><body><div id="inner_content" class="booking"><h2>Prise de rendez-vous</h2>'
    '<form id="FormBookingCreate" method="post" action="/booking/create/40123/0">'
    '<input type="checkbox" name="condition" id="condition"> Veuillez cocher la case pour '
    "accepter les conditions d'utilisation</form></div></body></html>"
)
NO_SLOT = (
    '<html><body><h2>Vérification de disponibilité</h2><form id="FormBookingCreate">'
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. Veuillez "
    "recommencer ultérieurement.</form></body></html>"
)


def test_booking_steps_before_the_answer_are_skipped() -> None:
    step = _entry(EZ.replace("/1", "/0"), "text/html", STEP_0)
    answer = _entry(EZ, "text/html", NO_SLOT)
    (record,) = har.read(_har([step, answer]), "x.har")
    assert (record.part, record.classification and record.classification.outcome) == (1, "no_slot")
    assert record.notices == [
        "1 page(s) without a booking outcome were skipped (home, menus, booking steps before "
        "the answer): https://www.example-prefecture.gouv.fr/booking/create/40123/0"
    ]
    # alone, the same step page is what the session shows: a step, never a result
    (alone,) = har.read(_har([step]), "x.har")
    assert alone.classification is not None
    assert (alone.classification.outcome, alone.classification.rule) == (
        "unknown",
        "ezbooking.conditions_step",
    )
    assert alone.notices == []


def test_request_without_an_answer() -> None:
    entry = _entry(EZ, "", None, status=0, _resourceType="document")
    entry["response"]["_error"] = "net::ERR_CONNECTION_TIMED_OUT"
    (record,) = har.read(_har([entry]), "x.har")
    assert record.http_status is None
    assert record.note == "no response (net::ERR_CONNECTION_TIMED_OUT)"
    assert record.classification is not None
    assert (record.classification.system, record.classification.outcome) == ("ezbooking", "unknown")
    assert record.warnings == []  # not a missing body: there was no answer


def test_unrecognised_pages_are_kept_when_nothing_else_is() -> None:
    page = "<html><body><h1>Bienvenue</h1></body></html>"
    (record,) = har.read(_har([_entry("https://example.org/", "text/html", page)]), "x.har")
    assert record.classification is not None and record.classification.outcome == "unknown"
    assert record.warnings == [
        "no page in this HAR is recognised as a booking page; recorded with outcome unknown"
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (fixture_bytes("truncated.har"),
         f"truncated HAR: the JSON stops at line 280 before it is complete (the copy or "
         f"download was cut short); {EXPORT}"),
        (b'{"log": {"entries": [}]}}',
         f"not valid JSON (Expecting value at line 1, column 22); {EXPORT}"),
        (b'{"log": {"version": "1.2"}}', f"not a HAR export: no log.entries list; {EXPORT}"),
        (b'{"log": {"entries": []}}', f"the HAR has no entries (nothing was recorded); {EXPORT}"),
        (b"\xff\xfe{\x00", f"not a UTF-8 JSON file, so not a HAR export; {EXPORT}"),
        (_har([_entry("https://x.gouv.fr/a.png", "image/png", "iVBO", _resourceType="image"),
               _entry("https://x.gouv.fr/a.css", "text/css", "p{}")]),
         f"no page in this HAR (2 entries: images, scripts, styles or data only); {EXPORT} "
         "with the booking page loaded"),
    ],
)  # fmt: skip
def test_bad_har(data: bytes, message: str) -> None:
    with pytest.raises(InputError) as err:
        har.read(data, "x.har")
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (fixture_bytes("session-503.har")[:200], True),
        (b'\xef\xbb\xbf{\n  "log": {', True),
        (b'{"data": []}', False),
        (b"<!DOCTYPE html>", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert har.sniff(head) is expected


def test_unreadable_start_and_the_server_date_are_kept_as_candidates() -> None:
    entry = {**_entry(EZ, "text/html", NO_SLOT), "startedDateTime": "hier soir"}
    entry["response"]["headers"] = [{"name": "Date", "value": "Wed, 12 Mar 2025 09:06:32 GMT"}]
    (record,) = har.read(_har([entry]), "x.har")
    assert record.unreadable == [("har", "har:startedDateTime", "hier soir")]
    assert [(t.detail, t.value) for t in record.times] == [
        ("har:response Date", datetime(2025, 3, 12, 9, 6, 32, tzinfo=UTC))
    ]
