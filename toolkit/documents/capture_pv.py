"""The « procès-verbal de tentative » of one capture (PDF, French).

It says what was done, in order, with the time of each step and where that time comes
from; the environment; the path of addresses; the device, server and TSA times; every
artefact with its SHA-256 and its tokens; how anyone can check them with ``sha256sum`` and
``openssl ts -verify``; and what the document does not show. It is a self-constat made with
software, not a commissaire de justice's constat, and says so first. The files needed to
check it are attached to the PDF (the artefacts, the manifest, each token, its root and
chain), so the PDF alone can be verified.

:func:`pv_blocks` is the content; :func:`write_capture_pv` writes the standalone PDF; the
exhibits draw the same blocks inside a pièce (:mod:`toolkit.documents.capture_exhibits`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from toolkit._version import __version__
from toolkit.documents.capture_facts import CaptureFacts, capture_facts, verification_files
from toolkit.documents.flow import NOTE, Block
from toolkit.documents.layout import GREY, Canvas, Column, Style
from toolkit.documents.pv_text import (
    CELL,
    MONO,
    ROLE_FR,
    environment_pairs,
    limit_blocks,
    object_pairs,
    steps_rows,
    time_pairs,
    token_blocks,
    verify_blocks,
)
from toolkit.errors import InputError
from toolkit.frenchdates import date_fr
from toolkit.workspace import Workspace

TITLE = "Procès-verbal de tentative de prise de rendez-vous en ligne"


def pv_blocks(facts: CaptureFacts) -> list[Block]:
    """The procès-verbal, as blocks of text (see :mod:`toolkit.documents.flow`)."""
    times = facts.record.get("times", {})
    guarded = bool(facts.record.get("browser", {}).get("forms"))
    blocks = [
        Block("title", TITLE),
        Block(
            "p",
            f"Capture automatisée n° {facts.attempt_id} — dossier {facts.applicant.id}, "
            f"préfecture : {facts.applicant.prefecture_name}",
            style=Style(9, "B"),
        ),
        Block("h", "1. Nature de ce document"),
        Block(
            "p",
            "Ce procès-verbal a été établi par le logiciel libre guichets "
            f"(version {__version__}) à partir des éléments qu'il a conservés lors d'une capture "
            "faite par le demandeur ou une personne qui l'assiste. Ce n'est pas un procès-verbal "
            "de constat dressé par un commissaire de justice : aucune personne assermentée n'a "
            "assisté à la capture. Il rapporte, dans l'ordre, les opérations du logiciel et les "
            "éléments obtenus ; il ne constate rien d'autre que ce que ces éléments montrent. "
            "Leur intégrité, et leur existence à l'heure des jetons d'horodatage, peuvent être "
            "vérifiées par quiconque selon la méthode de la section 7, avec les fichiers joints "
            "à ce PDF. Le document peut être produit de nouveau à l'identique à partir du même "
            "dossier.",
        ),
        Block("h", "2. Objet de la capture"),
        Block("kv", pairs=object_pairs(facts)),
        Block("h", "3. Déroulement, dans l'ordre"),
        Block(
            "p",
            f"Le {date_fr(facts.local(facts.row['started_at']), weekday=True)}, heures de "
            "l'horloge de l'appareil, en heure locale de la préfecture "
            f"({facts.zone.key}), à la milliseconde ; l'horloge de l'appareil est comparée à "
            "celle des serveurs en section 4.",
            style=NOTE,
        ),
        Block(
            "table",
            columns=(
                Column("N°", 9, CELL),
                Column("Heure", 22, CELL),
                Column("Opération", 143, CELL),
            ),
            rows=steps_rows(facts),
        ),
        Block(
            "p",
            "Le logiciel n'a rien saisi, n'a envoyé aucun formulaire"
            + (" (leur envoi est bloqué dans chaque page)" if guarded else "")
            + ", n'a touché ni contourné aucun captcha et n'a fait aucune nouvelle tentative : "
            "il observe seulement. Le journal HAR joint liste chaque requête du navigateur, avec "
            "sa méthode (section 5).",
        ),
        Block("h", "4. Heures et leurs sources"),
        Block("kv", pairs=time_pairs(facts, times)),
        Block("h", "5. Environnement de la capture"),
        Block("kv", pairs=environment_pairs(facts)),
        Block("h", "6. Éléments conservés et horodatage"),
        Block(
            "p",
            "Chaque élément est conservé sans modification dans le coffre du dossier sous son "
            "empreinte SHA-256, et joint à ce PDF. Le manifeste liste ces empreintes ; c'est "
            "sur lui que portent les jetons d'horodatage (RFC 3161).",
        ),
        Block(
            "table",
            columns=(
                Column("Élément", 62, CELL),
                Column("Taille", 18, CELL),
                Column("SHA-256", 94, MONO),
            ),
            rows=[
                [
                    f"{ROLE_FR.get(a.role, a.role)}\n{a.name}",
                    f"{a.size:,} o".replace(",", " "),
                    a.sha256,
                ]
                for a in facts.artefacts
            ]
            + [["Manifeste\n" + facts.manifest_name, "", facts.row["manifest_sha256"]]],
        ),
        *token_blocks(facts),
        Block("h", "7. Comment vérifier"),
        *verify_blocks(facts),
        Block("h", "8. Portée et limites"),
        *limit_blocks(facts, times),
    ]
    return blocks


def write_capture_pv(
    ws: Workspace, attempt_id: str, out: str | os.PathLike[str] | None = None
) -> Path:
    """Write the procès-verbal of one capture, with its verification files attached; default
    ``WORKSPACE/out/captures/<attempt>-proces-verbal.pdf``. Same store, same bytes."""
    import io

    from pypdf import PdfReader, PdfWriter

    from toolkit.documents.flow import render
    from toolkit.documents.pdf import pdf_bytes
    from toolkit.outputs import check_target, write_output

    facts = capture_facts(ws, attempt_id)
    path = (
        Path(out)
        if out is not None
        else ws.out_dir / "captures" / f"{attempt_id}-proces-verbal.pdf"
    )
    with _recorded_anyway(attempt_id):
        check_target(ws, path)
    when = facts.row["finished_at"]
    canvas = Canvas(title=TITLE, when=when)

    def on_page(index: int, number: int, total: int) -> None:
        canvas.draw_lines(18, 7, [f"{TITLE} — capture {attempt_id}"], Style(7), colour=GREY)
        canvas.stamp(f"page {number}/{total}", 210, 297 - 6)

    render(canvas, pv_blocks(facts), on_page)
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(canvas.output())))
    attach_files(writer, pv_attachments(ws, facts))
    data = pdf_bytes(
        writer,
        title=f"{TITLE} — {attempt_id}",
        when=when,
        seed=f"pv|{__version__}|{attempt_id}|{len(facts.tokens)}",
    )
    with _recorded_anyway(attempt_id):
        write_output(
            ws, path, data, kind="capture.pv", action="capture.pv",
            applicant_id=facts.applicant.id, inputs_digest=facts.row["manifest_sha256"],
            detail={"attempt": attempt_id},
        )  # fmt: skip
    return path


@contextmanager
def _recorded_anyway(attempt_id: str) -> Iterator[None]:
    """A PV that cannot be written there: the one line says the capture is recorded all the
    same, and how to write its PV elsewhere."""
    try:
        yield
    except InputError as e:
        raise InputError(
            f"{e}; the capture itself is recorded: write its procès-verbal with `guichets "
            f"capture-report {attempt_id} --out FILE`"
        ) from None


def pv_attachments(ws: Workspace, facts: CaptureFacts) -> list[tuple[str, bytes]]:
    files = [(a.name, ws.vault.read(a.sha256)) for a in facts.artefacts]
    granted = [t for t in facts.tokens if t.gen_time is not None]
    return files + verification_files(
        ws, facts.row["manifest_sha256"], facts.manifest_name, granted
    )


def attach_files(writer: object, files: list[tuple[str, bytes]]) -> None:
    """Embed files in a pypdf writer, in order (pypdf writes no date: same bytes each time)."""
    for name, data in files:
        writer.add_attachment(name, data)  # type: ignore[attr-defined]
