"""The préfecture chart: three panels in one file, French labels, the same bytes each time."""

from __future__ import annotations

from pathlib import Path

import pytest

from toolkit.charts.prefecture import prefecture_chart
from toolkit.charts.style import save_figure
from toolkit.errors import InputError
from toolkit.ingest.crawl import ingest_crawl
from toolkit.workspace import Workspace

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "crawl" / "indicators-small.csv"


@pytest.fixture
def crawled(ws: Workspace) -> Workspace:
    assert ingest_crawl(ws, [SMALL], source="observatoire-test").rows == 15
    return ws


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_same_bytes_every_time(crawled: Workspace, tmp_path: Path, suffix: str) -> None:
    a = prefecture_chart(crawled, "76", tmp_path / f"a.{suffix}")
    b = prefecture_chart(crawled, "76", tmp_path / f"b.{suffix}")
    assert a.read_bytes() == b.read_bytes()
    assert a.stat().st_size > 10_000


def test_french_labels_source_and_period(crawled: Workspace, tmp_path: Path) -> None:
    text = pdf_text(prefecture_chart(crawled, "76", tmp_path / "c.pdf"))
    for label in (
        "Saturation des rendez-vous — Préfecture de la Seine-Maritime (76)",
        "toutes démarches",
        "Part des sondages sans créneau, par jour",
        "Quand des créneaux apparaissent-ils",
        "lun.",
        "Délai jusqu'au premier créneau proposé",
        "Médiane",
        "Source : observatoire-test — 14 sondages du 10 au 12 mars 2025.",
    ):
        assert label in text, label


def test_one_procedure_and_no_dates(crawled: Workspace, tmp_path: Path) -> None:
    text = pdf_text(
        prefecture_chart(
            crawled, "Seine-Maritime", tmp_path / "p.pdf", procedure="premiere-demande"
        )
    )
    assert "première demande de titre de séjour" in text
    assert "Aucune date de créneau relevée sur la période" in text
    assert "2 sondages le 12 mars 2025" in text


def test_listed_in_generated(crawled: Workspace, tmp_path: Path) -> None:
    from toolkit.vault import sha256_file

    path = prefecture_chart(crawled, "76", tmp_path / "g.svg", since="2025-03-11")
    row = crawled.sql("SELECT kind, sha256 FROM generated WHERE path = ?", [str(path)]).fetchone()
    assert row == ("chart.prefecture", sha256_file(path))


def test_errors(crawled: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"name the chart \.png, \.svg or \.pdf"):
        prefecture_chart(crawled, "76", tmp_path / "c.jpg")
    with pytest.raises(InputError, match=r"no robot probe for 13 \(Bouches-du-Rhône\)"):
        prefecture_chart(crawled, "13", tmp_path / "c.png")


def test_save_figure_refuses_unknown_suffix(tmp_path: Path) -> None:
    from toolkit.charts.style import new_figure

    with pytest.raises(InputError, match=r"unknown chart format '\.gif'"):
        save_figure(new_figure(2, 2), tmp_path / "x.gif")


def test_cli_chart(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", "crawl", str(SMALL)).exit_code == 0
    out = tmp_path / "out" / "76.png"
    r = cli("chart", "prefecture", "76", "--out", str(out), "--since", "2025-03-10")
    assert r.exit_code == 0, r.output
    assert f"Chart written: {out}" in r.stderr and out.exists()
    r = cli("chart", "prefecture", "76", "--out", str(tmp_path / "x.gif"))
    assert r.exit_code == 1
    assert "name the chart .png, .svg or .pdf" in r.stderr
    assert cli("chart", "prefecture", "76").exit_code == 2
