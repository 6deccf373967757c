"""An applicant's exhibits, ready for Télérecours: one PDF per pièce, the inventaire détaillé,
``manifest.json`` and ``SHA256SUMS``.

Since 1 January 2021 every pièce is its own file whose name starts with its number in
the inventory (R. 412-2 and R. 414-5 CJA, décret 2020-1245). The folder is written
aside and moved into place at the end, so a failed build never leaves half a bundle;
the same store and options give the same bytes, so a filed bundle can be re-checked
with ``guichets verify DIR``.
"""

from __future__ import annotations

import io
import json
import math
import os
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit._version import __version__
from toolkit.documents.capture_exhibits import KINDS as CAPTURE_KINDS
from toolkit.documents.capture_exhibits import (
    layout_capture_piece,
    piece_attachments,
    plan_captures,
)
from toolkit.documents.evidence import Evidence, gather
from toolkit.documents.exhibit_folder import FORMAT, MANIFEST, SUMS, ExhibitFolder, place, prepare
from toolkit.documents.exhibit_folder import discard as discard_staging
from toolkit.documents.inventory import (
    InventoryHeader,
    layout_inventory,
    write_inventory_docx_and_pdf,
)
from toolkit.documents.layout import Canvas
from toolkit.documents.pdf import page_count, write_pdf
from toolkit.documents.pieces import PieceLayout, RenderContext, assemble, layout_originals
from toolkit.documents.plan import GROUPS, Piece, plan_exhibits
from toolkit.documents.procedure import procedure_view
from toolkit.errors import NO_SPACE, InputError, disk_full
from toolkit.progress import ProgressCallback, noop
from toolkit.vault import sha256_file
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    from pypdf import PdfReader

__all__ = ["FORMAT", "MANIFEST", "SUMS", "ExhibitsResult", "build_exhibits", "piece_record"]


@dataclass
class ExhibitsResult:
    out: Path
    applicant: str
    pieces: list[Piece]
    files: list[dict[str, Any]]  # {"path", "sha256", "size"} for every pièce and inventory file
    inputs_digest: str
    warnings: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # files in ``out`` that guichets did not make
    removed: list[str] = field(default_factory=list)  # pièces of an earlier build, now gone

    @property
    def manifest(self) -> Path:
        return self.out / MANIFEST

    @property
    def pages(self) -> int:
        return sum(p.pages for p in self.pieces)

    def summary(self) -> str:
        return f"{len(self.pieces)} pièce(s), {self.pages} page(s), inventory and manifest in {self.out}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "out": str(self.out),
            "applicant": self.applicant,
            "inputs_digest": self.inputs_digest,
            "pieces": [piece_record(p) for p in self.pieces],
            "files": self.files,
            "warnings": self.warnings,
            "kept": self.kept,
            "removed": self.removed,
        }


def piece_record(p: Piece) -> dict[str, Any]:
    return {
        "number": p.number,
        "file": p.filename,
        "label": p.full_label,
        "kind": p.kind,
        "section": p.section,
        "serie": p.serie,
        "part": p.part,
        "parts": p.parts,
        "date_from": p.date_from.isoformat() if p.date_from else None,
        "date_to": p.date_to.isoformat() if p.date_to else None,
        "pages": p.pages,
        "size": p.size,
        "sha256": p.sha256,
        "originals": p.originals,
        "operators": p.operators,
    }


def _check_options(max_file_mb: float, group: str) -> None:
    if group not in GROUPS:
        raise InputError(f"--group {group!r}: use one of {', '.join(GROUPS)}")
    if not math.isfinite(max_file_mb) or max_file_mb < 1:
        raise InputError(f"--max-file-mb {max_file_mb}: give at least 1 (Télérecours accepts 32)")


def _pdf_pages(ws: Workspace, ev: Evidence, budget: int) -> dict[str, int | None]:
    """Page counts of the PDF documents too large for one file (the only ones we split)."""
    out: dict[str, int | None] = {}
    for e in ev.documents:
        o = e.original
        if o is not None and o.family == "pdf" and o.size > budget:
            out[o.sha256] = page_count(ws.vault.read(o.sha256))
    return out


