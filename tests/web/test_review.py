"""The review queue: a conflict listed in French, a person's decision recorded with its trail."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.testclient import TestClient

from tests.web.conftest import SHOTS, csrf, upload, wait_job
from toolkit.custody import entries as custody_entries
from toolkit.workspace import open_workspace

JOURNAL = (
    "fichier;date;heure;résultat\n"
    "Screenshot_20250224-071512.png;24/02/2025;07:45;pas de créneau\n"  # 30 min off the name
)


def _conflict(client: TestClient) -> str:
    files = [("Screenshot_20250224-071512.png", (SHOTS / "Screenshot_20250224-071512.png").read_bytes()),
             ("journal.csv", JOURNAL.encode())]  # fmt: skip
    job = wait_job(client, upload(client, "/dossiers/w-76/preuves", files))
    assert job["status"] == "done", job
    page = html.unescape(client.get("/dossiers/w-76").text)
    assert "1 tentative(s) à vérifier" in page
    return page


def test_a_time_conflict_is_listed_and_a_persons_reading_settles_it(
    client: TestClient, webws: Path
) -> None:
    _conflict(client)
    queue = html.unescape(client.get("/dossiers/w-76/verification").text)
    assert "heures de sources différentes en désaccord" in queue
    assert "24/02/2025 07:15:12 (nom du fichier)" in queue and "24/02/2025 07:45 (journal" in queue
    with open_workspace(webws, read_only=True) as ws:
        attempt = ws.scalar("SELECT id FROM attempts")
    bad = client.post(f"/dossiers/w-76/verification/{attempt}",
                      data={"csrf": csrf(client), "time": "hier matin"})  # fmt: skip
    assert bad.status_code == 400 and "Vérification refusée" in html.unescape(bad.text)
    r = client.post(
        f"/dossiers/w-76/verification/{attempt}",
        data={"csrf": csrf(client), "time": "2025-02-24 07:15",
              "note": "horloge du téléphone visible sur la capture"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    done = html.unescape(client.get(r.headers["location"]).text)
    assert "Vérification enregistrée" in done and "Rien à vérifier" in done
    with open_workspace(webws, read_only=True) as ws:
        row = ws.rows("SELECT time_source, time_precision, flags FROM attempts")[0]
        trail = custody_entries(ws.con, applicant="w-76")[0]
    assert (row["time_source"], row["time_precision"], row["flags"]) == ("reviewed", "minute", [])
    assert trail["action"] == "review"
    assert trail["detail"]["note"] == "horloge du téléphone visible sur la capture"
    page = html.unescape(client.get("/dossiers/w-76").text)
    assert "à vérifier" not in page.split('<h2 id="etat">')[0]
    assert "24/02/2025 07:15</td>" in page  # at the precision a person read


def test_an_outcome_decision_says_verified(client: TestClient, webws: Path) -> None:
    _conflict(client)
    with open_workspace(webws, read_only=True) as ws:
        attempt = ws.scalar("SELECT id FROM attempts")
    client.post(f"/dossiers/w-76/verification/{attempt}",
                data={"csrf": csrf(client), "outcome": "no_slot", "time": "2025-02-24 07:15"})  # fmt: skip
    page = html.unescape(client.get("/dossiers/w-76").text)
    assert "vérifié visuellement" in page
