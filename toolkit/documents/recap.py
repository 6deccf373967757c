"""The two pièces made by guichets itself: the recap table and the timeline chart.

The recap lists every attempt and contact (whatever it showed), each time at its source's
precision, where the result came from (read, declared, checked), and the pièce and page
where its original is shown. It says what a hash proves, and holds no robot data.
"""

from __future__ import annotations

from toolkit.documents.captions import clock_of, note_fr, outcome_fr, time_source_fr
from toolkit.documents.evidence import Entry
from toolkit.documents.layout import A4_LANDSCAPE, HASH, SMALL, TITLE, Column, Style
from toolkit.documents.pdf import PT_PER_MM, fit, image_info
from toolkit.documents.pieces import (
    MARGIN,
    TOP,
    PageSpec,
    PieceLayout,
    RenderContext,
    header,
    layout_table,
    stamp_text,
)
from toolkit.documents.plan import Piece
from toolkit.frenchdates import period_fr, plural_fr
from toolkit.model import CHANNEL_LABELS_FR

CELL = Style(7, leading=1.25)
COLUMNS = (
    Column("N°", 9, CELL),
    Column("Date et heure locales", 31, CELL),
    Column("Source de l'heure", 30, CELL),
    Column("Canal", 15, CELL),
    Column("Adresse de la page", 56, CELL),
    Column("Résultat affiché ou objet", 42, CELL),
    Column("Fichier", 38, CELL),
    Column("SHA-256 (16 premiers)", 27, Style(6.5, family=HASH.family, leading=1.3)),
    Column("Pièce / page", 25, CELL),
)
DIRECTION_SHORT = {"sent": "envoyé", "received": "reçu"}
HASH_NOTE = (
    "L'empreinte SHA-256 d'un fichier établit qu'il n'a pas été modifié depuis son import dans "
    "guichets ; elle ne date pas la capture, dont l'heure et la source figurent dans le tableau."
)


def _result(e: Entry, with_notes: bool) -> str:
    if e.kind == "online":
        return outcome_fr(e, short=True)
    parts = [DIRECTION_SHORT.get(e.direction or "", "")]
    if e.subject:
        parts.append(f"« {e.subject} »")
    note = note_fr(e, with_notes)
    if note:
        parts.append(note)
    return " — ".join(p for p in parts if p)


def recap_rows(
    entries: list[Entry],
    *,
    locations: dict[str, tuple[int, int]] | None = None,
    with_notes: bool = False,
) -> list[list[str]]:
    """One row of text per attempt or contact, in the order of the table."""
    locations = locations or {}
    rows = []
    for i, e in enumerate(entries, start=1):
        where = locations.get(e.key)
        rows.append(
            [
                str(i),
                clock_of(e) + (" (heure non précisée)" if e.precision == "day" else ""),
                time_source_fr(e) if e.time_source else "",
                CHANNEL_LABELS_FR.get(e.kind, e.kind),
                (e.url or "")[:300],
                _result(e, with_notes)[:300],
                (e.original.name or "") if e.original else "",
                e.original.sha256[:16] if e.original else "",
                f"pièce {where[0]}, p. {where[1]}" if where else "—",
            ]
        )
    return rows


def summary_lines(ctx: RenderContext) -> list[str]:
    from toolkit.documents.letter_phrases import contacts_fr, join_fr, outcomes_fr
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
            f"Tentatives en ligne : {n}, {period_fr(ind['first_attempt'], ind['last_attempt'])} "
            f"(période de {plural_fr(ind['span_days'], 'jour', 'jours')}), sur "
            f"{plural_fr(ind['distinct_days'], 'jour distinct', 'jours distincts')}, à "
            f"{plural_fr(ind['distinct_hours'], 'heure', 'heures différentes')} de la journée."
        )
        lines.append(f"Résultats : {outcomes_fr(ind['by_outcome'])}.")
        bands = [f"{v} {HOUR_BAND_LABELS_FR[k]}" for k, v in ind["hour_bands"].items() if v]
        if bands:
            lines.append(f"Moments de la journée : {join_fr(bands)}.")
    contacts = contacts_fr(ind["contacts"])
    if contacts:
        lines.append(f"Démarches auprès de la préfecture : {contacts}.")
    lines.append(
        f"Les heures sont celles du fuseau de la préfecture ({a.tz}), avec leur décalage par "
        "rapport à UTC, à la précision de leur source (seconde, minute ou date seule), dont la "
        "nature est indiquée. Le résultat affiché est lu automatiquement sur la page ou l'image "
        "(« lu »), déclaré par le demandeur (« déclaré ») ou vérifié visuellement (« vérifié »). "
        "Les fichiers sont identifiés par leur empreinte SHA-256, reproduite en entier sur la "
        "page de chaque capture."
    )
    lines.append(HASH_NOTE)
    return lines


def layout_recap(ctx: RenderContext, piece: Piece) -> PieceLayout:
    intro = [(TITLE, "Tableau récapitulatif des tentatives et des démarches")]
    intro += [(SMALL, line) for line in summary_lines(ctx)]
    rows = recap_rows(piece.entries, locations=ctx.locations, with_notes=ctx.with_notes)
    result = layout_table(ctx, piece, intro, COLUMNS, rows, head_style=Style(7, "B", leading=1.25))
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
    """The timeline from charts.applicant, as a PNG (embedded losslessly), without the robot's
    probes: they enter the pièces only in their own pièce, with their author
    (``exhibits --with-robot-evidence``), never by default."""
    from toolkit.charts.applicant import applicant_chart_png

    return applicant_chart_png(ctx.ws, ctx.ev.applicant.id, probes=False)


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
