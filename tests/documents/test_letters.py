"""The letters: facts and French dates, the pièces of the exhibit plan, no conclusory
sentence, refused on an insufficient file or the wrong remedy, drafts marked « À vérifier »,
avocat and applicant variants, the note for the lawyer; the templates reproducible."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from case_law import build_ce_435594, build_publication_case, build_three_weeks
from exhibit_data import APPLICANT

from toolkit.applicants import add_applicant, update_applicant
from toolkit.demands import add_demand
from toolkit.documents import LETTER_KINDS, build_letter, letter_context
from toolkit.documents.docx import docx_text, template_variables
from toolkit.documents.letter_context import VARIABLES
from toolkit.documents.letters import default_templates
from toolkit.errors import InputError, LetterRefused, MissingDependency
from toolkit.workspace import Workspace, open_workspace

TODAY = date(2025, 4, 3)
KINDS = ("ddd", "prefecture", "requete")
# Sentences a lawyer found in earlier letters: conclusions, robot claims, wrong citations,
# requests without basis, relative dates, pièces miscounted.
FORBIDDEN = (
    "Cette condition est remplie",
    "condition est remplie",
    "relevé automatique",
    "montre des créneaux disponibles",
    "montrent des créneaux disponibles",
    "du même service",
    "indépendamment",
    "présumée",
    "suffisent",
    "Cette démarche suppose d'obtenir un rendez-vous",
    "document provisoire",
    "l'autorisant à séjourner",
    "attestant de la régularité de mon séjour",
    "Résultats constatés",
    "des créneaux disponibles",
    "2010725",
    "2016798",
    "semaines différentes",
    "ouvre la solution de substitution",
    "dans 1",
    "dans 2",
    "il y a ",
)


def text_of(path: Path) -> str:
    return "\n".join(docx_text(path.read_bytes()))


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
    """The text of each letter (and of its note), built with the exhibit folder's pièces."""
    out = tmp_path_factory.mktemp("letters")
    texts = {}
    with open_workspace(evidence_root) as ws:
        for kind in KINDS:
            result = build_letter(
                ws, APPLICANT, kind, out / f"{kind}.docx", exhibits=bundle.out, today=TODAY
            )
            texts[kind] = text_of(result.docx)
            texts[f"{kind}-note"] = text_of(result.note)
    return texts


@pytest.mark.parametrize("kind", KINDS)
def test_facts_in_french_with_absolute_dates(letters: dict[str, str], kind: str) -> None:
    text = letters[kind]
    assert "{{" not in text and "{%" not in text and "{#" not in text and "}}" not in text
    assert "Inès Fictive" in text
    assert "Du 24 février 2025 au 26 mars 2025, soit sur une période de 30 jours" in text
    assert "à 8 reprises, sur 7 jours distincts" in text
    assert (
        "Lors de 6 de ces tentatives, la page affichée indiquait qu'aucun créneau n'était "
        "disponible (pour l'une d'entre elles, résultat " in text
    )
    declared = "déclaré par Inès Fictive" if kind == "requete" else "que j'ai déclaré"
    assert (  # the one outcome the journal declared is said at that strength
        f"{declared}, non lu automatiquement sur la capture) ; d'autres captures montrent un "
        "captcha (1 fois) (pièces n° 4 à 6)." in text
    )
    assert "expire le 15 avril 2025" in text and "dans 12 jours" not in text
    assert "3 avril 2025" in text  # the letter's date
    assert "[à compléter : numéro AGDREF]" in text  # a missing field is a visible placeholder
    assert (
        "courriel adressé à la préfecture le 6 mars 2025 (objet : « Demande de rendez-vous »)"
        in text
    )
    assert "appel téléphonique le 11 mars 2025" in text
    assert "Pièce n° 1 : Titre de séjour valable jusqu'au 15 avril 2025" in text
    assert "Pièce n° 10 : Attestation de l'employeur" in text
    assert "None" not in text
    for sentence in FORBIDDEN:
        assert sentence not in text, sentence


