"""The robot pièce: only on request, only with its author named, facts only; the 13:02 /
14:00 / 14:02 case never reaches the applicant's pièces by default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from case_law import build_publication_case
from exhibit_data import pdf_text

from toolkit.documents import build_exhibits
from toolkit.documents.robot import probe_cell
from toolkit.errors import InputError, NotFound
from toolkit.sources import crawl_sources, describe_source
from toolkit.workspace import Workspace


def result_rows(ws: Workspace, who: str) -> list[dict]:
    from toolkit.documents.robot import robot_evidence

    return robot_evidence(ws, who, 60).rows


def attempt_ids(ws: Workspace) -> set[str]:
    return {
        r[0]
        for r in ws.sql(
            "SELECT id FROM attempts WHERE original_name = 'Screenshot_20250227-130500.png'"
        ).fetchall()
    }


ROBOT_WORDS = ("relevé automatique", "relevés automatiques", "robot", "14:02", "indépendamment")


pytestmark = pytest.mark.xdist_group("robot")


@pytest.fixture(scope="module")
def case_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed workspace: the publication case, its probes ingested as a named crawl."""
    from toolkit.workspace import init_workspace

    tmp = tmp_path_factory.mktemp("robot")
    with init_workspace(tmp / "ws") as ws:
        _build(ws, tmp)
    return tmp / "ws"


@pytest.fixture
def case(case_root: Path) -> Iterator[tuple[Workspace, str]]:
    from toolkit.workspace import open_workspace

    with open_workspace(case_root) as ws:
        yield ws, "pub-76"


def _build(ws: Workspace, tmp_path: Path) -> str:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from toolkit.ingest.crawl import ingest_crawl

    who = build_publication_case(ws, tmp_path)
    ws.sql("DELETE FROM probe_rows")  # the same probes, read from a robot's export this time
    paris = ZoneInfo("Europe/Paris")
    csv = tmp_path / "observatoire.csv"
    form = "https://www.seine-maritime.gouv.fr/booking/create/28617/1"
    lines = ["observed_at,prefecture,procedure,url,outcome,slots,first_slot"]
    for at, outcome, slots, first in (("13:02:00", "no_slot", 0, ""),
                                      ("14:02:00", "slots_available", 16, "2025-04-03")):  # fmt: skip
        when = datetime.fromisoformat(f"2025-02-27T{at}").replace(tzinfo=paris).isoformat()
        lines.append(f"{when},76,renouvellement,{form},{outcome},{slots},{first}")
    csv.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = ingest_crawl(ws, [csv], source="observatoire-76")
    assert report.rows == 2, report.problems
    return who


def test_default_pieces_hold_no_robot_data(case: tuple[Workspace, str], tmp_path: Path) -> None:
    ws, who = case
    result = build_exhibits(ws, who, tmp_path / "plain")
    assert "robot" not in {p.section for p in result.pieces}
    for piece in result.pieces:
        text = "\n".join(pdf_text(result.out / piece.filename))
        for word in ROBOT_WORDS:
            assert word not in text, (piece.filename, word)


