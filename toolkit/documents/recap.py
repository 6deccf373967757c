"""The two pièces made by guichets itself: the recap table and the timeline chart."""

from __future__ import annotations

from toolkit.documents.evidence import Entry
from toolkit.documents.layout import A4_LANDSCAPE, HASH, SMALL, TITLE, Column, Style, Table
from toolkit.documents.pdf import PT_PER_MM, fit, image_info
from toolkit.documents.pieces import (
    MARGIN,
    TOP,
    PageSpec,
    PieceLayout,
    RenderContext,
    header,
    stamp_text,
)
from toolkit.documents.plan import Piece
from toolkit.frenchdates import period_fr, plural_fr, utc_offset
from toolkit.model import CHANNEL_LABELS_FR, OUTCOME_LABELS_FR, TIME_SOURCE_LABELS_FR

CELL = Style(7, leading=1.25)
COLUMNS = (
    Column("N°", 9, CELL),
    Column("Date et heure locales", 31, CELL),
    Column("Source de l'heure", 27, CELL),
    Column("Canal", 16, CELL),
    Column("Adresse de la page", 58, CELL),
    Column("Résultat ou objet", 38, CELL),
    Column("Fichier", 41, CELL),
    Column("SHA-256 (16 premiers)", 27, Style(6.5, family=HASH.family, leading=1.3)),
    Column("Corroboration", 26, CELL),
)
CORROBORATION_SHORT = {"corroborated": "confirmée", "contradicted": "contredite"}
DIRECTION_SHORT = {"sent": "envoyé", "received": "reçu"}


def _when(e: Entry) -> str:
    if e.when is None:
        return e.day.strftime("%d/%m/%Y") if e.day else ""
    if e.date_only:
        return e.when.strftime("%d/%m/%Y") + " (heure non précisée)"
    return f"{e.when:%d/%m/%Y %H:%M:%S} {utc_offset(e.when)}"


def _result(e: Entry) -> str:
    if e.kind == "online":
        return OUTCOME_LABELS_FR.get(e.outcome or "unknown", e.outcome or "")
    parts = [DIRECTION_SHORT.get(e.direction or "", "")]
    if e.subject:
        parts.append(f"« {e.subject} »")
    if e.note:
        parts.append(e.note)
    return " — ".join(p for p in parts if p)


def recap_rows(entries: list[Entry], *, window: int) -> list[list[str]]:
    """One row of text per attempt or contact, in the order of the table."""
    rows = []
    for i, e in enumerate(entries, start=1):
        corro = CORROBORATION_SHORT.get(e.corroboration or "", "")
        rows.append(
            [
                str(i),
                _when(e),
                TIME_SOURCE_LABELS_FR.get(e.time_source or "", e.time_source or ""),
                CHANNEL_LABELS_FR.get(e.kind, e.kind),
                (e.url or "")[:300],
                _result(e)[:300],
                (e.original.name or "") if e.original else "",
                e.original.sha256[:16] if e.original else "",
                f"{corro} (± {window} min)" if corro else "",
            ]
        )
    return rows


def summary_lines(ctx: RenderContext) -> list[str]:
    from toolkit.documents.letter_context import contacts_fr, join_fr, outcomes_fr
    from toolkit.indicators.applicant import HOUR_BAND_LABELS_FR, applicant_indicators
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture

    a = ctx.ev.applicant
    ind = applicant_indicators(ctx.ws, a.id, window_minutes=ctx.ev.window_minutes)
    pref = get_prefecture(a.prefecture)
    lines = [
        f"Dossier {a.id} — {pref.label_fr} — démarche : {PROCEDURE_LABELS_FR.get(a.procedure, a.procedure)}.",
    ]
    n = ind["attempts"]
    if n:
        lines.append(
            f"Tentatives en ligne : {n}, {period_fr(ind['first_attempt'], ind['last_attempt'])}, "
            f"sur {plural_fr(ind['distinct_days'], 'jour distinct', 'jours distincts')} et "
            f"{plural_fr(ind['distinct_iso_weeks'], 'semaine distincte', 'semaines distinctes')}, "
            f"à {plural_fr(ind['distinct_hours'], 'heure', 'heures différentes')} de la journée."
        )
        lines.append(f"Résultats : {outcomes_fr(ind['by_outcome'])}.")
        bands = [f"{v} {HOUR_BAND_LABELS_FR[k]}" for k, v in ind["hour_bands"].items() if v]
        if bands:
            lines.append(f"Moments de la journée : {join_fr(bands)}.")
    contacts = contacts_fr(ind["contacts"])
    if contacts:
        lines.append(f"Démarches auprès de la préfecture : {contacts}.")
    corro = ind["corroboration"]
    if corro.get("covered"):
        lines.append(
            f"Relevés automatiques à ± {corro['window_minutes']} min : "
            f"{plural_fr(corro['covered'], 'tentative couverte', 'tentatives couvertes')}, "
            f"{plural_fr(corro['corroborated'], 'confirmée', 'confirmées')}, "
            f"{plural_fr(corro['contradicted'], 'contredite', 'contredites')}."
        )
    lines.append(
        f"Les heures sont celles du fuseau de la préfecture ({a.tz}), avec leur décalage par rapport "
        "à UTC ; la source de chaque heure est indiquée. Les fichiers sont identifiés par leur "
        "empreinte SHA-256, reproduite en entier sur la page de chaque capture."
    )
    return lines


