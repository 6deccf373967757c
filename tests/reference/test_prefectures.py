"""Reference data: préfectures (codes, towns, zones, competent tribunal) and procedures."""

from __future__ import annotations

import csv
import dataclasses
from datetime import datetime, timedelta
from importlib import resources
from zoneinfo import ZoneInfo

import pytest

from toolkit.errors import NotFound
from toolkit.model import Procedure
from toolkit.reference import (
    PROCEDURE_LABELS_FR,
    Prefecture,
    get_prefecture,
    get_procedure,
    normalize_code,
    prefectures,
    uses_anef,
)

EXPECTED_CODES = (
    {f"{n:02d}" for n in range(1, 96) if n != 20}
    | {"2A", "2B"}
    | {str(n) for n in range(971, 979)}
    | {"75-PP"}
)

# Art. R.221-3 CJA as given in DOMAIN.md, written out independently of the CSV.
R221_3: dict[str, str] = {
    "Tribunal administratif d'Amiens": "02 60 80",
    "Tribunal administratif de Bastia": "2A 2B",
    "Tribunal administratif de Besançon": "25 39 70 90",
    "Tribunal administratif de Bordeaux": "24 33 47",
    "Tribunal administratif de Caen": "14 50 61",
    "Tribunal administratif de Cergy-Pontoise": "92 95",
    "Tribunal administratif de Châlons-en-Champagne": "08 10 51 52",
    "Tribunal administratif de Clermont-Ferrand": "03 15 43 63",
    "Tribunal administratif de Dijon": "21 58 71 89",
    "Tribunal administratif de Grenoble": "26 38 73 74",
    "Tribunal administratif de Lille": "59 62",
    "Tribunal administratif de Limoges": "19 23 36 87",
    "Tribunal administratif de Lyon": "01 07 42 69",
    "Tribunal administratif de Marseille": "04 05 13",
    "Tribunal administratif de Melun": "77 94",
    "Tribunal administratif de Montpellier": "11 34 66",
    "Tribunal administratif de Montreuil": "93",
    "Tribunal administratif de Nancy": "54 55 88",
    "Tribunal administratif de Nantes": "44 49 53 72 85",
    "Tribunal administratif de Nice": "06",
    "Tribunal administratif de Nîmes": "30 48 84",
    "Tribunal administratif d'Orléans": "18 28 37 41 45",
    "Tribunal administratif de Paris": "75 75-PP",
    "Tribunal administratif de Pau": "32 40 64 65",
    "Tribunal administratif de Poitiers": "16 17 79 86",
    "Tribunal administratif de Rennes": "22 29 35 56",
    "Tribunal administratif de Rouen": "27 76",
    "Tribunal administratif de Strasbourg": "57 67 68",
    "Tribunal administratif de Toulon": "83",
    "Tribunal administratif de Toulouse": "09 12 31 46 81 82",
    "Tribunal administratif de Versailles": "78 91",
    "Tribunal administratif de la Guadeloupe": "971",
    "Tribunal administratif de la Martinique": "972",
    "Tribunal administratif de la Guyane": "973",
    "Tribunal administratif de La Réunion": "974",
    "Tribunal administratif de Saint-Pierre-et-Miquelon": "975",
    "Tribunal administratif de Mayotte": "976",
    "Tribunal administratif de Saint-Barthélemy": "977",
    "Tribunal administratif de Saint-Martin": "978",
}
TRIBUNAL_BY_CODE = {code: court for court, codes in R221_3.items() for code in codes.split()}

REGIONS: dict[str, str] = {
    "Auvergne-Rhône-Alpes": "01 03 07 15 26 38 42 43 63 69 73 74",
    "Bourgogne-Franche-Comté": "21 25 39 58 70 71 89 90",
    "Bretagne": "22 29 35 56",
    "Centre-Val de Loire": "18 28 36 37 41 45",
    "Corse": "2A 2B",
    "Grand Est": "08 10 51 52 54 55 57 67 68 88",
    "Hauts-de-France": "02 59 60 62 80",
    "Île-de-France": "75 75-PP 77 78 91 92 93 94 95",
    "Normandie": "14 27 50 61 76",
    "Nouvelle-Aquitaine": "16 17 19 23 24 33 40 47 64 79 86 87",
    "Occitanie": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "Pays de la Loire": "44 49 53 72 85",
    "Provence-Alpes-Côte d'Azur": "04 05 06 13 83 84",
    "Guadeloupe": "971",
    "Martinique": "972",
    "Guyane": "973",
    "La Réunion": "974",
    "Saint-Pierre-et-Miquelon": "975",
    "Mayotte": "976",
    "Saint-Barthélemy": "977",
    "Saint-Martin": "978",
}
REGION_BY_CODE = {code: region for region, codes in REGIONS.items() for code in codes.split()}

