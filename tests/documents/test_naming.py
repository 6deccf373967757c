"""Télérecours file names: number first, ASCII, no `% / & .`, at most 80 characters."""

from __future__ import annotations

import pytest

from toolkit.documents.naming import ascii_fold, exhibit_filename, is_telerecours_name, safe_stem


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Pièce d'identité", "Piece d'identite"),
        ("Réponse à l'œuvre", "Reponse a l'oeuvre"),
        ("ÉTÉ Ç Æ ß", "ETE C AE ss"),
        ("Capture d’écran", "Capture decran"),
    ],
)
def test_accents_are_removed(text: str, folded: str) -> None:
    assert ascii_fold(text) == folded


@pytest.mark.parametrize(
    ("label", "stem"),
    [
        ("Captures d'écran, mars 2025", "Captures_d_ecran_mars_2025"),
        ("100 % / 50 & co. v2.pdf", "100_50_co_v2_pdf"),
        ("  -- Courriel reçu (objet : « RDV ») --  ", "Courriel_recu_objet_RDV"),
        ("2025-03-06", "2025-03-06"),
    ],
)
def test_forbidden_characters_become_underscores(label: str, stem: str) -> None:
    assert safe_stem(label) == stem


def test_name_starts_with_the_two_digit_number() -> None:
    assert exhibit_filename(1, "Titre de séjour") == "01_Titre_de_sejour.pdf"
    assert exhibit_filename(12, "Courriel reçu") == "12_Courriel_recu.pdf"
    assert exhibit_filename(123, "Autre") == "123_Autre.pdf"


def test_long_label_is_cut_at_a_word_within_80_characters() -> None:
    label = "Tableau récapitulatif des tentatives de prise de rendez-vous et des démarches " * 3
    name = exhibit_filename(7, label)
    assert len(name) <= 80
    assert name.startswith("07_Tableau_recapitulatif_des_tentatives")
    assert name.endswith(".pdf") and not name.endswith("_.pdf")
    assert is_telerecours_name(name)


def test_a_single_long_word_is_cut_hard() -> None:
    name = exhibit_filename(3, "x" * 200)
    assert len(name) == 80 and name == "03_" + "x" * 73 + ".pdf"


def test_empty_label_still_gives_a_valid_name() -> None:
    assert exhibit_filename(2, "« … »") == "02_Piece.pdf"


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("01_Titre_de_sejour.pdf", True),
        ("1_Titre.pdf", False),  # one digit
        ("01_Titre de sejour.pdf", False),  # space
        ("01_Pièce.pdf", False),  # accent
        ("01_a.b.pdf", False),  # a dot before the extension
        ("01_a&b.pdf", False),
        ("01_" + "a" * 73 + ".pdf", True),
        ("01_" + "a" * 74 + ".pdf", False),  # 81 characters
    ],
)
def test_is_telerecours_name(name: str, ok: bool) -> None:
    assert is_telerecours_name(name) is ok


def test_number_must_be_positive() -> None:
    with pytest.raises(ValueError):
        exhibit_filename(0, "x")