def test_ddd(letters: dict[str, str]) -> None:
    text = letters["ddd"]
    assert "Défenseur des droits\nLibre réponse 71120\n75342 Paris Cedex 07" in text
    assert "À Rouen, le 3 avril 2025" in text
    assert (
        "Je vous saisis, sur le fondement des articles 4 (1°) et 5 de la loi organique "
        "n° 2011-333 du 29 mars 2011 relative au Défenseur des droits [à vérifier : source "
        "secondaire], d'une réclamation relative au fonctionnement de la Préfecture de la "
        "Seine-Maritime" in text
    )
    assert "Mon titre de séjour expire le 15 avril 2025 (pièce n° 1)." in text
    assert "j'ai tenté à 8 reprises" in text
    assert "avis n° 21-03 du 28 avril 2021 [à vérifier : source secondaire]" in text
    assert "ni compte, ni accusé de réception, ni inscription sur une liste d'attente" in text
    assert (
        "Une requête devant le juge des référés du Tribunal administratif de Rouen est "
        "envisagée. Je vous demande, lorsqu'elle sera déposée, de bien vouloir présenter des "
        "observations devant cette juridiction, comme l'article 33 de la loi organique "
        "n° 2011-333 [à vérifier : référence non vérifiée] vous en donne la faculté." in text
    )
    assert "n'interrompt ni ne suspend les délais de recours" in text
    assert "Attestation de l'employeur" in text  # consequences prefilled from the documents
    assert "452798" not in text  # a Section decision about ANEF: not for a booking case


def test_prefecture(letters: dict[str, str]) -> None:
    text = letters["prefecture"]
    assert "Monsieur le préfet de la Seine-Maritime" in text and "Monsieur le Préfet," in text
    assert "[à compléter : nom du service des étrangers de la préfecture]" in text
    assert "Objet : demande de rendez-vous en vue du dépôt d'une demande" in text
    assert "Cette demande se présente en préfecture (article R. 431-3 du CESEDA)" in text
    assert "(CE, avis, 1er juillet 2020, n° 436288)" in text
    assert "dans un délai de [à compléter : 8 à 15] jours à compter de la réception" in text
    assert "le récépissé prévu par l'article R. 431-12 du CESEDA [à vérifier" in text
    assert "juge des référés du Tribunal administratif de Rouen" in text
    assert "Je vous prie d'agréer, Monsieur le Préfet, l'expression" in text
    assert "Lettre recommandée avec demande d'avis de réception" in text


def test_requete(letters: dict[str, str]) -> None:
    text = letters["requete"]
    assert "TRIBUNAL ADMINISTRATIF DE ROUEN" in text
    assert "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »" in text
    assert (
        "né(e) le 1er mars 1991, de nationalité tunisienne, demeurant 5 rue des Essais, 76000 Rouen"
        in text
    )
    assert "Ayant pour avocat : [à compléter" in text  # the avocat variant by default
    assert "CONTRE : le préfet de la Seine-Maritime" in text
    assert "l'urgence est en principe constatée (CE, 9 juin 2022, n° 453391 [à vérifier" in text
    assert "(CE, 10 juin 2020, n° 435594, mentionné aux tables du recueil Lebon)" in text
    assert "(CE, 21 avril 2021, n° 448178 [à vérifier : source secondaire])" in text
    assert "La partie requérante ne fait l'objet d'aucune obligation de quitter" in text
    assert (
        "une date de rendez-vous en vue du dépôt de sa demande (renouvellement de titre de "
        "séjour), ce rendez-vous devant avoir lieu dans un délai maximal de [à compléter : "
        "nombre] jours" in text
    )
    assert (
        "d'enregistrer sa demande et de lui délivrer le récépissé prévu par l'article R. 431-12"
        in text
    )
    assert "astreinte de [à compléter : montant] euros par jour de retard" in text
    assert "article 20 de la loi n° 91-647 du 10 juillet 1991 [à vérifier" in text
    assert "Cons. const., 28 mai 2024, n° 2024-1091/1092/1093 QPC" in text
    assert "article L. 761-1 du code de justice administrative [à vérifier" in text
    assert "BORDEREAU DES PIÈCES" in text


