"""Letters from the applicant's facts: a réclamation to the Défenseur des droits, a request
to the préfet, and a draft référé « mesures utiles » for the lawyer.

Each is an editable DOCX rendered from a Word template in ``templates/`` (or a folder of
the user's own copies); ``pdf=True`` also converts it with LibreOffice when installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from toolkit.documents.docx import render_template
from toolkit.documents.letter_context import letter_context
from toolkit.errors import InputError, MissingDependency
from toolkit.vault import sha256_file
from toolkit.workspace import Workspace, now

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
    _check_docx(path)
    return path


def _check_docx(path: Path) -> None:
    """A template must be a Word document (a zip with the parts Word writes)."""
    import zipfile

    fix = "save it again from Word or LibreOffice as .docx, or start from guichets' templates/"
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise InputError(f"{path}: not a Word .docx file ({e}); {fix}") from None
    missing = {"[Content_Types].xml", "word/document.xml"} - names
    if missing:
        raise InputError(
            f"{path}: not a Word .docx file ({', '.join(sorted(missing))} missing); {fix}"
        )


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_pdf(docx_path: Path, *, timeout: int = 180) -> Path:
    """``FILE.docx`` → ``FILE.pdf`` beside it, with LibreOffice in headless mode."""
    program = soffice()
    if program is None:
        raise MissingDependency(f"{INSTALL_HINT}; the DOCX was written to {docx_path}")
    with tempfile.TemporaryDirectory(prefix="guichets-lo-") as tmp:
        profile = Path(tmp) / "profile"
        cmd = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            tmp,
            str(docx_path),
        ]
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise MissingDependency(
                f"LibreOffice did not finish converting {docx_path} within {timeout} s; "
                "open the DOCX and export it as PDF"
            ) from None
        produced = Path(tmp) / f"{docx_path.stem}.pdf"
        if done.returncode != 0 or not produced.is_file():
            raise MissingDependency(
                f"LibreOffice could not convert {docx_path} ({(done.stderr or done.stdout).strip()[:300]}); "
                "open the DOCX and export it as PDF"
            )
        target = docx_path.with_suffix(".pdf")
        shutil.move(str(produced), target)
    return target


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
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out}: is a folder; give a file name ending in .docx")
    out.parent.mkdir(parents=True, exist_ok=True)
    context = letter_context(
        ws, applicant_id, exhibits=Path(exhibits) if exhibits else None, today=today
    )
    when = gather(ws, applicant_id).last_moment()
    render_template(template, context, out, when=when, title=LETTER_KINDS[kind])
    written = [out]
    if pdf:
        written.append(convert_to_pdf(out))
    _record(ws, applicant_id, kind, written, template)
    return out


def _record(ws: Workspace, applicant_id: str, kind: str, paths: list[Path], template: Path) -> None:
    if ws.read_only:
        return
    at = now()
    with ws.transaction():
        for path in paths:
            ws.sql(
                'INSERT INTO generated (path, sha256, kind, applicant_id, inputs_digest, "at") '
                "VALUES (?, ?, ?, ?, ?, ?)",
                [str(path), sha256_file(path), f"letter.{kind}", applicant_id, None, at],
            )
        ws.log_custody(
            "letter.build",
            {
                "applicant": applicant_id,
                "kind": kind,
                "template": str(template),
                "files": [{"path": str(p), "sha256": sha256_file(p)} for p in paths],
            },
        )
