"""Applicants: pseudonymous facts apart from identity."""

from __future__ import annotations

import datetime as dt

import pytest

from toolkit.applicants import add_applicant, get_applicant, list_applicants, show_applicant
from toolkit.errors import InputError, NotFound


def test_add_keeps_identity_apart(ws) -> None:
    a = add_applicant(
        ws,
        "2025-017",
        prefecture="seine maritime",
        procedure="Renouvellement",
        permit_expiry="2025-04-15",
        full_name="Inès Fictive",
        birth_date="1991-02-03",
        agdref="7501234567",
    )
    assert (a.prefecture, a.procedure, a.tz) == ("76", "renouvellement", "Europe/Paris")
    assert a.tribunal == "Tribunal administratif de Rouen"
    assert a.permit_expiry == dt.date(2025, 4, 15)
    cols = {r[0] for r in ws.sql("DESCRIBE applicants").fetchall()}
    assert cols.isdisjoint({"full_name", "birth_date", "agdref"})
    ident = ws.rows("SELECT * FROM identities WHERE applicant_id = '2025-017'")[0]
    assert ident["full_name"] == "Inès Fictive"
    assert ident["birth_date"] == dt.date(1991, 2, 3)


def test_show_and_list(ws, applicant: str) -> None:
    shown = show_applicant(ws, applicant)
    assert shown["identity"]["full_name"] == "Inès Fictive"
    assert "identity" not in show_applicant(ws, applicant, identity=False)
    rows = list_applicants(ws)
    assert [r["id"] for r in rows] == ["a-76"]
    assert rows[0]["attempts"] == 0
    assert "full_name" not in rows[0]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"prefecture": "99", "procedure": "renouvellement"}, NotFound, "99"),
        ({"prefecture": "76", "procedure": "visa"}, NotFound, "renouvellement"),
        (
            {"prefecture": "76", "procedure": "renouvellement", "permit_expiry": "15/13/2025"},
            InputError,
            "YYYY-MM-DD",
        ),
        (  # a typo that made `check`, `timeline`, letters and `deadlines` fail (OverflowError)
            {"prefecture": "76", "procedure": "renouvellement", "permit_expiry": "0001-01-01"},
            InputError,
            "^--permit-expiry 0001-01-01 is before 1900; check the year$",
        ),
        (
            {"prefecture": "76", "procedure": "renouvellement", "permit_expiry": "9999-12-31"},
            InputError,
            "^--permit-expiry 9999-12-31 is more than 20 years ahead; check the year$",
        ),
    ],
)
def test_bad_values(ws, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        add_applicant(ws, "x1", **kwargs)
    assert ws.scalar("SELECT count(*) FROM applicants") == 0


def test_bad_id_and_duplicate(ws, applicant: str) -> None:
    with pytest.raises(InputError, match="letters, digits"):
        add_applicant(ws, "Inès Fictive", prefecture="76", procedure="renouvellement")
    with pytest.raises(InputError, match="already exists"):
        add_applicant(ws, applicant, prefecture="76", procedure="renouvellement")


def test_unknown_applicant_names_known_ones(ws, applicant: str) -> None:
    with pytest.raises(NotFound, match=r"unknown applicant 'zz'.*known: a-76"):
        get_applicant(ws, "zz")


def test_cli_add_list_show(cli) -> None:
    r = cli(
        "applicant",
        "add",
        "c-973",
        "--prefecture",
        "Guyane",
        "--procedure",
        "premiere-demande",
        "--name",
        "Jean Fictif",
    )
    assert r.exit_code == 0, r.output
    assert "Tribunal administratif de la Guyane" in r.stderr
    listed = cli.json("applicant", "list")
    assert listed[0]["id"] == "c-973" and listed[0]["prefecture"] == "973"
    shown = cli.json("applicant", "show", "c-973")
    assert shown["tz"] == "America/Cayenne"
    assert shown["identity"] == {"full_name": "Jean Fictif"}
    r = cli("applicant", "add", "c-1", "--prefecture", "Atlantide", "--procedure", "renouvellement")
    assert r.exit_code == 1
    assert r.stderr.startswith("Error: ") and "Atlantide" in r.stderr
    assert "Traceback" not in r.output


def test_an_update_checks_the_permit_date_too(ws, applicant: str) -> None:
    from toolkit.applicants import update_applicant

    with pytest.raises(InputError, match=r"^--permit-expiry 0001-01-01 is before 1900"):
        update_applicant(ws, applicant, permit_expiry="0001-01-01")
    assert get_applicant(ws, applicant).permit_expiry == dt.date(2025, 4, 15)