def test_note_holds_what_the_letter_leaves_out(letters: dict[str, str]) -> None:
    note = letters["requete-note"]
    assert note.startswith("Note pour l'avocat — Requête en référé « mesures utiles »")
    assert "Document de travail confidentiel : ne pas le produire" in note
    assert "Verdict au 3 avril 2025 : fragile" in note
    assert "Sans titre.png : datée par la seule date du fichier (copie)." in note
    assert "[à compléter : numéro AGDREF]" in note  # the mentions to complete
    assert "Relevés automatiques du même service (non produits)" in note


def test_context_holds_every_documented_variable(evidence_ws: Workspace) -> None:
    ctx = letter_context(evidence_ws, APPLICANT, today=TODAY)
    assert set(ctx) == set(VARIABLES)
    assert ctx["premiere_tentative"] == "24 février 2025"
    assert ctx["nb_tentatives"] == 8 and ctx["nb_jours"] == 7 and ctx["duree_jours"] == 30
    assert ctx["plages_horaires"] == "3 le matin, 3 l'après-midi et 1 le soir"
    assert ctx["titre_expire"] is False and ctx["est_renouvellement"] is True
    assert ctx["ref_tentatives"] == "pièces n° 4 à 6"
    assert ctx["ref_captures"] == "pièces n° 4 et 5" and ctx["ref_pages"] == "pièce n° 6"
    assert [p["numero"] for p in ctx["pieces"]] == list(range(1, ctx["nb_pieces"] + 1))
    later = letter_context(evidence_ws, APPLICANT, today=date(2025, 4, 20))
    assert later["titre_situation"] == "a expiré le 15 avril 2025"
    assert later["titre_expire"] is True


def test_ce_435594_requete_is_refused_then_drafted(ws, tmp_path: Path) -> None:
    who = build_ce_435594(ws, tmp_path)
    on = date(2019, 10, 1)
    with pytest.raises(LetterRefused) as e:
        build_letter(ws, who, "requete", tmp_path / "r.docx", today=on)
    assert str(e.value) == (
        "letter requete for ce-435594 refused: the file is insufficient, failed rule(s): span "
        "(Durée couverte par les tentatives); see `guichets check ce-435594`, add what it asks "
        "for, or pass --draft to write a draft with each failure marked « [À vérifier : …] »"
    )
    assert not (tmp_path / "r.docx").exists()
    draft = build_letter(ws, who, "requete", tmp_path / "r.docx", today=on, draft=True)
    text = text_of(draft.docx)
    assert "condition est remplie" not in text
    assert "BROUILLON — NE PAS ENVOYER NI DÉPOSER EN L'ÉTAT" in text
    assert (
        "[À vérifier : Les tentatives ne couvrent que 5 jour(s), du 13 septembre 2019 au "
        "18 septembre 2019." in text
    )
    assert "Du 13 septembre 2019 au 18 septembre 2019, soit sur une période de 5 jours" in text
    assert (
        "Hors le cas d'un renouvellement, l'urgence s'apprécie au regard des circonstances" in text
    )
    assert "Promesse d'embauche" in text
    # the four outcomes were declared (no reading of the screenshots): said at that strength
    assert (
        "Lors de 4 de ces tentatives, la page affichée indiquait qu'aucun créneau n'était "
        "disponible (pour 4 d'entre elles, résultat déclaré par [à compléter : nom et "
        "prénom], non lu automatiquement sur la capture) (pièce n° 3)."
    ) in text
    assert draft.draft and draft.verdict == "insufficient"
    assert "Cette lettre est un brouillon établi malgré des règles en échec" in text_of(draft.note)


