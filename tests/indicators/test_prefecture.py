"""Préfecture indicators on a small crawl computed by hand (tests/fixtures/crawl/indicators-small.csv).

Seine-Maritime (76), renouvellement, site r, local times (UTC+1 in March):

    day 10: 08 no_slot · 09 no_slot · 10 error · 11 no_slot · 12 slots (first +10 d, second +15 d)
    day 11: 08 slots (first +40 d) · 09 no_slot · 10 no_slot
    day 12: 08 slots (first +18 d) · 09 slots (first +81 d) · 10 captcha · 11 slots, no date
    (premiere-demande, day 12: 12 slots, no date · 13 no_slot; La Réunion: day 12 03:30 no_slot)

Renouvellement, all together: 12 probes; no_slot 5, slots 5, error+captcha 2. Buckets over
the 9 usable probes with a bucket (the undated slots probe is left out): two ≤30 d 1, one ≤30 d
1, 31–60 d 1, >60 d 1, none 5. Leads 10, 18, 40, 81: median 29, p90 40 + 0.7 × 41 = 68.7.
Runs of no_slot: [08, 09] on the 10th (the error at 10 ends it), [11] on the 10th, [09, 10]
on the 11th: longest 1 h, the first of the two ties.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from toolkit.errors import InputError, NotFound
from toolkit.indicators.prefecture import (
    install_prefecture_sql,
    prefecture_heatmap,
    prefecture_indicator_records,
    prefecture_indicators,
)
from toolkit.ingest.crawl import ingest_crawl
from toolkit.workspace import Workspace, open_workspace

SMALL = Path(__file__).resolve().parents[1] / "fixtures" / "crawl" / "indicators-small.csv"


@pytest.fixture
def small(ws: Workspace) -> Workspace:
    report = ingest_crawl(ws, [SMALL])
    assert report.ok and report.rows == 15, report.problems
    return ws


def row(rows: list[dict], prefecture: str, procedure: str | None, period: str | None) -> dict:
    found = [
        r for r in rows
        if (r["prefecture"], r["procedure"], r["period"]) == (prefecture, procedure, period)
    ]  # fmt: skip
    assert len(found) == 1, rows
    return found[0]


def test_hand_computed_whole_period(small: Workspace) -> None:
    r = row(prefecture_indicator_records(small), "76", "renouvellement", None)
    assert r["probes"] == 12
    assert r["first_probe"] == "2025-03-10T08:00:00+01:00"
    assert r["last_probe"] == "2025-03-12T11:00:00+01:00"
    assert r["no_slot_rate"] == pytest.approx(5 / 12)
    assert r["slots_rate"] == pytest.approx(5 / 12)
    assert r["error_rate"] == pytest.approx(2 / 12)
    assert r["unknown_rate"] == 0
    assert r["bucket_probes"] == 9
    assert r["buckets"] == pytest.approx(
        {"two_within_30d": 1 / 9, "one_within_30d": 1 / 9, "first_30_60d": 1 / 9,
         "first_after_60d": 1 / 9, "none": 5 / 9}
    )  # fmt: skip
    assert (r["lead_probes"], r["median_lead_days"]) == (4, 29.0)
    assert r["p90_lead_days"] == pytest.approx(68.7)
    assert r["longest_no_slot_hours"] == 1.0
    assert r["longest_no_slot_from"] == "2025-03-10T08:00:00+01:00"
    assert r["longest_no_slot_to"] == "2025-03-10T09:00:00+01:00"


def test_hand_computed_by_day(small: Workspace) -> None:
    rows = prefecture_indicator_records(
        small, prefecture="76", procedure="renouvellement", by="day"
    )
    assert [r["period"] for r in rows] == ["2025-03-10", "2025-03-11", "2025-03-12"]
    d10, d11, d12 = rows
    assert (d10["probes"], d10["no_slot_rate"], d10["error_rate"]) == (5, 0.6, 0.2)
    assert d10["buckets"] == {"two_within_30d": 0.25, "one_within_30d": 0.0,
                              "first_30_60d": 0.0, "first_after_60d": 0.0, "none": 0.75}  # fmt: skip
    assert (d10["median_lead_days"], d10["p90_lead_days"]) == (10.0, 10.0)
    assert d10["longest_no_slot_hours"] == 1.0
    assert d11["buckets"]["first_30_60d"] == pytest.approx(1 / 3)
    assert d11["longest_no_slot_from"] == "2025-03-11T09:00:00+01:00"
    assert d12["no_slot_rate"] == 0 and d12["error_rate"] == 0.25
    assert d12["buckets"] == {"two_within_30d": 0.0, "one_within_30d": 0.5,
                              "first_30_60d": 0.0, "first_after_60d": 0.5, "none": 0.0}  # fmt: skip
    assert d12["median_lead_days"] == 49.5
    assert d12["p90_lead_days"] == pytest.approx(74.7)
    assert d12["longest_no_slot_hours"] is None


def test_undated_slots_give_null_buckets(small: Workspace) -> None:
    r = row(prefecture_indicator_records(small), "76", "premiere-demande", None)
    assert (r["probes"], r["no_slot_rate"], r["slots_rate"]) == (2, 0.5, 0.5)
    assert r["buckets"] is None
    assert r["median_lead_days"] is None and r["lead_probes"] == 0
    assert r["longest_no_slot_hours"] == 0.0


def test_periods_are_local(small: Workspace) -> None:
    # 2025-03-12 03:30 in La Réunion is 2025-03-11 23:30 UTC: the period is the local day
    rows = prefecture_indicator_records(small, prefecture="974", by="day")
    assert [(r["period"], r["first_probe"]) for r in rows] == [
        ("2025-03-12", "2025-03-12T03:30:00+04:00")
    ]
    assert [
        r["period"] for r in prefecture_indicator_records(small, prefecture="974", by="week")
    ] == ["2025-W11"]
    assert [
        r["period"] for r in prefecture_indicator_records(small, prefecture="974", by="month")
    ] == ["2025-03"]


def test_filters(small: Workspace) -> None:
    assert len(prefecture_indicator_records(small)) == 3
    by_name = prefecture_indicator_records(small, prefecture="Seine-Maritime")
    assert {r["procedure"] for r in by_name} == {"renouvellement", "premiere-demande"}
    since = prefecture_indicator_records(
        small, prefecture="76", procedure="Renouvellement", since="2025-03-11", until="2025-03-11"
    )
    assert [r["probes"] for r in since] == [3]
    assert prefecture_indicator_records(small, since="2026-01-01") == []
    # dates and datetimes (their own day) as a notebook passes them
    objects = prefecture_indicator_records(
        small, prefecture="76", procedure="renouvellement",
        since=datetime(2025, 3, 11, 23, 59), until=date(2025, 3, 11),
    )  # fmt: skip
    assert [r["probes"] for r in objects] == [3]


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"by": "year"}, InputError, "--by 'year': use day, week or month"),
        ({"since": "12/03/2025"}, InputError, "--since '12/03/2025': give a date as YYYY-MM-DD"),
        ({"until": "2025-03-12T10:00"}, InputError, "give a date as YYYY-MM-DD"),  # no time
        ({"since": "2025-03-12", "until": "2025-03-01"}, InputError, "is after --until"),
        ({"prefecture": "Atlantide"}, NotFound, "unknown préfecture 'Atlantide'"),
        ({"procedure": "visa"}, NotFound, "unknown procedure 'visa'"),
    ],
)
def test_bad_filters(small: Workspace, kwargs: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        prefecture_indicators(small, **kwargs)


def test_dataframe_matches_records_and_sql_macro(small: Workspace) -> None:
    df = prefecture_indicators(small, by="day")
    flat = prefecture_indicator_records(small, by="day", flat=True)
    assert list(df.columns) == list(flat[0])
    assert len(df) == len(flat) == 5
    assert df["probes"].tolist() == [r["probes"] for r in flat]
    # local time of the préfecture, not UTC: a notebook prints the day the robot saw
    records = prefecture_indicator_records(small, by="day")
    assert [t.isoformat() for t in df["first_probe"]] == [r["first_probe"] for r in records]
    one = prefecture_indicators(small, prefecture="76", by="day")
    assert str(one["first_probe"].dtype) == "datetime64[us, Europe/Paris]"
    # notebooks call the same SQL
    install_prefecture_sql(small)
    direct = small.sql("FROM prefecture_indicators_table(by_period := 'day')").df()
    assert direct["no_slot_rate"].tolist() == df["no_slot_rate"].tolist()


def test_dataframe_of_several_zones_keeps_each_rows_zone(ws: Workspace) -> None:
    from toolkit.ingest.crawl import ingest_crawl

    crawl = ws.root.parent / "two-zones.csv"
    crawl.write_text(
        "observed_at,prefecture,procedure,outcome\n"
        "2025-03-31T23:30:00+00:00,974,renouvellement,no_slot\n"  # 1 April, 03:30 in Réunion
        "2025-03-31T23:30:00+00:00,76,renouvellement,no_slot\n",  # 1 April, 01:30 in Paris
        encoding="utf-8",
    )
    ingest_crawl(ws, [crawl])
    df = prefecture_indicators(ws)
    got = {r.prefecture: r.last_probe for r in df.itertuples()}
    assert got["974"].isoformat() == "2025-04-01T03:30:00+04:00"
    assert got["76"].isoformat() == "2025-04-01T01:30:00+02:00"
    assert f"{got['974']:%d/%m/%Y}" == "01/04/2025"  # the last day a notebook prints


def test_heatmap(small: Workspace) -> None:
    cells = {(c["weekday"], c["hour"]): c for c in prefecture_heatmap(small, "76")}
    # Monday 10 March, 12:00: one usable probe, with slots; Wednesday 12, 10:00: a captcha only
    assert cells[(1, 12)]["slots_share"] == 1.0
    assert cells[(3, 10)]["usable_probes"] == 0 and cells[(3, 10)]["slots_share"] is None
    assert cells[(3, 13)]["slots_share"] == 0.0


def test_empty_store(ws: Workspace) -> None:
    assert prefecture_indicator_records(ws) == []
    assert prefecture_indicators(ws).empty


def test_read_only_workspace(small: Workspace) -> None:
    root = small.root
    small.close()
    with open_workspace(root, read_only=True) as ro:
        assert len(prefecture_indicator_records(ro)) == 3


def test_cli_json_equals_library(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", "crawl", str(SMALL)).exit_code == 0
    got = cli.json("indicators", "prefecture", "--by", "day", "--prefecture", "76")
    with open_workspace(cli.workspace, read_only=True) as ws:
        expected = prefecture_indicator_records(ws, prefecture="76", by="day")
    assert got == json.loads(json.dumps(expected))
    assert row(got, "76", "renouvellement", "2025-03-10")["buckets"]["none"] == 0.75


def test_cli_csv_table_and_errors(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("ingest", "crawl", str(SMALL)).exit_code == 0
    r = cli("indicators", "prefecture", "--format", "csv")
    assert r.exit_code == 0, r.output
    header = r.stdout.splitlines()[0].split(",")
    assert header[:4] == ["prefecture", "procedure", "period", "probes"]
    assert "bucket_none" in header and "buckets" not in header
    r = cli("indicators", "prefecture")
    assert r.exit_code == 0 and "Robot probes per préfecture" in r.stdout
    r = cli("indicators", "prefecture", "--by", "year")
    assert r.exit_code == 2
    r = cli("indicators", "prefecture", "--since", "hier")
    assert r.exit_code == 1
    assert "Error: --since 'hier': give a date as YYYY-MM-DD" in r.stderr