OVERSEAS_TZ = {
    "971": "America/Guadeloupe",
    "972": "America/Martinique",
    "973": "America/Cayenne",
    "974": "Indian/Reunion",
    "975": "America/Miquelon",
    "976": "Indian/Mayotte",
    "977": "America/St_Barthelemy",
    "978": "America/Marigot",
}


def by_code() -> dict[str, Prefecture]:
    return {p.code: p for p in prefectures()}


# -- the file ---------------------------------------------------------------


def test_csv_is_plain_utf8_with_the_contract_header() -> None:
    raw = resources.files("toolkit.reference").joinpath("prefectures.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8")
    rows = list(csv.reader(text.splitlines()))
    assert rows[0] == ["code", "name", "town", "tz", "tribunal", "region"]
    assert all(len(row) == 6 for row in rows[1:])
    assert [row[0] for row in rows[1:3]] == ["01", "02"]


def test_exactly_the_expected_codes() -> None:
    codes = [p.code for p in prefectures()]
    assert len(codes) == 105
    assert len(set(codes)) == len(codes)
    assert set(codes) == EXPECTED_CODES
    assert "20" not in codes and "01" in codes and "1" not in codes


def test_fields_are_filled_and_trimmed() -> None:
    for p in prefectures():
        for name, value in dataclasses.asdict(p).items():
            assert value and value == value.strip(), (p.code, name)
    names = [p.name for p in prefectures()]
    assert len(set(names)) == len(names)


def test_prefectures_is_cached_and_frozen() -> None:
    assert prefectures() is prefectures()
    with pytest.raises(dataclasses.FrozenInstanceError):
        prefectures()[0].code = "99"  # type: ignore[misc]


# -- tribunal, region, zone -------------------------------------------------


def test_r221_3_table_covers_every_code_once() -> None:
    listed = [code for codes in R221_3.values() for code in codes.split()]
    assert len(listed) == len(set(listed))
    assert set(listed) == EXPECTED_CODES


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES))
def test_tribunal_follows_r221_3(code: str) -> None:
    assert by_code()[code].tribunal == TRIBUNAL_BY_CODE[code]


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES))
def test_region(code: str) -> None:
    assert by_code()[code].region == REGION_BY_CODE[code]


@pytest.mark.parametrize("code", sorted(EXPECTED_CODES))
def test_time_zone(code: str) -> None:
    prefecture = by_code()[code]
    assert prefecture.tz == OVERSEAS_TZ.get(code, "Europe/Paris")
    assert prefecture.zone == ZoneInfo(prefecture.tz)


@pytest.mark.parametrize(
    ("code", "winter", "summer"),
    [
        ("76", 1, 2),
        ("2B", 1, 2),
        ("971", -4, -4),
        ("972", -4, -4),
        ("973", -3, -3),
        ("974", 4, 4),
        ("975", -3, -2),
        ("976", 3, 3),
        ("977", -4, -4),
        ("978", -4, -4),
    ],
)
def test_utc_offsets(code: str, winter: int, summer: int) -> None:
    zone = get_prefecture(code).zone
    assert datetime(2024, 1, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=winter)
    assert datetime(2024, 7, 15, 12, tzinfo=zone).utcoffset() == timedelta(hours=summer)


