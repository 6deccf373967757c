"""Identity never leaves a workspace: not through a probe's site, a host name, a rule, a
document dated on the birth date, a workbook cell or a chart's caption, whatever the case,
accents, spacing or date format."""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.hostile.corpus import MINIMAL_PDF, png
from toolkit.applicants import add_applicant
from toolkit.errors import IntegrityError
from toolkit.export.bundle import export_bundle
from toolkit.export.identity_guard import identity_guard
from toolkit.export.pseudonym import public_words
from toolkit.export.xlsx import export_xlsx
from toolkit.ingest.crawl import ingest_crawl
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.workspace import Workspace, init_workspace

IDENTITY = {
    "full_name": "Inès Fictive-Ndour",
    "birth_date": "1990-05-17",
    "email": "ines.fictive@example.org",
    "phone": "06 11 22 33 44",
    "agdref": "7512349876",
    "address": "12 rue des Lilas, 76000 Rouen",
}
#: What must never appear in an exported cell once squashed (lower-case, no accents, a-z0-9).
SQUASHED = ("inesfictive", "fictivendour", "ndour", "0611223344", "611223344", "7512349876",
            "19900517", "17051990", "12ruedeslilas")  # fmt: skip


def squash(text: str) -> str:
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c)
    )
    return re.sub(r"[^a-z0-9]+", "", bare)


@pytest.fixture
def leaky(tmp_path: Path) -> Any:
    """An applicant whose name reached a URL's host and a crawl's sites (as a robot run by a
    volunteer or a page saved from a phishing copy would put it)."""
    ws = init_workspace(tmp_path / "ws")
    add_applicant(ws, "conf-1", prefecture="76", procedure="renouvellement", **IDENTITY)
    shot = tmp_path / "Screenshot_20250310-100000.png"
    shot.write_bytes(png())
    ingest_screenshots(ws, [shot], "conf-1", ocr=False, outcome="no_slot")
    ws.sql("UPDATE attempts SET url = 'https://www.ines-fictive.gouv.fr/booking/create/12/2'")
    crawl = tmp_path / "crawl-ines-fictive.csv"
    crawl.write_text(
        "observed_at,prefecture,site,procedure,outcome,slots\n"
        "2025-03-10 08:00,76,Inès Fictive,renouvellement,no_slot,0\n"
        "2025-03-10 08:00,76,ines.fictive@example.org,renouvellement,no_slot,0\n"
        "2025-03-10 08:00,76,06 11 22 33 44,renouvellement,no_slot,0\n"
        "2025-03-10 08:00,76,Rouen — guichet étrangers,renouvellement,no_slot,0\n"
        "2025-03-10 09:00,76,https://www.ines-fictive.gouv.fr/rdv/1,renouvellement,no_slot,0\n",
        encoding="utf-8",
    )
    ingest_crawl(ws, [crawl])
    yield ws
    ws.close()


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Only the identity: for the guard's own tests."""
    ws = init_workspace(tmp_path_factory.mktemp("guard") / "ws")
    add_applicant(ws, "conf-1", prefecture="76", procedure="renouvellement", **IDENTITY)
    yield ws
    ws.close()


def cells(bundle: Path) -> list[tuple[str, str]]:
    out = []
    con = duckdb.connect()
    with zipfile.ZipFile(bundle) as z:
        for name in z.namelist():
            if name.endswith(".parquet"):
                local = bundle.parent / Path(name).name
                local.write_bytes(z.read(name))
                cur = con.execute(f"SELECT * FROM read_parquet('{local}')")
                cols = [d[0] for d in cur.description]
                out += [
                    (f"{name}.{c}", str(v))
                    for row in cur.fetchall()
                    for c, v in zip(cols, row, strict=True)
                    if v is not None
                ]
    return out


