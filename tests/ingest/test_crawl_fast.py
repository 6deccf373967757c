"""The typed fast path and the zone arithmetic give what the general path and ICU give."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import pytest
from crawl_helpers import ingest_and_read

import toolkit.ingest.crawl_rows as crawl_rows
from toolkit.ingest.crawl import ingest_crawl, probe_id
from toolkit.ingest.crawl_zones import (
    GAP,
    NORMAL,
    OFFSET_SQL,
    REPEATED,
    localize_python,
    repeated_hours,
    transitions,
    zone_code_sql,
)
from toolkit.workspace import Workspace, init_workspace, migrations

ROOT = Path(__file__).resolve().parents[2]
CRAWL = ROOT / "tests" / "fixtures" / "crawl"
SAMPLE = ROOT / "evidence" / "sample" / "crawl"
ZONES = ("Europe/Paris", "America/Miquelon", "America/Cayenne", "Indian/Reunion")


# -- zone arithmetic ---------------------------------------------------------------------------


@pytest.mark.parametrize("zone", ZONES)
def test_zone_codes_match_icu_and_python(zone: str) -> None:
    """Every 7 hours 2015-2028, and every half hour around each change: the SQL offset is
    ICU's, the flags are where Python puts them."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    changes = transitions(zone, 2028)[1] or ((datetime(2020, 6, 1, tzinfo=UTC), 0, 0),)
    days = ", ".join(f"TIMESTAMP '{at:%Y-%m-%d} 00:00:00'" for at, _, _ in changes)
    rows = con.execute(
        f"SELECT x, {OFFSET_SQL}, zone_code % 4, timezone('{zone}', x) FROM ("
        f"SELECT x, {zone_code_sql('x', zone)} AS zone_code FROM (SELECT unnest(range("
        "TIMESTAMP '2015-01-01', TIMESTAMP '2028-12-31', INTERVAL 7 HOUR)) AS x "
        f"UNION SELECT unnest(range(d - INTERVAL 1 DAY, d + INTERVAL 1 DAY, INTERVAL 30 MINUTE)) "
        f"FROM (SELECT unnest([{days}]) AS d)))"
    ).fetchall()
    flags = {NORMAL: 0, REPEATED: 0, GAP: 0}
    for naive, offset, flag, icu in rows:
        instant, expected_flag = localize_python(naive, zone)
        assert flag == expected_flag, naive
        flags[flag] += 1
        utc = naive - timedelta(seconds=offset)
        if instant is not None:
            assert utc == instant.replace(tzinfo=None), naive
        if flag == NORMAL:  # ICU reads ambiguous and missing times its own way
            assert utc == icu.astimezone(UTC).replace(tzinfo=None), naive
    has_dst = zone in ("Europe/Paris", "America/Miquelon")
    # two half-hour steps in each repeated hour (autumn) and each gap (spring)
    assert flags[REPEATED] == flags[GAP] == (len(changes) if has_dst else 0)
    assert not has_dst or len(changes) == 30  # 2014-2028


def test_negative_offsets_keep_their_flag() -> None:
    """Miquelon (UTC-3/-2): 01:30 on 3 November 2024 happens twice; its first time is 04:30 UTC."""
    con = duckdb.connect()
    code = zone_code_sql("TIMESTAMP '2024-11-03 01:30:00'", "America/Miquelon")
    offset, flag = con.execute(
        f"SELECT {OFFSET_SQL}, zone_code % 4 FROM (SELECT {code} AS zone_code)"
    ).fetchone()  # type: ignore[misc]
    assert (offset, flag) == (-7200, REPEATED)
    assert (datetime(2024, 11, 3, 1), datetime(2024, 11, 3, 2)) in repeated_hours(
        "America/Miquelon"
    )


def test_transitions_of_mainland_france() -> None:
    first, changes = transitions("Europe/Paris", 2026)
    assert first == 3600
    spring = [c for c in changes if c[0].year == 2025]
    assert [(c[0].isoformat(), c[1], c[2]) for c in spring] == [
        ("2025-03-30T01:00:00+00:00", 3600, 7200),
        ("2025-10-26T01:00:00+00:00", 7200, 3600),
    ]
    assert transitions("Indian/Reunion", 2026)[1] == ()


