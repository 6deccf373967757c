"""The associations' pages: a crawl in, the préfecture table, map, chart, workbook, bundle."""

from __future__ import annotations

import io
import zipfile

from starlette.testclient import TestClient

from tests.web.conftest import SAMPLE, csrf, upload, wait_job

CRAWL = SAMPLE / "crawl" / "robot-canonical.csv"


def test_a_crawl_upload_shows_its_prefectures(client: TestClient) -> None:
    assert "Aucun relevé pour l'instant" in client.get("/associations").text.replace("&#39;", "'")
    job = wait_job(client, upload(client, "/associations/releves", [(CRAWL.name, CRAWL.read_bytes())],
                                  source="Robot de test"))  # fmt: skip
    assert job["status"] == "done", job
    assert job["message"].startswith("Relevés de robots : ")
    page = client.get("/associations").text
    assert "Préfecture de la Seine-Maritime (76)" in page
    assert 'src="/associations/carte.png?v=' in page
    assert client.get("/associations/carte.png").headers["content-type"] == "image/png"
    detail = client.get("/associations/prefectures/76")
    assert detail.status_code == 200 and "Par mois" in detail.text
    chart = client.get("/associations/prefectures/76/graphique.png?demarche=renouvellement")
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")


def test_a_crawl_refused_names_the_users_file(client: TestClient) -> None:
    bad = b"observed_at,prefecture,procedure,outcome\nhier,76,renouvellement,no_slot\n"
    job = wait_job(client, upload(client, "/associations/releves", [("export robot.csv", bad)]))
    assert job["status"] == "failed"
    text = " ".join(job["problems"]) + job["error"]
    assert "export robot.csv" in text and "/uploads/" not in text


def test_workbook_and_bundle_downloads(client: TestClient) -> None:
    wait_job(client, upload(client, "/associations/releves", [(CRAWL.name, CRAWL.read_bytes())]))
    xlsx = wait_job(client, client.post("/associations/classeur", data={"csrf": csrf(client)}))
    assert xlsx["status"] == "done", xlsx
    got = client.get(xlsx["links"][0]["url"])
    assert got.headers["content-type"].endswith("spreadsheetml.sheet")
    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(got.content)).sheetnames
    bundle = wait_job(client, client.post("/associations/lot", data={"csrf": csrf(client)}))
    assert bundle["status"] == "done", bundle
    with zipfile.ZipFile(io.BytesIO(client.get(bundle["links"][0]["url"]).content)) as z:
        assert "manifest.json" in z.namelist()
    page = client.get("/associations").text
    assert "Classeur Excel des indicateurs" in page and "Lot pseudonymisé (zip)" in page
