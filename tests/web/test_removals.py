"""A wrong row taken out of a dossier through the web: the page names it, asks why, and the
removal is the library's (custody keeps the row and the reason; the original stays)."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.testclient import TestClient

from tests.web.conftest import SHOTS, THREE, csrf, make_client


def _seed(root: Path, tmp_path: Path) -> tuple[str, str, str]:
    """One screenshot and one document in ``w-76``: (attempt id, document id, its sha256)."""
    from tests.hostile.corpus import MINIMAL_PDF
    from toolkit.attempts import attempt_records, document_records
    from toolkit.ingest.documents import ingest_documents
    from toolkit.ingest.screenshots import ingest_screenshots
    from toolkit.workspace import open_workspace

    pdf = tmp_path / "titre-de-sejour.pdf"
    pdf.write_bytes(MINIMAL_PDF)
    with open_workspace(root) as ws:
        ingest_screenshots(ws, [SHOTS / THREE[0]], "w-76", ocr=False)
        ingest_documents(ws, [pdf], "w-76", kind="permit", dated="2024-03-16")
        [attempt] = attempt_records(ws, "w-76")
        [doc] = document_records(ws, "w-76")
    return attempt["id"], doc["id"], doc["sha256"]


def test_a_wrong_screenshot_and_document_leave_the_dossier_with_a_reason(
    webws: Path, tmp_path: Path
) -> None:
    from toolkit.attempts import attempt_records, document_records
    from toolkit.custody import entries
    from toolkit.workspace import open_workspace

    attempt, doc, doc_sha = _seed(webws, tmp_path)
    with make_client(webws) as client:
        page = html.unescape(client.get("/dossiers/w-76").text)
        assert f'href="/dossiers/w-76/retirer/tentative/{attempt}"' in page
        assert f'href="/dossiers/w-76/retirer/document/{doc}"' in page
        url = f"/dossiers/w-76/retirer/tentative/{attempt}"
        confirm = html.unescape(client.get(url).text)
        assert "Retirer la tentative ou le contact du dossier w-76" in confirm
        assert "24/02/2025" in confirm and THREE[0] in confirm  # the row is named
        assert 'name="reason" required' in confirm

        empty = client.post(url, data={"csrf": csrf(client), "reason": "  "})
        assert empty.status_code == 400
        text = html.unescape(empty.text)
        assert "Rien n'a été retiré" in text and "give the reason for the removal" in text
        with open_workspace(webws, read_only=True) as ws:
            assert len(attempt_records(ws, "w-76")) == 1  # nothing half-done

        r = client.post(
            url,
            data={"csrf": csrf(client), "reason": "capture d'une autre personne",
                  "reviewer": "Maître Exemple"},
            follow_redirects=False,
        )  # fmt: skip
        assert r.status_code == 303
        assert r.headers["location"] == "/dossiers/w-76?retire=tentative#tentatives"
        page = html.unescape(client.get(r.headers["location"]).text)
        assert "Ligne retirée du dossier" in page and "Aucune tentative" in page

        r = client.post(f"/dossiers/w-76/retirer/document/{doc}", follow_redirects=True,
                        data={"csrf": csrf(client), "reason": "mauvais dossier"})  # fmt: skip
        assert "Document retiré du dossier" in html.unescape(r.text)
        assert client.get(f"/dossiers/w-76/retirer/document/{doc}").status_code == 404
        assert client.get(f"/originaux/{doc_sha}").status_code == 200  # the original stays
        log = html.unescape(client.get("/dossiers/w-76/tracabilite").text)
        assert "capture d'une autre personne" in log and "mauvais dossier" in log
    with open_workspace(webws, read_only=True) as ws:
        assert attempt_records(ws, "w-76") == [] and document_records(ws, "w-76") == []
        done = {e["action"]: e for e in entries(ws.con, applicant="w-76")}
    assert done["attempt.remove"]["detail"]["reviewer"] == "Maître Exemple"
    assert done["attempt.remove"]["detail"]["reason"] == "capture d'une autre personne"
    assert done["document.remove"]["detail"]["row"]["kind"] == "permit"


def test_an_unknown_row_or_kind_is_not_found(client: TestClient) -> None:
    assert client.get("/dossiers/w-76/retirer/tentative/abcdef123456").status_code == 404
    r = client.get("/dossiers/w-76/retirer/probe/abcdef123456")
    assert r.status_code == 404 and "Introuvable" in html.unescape(r.text)