# The layout of each kind of pièce guichets draws itself ("module:function", imported when
# used); any other kind shows its originals (pieces.layout_originals).
LAYOUTS: dict[str, str] = {
    "recap": "toolkit.documents.recap:layout_recap",
    "chart": "toolkit.documents.recap:layout_chart",
    "robot": "toolkit.documents.robot:layout_robot",
    "procedure": "toolkit.documents.procedure:layout_procedure",
}
# Laid out last, once every other pièce knows on which page each original is shown.
LAID_OUT_LAST = ("recap", "procedure")


def _layout(ctx: RenderContext, piece: Piece) -> PieceLayout:
    from importlib import import_module

    if piece.kind in CAPTURE_KINDS:
        return layout_capture_piece(ctx, piece)

    target = LAYOUTS.get(piece.kind)
    if target is None:
        return layout_originals(ctx, piece)
    module, name = target.split(":")
    layout: PieceLayout = getattr(import_module(module), name)(ctx, piece)
    return layout


def _layout_all(ctx: RenderContext, planned: list[Piece]) -> list[PieceLayout]:
    """Every pièce's layout, in plan order; the recap after the others (its « Pièce / page »
    column needs their pages)."""
    done = {id(p): _layout(ctx, p) for p in planned if p.kind not in LAID_OUT_LAST}
    done.update({id(p): _layout(ctx, p) for p in planned if p.kind in LAID_OUT_LAST})
    return [done[id(p)] for p in planned]


MAX_ROUNDS = 6  # builds again with smaller budgets when a file came out over the limit


