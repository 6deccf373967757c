"""A préfecture's saturation, from robot probes: one figure, three panels, one file.

One file rather than three, so that it is one pièce in an exhibit list:

1. « Part des sondages sans créneau » over time (per day, or per ISO week beyond 120 days):
   no slot (black, circles), slots available (grey dotted, triangles) and unreadable pages
   — error, captcha, blocked, maintenance — (grey dashed, squares), in % of all probes.
2. « Quand des créneaux apparaissent-ils ? »: local weekday × hour of day, the share of
   usable probes (no slot or slots) that found slots; darker is more; cells without a
   usable probe are hatched; the percentage is written in the cells that have slots.
3. « Délai jusqu'au premier créneau »: median and 90th percentile of the lead time
   (first slot date − probe date) per period, with the 30 and 60 days lines of La Cimade's
   buckets; a note when the probes carry no dates.

All procedures together unless ``procedure`` is given. The numbers are those of
``toolkit.indicators.prefecture`` (same SQL). The caption names the sources by the
``--source`` names given at ingest only (« source non décrite » otherwise: never a file name
or a path, which may name a person), the probe count and the period.
Grey levels, line styles and markers, never colour alone: the chart survives a black and
white print. The same store gives the same bytes; the file is listed in ``generated``.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from toolkit._version import __version__
from toolkit.charts import style
from toolkit.errors import InputError
from toolkit.frenchdates import WEEKDAYS_SHORT_FR, period_fr
from toolkit.outputs import check_target
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WEEKLY_AFTER_DAYS = 120


def prefecture_chart(
    ws: Workspace,
    code: str,
    out: str | os.PathLike[str],
    *,
    procedure: str | None = None,
    since: date | datetime | str | None = None,
    until: date | datetime | str | None = None,
) -> Path:
    """Draw the three panels to ``out`` (.png, .svg or .pdf) and return its path."""
    from toolkit.indicators.prefecture import (
        check_filters,
        prefecture_heatmap,
        prefecture_series,
    )
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture

    path = check_target(ws, out)
    if path.suffix.lower().lstrip(".") not in style.FORMATS:
        raise InputError(f"--out {path}: name the chart .png, .svg or .pdf")
    pref_code, slug, start, end, _ = check_filters(code, procedure, since, until)
    assert pref_code is not None
    pref = get_prefecture(pref_code)
    days = prefecture_series(ws, pref.code, procedure=slug, since=start, until=end, by="day")
    if not days:
        raise InputError(
            f"no robot probe for {pref.code} ({pref.name})"
            + (f", {slug}" if slug else "")
            + "; ingest a crawl first with `guichets ingest crawl`"
        )
    zone = ZoneInfo(pref.tz)
    first = min(r["first_probe"] for r in days).astimezone(zone).date()
    last = max(r["last_probe"] for r in days).astimezone(zone).date()
    by = "week" if (last - first).days > WEEKLY_AFTER_DAYS else "day"
    series = (
        days
        if by == "day"
        else prefecture_series(ws, pref.code, procedure=slug, since=start, until=end, by="week")
    )
    heat = prefecture_heatmap(ws, pref.code, procedure=slug, since=start, until=end)
    probes = sum(int(r["probes"]) for r in days)
    what = PROCEDURE_LABELS_FR.get(slug, slug) if slug else "toutes démarches"
    title = f"Saturation des rendez-vous — {pref.label_fr} ({pref.code})"
    subtitle = f"Observée par robot · {what} · heure locale ({pref.tz})"
    count = f"{probes:,}".replace(",", "\u202f")  # thousands: narrow no-break space
    caption = (
        f"Source : {_sources(ws, pref.code, slug, start, end)} — {count} sondages "
        f"{period_fr(first, last)}."
        " Parts sur l'ensemble des sondages ; carte horaire sur les sondages lisibles "
        "(« aucun créneau » ou « créneaux disponibles ») ; délai = date du premier créneau "
        f"proposé − date du sondage. Document établi avec guichets {__version__}."
    )
    with style.rc_context():
        fig = _figure(series, heat, by, (first, last), title, subtitle, caption)
        digest = json.dumps([series, heat, caption], default=str, sort_keys=True)
        style.write_chart(
            ws, fig, path, kind="chart.prefecture",
            inputs_digest=hashlib.sha256(digest.encode()).hexdigest(),
        )  # fmt: skip
    return path


UNDESCRIBED = "source non décrite"


def _sources(
    ws: Workspace, code: str, procedure: str | None, since: date | None, until: date | None
) -> str:
    """The names given with ``--source`` at ingest, most probes first. A crawl ingested
    without one is « source non décrite »: a file name or a folder may name a person, and a
    chart is made for the press."""
    from toolkit.export.identity_guard import identity_guard
    from toolkit.export.pseudonym import public_words

    rows = ws.rows(
        """
        SELECT nullif(trim(json_extract_string(s.options, '$.name')), '') AS name,
               count(*) AS n
        FROM probes_local p
        LEFT JOIN sources s ON s.id = p.source_id
        WHERE p.prefecture = ? AND (CAST(? AS VARCHAR) IS NULL OR p.procedure = ?)
          AND (CAST(? AS DATE) IS NULL OR p.local_date >= ?)
          AND (CAST(? AS DATE) IS NULL OR p.local_date <= ?)
        GROUP BY 1 ORDER BY n DESC, name NULLS LAST
        """,
        [code, procedure, procedure, since, since, until, until],
    )
    names = [str(r["name"]) if r["name"] is not None else UNDESCRIBED for r in rows]
    names = list(dict.fromkeys(names))
    identity_guard(ws.con, public_words()).check_values(
        ws.con, {"the caption's sources": names}, "the chart"
    )
    if len(names) > 3:
        return ", ".join(names[:3]) + f" et {len(names) - 3} autre(s)"
    return ", ".join(names)


def _figure(
    series: list[dict[str, Any]],
    heat: list[dict[str, Any]],
    by: str,
    span: tuple[date, date],
    title: str,
    subtitle: str,
    caption: str,
) -> Figure:
    fig = style.new_figure(8.27, 11.0)
    grid = fig.add_gridspec(3, 1, height_ratios=(1.0, 1.15, 1.0), hspace=0.62,
                            left=0.09, right=0.94, top=0.9, bottom=0.12)  # fmt: skip
    fig.suptitle(title, x=0.09, ha="left", fontsize=10.5, fontweight="bold", y=0.975)
    fig.text(0.09, 0.935, subtitle, ha="left", fontsize=8.5, color=style.GREY)
    when: list[Any] = [_period_start(r["period"], by) for r in series]  # dates, for matplotlib
    _shares(fig.add_subplot(grid[0]), series, when, by, span)
    _heatmap(fig, fig.add_subplot(grid[1]), heat)
    _leads(fig.add_subplot(grid[2]), series, when, by, span)
    fig.text(0.09, 0.035, caption, ha="left", va="bottom", fontsize=6.8, color="#333333",
             wrap=True)  # fmt: skip
    return fig


def _period_start(period: str, by: str) -> date:
    if by == "week":
        year, week = period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    return date.fromisoformat(period)


def _shares(
    ax: Axes, series: list[dict[str, Any]], when: list[Any], by: str, span: tuple[date, date]
) -> None:
    unit = "semaine ISO" if by == "week" else "jour"
    lines = (
        ("no_slot_rate", "Aucun créneau", style.SERIES[0]),
        ("slots_rate", "Créneaux disponibles", style.SERIES[2]),
        ("error_rate", "Page illisible (erreur, captcha, blocage)", style.SERIES[1]),
    )
    for key, label, look in lines:
        ax.plot(when, [100 * float(r[key]) for r in series], label=label, linewidth=1.1,
                markersize=2.6 if len(when) > 40 else 4, **look)  # fmt: skip
    ax.set_ylim(-2, 102)
    ax.set_ylabel("% des sondages")
    ax.set_title(f"Part des sondages sans créneau, par {unit}", loc="left")
    style.percent_axis(ax)
    _dates(ax, span, by)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False, ncols=3)
    ax.grid(axis="y", color=style.LIGHT, linewidth=0.4)


def _dates(ax: Axes, span: tuple[date, date], by: str) -> None:
    pad = timedelta(days=4 if by == "week" else 1)
    lo: Any = span[0] - pad  # matplotlib converts dates
    hi: Any = span[1] + pad
    ax.set_xlim(lo, hi)
    style.date_axis(ax, span[0], span[1])


def _heatmap(fig: Figure, ax: Axes, heat: list[dict[str, Any]]) -> None:
    import numpy as np
    from matplotlib.patches import Rectangle

    grid = np.full((7, 24), np.nan)
    for r in heat:
        if r["usable_probes"]:
            grid[int(r["weekday"]) - 1, int(r["hour"])] = float(r["slots_share"])
    top = max(float(np.nanmax(grid)) if np.isfinite(grid).any() else 0.0, 0.01)
    image = ax.imshow(np.ma.masked_invalid(grid) * 100, cmap="Greys", vmin=0, vmax=top * 100,
                      aspect="auto", interpolation="nearest")  # fmt: skip
    for row in range(7):
        for col in range(24):
            value = grid[row, col]
            if np.isnan(value):
                ax.add_patch(Rectangle((col - 0.5, row - 0.5), 1, 1, fill=False,
                                       hatch=style.NO_DATA_HATCH, edgecolor=style.LIGHT,
                                       linewidth=0))  # fmt: skip
            elif value > 0:
                ink = "white" if value > top * 0.55 else "black"
                ax.text(col, row, f"{100 * value:.0f}", ha="center", va="center",
                        fontsize=5.2, color=ink)  # fmt: skip
    ax.set_yticks(range(7), WEEKDAYS_SHORT_FR)
    ax.set_xticks(range(0, 24, 2), [f"{h} h" for h in range(0, 24, 2)])
    ax.set_xlabel("Heure locale du sondage")
    ax.set_title(
        "Quand des créneaux apparaissent-ils ? Part des sondages lisibles avec créneaux (%)",
        loc="left",
    )
    ax.set_xticks([x - 0.5 for x in range(25)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(8)], minor=True)
    ax.grid(which="minor", color=style.LIGHT, linewidth=0.3)
    ax.tick_params(which="minor", length=0)
    for side in ("top", "right", "left", "bottom"):
        ax.spines[side].set_visible(False)
    bar = fig.colorbar(image, ax=ax, fraction=0.025, pad=0.01)
    bar.ax.tick_params(labelsize=6.5)
    bar.outline.set_linewidth(0.4)


def _leads(
    ax: Axes, series: list[dict[str, Any]], when: list[Any], by: str, span: tuple[date, date]
) -> None:
    unit = "semaine ISO" if by == "week" else "jour"
    ax.set_title(f"Délai jusqu'au premier créneau proposé, par {unit}", loc="left")
    ax.set_ylabel("jours")
    _dates(ax, span, by)
    points = [(w, r) for w, r in zip(when, series, strict=True) if r["lead_probes"]]
    if not points:
        ax.text(0.5, 0.5, "Aucune date de créneau relevée sur la période",
                transform=ax.transAxes, ha="center", va="center", color=style.GREY)  # fmt: skip
        ax.set_yticks([])
        return
    xs: list[Any] = [w for w, _ in points]
    for key, label, look in (
        ("median_lead_days", "Médiane", style.SERIES[0]),
        ("p90_lead_days", "9e décile (90 % des délais sont plus courts)", style.SERIES[1]),
    ):
        ax.plot(xs, [float(r[key]) for _, r in points], label=label, linewidth=1.1,
                markersize=2.6 if len(xs) > 40 else 4, **look)  # fmt: skip
    for days in (30, 60):
        ax.axhline(days, color=style.LIGHT, linestyle=(0, (1, 2)), linewidth=0.8)
        ax.annotate(f"{days} j", (1.005, days), xycoords=("axes fraction", "data"),
                    ha="left", va="center", fontsize=6.5, color=style.GREY)  # fmt: skip
    ax.set_ylim(bottom=0)
    ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12), frameon=False, ncols=2)
    ax.grid(axis="y", color=style.LIGHT, linewidth=0.4)
