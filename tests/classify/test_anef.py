"""ANEF documents and e-mails: which event each row reads, and the dates it takes."""

from __future__ import annotations

from datetime import date

import pytest

from toolkit.classify.anef import date_after, document_rows, read_anef_text
from toolkit.classify.text import normalise
from toolkit.ingest.events import EVENT_KINDS

D = date.fromisoformat

# (format, text, row, on, until, reference)
CASES = [
    ("email", "Votre attestation de prolongation d'instruction, délivrée le 20/05/2025, est "
     "valable jusqu'au 19/08/2025.", "anef.mail.api", "2025-05-20", "2025-08-19", None),
    ("email", "Une attestation de prolongation d'instruction est disponible dans votre espace.",
     "anef.mail.api_available", None, None, None),
    ("email", "Votre demande a bien été déposée le 1er mars 2025. N° de demande : 7601-2025-42",
     "anef.mail.filed", "2025-03-01", None, "7601-2025-42"),
    ("email", "Merci de compléter votre dossier en envoyant les documents manquants avant le "
     "15 avril 2025.", "anef.mail.completeness", None, "2025-04-15", None),
    ("email", "Vous êtes convoqué le 3 juin pour le recueil de vos empreintes (données "
     "biométriques).", "anef.mail.biometrics_convocation", None, None, None),
    ("email", "Le recueil de vos données biométriques sera nécessaire.",
     "anef.mail.biometrics_required", None, None, None),
    ("email", "Votre titre de séjour est disponible : prenez rendez-vous pour le retirer.",
     "anef.mail.remise", None, None, None),
    ("email", "Une décision a été prise sur votre demande.", "anef.mail.decision_announced",
     None, None, None),
    ("pdf", "ATTESTATION DE PROLONGATION D'INSTRUCTION\nDélivrée le 20/05/2025\nValable jusqu’au "
     "19/08/2025", "anef.api", "2025-05-20", "2025-08-19", None),
    ("pdf", "Attestation de prolongation de l'instruction — valable du 02/06/2025 au 01/09/2025",
     "anef.api", "2025-06-02", "2025-09-01", None),
    ("pdf", "ATTESTATION DE PROLONGATION D'INSTRUCTION\nDélivrée le 20/05/2025",
     "anef.api.undated", "2025-05-20", None, None),
    ("image", "ATTESTATION DE DÉPÔT\nDate de dépôt : 2025-03-01\nNuméro de dossier : AB12CD34",
     "anef.filing", "2025-03-01", None, "AB12CD34"),
    ("pdf", "Votre demande a fait l'objet d'une décision favorable en date du 12/06/2025 "
     "(attestation de décision favorable)", "anef.decision_favorable", "2025-06-12", None, None),
    ("pdf", "ARRÊTÉ portant refus de titre de séjour et obligation de quitter le territoire "
     "français. Fait à Rouen, le 12 septembre 2025", "prefecture.refusal_oqtf", "2025-09-12",
     None, None),
    ("pdf", "Arrêté : obligation de quitter le territoire français. Fait à Saint-Denis, le "
     "3 mars 2025", "prefecture.oqtf", "2025-03-03", None, None),
    ("pdf", "Décision de refus de renouvellement de votre titre. Fait à Lyon le 4/7/2025",
     "prefecture.refusal", "2025-07-04", None, None),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[f"{c[2]}-{i}" for i, c in enumerate(CASES)])
def test_rows(case: tuple) -> None:
    fmt, text, row, on, until, ref = case
    got = read_anef_text(text, fmt)
    assert got is not None and got.row.id == row
    assert got.on == (D(on) if on else None)
    assert got.until == (D(until) if until else None)
    if ref:
        assert got.reference == ref.upper()


def test_every_row_is_exercised_and_names_known_events() -> None:
    rows = {r.id for r in document_rows()}
    assert rows == {c[2] for c in CASES}
    for r in document_rows():
        assert set(r.events) <= set(EVENT_KINDS), r.id
        assert r.source


def test_e_mail_rows_do_not_read_pdfs_and_unrelated_text_matches_nothing() -> None:
    assert read_anef_text("Une décision a été prise sur votre demande.", "pdf") is None
    assert read_anef_text("Bonjour, voici le compte rendu de la réunion.", "email") is None


def test_a_confirmation_that_mentions_the_api_is_a_confirmation() -> None:
    text = (
        "ATTESTATION DE DÉPÔT. Demande déposée le 01/03/2025. Si l'instruction se prolonge, une "
        "attestation de prolongation d'instruction vous sera délivrée."
    )
    got = read_anef_text(text, "pdf")
    assert got is not None and got.row.id == "anef.filing" and got.on == D("2025-03-01")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("valable jusqu'au 31/02/2025", None),  # no such day
        ("valable jusqu'au 1er mars 2025", "2025-03-01"),
        ("valable jusqu'au 2025-03-01", "2025-03-01"),
        ("valable jusqu'au : 01.03.2025", "2025-03-01"),
        ("valable 01/03/2025", None),  # no cue, no date
    ],
)
def test_dates_after_cues(text: str, expected: str | None) -> None:
    got, _ = date_after(normalise(text), ("valable jusqu'au",))
    assert got == (D(expected) if expected else None)