def test_robot_piece_needs_its_author_then_states_the_probes(
    case: tuple[Workspace, str], tmp_path: Path
) -> None:
    ws, who = case
    with pytest.raises(InputError) as e:
        build_exhibits(ws, who, tmp_path / "r", with_robot_evidence=True)
    assert str(e.value).startswith(
        "robot probes of observatoire-76 have no author on record: run `guichets source "
        "describe observatoire-76 --operator WHO --method HOW --frequency HOW_OFTEN` first"
    )
    assert not (tmp_path / "r").exists()
    with pytest.raises(NotFound, match=r"no crawl named 'cimade' \(known: observatoire-76\)"):
        describe_source(ws, "cimade", operator="X")
    describe_source(ws, "observatoire-76", operator="Collectif Guichets 76 (fictif)",
                    method="lecture du message affiché par la page de réservation",
                    frequency="une fois par heure")  # fmt: skip
    assert crawl_sources(ws)[0]["described"] is True
    result = build_exhibits(ws, who, tmp_path / "r", with_robot_evidence=True)
    [robot] = [p for p in result.pieces if p.section == "robot"]
    assert robot.operators == ["Collectif Guichets 76 (fictif)"]
    assert robot.label.startswith(
        "Relevés automatiques du service de prise de rendez-vous les plus proches de chaque "
        "tentative, et attestation de leur auteur (opérateur : Collectif Guichets 76 (fictif) ; "
    )
    pages = pdf_text(result.out / robot.filename)
    text = "\n".join(pages).replace("\n", " ")
    assert (
        "Opérateur : Collectif Guichets 76 (fictif). Méthode : lecture du message affiché" in text
    )
    assert "27/02/2025 13:05:00 UTC+01:00 —" in text and "Screenshot_20250227-130500" in text
    assert "(s)" not in text and " relevés de cette démarche" in text and "Fichier : " in text
    assert "(3 min avant)" in text and "(57 min après)" in text
    assert "27/02/2025 14:00" in text  # the publication announced in between
    [row] = [r for r in result_rows(ws, who) if r["attempt_id"] in attempt_ids(ws)]
    assert probe_cell(row, "before") == "27/02/2025 13:02:00 (3 min avant) : aucun créneau"
    assert probe_cell(row, "after") == (
        "27/02/2025 14:02:00 (57 min après) : créneaux disponibles (16), premier le 03/04/2025"
    )
    assert "Attestation de l'auteur des relevés" in pages[-1]
    # the typed name follows a colon: no « de Association … », « de La Cimade », « de Awa »
    assert (
        "au sein de l'organisation suivante : Collectif Guichets 76 (fictif), atteste que les "
        "relevés « observatoire-76 »"
    ) in text
    assert "exploité par cette organisation, selon la méthode suivante" in text
    assert "sans intervention de la personne dont les tentatives sont présentées (Awa " in text
    assert "article 441-7 du code pénal [à vérifier : référence non vérifiée]" in text
    for word in ("confirm", "contredit", "corrobor"):
        assert word not in text.lower()
    manifest = json.loads((result.out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["options"]["with_robot_evidence"] is True
    assert [p["operators"] for p in manifest["pieces"] if p["section"] == "robot"] == [
        ["Collectif Guichets 76 (fictif)"]
    ]


def test_cli_source_describe_and_exhibits(cli, tmp_path: Path) -> None:
    from toolkit.workspace import open_workspace

    with open_workspace(cli.workspace) as ws:
        build_publication_case(ws, tmp_path)
        from toolkit.ingest.crawl import ingest_crawl

        r = ws.con.execute("SELECT count(*) FROM probe_rows").fetchone()
        assert r == (2,)
        with pytest.raises(InputError, match="were not recorded by `guichets ingest crawl`"):
            build_exhibits(ws, "pub-76", tmp_path / "anonymous", with_robot_evidence=True)
        ws.sql("DELETE FROM probe_rows")

        csv = tmp_path / "robot.csv"
        csv.write_text(
            "observed_at,prefecture,procedure,outcome,slots\n"
            "2025-02-27T13:02:00+01:00,76,renouvellement,no_slot,0\n",
            encoding="utf-8",
        )
        ingest_crawl(ws, [csv])
    listed = cli.json("source", "list")
    assert [r["name"] for r in listed] == ["robot.csv"] and listed[0]["described"] is False
    r = cli("exhibits", "pub-76", "--out", str(tmp_path / "x"), "--with-robot-evidence")
    assert r.exit_code == 1 and "guichets source describe robot.csv" in r.stderr
    r = cli("source", "describe", "robot.csv", "--operator", "Association fictive",
            "--frequency", "horaire")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "Robot robot.csv: run by Association fictive" in r.stderr
    assert cli.json("source", "list")[0]["described"] is True
    r = cli("source", "describe", "robot.csv", "--operator", " ")
    assert r.exit_code == 1 and "--operator is empty" in r.stderr
