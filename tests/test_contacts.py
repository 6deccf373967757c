"""Contacts without a file: phone calls, visits, letters, declared by the user."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from toolkit.applicants import add_applicant
from toolkit.attempts import attempt_records
from toolkit.contacts import add_contact
from toolkit.errors import InputError, NotFound


def stored(ws, contact_id: str) -> dict:
    [row] = ws.rows(
        "SELECT channel, observed_at, time_source, time_detail, outcome, note, direction, "
        "file_sha256, prefecture, procedure FROM attempts WHERE id = ?",
        [contact_id],
    )
    return row


def test_phone_call_in_prefecture_time(ws, applicant: str) -> None:
    cid = add_contact(
        ws, applicant, channel="phone", at="2025-03-12 10:30", note="CCC 0806 001 620, sans suite"
    )
    row = stored(ws, cid)
    assert row == {
        "channel": "phone",
        "observed_at": datetime(2025, 3, 12, 9, 30, tzinfo=UTC),
        "time_source": "declared",
        "time_detail": "declared",
        "outcome": "unknown",
        "note": "CCC 0806 001 620, sans suite",
        "direction": None,
        "file_sha256": None,
        "prefecture": "76",
        "procedure": "renouvellement",
    }
    [rec] = attempt_records(ws, applicant)
    assert (rec["local_time"], rec["probes_nearby"], rec["corroboration"]) == (
        "2025-03-12 10:30",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("at", "expected_utc", "detail"),
    [
        ("2025-03-12", datetime(2025, 3, 11, 20, 0, tzinfo=UTC), "declared:date"),
        ("12/03/2025 9h30", datetime(2025, 3, 12, 5, 30, tzinfo=UTC), "declared"),
        ("2025-03-12T09:30:00+01:00", datetime(2025, 3, 12, 8, 30, tzinfo=UTC), "declared"),
    ],
    ids=["date-only", "french", "with-offset"],
)
def test_reunion_times(ws, at: str, expected_utc: datetime, detail: str) -> None:
    add_applicant(ws, "r-974", prefecture="974", procedure="premiere-demande")
    cid = add_contact(ws, "r-974", channel="counter", at=at, note="guichet, avec témoin")
    row = stored(ws, cid)
    assert (row["observed_at"], row["time_detail"]) == (expected_utc, detail)
    # printed as precisely as it was written, never more
    precision = ws.scalar("SELECT time_precision FROM attempts WHERE id = ?", [cid])
    assert precision == {"2025-03-12": "day", "12/03/2025 9h30": "minute"}.get(at, "second")


def test_same_contact_twice_is_one_row(ws, applicant: str) -> None:
    a = add_contact(ws, applicant, channel="letter", at="2025-03-01 09:00", direction="sent")
    b = add_contact(ws, applicant, channel="LETTER", at="01/03/2025 09:00", direction="sent")
    assert a == b
    assert ws.scalar("SELECT count(*) FROM attempts") == 1
    assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'contact.add'") == 1
    other = add_contact(
        ws, applicant, channel="letter", at="2025-03-01 09:00", direction="received"
    )
    assert other != a


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"channel": "online", "at": "2025-03-01 09:00"},
            "contact channel 'online': use one of email, letter, phone, counter, other; "
            "online attempts come from `guichets ingest screenshots` or `ingest captures`",
        ),
        (
            {"channel": "fax", "at": "2025-03-01 09:00"},
            "contact channel 'fax': use one of email, letter, phone, counter, other",
        ),
        (
            {"channel": "phone", "at": "1999-12-31 10:00"},
            "--at '1999-12-31 10:00': out of range: before 2000-01-01; check the year",
        ),
        (
            {"channel": "phone", "at": "0001-01-01"},  # cannot even be placed in Paris time
            "--at '0001-01-01': out of range: cannot be placed in time; check the year",
        ),
        (
            {"channel": "phone", "at": datetime(1, 1, 1, 0, 5)},
            "--at '0001-01-01T00:05:00': out of range: cannot be placed in time; check the year",
        ),
        (
            {"channel": "phone", "at": "mardi dernier"},
            "--at 'mardi dernier' is not a date and time; write it as YYYY-MM-DD HH:MM "
            "(e.g. 2025-03-12 10:30)",
        ),
        (
            {"channel": "email", "at": "2025-03-01", "direction": "out"},
            "--direction 'out': use sent or received",
        ),
    ],
    ids=[
        "online",
        "unknown-channel",
        "before-2000",
        "year-1",
        "year-1-datetime",
        "garbage",
        "direction",
    ],
)
def test_bad_contacts(ws, applicant: str, kwargs: dict, message: str) -> None:
    with pytest.raises(InputError) as e:
        add_contact(ws, applicant, **kwargs)
    assert str(e.value) == message
    assert ws.scalar("SELECT count(*) FROM attempts") == 0


def test_future_contact_and_unknown_applicant(ws, applicant: str) -> None:
    later = (datetime.now(UTC) + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    with pytest.raises(
        InputError, match=r"is in the future; record a contact once it has happened$"
    ):
        add_contact(ws, applicant, channel="phone", at=later)
    with pytest.raises(NotFound):
        add_contact(ws, "nobody", channel="phone", at="2025-03-01 09:00")


# CLI --------------------------------------------------------------------------------


def test_cli_contact_add(cli, cli_applicant: str) -> None:
    r = cli("contact", "add", cli_applicant, "--channel", "counter", "--at", "2025-03-12 09:15",
            "--note", "guichet fermé, témoin : M. Exemple")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert (
        r.stderr.startswith("Contact ")
        and "recorded for c-76 (counter, 2025-03-12 09:15)" in r.stderr
    )
    [row] = cli.json("attempts", cli_applicant)
    assert (row["channel"], row["local_time"], row["time_source"], row["note"]) == (
        "counter", "2025-03-12 09:15", "declared", "guichet fermé, témoin : M. Exemple",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--channel", "phone", "--at", "1998-06-01"],
         "Error: --at '1998-06-01': out of range: before 2000-01-01; check the year"),
        (["--channel", "phone", "--at", "0001-01-01"],
         "Error: --at '0001-01-01': out of range: cannot be placed in time; check the year"),
        (["--channel", "phone", "--at", "9999-12-31 23:59"],
         "Error: --at 9999-12-31T23:59+01:00 is in the future; record a contact once it has "
         "happened"),
        (["--channel", "pigeon", "--at", "2025-03-01"],
         "Error: contact channel 'pigeon': use one of email, letter, phone, counter, other"),
    ],
    ids=["before-2000", "year-1", "year-9999", "unknown-channel"],
)  # fmt: skip
def test_cli_contact_bad_input(cli, cli_applicant: str, args: list[str], line: str) -> None:
    r = cli("contact", "add", cli_applicant, *args)
    assert r.exit_code == 1
    assert r.stderr.strip() == line
