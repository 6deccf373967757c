"""The letters: every variable filled, French dates, the pièces, no tag left; the templates
and their README reproducible from templates/make_templates.py."""

from __future__ import annotations

import importlib.util
import json
import shutil
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from exhibit_data import APPLICANT

from toolkit.documents import build_letter, letter_context
from toolkit.documents.docx import docx_text, template_variables
from toolkit.documents.letter_context import VARIABLES
from toolkit.documents.letters import default_templates
from toolkit.errors import InputError, MissingDependency
from toolkit.workspace import Workspace, open_workspace

TODAY = date(2025, 4, 3)
KINDS = ("ddd", "prefecture", "requete")


def make_templates() -> ModuleType:
    path = default_templates() / "make_templates.py"
    spec = importlib.util.spec_from_file_location("make_templates", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def letters(
    bundle: Any, evidence_root: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, str]:
    """The text of each letter, built with the pièces of the exhibit folder."""
    out = tmp_path_factory.mktemp("letters")
    texts = {}
    with open_workspace(evidence_root) as ws:
        for kind in KINDS:
            path = build_letter(
                ws, APPLICANT, kind, out / f"{kind}.docx", exhibits=bundle.out, today=TODAY
            )
            texts[kind] = "\n".join(docx_text(path.read_bytes()))
    return texts


@pytest.mark.parametrize("kind", KINDS)
def test_no_tag_is_left_and_facts_are_in_french(letters: dict[str, str], kind: str) -> None:
    text = letters[kind]
    assert "{{" not in text and "{%" not in text and "{#" not in text and "}}" not in text
    assert "Inès Fictive" in text
    assert "24 février 2025" in text and "26 mars 2025" in text  # first and last attempt
    assert "15 avril 2025" in text  # permit expiry
    assert "expire le 15 avril 2025, dans 12 jours" in text
    assert "3 avril 2025" in text  # the letter's date
    assert "[à compléter : numéro AGDREF]" in text  # a missing field is a visible placeholder
    assert "renouvellement de titre de séjour" in text
    assert (
        "courriel adressé à la préfecture le 6 mars 2025 (objet : « Demande de rendez-vous »)"
        in text
    )
    assert "appel téléphonique le 11 mars 2025" in text
    assert "Pièce n° 1 : Titre de séjour valable jusqu'au 15 avril 2025" in text
    assert "Pièce n° 10 : Attestation de l'employeur" in text
    assert "None" not in text


def test_ddd(letters: dict[str, str]) -> None:
    text = letters["ddd"]
    assert "Défenseur des droits\nLibre réponse 71120\n75342 Paris Cedex 07" in text
    assert "À Rouen, le 3 avril 2025" in text
    assert "réclamation contre la Préfecture de la Seine-Maritime" in text
    assert "j'ai essayé 8 fois de réserver un rendez-vous" in text
    assert "sur 7 jours différents répartis sur 5 semaines" in text
    assert (
        "aucun créneau disponible (6 fois) et un captcha (1 fois) ; résultat non relevé pour 1 tentative"
        in text
    )
    assert "décision n° 2020-142 du 10 juillet 2020" in text
    assert "ne suspend pas les délais de recours" in text
    assert "le 19 mars 2025 une attestation" in text  # CCC
    assert "(pièce n° 9)" in text and "(pièce n° 2)" in text


def test_prefecture(letters: dict[str, str]) -> None:
    text = letters["prefecture"]
    assert "Monsieur le préfet de la Seine-Maritime" in text and "Monsieur le Préfet," in text
    assert "solution de substitution" in text and "CE, 10 juin 2020, n° 435594" in text
    assert "juge des référés du Tribunal administratif de Rouen" in text
    assert "Je vous prie d'agréer, Monsieur le Préfet, l'expression" in text
    assert "Lettre recommandée avec demande d'avis de réception" in text


def test_requete(letters: dict[str, str]) -> None:
    text = letters["requete"]
    assert "TRIBUNAL ADMINISTRATIF DE ROUEN" in text
    assert "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »" in text
    assert "article L. 521-3 du code de justice administrative" in text
    assert (
        "né(e) le 1er mars 1991, de nationalité tunisienne, demeurant 5 rue des Essais, 76000 Rouen"
        in text
    )
    assert "CONTRE : le préfet de la Seine-Maritime" in text
    for ref in ("n° 435594", "n° 452798", "n° 453391", "n° 448178"):
        assert ref in text
    assert "l'urgence est en principe présumée" in text  # a renewal
    assert "(pièces n° 4 et 5)" in text and "(pièces n° 7 et 8)" in text
    assert "2 tentatives ont eu lieu à moins de 60 minutes d'un relevé automatique" in text
    assert (
        "1 de ces relevés confirme l'absence de créneau, 1 montre des créneaux disponibles." in text
    )
    assert "sous astreinte de [à compléter : montant] euros par jour de retard" in text
    assert "dans un délai de [à compléter : délai]" in text
    assert "BORDEREAU DES PIÈCES" in text
    assert "Les tentatives de la partie requérante s'étendent sur 30 jours" in text


def test_context_holds_every_documented_variable(evidence_ws: Workspace) -> None:
    ctx = letter_context(evidence_ws, APPLICANT, today=TODAY)
    assert set(ctx) == set(VARIABLES)
    assert ctx["premiere_tentative"] == "24 février 2025"
    assert ctx["nb_tentatives"] == 8 and ctx["nb_jours"] == 7 and ctx["nb_semaines"] == 5
    assert ctx["plages_horaires"] == "3 le matin, 3 l'après-midi et 1 le soir"
    assert ctx["titre_expire"] is False and ctx["est_renouvellement"] is True
    assert ctx["ref_captures"] == "pièces n° 4 et 5" and ctx["ref_pages"] == "pièce n° 6"
    assert [p["numero"] for p in ctx["pieces"]] == list(range(1, ctx["nb_pieces"] + 1))
    later = letter_context(evidence_ws, APPLICANT, today=date(2025, 4, 20))
    assert later["titre_situation"] == "a expiré le 15 avril 2025, il y a 5 jours"
    assert later["titre_expire"] is True


def test_new_applicant_gets_placeholders(ws: Workspace, tmp_path: Path) -> None:
    from toolkit.applicants import add_applicant

    add_applicant(ws, "p-1", prefecture="75-PP", procedure="premiere-demande")
    path = build_letter(ws, "p-1", "requete", tmp_path / "r.docx", today=TODAY)
    text = "\n".join(docx_text(path.read_bytes()))
    assert "[à compléter : nom et prénom]" in text and "[à compléter : adresse]" in text
    assert "doit accomplir auprès de la préfecture la démarche suivante : première demande" in text
    assert "L'urgence s'apprécie au regard de la situation concrète" in text
    assert "CONTRE : le préfet de police" in text
    assert "{{" not in text and "{%" not in text
    ctx = letter_context(ws, "p-1", today=TODAY)
    assert ctx["formule_appel"] == "Monsieur le Préfet de police,"
    assert ctx["premiere_tentative"].startswith("[à compléter")


def test_templates_readme_lists_every_variable() -> None:
    readme = (default_templates() / "README.md").read_text(encoding="utf-8")
    assert readme == make_templates().readme_text(), "run templates/make_templates.py"
    for name in VARIABLES:
        assert f"| `{name}` |" in readme


@pytest.mark.parametrize("kind", KINDS)
def test_templates_are_reproducible_and_use_known_variables(kind: str, tmp_path: Path) -> None:
    module = make_templates()
    build, title = module.TEMPLATES[kind]
    build().save(tmp_path / f"{kind}.docx", title)
    committed = default_templates() / f"{kind}.docx"
    assert (tmp_path / f"{kind}.docx").read_bytes() == committed.read_bytes(), (
        "run make_templates.py"
    )
    assert template_variables(committed) <= set(VARIABLES)


def _custom(folder: Path, text: str) -> Path:
    from docx import Document

    folder.mkdir(exist_ok=True)
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(folder / "ddd.docx"))
    return folder