def build_exhibits(
    ws: Workspace,
    applicant_id: str,
    out: str | os.PathLike[str],
    *,
    max_file_mb: float = 32,
    group: str = "month",
    as_of: date | None = None,
    with_robot_evidence: bool = False,
    with_notes: bool = False,
    progress: ProgressCallback | None = None,
    document_timestamp_tsa: str | None = None,
) -> ExhibitsResult:
    """Write the applicant's exhibit folder to ``out`` (see the module doc).

    ``as_of``: the date of the situation the « Chronologie de la procédure » shows (default:
    the latest date of the evidence and events, so the same store gives the same bundle);
    ``with_robot_evidence``: add the pièce of the robot probes nearest each attempt, with
    who ran them and an attestation to sign (every robot must be described first: ``guichets
    source describe``); ``with_notes``: print the applicant's own notes in captions and the
    recap (left out by default: a note is the applicant's word, and may serve the other side);
    ``document_timestamp_tsa``: a TSA URL; each pièce then carries a PDF document timestamp
    (PAdES), and is no longer byte-for-byte reproducible.
    """
    from pypdf import PdfReader

    _check_options(max_file_mb, group)
    if float(max_file_mb).is_integer():  # 32 and 32.0 give the same bundle
        max_file_mb = int(max_file_mb)
    progress = progress or noop
    out = Path(out)
    ev = gather(ws, applicant_id)
    if with_robot_evidence:
        from toolkit.documents.robot import robot_evidence

        ev.robot = robot_evidence(ws, applicant_id, ev.window_minutes)
    view, withheld = procedure_view(ws, ev, as_of)
    if not ev.attempts and not ev.documents and view is None:
        raise InputError(
            f"applicant {applicant_id!r} has no attempt, contact or document yet, nor any event; "
            "ingest screenshots, captures or documents, or add events, first"
        )
    limit = int(max_file_mb * 1_000_000)
    budget = int(limit * 0.92)
    pdf_pages = _pdf_pages(ws, ev, budget)
    captures = plan_captures(ws, ev, group)
    options: dict[str, Any] = {"max_file_mb": max_file_mb, "group": group}
    if with_robot_evidence or with_notes:  # the digest of a default build stays as it was
        options.update(with_robot_evidence=with_robot_evidence, with_notes=with_notes)
    if as_of is not None:  # a situation date asked for is an option of the build
        options.update(as_of=as_of.isoformat())
    timeline = {"procedure": view} if view is not None else {}  # in the digest, not the options
    digest = ev.digest(**options, **timeline, captures=captures.fingerprint)
    when = ev.last_moment()
    folder = prepare(ws, out)
    staging = folder.staging
    budgets: dict[str, int] = {}
    chart_png: bytes | None = None
    try:
        for round_ in range(MAX_ROUNDS):
            planned = plan_exhibits(
                ev, max_file_mb=max_file_mb, group=group, pdf_pages=pdf_pages, budgets=budgets,
                self_captures=captures, procedure=view,
            )  # fmt: skip
            total = sum(max(1, len(p.entries)) for p in planned)
            ticks = [0]

            def tick(label: str, total: int = total, ticks: list[int] = ticks) -> None:
                ticks[0] += 1
                progress(min(ticks[0], total), total, label)

            ctx = RenderContext(
                ws, ev, when, Canvas(title="guichets", when=when), tick, chart_png, with_notes
            )
            layouts = _layout_all(ctx, planned)
            chart_png = ctx.chart_png
            for lay in layouts:
                lay.piece.pages = len(lay.pages)
            header = _inventory_header(ev, when, max_file_mb)
            inventory_pages = layout_inventory(ctx.canvas, header, planned)
            canvas = PdfReader(io.BytesIO(ctx.canvas.output()))
            oversize = _write_pieces(ctx, layouts, canvas, staging, limit)
            last_round = round_ == MAX_ROUNDS - 1
            retry = {p.group_id: p for p in oversize if _splittable(p)} if not last_round else {}
            if not retry:
                break
            for gid, p in retry.items():
                o = p.entries[0].original
                if p.kind == "document" and o is not None and o.sha256 not in pdf_pages:
                    pdf_pages[o.sha256] = page_count(ws.vault.read(o.sha256))
                current = budgets.get(gid, budget)
                budgets[gid] = max(
                    10_000, min(current * 9 // 10, current * limit // p.size * 9 // 10)
                )
            for f in staging.iterdir():
                f.unlink()
        warnings = [f"Chronologie de la procédure: {w}" for w in withheld]
        warnings += [
            f"pièce {p.number} ({p.filename}) is {p.size / 1e6:.1f} MB, over the {limit / 1e6:g} MB "
            "limit, and cannot be cut further (one original that large); compress the original "
            "or file it by another channel"
            for p in oversize
        ]
        stamped = _document_timestamps(planned, staging, document_timestamp_tsa, warnings)
        inventory = write_inventory_docx_and_pdf(
            staging, header, planned, canvas, inventory_pages, when=when
        )
        result = _finish(ws, ev, planned, inventory, folder, digest, header, options, warnings,
                         stamped)  # fmt: skip
    except OSError as e:
        discard_staging(folder)
        if e.errno in NO_SPACE:
            raise disk_full(out) from None
        raise
    except BaseException:
        discard_staging(folder)
        raise
    progress(total, total, "")
    return result


def _document_timestamps(
    pieces: list[Piece], staging: Path, tsa_url: str | None, warnings: list[str]
) -> dict[str, str]:
    """PAdES document timestamps on the pièces when asked; sizes and hashes updated."""
    if not tsa_url:
        return {}
    from toolkit.capture.tsa import resolve_tsas
    from toolkit.documents.pades import stamp_pieces

    stamped = stamp_pieces(
        [staging / p.filename for p in pieces], resolve_tsas([tsa_url])[0], warnings
    )
    for p in pieces:
        if p.filename in stamped:
            path = staging / p.filename
            p.size, p.sha256 = path.stat().st_size, sha256_file(path)
    return stamped


def _splittable(p: Piece) -> bool:
    """Whether a pièce over the limit can be cut: several originals, or a PDF of several pages."""
    if p.page_range is not None:
        return p.page_range[1] - p.page_range[0] > 1
    if p.kind == "document":
        o = p.entries[0].original
        return o is not None and o.family == "pdf" and p.pages > 1
    return len(p.entries) > 1


def _inventory_header(ev: Evidence, when: datetime, max_file_mb: float) -> InventoryHeader:
    from toolkit.documents.letter_phrases import identity_value
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture

    a = ev.applicant
    pref = get_prefecture(a.prefecture)
    return InventoryHeader(
        name=identity_value(ev.identity, "full_name"),
        applicant_id=a.id,
        prefecture=pref.label_fr,
        procedure=PROCEDURE_LABELS_FR.get(a.procedure, a.procedure),
        tribunal=a.tribunal,
        as_of=when.astimezone(pref.zone).date(),
        max_file_mb=max_file_mb,
    )


def _write_pieces(
    ctx: RenderContext, layouts: list[PieceLayout], canvas: PdfReader, staging: Path, limit: int
) -> list[Piece]:
    """Write every pièce; return those over the size limit."""
    oversize = []
    for lay in layouts:
        piece = lay.piece
        writer = assemble(ctx, lay, canvas)
        for name, data in piece_attachments(ctx.ws, piece, ctx.ev.applicant.id):
            writer.add_attachment(name, data)
        path = staging / piece.filename
        seed = "|".join(
            [FORMAT, __version__, piece.filename, piece.full_label,
             *(str(o["sha256"]) for o in piece.originals), str(piece.pages)]
        )  # fmt: skip
        title = f"Pièce n° {piece.number} — {piece.full_label}"
        write_pdf(writer, path, title=title, when=ctx.when, seed=seed)
        piece.size = path.stat().st_size
        piece.sha256 = sha256_file(path)
        if piece.size > limit:
            oversize.append(piece)
    return oversize


def _finish(
    ws: Workspace,
    ev: Evidence,
    pieces: list[Piece],
    inventory: dict[str, Path],
    folder: ExhibitFolder,
    digest: str,
    header: InventoryHeader,
    options: dict[str, Any],
    warnings: list[str],
    stamped: dict[str, str] | None = None,
) -> ExhibitsResult:
    a = ev.applicant
    files = [
        {
            "path": p.filename,
            "sha256": p.sha256,
            "size": p.size,
            "role": "piece",
            "number": p.number,
        }
        for p in pieces
    ]
    for role in ("docx", "pdf"):
        path = inventory[role]
        files.append(
            {
                "path": path.name,
                "sha256": sha256_file(path),
                "size": path.stat().st_size,
                "role": "inventory",
            }
        )
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "tool": f"guichets {__version__}",
        "applicant": a.id,
        "prefecture": a.prefecture,
        "procedure": a.procedure,
        "tribunal": a.tribunal,
        "tz": a.tz,
        "as_of": header.as_of.isoformat(),
        "options": {**options, "max_file_mb": header.max_file_mb},
        "inputs_digest": digest,
        "files": files,
        "pieces": [piece_record(p) for p in pieces],
        "warnings": warnings,
        **({"document_timestamps": stamped} if stamped else {}),
    }
    manifest_path = folder.staging / MANIFEST
    manifest_path.write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    sums: list[tuple[str, str]] = [(str(f["sha256"]), str(f["path"])) for f in files]
    manifest_sha = sha256_file(manifest_path)
    sums.append((manifest_sha, MANIFEST))
    (folder.staging / SUMS).write_text("".join(f"{h}  {p}\n" for h, p in sums), encoding="ascii")
    kinds = [(str(f["path"]), f"exhibits.{f['role']}") for f in files]
    place(
        ws,
        folder,
        [*kinds, (MANIFEST, "exhibits.manifest"), (SUMS, "exhibits.sums")],
        applicant_id=a.id,
        inputs_digest=digest,
        detail={
            "out": str(folder.out),
            "pieces": len(pieces),
            "pages": sum(p.pages for p in pieces),
            "manifest_sha256": manifest_sha,
            "warnings": len(warnings),
        },
    )
    return ExhibitsResult(
        folder.out, a.id, pieces, files, digest, warnings, folder.kept, folder.removed
    )