def test_anef_renewal_requete_refused_with_the_remedy(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    update_applicant(ws, who, route="default")  # a renewal: ANEF
    for draft in (False, True):  # the wrong remedy is refused even as a draft
        with pytest.raises(LetterRefused) as e:
            build_letter(ws, who, "requete", tmp_path / "r.docx", today=date(2025, 3, 20),
                         draft=draft)  # fmt: skip
        assert str(e.value).startswith(
            "letter requete for a-76 refused: the filing route of a-76 is anef: a référé "
            "« mesures utiles » for an appointment is not the remedy. Ask the préfet to record "
            "the impossibility of using the téléservice and to offer the « solution de "
            "substitution » (R. 431-2 CESEDA; `guichets letter prefet-substitution a-76`)"
        )
    # the letter to the préfet takes the ANEF basis instead
    letter = build_letter(ws, who, "prefecture", tmp_path / "p.docx", today=date(2025, 3, 20))
    text = text_of(letter.docx)
    assert "impossibilité d'accomplir ma démarche sur le téléservice ANEF" in text
    assert "« ayant accompli toutes les diligences qui lui incombent »" in text
    assert "arrêté du 1er août 2023 (JO du 4 août 2023, texte n° 8) [à vérifier" in text
    assert "CE, Section, 3 juin 2022, La Cimade et autres, n° 452798" in text
    assert "[à compléter : description du blocage" in text


def test_implicit_rejection_refuses_the_requete(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    add_demand(ws, who, filed_on="2024-10-20", complete=True)
    with pytest.raises(LetterRefused) as e:
        build_letter(ws, who, "requete", tmp_path / "r.docx", today=date(2025, 3, 20), draft=True)
    assert "an implicit rejection (décision implicite de rejet) arose on 2025-02-20" in str(e.value)
    assert "ask for its reasons (L. 232-4 CRPA), then a recours pour excès de pouvoir with a " \
        "référé-suspension (L. 521-1 CJA)" in str(e.value)  # fmt: skip


def test_oqtf_stops_the_letters(ws, applicant: str, tmp_path: Path) -> None:
    who = build_three_weeks(ws, tmp_path)
    update_applicant(ws, who, oqtf="notified", oqtf_date="2025-01-06")
    for kind in KINDS:
        with pytest.raises(LetterRefused, match=r"failed rule\(s\): oqtf"):
            build_letter(ws, who, kind, tmp_path / f"{kind}.docx", today=date(2025, 3, 20))


def test_applicant_signed_requete_and_ddd_by_an_avocat(
    evidence_ws: Workspace, tmp_path: Path
) -> None:
    mine = build_letter(evidence_ws, APPLICANT, "requete", tmp_path / "r.docx", today=TODAY,
                        signer="demandeur")  # fmt: skip
    text = text_of(mine.docx)
    assert "Ayant pour avocat" not in text and "signature de l'avocat" not in text
    assert "Inès Fictive\nSignature :" in text
    assert "au titre de l'article L. 761-1 du code de justice administrative [à vérifier" in text
    assert "37 de la loi" not in text
    ddd = build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "d.docx", today=TODAY,
                       signer="avocat", refere="filed")  # fmt: skip
    text = text_of(ddd.docx)
    assert "Au nom de Inès Fictive, je vous saisis" in text
    assert "Inès Fictive a tenté à 8 reprises" in text
    assert (
        "Le juge des référés du Tribunal administratif de Rouen a été saisi le [à compléter" in text
    )
    with pytest.raises(InputError, match="--signed-by 'juriste': use one of demandeur, avocat"):
        build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "x.docx", signer="juriste")


