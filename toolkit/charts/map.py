"""A map of France by département, shaded by the share of robot probes that found no slot.

Metropolitan France and Corsica fill the main axes; Guadeloupe, Martinique, Guyane,
La Réunion and Mayotte are insets along the bottom, Paris and its petite couronne an inset
at the top right. Shares come from ``prefecture_indicators`` (the same numbers as
``guichets indicators prefecture``); a département with several rows (procedures, or the
préfecture de police ``75-PP`` beside ``75``) gets the probe-weighted mean. Départements
without probes are white with a grey hatch. The colour map is sequential with luminance
falling as the share rises, so the map survives a greyscale print; the colour bar is in %.

Boundaries: ``departements.geojson`` (Licence Ouverte / Open Licence, Etalab), credited in
the caption (see ``README.md`` beside this file). Coordinates are longitude/latitude drawn
with the aspect of their mean latitude (an equirectangular view, adequate at this scale).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.charts.style import NO_DATA_HATCH
from toolkit.errors import InputError
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colors import Colormap, Normalize
    from matplotlib.figure import Figure

FORMATS = ("png", "svg", "pdf")
GEOJSON = Path(__file__).with_name("departements.geojson")
ATTRIBUTION = (
    "Source : IGN Admin Express, via france-geojson (Grégoire David) — "
    "Licence Ouverte / Open Licence (Etalab)"
)
COLORMAP = "YlOrRd"
NO_DATA_FACE, NO_DATA_EDGE = "#ffffff", "#9a9a9a"
EDGE = "#505050"
# (code, label, inset position [left, bottom, width, height] in figure fractions)
DROM: tuple[tuple[str, str, tuple[float, float, float, float]], ...] = (
    ("971", "Guadeloupe", (0.02, 0.10, 0.17, 0.13)),
    ("972", "Martinique", (0.21, 0.10, 0.13, 0.13)),
    ("973", "Guyane", (0.36, 0.10, 0.15, 0.13)),
    ("974", "La Réunion", (0.53, 0.10, 0.15, 0.13)),
    ("976", "Mayotte", (0.70, 0.10, 0.13, 0.13)),
)
PETITE_COURONNE = ("75", "92", "93", "94")
# The préfecture de police handles foreigners' residence in Paris: drawn on Paris (75).
MAP_CODE = {"75-PP": "75"}


@dataclass(frozen=True)
class Shade:
    """One département's value: probes counted and share without a slot."""

    probes: int
    no_slot_rate: float


# -- data -----------------------------------------------------------------------------------


@cache
def departements() -> dict[str, tuple[str, list[list[list[tuple[float, float]]]]]]:
    """code -> (name, polygons), each polygon a list of rings of (lon, lat)."""
    data = json.loads(GEOJSON.read_text(encoding="utf-8"))
    out: dict[str, tuple[str, list[list[list[tuple[float, float]]]]]] = {}
    for feature in data["features"]:
        geom = feature["geometry"]
        polygons = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        rings = [[[(float(x), float(y)) for x, y in ring] for ring in poly] for poly in polygons]
        props = feature["properties"]
        out[str(props["code"])] = (str(props["nom"]), rings)
    return out


