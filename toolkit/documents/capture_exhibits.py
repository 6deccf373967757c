"""Captures made by guichets in the exhibits: one série per month (or ISO week), each capture
shown by its screenshot and followed by its procès-verbal, and one « Preuve d'horodatage »
pièce listing every token. The files a reader needs to check them (artefacts, manifests,
tokens, roots, chains) are attached to these pièces.

:func:`plan_captures` gives the planner what to add and which attempts it must not show
again among the screenshots; the exhibit builder lays these pièces out with
:func:`layout_capture_piece` and attaches :func:`piece_attachments`.
"""

from __future__ import annotations

import hashlib
import io

from toolkit.documents.capture_facts import (
    CaptureFacts,
    TokenFact,
    capture_facts,
    capture_ids,
    verification_files,
)
from toolkit.documents.capture_pv import pv_attachments, pv_blocks
from toolkit.documents.evidence import Entry, Evidence
from toolkit.documents.flow import Frame, count_pages, render
from toolkit.documents.layout import A4_PORTRAIT, BOLD, HASH, SMALL
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
from toolkit.documents.plan import CapturePlan, Piece
from toolkit.documents.pv_text import local_fr
from toolkit.documents.timestamp_proof import TITLE as PROOF_TITLE
from toolkit.documents.timestamp_proof import applicant_tokens, proof_blocks
from toolkit.frenchdates import month_fr, period_fr, plural_fr
from toolkit.model import OUTCOME_LABELS_FR
from toolkit.workspace import Workspace

KINDS = ("self_captures", "timestamp_proof")
FRAME = Frame(margin=16.0, top=14.0, bottom=16.0)


def plan_captures(ws: Workspace, ev: Evidence, group: str) -> CapturePlan:
    ids = set(capture_ids(ws, ev.applicant.id))
    entries = [e for e in ev.online if e.key in ids]
    plan = CapturePlan(skip={e.key for e in entries})
    series: dict[str, list[Entry]] = {}
    for e in entries:
        assert e.day is not None
        iso = e.day.isocalendar()
        key = f"{iso.year}-S{iso.week:02d}" if group == "week" else e.day.strftime("%Y-%m")
        series.setdefault(key, []).append(e)
    captures = []
    for key, items in series.items():
        first, last = items[0].day, items[-1].day
        title = f"semaine {key[-2:]} de {key[:4]}" if group == "week" else month_fr(first)  # type: ignore[arg-type]
        n = len(items)
        noun = "capture" if n == 1 else "captures"
        captures.append(
            Piece(
                kind="self_captures",
                section="self_captures",
                label=f"Captures automatisées guichets et procès-verbaux de tentative, {title} "
                f"({n} {noun}, {period_fr(first, last)})",
                short=f"Captures_automatisees_{key}",
                entries=items,
                date_from=first,
                date_to=last,
                serie=True,
            )
        )
    tokens = applicant_tokens(ws, ev.applicant.id)
    proof = []
    if tokens:
        granted = sum(1 for t in tokens if t.gen_time is not None)
        proof.append(
            Piece(
                kind="timestamp_proof",
                section="timestamp_proof",
                label=f"{PROOF_TITLE} : jetons RFC 3161, heures et autorités ({_tokens_fr(granted)})",
                short="Preuve_d_horodatage",
            )
        )
    plan.pieces = {"self_captures": captures, "timestamp_proof": proof}
    seen = [(t.scope, t.tsa_url, str(t.gen_time), t.serial) for t in tokens]
    plan.fingerprint = hashlib.sha256(repr((sorted(ids), seen)).encode()).hexdigest()
    return plan


# --- layout ---------------------------------------------------------------------------------


def layout_capture_piece(ctx: RenderContext, piece: Piece) -> PieceLayout:
    if piece.kind == "timestamp_proof":
        return _layout_proof(ctx, piece)
    c = ctx.canvas
    facts = [capture_facts(ctx.ws, e.key) for e in piece.entries]
    blocks = [pv_blocks(f) for f in facts]
    counts = [count_pages(c, b, FRAME) for b in blocks]
    tiles = [screenshot_tiles(ctx.read(e)) for e in piece.entries]
    total = sum(counts) + sum(len(t) for t in tiles)
    result = PieceLayout(piece)
    number = 0

    def on_page(index: int, page: int, of: int) -> None:
        header(c, piece, A4_PORTRAIT[0])
        c.stamp(stamp_text(piece, page, of), A4_PORTRAIT[0], A4_PORTRAIT[1] - 5)

    for i, (e, f, b, n) in enumerate(zip(piece.entries, facts, blocks, counts, strict=True), 1):
        for k, tile in enumerate(tiles[i - 1], start=1):
            number += 1
            stamp = stamp_text(piece, number, total)
            result.pages.append(
                _screenshot_page(ctx, piece, e, f, i, stamp, tile, (k, len(tiles[i - 1])))
            )
        for index in render(c, b, on_page, FRAME, first=number + 1, total=total):
            result.pages.append(PageSpec(index))
        number += n
        ctx.tick(e.original.name or "" if e.original else "")
    return result


TILE_SLACK = 1.25  # a page up to 25 % taller than the box is shrunk, not cut


