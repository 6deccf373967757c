"""Decoding saved pages, extracting visible text, and the normalisation used for matching."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.classify import decode_html, normalise
from toolkit.classify.text import (
    markup_urls,
    ocr_pattern,
    text_urls,
    unwrap_lines,
    visible_text,
)

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"
PHRASE = "Vérification de disponibilité – Il n’existe plus"


def test_cp1252_fixture_decodes_accents_and_curly_apostrophe() -> None:
    data = (PAGES / "ezbooking-no-slot-cp1252.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    text = decode_html(data)
    assert "Vérification de disponibilité" in text
    assert "Il n’existe plus de plage horaire libre" in text


def test_iso_8859_1_label_means_windows_1252() -> None:
    # The eAppointment fixtures declare ISO-8859-1; a browser reads that as windows-1252.
    text = decode_html((PAGES / "eappointment-no-slot.html").read_bytes())
    assert "motifs sélectionnés" in text
    assert decode_html(b"<meta charset=iso-8859-1>l\x92heure") == "<meta charset=iso-8859-1>l’heure"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xef\xbb\xbf<p>\xc3\xa9t\xc3\xa9</p>", "<p>été</p>"),
        ("\ufeff<p>été</p>".encode("utf-16-le"), "<p>été</p>"),
        ("\ufeff<p>été</p>".encode("utf-16-be"), "<p>été</p>"),
    ],
    ids=["utf-8-bom", "utf-16-le-bom", "utf-16-be-bom"],
)
def test_bom_wins(data: bytes, expected: str) -> None:
    assert decode_html(data, declared="windows-1252") == expected


def test_declared_charset_wins_over_meta() -> None:
    data = '<meta charset="utf-8"><p>Préfecture</p>'.encode("cp1252")
    assert "Préfecture" in decode_html(data, declared="windows-1252")


def test_meta_charset_forms() -> None:
    body = "<p>Vérification</p>".encode("cp1252")
    http_equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    assert decode_html(http_equiv + body).endswith("<p>Vérification</p>")
    xml = b'<?xml version="1.0" encoding="ISO-8859-15"?>'
    assert decode_html(xml + "<p>Vérification 5 €</p>".encode("iso-8859-15")).endswith("5 €</p>")


def test_wrong_or_unknown_declared_charset_falls_back() -> None:
    latin = "<p>Vérification</p>".encode("cp1252")
    assert decode_html(latin, declared="utf-8") == "<p>Vérification</p>"
    assert decode_html(latin, declared="x-no-such-charset") == "<p>Vérification</p>"
    utf8 = "<p>Vérification</p>".encode()
    # A legacy label on valid, non-ASCII UTF-8 is a mislabelled page.
    assert decode_html(utf8, declared="iso-8859-1") == "<p>Vérification</p>"
    assert decode_html(b"<meta charset=utf-16><p>ok</p>") == "<meta charset=utf-16><p>ok</p>"
    assert decode_html(utf8, declared="utf-16") == "<p>Vérification</p>"
    assert decode_html("<p>été</p>".encode("utf-16-le"), declared="utf-16-le") == "<p>été</p>"


def test_bad_bytes_never_raise() -> None:
    assert decode_html("<p>créneau</p>".encode()[:-4] + b"\xc3") == "<p>créneau\ufffd"
    assert decode_html(b"\x81\x8d caf\xe9") == "\ufffd\ufffd café"
    assert decode_html(bytes(range(256))).startswith("\x00\x01")
    assert decode_html(b"") == ""


def test_entities_are_decoded() -> None:
    text = visible_text((PAGES / "entities-encoded.html").read_bytes().decode("utf-8"))
    assert "Vérification de disponibilité" in text
    assert "Il n’existe plus de plage horaire libre pour votre demande de rendez-vous.\xa0" in text
    assert "Bureau des étrangers – Première demande" in text


def test_visible_text_drops_what_a_reader_cannot_see() -> None:
    markup = (
        "<html><HEAD><TITLE>Titre</TITLE><STYLE>p { color: red }</STYLE></HEAD>"
        "<body>avant<script type='text/javascript'>if (a < b) { alert('x'); }</script>"
        "<!-- commentaire --><p>pendant</p><svg><text>logo</text></svg>"
        "<noscript>activez JavaScript</noscript><b>ap</b>rès</body></html>"
    )
    assert visible_text(markup).split() == ["Titre", "avant", "pendant", "ap", "rès"]
    assert visible_text("Service surchargé") == "Service surchargé"


def test_normalise() -> None:
    assert normalise(PHRASE) == "verification de disponibilite - il n'existe plus"
    assert normalise("VÉRIFICATION\u00a0DE\u202fDISPONIBILITÉ") == "verification de disponibilite"
    assert normalise(" Il\n n´existe\t plus ") == "il n'existe plus"
    assert normalise("« vérifiﬁcation » cœur … 2ᵉ") == '" verifification " coeur ... 2e'
    assert normalise("Stra\u00dfe \u00bd") == "strasse 12"  # ½ is 1, U+2044, 2
    assert normalise("plain ASCII  text") == "plain ascii text"


def test_latin1_fast_path_equals_nfkd_path() -> None:
    every = "".join(chr(c) for c in range(0x20, 0x100) if c != 0x7F)
    # U+0101 is outside Latin-1 and forces the general path for the whole string.
    assert normalise(every + " \u0101") == normalise(every) + " a"


def test_ocr_pattern_tolerates_look_alikes() -> None:
    pattern = ocr_pattern("plus de plage horaire libre")
    assert pattern.search(normalise("I1 n'existe p1us de p1age h0raire 1ibre pour"))
    assert pattern.search(normalise("plus deplage horaire 1ibre"))
    assert pattern.search(normalise("p lus de plage horaire libre"))
    assert not pattern.search(normalise("plus de place horaire libre"))
    assert ocr_pattern("rendez-vous").search("rendezvous")


def test_unwrap_lines() -> None:
    assert (
        unwrap_lines("demande de rendez-\nvous. Veuil-\n  lez") == "demande de rendezvous. Veuillez"
    )
    assert unwrap_lines("10-\n12") == "10-\n12"


def test_markup_urls_in_order_of_trust() -> None:
    markup = (
        "<!DOCTYPE html>\n<!-- saved from url=(0030)https://a.gouv.fr/booking/create/1 -->"
        '<html><head><base href="https://c.gouv.fr/"><meta property="og:url" content="https://d.gouv.fr/">'
        "<link href='https://b.gouv.fr/x' rel='canonical'><link rel=stylesheet href='https://e/x.css'>"
        '</head><body><link rel="canonical" href="https://late.gouv.fr/"></body></html>'
    )
    assert markup_urls(markup) == [
        "https://a.gouv.fr/booking/create/1",
        "https://b.gouv.fr/x",
        "https://d.gouv.fr/",
        "https://c.gouv.fr/",
    ]


def test_text_urls() -> None:
    full, bare = text_urls(
        "C  www.val-de-marne.gouv.fr/booking/create/1/3 x https://exemple.fr/a?b=c). 10:06"
    )
    assert full == ["https://exemple.fr/a?b=c"]
    assert bare == ["www.val-de-marne.gouv.fr/booking/create/1/3"]
