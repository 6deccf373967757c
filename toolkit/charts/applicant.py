"""One applicant's timeline: every attempt by hour of day and date, contacts, permit expiry.

Online attempts are drawn at their local hour (y) and date (x), one marker shape per
outcome (colour only repeats what the shape says, so the chart survives a black and
white print). Contacts are dotted vertical lines with a channel marker along the top.
The permit's expiry is a dashed red line. Robot probes of the same préfecture and
procedure, when any, sit in the background as small grey (no slot) or hollow green
(slots) marks. The same store gives the same bytes (PNG, SVG or PDF).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.frenchdates import date_fr, short_date_fr
from toolkit.provenance import DATED_SQL
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

FORMATS = ("png", "svg", "pdf")
# outcome -> (marker, colour, French label); shapes differ so colour is never the only cue
OUTCOME_STYLE: dict[str, tuple[str, str, str]] = {
    "no_slot": ("X", "#b03a2e", "Aucun créneau"),
    "slots_available": ("o", "#1e8449", "Créneaux disponibles"),
    "captcha": ("^", "#7d3c98", "Captcha"),
    "blocked": ("s", "#566573", "Page bloquée ou non chargée"),
    "error": ("D", "#ca6f1e", "Erreur du service"),
    "maintenance": ("v", "#2874a6", "Maintenance"),
    "unknown": ("p", "#909497", "Indéterminé"),
}
CONTACT_STYLE: dict[str, tuple[str, str]] = {
    "email": ("*", "Courriel"),
    "letter": ("h", "Courrier (LRAR)"),
    "phone": ("d", "Téléphone (CCC…)"),
    "counter": ("8", "Guichet"),
    "other": ("+", "Autre contact"),
}
CONTACT_COLOUR = "#1b2631"
EXPIRY_COLOUR = "#c0392b"
EXPIRY_REACH_DAYS = 60  # show the expiry line when it is this close to the attempts


def _rows(ws: Workspace, applicant_id: str) -> list[dict[str, Any]]:
    """Attempts and contacts, plus the dated letters and e-mails known only as documents."""
    from toolkit.contacts import document_contacts

    rows = ws.rows(
        f"SELECT id, channel, outcome, local_time, time_source, NOT ({DATED_SQL}) AS weak, "
        "list_contains(flags, 'time_conflict') AS time_conflict "
        "FROM attempts_local WHERE applicant_id = ? ORDER BY observed_at, id",
        [applicant_id],
    )
    for channel, dated in document_contacts(ws, applicant_id):
        rows.append(
            {"id": None, "channel": channel, "outcome": "unknown", "time_source": "declared",
             "weak": False, "time_conflict": False,
             "local_time": datetime(dated.year, dated.month, dated.day)}
        )  # fmt: skip
    return rows


def _probes(
    ws: Workspace, prefecture: str, procedure: str, tz: str, lo: date, hi: date
) -> list[dict[str, Any]]:
    return ws.rows(
        """
        SELECT timezone(?, observed_at) AS local_time,
               (outcome = 'slots_available' OR coalesce(slots, 0) > 0) AS slots
        FROM probes
        WHERE prefecture = ? AND procedure = ?
          AND CAST(timezone(?, observed_at) AS DATE) BETWEEN ? AND ?
        ORDER BY observed_at, id
        """,
        [tz, prefecture, procedure, tz, lo, hi],
    )


def _hour(t: datetime) -> float:
    return t.hour + t.minute / 60 + t.second / 3600


def _day(t: datetime | date) -> float:
    from matplotlib.dates import date2num

    d = t.date() if isinstance(t, datetime) else t
    return float(date2num(datetime(d.year, d.month, d.day)))


def _date_fr(value: float, pos: int | None = None) -> str:
    """« 16 sept. », with the year under the first tick and the first tick of a year."""
    from matplotlib.dates import num2date

    d = num2date(value)
    label = short_date_fr(d)
    return f"{label}\n{d.year}" if pos == 0 or (d.month == 1 and d.day <= 7) else label


def applicant_chart(
    ws: Workspace,
    applicant_id: str,
    out: str | os.PathLike[str],
    *,
    probes: bool = True,
) -> Path:
    """Draw the timeline to ``out`` (.png, .svg or .pdf) and return its path.

    The file is recorded in ``generated`` (path, sha256, inputs digest) and custody when
    the workspace is open for writing.
    """
    from toolkit.charts.style import write_chart
    from toolkit.outputs import check_target

    path = check_target(ws, out)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(f"--out {path}: use a .png, .svg or .pdf file name")
    fig, digest = _draw(ws, applicant_id, probes)
    return write_chart(
        ws, fig, path, kind="chart.applicant", applicant_id=applicant_id, inputs_digest=digest
    )


def applicant_chart_png(ws: Workspace, applicant_id: str, *, probes: bool = True) -> bytes:
    """The timeline as PNG bytes, written nowhere (exhibits embed it in a pièce)."""
    from toolkit.charts.style import figure_bytes

    fig, _ = _draw(ws, applicant_id, probes)
    return figure_bytes(fig, "png")


def _draw(ws: Workspace, applicant_id: str, probes: bool) -> tuple[Figure, str]:
    """The timeline figure and the digest of what it was drawn from."""
    from toolkit.applicants import get_applicant
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture

    a = get_applicant(ws, applicant_id)
    rows = _rows(ws, applicant_id)
    if not rows:
        raise InputError(
            f"applicant {applicant_id!r} has no attempt or contact to chart; "
            "ingest screenshots or add contacts first"
        )
    # a time read from the file's date says when a copy was made, a time in conflict may be
    # wrong: neither sets the period
    dated = [r for r in rows if not r["weak"]] or rows
    days = [r["local_time"].date() for r in dated]
    lo, hi = min(days), max(days)
    expiry = a.permit_expiry
    show_expiry = expiry is not None and lo - timedelta(
        EXPIRY_REACH_DAYS
    ) <= expiry <= hi + timedelta(EXPIRY_REACH_DAYS)
    if show_expiry and expiry is not None:
        lo, hi = min(lo, expiry), max(hi, expiry)
    background = _probes(ws, a.prefecture, a.procedure, a.tz, lo, hi) if probes else []
    pref = get_prefecture(a.prefecture)
    title = f"Tentatives de rendez-vous et démarches — demandeur {a.id}"
    subtitle = (
        f"{pref.label_fr} · {PROCEDURE_LABELS_FR.get(a.procedure, a.procedure)} · "
        f"heure locale ({a.tz})"
    )
    fig = _figure(rows, background, expiry, show_expiry, (lo, hi), title, subtitle)
    inputs = json.dumps([rows, background, expiry], default=str, sort_keys=True)
    return fig, hashlib.sha256(inputs.encode()).hexdigest()


def _points(
    ax: Axes,
    pts: list[datetime],
    marker: str,
    colour: str,
    *,
    size: float,
    hollow: bool,
    zorder: int,
    label: str,
) -> Line2D:
    """Scatter local times (date × hour) and return the matching legend entry."""
    from matplotlib.lines import Line2D

    filled = marker not in ("x", "+", "|", "_")  # line markers have no face
    style: dict[str, Any] = (
        {"facecolors": "none" if hollow else colour, "edgecolors": colour}
        if filled
        else {"c": colour}
    )
    ax.scatter([_day(t) for t in pts], [_hour(t) for t in pts], marker=marker, s=size,
               linewidths=1.1, zorder=zorder, **style)  # fmt: skip
    return Line2D([], [], linestyle="", marker=marker, color=colour, label=label,
                  markersize=max(4.0, size**0.5), markerfacecolor="none" if hollow else colour)  # fmt: skip


def _figure(
    rows: list[dict[str, Any]],
    background: list[dict[str, Any]],
    expiry: date | None,
    show_expiry: bool,
    span: tuple[date, date],
    title: str,
    subtitle: str,
) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.ticker import FixedLocator, FuncFormatter

    fig = Figure(figsize=(10, 6), dpi=100)
    ax: Axes = fig.add_subplot(1, 1, 1)
    for i, label in enumerate(("nuit", "matin", "après-midi", "soir")):
        if i % 2 == 0:
            ax.axhspan(6 * i, 6 * i + 6, color="#f4f6f7", zorder=0, linewidth=0)
        ax.text(1.005, (6 * i + 3) / 25.2, label, transform=ax.transAxes, fontsize=8,
                color="#7b7d7d", va="center", ha="left", rotation=90)  # fmt: skip
    handles: list[Line2D] = []
    for slots, marker, colour, label in (
        (False, "x", "#bfc9ca", "Relevé robot : aucun créneau"),
        (True, "o", "#58d68d", "Relevé robot : créneaux"),
    ):
        times = [p["local_time"] for p in background if bool(p["slots"]) is slots]
        if times:
            handles.append(_points(ax, times, marker, colour, size=10, hollow=True, zorder=1,
                                   label=f"{label} ({len(times)})"))  # fmt: skip
    online = [r for r in rows if r["channel"] == "online"]
    for outcome, (marker, colour, label) in OUTCOME_STYLE.items():
        times = [r["local_time"] for r in online if r["outcome"] == outcome]
        if times:
            handles.append(_points(ax, times, marker, colour, size=46, zorder=3,
                                   hollow=outcome == "slots_available",
                                   label=f"{label} ({len(times)})"))  # fmt: skip
    lo, hi = span
    weak = [r["local_time"] for r in online if r["weak"]]
    conflicts = any(r["time_conflict"] for r in online if r["weak"])
    why = "date du fichier ou heures en désaccord" if conflicts else "date du fichier"
    if weak:
        outside = sum(1 for t in weak if not lo <= t.date() <= hi)
        extra = f", dont {outside} hors de la période" if outside else ""
        handles.append(_points(ax, weak, "o", "#f39c12", size=150, hollow=True, zorder=2,
                               label=f"Heure incertaine : {why} ({len(weak)}{extra})"))  # fmt: skip
    for channel, (marker, label) in CONTACT_STYLE.items():
        times = [r["local_time"] for r in rows if r["channel"] == channel]
        if not times:
            continue
        for t in times:
            ax.axvline(_day(t), color=CONTACT_COLOUR, linestyle=":", linewidth=0.9, zorder=2)
        ax.scatter([_day(t) for t in times], [24.6] * len(times), marker=marker, s=60,
                   color=CONTACT_COLOUR, zorder=4, clip_on=False)  # fmt: skip
        handles.append(Line2D([], [], linestyle=":", marker=marker, color=CONTACT_COLOUR,
                              markersize=7, label=f"{label} ({len(times)})"))  # fmt: skip
    if expiry is not None and show_expiry:
        ax.axvline(_day(expiry), color=EXPIRY_COLOUR, linestyle="--", linewidth=1.6, zorder=2)
        handles.append(Line2D([], [], color=EXPIRY_COLOUR, linestyle="--", linewidth=1.6,
                              label=f"Fin de validité du titre ({date_fr(expiry)})"))  # fmt: skip
    elif expiry is not None:
        subtitle += f" · fin de validité du titre : {date_fr(expiry)}"
    ax.set_xlim(_day(lo) - 1, _day(hi) + 1)
    ax.set_ylim(-0.4, 25.2)
    ax.yaxis.set_major_locator(FixedLocator(list(range(0, 25, 3))))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{int(v)} h"))
    ax.xaxis.set_major_locator(FixedLocator(_date_ticks(lo, hi)))
    ax.xaxis.set_major_formatter(FuncFormatter(_date_fr))
    ax.tick_params(labelsize=8)
    ax.set_ylabel("Heure de la tentative (heure locale)", fontsize=9)
    ax.grid(axis="y", color="#e5e8e8", linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.suptitle(title, fontsize=12, x=0.01, ha="left", fontweight="bold")
    ax.set_title(subtitle, fontsize=8.5, loc="left", color="#424949", pad=14)
    fig.legend(handles=handles, loc="lower center", ncol=3, fontsize=8, frameon=False)
    legend_rows = (len(handles) + 2) // 3
    fig.subplots_adjust(left=0.07, right=0.96, top=0.88, bottom=0.12 + 0.04 * legend_rows)
    return fig


def _date_ticks(lo: date, hi: date) -> list[float]:
    """Mondays (every week, or every few weeks on long spans), or every day on short ones."""
    days = (hi - lo).days + 1
    if days <= 14:
        return [_day(lo + timedelta(i)) for i in range(days)]
    step = max(1, days // 70) * 7
    first = lo + timedelta((7 - lo.weekday()) % 7)
    return [_day(first + timedelta(i)) for i in range(0, (hi - first).days + 1, step)]