def test_sites_and_hosts_are_generalised(leaky: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "b.zip"
    export_bundle(leaky, out)
    found = cells(out)
    for where, value in found:
        for needle in SQUASHED:
            assert needle not in squash(value), (where, value)
    sites = sorted(v for w, v in found if w.endswith("probes.parquet.site"))
    assert sites[0] == "Rouen — guichet étrangers"  # places and services are kept
    assert [re.sub(r"#[0-9a-f]{8}", "#…", s) for s in sites[1:]] == sorted(
        [
            "{s} {s} #…",
            "{s}.{s}@{s}.{s} #…",
            "{n} {n} {n} {n} {n} #…",
            "https://www.{s}.gouv.fr/rdv/{n} #…",
        ]
    )
    assert len(set(sites)) == 5  # five sites stay five: probe ids are computed from them
    assert "https://www.{s}.gouv.fr/booking/create/{n}/{n}" in {
        v for w, v in found if w.endswith(".url")
    }


@pytest.mark.parametrize(
    ("plant", "what", "where"),
    [
        ("UPDATE documents SET dated = DATE '1990-05-17'", "the birth date", "documents.dated"),
        ("UPDATE attempts SET rule = 'ezbooking.fictive-ndour'", "a part of a name", "attempts.rule"),
        ("UPDATE applicants SET permit_expiry = DATE '1990-05-17'", "the birth date",
         "applicants.permit_expiry"),
    ],
)  # fmt: skip
def test_what_no_generaliser_changes_is_caught(
    leaky: Workspace, tmp_path: Path, plant: str, what: str, where: str
) -> None:
    pdf = tmp_path / "piece.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    ingest_documents(leaky, [pdf], "conf-1", kind="other", dated="2024-01-01")
    leaky.sql(plant)
    out = tmp_path / "b.zip"
    with pytest.raises(IntegrityError) as err:
        export_bundle(leaky, out)
    assert str(err.value).startswith(f"an identity value ({what}) reached {where} of the bundle")
    assert not out.exists()


@pytest.mark.parametrize(
    "text",
    ["INES FICTIVE-NDOUR", "fictive_ndour", "Ndour", "Fictive-Ndour Inès", "ines.fictive",
     "mail: Ines.Fictive@Example.org", "+33 6 11 22 33 44", "0033611223344", "06.11.22.33.44",
     "17/05/1990", "1990-05-17", "17 mai 1990", "19900517", "AGDREF 75 1234 9876",
     "12, Rue des Lilas"],
)  # fmt: skip
def test_variants_are_found(guarded: Workspace, text: str) -> None:
    guard = identity_guard(guarded.con, public_words())
    with pytest.raises(IntegrityError, match="an identity value"):
        guard.check_values(guarded.con, {"the cell": [text]}, "a test")


@pytest.mark.parametrize(
    "text",
    ["Rouen", "seine-maritime", "no_slot", "renouvellement", "2025-03-10 09:00:00",
     "https://www.seine-maritime.gouv.fr/booking/create/{n}/{n}", "Fictional", 1990, 0.17],
)  # fmt: skip
def test_what_is_not_identity_passes(guarded: Workspace, text: object) -> None:
    guard = identity_guard(guarded.con, public_words())
    guard.check_values(guarded.con, {"the cell": [text]}, "a test")


def test_a_workbook_cell_is_checked(leaky: Workspace, tmp_path: Path) -> None:
    leaky.sql("UPDATE probe_rows SET procedure = 'Inès Fictive' WHERE site LIKE 'Rouen%'")
    out = tmp_path / "w.xlsx"
    with pytest.raises(
        IntegrityError, match=r"\(an e-mail address\) reached sheet « Procédures » of the workbook"
    ):
        export_xlsx(leaky, out)
    assert not out.exists()


def _chart_text(ws: Workspace, out: Path) -> str:
    import pdfplumber

    from toolkit.charts.prefecture import prefecture_chart

    with pdfplumber.open(prefecture_chart(ws, "76", out)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_press_chart_names_only_a_described_source(leaky: Workspace, tmp_path: Path) -> None:
    text = _chart_text(leaky, tmp_path / "c.pdf")
    assert "Source : source non décrite — 5 sondages" in text
    assert "fictive" not in text.lower() and "crawl-" not in text
    second = tmp_path / "second.csv"
    second.write_text("observed_at,prefecture,site,outcome\n2025-03-11 08:00,76,r,no_slot\n")
    ingest_crawl(leaky, [second], source="Inès Fictive", procedure="renouvellement")
    with pytest.raises(
        IntegrityError, match=r"\(an e-mail address\) reached the caption's sources of the chart"
    ):
        _chart_text(leaky, tmp_path / "d.pdf")
