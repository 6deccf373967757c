"""What a dossier produces (exhibits, letters) and how files leave the server: generated
files and originals only as downloads, thumbnails as images."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from toolkit.errors import InputError, NotFound
from toolkit.web.common import Progress, form_action, guarded, task_writing, web_of
from toolkit.web.jobs import Link, Outcome
from toolkit.web.pages.evidence import started

PRIVATE = ("jobs", "uploads")  # app state, never served


def attachment(path: Path, name: str, media_type: str = "application/octet-stream") -> Response:
    """A file the browser saves instead of showing (originals can hold anything)."""
    ascii_name = name.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
    return FileResponse(
        path,
        media_type=media_type,
        headers={"content-disposition": disposition, "cache-control": "no-store"},
    )


def exhibits(request: Request, form: Any) -> Response:
    """Build the dossier's pièces, then zip them for download (a job)."""
    web = web_of(request)
    applicant = request.path_params["applicant"]
    folder = web.dossier_dir(applicant)
    group = "week" if form.get("group") == "week" else "month"
    robots = form.get("robots") == "1"

    def work(progress: Progress) -> Outcome:
        from toolkit.documents.exhibits import build_exhibits
        from toolkit.verify import verify_folder
        from toolkit.zips import zip_folder

        with task_writing(web, progress) as ws:
            progress(0, 0, "préparation")
            built = build_exhibits(ws, applicant, folder / "pieces", group=group,
                                   with_robot_evidence=robots, progress=progress)  # fmt: skip
        check = verify_folder(built.out)
        if not check.ok:
            raise InputError(
                "the exhibit folder does not match its manifest: " + "; ".join(check.lines())
            )
        archive = folder / f"pieces-{applicant}.zip"
        zip_folder(built.out, archive, root=f"pieces-{applicant}")
        return Outcome(
            message=f"{len(built.pieces)} pièce(s), {built.pages} page(s), avec l'inventaire "
            "détaillé et le manifeste (vérifiable avec guichets verify).",
            items=[f"{p.filename} — {p.full_label}" for p in built.pieces],
            links=[
                Link("Télécharger les pièces (zip)", web.download_url(archive)),
            ],
            notes=built.warnings,
        )

    job, _ = web.jobs.start(
        "exhibits", f"exhibits:{applicant}", f"Pièces du dossier {applicant}", work,
        applicant=applicant,
    )  # fmt: skip
    return started(request, job.id)


def letter(request: Request, form: Any) -> Response:
    """Write one letter (DOCX, its note for the lawyer, and PDF when LibreOffice is here)."""
    from toolkit.documents.letter_kinds import LETTER_KINDS, SIGNERS

    web = web_of(request)
    applicant = request.path_params["applicant"]
    kind = str(form.get("kind", ""))
    if kind not in LETTER_KINDS:
        raise InputError(f"unknown letter {kind!r}; use one of: {', '.join(LETTER_KINDS)}")
    title = LETTER_KINDS[kind].title
    draft = form.get("draft") == "1"
    signer = str(form.get("signer") or "") or None
    if signer is not None and signer not in SIGNERS:
        raise InputError(f"signer {signer!r}: use one of {', '.join(SIGNERS)}")
    folder = web.dossier_dir(applicant)

    def work(progress: Progress) -> Outcome:
        from toolkit.documents.letters import build_letter, soffice

        pieces = folder / "pieces"
        with task_writing(web, progress) as ws:
            progress(0, 1, "rédaction")
            made = build_letter(
                ws, applicant, kind, folder / "courriers" / f"{kind}.docx",
                pdf=soffice() is not None, draft=draft, signer=signer,
                exhibits=pieces if (pieces / "manifest.json").is_file() else None,
            )  # fmt: skip
        links = [Link("Télécharger la lettre (Word, modifiable)", web.download_url(made.docx))]
        if made.pdf is not None:
            links.append(Link("Télécharger la lettre (PDF)", web.download_url(made.pdf)))
        links.append(Link("Note pour l'avocat (à ne pas déposer)", web.download_url(made.note)))
        state = "brouillon, chaque manque marqué « À vérifier »" if made.draft else "à relire"
        no_pdf = (" Pas de PDF : LibreOffice n'est pas installé sur cet ordinateur ; ouvrez le "
                  "fichier Word et enregistrez-le en PDF.") if made.pdf is None else ""  # fmt: skip
        return Outcome(message=f"{title} : document Word prêt ({state}).{no_pdf}", links=links,
                       notes=list(made.warnings))  # fmt: skip

    job, _ = web.jobs.start(
        "letter", f"letter:{applicant}:{kind}", f"{title} — dossier {applicant}", work,
        applicant=applicant,
    )  # fmt: skip
    return started(request, job.id)


def download(request: Request) -> Response:
    """A file the app generated, under out/web/ (never its jobs or staged uploads)."""
    web = web_of(request)
    rel = Path(request.path_params["path"])
    base = web.out.resolve()
    target = (web.out / rel).resolve()
    if (
        not target.is_relative_to(base)
        or target == base
        or target.relative_to(base).parts[0] in PRIVATE
        or not target.is_file()
    ):
        raise NotFound(f"{rel}: no such generated file")
    media = {
        ".zip": "application/zip",
        ".pdf": "application/pdf",
        ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".png": "image/png",
    }.get(target.suffix.lower(), "application/octet-stream")
    return attachment(target, target.name, media)


def original(request: Request) -> Response:
    """An original from the vault, only as a download, under the name it came with."""
    web = web_of(request)
    sha = request.path_params["sha256"]
    with web.store.reading() as ws:
        info = ws.file_info(sha)
        path = ws.vault.path_for(sha) if info else None
    if info is None or path is None or not path.is_file():
        raise NotFound(f"original {sha[:12]}…: not in this workspace")
    return attachment(path, str(info["original_name"] or sha))


def thumbnail(request: Request) -> Response:
    from toolkit.documents.thumbnails import thumbnail as make

    web = web_of(request)
    with web.store.reading() as ws:
        path = make(ws, request.path_params["sha256"])
    if path is None:
        raise NotFound("no thumbnail for this original")
    return FileResponse(
        path, media_type="image/jpeg", headers={"cache-control": "private, max-age=604800"}
    )


def clear_partial(folder: Path) -> None:
    """Staged uploads left by a server that stopped mid-upload (called at start-up)."""
    shutil.rmtree(folder / "uploads", ignore_errors=True)


def routes() -> list[Route]:
    return [
        Route("/dossiers/{applicant}/pieces", form_action(exhibits), methods=["POST"]),
        Route("/dossiers/{applicant}/courriers", form_action(letter), methods=["POST"]),
        Route("/telechargements/{path:path}", guarded(download)),
        Route("/originaux/{sha256}", guarded(original)),
        Route("/miniatures/{sha256}.jpg", guarded(thumbnail)),
    ]
