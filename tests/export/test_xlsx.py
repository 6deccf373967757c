"""The Excel workbook: layout, small cells, no identity, no formula, same bytes, locked target."""

from __future__ import annotations

import os
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from identity_data import BAPTISTIN, ZEPHYRINE, Lawyers, identity_needles, scan_text, scan_zip
from openpyxl import load_workbook

from toolkit.errors import InputError
from toolkit.export.aggregate import aggregate_bundles
from toolkit.export.bundle import export_bundle
from toolkit.export.xlsx import SMALL, export_xlsx
from toolkit.workspace import Workspace, init_workspace

SHEETS = [
    "Préfectures",
    "Procédures",
    "Série mensuelle",
    "Créneaux (La Cimade)",
    "Demandeurs",
    "Sources et méthode",
]


def sheet_rows(path: Path, title: str) -> list[dict[str, Any]]:
    sh = load_workbook(path)[title]
    rows = list(sh.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def all_cells(path: Path) -> list[Any]:
    wb = load_workbook(path)
    return [c for sh in wb for row in sh.iter_rows() for c in row]


def add_cohort(
    ws: Workspace, prefecture: str, procedure: str, n: int, *, prefix: str, weeks: int = 1
) -> None:
    """``n`` applicants (pseudonymous ids only) with a few online attempts each, via SQL."""
    start = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
    with ws.transaction():
        for i in range(n):
            aid = f"{prefix}-{i}"
            ws.sql(
                "INSERT INTO applicants (id, prefecture, procedure, permit_expiry, created_at) "
                "VALUES (?, ?, ?, DATE '2025-01-20', ?)",
                [aid, prefecture, procedure, start],
            )
            for k in range(2 + weeks + i % 2):
                ws.sql(
                    "INSERT INTO attempts (id, applicant_id, prefecture, procedure, channel, "
                    "observed_at, time_source, outcome, ingested_at) "
                    "VALUES (?, ?, ?, ?, 'online', ?, 'log', 'no_slot', ?)",
                    [
                        f"{aid}-{k}",
                        aid,
                        prefecture,
                        procedure,
                        start + timedelta(days=6 * k),
                        start,
                    ],
                )


# -- layout ---------------------------------------------------------------------------


def test_workbook_layout(lawyers: Lawyers, tmp_path: Path) -> None:
    out = export_xlsx(lawyers.both, tmp_path / "rapport.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames == SHEETS
    pref = wb["Préfectures"]
    headers = [c.value for c in pref[1]]
    assert headers[:3] == ["Code", "Préfecture", "Sondages"]
    assert "Part sans créneau" in headers
    assert pref.freeze_panes == "C2"
    assert pref.auto_filter.ref == f"A1:O{pref.max_row}"
    rate_col = headers.index("Part sans créneau") + 1
    assert pref.cell(row=2, column=rate_col).number_format == "0.0%"
    assert pref.cell(row=2, column=4).number_format == "dd/mm/yyyy hh:mm"
    totals = sheet_rows(out, "Préfectures")
    assert [r["Code"] for r in totals] == ["69", "76", "974"]
    for r in totals:  # the four shares of all probes add up
        parts = ("Part sans créneau", "Part avec créneaux", "Part en erreur, captcha ou bloquée")
        assert sum(r[k] for k in parts) + r["Part indéterminée"] == pytest.approx(1.0)
    procedures = sheet_rows(out, "Procédures")
    assert {(r["Code"], r["Procédure"]) for r in procedures} == {
        ("69", "première demande de titre de séjour"),
        ("76", "renouvellement de titre de séjour"),
        ("974", "renouvellement de titre de séjour"),
    }
    assert wb["Procédures"].freeze_panes == "D2"
    monthly = sheet_rows(out, "Série mensuelle")
    assert {(r["Code"], r["Mois"]) for r in monthly} >= {("76", "2025-03"), ("76", "2025-04")}
    buckets = sheet_rows(out, "Créneaux (La Cimade)")
    labels = ("Au moins deux dates sous 30 jours", "Aucun créneau")
    assert all(label in buckets[0] for label in labels)
    for r in buckets:
        shares = [v for k, v in r.items() if k not in ("Code", "Préfecture", "Procédure")][2:]
        assert sum(shares) == pytest.approx(1.0)  # shares of the probes classed
        assert r["Sondages classés"] < r["Sondages"]  # errors fall in no bucket
    method = dict(
        (r[0], r[1]) for r in load_workbook(out)["Sources et méthode"].iter_rows(values_only=True)
    )
    assert "moins de 5 demandeurs" in method["Secret statistique"]
    assert "Licence" not in method["Classeur"]
    record = lawyers.both.rows("SELECT kind, path FROM generated WHERE kind = 'xlsx'")
    assert record[-1] == {"kind": "xlsx", "path": str(out)}


def test_workbook_numbers_are_the_indicators(lawyers: Lawyers, tmp_path: Path) -> None:
    from toolkit.indicators.prefecture import prefecture_indicators

    out = export_xlsx(lawyers.both, tmp_path / "r.xlsx")
    expected = prefecture_indicators(lawyers.both).to_dict("records")
    shown = sheet_rows(out, "Procédures")
    assert len(shown) == len(expected)
    for row, ind in zip(shown, expected, strict=True):
        assert row["Code"] == ind["prefecture"]
        assert row["Sondages"] == ind["probes"]
        assert row["Part sans créneau"] == pytest.approx(ind["no_slot_rate"])
        assert row["Délai médian jusqu'au 1er créneau (jours)"] == pytest.approx(
            ind["median_lead_days"]
        )
        assert row["Plus longue période sans créneau (heures)"] == pytest.approx(
            ind["longest_no_slot_hours"]
        )


def test_local_times_of_reunion_are_in_its_own_zone(lawyers: Lawyers, tmp_path: Path) -> None:
    out = export_xlsx(lawyers.both, tmp_path / "r.xlsx", prefecture="La Réunion")
    [row] = sheet_rows(out, "Préfectures")
    assert row["Code"] == "974"
    assert row["Premier sondage (heure locale)"] == datetime(2025, 3, 1, 8, 0)  # 04:00 UTC + 4 h


def test_method_sheet_dates_the_probes_in_local_time(ws: Workspace, tmp_path: Path) -> None:
    from toolkit.ingest.crawl import ingest_crawl

    crawl = tmp_path / "late.csv"
    crawl.write_text(
        "observed_at,prefecture,procedure,outcome\n"
        "2025-03-31T21:30:00+00:00,974,renouvellement,no_slot\n",  # 1 April, 01:30 in Réunion
        encoding="utf-8",
    )
    ingest_crawl(ws, [crawl])
    out = export_xlsx(ws, tmp_path / "r.xlsx")
    method = dict(
        (r[0], r[1]) for r in load_workbook(out)["Sources et méthode"].iter_rows(values_only=True)
    )
    assert method["Sondages robots"] == (
        "1 sondages, du 01/04/2025 au 01/04/2025 (dates locales de chaque préfecture)"
    )


# -- small cells ----------------------------------------------------------------------


def test_small_cells_are_suppressed(lawyers: Lawyers, tmp_path: Path) -> None:
    out = export_xlsx(lawyers.both, tmp_path / "r.xlsx")
    rows = {(r["Code"], r["Procédure"]): r for r in sheet_rows(out, "Demandeurs")}
    # Seine-Maritime: one person per procedure
    for key in [
        ("76", "renouvellement de titre de séjour"),
        ("76", "première demande de titre de séjour"),
        ("76", "Toutes procédures"),
    ]:
        assert rows[key]["Demandeurs"] == "< 5"
        assert rows[key]["Tentatives en ligne"] == SMALL
        assert rows[key]["Titre expiré pendant les démarches"] == SMALL
    lyon = rows[("69", "première demande de titre de séjour")]
    assert lyon["Demandeurs"] == 6
    reunion = rows[("974", "renouvellement de titre de séjour")]
    assert reunion["Demandeurs"] == 5
    for r in rows.values():
        n = r["Demandeurs"]
        for col in (
            "Demandeurs ayant tenté sur 3 semaines ou plus",
            "Demandeurs ayant écrit à la préfecture",
            "Titre expiré pendant les démarches",
        ):
            v = r[col]
            assert not (isinstance(v, int) and 0 < v < 5), (r, col)
            if isinstance(v, int) and isinstance(n, int):
                assert not 0 < n - v < 5, (r, col)


def test_secondary_suppression_and_min_cell(ws: Workspace, tmp_path: Path) -> None:
    add_cohort(ws, "38", "renouvellement", 7, prefix="r")
    add_cohort(ws, "38", "premiere-demande", 6, prefix="p")
    add_cohort(ws, "38", "asile", 2, prefix="a")
    out = export_xlsx(ws, tmp_path / "r.xlsx")
    rows = {r["Procédure"]: r for r in sheet_rows(out, "Demandeurs")}
    asile = next(r for k, r in rows.items() if "asile" in str(k))
    assert asile["Demandeurs"] == "< 5"
    # six first-time applicants would give the asylum count by subtraction: hidden too
    assert rows["première demande de titre de séjour"]["Demandeurs"] == SMALL
    assert rows["première demande de titre de séjour"]["Tentatives en ligne"] == SMALL
    assert rows["renouvellement de titre de séjour"]["Demandeurs"] == 7
    assert rows["Toutes procédures"]["Demandeurs"] == 15
    relaxed = export_xlsx(ws, tmp_path / "r2.xlsx", min_cell=2)
    rows2 = {r["Procédure"]: r for r in sheet_rows(relaxed, "Demandeurs")}
    assert sorted(r["Demandeurs"] for r in rows2.values()) == [2, 6, 7, 15]
    with pytest.raises(InputError, match="--min-cell 0"):
        export_xlsx(ws, tmp_path / "r3.xlsx", min_cell=0)


# -- no identity, no formula ----------------------------------------------------------


def test_no_identity_in_any_cell_or_byte(identity_ws: Workspace, tmp_path: Path) -> None:
    out = export_xlsx(identity_ws, tmp_path / "r.xlsx", min_cell=1)  # show every cell
    needles = identity_needles([ZEPHYRINE, BAPTISTIN])
    assert scan_zip(out, needles) == {}
    cells = [c.value for c in all_cells(out) if c.value is not None]
    assert len(cells) > 100
    assert [v for v in cells if scan_text(str(v), needles)] == []
    demandeurs = sheet_rows(out, "Demandeurs")
    assert {r["Demandeurs"] for r in demandeurs} == {1, 2}


def test_formula_injection_is_neutralised(ws: Workspace, tmp_path: Path) -> None:
    add_cohort(ws, "76", '=HYPERLINK("https://evil.example","x")', 5, prefix="h")
    add_cohort(ws, "76", "@SUM(1+1)", 5, prefix="s")
    add_cohort(ws, "76", "-2+3", 5, prefix="m")
    ws.sql(
        "INSERT INTO probe_rows (prefecture, site, procedure, observed_at, outcome) VALUES "
        "('76', '=cmd|'' /C calc''!A0', '+33 6 00 00 00 00', TIMESTAMPTZ '2025-01-06 10:00:00+00', "
        "'no_slot')"
    )
    out = export_xlsx(ws, tmp_path / "r.xlsx")
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            xml = z.read(name).decode("utf-8", errors="replace")
            assert "<f>" not in xml and "<f " not in xml, name
    cells = all_cells(out)
    assert all(c.data_type != "f" for c in cells)
    texts = {c.value: c for c in cells if isinstance(c.value, str)}
    for payload in (
        '=HYPERLINK("https://evil.example","x")',
        "@SUM(1+1)",
        "-2+3",
        "+33 6 00 00 00 00",
    ):
        assert payload in texts, payload
        assert texts[payload].data_type == "s" and texts[payload].quotePrefix


# -- bytes, aggregation, errors -------------------------------------------------------


def test_same_workspace_same_bytes(lawyers: Lawyers, tmp_path: Path) -> None:
    one = export_xlsx(lawyers.a, tmp_path / "one.xlsx")
    two = export_xlsx(lawyers.a, tmp_path / "two.xlsx")
    assert one.read_bytes() == two.read_bytes()
    props = load_workbook(one).properties
    assert props.created == props.modified == datetime(2025, 3, 20, 23, 30)


def test_aggregated_bundles_give_the_same_workbook(lawyers: Lawyers, tmp_path: Path) -> None:
    key = tmp_path / "k.key"
    key.write_bytes(os.urandom(32))
    export_bundle(lawyers.a, tmp_path / "a.zip", key_file=key)
    export_bundle(lawyers.b, tmp_path / "b.zip", key_file=key)
    merged = init_workspace(tmp_path / "merged")
    aggregate_bundles(merged, [tmp_path / "a.zip", tmp_path / "b.zip"], key_file=key)
    from_merged = export_xlsx(merged, tmp_path / "merged.xlsx")
    from_both = export_xlsx(lawyers.both, tmp_path / "both.xlsx")
    merged.close()
    for title in SHEETS[:-1]:
        assert sheet_rows(from_merged, title) == sheet_rows(from_both, title), title


def test_locked_target(lawyers: Lawyers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "rapport.xlsx"
    out.write_bytes(b"previous")
    lock = tmp_path / "~$rapport.xlsx"
    lock.write_bytes(b"owner")
    message = r"rapport\.xlsx: is open in another program \(Excel\?\); close it and run again"
    with pytest.raises(InputError, match=message):
        export_xlsx(lawyers.a, out)
    lock.unlink()

    def refuse(src: str, dst: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(InputError, match=message):
        export_xlsx(lawyers.a, out)
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_bad_targets(lawyers: Lawyers, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"give an \.xlsx file name"):
        export_xlsx(lawyers.a, tmp_path / "r.xls")
    with pytest.raises(InputError, match="no such folder"):
        export_xlsx(lawyers.a, tmp_path / "nope" / "r.xlsx")


def test_applicant_sheet_shows_every_statistic() -> None:
    from toolkit.export import xlsx
    from toolkit.export.smallcells import STAT_KEYS

    assert tuple(c.key for c in xlsx._APPLICANT_COLS) == STAT_KEYS
