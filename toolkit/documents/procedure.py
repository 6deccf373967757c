"""The « Chronologie de la procédure » pièce: the chart, the events with their sources, and
the dates computed from them with the rule each rests on.

A pièce is read by the judge and by the préfet's lawyer: it prints facts and the dates the
rules give, never a remedy or a strategy. What could serve the other side is left out and
named in the exhibits' warnings (for the lawyer's note): a filing outside the R. 431-5
window, a coverage gap when the attestation is not owed as of right, an implicit rejection
whose date rests on an unknown completeness, a time to sue already run.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from toolkit.documents import pieces
from toolkit.documents.evidence import Evidence
from toolkit.documents.layout import A4_LANDSCAPE, HASH, SMALL, TITLE, Column, Style, Table
from toolkit.documents.pdf import PT_PER_MM, fit, image_info
from toolkit.documents.plan import Piece
from toolkit.frenchdates import date_fr

if TYPE_CHECKING:
    from toolkit.workspace import Workspace

CHECK = "oui"
CELL = Style(7.2, leading=1.25)
SHA_CELL = Style(6.5, family=HASH.family, leading=1.3)
# (title, width in mm) of each table; the SHA-256 column is set in the monospaced font
EVENT_COLUMNS = tuple(
    Column(title, width, SHA_CELL if title.startswith("SHA") else CELL)
    for title, width in (
        ("N°", 9), ("Date", 22), ("Événement", 62), ("Précisions", 56), ("Source", 29),
        ("Fichier", 46), ("Pièce / page", 22), ("SHA-256 (16 premiers)", 27),
    )
)  # fmt: skip
DATE_COLUMNS = tuple(
    Column(title, width, CELL)
    for title, width in (
        ("Date calculée", 62), ("Date", 26), ("Calcul", 95), ("Règle et source", 72),
        ("À vérifier", 18),
    )
)  # fmt: skip
SOURCE_FR = {
    "declared": "déclaré par le demandeur",
    "document": "lu sur le document",
    "capture": "relevé sur une capture ou un courriel",
}
INTRO = (
    "Les événements sont datés par les documents de la procédure lorsqu'ils ont été lus sur "
    "eux, par une capture du téléservice ou un courriel, ou par la déclaration du demandeur ; la "
    "source de chacun est indiquée. Les dates calculées résultent des règles citées ; celles qui "
    "reposent sur une règle non vérifiée dans une source officielle sont marquées « à vérifier »."
)


def piece_view(t: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """What the pièce shows of a timeline, and what it leaves out (for the lawyer)."""
    f = t["facts"]
    withheld: list[str] = []
    w = f.get("renewal_window")
    if w and w.get("opens") and w.get("position") != "on_time":
        withheld.append(
            "la fenêtre de dépôt de l'art. R. 431-5 n'est pas montrée : le dépôt enregistré est "
            "hors de cette fenêtre" if w.get("position") else
            "la fenêtre de dépôt n'est pas montrée : aucun dépôt enregistré"
        )  # fmt: skip
        w = None
    api = dict(f["api"])
    if api["owed_from"] is None:
        if api["uncovered_days"]:
            withheld.append(
                "les périodes sans document ne sont pas montrées : l'attestation n'est pas due "
                "de plein droit (" + "; ".join(api["not_owed_because"]) + ")"
            )
        api["gaps"] = []
    d = dict(f["dir"])
    if d.get("conditional"):
        withheld.append(
            "la date de naissance d'une décision implicite n'est pas montrée : la complétude de la "
            "demande n'est pas établie"
        )
        d["date"] = None
    rec = f.get("recourse")
    if rec and not d.get("arisen") and rec["against"].startswith("décision implicite"):
        rec = None  # no time to sue runs against a decision not yet born
    if rec and rec.get("passed"):
        withheld.append(
            f"le délai de recours de deux mois ({date_fr(rec['deadline'])}) n'est pas montré : "
            "il est dépassé s'il a couru"
        )
        rec = None
    facts = {**f, "renewal_window": w, "api": api, "dir": d, "recourse": rec}
    return {**t, "facts": facts}, withheld


def procedure_view(
    ws: Workspace, ev: Evidence, as_of: date | None = None
) -> tuple[dict[str, Any] | None, list[str]]:
    """The timeline as the pièce shows it, and what it leaves out; None without events.

    ``as_of`` defaults to the latest date of the evidence and events, so that the same store
    gives the same pièce whatever the day it is built."""
    from toolkit.reference import get_prefecture
    from toolkit.timeline.events import timeline_events
    from toolkit.timeline.gather import procedural_timeline

    a = ev.applicant
    events = timeline_events(ws, a.id)
    if not events:
        return None, []
    if as_of is None:
        last = ev.last_moment().astimezone(get_prefecture(a.prefecture).zone).date()
        as_of = max([last, *(e.date for e in events)])
    return piece_view(procedural_timeline(ws, a.id, today=as_of))


def event_rows(
    t: dict[str, Any], shown: dict[str, tuple[int, int]] | None = None
) -> list[list[str]]:
    """One row per event; ``shown``: file sha256 -> (pièce, page) where the file is filed."""
    from toolkit.ingest.events import EVENT_KINDS

    shown = shown or {}
    rows = []
    for n, e in enumerate(t["events"], start=1):
        details = []
        if e.get("until"):
            details.append(f"valable jusqu'au {date_fr(e['until'])}")
        if e.get("reference"):
            details.append(f"référence {e['reference']}")
        if e.get("note"):
            details.append(str(e["note"]))
        rows.append(
            [
                str(n),
                e["date"].strftime("%d/%m/%Y"),
                EVENT_KINDS[e["kind"]].label,
                " ; ".join(details),
                SOURCE_FR.get(e["source"], e["source"]),
                e.get("file") or "",
                "pièce {}, p. {}".format(*shown[e["sha256"]]) if e.get("sha256") in shown else "",
                (e.get("sha256") or "")[:16],
            ]
        )
    return rows


def date_rows(view: dict[str, Any]) -> list[list[str]]:
    """The computed dates the pièce shows, each with how and by which rule."""
    f = view["facts"]
    rows: list[list[str]] = []

    def add(label: str, day: date | None, how: str, rule: str, unsure: bool) -> None:
        if day is not None:
            rows.append([label, day.strftime("%d/%m/%Y"), how, rule, CHECK if unsure else "non"])

    if f.get("permit_expiry"):
        add("Fin de validité du titre de séjour", f["permit_expiry"], "date portée sur le titre",
            "—", False)  # fmt: skip
    w = f.get("renewal_window")
    if w:
        how = f"du {date_fr(w['opens'])} au {date_fr(w['closes'])} ; dépôt du {date_fr(f['filing']['date'])}"
        add("Fenêtre de dépôt (fin)", w["closes"], how, w["source"], bool(w["to_verify"]))
    api = f["api"]
    if api["owed_from"]:
        gaps = api["gaps"]
        how = "lendemain de l'expiration du titre, la demande étant complète"
        if gaps:
            how += " ; sans document : " + ", ".join(
                f"du {date_fr(g['from'])} au {date_fr(g['to'])} ({g['days']} jours)" for g in gaps
            )
        add("Attestation de prolongation d'instruction due à partir du", api["owed_from"], how,
            api["basis"], bool(api["to_verify"]))  # fmt: skip
    d = f["dir"]
    if d.get("date"):
        add("Naissance de la décision implicite de rejet", d["date"], d["basis"],
            "art. R. 432-1 et R. 432-2 CESEDA", bool(d["to_verify"]))  # fmt: skip
    rec = f.get("recourse")
    if rec and rec.get("deadline"):
        add(f"Délai de recours contre la {rec['against']}", rec["deadline"], rec["basis"],
            "art. R. 421-1 CJA ; art. L. 232-4 CRPA", bool(rec["to_verify"]))  # fmt: skip
    return rows


def _shown(ctx: pieces.RenderContext) -> dict[str, tuple[int, int]]:
    """File sha256 -> (pièce, page) of the originals already laid out in the exhibits."""
    out: dict[str, tuple[int, int]] = {}
    for e in [*ctx.ev.attempts, *ctx.ev.documents]:
        if e.original is not None and e.key in ctx.locations:
            out.setdefault(e.original.sha256, ctx.locations[e.key])
    return out


def chart_png(view: dict[str, Any]) -> bytes:
    """The chart of :mod:`toolkit.charts.procedure` as PNG bytes (embedded losslessly; made
    in memory: nothing about the applicant is written outside the workspace)."""
    from toolkit.charts.procedure import procedure_figure
    from toolkit.charts.style import figure_bytes

    return figure_bytes(procedure_figure(view), "png")


SUBTITLE = Style(10, "B")


def layout_procedure(ctx: pieces.RenderContext, piece: Piece) -> pieces.PieceLayout:
    """Page 1: the chart; then the events table and the computed dates (``piece.view``)."""
    view = piece.view
    assert view is not None
    c = ctx.canvas
    page_w, page_h = A4_LANDSCAPE
    width = page_w - 2 * pieces.MARGIN
    bottom = page_h - 14
    events = Table(c, EVENT_COLUMNS, head_style=Style(7.2, "B", leading=1.25))
    dates = Table(c, DATE_COLUMNS, head_style=Style(7.2, "B", leading=1.25))
    measured = events.measure(event_rows(view, _shown(ctx)))
    computed = dates.measure(date_rows(view))
    title_h = SUBTITLE.line_mm + 1
    pages = Table.paginate(
        measured, events.head[1], bottom - pieces.TOP - title_h, bottom - pieces.TOP
    )
    last_y = pieces.TOP + (title_h if len(pages) == 1 else 0) + events.head[1]
    last_y += sum(measured[i][1] for i in pages[-1]) + 5
    dates_h = title_h + dates.head[1] + sum(h for _, h in computed)
    own_page = bool(computed) and last_y + dates_h > bottom
    total = 1 + len(pages) + (1 if own_page else 0)
    result = pieces.PieceLayout(piece)

    def new_page() -> int:
        index = c.add_page(A4_LANDSCAPE)
        pieces.header(c, piece, page_w)
        c.stamp(pieces.stamp_text(piece, len(result.pages) + 1, total), page_w, page_h - 5)
        return index

    index = new_page()
    y = c.paragraph(pieces.MARGIN, pieces.TOP, width, piece.full_label, TITLE) + 1
    y = (
        c.paragraph(
            pieces.MARGIN, y, width, f"Situation au {date_fr(view['as_of'])}. {INTRO}", SMALL
        )
        + 2
    )
    png = chart_png(view)
    info = image_info(png)
    w, h = fit(info.width, info.height, width, bottom - y)
    box = ((page_w - w) / 2 * PT_PER_MM, (page_h - y - h) * PT_PER_MM, w * PT_PER_MM, h * PT_PER_MM)
    result.pages.append(pieces.PageSpec(index, inline_image=png, box=box))
    for n, rows in enumerate(pages):
        result.pages.append(pieces.PageSpec(new_page()))
        y = pieces.TOP
        if n == 0:
            y = c.paragraph(pieces.MARGIN, y, width, "Événements de la procédure", SUBTITLE) + 1
        y = events.draw(pieces.MARGIN, y, [measured[i] for i in rows]) + 5
    if computed:
        if own_page:
            result.pages.append(pieces.PageSpec(new_page()))
            y = pieces.TOP
        y = c.paragraph(pieces.MARGIN, y, width, "Dates calculées", SUBTITLE) + 1
        dates.draw(pieces.MARGIN, y, computed)
    ctx.tick("")
    return result
