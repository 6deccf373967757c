"""Letters from the applicant's facts: a réclamation to the Défenseur des droits, a request
to the préfet, and a draft référé « mesures utiles » (see :mod:`letter_kinds` for the
registry and when a letter is refused).

Each is an editable DOCX rendered from a Word template in ``templates/`` (or a folder of
the user's own copies), written with a separate « Note pour l'avocat » (``…-note.docx``)
holding what could serve the other side; ``pdf=True`` also converts the letter with
LibreOffice when installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.documents.docx import render_template
from toolkit.documents.letter_context import letter_context
from toolkit.documents.letter_kinds import LETTER_KINDS, SIGNERS, LetterFacts, LetterKind
from toolkit.errors import InputError, LetterRefused, MissingDependency
from toolkit.outputs import OutputSet, check_target
from toolkit.workspace import Workspace, local_today

REFERE_STATES = ("none", "planned", "filed")
INSTALL_HINT = (
    "LibreOffice is needed to convert letters to PDF; install it (Debian/Ubuntu: "
    "`sudo apt-get install libreoffice-writer-nogui`; macOS: `brew install --cask libreoffice`; "
    "Windows: https://www.libreoffice.org) or open the DOCX and export it as PDF"
)


def default_templates() -> Path:
    """``templates/`` next to the package (a source checkout or an editable install)."""
    return Path(__file__).resolve().parents[2] / "templates"


def letter_kind(kind: str) -> LetterKind:
    if kind not in LETTER_KINDS:
        raise InputError(f"unknown letter {kind!r}; use one of: {', '.join(LETTER_KINDS)}")
    return LETTER_KINDS[kind]


def template_path(kind: str, templates: str | os.PathLike[str] | None = None) -> Path:
    letter_kind(kind)
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


@dataclass
class LetterResult:
    kind: str
    docx: Path
    note: Path  # the « Note pour l'avocat », never to be filed
    pdf: Path | None = None
    draft: bool = False
    signer: str = "demandeur"
    verdict: str = ""
    warnings: list[str] = field(default_factory=list)

    @property
    def path(self) -> Path:
        return self.docx

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "docx": str(self.docx),
            "note": str(self.note),
            "pdf": str(self.pdf) if self.pdf else None,
            "draft": self.draft,
            "signer": self.signer,
            "verdict": self.verdict,
            "warnings": self.warnings,
        }


def note_path(out: Path) -> Path:
    """Where the note for the lawyer goes: ``requete.docx`` → ``requete-note.docx``."""
    return out.with_name(f"{out.stem}-note.docx")


def letter_facts(ws: Workspace, applicant_id: str, today: date, rules: Any = None) -> LetterFacts:
    """The applicant's route, the implicit rejection if one has arisen by ``today``, and the
    procedural timeline as of ``today``."""
    from toolkit.applicants import get_applicant
    from toolkit.demands import implicit_rejection_date, list_demands
    from toolkit.indicators.readiness_rules import Rules, load_rules

    a = get_applicant(ws, applicant_id)
    loaded = rules if isinstance(rules, Rules) else load_rules(rules)
    months = int(loaded.rules["earlier_demand"].params["dir_delay_months"])
    arisen = [
        (implicit_rejection_date(d.filed_on, months), d.filed_on)
        for d in list_demands(ws, applicant_id)
        if d.complete is True and d.decision == "none"
        and implicit_rejection_date(d.filed_on, months) <= today
    ]  # fmt: skip
    dir_on, filed_on = max(arisen) if arisen else (None, None)
    from toolkit.timeline.gather import procedural_timeline

    timeline = procedural_timeline(ws, applicant_id, today=today)
    d = timeline["facts"]["dir"]
    if dir_on is None and d["arisen"]:  # a demand recorded by its events (guichets event add)
        dir_on, filed_on = d["date"], timeline["facts"]["filing"]["date"]
    return LetterFacts(a.id, a.route, a.procedure, dir_on, filed_on, timeline)


def blocking_failures(check: dict[str, Any], spec: LetterKind) -> list[dict[str, Any]]:
    """The failed rules of ``check`` that stop letter ``spec`` (all but its exempt ones)."""
    return [f for f in check["findings"] if f["level"] == "fail" and f["rule"] not in spec.exempt]


def _refusal(applicant_id: str, spec: LetterKind, failed: list[dict[str, Any]]) -> str:
    from toolkit.indicators.readiness_rules import load_rules

    titles = {r.id: r.title for r in load_rules().rules.values()}
    named = "; ".join(f"{f['rule']} ({titles.get(f['rule'], f['rule'])})" for f in failed)
    return (
        f"letter {spec.name} for {applicant_id} refused: the file is insufficient, failed "
        f"rule(s): {named}; see `guichets check {applicant_id}`, add what it asks for, or "
        "pass --draft to write a draft with each failure marked « [À vérifier : …] »"
    )


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
    draft: bool = False,
    signer: str | None = None,
    refere: str = "planned",
    rules: Any = None,
) -> LetterResult:
    """Render letter ``kind`` to ``out`` (.docx) and its note for the lawyer beside it.

    Refused (:class:`LetterRefused`) when the letter asks for the wrong remedy, or when the
    readiness check has a failure that concerns it and ``draft`` is false (a draft marks
    each such failure « [À vérifier : …] »). ``exhibits``: a folder built by
    :func:`build_exhibits`, whose pièces are referred to; ``today``: the letter's date
    (default: today in the préfecture's zone); ``signer``: ``demandeur`` or ``avocat``
    (default: the kind's); ``refere`` (DDD): ``none``, ``planned`` or ``filed``; ``rules``:
    a readiness rules file laid over the bundled one; ``pdf``: also write a PDF
    (LibreOffice).
    """
    from toolkit.applicants import get_applicant
    from toolkit.documents.evidence import gather
    from toolkit.documents.lawyer_note import note_bytes
    from toolkit.indicators.readiness import readiness_and_indicators

    spec = letter_kind(kind)
    signer = signer or spec.default_signer
    if signer not in SIGNERS:
        raise InputError(f"--signed-by {signer!r}: use one of {', '.join(SIGNERS)}")
    if refere not in REFERE_STATES:
        raise InputError(f"--refere {refere!r}: use one of {', '.join(REFERE_STATES)}")
    template = template_path(kind, templates)
    out = Path(out)
    if out.suffix.lower() != ".docx":
        raise InputError(f"--out {out}: give a file name ending in .docx")
    for target in (out, note_path(out), *([out.with_suffix(".pdf")] if pdf else [])):
        check_target(ws, target)
    today = today or local_today(get_applicant(ws, applicant_id).tz)
    facts = letter_facts(ws, applicant_id, today, rules)
    refusal = spec.refuse(facts) if spec.refuse else None
    if refusal:
        raise LetterRefused(f"letter {kind} for {applicant_id} refused: {refusal}")
    check, ind = readiness_and_indicators(ws, applicant_id, rules=rules, today=today)
    if spec.check is not None:
        check = spec.check(ws, applicant_id, rules=rules, today=today)
    failed = blocking_failures(check, spec)
    if failed and not draft:
        raise LetterRefused(_refusal(applicant_id, spec, failed))
    ev = gather(ws, applicant_id)
    context = letter_context(
        ws, applicant_id, exhibits=Path(exhibits) if exhibits else None, today=today,
        check=check, draft=draft, signer=signer, exempt=spec.exempt, refere=refere,
        evidence=ev, indicators=ind,
    )  # fmt: skip
    if spec.extra_context:
        context.update(spec.extra_context(ws, applicant_id, context, replace(facts, kind=kind)))
    when = ev.last_moment()
    data = render_template(template, context, when=when, title=spec.title)
    warnings = _warnings(kind, context)
    note = note_bytes(
        ws, applicant_id, spec, data, out.name, check=check, context=context,
        warnings=warnings, when=when, today=today, ev=ev,
    )  # fmt: skip
    result = LetterResult(kind, out, note_path(out), None, draft, signer, check["verdict"],
                          warnings)  # fmt: skip
    detail = {"kind": kind, "template": str(template), "draft": draft, "signer": signer}
    with OutputSet(ws, "letter.build", applicant_id=applicant_id, detail=detail) as written:
        written.write(out, data, kind=f"letter.{kind}")
        written.write(result.note, note, kind=f"letter.{kind}.note")
        if pdf and soffice() is not None:
            with ws.temp_dir(prefix="libreoffice-") as work:
                document = convert_to_pdf(data, out.name, work)
            result.pdf = written.write(out.with_suffix(".pdf"), document, kind=f"letter.{kind}")
    if pdf and soffice() is None:  # the DOCX is useful on its own: written and recorded
        raise MissingDependency(f"{INSTALL_HINT}; the DOCX was written to {out}")
    return result


def _warnings(kind: str, context: dict[str, Any]) -> list[str]:
    out = []
    if kind.startswith("refere-") and not context["demande_ecrite_depuis_depot"]:
        out.append(
            f"no dated written request to the préfet follows the filing or the first difficulty: "
            f"send one first (`guichets letter {kind.replace('refere-', 'prefet-')}`, by LRAR) and "
            "record it (`guichets event add … --kind reminder_sent --file …`)"
        )
    if kind == "requete" and not context["demande_ecrite_prealable"]:
        out.append(
            "no dated written request to the préfecture precedes this requête: send one first "
            "(`guichets letter prefecture`, by LRAR) and record it (`guichets ingest documents "
            "--kind letter`)"
        )
    return out


def letter_choices(ws: Workspace, applicant_id: str, *, today: Any = None) -> list[dict[str, Any]]:
    """Every letter kind with ``status`` (proposed, possible, refused) and ``why``."""
    from toolkit.applicants import get_applicant
    from toolkit.documents.procedure_letters import fitting, off_timeline

    today = today or local_today(get_applicant(ws, applicant_id).tz)
    facts = letter_facts(ws, applicant_id, today)
    fits = fitting(facts.timeline, key="code") if facts.timeline else {}
    rows = []
    for spec in LETTER_KINDS.values():
        short = off_timeline(spec.name, facts.timeline) if facts.timeline else None
        mine = spec.extra_context is not None  # a letter of the procedure (issue 18)
        refusal = (short if mine else None) or (spec.refuse(facts) if spec.refuse else None)
        if refusal:
            status, why = "refused", refusal
        elif spec.name in fits:
            status, why = "proposed", f"a document of remedy {fits[spec.name]}"
        else:
            status, why = "possible", "not among the remedies the timeline proposes"
        rows.append({"kind": spec.name, "title": spec.title, "status": status, "why": why})
    return rows
