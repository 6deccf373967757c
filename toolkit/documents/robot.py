"""The robot pièce (``exhibits --with-robot-evidence``): who ran the robot and how, the
probes of the same service nearest before and after each attempt, and an attestation for
the operator to sign.

Robot probes enter the exhibits only here, as their own pièce, and only when every robot
used is described (``guichets source describe``): an anonymous crawl proves nothing before
a judge. The pièce states what each probe saw, at what time; it draws no conclusion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from toolkit.documents.layout import (
    A4_PORTRAIT,
    BODY,
    BOLD,
    SMALL,
    TITLE,
    Column,
    Style,
)
from toolkit.documents.pieces import (
    MARGIN,
    TOP,
    PageSpec,
    PieceLayout,
    header,
    layout_table,
    stamp_text,
)
from toolkit.documents.plan import Piece
from toolkit.errors import InputError
from toolkit.frenchdates import period_fr, plural_fr
from toolkit.reference.law import cite

if TYPE_CHECKING:
    from toolkit.documents.evidence import Evidence
    from toolkit.documents.pieces import RenderContext
    from toolkit.workspace import Workspace

CELL = Style(7.5, leading=1.25)
COLUMNS = (
    Column("N°", 9, CELL),
    Column("Tentative (heure locale, fichier)", 78, CELL),
    Column("Relevé antérieur le plus proche", 68, CELL),
    Column("Relevé postérieur le plus proche", 68, CELL),
    Column("Mise en ligne annoncée par le service", 50, CELL),
)
TODO = "[à compléter : {}]"


@dataclass
class RobotSource:
    name: str
    operator: str
    method: str | None
    frequency: str | None
    files: list[tuple[str, str]]  # (file name, sha256) of the exports read
    probes: int  # probes of the applicant's préfecture and procedure in those exports
    first: date | None
    last: date | None


@dataclass
class RobotEvidence:
    window_minutes: int
    prefecture: str
    procedure: str
    sources: list[RobotSource] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)  # corroboration rows covered

    @property
    def operators(self) -> list[str]:
        return sorted({s.operator for s in self.sources})

    def digest_payload(self) -> dict[str, Any]:
        return {
            "sources": [vars(s) for s in self.sources],
            "rows": [{k: str(v) for k, v in r.items()} for r in self.rows],
        }


def robot_evidence(ws: Workspace, applicant_id: str, window_minutes: int) -> RobotEvidence:
    """The covered attempts and the described sources of their nearest probes.

    InputError when a source has no description: name its operator first.
    """
    from toolkit.applicants import get_applicant
    from toolkit.indicators.corroboration import corroboration_rows
    from toolkit.sources import get_description, source_name

    a = get_applicant(ws, applicant_id)
    rows = [
        r
        for r in corroboration_rows(ws, applicant_id, window_minutes=window_minutes)
        if r["probes_nearby"]
    ]
    sides = [(r, s) for r in rows for s in ("before", "after") if r[f"{s}_at"] is not None]
    if any(r[f"{s}_source"] is None for r, s in sides):
        raise InputError(
            "some robot probes near the attempts were not recorded by `guichets ingest crawl` "
            "and have no source: their author cannot be named, so they cannot be produced; "
            "ingest the robot's export instead"
        )
    ids = sorted({r[f"{s}_source"] for r, s in sides})
    names: dict[str, list[str]] = {}
    for sid in ids:
        names.setdefault(source_name(ws, sid) or sid, []).append(sid)
    missing = [n for n in names if get_description(ws, n) is None]
    if missing:
        raise InputError(
            f"robot probes of {', '.join(missing)} have no author on record: run `guichets "
            f"source describe {missing[0]} --operator WHO --method HOW --frequency HOW_OFTEN` "
            "first (a judge weighs a robot's probes only with who ran it and how)"
        )
    ev = RobotEvidence(window_minutes, a.prefecture, a.procedure)
    for name, sids in names.items():
        d = get_description(ws, name)
        assert d is not None
        marks = ",".join("?" * len(sids))
        files = ws.con.execute(
            f"SELECT DISTINCT coalesce(f.original_name, b.file_sha256), b.file_sha256 "
            f"FROM probe_batches b LEFT JOIN files f ON f.sha256 = b.file_sha256 "
            f"WHERE b.source_id IN ({marks}) AND b.file_sha256 IS NOT NULL ORDER BY 1",
            sids,
        ).fetchall()
        count, first, last = ws.con.execute(
            f"SELECT count(*), min(local_date), max(local_date) FROM probes_local "
            f"WHERE source_id IN ({marks}) AND prefecture = ? AND procedure = ?",
            [*sids, a.prefecture, a.procedure],
        ).fetchone() or (0, None, None)
        ev.sources.append(
            RobotSource(name, d["operator"], d["method"], d["frequency"],
                        [(str(n), str(h)) for n, h in files], int(count), first, last)
        )  # fmt: skip
    ev.rows = rows
    return ev


def robot_pieces(ev: Evidence) -> list[Piece]:
    """The robot pièce, when robot evidence was gathered and covers an attempt."""
    robot = ev.robot
    if robot is None or not robot.rows:
        return []
    days = [r["local_time"].date() for r in robot.rows]
    label = (
        "Relevés automatiques du service de prise de rendez-vous les plus proches de chaque "
        f"tentative, et attestation de leur auteur (opérateur : {', '.join(robot.operators)} ; "
        f"{period_fr(min(days), max(days))})"
    )
    return [
        Piece("robot", "robot", label, "Releves_automatiques_du_service", [], min(days),
              max(days), group_id="robot", operators=robot.operators)
    ]  # fmt: skip


def _stamp(value: datetime | None) -> str:
    return value.strftime("%d/%m/%Y %H:%M:%S") if value else ""


def probe_cell(r: dict[str, Any], side: str) -> str:
    at = r[f"{side}_at"]
    if at is None:
        return "aucun relevé dans la fenêtre"
    minutes = r[f"minutes_{side}"]
    where = "avant" if side == "before" else "après"
    if r[f"{side}_outcome"] == "no_slot":
        seen = "aucun créneau"
    else:
        slots, first = r[f"{side}_slots"], r[f"{side}_first_slot"]
        seen = "créneaux disponibles" + (f" ({slots})" if slots else "")
        if first:
            seen += f", premier le {first:%d/%m/%Y}"
    return f"{_stamp(at)} ({minutes} min {where}) : {seen}"


def robot_rows(ctx: RenderContext) -> list[list[str]]:
    from toolkit.documents.captions import clock_of

    entries = {e.key: e for e in ctx.ev.online}
    robot = ctx.ev.robot
    out = []
    for i, r in enumerate(robot.rows, start=1):
        e = entries.get(r["attempt_id"])
        name = e.original.name if e is not None and e.original else ""
        when = clock_of(e) if e is not None else _stamp(r["local_time"])
        pub = r["publication_at"]
        out.append(
            [str(i), f"{when} — {name}", probe_cell(r, "before"), probe_cell(r, "after"),
             pub.strftime("%d/%m/%Y %H:%M") if pub else ""]
        )  # fmt: skip
    return out


def _intro(ctx: RenderContext) -> list[tuple[Style, str]]:
    from toolkit.reference import PROCEDURE_LABELS_FR, get_prefecture

    robot = ctx.ev.robot
    pref = get_prefecture(robot.prefecture)
    lines: list[tuple[Style, str]] = [
        (TITLE, "Relevés automatiques du service de prise de rendez-vous"),
        (
            SMALL,
            f"Relevés de la {pref.label_fr} pour la démarche « "
            f"{PROCEDURE_LABELS_FR.get(robot.procedure, robot.procedure)} », du même formulaire "
            "de réservation lorsque l'adresse des pages le précise, faits dans les "
            f"{robot.window_minutes} minutes avant ou après chaque tentative. Seuls les relevés "
            "qui ont pu lire la page (aucun créneau ou créneaux disponibles) sont retenus ; "
            "les heures sont locales, à la seconde, comme le robot les a enregistrées.",
        ),
    ]
    for s in robot.sources:
        files = "; ".join(f"{n} (SHA-256 {h})" for n, h in s.files) or "—"
        lines.append((BOLD, f"Relevés « {s.name} »"))
        lines.append(
            (
                SMALL,
                f"Opérateur : {s.operator}. Méthode : {s.method or TODO.format('méthode')}. "
                f"Fréquence : {s.frequency or TODO.format('fréquence')}. {_probes_fr(s.probes)} de "
                f"cette démarche {period_fr(s.first, s.last)}. "
                f"{'Fichiers' if len(s.files) > 1 else 'Fichier'} : {files}.",
            )
        )
    return lines


def _attestation(ctx: RenderContext, s: RobotSource) -> list[tuple[Style, str]]:
    from toolkit.documents.letter_phrases import identity_value

    name = identity_value(ctx.ev.identity, "full_name")
    files = "; ".join(f"« {n} » (empreinte SHA-256 {h})" for n, h in s.files)
    return [
        (TITLE, "Attestation de l'auteur des relevés"),
        (
            BODY,
            # the operator's name is typed by a user (« Association Test », « La Cimade »,
            # « l'Observatoire… »): named after a colon, never after « de » or « par »
            f"Je soussigné(e) {TODO.format('nom et prénom')}, {TODO.format('qualité')} au sein "
            f"de l'organisation suivante : {s.operator}, atteste que les relevés « {s.name} » "
            "présentés dans la présente pièce ont été réalisés par un programme automatique "
            "exploité par cette organisation, selon la méthode suivante : "
            f"{s.method or TODO.format('méthode')}, à la fréquence suivante : "
            f"{s.frequency or TODO.format('fréquence')}.",
        ),
        (
            BODY,
            "J'atteste que ces relevés ont été réalisés sans intervention de la personne dont "
            f"les tentatives sont présentées ({name}), et que "
            f"le ou les fichiers d'export {files} en reproduisent les résultats sans "
            "modification.",
        ),
        (
            BODY,
            "J'ai connaissance de ce qu'une attestation inexacte m'expose à des sanctions "
            f"pénales ({cite('code_penal_441_7')}). Je joins une copie de ma pièce d'identité.",
        ),
        (BODY, f"Fait à {TODO.format('lieu')}, le {TODO.format('date')}."),
        (BODY, "Signature :"),
    ]


def layout_robot(ctx: RenderContext, piece: Piece) -> PieceLayout:
    c = ctx.canvas
    attestations = [_attestation(ctx, s) for s in ctx.ev.robot.sources]
    result = layout_table(
        ctx, piece, _intro(ctx), COLUMNS, robot_rows(ctx),
        head_style=Style(7.5, "B", leading=1.25), extra_pages=len(attestations),
    )  # fmt: skip
    first = len(result.pages)
    total = first + len(attestations)
    pw, ph = A4_PORTRAIT
    for k, lines in enumerate(attestations, start=first + 1):
        index = c.add_page(A4_PORTRAIT)
        header(c, piece, pw)
        y = TOP + 4
        for style, text in lines:
            y = c.paragraph(MARGIN + 8, y, pw - 2 * (MARGIN + 8), text, style) + 4
        c.stamp(stamp_text(piece, k, total), pw, ph - 5)
        result.pages.append(PageSpec(index))
    result.bookmarks = [("Relevés les plus proches de chaque tentative", 0)] + [
        (f"Attestation de l'auteur des relevés « {s.name} »", first + i)
        for i, s in enumerate(ctx.ev.robot.sources)
    ]
    ctx.tick("")
    return result


def _probes_fr(count: int) -> str:
    return plural_fr(count, "relevé", "relevés")
