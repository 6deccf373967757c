"""Letters from the applicant's facts: a réclamation to the Défenseur des droits, a request
to the préfet, and a draft référé « mesures utiles » for the lawyer.

Each is an editable DOCX rendered from a Word template in ``templates/`` (or a folder of
the user's own copies); ``pdf=True`` also converts it with LibreOffice when installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

from toolkit.documents.docx import render_template
from toolkit.documents.letter_context import letter_context
from toolkit.errors import InputError, MissingDependency
from toolkit.outputs import OutputSet, check_target
from toolkit.workspace import Workspace

LETTER_KINDS: dict[str, str] = {
    "ddd": "Réclamation au Défenseur des droits",
    "prefecture": "Demande de rendez-vous au préfet",
    "requete": "Requête en référé « mesures utiles »",
}
INSTALL_HINT = (
    "LibreOffice is needed to convert letters to PDF; install it (Debian/Ubuntu: "
    "`sudo apt-get install libreoffice-writer-nogui`; macOS: `brew install --cask libreoffice`; "
    "Windows: https://www.libreoffice.org) or open the DOCX and export it as PDF"
)


def default_templates() -> Path:
    """``templates/`` next to the package (a source checkout or an editable install)."""
    return Path(__file__).resolve().parents[2] / "templates"


def template_path(kind: str, templates: str | os.PathLike[str] | None = None) -> Path:
    if kind not in LETTER_KINDS:
        raise InputError(f"unknown letter {kind!r}; use one of: {', '.join(LETTER_KINDS)}")
    folder = Path(templates) if templates else default_templates()
    path = folder / f"{kind}.docx"
    if not path.is_file():
        raise InputError(
            f"{path}: template not found; pass --templates DIR holding {kind}.docx "
            "(copies of the files in guichets' templates/ folder)"
        )
    return path


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx: bytes, name: str, workdir: Path, *, timeout: int = 180) -> bytes:
    """The PDF of a .docx (its bytes), converted by LibreOffice in headless mode inside
    ``workdir`` (a scratch folder); ``name`` (the letter's file name) names it in errors."""
    program = soffice()
    if program is None:
        raise MissingDependency(INSTALL_HINT)
    source = workdir / "letter.docx"
    source.write_bytes(docx)
    profile = workdir / "profile"
    cmd = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(workdir),
        str(source),
    ]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise MissingDependency(
            f"LibreOffice did not finish converting {name} within {timeout} s; "
            "run again without --pdf, then open the DOCX and export it as PDF"
        ) from None
    produced = workdir / "letter.pdf"
    if done.returncode != 0 or not produced.is_file():
        raise MissingDependency(
            f"LibreOffice could not convert {name} ({(done.stderr or done.stdout).strip()[:300]}); "
            "run again without --pdf, then open the DOCX and export it as PDF"
        )
    return produced.read_bytes()


def build_letter(
    ws: Workspace,
    applicant_id: str,
    kind: str,
    out: str | os.PathLike[str],
    *,
    templates: str | os.PathLike[str] | None = None,
    pdf: bool = False,
    exhibits: str | os.PathLike[str] | None = None,
    today: date | None = None,
) -> Path:
    """Render letter ``kind`` (ddd, prefecture, requete) to ``out`` (.docx); return its path.

    ``exhibits``: a folder built by :func:`build_exhibits`, whose pièces are listed;
    ``today``: the letter's date (default: today in the préfecture's zone);
    ``pdf``: also write ``out`` with a .pdf suffix (needs LibreOffice).
    """
    from toolkit.documents.evidence import gather

    template = template_path(kind, templates)
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError(f"--out {out}: give a file name ending in .docx")
    check_target(ws, out)
    if pdf:
        check_target(ws, out.with_suffix(".pdf"))
    context = letter_context(
        ws, applicant_id, exhibits=Path(exhibits) if exhibits else None, today=today
    )
    when = gather(ws, applicant_id).last_moment()
    data = render_template(template, context, when=when, title=LETTER_KINDS[kind])
    detail = {"kind": kind, "template": str(template)}
    with OutputSet(ws, "letter.build", applicant_id=applicant_id, detail=detail) as written:
        written.write(out, data, kind=f"letter.{kind}")
        if pdf and soffice() is not None:
            with ws.temp_dir(prefix="libreoffice-") as work:
                document = convert_to_pdf(data, out.name, work)
            written.write(out.with_suffix(".pdf"), document, kind=f"letter.{kind}")
    if pdf and soffice() is None:  # the DOCX is useful on its own: written and recorded
        raise MissingDependency(f"{INSTALL_HINT}; the DOCX was written to {out}")
    return out