# -- names and towns --------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "name", "town"),
    [
        ("01", "Ain", "Bourg-en-Bresse"),
        ("04", "Alpes-de-Haute-Provence", "Digne-les-Bains"),
        ("13", "Bouches-du-Rhône", "Marseille"),
        ("2A", "Corse-du-Sud", "Ajaccio"),
        ("2B", "Haute-Corse", "Bastia"),
        ("21", "Côte-d'Or", "Dijon"),
        ("22", "Côtes-d'Armor", "Saint-Brieuc"),
        ("24", "Dordogne", "Périgueux"),
        ("40", "Landes", "Mont-de-Marsan"),
        ("43", "Haute-Loire", "Le Puy-en-Velay"),
        ("53", "Mayenne", "Laval"),
        ("64", "Pyrénées-Atlantiques", "Pau"),
        ("69", "Rhône", "Lyon"),
        ("75", "Paris", "Paris"),
        ("75-PP", "Préfecture de police de Paris", "Paris"),
        ("76", "Seine-Maritime", "Rouen"),
        ("79", "Deux-Sèvres", "Niort"),
        ("90", "Territoire de Belfort", "Belfort"),
        ("91", "Essonne", "Évry-Courcouronnes"),
        ("92", "Hauts-de-Seine", "Nanterre"),
        ("93", "Seine-Saint-Denis", "Bobigny"),
        ("94", "Val-de-Marne", "Créteil"),
        ("95", "Val-d'Oise", "Cergy"),
        ("971", "Guadeloupe", "Basse-Terre"),
        ("972", "Martinique", "Fort-de-France"),
        ("973", "Guyane", "Cayenne"),
        ("974", "La Réunion", "Saint-Denis"),
        ("975", "Saint-Pierre-et-Miquelon", "Saint-Pierre"),
        ("976", "Mayotte", "Mamoudzou"),
        ("977", "Saint-Barthélemy", "Gustavia"),
        ("978", "Saint-Martin", "Marigot"),
    ],
)
def test_name_and_town(code: str, name: str, town: str) -> None:
    prefecture = by_code()[code]
    assert (prefecture.name, prefecture.town) == (name, town)


@pytest.mark.parametrize(
    ("code", "label", "prefet"),
    [
        ("76", "Préfecture de la Seine-Maritime", "préfet de la Seine-Maritime"),
        ("01", "Préfecture de l'Ain", "préfet de l'Ain"),
        ("59", "Préfecture du Nord", "préfet du Nord"),
        ("92", "Préfecture des Hauts-de-Seine", "préfet des Hauts-de-Seine"),
        ("28", "Préfecture d'Eure-et-Loir", "préfet d'Eure-et-Loir"),
        ("77", "Préfecture de Seine-et-Marne", "préfet de Seine-et-Marne"),
        ("95", "Préfecture du Val-d'Oise", "préfet du Val-d'Oise"),
        ("75", "Préfecture de Paris", "préfet de Paris"),
        ("75-PP", "Préfecture de police de Paris", "préfet de police"),
        ("974", "Préfecture de La Réunion", "préfet de La Réunion"),
        ("971", "Préfecture de la Guadeloupe", "préfet de la Guadeloupe"),
        ("976", "Préfecture de Mayotte", "préfet de Mayotte"),
    ],
)
def test_french_labels(code: str, label: str, prefet: str) -> None:
    prefecture = get_prefecture(code)
    assert (prefecture.label_fr, prefecture.prefet_fr) == (label, prefet)


# -- look-ups ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("76", "76"),
        ("2a", "2A"),
        ("2B", "2B"),
        ("1", "01"),
        ("01", "01"),
        (" 9 ", "09"),
        ("75-pp", "75-PP"),
        ("75pp", "75-PP"),
        ("75 PP", "75-PP"),
        ("PP", "75-PP"),
        ("971", "971"),
        ("978", "978"),
        ("20", None),
        ("96", None),
        ("979", None),
        ("75-XX", None),
        ("Rouen", None),
        ("", None),
    ],
)
def test_normalize_code(query: str, code: str | None) -> None:
    assert normalize_code(query) == code


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("76", "76"),
        ("2a", "2A"),
        ("1", "01"),
        ("75-pp", "75-PP"),
        ("seine maritime", "76"),
        ("SEINE-MARITIME", "76"),
        ("Cotes d'Armor", "22"),
        ("côtes-d’armor", "22"),
        ("cote d or", "21"),
        ("rouen", "76"),
        ("Périgueux", "24"),
        ("perigueux", "24"),
        ("saint etienne", "42"),
        ("St-Brieuc", "22"),
        ("le puy en velay", "43"),
        ("réunion", "974"),
        ("la reunion", "974"),
        ("Saint-Denis", "974"),
        ("seine saint denis", "93"),
        ("Corse du Sud", "2A"),
        ("bastia", "2B"),
        ("Préfecture de la Manche", "50"),
        ("préfecture de l'Isère", "38"),
        ("paris", "75"),
        ("Préfecture de Paris", "75"),
        ("préfecture de police", "75-PP"),
        ("Préfecture de police de Paris", "75-PP"),
        ("police", "75-PP"),
        ("evry", "91"),
        ("cergy-pontoise", "95"),
        ("76 - Rouen", "76"),
        ("Seine-Maritime (76)", "76"),
        ("75-PP Préfecture de police", "75-PP"),
        ("gustavia", "977"),
    ],
)
def test_get_prefecture(query: str, code: str) -> None:
    assert get_prefecture(query).code == code