# -- fast path = general path ------------------------------------------------------------------


def _general_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No fast path; the list of the files it was refused to (to show the stub is used)."""
    refused: list[str] = []

    def no_plan(con, staged, *a, **k):  # type: ignore[no-untyped-def]
        refused.append(staged.name)

    monkeypatch.setattr(crawl_rows, "plan", no_plan)
    return refused


def _snapshot(ws: Workspace, report) -> tuple:  # type: ignore[no-untyped-def]
    rows = ws.sql(
        "SELECT id, prefecture, site, procedure, observed_at, outcome, slots, first_slot, "
        "second_slot, http_status, system, url FROM probes ORDER BY ALL"
    ).fetchall()
    files = [
        {k: v for k, v in f.items() if k != "sha256"} for f in report.details["files"].values()
    ]
    problems = [(p.line, p.column, p.message) for p in report.problems]
    return rows, files, problems, report.warnings


EXTRA = {
    "exact-duplicates.csv": (
        "observed_at,prefecture,site,procedure,outcome,slots,first_slot\n"
        "2025-03-12 09:00:00,76,r,renouvellement,no_slot,0,\n"
        "2025-03-12 09:00:00,76,r,renouvellement,no_slot,0,\n"
        "2025-03-12 10:00:00,13,r,renouvellement,slots_available,2,2025-04-02\n"
    ),
    "miquelon-autumn.csv": (
        "observed_at,prefecture,site,outcome\n"
        "2024-11-03 00:30:00,975,r,no_slot\n"
        "2024-11-03 01:30:00,975,r,no_slot\n"  # first pass through the repeated hour
        "2024-11-03 01:30:00,975,r,slots_available\n"  # second pass: recorded once
        "2024-11-03 02:30:00,975,r,no_slot\n"
        "2024-11-03 01:30:00,976,r,no_slot\n"  # Mayotte has no clock change
    ),
    "checks-fail.csv": (
        "observed_at,prefecture,site,outcome,slots,first_slot,second_slot,http_status\n"
        "2025-03-12 09:00:00,76,r,no_slot,0,,,200\n"
        "2025-03-12 10:00:00,76,r,no_slot,-1,,,200\n"  # negative count
        "2025-03-30 02:30:00,76,r,no_slot,0,,,200\n"  # spring gap in Paris
        "2025-03-12 11:00:00,76,r,slots_available,2,2025-03-01,,200\n"  # first slot before
        "2025-03-12 12:00:00,76,r,slots_available,2,2025-04-01,2025-03-20,200\n"
        "2014-03-12 12:00:00,76,r,no_slot,0,,,200\n"  # before online booking
        "2025-03-12 13:00:00,76,r,no_slot,0,,,700\n"  # not an HTTP status
        "2025-03-12 14:00:00,76,r,no_slot,3,,,200\n"  # outcome contradicts the count
    ),
    "blank-values.csv": (  # empty and quoted-empty text, padded and blank sites
        "observed_at,prefecture,site,procedure,url,outcome\n"
        '2025-03-12 09:00:00,76,"",renouvellement,"",no_slot\n'
        "2025-03-12 10:00:00,76, rouen ,renouvellement,,no_slot\n"
        '2025-03-12 11:00:00,76,"   ",,"https://rdv.example/1",no_slot\n'
        "2025-03-12 12:00:00,76,rouen,renouvellement,https://rdv.example/2,no_slot\n"
    ),
    "offsets.csv": (  # times with their UTC offset: the typed reader gives UTC
        "observed_at,prefecture,site,outcome,slots,first_slot\n"
        "2024-10-27T02:30:00+02:00,75-PP,r,no_slot,0,\n"  # the same wall time twice in
        "2024-10-27T02:30:00+01:00,75-PP,r,no_slot,0,\n"  # the autumn: two instants
        "2025-03-12T02:00:00+04:00,974,r,slots_available,1,2025-03-12\n"  # local day 12, UTC 11
        "2025-03-12T02:00:00+04:00,974,s,slots_available,1,2025-03-11\n"  # before the local day
        "2025-03-12T22:00:00-03:00,975,r,slots_available,2,2025-03-12\n"  # UTC day 13
        "2025-03-12T09:00:00-0300,973,r,no_slot,0,\n"
        "2025-03-30T02:30:00+01:00,76,r,no_slot,-1,\n"  # negative count
        "2025-03-30T02:30:00+01:00,76,r,no_slot,0,\n"  # 02:30 does not exist, 01:30Z does
        "2025-03-12T09:00:00+01:00,76,r,no_slot,0,\n"  # the same line twice
        "2025-03-12T09:00:00+01:00,76,r,no_slot,0,\n"
    ),
    "offsets-then-z.csv": (  # the sample has offsets; a later « Z » sends the file on
        "observed_at,prefecture,outcome\n"
        "2025-03-12T09:00:00+01:00,76,no_slot\n"
        "2025-03-12T10:00:00+01:00,76,no_slot\n"
        "2025-03-12T10:00:00Z,76,no_slot\n"
        "2025-03-12T12:00:00,76,no_slot\n"
    ),
    "offsets-odd.csv": (  # forms the typed reader takes after a clean sample
        "observed_at,prefecture,outcome,slots,first_slot\n"
        "2025-03-12T08:00:00+01:00,76,no_slot,0,\n"
        "2025-03-12T08:30:00+01:00,76,no_slot,0,\n"
        "2025-03-12T09:00:00-03:00:00,975,no_slot,0,\n"  # an offset with seconds
        '"2025-03-12T09:00:00+00:00\t",76,no_slot,0,\n'  # a tab after
        '"\t2025-03-12T10:00:00+01:00",76,no_slot,0,\n'  # a tab before
        '"2025-03-12T11:00:00+01:00\r",76,no_slot,0,\n'  # a carriage return
        '2025-03-12T12:00:00+0100,76,slots_available," 3","\t2025-04-02"\n'
    ),
    "naive-odd.csv": (
        "observed_at,prefecture,outcome,slots,first_slot\n"
        "2025-03-12 08:00:00,76,no_slot,0,\n"
        "2025-03-12 08:30:00,76,no_slot,0,\n"
        '"\t2025-03-12 09:00:00",76,no_slot,0,\n'
        '"2025-03-12 10:00:00\t",76,slots_available,2,"2025-04-02 "\n'
        '"2025-03-12 11:00:00\r",76,no_slot,"0\t",\n'
    ),
    "mixed-forms.csv": (  # the sample looks typed; a later line is not
        "observed_at,prefecture,procedure,outcome,slots\n"
        "2025-03-12 09:00:00,76,renouvellement,no_slot,0\n"
        "2025-03-12 10:00:00,Seine-Maritime,Renouvellement,no_slot,0\n"
        "2025-03-12 11:00:00+01:00,76,renouvellement,slots_available,1\n"
    ),
}


def _fixtures(tmp_path: Path) -> list[Path]:
    out = sorted(CRAWL.glob("*.csv"))
    out += sorted(SAMPLE.glob("*.csv"))
    for name, text in EXTRA.items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


def _paths_taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """For each file ingested: "fast", "general", or "fast+general" (the fallback)."""
    taken: list[str] = []
    real_plan, real_general = crawl_rows.plan, crawl_rows._ingest_general

    def plan(*a, **k):  # type: ignore[no-untyped-def]
        query = real_plan(*a, **k)
        taken.append("fast" if query is not None else "")
        return query

    def general(*a, **k):  # type: ignore[no-untyped-def]
        taken[-1] = "+".join(filter(None, (taken[-1], "general")))
        return real_general(*a, **k)

    monkeypatch.setattr(crawl_rows, "plan", plan)
    monkeypatch.setattr(crawl_rows, "_ingest_general", general)
    return taken


def test_fast_path_is_taken_for_canonical_files(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    taken = _paths_taken(monkeypatch)
    ws = init_workspace(tmp_path / "ws")
    # ISO times, naive or with offsets (the sample robot): typed; French dates: general
    ingest_crawl(ws, [CRAWL / "dst-2025-10-26.csv", CRAWL / "french-dates.csv"])
    ingest_crawl(ws, [SAMPLE / "robot-canonical.csv"])
    ws.close()
    assert taken == ["fast", "general", "fast"]


def test_blank_text_is_null_and_sites_are_trimmed_on_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _paths_taken(monkeypatch)
    path = tmp_path / "blank-values.csv"
    path.write_text(EXTRA["blank-values.csv"], encoding="utf-8")
    _, rows = ingest_and_read(
        tmp_path / "ws", [path],
        "SELECT strftime(timezone('Europe/Paris', observed_at), '%H'), site, procedure, url "
        "FROM probes ORDER BY observed_at",
    )  # fmt: skip
    assert taken == ["fast"]
    assert rows == [
        ("09", None, "renouvellement", None),
        ("10", "rouen", "renouvellement", None),
        ("11", None, None, "https://rdv.example/1"),
        ("12", "rouen", "renouvellement", "https://rdv.example/2"),
    ]


def test_times_with_offsets_take_the_fast_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _paths_taken(monkeypatch)
    ws = init_workspace(tmp_path / "ws")
    paths = []
    for name in ("offsets.csv", "offsets-then-z.csv"):
        paths.append(tmp_path / name)
        paths[-1].write_text(EXTRA[name], encoding="utf-8")
    report = ingest_crawl(ws, [paths[0]])
    rows = ws.sql(
        "SELECT strftime(timezone('UTC', observed_at), '%Y-%m-%d %H:%M'), prefecture, site "
        "FROM probes ORDER BY observed_at, prefecture, site"
    ).fetchall()
    assert rows == [
        ("2024-10-27 00:30", "75-PP", "r"),  # summer time
        ("2024-10-27 01:30", "75-PP", "r"),  # winter time: another instant, kept
        ("2025-03-11 22:00", "974", "r"),
        ("2025-03-12 08:00", "76", "r"),  # recorded once
        ("2025-03-12 12:00", "973", "r"),
        ("2025-03-13 01:00", "975", "r"),
        ("2025-03-30 01:30", "76", "r"),
    ]
    assert [(p.line, p.column) for p in report.problems] == [(5, "first_slot"), (8, "slots")]
    details = report.details["files"][str(paths[0])]
    assert (details["rows"], details["recorded"], details["skipped"]) == (10, 7, 2)
    assert details["duplicates"] == 1
    import toolkit.ingest.crawl_fast as fast

    monkeypatch.setattr(fast, "SAMPLE_ROWS", 2)  # the sample sees only offsets
    again = ingest_crawl(ws, [paths[1]])
    assert again.rows == 4 and not again.problems
    assert ws.sql(
        "SELECT strftime(timezone('UTC', observed_at), '%H:%M') FROM probes "
        "WHERE source_id = ? ORDER BY observed_at",
        [again.source_id],
    ).fetchall() == [("08:00",), ("09:00",), ("10:00",), ("11:00",)]
    ws.close()
    assert taken == ["fast", "fast+general"]  # the « Z » sends the second file on


@pytest.mark.parametrize("sample", [5000, 2])
def test_fast_and_general_paths_record_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: int
) -> None:
    """Every fixture, both ways. With a 2-row sample, files whose later lines the typed
    reader refuses (mixed-forms.csv) go through the fallback after the fast pass."""
    import toolkit.ingest.crawl_fast as fast

    monkeypatch.setattr(fast, "SAMPLE_ROWS", sample)
    files = _fixtures(tmp_path)
    assert len(files) >= 15
    for path in files:
        mapping = path.with_suffix(".toml") if path.with_suffix(".toml").exists() else None
        results, refused = [], []
        for general in (False, True):
            with monkeypatch.context() as m:
                if general:
                    refused = _general_only(m)
                root = tmp_path / f"{path.stem}-{general}"
                ws = init_workspace(root)
                report = ingest_crawl(ws, [path], mapping=mapping)
                results.append(_snapshot(ws, report))
                ws.close()
                shutil.rmtree(root)
        assert refused == [path.name]
        assert results[0] == results[1], path.name


def test_repeated_hour_in_a_negative_zone_is_recorded_once(tmp_path: Path) -> None:
    path = tmp_path / "miquelon.csv"
    path.write_text(EXTRA["miquelon-autumn.csv"], encoding="utf-8")
    ws = init_workspace(tmp_path / "ws")
    report = ingest_crawl(ws, [path])
    rows = ws.sql(
        "SELECT prefecture, strftime(timezone('UTC', observed_at), '%H:%M'), outcome "
        "FROM probes ORDER BY observed_at, prefecture"
    ).fetchall()
    assert rows == [
        ("976", "22:30", "no_slot"),  # 01:30 in Mayotte (UTC+3), no clock change
        ("975", "02:30", "no_slot"),  # summer time, UTC-2
        ("975", "03:30", "no_slot"),  # the repeated hour's first pass (the second is dropped)
        ("975", "05:30", "no_slot"),  # winter time, UTC-3
    ]
    assert len(rows) == 4 and report.rows == 4
    assert any("1 row(s) repeat" in w for w in report.warnings)
    first = datetime(2024, 11, 3, 3, 30, tzinfo=UTC)
    assert ws.scalar(
        "SELECT id FROM probes WHERE prefecture = '975' AND observed_at = ?", [first]
    ) == probe_id("975", "r", None, first)
    ws.close()


def test_a_repeated_line_keeps_its_first_copy_when_the_insert_loses_file_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast insert does not keep file order; a file that repeats a probe is inserted
    again in order, so the copy kept is the first by line. Here the unordered insert is made
    to store the rows in reverse, the worst order it could give."""
    real = crawl_rows._unordered

    def reversed_insert(con: duckdb.DuckDBPyConnection, sql: str) -> int:
        n = real(con, sql)
        con.execute("CREATE TEMP TABLE turned AS SELECT * FROM probe_rows ORDER BY rowid DESC")
        con.execute("DELETE FROM probe_rows")
        con.execute("INSERT INTO probe_rows SELECT * FROM temp.turned")
        con.execute("DROP TABLE temp.turned")
        return n

    monkeypatch.setattr(crawl_rows, "_unordered", reversed_insert)
    taken = _paths_taken(monkeypatch)
    path = tmp_path / "same-probe-twice.csv"
    path.write_text(
        "observed_at,prefecture,site,outcome,slots\n"
        "2025-03-12 09:00:00,76,r,no_slot,0\n"
        "2025-03-12 10:00:00,76,r,no_slot,0\n"
        "2025-03-12 09:00:00,76,r,slots_available,2\n",  # the 09:00 probe again
        encoding="utf-8",
    )
    report, rows = ingest_and_read(
        tmp_path / "ws", [path],
        "SELECT strftime(timezone('Europe/Paris', observed_at), '%H:%M'), outcome, slots "
        "FROM probes ORDER BY observed_at",
    )  # fmt: skip
    assert taken == ["fast"]
    assert rows == [("09:00", "no_slot", 0), ("10:00", "no_slot", 0)]
    assert report.rows == 2
    assert report.details["files"][str(path)]["duplicates"] == 1
    assert any("1 row(s) repeat" in w for w in report.warnings)