def test_robot_never_enters_letters_but_the_note(ws, tmp_path: Path) -> None:
    """13:02 no slot, 13:05 the attempt, 14:00 a publication, 14:02 slots: slots_after."""
    who = build_publication_case(ws, tmp_path)
    today = date(2025, 3, 20)
    for kind in KINDS:
        result = build_letter(ws, who, kind, tmp_path / f"{kind}.docx", today=today)
        text = text_of(result.docx)
        for sentence in ("relevé automatique", "relevés automatiques", "robot",
                         "créneaux disponibles", "indépendamment", "du même service", "14:02"):  # fmt: skip
            assert sentence not in text, (kind, sentence)
        note = text_of(result.note)
        assert (
            "Tentative du 27/02/2025 13:05 — créneaux vus seulement après la tentative. Avant : "
            "27/02/2025 13:02:00 : aucun créneau. Après : 27/02/2025 14:02:00 : créneaux "
            "disponibles (16, premier le 3 avril 2025). Mise en ligne annoncée par le service : "
            "27/02/2025 14:00." in note
        )


def test_templates_readme_lists_every_variable() -> None:
    readme = (default_templates() / "README.md").read_text(encoding="utf-8")
    assert readme == make_templates().readme_text(), "run templates/make_templates.py"
    for name in VARIABLES:
        assert f"| `{name}` |" in readme
    assert "| `cit.ce_453391` | CE, 9 juin 2022, n° 453391 | V2 |" in readme


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
    assert set(module.TEMPLATES) == set(LETTER_KINDS)


def _custom(folder: Path, text: str) -> Path:
    from docx import Document

    folder.mkdir(exist_ok=True)
    doc = Document()
    doc.add_paragraph(text)
    doc.save(str(folder / "ddd.docx"))
    return folder


def test_user_templates(evidence_ws: Workspace, tmp_path: Path) -> None:
    mine = _custom(tmp_path / "mine", "Bonjour {{ nom }}, le {{ date_lettre }}.")
    result = build_letter(
        evidence_ws, APPLICANT, "ddd", tmp_path / "a.docx", templates=mine, today=TODAY
    )
    assert "Bonjour Inès Fictive, le 3 avril 2025." in docx_text(result.docx.read_bytes())
    bad = _custom(tmp_path / "bad", "Bonjour {{ inconnue }}")
    with pytest.raises(InputError, match=r"inconnue.*templates/README\.md"):
        build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "b.docx", templates=bad, today=TODAY)
    with pytest.raises(InputError, match=r"requete\.docx"):
        build_letter(evidence_ws, APPLICANT, "requete", tmp_path / "c.docx", templates=mine)
    with pytest.raises(InputError, match="unknown letter"):
        build_letter(evidence_ws, APPLICANT, "plainte", tmp_path / "d.docx")
    with pytest.raises(InputError, match=r"\.docx"):
        build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "e.pdf")


def test_letters_are_deterministic_and_recorded(evidence_ws: Workspace, tmp_path: Path) -> None:
    a = build_letter(evidence_ws, APPLICANT, "requete", tmp_path / "a.docx", today=TODAY)
    first = (a.docx.read_bytes(), a.note.read_bytes())
    b = build_letter(evidence_ws, APPLICANT, "requete", tmp_path / "a.docx", today=TODAY)
    assert (b.docx.read_bytes(), b.note.read_bytes()) == first
    assert a.note.name == "a-note.docx"
    rows = evidence_ws.rows("SELECT DISTINCT kind FROM generated WHERE path = ?", [str(a.note)])
    assert rows == [{"kind": "letter.requete.note"}]
    custody = evidence_ws.rows("SELECT detail FROM custody WHERE action = 'letter.build'")
    assert any(json.loads(c["detail"])["files"][0]["path"] == str(a.docx) for c in custody)