def screenshot_tiles(png: bytes) -> list[bytes | None]:
    """A tall full-page screenshot cut into page-high parts (lossless PNG crops of the
    original, which stays attached whole), so its text stays legible; ``[None]`` when the
    page fits: the original is placed as it is."""
    from PIL import Image

    width_mm = A4_PORTRAIT[0] - 2 * MARGIN
    first_h, next_h = A4_PORTRAIT[1] - 60, A4_PORTRAIT[1] - 40  # room under the captions
    info = image_info(png)
    if info.height <= info.width * first_h / width_mm * TILE_SLACK:
        return [None]
    out: list[bytes | None] = []
    with Image.open(io.BytesIO(png)) as img:
        img.load()
        top, room = 0, first_h
        while top < info.height:
            bottom = min(info.height, top + round(info.width * room / width_mm))
            buf = io.BytesIO()
            img.crop((0, top, info.width, bottom)).save(buf, format="PNG", compress_level=6)
            out.append(buf.getvalue())
            top, room = bottom, next_h
    return out


def _screenshot_page(
    ctx: RenderContext,
    piece: Piece,
    e: Entry,
    f: CaptureFacts,
    i: int,
    stamp: str,
    tile: bytes | None,
    part: tuple[int, int],
) -> PageSpec:
    c = ctx.canvas
    page_w, page_h = A4_PORTRAIT
    index = c.add_page(A4_PORTRAIT)
    header(c, piece, page_w)
    width = page_w - 2 * MARGIN
    k, parts = part
    cut = f" — page entière découpée en {parts} parties : partie {k}/{parts}" if parts > 1 else ""
    title = f"Capture automatisée {i}/{len(piece.entries)} — {local_fr(f.row['loaded_at'], f)}"
    if k == 1:
        outcome = OUTCOME_LABELS_FR.get(f.outcome, f.outcome)
        server = (
            f" ; heure du serveur (en-tête Date) : {local_fr(f.row['server_date'], f, ms=False)}"
            if f.row["server_date"]
            else ""
        )
        lines = [
            (BOLD, title + cut),
            (SMALL, "Source de l'heure : horloge de l'appareil à la réception de la page (capture "
                    f"guichets){server}"),
            (SMALL, f"Adresse de la page : {f.row['final_url']} (HTTP {f.row['http_status']})"),
            (SMALL, f"Résultat lu automatiquement sur la page : {outcome} ; procès-verbal de "
                    "tentative après la capture"),
            (HASH, f"SHA-256 : {f.artefacts[0].sha256} ({f.artefacts[0].name}, joint à cette "
                   "pièce)"),
        ]  # fmt: skip
    else:
        lines = [(BOLD, f"Capture automatisée {i}/{len(piece.entries)} (suite){cut}")]
    y = TOP
    for style, text in lines:
        y = c.draw_lines(MARGIN, y, c.wrap(text, width, style), style)
    c.rule(MARGIN, y + 1, page_w - MARGIN)
    top = y + 3
    info = image_info(tile if tile is not None else ctx.read(e))
    w, h = fit(info.width, info.height, width, page_h - top - 14)
    x = (page_w - w) / 2
    c.frame(x - 0.3, top - 0.3, w + 0.6, h + 0.6)
    c.stamp(stamp, page_w, page_h - 5)
    box = (x * PT_PER_MM, (page_h - top - h) * PT_PER_MM, w * PT_PER_MM, h * PT_PER_MM)
    if tile is None:
        return PageSpec(index, image=e, box=box)
    return PageSpec(index, inline_image=tile, box=box)


def _layout_proof(ctx: RenderContext, piece: Piece) -> PieceLayout:
    c = ctx.canvas
    applicant = ctx.ev.applicant
    tokens = applicant_tokens(ctx.ws, applicant.id)
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(applicant.tz)
    names = {
        e.key: (e.when.strftime("du %d/%m/%Y à %H:%M:%S") if e.when else e.key)
        for e in ctx.ev.online
    }
    blocks = proof_blocks(tokens, zone, names)

    def on_page(index: int, page: int, of: int) -> None:
        header(c, piece, A4_PORTRAIT[0])
        c.stamp(stamp_text(piece, page, of), A4_PORTRAIT[0], A4_PORTRAIT[1] - 5)

    result = PieceLayout(piece)
    for index in render(c, blocks, on_page, FRAME):
        result.pages.append(PageSpec(index))
    ctx.tick(PROOF_TITLE)
    return result


# --- attachments ------------------------------------------------------------------------------


def piece_attachments(ws: Workspace, piece: Piece, applicant_id: str) -> list[tuple[str, bytes]]:
    """The files attached to a pièce (none for pièces that are not about captures)."""
    if piece.kind == "self_captures":
        out: list[tuple[str, bytes]] = []
        for e in piece.entries:
            out += pv_attachments(ws, capture_facts(ws, e.key))
        return out
    if piece.kind == "timestamp_proof":
        tokens = applicant_tokens(ws, applicant_id)
        by_manifest: dict[str, list[TokenFact]] = {}
        names: dict[str, str] = {}
        for t in tokens:
            if t.gen_time is not None:
                by_manifest.setdefault(t.manifest_sha256, []).append(t)
                names[t.manifest_sha256] = t.manifest_name
        out = []
        for sha, granted in by_manifest.items():
            out += verification_files(ws, sha, names[sha], granted)
        return out
    return []


def _tokens_fr(count: int) -> str:
    return plural_fr(count, "jeton", "jetons")
