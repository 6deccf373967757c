"""The associations' pages: a crawl in, the préfecture table, map, chart, workbook, bundle."""

from __future__ import annotations

import html
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


def _small_export() -> bytes:
    lines = CRAWL.read_bytes().splitlines(keepends=True)[:21]
    return b"".join(lines) + b"hier,76,observatoire-robot,renouvellement,,no_slot,0,,,200\n"


def test_a_crawl_is_read_before_it_is_recorded(client: TestClient, webws) -> None:  # type: ignore[no-untyped-def]
    sent = upload(client, "/associations/releves", [("export du robot.csv", _small_export())],
                  preview="1", source="Robot de test")  # fmt: skip
    job = wait_job(client, sent)
    assert job["status"] == "done", job
    assert job["message"] == (
        "Aperçu prêt : 1 fichier(s), 21 ligne(s) lue(s). Rien n'a encore été enregistré."
    )
    url = job["links"][0]["url"]
    assert url.startswith("/associations/apercu/")
    assert "Aucun relevé pour l'instant" in html.unescape(client.get("/associations").text)
    page = html.unescape(client.get(url).text)
    assert "export du robot.csv" in page and "/uploads/" not in page
    assert "Rien n'a encore été enregistré" in page and "Colonnes reconnues" in page
    assert "Ligne d'en-tête</dt><dd>oui" in page and "<code>observed_at</code>" in page
    assert "ligne 22, colonne <code>observed_at</code>" in page  # the bad line, named
    assert "Enregistrer ces relevés" in page and "Options données : robot Robot de test." in page
    recorded = wait_job(client, client.post(url, data={"csrf": csrf(client), "action": "record"}))
    assert recorded["message"] == "Relevés de robots : 20 relevé(s) enregistré(s), 1 refusé(s)."
    assert recorded["problems"] == [
        "export du robot.csv:22 [observed_at]: unparseable date/time 'hier' (give its format in "
        "[formats])"
    ]
    assert "Préfecture de la Seine-Maritime (76)" in client.get("/associations").text
    assert client.get(url).status_code == 404  # the staged files went with the task
    assert not any((webws / "out" / "web" / "uploads").iterdir())


def test_an_abandoned_preview_records_nothing_and_keeps_nothing(client: TestClient, webws) -> None:  # type: ignore[no-untyped-def]
    job = wait_job(client, upload(client, "/associations/releves",
                                  [("export.csv", _small_export())], preview="1"))  # fmt: skip
    url = job["links"][0]["url"]
    r = client.post(url, data={"csrf": csrf(client), "action": "abandon"}, follow_redirects=True)
    assert "Aperçu abandonné" in html.unescape(r.text)
    assert "Aucun relevé pour l'instant" in html.unescape(r.text)
    assert client.get(url).status_code == 404
    assert client.get("/associations/apercu/../../etc").status_code == 404
