"""The inventaire détaillé: inventory ↔ files ↔ manifest, in DOCX and PDF."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from docx import Document
from exhibit_data import pdf_text

from toolkit.documents.inventory import InventoryHeader, notes
from toolkit.documents.plan import Piece


def _flat(text: str) -> str:
    return "".join(text.split())


def test_docx_table_lists_every_piece(bundle: Any) -> None:
    manifest = json.loads((bundle.out / "manifest.json").read_text(encoding="utf-8"))
    doc = Document(str(bundle.out / "Inventaire_des_pieces.docx"))
    table = doc.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header == ["N°", "Intitulé de la pièce", "Date ou période", "Pages", "Fichier"]
    rows = [[c.text for c in r.cells] for r in table.rows[1:]]
    assert len(rows) == len(manifest["pieces"]) == len(bundle.pieces)
    for row, piece in zip(rows, manifest["pieces"], strict=True):
        assert row[0] == str(piece["number"])
        assert row[1] == piece["label"]
        assert row[3] == str(piece["pages"])
        assert row[4] == piece["file"]
        assert (bundle.out / row[4]).is_file()
    assert rows[3][2] == "du 24 au 26 février 2025"
    assert rows[0][2] == "le 16 avril 2024"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Inventaire détaillé des pièces" in text
    assert "(article R. 412-2 du code de justice administrative)" in text
    assert "Demandeur : Inès Fictive (dossier a-76)" in text
    assert "Juridiction compétente : Tribunal administratif de Rouen" in text
    assert "Les pièces n° 4, 5 et 6 sont des séries homogènes" in text
    assert "{{" not in text and "{%" not in text


def test_pdf_lists_every_piece_with_its_pages(bundle: Any) -> None:
    import pdfplumber

    pages = pdf_text(bundle.out / "Inventaire_des_pieces.pdf")
    text = "\n".join(pages)
    flat = _flat(text)
    mm = 72 / 25.4
    labels, files = "", ""  # the label and file columns, read on their own
    with pdfplumber.open(bundle.out / "Inventaire_des_pieces.pdf") as pdf:
        for page in pdf.pages:
            labels += page.crop((23 * mm, 0, 141 * mm, page.height)).extract_text() or ""
            files += page.crop((201 * mm, 0, 285 * mm, page.height)).extract_text() or ""
            page.close()
    for p in bundle.pieces:
        assert _flat(p.filename) in _flat(files), p.filename
        assert _flat(p.full_label) in _flat(labels), p.full_label
    assert _flat("".join(p.full_label for p in bundle.pieces)) in _flat(labels)  # in order
    total = sum(p.pages for p in bundle.pieces)
    assert f"{len(bundle.pieces)} pièces, {total} pages au total" in text
    assert "Pièces arrêtées au 26 mars 2025" in text
    assert f"Inventaire — page 1/{len(pages)}" in pages[0]
    assert "SHA256SUMS" in flat


def test_notes_say_which_pieces_are_series_and_which_were_split() -> None:
    def piece(n: int, part: int, parts: int, serie: bool = True) -> Piece:
        p = Piece("screenshots", "screenshots", "Captures d'écran, mars 2025", "Captures_ecran_2025-03",
                  serie=serie, part=part, parts=parts, group_id="g")  # fmt: skip
        p.number = n
        return p

    header = InventoryHeader("X", "x", "Préfecture de l'Ain", "renouvellement", "Tribunal administratif de Lyon",
                             date(2025, 3, 1), 32)  # fmt: skip
    lines = notes(header, [piece(4, 1, 2), piece(5, 2, 2)])
    assert lines[0].startswith("Les pièces n° 4 et 5 sont des séries homogènes")
    assert lines[1] == (
        "La pièce « Captures d'écran, mars 2025 » dépasse la taille admise par fichier (32 Mo) ; "
        "elle est scindée en 2 pièces consécutives (n° 4 et 5)."
    )
