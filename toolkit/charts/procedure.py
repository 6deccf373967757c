"""The procedure of a demand on one time axis: permit, renewal window, attestations and gaps,
events, the implicit rejection.

Drawn from the dict of :func:`toolkit.timeline.gather.procedural_timeline` (or the subset
a pièce shows, see :mod:`toolkit.documents.procedure`). One lane per kind of fact; each
event is a numbered mark, the number referring to the table that goes with the chart.
Shapes and hatches repeat what colours say, so the chart survives a black and white print.
The same timeline gives the same bytes.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.frenchdates import date_fr

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from toolkit.workspace import Workspace

LANES = ("Titre de séjour", "Fenêtre de dépôt", "Documents provisoires", "Événements")
PERMIT, WINDOW, COVER, EVENTS = range(4)
COVER_KINDS = ("api_issued", "api_renewed", "recepisse")
GAP_COLOUR = "#c0392b"
COVER_COLOUR = "#5d6d7e"
WINDOW_COLOUR = "#aab7b8"


def _x(d: date) -> float:
    from matplotlib.dates import date2num

    return float(date2num(d))


def _span(t: dict[str, Any]) -> tuple[date, date]:
    f = t["facts"]
    days = [e["date"] for e in t["events"]]
    days += [e["until"] for e in t["events"] if e.get("until")]
    days += [d for d in (f.get("permit_expiry"), t["as_of"]) if d]
    w = f.get("renewal_window")
    if w and w.get("opens"):
        days += [w["opens"], w["closes"]]
    if f["dir"].get("date"):
        days.append(f["dir"]["date"])
    lo, hi = min(days), max(days)
    pad = max(5, (hi - lo).days // 25)
    return lo - timedelta(days=pad), hi + timedelta(days=pad)


def _bar(ax: Axes, lane: int, start: date, end: date, **style: Any) -> None:
    ax.broken_barh([(_x(start), _x(end) - _x(start) + 1)], (lane - 0.3, 0.6), **style)


def procedure_figure(t: dict[str, Any]) -> Figure:
    """The figure for a timeline dict (facts as :func:`compute_timeline` gives them)."""
    from toolkit.charts.style import date_axis, new_figure, rc_context

    f = t["facts"]
    lo, hi = _span(t)
    with rc_context():
        fig = new_figure(10.5, 5.4)
        ax = fig.add_axes((0.17, 0.17, 0.8, 0.7))
        expiry = f.get("permit_expiry")
        if expiry:
            _bar(ax, PERMIT, max(lo, expiry - timedelta(days=365)), expiry, color="#d5dbdb",
                 edgecolor="#566573", linewidth=0.6)  # fmt: skip
            ax.annotate(f"fin de validité : {date_fr(expiry)}", (_x(expiry), PERMIT + 0.38),
                        ha="right", fontsize=6.5)  # fmt: skip
        w = f.get("renewal_window")
        if w and w.get("opens"):
            _bar(ax, WINDOW, w["opens"], w["closes"], facecolor="none", edgecolor="#34495e",
                 hatch="////", linewidth=0.6)  # fmt: skip
        for e in t["events"]:
            if e["kind"] in COVER_KINDS and e.get("until"):
                _bar(ax, COVER, e["date"], e["until"], color=COVER_COLOUR, edgecolor="black",
                     linewidth=0.5)  # fmt: skip
        api = f.get("api") or {}
        for g in api.get("gaps", []) if api.get("owed_from") else []:
            _bar(ax, COVER, g["from"], g["to"], facecolor="white", edgecolor=GAP_COLOUR,
                 hatch="xxxx", linewidth=0.8)  # fmt: skip
        by_day: dict[date, list[str]] = {}
        for n, e in enumerate(t["events"], start=1):
            by_day.setdefault(e["date"], []).append(str(n))
        for i, (day, numbers) in enumerate(sorted(by_day.items())):
            ax.plot([_x(day)], [EVENTS], marker="v", color="black", markersize=5)
            ax.annotate(", ".join(numbers), (_x(day), EVENTS + 0.2 + 0.25 * (i % 2)),
                        ha="center", fontsize=6.5)  # fmt: skip
        marks = [(t["as_of"], "situation au " + date_fr(t["as_of"]), ":", "black")]
        d = f["dir"]
        if d.get("date"):
            flag = " [à vérifier]" if d.get("to_verify") else ""
            marks.append((d["date"], f"décision implicite de rejet : {date_fr(d['date'])}{flag}",
                          "--", GAP_COLOUR))  # fmt: skip
        for i, (day, label, style, colour) in enumerate(marks):
            ax.axvline(_x(day), linestyle=style, color=colour, linewidth=0.9)
            ax.annotate(label, (_x(day), 4.45 - 0.3 * i), ha="right", fontsize=6.5,
                        color=colour, xytext=(-3, 0), textcoords="offset points")  # fmt: skip
        ax.set_ylim(-0.6, 4.65)
        ax.set_yticks(range(len(LANES)), LANES)
        ax.set_xlim(_x(lo), _x(hi))
        date_axis(ax, lo, hi)
        ax.grid(axis="x", color="#e5e7e9", linewidth=0.5)
        ax.set_title(f"Chronologie de la procédure — dossier {t['applicant']}", loc="left")
        legend = (
            "Barres pleines : titre et documents provisoires (attestations, récépissés) avec leurs "
            "dates de validité ; hachures obliques : fenêtre de dépôt (art. R. 431-5 CESEDA) ; "
            "croisillons rouges : période sans document ; triangles numérotés : événements du "
            "tableau."
        )
        fig.text(0.17, 0.03, legend, fontsize=6.5, wrap=True)
    return fig


def procedure_chart(
    ws: Workspace,
    applicant_id: str,
    out: str | os.PathLike[str],
    *,
    today: date | None = None,
) -> Path:
    """Draw the applicant's procedure to ``out`` (.png, .svg or .pdf) and return its path."""
    from toolkit.charts.style import save_figure
    from toolkit.errors import InputError
    from toolkit.timeline.gather import procedural_timeline

    t = procedural_timeline(ws, applicant_id, today=today)
    if not t["events"]:
        raise InputError(
            f"applicant {applicant_id!r} has no procedural event to chart; add them with "
            "`guichets event add` or `guichets ingest documents --kind api|filing_confirmation`"
        )
    return save_figure(procedure_figure(t), Path(out))
