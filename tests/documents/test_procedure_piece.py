"""The « Chronologie de la procédure » pièce: added when events exist, read back, and
nothing in it that a lawyer would keep for the note."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest

from tests.timeline.anef_data import api_pdf
from toolkit.applicants import add_applicant
from toolkit.documents.exhibits import build_exhibits
from toolkit.documents.procedure import piece_view
from toolkit.ingest.documents import ingest_documents
from toolkit.timeline.events import add_event
from toolkit.timeline.gather import procedural_timeline
from toolkit.verify import verify_folder
from toolkit.workspace import Workspace

D = date.fromisoformat
TODAY = D("2025-06-25")


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


def anef_case(ws: Workspace, tmp_path: Path, filed: str = "2025-03-01") -> str:
    add_applicant(ws, "p-76", prefecture="76", procedure="renouvellement",
                  permit_expiry="2025-05-31", oqtf="none", full_name="Inès Fictive")  # fmt: skip
    add_event(ws, "p-76", kind="filed", on=filed, today=TODAY)
    add_event(ws, "p-76", kind="complete", on=filed, today=TODAY, note="aucune pièce demandée")
    api = tmp_path / "api.pdf"
    api.write_bytes(api_pdf("20/05/2025", "10/06/2025"))
    assert ingest_documents(ws, [api], "p-76", kind="api").ok
    return "p-76"


def test_the_piece_comes_first_reads_back_and_rebuilds_the_same(
    ws: Workspace, tmp_path: Path
) -> None:
    from toolkit.documents.evidence import gather
    from toolkit.documents.procedure import procedure_view

    who = anef_case(ws, tmp_path)
    built = build_exhibits(ws, who, tmp_path / "pieces", as_of=TODAY)
    names = [p.filename for p in built.pieces]
    assert names == [
        "01_Chronologie_de_la_procedure.pdf",
        "02_Attestation_prolongation_instruction_2025-05-20.pdf",
    ]
    assert built.warnings == []
    assert built.pieces[0].pages == 2
    text = pdf_text(tmp_path / "pieces" / names[0])
    for expected in (
        "Situation au 25 juin 2025",
        "Dépôt de la demande",
        "Attestation de prolongation",
        "valable jusqu'au 10 juin 2025",
        "lu sur le document",
        "déclaré par le",  # the table wraps « déclaré par le demandeur »
        "api.pdf",
        "pièce 2, p. 1",  # where the attestation is filed
        "aucune pièce demandée",
        "du 11 juin 2025 au 25 juin 2025 (15 jours)",
        "Naissance de la décision implicite de rejet",
        "01/07/2025",
        "Pièce n° 1 — page 2/2",
    ):
        assert expected in text, expected
    for absent in ("référé", "Référé", "recours", "lettre au préfet", "Délai de recours"):
        assert absent not in text, absent
    assert verify_folder(tmp_path / "pieces").ok
    again = build_exhibits(ws, who, tmp_path / "again", as_of=TODAY)
    assert [f["sha256"] for f in again.files] == [f["sha256"] for f in built.files]
    # without --as-of: the latest date in the store, never the clock
    view, _ = procedure_view(ws, gather(ws, who))
    assert view is not None and view["as_of"] == D("2025-05-20")


def test_what_helps_the_other_side_is_left_for_the_lawyer(ws: Workspace, tmp_path: Path) -> None:
    who = anef_case(ws, tmp_path, filed="2025-04-20")  # after the window closed on 1 April
    t = procedural_timeline(ws, who, today=TODAY)
    view, withheld = piece_view(t)
    assert view["facts"]["renewal_window"] is None
    assert view["facts"]["api"]["gaps"] == []
    assert "hors de cette fenêtre" in withheld[0]
    assert "n'est pas due de plein droit" in withheld[1]
    built = build_exhibits(ws, who, tmp_path / "pieces", as_of=TODAY)
    assert built.warnings[0].startswith("Chronologie de la procédure: la fenêtre de dépôt")
    text = pdf_text(tmp_path / "pieces" / built.pieces[0].filename)
    assert "Fenêtre de dépôt (fin)" not in text and "sans document" not in text


def test_recourse_deadline_passed_is_withheld_but_the_year_is_kept() -> None:
    from toolkit.timeline.compute import compute_timeline
    from toolkit.timeline.model import OqtfFact, TimelineEvent, TimelineInput
    from toolkit.timeline.rules import load_timeline_rules

    inp = TimelineInput(
        "x", "renouvellement", "anef", D("2025-10-01"), D("2025-05-31"),
        events=(TimelineEvent("filed", D("2025-02-10")), TimelineEvent("complete", D("2025-02-10"))),
        oqtf=OqtfFact("none"),
    )  # fmt: skip
    view, withheld = piece_view(compute_timeline(inp, load_timeline_rules()))
    assert view["facts"]["recourse"] is None
    assert "10 août 2025" in withheld[-1] and "dépassé" in withheld[-1]


def test_chart_command_and_png(cli, cli_applicant: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "procedure.png"
    r = cli("chart", "procedure", cli_applicant, "--out", str(out))
    assert r.exit_code == 1 and "no procedural event to chart" in r.output
    assert (
        cli("event", "add", cli_applicant, "--kind", "filed", "--on", "2025-01-20").exit_code == 0
    )
    r = cli("chart", "procedure", cli_applicant, "--out", str(out), "--today", "2025-05-01")
    assert r.exit_code == 0, r.output
    first = out.read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    cli("chart", "procedure", cli_applicant, "--out", str(out), "--today", "2025-05-01")
    assert out.read_bytes() == first


def test_nothing_about_the_case_is_written_outside_the_workspace(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash while the pièces are built leaves nothing in the system's temporary folder."""
    import tempfile

    made: list[Path] = []
    for name in ("mkdtemp", "mkstemp"):
        real = getattr(tempfile, name)

        def noted(*args: object, _real=real, **kwargs: object):  # type: ignore[no-untyped-def]
            found = _real(*args, **kwargs)
            made.append(Path(found if isinstance(found, str) else found[1]))
            return found

        monkeypatch.setattr(tempfile, name, noted)
    who = anef_case(ws, tmp_path)
    build_exhibits(ws, who, tmp_path / "pieces", as_of=TODAY)
    assert made  # staging happened, and where
    outside = [p for p in made if not p.is_relative_to(ws.root) and p.parent != tmp_path / "pieces"]
    assert outside == []