def test_pdf_without_libreoffice_says_how_to_install(
    evidence_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("toolkit.documents.letters.soffice", lambda: None)
    with pytest.raises(MissingDependency, match="apt-get install libreoffice-writer-nogui"):
        build_letter(evidence_ws, APPLICANT, "ddd", tmp_path / "x.docx", pdf=True, today=TODAY)
    assert (tmp_path / "x.docx").is_file()  # the DOCX is written all the same


def test_pdf_with_libreoffice(evidence_ws: Workspace, tmp_path: Path) -> None:
    """CI installs libreoffice-writer-nogui (.ci/run): the --pdf path runs for real."""
    from exhibit_data import pdf_text

    result = build_letter(
        evidence_ws, APPLICANT, "requete", tmp_path / "requete.docx", pdf=True, today=TODAY
    )
    assert result.pdf == tmp_path / "requete.pdf"
    text = "\n".join(pdf_text(result.pdf))
    assert "REQUÊTE EN RÉFÉRÉ" in text and "Inès Fictive" in text
    assert "BORDEREAU DES PIÈCES" in text
    for sentence in FORBIDDEN:
        assert sentence not in text, sentence


# CLI --------------------------------------------------------------------------------


def test_cli_refusal_is_one_line_and_draft_works(cli, tmp_path: Path) -> None:
    with open_workspace(cli.workspace) as ws:
        who = build_ce_435594(ws, tmp_path)
    out = tmp_path / "r.docx"
    r = cli("letter", "requete", who, "--out", str(out), "--today", "2019-10-01")
    assert r.exit_code == 1
    assert r.stderr.count("\n") == 1 and r.stderr.startswith("Error: letter requete for ce-435594")
    assert "span" in r.stderr and not out.exists()
    r = cli("letter", "requete", who, "--out", str(out), "--today", "2019-10-01", "--draft",
            "--signed-by", "demandeur")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert f"Draft written: {out}" in r.stderr
    assert f"Note for the lawyer (not to be filed): {tmp_path / 'r-note.docx'}" in r.stderr
    assert "Warning" not in r.stderr  # an LRAR and an e-mail precede it


def test_cli_warns_without_a_written_request(cli, cli_applicant: str, tmp_path: Path) -> None:
    with open_workspace(cli.workspace) as ws:
        add_applicant(ws, "w-76", prefecture="76", procedure="renouvellement",
                      permit_expiry="2025-04-15", route="guichet", oqtf="none")  # fmt: skip
        from case_law import THREE_WEEKS, screenshots

        from toolkit.ingest.screenshots import ingest_screenshots

        ingest_screenshots(ws, [screenshots(tmp_path / "s", THREE_WEEKS)], "w-76",
                           outcome="no_slot", ocr=False)  # fmt: skip
    r = cli("letter", "requete", "w-76", "--out", str(tmp_path / "r.docx"), "--today",
            "2025-03-20")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Warning: no dated written request to the préfecture precedes this requête" in r.stderr


def test_one_attempt_reads_in_the_singular(ws, applicant: str, tmp_path: Path) -> None:
    """A letter to the préfet is a diligence written even after one attempt: it says so in
    the singular, never « à 1 reprises, sur une période de 0 jours »."""
    from case_law import screenshots

    from toolkit.ingest.screenshots import ingest_screenshots

    shots = screenshots(tmp_path / "one", ["20250224-071500"])
    ingest_screenshots(ws, [shots], applicant, outcome="no_slot", ocr=False)
    letter = build_letter(ws, applicant, "prefecture", tmp_path / "p.docx", today=date(2025, 3, 1))
    text = " ".join(text_of(letter.docx).split())
    assert (
        "Le 24 février 2025, j'ai tenté une fois de réserver un rendez-vous sur le service de "
        "prise de rendez-vous en ligne de la préfecture (1 le matin). Lors de cette tentative, "
        "la page affichée indiquait qu'aucun créneau n'était disponible (résultat que j'ai "
        "déclaré, non lu automatiquement sur la capture)"
    ) in text
    assert "reprises" not in text and "période de 0 jours" not in text
