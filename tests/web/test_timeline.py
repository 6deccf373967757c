"""The procedure on the dossier page: events declared, facts and remedies from the timeline."""

from __future__ import annotations

import html

from starlette.testclient import TestClient

from tests.web.conftest import csrf


def test_an_anef_renewal_shows_its_timeline_and_remedies(client: TestClient) -> None:
    page = html.unescape(client.get("/dossiers/w-76").text)  # renouvellement: ANEF by default
    assert "Procédure : chronologie et recours" in page
    assert "Aucune étape de procédure enregistrée" in page
    r = client.post(
        "/dossiers/w-76/evenements",
        data={"csrf": csrf(client), "kind": "filed", "on": "2024-12-20",
              "reference": "ANEF-2024-123"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    page = html.unescape(client.get(r.headers["location"]).text)
    assert "Événement enregistré" in page
    assert "20 décembre 2024" in page and "Dépôt de la demande" in page and "ANEF-2024-123" in page
    assert "Fenêtre de renouvellement" in page and "demande déposée dans le délai" in page
    assert "Décision implicite de rejet" in page and "[à vérifier]" in page
    assert "Recours qui correspondent à la situation" in page
    letters = page[page.index('id="courriers"') :]
    proposed = letters[: letters.index("Autres courriers")]
    assert "Proposés par la situation de la procédure" in proposed
    assert "Rédiger : Lettre au préfet : attestation de prolongation d'instruction" in proposed
    assert "Pour : Lettre au préfet : document provisoire de séjour" in proposed
    assert "Rédiger : Réclamation au Défenseur des droits" not in proposed
    assert "que la situation ne propose pas (9)" in letters


def test_an_event_in_the_future_is_refused_in_one_line(client: TestClient) -> None:
    r = client.post("/dossiers/w-76/evenements",
                    data={"csrf": csrf(client), "kind": "filed", "on": "2999-01-01"})  # fmt: skip
    assert r.status_code == 400
    assert "Demande refusée" in html.unescape(r.text)
    assert "Aucune étape de procédure enregistrée" in html.unescape(
        client.get("/dossiers/w-76").text
    )