def map_shades(
    ws: Workspace,
    *,
    procedure: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> dict[str, Shade]:
    """Per département code (as in the boundaries), probes and share without a slot.

    ``no_slot_rate`` is a share of all probes of a row, so the probe-weighted mean of the
    rows of one département is its exact share."""
    from toolkit.indicators.prefecture import prefecture_indicators

    df = prefecture_indicators(ws, procedure=procedure, since=since, until=until)
    probes: dict[str, float] = {}
    no_slot: dict[str, float] = {}
    for rec in df.to_dict("records"):
        n, rate = rec.get("probes"), rec.get("no_slot_rate")
        if n is None or rate is None or (isinstance(rate, float) and math.isnan(rate)) or not n:
            continue
        code = MAP_CODE.get(str(rec["prefecture"]), str(rec["prefecture"]))
        probes[code] = probes.get(code, 0) + float(n)
        no_slot[code] = no_slot.get(code, 0) + float(n) * float(rate)
    return {c: Shade(int(probes[c]), no_slot[c] / probes[c]) for c in sorted(probes)}


# -- drawing --------------------------------------------------------------------------------


def _draw_departements(
    ax: Axes,
    codes: list[str],
    shades: dict[str, Shade],
    cmap: Colormap,
    norm: Normalize,
    *,
    linewidth: float,
) -> None:
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MplPath

    geo = departements()
    shaded: list[MplPath] = []
    colours: list[Any] = []
    empty: list[MplPath] = []
    xs: list[float] = []
    ys: list[float] = []
    for code in codes:
        _, polygons = geo[code]
        shade = shades.get(code)
        for rings in polygons:
            vertices: list[tuple[float, float]] = []
            kinds: list[Any] = []
            for ring in rings:
                vertices += ring
                kinds += [MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY]
            path = MplPath(vertices, kinds)
            if shade is None:
                empty.append(path)
            else:
                shaded.append(path)
                colours.append(cmap(norm(shade.no_slot_rate)))
            xs += [v[0] for v in vertices]
            ys += [v[1] for v in vertices]
    # Collections, not one patch each: the same drawing, many times faster to build.
    if empty:
        ax.add_collection(
            PathCollection(
                empty, facecolors=NO_DATA_FACE, edgecolors=NO_DATA_EDGE, hatch=NO_DATA_HATCH,
                linewidths=linewidth,
            ),
            autolim=False,
        )  # fmt: skip
    if shaded:
        ax.add_collection(
            PathCollection(shaded, facecolors=colours, edgecolors=EDGE, linewidths=linewidth),
            autolim=False,
        )
    pad_x, pad_y = (max(xs) - min(xs)) * 0.04, (max(ys) - min(ys)) * 0.04
    ax.set_xlim(min(xs) - pad_x, max(xs) + pad_x)
    ax.set_ylim(min(ys) - pad_y, max(ys) + pad_y)
    mean_lat = (min(ys) + max(ys)) / 2
    ax.set_aspect(1 / math.cos(math.radians(mean_lat)))
    ax.set_xticks([])
    ax.set_yticks([])
    for side in ax.spines.values():
        side.set_visible(False)


def _percent(shade: Shade | None) -> str:
    return f"{shade.no_slot_rate:.0%}".replace("%", " %") if shade else "pas de sondage"


def _inset_frame(ax: Axes, title: str) -> None:
    for side in ax.spines.values():
        side.set_visible(True)
        side.set_color("#b0b0b0")
        side.set_linewidth(0.6)
    ax.set_title(title, fontsize=7, pad=2)


def _figure(shades: dict[str, Shade], title: str, subtitle: str, caption: str) -> Figure:
    from matplotlib import colormaps
    from matplotlib.cm import ScalarMappable
    from matplotlib.colors import Normalize
    from matplotlib.patches import Patch
    from matplotlib.ticker import PercentFormatter

    from toolkit.charts.style import new_figure

    cmap = colormaps[COLORMAP]
    norm = Normalize(vmin=0.0, vmax=1.0)
    geo = departements()
    drom = {code for code, _, _ in DROM}
    metro = sorted(c for c in geo if c not in drom)
    fig = new_figure(8.27, 9.6)
    fig.text(0.5, 0.975, title, ha="center", va="top", fontsize=14, weight="bold")
    fig.text(0.5, 0.945, subtitle, ha="center", va="top", fontsize=9.5, color="#333333")
    main = fig.add_axes((0.02, 0.27, 0.80, 0.66))
    _draw_departements(main, metro, shades, cmap, norm, linewidth=0.35)
    paris = fig.add_axes((0.80, 0.74, 0.18, 0.15))
    _draw_departements(paris, list(PETITE_COURONNE), shades, cmap, norm, linewidth=0.5)
    _inset_frame(paris, f"Paris et petite couronne\nParis : {_percent(shades.get('75'))}")
    for code, label, rect in DROM:
        ax = fig.add_axes(rect)
        _draw_departements(ax, [code], shades, cmap, norm, linewidth=0.5)
        _inset_frame(ax, f"{label}\n{_percent(shades.get(code))}")
    bar_ax = fig.add_axes((0.86, 0.30, 0.025, 0.36))
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), cax=bar_ax)
    bar.set_label("Part des sondages sans créneau (%)", fontsize=8.5)
    bar.ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0, symbol=" %"))
    bar.ax.tick_params(labelsize=7.5)
    legend_ax = fig.add_axes((0.83, 0.24, 0.16, 0.04))
    legend_ax.set_axis_off()
    legend_ax.legend(
        handles=[
            Patch(facecolor=NO_DATA_FACE, edgecolor=NO_DATA_EDGE, hatch=NO_DATA_HATCH,
                  label="Pas de sondage"),
        ],
        loc="center", fontsize=7.5, frameon=False,
    )  # fmt: skip
    fig.text(0.02, 0.035, caption, ha="left", va="bottom", fontsize=6.8, color="#333333", wrap=True)
    return fig


