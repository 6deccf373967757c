"""The map of France: shades per département, insets, attribution, same bytes, bad input."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from toolkit.charts import map as france
from toolkit.charts.map import ATTRIBUTION, france_map, map_shades
from toolkit.errors import InputError, NotFound
from toolkit.workspace import Workspace

START = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)


def add_probes(
    ws: Workspace, prefecture: str, procedure: str, outcomes: str, start: datetime = START
) -> None:
    """One probe per hour; ``outcomes`` spells them: n = no slot, s = slots, e = error."""
    words = {"n": "no_slot", "s": "slots_available", "e": "error"}
    rows = [
        (
            f"{prefecture}-{procedure}-{start.isoformat()}-{i}",
            prefecture,
            procedure,
            start + timedelta(hours=i),
            words[c],
        )
        for i, c in enumerate(outcomes)
    ]
    with ws.transaction():
        for r in rows:
            ws.sql(
                "INSERT INTO probe_rows (prefecture, procedure, observed_at, outcome) "
                "VALUES (?, ?, ?, ?)",
                list(r[1:]),
            )


@pytest.fixture
def mapped(ws: Workspace) -> Workspace:
    add_probes(ws, "76", "renouvellement", "nnnns")  # 80 %
    add_probes(ws, "75", "renouvellement", "nnss")  # Paris: 2 of 4 ...
    add_probes(ws, "75-PP", "renouvellement", "nnnnnn")  # ... and the préfecture de police: 6 of 6
    add_probes(ws, "974", "renouvellement", "nsss")  # 25 %
    add_probes(ws, "13", "premiere-demande", "ssss")  # 0 %
    add_probes(ws, "13", "renouvellement", "nnnn", START + timedelta(days=40))
    return ws


def test_geojson_holds_the_101_departements() -> None:
    geo = france.departements()
    assert len(geo) == 101
    assert {"2A", "2B", "971", "972", "973", "974", "976"} <= set(geo)
    assert geo["76"][0] == "Seine-Maritime"
    readme = (Path(france.__file__).parent / "README.md").read_text(encoding="utf-8")
    assert ATTRIBUTION in readme


def test_shades_are_probe_weighted(mapped: Workspace) -> None:
    shades = map_shades(mapped)
    assert shades["76"].no_slot_rate == pytest.approx(0.8)
    assert shades["75"].probes == 10  # 75 and 75-PP, drawn together on Paris
    assert shades["75"].no_slot_rate == pytest.approx(0.8)
    assert "75-PP" not in shades
    assert shades["974"].no_slot_rate == pytest.approx(0.25)
    assert shades["13"].no_slot_rate == pytest.approx(0.5)
    only = map_shades(mapped, procedure="premiere-demande")
    assert list(only) == ["13"] and only["13"].no_slot_rate == 0
    early = map_shades(mapped, until=(START + timedelta(days=10)).date())
    assert early["13"].no_slot_rate == 0


def test_map_draws_insets_caption_and_colours(
    mapped: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawn: dict[str, Any] = {}

    def keep(fig: Any, fmt: str) -> bytes:
        drawn["fig"] = fig
        return b""

    from toolkit.charts import style

    monkeypatch.setattr(style, "figure_bytes", keep)
    france_map(mapped, tmp_path / "m.png", procedure="renouvellement")
    fig = drawn["fig"]
    texts = [t.get_text() for t in fig.texts]
    assert any(ATTRIBUTION in t for t in texts)
    assert any("Renouvellement de titre de séjour" in t or "renouvellement" in t for t in texts)
    titles = [ax.get_title() for ax in fig.axes]
    for name in ("Guadeloupe", "Martinique", "Guyane", "La Réunion", "Mayotte", "Paris"):
        assert any(name in t for t in titles), name
    assert "La Réunion\n25 %" in titles
    assert "Guadeloupe\npas de sondage" in titles
    labels = [ax.get_ylabel() for ax in fig.axes]
    assert "Part des sondages sans créneau (%)" in labels
    main = fig.axes[0]
    hatched = [c for c in main.collections if c.get_hatch()]
    assert len(hatched) == 1 and len(hatched[0].get_paths()) > 90


def test_colour_map_darkens_as_the_share_rises() -> None:
    from matplotlib import colormaps

    cmap = colormaps[france.COLORMAP]

    def luminance(x: float) -> float:
        r, g, b, _ = cmap(x)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    values = [luminance(i / 10) for i in range(11)]
    assert values == sorted(values, reverse=True)


@pytest.mark.parametrize("suffix", ["png", "svg"])
def test_same_store_same_bytes(mapped: Workspace, tmp_path: Path, suffix: str) -> None:
    one = france_map(mapped, tmp_path / f"one.{suffix}")
    two = france_map(mapped, tmp_path / f"two.{suffix}")
    assert one.read_bytes() == two.read_bytes()
    assert one.stat().st_size > 10_000
    record = mapped.rows("SELECT kind, path FROM generated ORDER BY path")
    assert record[0] == {"kind": "chart.map", "path": str(one)}
    if suffix == "png":
        assert one.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_input(mapped: Workspace, ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"use a \.png, \.svg or \.pdf file name"):
        france_map(mapped, tmp_path / "m.gif")
    with pytest.raises(InputError, match="is after --until"):
        france_map(mapped, tmp_path / "m.png", since="2025-04-01", until="2025-03-01")
    with pytest.raises(NotFound):
        france_map(mapped, tmp_path / "m.png", procedure="visa-touriste")
    with pytest.raises(InputError, match="no robot probe to map for asile"):
        france_map(mapped, tmp_path / "m.png", procedure="asile")
    assert not (tmp_path / "m.png").exists()


def test_geojson_is_valid_json_with_codes() -> None:
    data = json.loads(france.GEOJSON.read_text(encoding="utf-8"))
    assert data["type"] == "FeatureCollection"
    assert all({"code", "nom"} <= set(f["properties"]) for f in data["features"])
