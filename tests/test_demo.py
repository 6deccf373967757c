"""`guichets demo` on the bundled sample: every step runs and the results hold real values."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from toolkit.workspace import open_workspace

pytestmark = pytest.mark.xdist_group("demo")


@pytest.fixture(scope="module")
def demo(demo_run):
    return demo_run, demo_run.data["steps"]


def test_every_step_ran(demo) -> None:
    result, steps = demo
    assert steps == [
        "applicant",
        "screenshots",
        "captures",
        "crawl",
        "indicators prefecture",
        "documents",
        "indicators",
        "check",
        "attempts",
        "exhibits",
        "letters",
        "anef documents",
        "timeline",
        "anef exhibits",
        "anef letters",
        "bundle",
        "xlsx",
        "map",
        "verify",
    ]
    for path in result.outputs.values():
        assert Path(path).exists(), path


def test_attempt_log_of_the_sample(demo) -> None:
    result, _ = demo
    rows = json.loads((result.out / "attempts.json").read_text(encoding="utf-8"))
    assert len(rows) == 49
    assert Counter(r["channel"] for r in rows) == {"online": 46, "email": 3}
    sources = Counter(r["time_source"] for r in rows)
    # what a device wrote outranks the log: the journal dates only the phone shot whose page
    # shows the day (« Demande de rendez-vous du 07/03/2025 ») and no clock; the desktop shots
    # the journal dates show their taskbar clock, which agrees with it and dates them
    assert sources == {
        "filename": 34, "email_header": 4, "ocr": 3, "har": 3, "png_meta": 2, "log": 1,
        "exif": 1, "pdf_meta": 1,
    }  # fmt: skip
    # every online attempt was read, none contradicts the journal, no time disagrees
    online = [r for r in rows if r["channel"] == "online"]
    assert {r["outcome_source"] for r in online} == {"read"}
    assert [r["flags"] for r in rows if r["flags"]] == []
    first, last = rows[0], rows[-1]
    # the phone's name says 07:15:12, the journal 07:15, the page 24/02/2025: they agree
    assert first["observed_at"] == "2025-02-24T07:15:12+01:00"
    assert [(t["source"], t["local_time"]) for t in first["times"][:3]] == [
        ("filename", "2025-02-24 07:15:12"), ("ocr", "2025-02-24"), ("log", "2025-02-24 07:15"),
    ]  # fmt: skip
    journal_only = next(r for r in rows if r["file"] == "IMG_4821.PNG")
    assert (journal_only["time_source"], journal_only["local_time"]) == ("log", "2025-03-07 23:37")
    assert last["observed_at"].startswith("2025-04-01T18:03")
    assert last["observed_at"].endswith("+02:00")  # after the DST change
    by_file = {r["file"]: r for r in rows}
    assert by_file["Screenshot_20250310-140048.png"]["outcome"] == "captcha"
    assert by_file["Capture d'écran 2025-03-13 140309.png"]["outcome"] == "error"
    assert by_file["IMG_5133.JPG"]["time_source"] == "exif"


def test_check_of_the_sample_applicant(demo) -> None:
    result, _ = demo
    check = result.data["check"]
    assert check["verdict"] in {"ready", "weak"}
    levels = {f["rule"]: f["level"] for f in check["findings"]}
    assert "iso_weeks" not in levels
    assert levels["span"] == levels["written_request"] == levels["route"] == "ok"
    assert levels["renewal_window"] == levels["recency"] == levels["oqtf"] == "ok"
    ind = result.data["indicators"]
    assert (ind["distinct_days"], ind["distinct_iso_weeks"], ind["span_days"]) == (26, 6, 36)
    assert ind["days_to_expiry"] == 11  # as of 4 April 2025


def test_robot_crawl_of_the_sample(demo) -> None:
    result, _ = demo
    rows = {(r["prefecture"], r["procedure"]): r for r in result.data["prefectures"]}
    assert sum(r["probes"] for r in rows.values()) == 17464
    seine = rows[("76", "renouvellement")]
    assert seine["probes"] == 2183
    assert 0.9 < seine["no_slot_rate"] < 1.0
    corroboration = result.data["indicators"]["corroboration"]
    # the 13:05 attempt of 27 February: no slot at 13:02, slots at 14:02: never contradicted
    assert (corroboration["covered"], corroboration["contradicted"]) == (45, 0)
    assert corroboration["slots_after"] == 1


def test_exhibits_letters_and_shared_outputs(demo) -> None:
    result, _ = demo
    names = sorted(p.name for p in Path(result.outputs["exhibits"]).iterdir())
    assert names[0] == "01_Titre_de_sejour_2024-04-16.pdf"
    assert "Inventaire_des_pieces.pdf" in names and "manifest.json" in names
    for kind in ("ddd", "prefecture", "requete"):
        assert Path(result.outputs[f"letter {kind}"]).stat().st_size > 5000
    bundle = Path(result.outputs["bundle"]).read_bytes()
    assert b"Exemple" not in bundle and b"nadia" not in bundle.lower()


# What a lawyer found in the demo's letters and pièces before issue 17.
QUOTED = (
    "Cette condition est remplie", "semaines différentes", "relevé automatique",
    "relevés automatiques", "montre des créneaux disponibles", "du même service",
    "indépendamment", "Cette démarche suppose d'obtenir un rendez-vous", "document provisoire",
    "l'autorisant à séjourner", "Résultats constatés", "présumée", "suffisent",
    "ouvre la solution de substitution", "attestant de la régularité de mon séjour",
    "dans 11 jours", "pièces n° 4 à 6", "2010725", "2016798",
)  # fmt: skip


def test_letters_and_pieces_hold_none_of_the_quoted_sentences(demo) -> None:
    from docx import Document
    from pypdf import PdfReader

    result, _ = demo
    texts = {}
    for kind in ("ddd", "prefecture", "requete"):
        doc = Document(str(result.outputs[f"letter {kind}"]))
        texts[kind] = "\n".join(p.text for p in doc.paragraphs)
        assert Path(result.outputs[f"note {kind}"]).is_file()
    for pdf in sorted(Path(result.outputs["exhibits"]).glob("*.pdf")):
        reader = PdfReader(str(pdf))
        texts[pdf.name] = "\n".join(page.extract_text() for page in reader.pages)
    assert len(texts) == 3 + 13 + 1  # three letters, thirteen pièces, the inventory
    texts = {name: " ".join(text.split()) for name, text in texts.items()}  # lines joined
    for name, text in texts.items():
        for sentence in QUOTED:
            assert sentence not in text, (name, sentence)
        # the applicant's own notes stay out of the pièces by default
        assert "pause déjeuner" not in text and "envoyé par messagerie" not in text, name
    assert "(pièces n° 4 à 7)" in texts["requete"]  # every pièce of attempts
    # the recap's title counts what its table lists: the LRAR is pièce 10, not a row
    assert (
        "Pièce n° 2 : Tableau récapitulatif des tentatives de prise de rendez-vous et des "
        "démarches auprès de la préfecture (46 tentatives en ligne, 3 courriels, du 24 février "
        "au 1er avril 2025)" in " ".join(texts["requete"].split())
    )
    note = "\n".join(p.text for p in Document(str(result.outputs["note requete"])).paragraphs)
    note = " ".join(note.split())
    assert (
        "Tentative du 27/02/2025 13:05 — créneaux vus seulement après la tentative. Avant : "
        "27/02/2025 13:02:14 : aucun créneau. Après : 27/02/2025 14:02:41 : créneaux "
        "disponibles (16, premier le 3 avril 2025)." in note
    )
    # every attempt with a probe nearby is in one count (40 + 1 + 0 + 1 + 3 = 45)
    assert (
        "45 tentatives ont un relevé du même service (même préfecture, même démarche, même "
        "formulaire quand il est connu) à ± 60 minutes : 40 précédées d'un relevé sans "
        "créneau, 1 suivie de créneaux vus après elle, 0 précédée d'un relevé avec "
        "créneaux, 1 avec un seul relevé postérieur sans créneau, 3 non comparées, la page "
        "n'indiquant pas l'absence de créneau (captcha, erreur, page non reconnue)." in note
    )
    assert "l'urgence est en principe constatée" in texts["requete"]
    har = texts["07_Pages_enregistrees_2025-03.pdf"]
    assert "Requête 3 : 24/03/2025 19:31:05 UTC+01:00 — statut HTTP 503" in har
    assert "date d'enregistrement de la page, lue dans l'en-tête du fichier MHTML" in har
    recap = texts["02_Tableau_recapitulatif_des_tentatives.pdf"]
    assert "elle ne date pas la capture" in recap and "Pièce / page" in recap
    inventory = texts["Inventaire_des_pieces.pdf"]
    assert "elle ne prouve pas la date ni l'heure d'une capture" in inventory


def test_vault_holds_every_original(demo) -> None:
    result, _ = demo
    with open_workspace(result.workspace, read_only=True) as ws:
        assert ws.scalar("SELECT count(*) FROM files") == 58  # 53 + 5 of the ANEF applicant
        assert ws.scalar("SELECT count(*) FROM custody WHERE action LIKE 'ingest.%'") >= 4


def test_lisezmoi_names_each_output_and_who_it_is_for(demo) -> None:
    from toolkit.demo_readme import OUTPUTS

    result, _ = demo
    text = (result.out / "LISEZMOI.txt").read_text(encoding="utf-8")
    assert set(result.outputs) - {"readme"} <= set(OUTPUTS), "describe every output in OUTPUTS"
    for key, path in result.outputs.items():
        if key != "readme":
            assert Path(path).name in text, key
    for heading in ("Pour l'avocat ou la personne concernée", "Pour l'association",
                    "Pour les développeurs et analystes", "L'espace de travail"):  # fmt: skip
        assert heading in text
    assert "exhibits/" in text and "make serve" in text and ".venv/bin" in text
    assert max(len(line) for line in text.splitlines()) <= 110
    for line in text.splitlines():  # a name never runs into its description
        if re.match(r"  \S", line):
            assert re.match(r"\S+(\.docx|\.png|\.json|\.zip|\.xlsx|/)$", line.split()[0]), line


def test_the_anef_applicant(demo) -> None:
    """demo-002: ANEF renewal filed on time, permit expired on 15 March 2025, no attestation."""
    result, _ = demo
    t = result.data["timeline"]
    assert (t["applicant"], t["route"], t["as_of"]) == ("demo-002", "anef", date(2025, 4, 4))
    kinds = [(e["kind"], e["source"], e["file"]) for e in t["events"]]
    assert kinds == [
        ("filing_confirmation", "document", "courriel-confirmation-depot.eml"),
        ("filing_confirmation", "document", "confirmation-depot.pdf"),
        ("complete", "declared", None),
        ("status_seen", "capture", "espace-anef-2025-03-28_09-12-40.html"),
    ]
    f = t["facts"]
    assert f["renewal_window"]["opens"] == date(2024, 11, 15)
    assert f["renewal_window"]["filed_on_time"] is True
    assert (f["api"]["owed_from"], f["api"]["gap_days"]) == (date(2025, 3, 16), 20)
    assert (f["dir"]["date"], f["dir"]["arisen"]) == (date(2025, 4, 20), False)
    assert [r["code"] for r in t["remedies"]] == ["lettre-prefecture", "refere-mu-api"]
    assert t["remedies"][1]["deadline"] == date(2025, 4, 19)
    assert t["missing"] == []
    saved = json.loads((result.out / "anef" / "timeline.json").read_text(encoding="utf-8"))
    assert saved["facts"]["api"]["owed_from"] == "2025-03-16"
    pieces = [p["file"] for p in result.data["anef exhibits"]["pieces"]]
    assert pieces[:2] == ["01_Titre_de_sejour_2024-03-16.pdf", "02_Chronologie_de_la_procedure.pdf"]
    assert "Pages_ANEF_2025-03.pdf" in " ".join(pieces)
    assert not [p for p in pieces if "Tableau_recapitulatif" in p]  # no booking attempt
    from pypdf import PdfReader

    page = next(p for p in pieces if p.startswith("05_Pages_ANEF"))
    shown = PdfReader(result.out / "anef" / "exhibits" / page).pages[0].extract_text()
    assert "statut « En cours d'instruction » de la demande" in shown
    from toolkit.documents.docx import docx_text

    letters = result.out / "anef" / "letters"
    refere = "\n".join(docx_text((letters / "refere-api.docx").read_bytes()))
    assert "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »" in refere
    assert "Youssef Exemple a déposé le 20 décembre 2024" in refere
    assert "Depuis le 16 mars 2025, aucun document n'atteste la régularité du séjour" in refere
    assert "expire le 20 avril 2025 [à vérifier]" in refere
    assert "(pièce n° 2)" in refere  # the « Chronologie de la procédure »
    letter = "\n".join(docx_text((letters / "prefet-api.docx").read_bytes()))
    assert "Objet : demande de délivrance d'une attestation de prolongation d'instruction" in letter
    note = "\n".join(docx_text((letters / "refere-api-note.docx").read_bytes()))
    assert "Recours 1 : Lettre au préfet" in note


def test_the_chart_piece_shows_no_robot_probe(demo) -> None:
    """Pièce 3 is filed by default: the robot's probes (slots seen at 14 h and 15 h on days the
    applicant tried at other hours) stay out of it; they enter only in their own pièce."""
    import io

    from PIL import Image
    from pypdf import PdfReader

    from toolkit.charts.applicant import applicant_chart_png

    result, _ = demo
    pdf = Path(result.outputs["exhibits"]) / "03_Chronologie_des_tentatives.pdf"
    (shown,) = PdfReader(pdf).pages[0].images
    pixels = Image.open(io.BytesIO(shown.data)).convert("RGB").tobytes()
    with open_workspace(result.workspace, read_only=True) as ws:
        without = applicant_chart_png(ws, "demo-001", probes=False)
        with_probes = applicant_chart_png(ws, "demo-001", probes=True)
    assert pixels == Image.open(io.BytesIO(without)).convert("RGB").tobytes()
    assert pixels != Image.open(io.BytesIO(with_probes)).convert("RGB").tobytes()
