"""The exhibit folder: every file opened and checked (names, order, pages, captions, images)."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from exhibit_data import APPLICANT, EMAIL_BODY, PAGE_TEXT, SHOTS, image_bytes, pdf_text
from pypdf import PdfReader

from toolkit.documents import build_exhibits
from toolkit.documents.naming import is_telerecours_name
from toolkit.errors import InputError
from toolkit.workspace import Workspace, init_workspace, open_workspace


def piece_files(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name[:2].isdigit())


def test_names_are_numbered_from_01_and_accepted_by_telerecours(bundle: Any) -> None:
    names = piece_files(bundle.out)
    assert names == [p.filename for p in bundle.pieces]
    assert [int(n.split("_")[0]) for n in names] == list(range(1, len(names) + 1))
    assert all(is_telerecours_name(n) for n in names), names
    assert all(n[:2] == f"{i:02d}" for i, n in enumerate(names, start=1))


def test_order_of_the_pieces(bundle: Any) -> None:
    assert [p.filename for p in bundle.pieces] == [
        "01_Titre_de_sejour_2024-04-16.pdf",
        "02_Tableau_recapitulatif_des_tentatives.pdf",
        "03_Chronologie_des_tentatives.pdf",
        "04_Captures_ecran_2025-02.pdf",
        "05_Captures_ecran_2025-03.pdf",
        "06_Pages_enregistrees_2025-03.pdf",
        "07_Courriel_envoye_2025-03-06.pdf",
        "08_Courriel_recu_2025-03-06.pdf",
        "09_Attestation_CCC_2025-03-19.pdf",
        "10_Justificatif_urgence_2025-03-10.pdf",
    ]


def test_page_counts_match_the_manifest(bundle: Any) -> None:
    manifest = json.loads((bundle.out / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["pieces"]:
        with open(bundle.out / entry["file"], "rb") as f:
            assert len(PdfReader(f).pages) == entry["pages"], entry["file"]
    pages = {e["file"]: e["pages"] for e in manifest["pieces"]}
    assert pages["04_Captures_ecran_2025-02.pdf"] == 2  # one screenshot per page
    assert pages["05_Captures_ecran_2025-03.pdf"] == 4
    assert pages["01_Titre_de_sejour_2024-04-16.pdf"] == 2  # the original's own pages
    assert pages["06_Pages_enregistrees_2025-03.pdf"] == 3  # HTML text, PDF caption + its page


def test_screenshot_pages_are_captioned_and_numbered(bundle: Any) -> None:
    pages = pdf_text(bundle.out / "04_Captures_ecran_2025-02.pdf")
    first = pages[0]
    assert "Capture 4-01 — lundi 24 février 2025 à 07:15:12" in first
    assert "(heure locale, Europe/Paris, UTC+01:00)" in first
    assert "Source de l'heure : nom du fichier" in first
    assert (
        "Adresse de la page : https://www.seine-maritime.gouv.fr/booking/create/28617/1 (lue sur "
        "l'image)" in first
    )
    assert "Résultat affiché : Aucun créneau (lu automatiquement sur l'image)" in first
    assert "Fichier d'origine : Capture 2025-02-24 071512.png" in first
    sha = bundle.pieces[3].originals[0]["sha256"]
    assert f"SHA-256 : {sha}" in first
    assert "Pièce n° 4 — page 1/2" in first and "Pièce n° 4 — page 2/2" in pages[1]
    assert "Capture 4-02 — mercredi 26 février 2025" in pages[1]
    assert "Adresse de la page : non relevée" in pages[1]
    march = pdf_text(bundle.out / "05_Captures_ecran_2025-03.pdf")
    # the log gives minutes: the time is printed to the minute, declared by the applicant
    assert "Capture 5-01 — lundi 3 mars 2025 à 14:01 (heure locale" in march[0]
    assert (
        "Source de l'heure : journal des captures tenu par le demandeur (sa déclaration)"
        in march[0]
    )
    assert "(déclarée par le demandeur)" in march[0]
    assert "Résultat affiché : Aucun créneau (déclaré par le demandeur)" in march[0]
    assert "heure à vérifier : c'est la date de copie du fichier" in march[3]
    assert all(f"Pièce n° 5 — page {i}/4" in t for i, t in enumerate(march, start=1))
    text = "\n".join(pages + march)
    for robot in ("relevé automatique", "relevés automatiques", "robot", "confirmé", "contredit"):
        assert robot not in text
    with open(bundle.out / "05_Captures_ecran_2025-03.pdf", "rb") as f:
        outline = [o.title for o in PdfReader(f).outline]
    assert outline == [
        "5-01 — 03/03/2025 14:01 UTC+01:00", "5-02 — 04/03/2025 12:31:07 UTC+01:00",
        "5-03 — 10/03/2025 09:30:12 UTC+01:00", "5-04 — 12/03/2025 22:05:41 UTC+01:00",
    ]  # fmt: skip


def _images(path: Path) -> list[list[dict[str, Any]]]:
    """Per page, the image XObjects (width, height, filter)."""
    with open(path, "rb") as f:
        reader = PdfReader(f)
        out = []
        for page in reader.pages:
            found = []
            for obj in (page["/Resources"].get("/XObject") or {}).values():
                o = obj.get_object()
                if o.get("/Subtype") == "/Image":
                    found.append(
                        {"width": o["/Width"], "height": o["/Height"], "filter": o.get("/Filter")}
                    )
            out.append(found)
        return out


def test_screenshots_are_embedded_losslessly(bundle: Any, evidence_ws: Workspace) -> None:
    from PIL import Image

    with open(bundle.out / "05_Captures_ecran_2025-03.pdf", "rb") as f:
        reader = PdfReader(f)
        assert len(reader.pages) == 4
        for page, (name, _, kind, size, *_rest) in zip(reader.pages, SHOTS[2:], strict=True):
            images = page.images
            assert len(images) == 1, name  # one screenshot per page
            sha = next(o["sha256"] for o in bundle.pieces[4].originals if o["name"] == name)
            original = evidence_ws.vault.read(sha)
            xobj = images[0].indirect_reference.get_object()
            assert (xobj["/Width"], xobj["/Height"]) == size
            if kind == "jpeg":
                assert xobj["/Filter"] == "/DCTDecode"
                assert xobj.get_data() == original  # passed through, byte for byte
            else:
                ref = Image.open(io.BytesIO(original)).convert("RGB")
                got = images[0].image.convert("RGB")
                assert got.tobytes() == ref.tobytes(), name  # same pixels: lossless


def test_recap_table_lists_every_attempt_and_contact(bundle: Any, evidence_ws: Workspace) -> None:
    text = "\n".join(pdf_text(bundle.out / "02_Tableau_recapitulatif_des_tentatives.pdf"))
    flat = text.replace("\n", "")
    assert "Tableau récapitulatif des tentatives et des démarches" in text
    assert "Tentatives en ligne : 8, du 24 février au 26 mars 2025" in text
    for header in ("Date et heure", "Source de l'heure", "Canal", "Adresse de la page",
                   "Résultat affiché ou objet", "Fichier", "SHA-256", "Pièce / page"):  # fmt: skip
        assert header in text
    assert "Corroboration" not in text and "relevé automatique" not in text.lower()
    shas = [
        r[0]
        for r in evidence_ws.sql(
            "SELECT file_sha256 FROM attempts WHERE file_sha256 IS NOT NULL"
        ).fetchall()
    ]
    for sha in shas:
        assert sha[:16] in text
    assert "24/02/2025 07:15:12" in text and "UTC+01:00" in text
    assert "11/03/2025" in text and "précisée" in text  # the phone call: a date, no time
    assert "pièce 4, p. 1" in flat and "pièce 6, p. 2" in flat  # where each original is shown
    assert "elle ne date pas la capture" in flat
    assert "Pièce n° 2 — page 1/1" in text
    from toolkit.documents.evidence import gather
    from toolkit.documents.recap import recap_rows

    entries = gather(evidence_ws, APPLICANT).attempts
    rows = recap_rows(entries, locations={entries[0].key: (4, 1)})
    assert len(rows) == 11  # 8 online attempts, 2 e-mails, 1 call
    phone = next(r for r in rows if r[3] == "Téléphone")
    assert phone[1] == "11/03/2025 (heure non précisée)"
    assert phone[5] == "envoyé"  # the applicant's own note is left out by default
    noted = recap_rows(entries, with_notes=True)
    assert next(r for r in noted if r[3] == "Téléphone")[5] == (
        "envoyé — Note du demandeur : Appel au 0806 001 620, sans résultat"
    )
    assert rows[0] == ["1", "24/02/2025 07:15:12 UTC+01:00", "nom du fichier", "En ligne",
                       "https://www.seine-maritime.gouv.fr/booking/create/28617/1",
                       "Aucun créneau (lu)", "Capture 2025-02-24 071512.png",
                       entries[0].original.sha256[:16], "pièce 4, p. 1"]  # fmt: skip
    assert rows[2][1:3] == ["03/03/2025 14:01 UTC+01:00", "journal des captures tenu par le "
                            "demandeur (sa déclaration)"]  # fmt: skip


def test_chart_piece_holds_the_timeline(bundle: Any) -> None:
    text = pdf_text(bundle.out / "03_Chronologie_des_tentatives.pdf")
    assert len(text) == 1
    assert "Chronologie des tentatives de prise de rendez-vous en ligne" in text[0]
    assert "Pièce n° 3 — page 1/1" in text[0]
    images = _images(bundle.out / "03_Chronologie_des_tentatives.pdf")[0]
    assert len(images) == 1 and images[0]["width"] >= 1000  # the timeline, 150 dpi


def test_pdf_original_keeps_its_pages_and_gets_a_stamp_band(bundle: Any) -> None:
    path = bundle.out / "01_Titre_de_sejour_2024-04-16.pdf"
    text = pdf_text(path)
    assert "Titre de sejour - recto" in text[0] and "verso" in text[1]
    assert "Pièce n° 1 — page 1/2" in text[0] and "Pièce n° 1 — page 2/2" in text[1]
    with open(path, "rb") as f:
        box = PdfReader(f).pages[0].mediabox
        assert float(box.height) > 841.9  # A4 plus the band under it: nothing covered


def test_emails_and_saved_pages_show_their_text(bundle: Any) -> None:
    sent = "\n".join(pdf_text(bundle.out / "07_Courriel_envoye_2025-03-06.pdf"))
    assert "Courriel — jeudi 6 mars 2025 à 10:21:37" in sent
    assert "Démarche : Courriel, envoyé à la préfecture" in sent
    assert "Objet : Demande de rendez-vous" in sent
    assert EMAIL_BODY.split("\n")[2][:60] in sent.replace("\n", " ")
    pages = pdf_text(bundle.out / "06_Pages_enregistrees_2025-03.pdf")
    assert "Page enregistrée 6-01 — jeudi 20 mars 2025 à 17:29:52" in pages[0]
    assert PAGE_TEXT.split("\n")[0] in pages[0]
    assert "Le document d'origine est reproduit dans les pages qui suivent." in pages[1]
    assert "Verification de disponibilite - page imprimee" in pages[2]
    assert "Pièce n° 6 — page 3/3" in pages[2]


def test_documents_keep_their_titles_and_images(bundle: Any) -> None:
    ccc = pdf_text(bundle.out / "09_Attestation_CCC_2025-03-19.pdf")
    assert "Attestation du Centre de contact citoyen (CCC) du 19 mars 2025" in ccc[0]
    assert len(_images(bundle.out / "09_Attestation_CCC_2025-03-19.pdf")[0]) == 1


def test_fonts_are_embedded(bundle: Any) -> None:
    for name in [*piece_files(bundle.out), "Inventaire_des_pieces.pdf"]:
        with open(bundle.out / name, "rb") as f:
            reader = PdfReader(f)
            for page in reader.pages:
                fonts = (page["/Resources"].get("/Font") or {}).values()
                for font in fonts:
                    font = font.get_object()
                    descendants = font.get("/DescendantFonts")
                    desc = (descendants[0].get_object() if descendants else font).get(
                        "/FontDescriptor"
                    )
                    if desc is None:  # a Type3 font draws its glyphs itself
                        continue
                    desc = desc.get_object()
                    assert any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")), name


def test_manifest_lists_every_file_and_the_originals(bundle: Any, evidence_ws: Workspace) -> None:
    out = bundle.out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    on_disk = {p.name for p in out.iterdir()} - {"manifest.json", "SHA256SUMS"}
    assert listed == on_disk
    from toolkit.vault import sha256_file

    for f in manifest["files"]:
        assert sha256_file(out / f["path"]) == f["sha256"]
        assert (out / f["path"]).stat().st_size == f["size"]
    vault = {r[0] for r in evidence_ws.sql("SELECT sha256 FROM files").fetchall()}
    originals = {o["sha256"] for p in manifest["pieces"] for o in p["originals"]}
    assert originals <= vault
    assert len(originals) == len(vault)  # every original of a-76 is in some pièce
    sums = (out / "SHA256SUMS").read_text().splitlines()
    assert [line.split("  ")[1] for line in sums] == [f["path"] for f in manifest["files"]] + [
        "manifest.json"
    ]
    assert manifest["applicant"] == APPLICANT and manifest["options"] == {
        "max_file_mb": 32,
        "group": "month",
    }


def test_build_is_recorded_in_generated_and_custody(bundle: Any, evidence_ws: Workspace) -> None:
    rows = evidence_ws.rows(
        "SELECT path, sha256, kind FROM generated WHERE applicant_id = ?", [APPLICANT]
    )
    by_path = {Path(r["path"]).name: r for r in rows if Path(r["path"]).parent == bundle.out}
    for f in bundle.files:
        assert by_path[f["path"]]["sha256"] == f["sha256"]
    assert by_path["manifest.json"]["kind"] == "exhibits.manifest"
    custody = evidence_ws.rows("SELECT detail FROM custody WHERE action = 'exhibits.build'")
    assert any(json.loads(c["detail"])["pieces"] == len(bundle.pieces) for c in custody)


def test_pages_render_to_legible_png(bundle: Any, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed")
    from PIL import Image

    for name in ("04_Captures_ecran_2025-02.pdf", "02_Tableau_recapitulatif_des_tentatives.pdf",
                 "Inventaire_des_pieces.pdf"):  # fmt: skip
        prefix = tmp_path / name[:-4]
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-f",
                "1",
                "-l",
                "1",
                str(bundle.out / name),
                str(prefix),
            ],
            check=True,
        )
        png = next(tmp_path.glob(f"{prefix.name}*.png"))
        img = Image.open(png).convert("L")
        dark = sum(img.histogram()[:128])
        assert dark > img.width * img.height * 0.005, name  # text was drawn
        assert img.width > 500


def test_week_groups(evidence_root: Path, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    with open_workspace(evidence_root) as ws:
        result = build_exhibits(
            ws, APPLICANT, tmp_path / "weeks", group="week", progress=lambda *c: calls.append(c)
        )
    assert calls[-1][0] == calls[-1][1] > 0 and all(d <= t for d, t, _ in calls)
    names = [p.filename for p in result.pieces if p.kind == "screenshots"]
    assert names[0] == "04_Captures_ecran_2025-S09.pdf"
    assert "semaine 9 de 2025 (du 24 février au 2 mars 2025)" in result.pieces[3].full_label
    assert len(names) == 3  # ISO weeks 9, 10 and 11


def test_out_folder_rules(evidence_root: Path, tmp_path: Path) -> None:
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    with open_workspace(evidence_root) as ws:
        with pytest.raises(InputError, match="not made by `guichets exhibits`"):
            build_exhibits(ws, APPLICANT, busy)
        with pytest.raises(InputError, match="--group"):
            build_exhibits(ws, APPLICANT, tmp_path / "x", group="year")
        first = build_exhibits(ws, APPLICANT, tmp_path / "again")
        (tmp_path / "again" / "stray.pdf").write_bytes(b"%PDF")
        second = build_exhibits(ws, APPLICANT, tmp_path / "again")  # an earlier bundle is replaced
    assert [f["sha256"] for f in first.files] == [f["sha256"] for f in second.files]
    # the user's own file stays, and is named
    assert (tmp_path / "again" / "stray.pdf").read_bytes() == b"%PDF"
    assert second.kept == ["stray.pdf"] and second.removed == []
    assert not list(tmp_path.glob(".again.partial-*"))


def test_applicant_without_evidence(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no attempt, contact or document"):
        build_exhibits(ws, applicant, tmp_path / "empty")


# --- splitting -----------------------------------------------------------------------------


def _noise_png(seed: int, side: int) -> bytes:
    import random

    from PIL import Image

    rnd = random.Random(seed)
    img = Image.frombytes(
        "RGB", (side, side), bytes(rnd.getrandbits(8) for _ in range(side * side * 3))
    )
    out = io.BytesIO()
    img.save(out, format="PNG", compress_level=1)
    return out.getvalue()


@pytest.fixture(scope="module")
def big_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six 390 kB screenshots in March and one of 1.5 MB in April."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from toolkit.applicants import add_applicant, get_applicant
    from toolkit.ingest.records import insert_attempt
    from toolkit.model import Attempt

    root = tmp_path_factory.mktemp("big") / "ws"
    with init_workspace(root) as ws:
        add_applicant(ws, "big", prefecture="76", procedure="renouvellement")
        a = get_applicant(ws, "big")
        with ws.transaction():
            src = ws.new_source("test", None, {})
            shots = [
                (f"s{i}.png", datetime(2025, 3, 3 + i, 10), _noise_png(i, 300)) for i in range(6)
            ]
            shots.append(("huge.png", datetime(2025, 4, 2, 10), _noise_png(99, 710)))
            for name, when, data in shots:
                sha = ws.store_file(data, name, "image/png")
                att = Attempt("big", "online", when.replace(tzinfo=ZoneInfo("Europe/Paris")), "log",
                              outcome="no_slot", file_sha256=sha, original_name=name)  # fmt: skip
                insert_attempt(ws, att, a, src)
    return root


def test_a_piece_over_the_limit_is_split_into_consecutive_pieces(
    big_ws: Path, tmp_path: Path
) -> None:
    with open_workspace(big_ws) as ws:
        result = build_exhibits(ws, "big", tmp_path / "out", max_file_mb=1)
    march = [
        p for p in result.pieces if p.filename.startswith(("0", "1")) and "2025-03" in p.filename
    ]
    assert len(march) >= 3
    assert [p.part for p in march] == list(range(1, len(march) + 1))
    assert all(p.parts == len(march) for p in march)
    assert [p.number for p in march] == list(range(march[0].number, march[0].number + len(march)))
    assert march[0].filename.endswith("_partie_1.pdf") and march[1].filename.endswith(
        "_partie_2.pdf"
    )
    assert "— partie 1/" in march[0].full_label
    assert sum(p.pages for p in march) == 6
    for p in march:
        assert (tmp_path / "out" / p.filename).stat().st_size <= 1_000_000
    # a single screenshot over the limit cannot be cut: it is filed alone, with a warning
    assert len(result.warnings) == 1 and "Captures_ecran_2025-04" in result.warnings[0]
    assert "cannot be cut further" in result.warnings[0]
    inventory = " ".join(pdf_text(tmp_path / "out" / "Inventaire_des_pieces.pdf")).replace(
        "\n", " "
    )
    assert f"elle est scindée en {len(march)} pièces consécutives" in inventory


def test_split_plan_of_a_large_pdf_original() -> None:
    from datetime import date

    from toolkit.documents.evidence import Entry, Original
    from toolkit.documents.plan import Piece, split_original

    entry = Entry("d1", "document", "permit", date(2025, 1, 1),
                  original=Original("ab" * 32, "scan.pdf", "application/pdf", 3_000_000))  # fmt: skip
    piece = Piece("document", "identity_docs", "Titre", "Titre_de_sejour", [entry])
    parts = split_original(piece, 1_000_000, pages=9)
    assert [p.page_range for p in parts] == [(0, 2), (2, 4), (4, 7), (7, 9)]
    assert [p.part for p in parts] == [1, 2, 3, 4] and all(p.parts == 4 for p in parts)
    assert split_original(piece, 10_000_000, pages=9) == [piece]


def test_image_formats_that_pdf_cannot_hold_are_converted(tmp_path: Path) -> None:
    from toolkit.documents.pdf import image_page

    page = image_page(image_bytes("webp", (64, 32), 1), 128, 64)
    assert float(page.mediabox.width) == pytest.approx(128)
    assert len(page.images) == 1


def test_every_page_of_every_piece_carries_its_number(bundle: Any) -> None:
    for piece in bundle.pieces:
        pages = pdf_text(bundle.out / piece.filename)
        assert len(pages) == piece.pages
        for i, text in enumerate(pages, start=1):
            assert f"Pièce n° {piece.number} — page {i}/{piece.pages}" in text, (piece.filename, i)
    inventory = pdf_text(bundle.out / "Inventaire_des_pieces.pdf")
    for i, text in enumerate(inventory, start=1):
        assert f"Inventaire — page {i}/{len(inventory)}" in text