def test_schema_3_keeps_ids_of_an_older_workspace(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import toolkit.workspace as wsmod

    real = migrations()
    monkeypatch.setattr(wsmod, "migrations", lambda: [m for m in real if m[0] < 3])
    ws = init_workspace(tmp_path / "ws")
    at = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)
    ws.sql(
        "INSERT INTO probes (id, prefecture, site, procedure, observed_at, outcome) "
        "VALUES (?, '76', 'r', NULL, ?, 'no_slot')",
        [probe_id("76", "r", None, at), at],
    )
    ws.close()
    monkeypatch.setattr(wsmod, "migrations", lambda: real)
    ws = wsmod.open_workspace(tmp_path / "ws")
    assert ws.sql("SELECT id, prefecture FROM probes").fetchall() == [
        (probe_id("76", "r", None, at), "76")
    ]
    assert ws.scalar("SELECT count(*) FROM probe_rows") == 1
    ws.close()


def test_cli_ingests_a_naive_iso_crawl_through_the_fast_path(cli, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    taken = _paths_taken(monkeypatch)
    r = cli("ingest", "crawl", str(CRAWL / "indicators-small.csv"), "--source", "robot")
    assert r.exit_code == 0, r.output
    assert taken == ["fast"] and "probe(s) recorded" in r.stderr
    r = cli("ingest", "crawl", str(CRAWL / "indicators-small.csv"))
    assert r.exit_code == 0 and "Already ingested" in r.stderr
    assert taken == ["fast", "fast"]  # the anti-join on the fast path


def test_schema_4_moves_provenance_to_batches(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Rows of a schema-3 workspace keep their id, system, source and file once their three
    text columns become one batch number."""
    import toolkit.workspace as wsmod

    real = migrations()
    monkeypatch.setattr(wsmod, "migrations", lambda: [m for m in real if m[0] < 4])
    ws = init_workspace(tmp_path / "ws")
    at = datetime(2025, 3, 12, 8, 0, tzinfo=UTC)
    rows = [
        ("r", at, "ezbooking", "src-1", "aa"),
        ("r", at + timedelta(hours=1), "ezbooking", "src-1", "aa"),
        ("r", at + timedelta(hours=2), None, "src-1", "aa"),
        ("s", at, "anef", "src-2", "bb"),
        ("t", at, None, None, None),  # written by hand, no provenance
    ]
    for site, when, system, source, sha in rows:
        ws.sql(
            "INSERT INTO probe_rows (prefecture, site, observed_at, outcome, system, source_id, "
            "file_sha256) VALUES ('76', ?, ?, 'no_slot', ?, ?, ?)",
            [site, when, system, source, sha],
        )
    ws.close()
    monkeypatch.setattr(wsmod, "migrations", lambda: real)
    ws = wsmod.open_workspace(tmp_path / "ws")
    got = ws.sql(
        "SELECT id, site, observed_at, system, source_id, file_sha256 FROM probes "
        "ORDER BY site, observed_at"
    ).fetchall()
    assert got == [
        (probe_id("76", site, None, when), site, when, system, source, sha)
        for site, when, system, source, sha in rows
    ]
    assert ws.scalar("SELECT count(*) FROM probe_batches") == 4  # distinct provenances
    assert ws.scalar("SELECT count(DISTINCT batch) FROM probe_rows") == 4
    ws.close()


@pytest.mark.parametrize(
    ("written", "path"), [(("ezbooking", "anef"), "fast"), (("EZBooking", "ANEF"), "general")]
)
def test_each_row_keeps_its_system_and_file_through_its_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, written: tuple[str, str], path: str
) -> None:
    taken = _paths_taken(monkeypatch)
    crawl_file = tmp_path / "systems.csv"
    crawl_file.write_text(
        "observed_at,prefecture,site,outcome,system\n"
        f"2025-03-12 09:00:00,76,r,no_slot,{written[0]}\n"
        "2025-03-12 10:00:00,76,r,no_slot,\n"
        f"2025-03-12 11:00:00,76,r,no_slot,{written[1]}\n"
        f"2025-03-12 12:00:00,76,r,no_slot,{written[0]}\n",
        encoding="utf-8",
    )
    ws = init_workspace(tmp_path / "ws")
    report = ingest_crawl(ws, [crawl_file])
    digest = report.details["files"][str(crawl_file)]["sha256"]
    got = ws.sql(
        "SELECT strftime(timezone('Europe/Paris', observed_at), '%H'), system, source_id, "
        "file_sha256 FROM probes ORDER BY observed_at"
    ).fetchall()
    batches = ws.sql("SELECT system FROM probe_batches ORDER BY batch").fetchall()
    ws.close()
    assert taken == [path]
    assert got == [
        (hour, system, report.source_id, digest)
        for hour, system in (("09", "ezbooking"), ("10", None), ("11", "anef"), ("12", "ezbooking"))
    ]
    assert batches == [(None,), ("anef",), ("ezbooking",)]  # the unused ones dropped
