"""What every chart shares: French dates without a locale, a print-safe palette, and
deterministic files.

matplotlib is imported inside functions only (``guichets --help`` stays fast) and figures
are drawn on their own Agg canvas, never through pyplot: no global backend switch, nothing
left open in a notebook. :func:`write_chart` (and :func:`save_figure`, which records
nothing) picks the format from the suffix and pins everything that would make two runs
differ (creation dates, software versions, SVG ids), so the same data gives the same
bytes — exhibits need that. Files are written as ``toolkit.outputs`` writes every output.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError
from toolkit.frenchdates import (
    month_fr,
    short_date_fr,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from toolkit.workspace import Workspace

FORMATS = ("png", "svg", "pdf")
DPI = 150

# Readable in black and white: shades of grey, and a line style and marker for each series.
INK = "#000000"
GREY = "#6e6e6e"
LIGHT = "#b4b4b4"
SERIES: tuple[dict[str, Any], ...] = (
    {"color": INK, "linestyle": "-", "marker": "o"},
    {"color": GREY, "linestyle": "--", "marker": "s"},
    {"color": GREY, "linestyle": ":", "marker": "^"},
)
NO_DATA_HATCH = "////"
RC: dict[str, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.labelsize": 8,
    "legend.fontsize": 7,
    "xtick.labelsize": 7,
    "ytick.labelsize": 7,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "hatch.linewidth": 0.5,
    "svg.hashsalt": "guichets",
    "svg.fonttype": "path",
    "pdf.fonttype": 42,
}
_METADATA: dict[str, dict[str, Any]] = {
    "png": {"Software": None},
    "svg": {"Date": None, "Creator": None},
    "pdf": {"CreationDate": None, "ModDate": None, "Creator": None, "Producer": None},
}


def new_figure(width: float, height: float) -> Figure:
    """A figure on its own Agg canvas (pyplot is not involved)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def rc_context() -> Any:
    """``with rc_context(): ...`` draws with the shared style."""
    import matplotlib

    rc: Any = RC
    return matplotlib.rc_context(rc)


def date_axis(ax: Any, first: date, last: date) -> None:
    """French date ticks: « 12 mars » for short spans, « mars 2025 » for long ones."""
    from matplotlib.dates import AutoDateLocator, num2date
    from matplotlib.ticker import FuncFormatter

    long_span = (last - first).days > 120

    def fmt(value: float, _pos: int | None = None) -> str:
        day = num2date(value).date()
        return month_fr(day) if long_span else short_date_fr(day)

    ax.xaxis.set_major_locator(AutoDateLocator(minticks=3, maxticks=8))
    ax.xaxis.set_major_formatter(FuncFormatter(fmt))


def percent_axis(ax: Any, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    target = ax.yaxis if axis == "y" else ax.xaxis
    target.set_major_formatter(FuncFormatter(lambda v, _p=None: f"{v:.0f} %"))


def _format(path: Path) -> str:
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InputError(
            f"{path}: unknown chart format {path.suffix or '(no suffix)'!r}; "
            "name the file .png, .svg or .pdf"
        )
    return fmt


def figure_bytes(fig: Figure, fmt: str) -> bytes:
    """``fig`` as PNG, SVG or PDF bytes, the same bytes for the same figure."""
    import io

    import matplotlib

    buf = io.BytesIO()
    pinned: Any = {k: v for k, v in RC.items() if k.startswith(("svg.", "pdf."))}
    with matplotlib.rc_context(pinned):
        fig.savefig(buf, format=fmt, dpi=DPI, metadata=_METADATA[fmt])
    return buf.getvalue()


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Write ``fig`` as PNG, SVG or PDF (by the suffix), the same bytes for the same figure,
    through a temporary file renamed over ``path`` (never through a link); not recorded
    (notebooks). Commands record their charts with :func:`write_chart`."""
    from toolkit.outputs import check_target, stage_file

    path = check_target(None, path)
    tmp = stage_file(path, figure_bytes(fig, _format(path)))
    os.replace(tmp, path)
    return path


def write_chart(
    ws: Workspace,
    fig: Figure,
    path: str | Path,
    *,
    kind: str,
    inputs_digest: str,
    applicant_id: str | None = None,
) -> Path:
    """Write ``fig`` to ``path`` safely and record it in ``generated`` and custody."""
    from toolkit.outputs import write_output

    path = Path(path)
    data = figure_bytes(fig, _format(path))
    write_output(
        ws, path, data, kind=kind, action=kind, applicant_id=applicant_id,
        inputs_digest=inputs_digest,
    )  # fmt: skip
    return path