def _period_fr(ws: Workspace, since: date | None, until: date | None) -> str:
    """« du 5 janvier au 7 avril 2025 »: the dates asked for, else those of the probes."""
    from toolkit.frenchdates import period_fr

    row = ws.con.execute(
        "SELECT min(local_date), max(local_date) FROM probes_local "
        "WHERE local_date >= coalesce(?, local_date) AND local_date <= coalesce(?, local_date)",
        [since, until],
    ).fetchone()
    first, last = row if row else (None, None)
    lo, hi = since or first, until or last
    return period_fr(lo, hi) if lo and hi else "toute la période"


def france_map(
    ws: Workspace,
    out: str | os.PathLike[str],
    *,
    procedure: str | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> Path:
    """Draw the map to ``out`` (.png, .svg or .pdf) and return its path."""
    from toolkit.applicants import parse_date
    from toolkit.outputs import check_target
    from toolkit.reference import PROCEDURE_LABELS_FR, get_procedure

    path = check_target(ws, out)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"--out {path}: use a .png, .svg or .pdf file name")
    proc = get_procedure(procedure) if procedure else None
    lo, hi = parse_date(since, "--since"), parse_date(until, "--until")
    if lo and hi and lo > hi:
        raise InputError(f"--since {lo} is after --until {hi}; swap them")
    shades = map_shades(ws, procedure=proc, since=lo, until=hi)
    if not shades:
        what = f" for {proc}" if proc else ""
        raise InputError(
            f"no robot probe to map{what} in this period; ingest a crawl first "
            "(`guichets ingest crawl`) or widen --since/--until"
        )
    total = sum(s.probes for s in shades.values())
    title = "Sondages sans créneau, par département"
    subtitle = (
        f"{PROCEDURE_LABELS_FR.get(proc, proc) if proc else 'Toutes procédures'} · "
        f"{_period_fr(ws, lo, hi)} · {total} sondages dans {len(shades)} département(s)"
    )
    caption = (
        "Part des sondages robots de la page de rendez-vous de la préfecture ayant trouvé "
        "le message « aucun créneau » (guichets). Hachures : aucun sondage.\n"
        f"Fond de carte — {ATTRIBUTION}."
    )
    from toolkit.charts.style import rc_context, write_chart

    inputs = json.dumps(
        [{c: [s.probes, s.no_slot_rate] for c, s in shades.items()}, proc, lo, hi],
        default=str,
        sort_keys=True,
    )
    with rc_context():
        fig = _figure(shades, title, subtitle, caption)
        write_chart(
            ws, fig, path, kind="chart.map",
            inputs_digest=hashlib.sha256(inputs.encode()).hexdigest(),
        )  # fmt: skip
    return path
