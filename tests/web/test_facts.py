"""A dossier's facts after its creation: route, OQTF, identity, earlier demands."""

from __future__ import annotations

import html
from pathlib import Path

from starlette.testclient import TestClient

from tests.web.conftest import csrf
from toolkit.custody import entries as custody_entries
from toolkit.workspace import open_workspace


def test_create_with_route_and_oqtf_then_edit(client: TestClient, webws: Path) -> None:
    r = client.post(
        "/dossiers",
        data={"csrf": csrf(client), "id": "2025-020", "prefecture": "93",
              "procedure": "renouvellement", "route": "guichet", "oqtf": "none"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    page = html.unescape(client.get("/dossiers/2025-020").text)
    assert "dépôt au guichet de la préfecture, sur rendez-vous" in page
    assert "aucune obligation de quitter le territoire français" in page
    form = html.unescape(client.get("/dossiers/2025-020/modifier").text)
    assert '<option value="guichet" selected>' in form
    r = client.post(
        "/dossiers/2025-020/modifier",
        data={"csrf": csrf(client), "prefecture": "93", "procedure": "renouvellement",
              "route": "default", "oqtf": "notified", "oqtf_date": "2025-01-10",
              "full_name": "Awa Fictive", "reason": "OQTF découverte au guichet"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    page = html.unescape(client.get(r.headers["location"]).text)
    assert "Dossier modifié" in page and "10 janvier 2025" in page
    assert "(celle de la démarche)" in page and "Awa Fictive" in page
    with open_workspace(webws, read_only=True) as ws:
        trail = custody_entries(ws.con, applicant="2025-020")[0]
    assert trail["action"] == "applicant.update"


def test_a_refused_change_keeps_the_form_and_changes_nothing(client: TestClient) -> None:
    r = client.post("/dossiers/w-76/modifier",
                    data={"csrf": csrf(client), "oqtf": "notified", "permit_expiry": "pas une date"})  # fmt: skip
    assert r.status_code == 400
    text = html.unescape(r.text)
    assert "Rien n'a été modifié" in text and 'value="pas une date"' in text
    assert "15 avril 2025" in html.unescape(client.get("/dossiers/w-76").text)


def test_an_earlier_demand(client: TestClient) -> None:
    r = client.post(
        "/dossiers/w-76/demandes",
        data={"csrf": csrf(client), "filed_on": "2024-11-02", "complete": "no",
              "decision": "none", "reference": "ANEF 123"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    page = html.unescape(client.get(r.headers["location"]).text)
    assert "Demande antérieure enregistrée" in page and "2 novembre 2024" in page
    assert "ANEF 123" in page
    future = client.post("/dossiers/w-76/demandes",
                         data={"csrf": csrf(client), "filed_on": "2999-01-01"})  # fmt: skip
    assert future.status_code == 400 and "Demande refusée" in html.unescape(future.text)


def test_an_earlier_demand_changed(client: TestClient, webws: Path) -> None:
    client.post("/dossiers/w-76/demandes", data={"csrf": csrf(client), "filed_on": "2024-11-02"})
    page = html.unescape(client.get("/dossiers/w-76").text)
    assert "Modifier la demande n° 1" in page
    r = client.post(
        "/dossiers/w-76/demandes/1",
        data={"csrf": csrf(client), "complete": "yes", "decision": "", "reference": "",
              "reason": "récépissé de dépôt retrouvé"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    table = html.unescape(client.get(r.headers["location"]).text).split('id="demandes"')[1]
    assert "<td>oui</td>" in table.split("</table>")[0]  # complete now
    with open_workspace(webws, read_only=True) as ws:
        trail = custody_entries(ws.con, applicant="w-76")[0]
    assert trail["action"] == "demand.update" and "récépissé de dépôt retrouvé" in str(trail)
    wrong = client.post("/dossiers/w-76/demandes/1",
                        data={"csrf": csrf(client), "decided_on": "2999-01-01"})  # fmt: skip
    assert wrong.status_code == 400 and "Demande refusée" in html.unescape(wrong.text)
