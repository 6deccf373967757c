"""The letters of the procedure, one situation each: written when the timeline proposes them,
read back, refused otherwise with the letters that fit."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from toolkit.applicants import add_applicant
from toolkit.documents.docx import docx_text
from toolkit.documents.letters import build_letter, letter_choices
from toolkit.errors import LetterRefused
from toolkit.timeline.events import add_event
from toolkit.workspace import Workspace, init_workspace

D = date.fromisoformat
TODAY = D("2025-06-20")
CASES = {
    # applicant -> (route, oqtf, events)
    "api": ("anef", "none", [("filed", "2025-03-01"), ("complete", "2025-03-01")]),
    "dir": ("anef", "none", [("filed", "2025-01-10"), ("complete", "2025-01-10"),
                             ("motifs_requested", "2025-05-20")]),
    "sub": ("anef", "none", [("anef_incident", "2025-04-02"), ("ccc_contact", "2025-04-05"),
                             ("pan_visit", "2025-04-09")]),
    "rdv": ("anef", "none", [("filed", "2025-03-01"), ("decision_favorable", "2025-04-15")]),
    "oqtf": ("anef", "notified", [("filed", "2025-01-10"), ("complete", "2025-01-10")]),
    "late": ("anef", "none", [("filed", "2025-05-10"), ("complete", "2025-05-10")]),
}  # fmt: skip


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("letters") / "ws")
    for who, (route, oqtf, events) in CASES.items():
        add_applicant(
            ws, who, prefecture="69", procedure="renouvellement", route=route, oqtf=oqtf,
            oqtf_date="2025-05-02" if oqtf == "notified" else None,
            permit_expiry="2025-05-31", full_name="Inès Fictive", address="1 rue X, 69003 Lyon",
        )  # fmt: skip
        for kind, on in events:
            add_event(ws, who, kind=kind, on=on, today=TODAY, note="déclaré au test")
    return ws


def write(ws: Workspace, who: str, kind: str, out: Path, **kw: object) -> str:
    result = build_letter(ws, who, kind, out / f"{who}-{kind}.docx", today=TODAY, **kw)  # type: ignore[arg-type]
    assert result.note.is_file()
    return "\n".join(docx_text(result.docx.read_bytes()))


def test_api_letters(files: Workspace, tmp_path: Path) -> None:
    letter = write(files, "api", "prefet-api", tmp_path)
    assert "J'ai déposé le 1er mars 2025, sur le téléservice" in letter
    assert "Depuis le 1er juin 2025, aucun document n'atteste la régularité de mon séjour" in letter
    assert "article R. 431-15-1 du CESEDA [à vérifier" in letter
    assert "[à compléter : numéro de la demande]" in letter  # nothing read: asked, not invented
    requete = write(files, "api", "refere-api", tmp_path, draft=True)
    assert "Inès Fictive a déposé le 1er mars 2025" in requete  # third person in a requête
    assert "expire le 1er juillet 2025 [à vérifier]" in requete
    assert (
        "d'enjoindre au préfet du Rhône de délivrer à la partie requérante une attestation"
        in requete
    )
    assert "Cette condition est remplie" not in requete
    assert "Fait à [à compléter : lieu], le 20 juin 2025" in requete
    assert "Ayant pour avocat" in requete
    signed = write(files, "api", "refere-api", tmp_path, draft=True, signer="demandeur")
    assert "Ayant pour avocat" not in signed and "Signature :" in signed
    assert "Fait à Lyon, le 20 juin 2025" in signed
    attestation = write(files, "api", "attestation-anef", tmp_path)
    assert "aucune pièce complémentaire ne m'a été demandée" in attestation
    assert "la période du 1er au 20 juin 2025" in attestation


def test_a_late_filing_claims_no_attestation_as_of_right(files: Workspace, tmp_path: Path) -> None:
    """Filed after the R. 431-5 window (1 February - 1 April 2025 for a permit ending on 31
    May): R. 431-15-1 gives no attestation, so the letter neither cites it nor threatens a
    référé on it; it asks for a decision and a provisional document."""
    letter = " ".join(write(files, "late", "prefet-api", tmp_path).split())
    assert "J'ai déposé le 10 mai 2025, sur le téléservice" in letter
    assert "dans le délai fixé par l'article R. 431-5" not in letter
    assert "R. 431-15-1" not in letter and "est délivrée" not in letter
    assert "pourra être saisi" not in letter
    assert (
        "Je vous demande en conséquence de bien vouloir statuer sur cette demande et, dans "
        "l'attente de votre décision, examiner la délivrance d'un document provisoire de séjour, "
        "dans un délai de [à compléter : 8 à 15] jours à compter de la réception de la présente."
    ) in letter
    on_time = " ".join(write(files, "api", "prefet-api", tmp_path).split())
    assert "pourra être saisi sur le fondement de l'article L. 521-3" in on_time
    assert "examiner la délivrance" not in on_time


def test_completeness_is_printed_at_its_strength(files: Workspace, tmp_path: Path) -> None:
    """A completeness the applicant declared reads as their declaration; one shown by an
    attestation delivered names the attestation; never a bare « Aucune pièce … »."""
    declared = " ".join(write(files, "api", "prefet-api", tmp_path).split())
    assert (
        "Selon la déclaration du demandeur, aucune pièce complémentaire n'a été demandée."
        in declared
    )
    assert "Aucune pièce complémentaire n'a été demandée" not in declared
    add_applicant(
        files, "apiok", prefecture="69", procedure="renouvellement", route="anef", oqtf="none",
        permit_expiry="2025-05-31", full_name="Inès Fictive", address="1 rue X, 69003 Lyon",
    )  # fmt: skip
    add_event(files, "apiok", kind="filed", on="2025-03-01", today=TODAY)
    add_event(files, "apiok", kind="api_issued", on="2025-05-28", until="2025-06-10", today=TODAY)
    requete = " ".join(write(files, "apiok", "refere-api", tmp_path, draft=True).split())
    assert "Selon la déclaration du demandeur" not in requete
    assert (
        "Aucune demande de pièces complémentaires n'est enregistrée au dossier ; une attestation "
        "de prolongation d'instruction a été délivrée le 28 mai 2025."
    ) in requete


def test_a_late_filing_tells_the_lawyer_the_provisional_document_is_not_owed(
    files: Workspace, tmp_path: Path
) -> None:
    """The late renewal's letter keeps asking (a request, no right claimed); the note says no
    text makes the provisional document owed, à vérifier."""
    result = build_letter(files, "late", "prefet-api", tmp_path / "late.docx", today=TODAY)
    note = " ".join(" ".join(docx_text(result.note.read_bytes())).split())
    assert (
        "La lettre demande au préfet d'examiner la délivrance d'un document provisoire de "
        "séjour : c'est une simple demande. Aucun texte ne rend ce document dû dans cette "
        "situation"
    ) in note
    assert note.count("[à vérifier]") >= 1 and "R. 431-15-1" in note
    on_time = build_letter(files, "api", "prefet-api", tmp_path / "api.docx", today=TODAY)
    assert "document provisoire" not in " ".join(docx_text(on_time.note.read_bytes()))


@pytest.mark.parametrize("kind", ["ddd", "prefecture"])
def test_a_demand_filed_on_anef_refuses_the_substitution_letters(
    files: Workspace, tmp_path: Path, kind: str
) -> None:
    """The DDD letter and the letter to the préfet say, on the ANEF route, that the téléservice
    could not be used: not once a demand was filed on it."""
    with pytest.raises(LetterRefused) as e:
        write(files, "api", kind, tmp_path, draft=True)
    assert str(e.value) == (
        f"letter {kind} for api refused: a demand of api was filed on the ANEF téléservice on "
        "2025-03-01: a letter saying the téléservice could not be used would be contradicted by "
        "the file; letters that fit the timeline: prefet-api, refere-api, attestation-anef (see "
        "`guichets letter list api`)"
    )
    assert not (tmp_path / f"api-{kind}.docx").exists()
    # with no filing (the téléservice blocked), the substitution is what they ask for
    letter = " ".join(write(files, "sub", kind, tmp_path, draft=True).split())
    assert "solution de substitution" in letter


def test_dir_letters(files: Workspace, tmp_path: Path) -> None:
    annulation = write(files, "dir", "annulation-dir", tmp_path)
    assert "REQUÊTE EN ANNULATION" in annulation
    assert "décision implicite de rejet le 10 mai 2025 [à vérifier]" in annulation
    # reasons asked on 20 May, none received a month later: the CRPA point is written
    assert (
        "n'ont pas été communiqués dans le délai d'un mois prévu à l'article L. 232-4" in annulation
    )
    suspension = write(files, "dir", "suspension-dir", tmp_path)
    assert "REQUÊTE EN RÉFÉRÉ-SUSPENSION" in suspension
    with pytest.raises(
        LetterRefused,
        match=r"refere-api for dir refused: it does not fit the timeline of dir: remedy "
        r"refere-mu-api is ruled out: an implicit rejection arose on 2025-05-10: a référé",
    ):
        write(files, "dir", "refere-api", tmp_path)
    with pytest.raises(LetterRefused, match="letters that fit: annulation-dir, suspension-dir"):
        write(files, "dir", "prefet-substitution", tmp_path)


def test_substitution_letters(files: Workspace, tmp_path: Path) -> None:
    letter = write(files, "sub", "prefet-substitution", tmp_path)
    assert "le 2 avril 2025, dysfonctionnement du téléservice constaté (déclaré au test)" in letter
    assert "le 5 avril 2025, contact avec le Centre de contact citoyen" in letter
    assert "ayant accompli toutes les diligences qui lui incombent" in letter
    assert "CE, Section, 3 juin 2022" in letter
    requete = write(files, "sub", "refere-substitution", tmp_path, draft=True)
    assert "[À vérifier : Aucune capture d'un dysfonctionnement" in requete  # declared only


def test_appointment_letters(files: Workspace, tmp_path: Path) -> None:
    letter = write(files, "rdv", "prefet-rdv", tmp_path)
    assert "Depuis le 15 avril 2025, aucune convocation pour la remise du titre de séjour" in letter
    requete = write(files, "rdv", "refere-rdv", tmp_path)
    assert "de convoquer la partie requérante pour la remise du titre de séjour" in requete


def test_an_oqtf_keeps_only_the_recours(files: Workspace, tmp_path: Path) -> None:
    with pytest.raises(LetterRefused, match="an OQTF notified on 2025-05-02 has not been executed"):
        write(files, "oqtf", "suspension-dir", tmp_path)
    annulation = write(files, "oqtf", "annulation-dir", tmp_path)
    assert "REQUÊTE EN ANNULATION" in annulation
    rows = {r["kind"]: r for r in letter_choices(files, "oqtf", today=TODAY)}
    assert rows["annulation-dir"]["status"] == "proposed"
    assert rows["suspension-dir"]["status"] == "refused"
    assert rows["refere-api"]["status"] == "refused"
    # the CLI's column is English; French only in names (letters, remedies, terms of art)
    assert rows["annulation-dir"]["why"] == "a document of remedy rep-refere-suspension"
    assert rows["suspension-dir"]["why"] == (
        "remedy rep-refere-suspension goes without it: an OQTF notified on 2025-05-02 has not "
        "been executed: no urgency while it stands"
    )
    assert rows["refere-api"]["why"] == (
        "remedy refere-mu-api is ruled out: an implicit rejection arose on 2025-05-10: a "
        "référé « mesures utiles » cannot stand in the way of a decision"
    )
    for r in rows.values():
        for french in (" une ", " le ", " la ", " est ", "n'a pas", "écarté", "délai"):
            assert french not in r["why"], r
    # the web page keeps the timeline's French (remedy titles, reasons)
    from toolkit.documents.letters import letter_facts
    from toolkit.documents.procedure_letters import fitting, ruled_out

    t = letter_facts(files, "oqtf", TODAY).timeline
    assert t is not None
    assert fitting(t)["annulation-dir"].startswith("Recours pour excès de pouvoir")
    assert "n'a pas été exécutée" in (ruled_out("suspension-dir", t) or "")


def test_letter_list_cli(cli, cli_applicant: str) -> None:  # type: ignore[no-untyped-def]
    for kind, on in (("filed", "2024-12-20"), ("complete", "2024-12-20")):
        assert cli("event", "add", cli_applicant, "--kind", kind, "--on", on).exit_code == 0
    rows = cli.json("letter", "list", cli_applicant, "--today", "2025-04-19")
    status = {r["kind"]: r["status"] for r in rows}
    assert status["refere-api"] == "proposed" and status["motifs"] == "refused"
    assert status["requete"] == "refused"  # the route is ANEF