def test_every_name_and_town_resolves_to_its_row() -> None:
    for p in prefectures():
        assert get_prefecture(p.name) == p
        expected = "75" if p.code == "75-PP" else p.code  # "Paris" is the département
        assert get_prefecture(p.town).code == expected


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("Rouenn", "76 Seine-Maritime (Rouen)"),
        ("seine maritim", "76 Seine-Maritime (Rouen)"),
        ("Perigeux", "24 Dordogne (Périgueux)"),
        ("20", "2A Corse-du-Sud (Ajaccio) or 2B Haute-Corse (Bastia)"),
    ],
)
def test_unknown_prefecture_suggests(query: str, suggested: str) -> None:
    with pytest.raises(NotFound) as caught:
        get_prefecture(query)
    message = str(caught.value)
    assert message.startswith(f"unknown préfecture {query!r}; did you mean ")
    assert suggested in message
    assert "guichets prefectures" in message


def test_unknown_prefecture_without_close_match() -> None:
    with pytest.raises(NotFound, match=r"unknown préfecture 'xyzzy'\. Give a code such as 76"):
        get_prefecture("xyzzy")


def test_code_and_name_that_disagree() -> None:
    with pytest.raises(NotFound, match=r"76 is Seine-Maritime \(Rouen\), not 'Paris'"):
        get_prefecture("76 Paris")


# -- procedures -------------------------------------------------------------


def test_every_procedure_has_a_label() -> None:
    assert set(PROCEDURE_LABELS_FR) == {p.value for p in Procedure}
    assert PROCEDURE_LABELS_FR["premiere-demande"] == "première demande de titre de séjour"
    assert PROCEDURE_LABELS_FR["regularisation"] == "admission exceptionnelle au séjour"


@pytest.mark.parametrize("procedure", list(Procedure))
def test_slug_and_label_resolve(procedure: Procedure) -> None:
    assert get_procedure(procedure.value) == procedure.value
    assert get_procedure(PROCEDURE_LABELS_FR[procedure.value].upper()) == procedure.value


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Renouvellement", "renouvellement"),
        ("premiere demande", "premiere-demande"),
        ("premiere_demande", "premiere-demande"),
        ("Première demande de titre de séjour", "premiere-demande"),
        ("recepisse", "recepisse"),
        ("Récépissé", "recepisse"),
        ("AES", "regularisation"),
        ("Changement de statut", "changement-statut"),
        ("demande d’asile", "asile"),
        ("DCEM", "dcem"),
    ],
)
def test_get_procedure(query: str, slug: str) -> None:
    assert get_procedure(query) == slug


def test_unknown_procedure_lists_the_slugs() -> None:
    with pytest.raises(NotFound) as caught:
        get_procedure("visa")
    message = str(caught.value)
    assert message.startswith("unknown procedure 'visa'; use one of: premiere-demande, ")
    assert all(p.value in message for p in Procedure)


@pytest.mark.parametrize(
    ("procedure", "anef"),
    [
        ("renouvellement", True),
        ("changement-statut", True),
        ("duplicata", True),
        ("dcem", True),
        ("titre-voyage", True),
        ("naturalisation", True),
        ("premiere-demande", False),
        ("changement-situation", False),
        ("retrait-titre", False),
        ("recepisse", False),
        ("regularisation", False),
        ("asile", False),
        ("autre", False),
        ("Renouvellement de titre de séjour", True),
    ],
)
def test_uses_anef(procedure: str, anef: bool) -> None:
    assert uses_anef(procedure) is anef


def test_uses_anef_rejects_unknown_procedure() -> None:
    with pytest.raises(NotFound):
        uses_anef("visa")