def test_user_templates(evidence_ws: Workspace, tmp_path: Path) -> None:
    mine = _custom(tmp_path / "mine", "Bonjour {{ nom }}, le {{ date_lettre }}.")
    path = build_letter(
        evidence_ws, APPLICANT, "ddd", tmp_path / "a.docx", templates=mine, today=TODAY
    )
    assert "Bonjour Inès Fictive, le 3 avril 2025." in docx_text(path.read_bytes())
    bad = _custom(tmp_path / "bad", "Bonjour {{ inconnue }}")
    with pytest.raises(InputError, match=r"inconnue.*templates/README\.md"):
        build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "b.docx", templates=bad)
    with pytest.raises(InputError, match=r"requete\.docx"):
        build_letter(evidence_ws, APPLICANT, "requete", tmp_path / "c.docx", templates=mine)
    with pytest.raises(InputError, match="unknown letter"):
        build_letter(evidence_ws, APPLICANT, "plainte", tmp_path / "d.docx")
    with pytest.raises(InputError, match=r"\.docx"):
        build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "e.pdf")


def test_letters_are_deterministic_and_recorded(evidence_ws: Workspace, tmp_path: Path) -> None:
    a = build_letter(evidence_ws, APPLICANT, "requete", tmp_path / "a.docx", today=TODAY)
    b = build_letter(evidence_ws, APPLICANT, "requete", tmp_path / "b.docx", today=TODAY)
    assert a.read_bytes() == b.read_bytes()
    rows = evidence_ws.rows("SELECT kind FROM generated WHERE path = ?", [str(a)])
    assert rows == [{"kind": "letter.requete"}]
    custody = evidence_ws.rows("SELECT detail FROM custody WHERE action = 'letter.build'")
    assert any(json.loads(c["detail"])["files"][0]["path"] == str(a) for c in custody)


def test_pdf_without_libreoffice_says_how_to_install(
    evidence_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("toolkit.documents.letters.soffice", lambda: None)
    with pytest.raises(MissingDependency, match="apt-get install libreoffice-writer-nogui"):
        build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "x.docx", pdf=True, today=TODAY)
    assert (tmp_path / "x.docx").is_file()  # the DOCX is written all the same


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_pdf_with_libreoffice(evidence_ws: Workspace, tmp_path: Path) -> None:
    from exhibit_data import pdf_text

    build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "ddd.docx", pdf=True, today=TODAY)
    text = "\n".join(pdf_text(tmp_path / "ddd.pdf"))
    assert "Libre réponse 71120" in text and "Inès Fictive" in text
