from __future__ import annotations

from datetime import date

import pytest

from toolkit.ingest.captures import html
from toolkit.ingest.captures.base import charset_warnings, page_text

from .paths import fixture_bytes


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"<!DOCTYPE html>\n<html>", True),
        (b"\xef\xbb\xbf  <!doctype HTML><html lang=fr>", True),
        (b"<html><head><title>x</title>", True),
        (b"<!-- saved from url=(0042)https://www.example.gouv.fr/ -->\n<html>", True),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
            True,
        ),
        ("<!DOCTYPE html><html>".encode("utf-16"), True),
        (b"\x89PNG\r\n\x1a\n\x00\x00", False),
        (b"%PDF-1.7\n", False),
        (b'{"log": {"entries": []}}', False),
        (b"Bonjour, voici ma capture.", False),
    ],
)
def test_sniff(head: bytes, expected: bool) -> None:
    assert html.sniff(head) is expected


def test_cp1252_slot_page() -> None:
    (record,) = html.read(fixture_bytes("ezbooking-cp1252.html"), "ezbooking-cp1252.html")
    cls = record.classification
    assert cls is not None
    assert (cls.system, cls.outcome, cls.rule) == (
        "ezbooking",
        "slots_available",
        "ezbooking.slots",
    )
    assert cls.slots == 3
    assert cls.first_slot == date(2025, 3, 14)
    # the « saved from url » comment names the page
    assert record.url == "https://www.example-prefecture.gouv.fr/booking/create/40123/4"
    assert record.observed_at is None  # a saved page carries no time: the loop dates it
    assert record.warnings == []
    assert record.text is not None
    # 0x92 is ’ in Windows-1252 (it does not exist in Latin-1)
    assert "Choix d’une plage horaire" in record.text.splitlines()
    assert "Titres de séjour – Renouvellement « salarié »" in record.text
    assert "drupalSettings" not in record.text  # scripts are not text


def test_broken_charset_is_read_and_warned() -> None:
    (record,) = html.read(fixture_bytes("broken-charset.html"), "broken-charset.html")
    assert record.classification is not None
    assert record.classification.outcome == "no_slot"
    assert record.url == "https://www.example-prefecture.gouv.fr/booking/create/40123/1"
    assert record.text is not None and "Vérification de disponibilité" in record.text
    assert record.warnings == [
        "declares charset utf-8 but byte 248 is not valid utf-8; read as a best guess, "
        "check accents"
    ]


@pytest.mark.parametrize(
    ("data", "declared", "text", "expected"),
    [
        (b"<meta charset=utf-8>caf\xc3\xa9", None, "café", []),
        (b"<meta charset=x-klingon>caf\xe9", None, "café", ["declares an unknown charset"]),
        (b"caf\xe9", "utf-8", "café", ["declares charset utf-8 but byte 3"]),
        (b"<meta charset=iso-8859-1>\x81", None, "\ufffd", ["declares charset iso-8859-1 but"]),
        (b"caf\xff", None, "caf\ufffd", ["1 undecodable character(s) replaced"]),
        (b"caf\xef\xbf\xbd", None, "caf\ufffd", []),  # a real U+FFFD in the page
    ],
)
def test_charset_warnings(
    data: bytes, declared: str | None, text: str, expected: list[str]
) -> None:
    found = charset_warnings(data, declared, text)
    assert len(found) == len(expected)
    for message, start in zip(found, expected, strict=True):
        assert message.startswith(start)


def test_page_text_blocks_and_invisible_parts() -> None:
    markup = (
        '<?xml version="1.0" encoding="utf-8"?><html><head><title>Titre</title>'
        "<style>p{color:red}</style></head><body><!-- commentaire --><h2>Choix</h2>"
        "<p>Un&nbsp;<b>mot</b> ici</p><table><tr><td>a</td><td>b</td></tr></table>"
        "<noscript>activez JavaScript</noscript><script>var x = 1;</script>fin</body></html>"
    )
    assert page_text(markup) == "Titre\nChoix\nUn mot ici\na b\nfin"
    assert page_text("") == ""
    assert page_text("   ") == ""
