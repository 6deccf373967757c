"""The library's advice names CLI commands; the web page names its own buttons instead."""

from __future__ import annotations

import html
import re

import pytest
from starlette.testclient import TestClient

from tests.web.conftest import csrf
from toolkit.web.hints import for_the_web

COMMAND = re.compile(
    r"guichets (applicant|ingest|event|contact|review|letter|check|timeline|exhibits)\b"
)


@pytest.mark.parametrize(
    ("advice", "shown"),
    [
        ("Indiquez-la : guichets applicant update 7 --oqtf none (ou notified --oqtf-date "
         "AAAA-MM-JJ, ou executed).",
         "Indiquez-la : « Modifier le dossier », champ « OQTF »."),
        ("ajoutez-la (guichets ingest documents --kind permit).",
         "ajoutez-la (« Ajouter un document », nature « titre de séjour ou récépissé »)."),
        ("ajoutez la copie (guichets ingest documents --kind email ou letter, ou guichets "
         "contact add).",
         "ajoutez la copie (« Ajouter un document », nature « courriel » ou « courrier (LRAR) "
         "et avis de réception » ou « Noter un contact avec la préfecture »)."),
        ("déclarez-le (guichets event add 7 --kind complete --on AAAA-MM-JJ) ; sinon …",
         "déclarez-le (« Ajouter une étape » : « Demande complète ») ; sinon …"),
        ("date inconnue : ajoutez `guichets event add 7 --kind filed --on AAAA-MM-JJ`",
         "date inconnue : ajoutez « Ajouter une étape » : « Dépôt de la demande »"),
        ("consignez ce qu'elle montre (guichets review 7) ; si des créneaux",
         "consignez ce qu'elle montre (le bouton « Vérifier ») ; si des créneaux"),
        ("demandez-les (guichets letter motifs 7) ; sans réponse",
         "demandez-les (« Courriers » : « Demande de communication des motifs ») ; sans réponse"),
        ("Relevés « À guichets fermés » (La Cimade)", "Relevés « À guichets fermés » (La Cimade)"),
        ("inconnu (guichets frobnicate 7)", "inconnu (guichets frobnicate 7)"),  # left as it was
    ],
)  # fmt: skip
def test_commands_become_the_places_of_the_page(advice: str, shown: str) -> None:
    assert for_the_web(advice) == shown


def test_every_command_of_the_bundled_advice_is_known() -> None:
    from pathlib import Path

    from toolkit.indicators import readiness

    text = Path(readiness.__file__).with_suffix(".toml").read_text(encoding="utf-8")
    advice = [
        line.split(" = ", 1)[1]
        for line in text.splitlines()
        if " = " in line and not line.startswith("#") and "guichets " in line.split(" = ", 1)[1]
    ]
    assert len(advice) >= 15
    for line in advice:
        assert not COMMAND.search(for_the_web(line)), line


def test_the_dossier_page_names_no_command(client: TestClient) -> None:
    page = html.unescape(client.get("/dossiers/w-76").text)
    assert "« Modifier le dossier », champ « OQTF »" in page
    assert not COMMAND.search(page), COMMAND.search(page)
    r = client.post("/dossiers/w-76/evenements", follow_redirects=True,
                    data={"csrf": csrf(client), "kind": "filed", "on": "2024-12-20"})  # fmt: skip
    page = html.unescape(r.text)
    assert "Recours qui correspondent à la situation" in page
    assert not COMMAND.search(page), COMMAND.search(page)
