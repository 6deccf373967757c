"""Pages driven by the test client: each shows what one library call returns."""

from __future__ import annotations

import html
import io
import zipfile
from datetime import UTC, datetime
from pathlib import Path

from starlette.testclient import TestClient

from tests.web.conftest import SAMPLE, SHOTS, THREE, csrf, upload, wait_job
from toolkit.custody import entries as custody_entries
from toolkit.workspace import open_workspace

DATELESS = Path(__file__).resolve().parents[1] / "fixtures" / "screenshots" / "dateless"


def _three(client: TestClient) -> dict:
    files = [(name, (SHOTS / name).read_bytes()) for name in THREE]
    return wait_job(client, upload(client, "/dossiers/w-76/preuves", files))


def test_create_a_dossier_with_identity_kept_apart(client: TestClient, webws: Path) -> None:
    form = client.get("/dossiers/nouveau").text
    assert '<label for="id">' in form and 'name="csrf"' in form
    r = client.post(
        "/dossiers",
        data={"csrf": csrf(client), "id": "2025-017", "prefecture": "76",
              "procedure": "renouvellement", "permit_expiry": "2025-04-15",
              "full_name": "Nadia Exemple", "email": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303 and r.headers["location"] == "/dossiers/2025-017?cree=1"
    page = client.get(r.headers["location"]).text
    assert "Dossier créé" in page and "Tribunal administratif de Rouen" in page
    assert "15 avril 2025" in page and "Nadia Exemple" in page
    with open_workspace(webws, read_only=True) as ws:
        assert ws.scalar("SELECT full_name FROM identities WHERE applicant_id = '2025-017'") == (
            "Nadia Exemple"
        )
        assert custody_entries(ws.con, applicant="2025-017")[0]["action"] == "applicant.add"


def test_a_refused_dossier_keeps_what_was_typed_and_says_why(client: TestClient) -> None:
    r = client.post(
        "/dossiers",
        data={"csrf": csrf(client), "id": "Nadia Exemple", "prefecture": "76",
              "procedure": "renouvellement", "full_name": "Nadia"},
    )  # fmt: skip
    assert r.status_code == 400
    assert "Le dossier n'a pas été créé" in html.unescape(r.text) and "applicant id" in r.text
    assert 'value="Nadia Exemple"' in r.text
    assert "Nadia Exemple" not in client.get("/").text


def test_three_screenshots_become_attempts_with_thumbnails(client: TestClient, webws: Path) -> None:
    job = _three(client)
    assert job["status"] == "done", job
    assert job["message"].startswith(
        "Captures d'écran : 3 tentative(s) ou contact(s) enregistré(s)"
    )
    page = client.get("/dossiers/w-76").text
    assert "3 tentative(s) et contact(s)" in page
    assert "24/02/2025 07:15:12" in page and "nom du fichier" in page
    with open_workspace(webws, read_only=True) as ws:
        rows = ws.rows("SELECT file_sha256, original_name FROM attempts ORDER BY observed_at")
    assert [r["original_name"] for r in rows] == list(THREE)
    sha = rows[0]["file_sha256"]
    assert f'src="/miniatures/{sha}.jpg"' in page
    thumb = client.get(f"/miniatures/{sha}.jpg")
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    made = webws / "out" / "thumbnails" / sha[:2] / f"{sha}-320.jpg"
    assert made.is_file() and not (webws / "vault" / "thumbnails").exists()
    stamp = made.stat().st_mtime_ns
    client.get(f"/miniatures/{sha}.jpg")
    assert made.stat().st_mtime_ns == stamp  # made once
    original = client.get(f"/originaux/{sha}")
    assert original.content == (SHOTS / THREE[0]).read_bytes()
    assert original.headers["content-disposition"].startswith("attachment;")
    assert original.headers["content-type"] == "application/octet-stream"
    again = _three(client)  # the same files again: recorded once
    assert "3 déjà présent(s)" in again["message"]


def test_an_upload_keeps_the_files_dates_from_the_browser_never_the_upload_time(
    client: TestClient, webws: Path
) -> None:
    data = (DATELESS / "IMG_0001.PNG").read_bytes()
    undated = wait_job(client, upload(client, "/dossiers/w-76/preuves", [("IMG_0001.PNG", data)]))
    assert undated["status"] == "failed"
    assert undated["problems"] == ["IMG_0001.PNG: no time found; add it to the --log file"]
    when = datetime(2025, 3, 5, 9, 41, tzinfo=UTC)
    dated = wait_job(
        client,
        upload(client, "/dossiers/w-76/preuves", [("IMG_0001.PNG", data)],
               last_modified=f"[{int(when.timestamp() * 1000)}]"),
    )  # fmt: skip
    assert dated["status"] == "done", dated
    assert any("time taken from the file date (weak)" in n for n in dated["notes"])
    with open_workspace(webws, read_only=True) as ws:
        row = ws.rows("SELECT observed_at, time_source FROM attempts")[0]
    assert row["time_source"] == "mtime" and row["observed_at"] == when


def test_a_log_and_pages_in_one_upload_are_routed_by_content(client: TestClient) -> None:
    names = ["Screenshot_20250224-071512.png", "rdv prefecture.png"]
    files = [(n, (SHOTS / n).read_bytes()) for n in names]
    files.append(("journal-captures.csv", (SHOTS / "journal-captures.csv").read_bytes()))
    page = SAMPLE / "captures" / "ezbooking-2025-03-20_18-42-05.html"
    files.append((page.name, page.read_bytes()))
    job = wait_job(client, upload(client, "/dossiers/w-76/preuves", files))
    assert job["message"].startswith("Captures d'écran : 2 tentative(s)")
    assert "Pages, HAR, PDF et courriels : 1 tentative(s)" in job["message"]
    text = client.get("/dossiers/w-76").text
    assert "journal de captures" in text  # the log dated the screenshot it names


def test_a_contact_and_a_document(client: TestClient) -> None:
    r = client.post(
        "/dossiers/w-76/contacts",
        data={"csrf": csrf(client), "channel": "phone", "at": "2025-03-18T09:40",
              "direction": "sent", "note": "CCC 0806 001 620"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    page = client.get("/dossiers/w-76").text
    assert "18/03/2025 09:40</td>" in page and "CCC 0806 001 620" in page  # at the minute typed
    pdf = SAMPLE / "documents" / "attestation-ccc.pdf"
    job = wait_job(
        client,
        upload(client, "/dossiers/w-76/documents", [(pdf.name, pdf.read_bytes())],
               kind="ccc_attestation", title="Attestation du CCC"),
    )  # fmt: skip
    assert job["message"] == "Documents : 1 document(s) enregistré(s)."
    page = client.get("/dossiers/w-76").text
    assert "Attestation du CCC" in page and "attestation du Centre de contact citoyen" in page


def test_exhibits_download_as_a_zip_whose_manifest_verifies(
    client: TestClient, tmp_path: Path
) -> None:
    from toolkit.verify import verify_folder

    _three(client)
    first = client.post(
        "/dossiers/w-76/pieces", data={"csrf": csrf(client)}, follow_redirects=False
    )
    second = client.post(
        "/dossiers/w-76/pieces", data={"csrf": csrf(client)}, follow_redirects=False
    )
    assert first.headers["location"] == second.headers["location"]  # one job, not two
    job = wait_job(client, first)
    assert job["status"] == "done", job
    zip_url = next(link["url"] for link in job["links"] if link["url"].endswith(".zip"))
    got = client.get(zip_url)
    assert got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as z:
        z.extractall(tmp_path)
        names = z.namelist()
    assert "pieces-w-76/manifest.json" in names and "pieces-w-76/SHA256SUMS" in names
    assert verify_folder(tmp_path / "pieces-w-76").ok
    assert zip_url in client.get("/dossiers/w-76").text


def test_a_letter_as_word_and_pdf(client: TestClient) -> None:
    from toolkit.documents.letters import soffice

    _three(client)
    refused = wait_job(
        client, client.post("/dossiers/w-76/courriers", data={"csrf": csrf(client), "kind": "ddd"})
    )
    assert refused["status"] == "failed"  # three attempts: the file is insufficient
    assert refused["error"].startswith("Courrier refusé — letter ddd for w-76 refused")
    assert "cochez « brouillon »" in refused["message"]
    page = html.unescape(client.get(f"/taches/{refused['id']}").text)
    assert "Échec.</strong> Le dossier ne permet pas encore ce courrier" in page
    job = wait_job(
        client,
        client.post("/dossiers/w-76/courriers",
                    data={"csrf": csrf(client), "kind": "ddd", "draft": "1"}),
    )  # fmt: skip
    assert job["status"] == "done", job
    assert "brouillon" in job["message"]
    urls = [link["url"] for link in job["links"] if link["url"].startswith("/telechargements/")]
    docx = client.get(urls[0])
    assert docx.headers["content-type"].endswith("wordprocessingml.document")
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "Défenseur des droits" in text
    assert "À vérifier" in text
    if soffice():
        assert client.get(urls[1]).content.startswith(b"%PDF")
    note = client.get(urls[-1])
    assert "Note pour l" in "\n".join(p.text for p in Document(io.BytesIO(note.content)).paragraphs)


def test_downloads_stay_inside_the_apps_own_folder(client: TestClient) -> None:
    for path in ("/telechargements/../guichets.duckdb", "/telechargements/jobs/x.json",
                 "/telechargements/%2e%2e/guichets.duckdb", "/telechargements/uploads/a",
                 "/originaux/../../guichets.duckdb", "/miniatures/nothex.jpg"):  # fmt: skip
        r = client.get(path)
        assert r.status_code == 404, path
        assert "SQLite" not in r.text and "DUCK" not in r.text


def test_custody_pages_and_unknown_things(client: TestClient) -> None:
    _three(client)
    log = client.get("/dossiers/w-76/tracabilite").text
    assert "ingest.screenshots" in log and "applicant.add" in log
    assert "Preuves ajoutées" in log and "Dossier créé" in html.unescape(log)
    assert "ingest.screenshots" in client.get("/tracabilite").text
    missing = client.get("/dossiers/nobody")
    assert missing.status_code == 404 and "Introuvable" in missing.text
    assert client.get("/nulle-part").status_code == 404
    assert client.get("/taches/0000").status_code == 404