def layout_recap(ctx: RenderContext, piece: Piece) -> PieceLayout:
    c = ctx.canvas
    page_w, page_h = A4_LANDSCAPE
    width = page_w - 2 * MARGIN
    intro = [(TITLE, "Tableau récapitulatif des tentatives et des démarches")]
    intro += [(SMALL, line) for line in summary_lines(ctx)]
    intro_h = sum(len(c.wrap(t, width, s)) * s.line_mm for s, t in intro) + 3
    table = Table(c, COLUMNS, head_style=Style(7, "B", leading=1.25))
    measured = table.measure(recap_rows(piece.entries, window=ctx.ev.window_minutes))
    room = page_h - TOP - 14
    pages = Table.paginate(measured, table.head[1], room - intro_h, room)
    result = PieceLayout(piece)
    for n, rows in enumerate(pages, start=1):
        index = c.add_page(A4_LANDSCAPE)
        header(c, piece, page_w)
        y = TOP
        if n == 1:
            for style, text in intro:
                y = c.paragraph(MARGIN, y, width, text, style) + 0.6
            y += 2
        table.draw(MARGIN, y, [measured[i] for i in rows])
        c.stamp(stamp_text(piece, n, len(pages)), page_w, page_h - 5)
        result.pages.append(PageSpec(index))
        for _ in rows:
            ctx.tick("")
    return result


CHART_NOTE = (
    "Chaque tentative en ligne est placée à sa date (abscisse) et à son heure locale (ordonnée) ; "
    "la forme du point indique le résultat. Les démarches auprès de la préfecture sont marquées en "
    "haut du graphique, et la fin de validité du titre de séjour par une ligne rouge lorsqu'elle est "
    "proche."
)


def make_chart(ctx: RenderContext) -> bytes:
    """The timeline from charts.applicant, as a PNG (embedded losslessly)."""
    from toolkit.charts.applicant import applicant_chart_png

    return applicant_chart_png(ctx.ws, ctx.ev.applicant.id)


def layout_chart(ctx: RenderContext, piece: Piece) -> PieceLayout:
    c = ctx.canvas
    if ctx.chart_png is None:
        ctx.chart_png = make_chart(ctx)
    page_w, page_h = A4_LANDSCAPE
    width = page_w - 2 * MARGIN
    index = c.add_page(A4_LANDSCAPE)
    header(c, piece, page_w)
    y = c.paragraph(MARGIN, TOP, width, piece.full_label, TITLE) + 1
    y = c.paragraph(MARGIN, y, width, CHART_NOTE, SMALL) + 3
    info = image_info(ctx.chart_png)
    w, h = fit(info.width, info.height, width, page_h - y - 14)
    x = (page_w - w) / 2
    c.stamp(stamp_text(piece, 1, 1), page_w, page_h - 5)
    box = (x * PT_PER_MM, (page_h - y - h) * PT_PER_MM, w * PT_PER_MM, h * PT_PER_MM)
    ctx.tick("")
    return PieceLayout(piece, [PageSpec(index, inline_image=ctx.chart_png, box=box)])
