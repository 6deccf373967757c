"""The demo: a fresh workspace built from the bundled sample evidence, every step run."""

from __future__ import annotations

import json
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.progress import ProgressCallback
from toolkit.workspace import DB_NAME, Workspace, init_workspace

MARKER = ".guichets-demo"
#: What a demo run writes in its folder (anything else there is the user's, and is kept).
DEMO_NAMES = frozenset(
    {
        MARKER, "workspace", "exhibits", "letters", "prefecture-76.png", "chronologie.png",
        "prefectures.json", "prefectures_by_month.json", "indicators.json", "check.json",
        "attempts.json", "bundle.zip", "indicateurs.xlsx", "carte.png",
    }
)  # fmt: skip
# The sample's last attempt is on 1 April 2025: the demo reads the file as a lawyer would have
# a few days later, so its outputs do not change with the day it is run.
AS_OF = date(2025, 4, 4)


def default_sample_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "evidence" / "sample"


@dataclass
class DemoResult:
    out: Path
    workspace: Path
    applicant: str
    steps: list[tuple[str, str]] = field(default_factory=list)  # (step, summary)
    outputs: dict[str, Path] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)  # files in ``out`` the demo did not make


def prepare_out(out: Path) -> list[str]:
    """Make ``out`` ready for a demo run: new, empty, or made by an earlier demo (its
    workspace is removed: the demo builds a fresh one; its other results are replaced one by
    one as they are written). Return the names of what the demo did not make, left in place."""
    if out.is_symlink():
        raise InputError(f"{out}: is a symbolic link; give the folder itself or another --out")
    if out.exists():
        if not out.is_dir():
            raise InputError(f"{out}: exists and is not a folder; choose another --out")
        if not (out / MARKER).exists() and any(out.iterdir()):
            raise InputError(
                f"{out}: exists and was not made by `guichets demo`; choose another --out"
            )
        earlier = out / "workspace"
        if earlier.is_symlink() or (
            earlier.exists() and any(earlier.iterdir()) and not (earlier / DB_NAME).is_file()
        ):
            raise InputError(
                f"{earlier}: is not the demo's workspace; move it away, then run the demo again"
            )
        shutil.rmtree(earlier, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("made by guichets demo; safe to delete\n", encoding="utf-8")
    return sorted(p.name for p in out.iterdir() if p.name not in DEMO_NAMES)


def load_sample_applicant(sample: Path) -> dict[str, Any]:
    path = sample / "applicant.toml"
    if not path.is_file():
        raise InputError(
            f"{sample}: no applicant.toml; is this the bundled evidence/sample folder?"
        )
    with open(path, "rb") as f:
        return tomllib.load(f)


def run_demo(
    out: str | Path = "demo",
    *,
    sample: str | Path | None = None,
    progress: ProgressCallback | None = None,
    on_step: Any = None,
) -> DemoResult:
    """Build ``out/workspace`` from the sample and write every result under ``out``."""
    from toolkit.applicants import add_applicant

    sample_dir = Path(sample) if sample else default_sample_dir()
    if not sample_dir.is_dir():
        raise InputError(f"{sample_dir}: sample evidence not found; pass --sample DIR")
    out = Path(out)
    spec = load_sample_applicant(sample_dir)
    kept = prepare_out(out)
    ws = init_workspace(out / "workspace")
    result = DemoResult(out=out, workspace=ws.root, applicant=spec["id"], kept=kept)

    def step(name: str, summary: str) -> None:
        result.steps.append((name, summary))
        if on_step:
            on_step(name, summary)

    with ws:
        identity = dict(spec.get("identity", {}))
        add_applicant(
            ws,
            spec["id"],
            prefecture=spec["prefecture"],
            procedure=spec["procedure"],
            permit_expiry=spec.get("permit_expiry"),
            route=spec.get("route"),
            oqtf=spec.get("oqtf"),
            **identity,
        )
        step("applicant", f"{spec['id']} ({spec['prefecture']}, {spec['procedure']})")
        _screenshots(ws, sample_dir, spec["id"], result, step, progress)
        _captures(ws, sample_dir, spec["id"], result, step, progress)
        _crawl(ws, sample_dir, result, step, progress)
        _documents(ws, sample_dir, spec["id"], step)
        _check(ws, spec["id"], result, step)
        _attempt_log(ws, spec["id"], result, step)
        _exhibits(ws, spec["id"], result, step, progress)
        _letters(ws, spec["id"], result, step)
        _anef_applicant(ws, sample_dir / "anef", result, step, progress)
        _share(ws, result, step)
        _verify(ws, step)
    from toolkit.demo_readme import write_readme

    result.outputs["readme"] = write_readme(result.out, result.outputs)
    return result


# What each output is and who it is for, in the language of the people who open the folder.
def _screenshots(
    ws: Workspace, sample: Path, applicant: str, result: DemoResult, step: Any, progress: Any
) -> None:
    from toolkit.ingest.screenshots import ingest_screenshots

    folder = sample / "screenshots"
    logs = sorted(folder.glob("*.csv")) + sorted(folder.glob("*.xlsx"))
    report = ingest_screenshots(
        ws, [folder], applicant, log=logs[0] if logs else None, ocr=None, progress=progress
    )
    if report.problems:
        raise InputError(
            "sample screenshots were rejected: " + "; ".join(map(str, report.problems))
        )
    result.data["screenshots"] = report.to_dict()
    step("screenshots", report.summary())


def _captures(
    ws: Workspace, sample: Path, applicant: str, result: DemoResult, step: Any, progress: Any
) -> None:
    from toolkit.ingest.captures import ingest_captures

    report = ingest_captures(ws, [sample / "captures"], applicant, ocr=None, progress=progress)
    if report.problems:
        raise InputError("sample captures were rejected: " + "; ".join(map(str, report.problems)))
    result.data["captures"] = report.to_dict()
    step("captures", report.summary())


def _crawl(ws: Workspace, sample: Path, result: DemoResult, step: Any, progress: Any) -> None:
    from toolkit.charts.prefecture import prefecture_chart
    from toolkit.indicators.prefecture import prefecture_indicator_records
    from toolkit.ingest.crawl import ingest_crawl

    folder = sample / "crawl"
    if not folder.is_dir():
        return
    probes = 0
    for data in sorted(folder.glob("*.csv")):
        mapping = data.with_suffix(".toml")
        report = ingest_crawl(
            ws, [data], mapping=mapping if mapping.is_file() else None, progress=progress
        )
        if report.problems:
            raise InputError("sample crawl was rejected: " + "; ".join(map(str, report.problems)))
        probes += report.rows
    step("crawl", f"{probes} robot probe(s) recorded from {folder}")
    _write_json(ws, result, "prefectures", prefecture_indicator_records(ws))
    _write_json(ws, result, "prefectures_by_month", prefecture_indicator_records(ws, by="month"))
    result.outputs["chart 76"] = prefecture_chart(
        ws, "76", result.out / "prefecture-76.png", procedure="renouvellement"
    )
    step("indicators prefecture", f"per-préfecture indicators and chart → {result.out}")


def _documents(
    ws: Workspace, sample: Path, applicant: str, step: Any, label: str = "documents"
) -> None:
    from toolkit.ingest.documents import ingest_documents

    spec = sample / "documents" / "documents.toml"
    if not spec.is_file():
        return
    with open(spec, "rb") as f:
        entries = tomllib.load(f).get("documents", [])
    recorded = 0
    for d in entries:
        report = ingest_documents(
            ws,
            [spec.parent / d["file"]],
            applicant,
            kind=d["kind"],
            title=d.get("title"),
            dated=d.get("dated"),
        )
        if report.problems:
            raise InputError(
                "sample documents were rejected: " + "; ".join(map(str, report.problems))
            )
        recorded += report.rows
    step(label, f"{recorded} document(s) recorded")


def _write_json(ws: Workspace, result: DemoResult, name: str, data: Any) -> Path:
    from toolkit.outputs import write_output

    path = result.out / f"{name}.json"
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    write_output(ws, path, text.encode("utf-8"), kind=f"demo.{name}", action="demo.output")
    result.outputs[name] = path
    result.data[name] = data
    return path


def _check(ws: Workspace, applicant: str, result: DemoResult, step: Any) -> None:
    from toolkit.charts.applicant import applicant_chart
    from toolkit.indicators.applicant import applicant_indicators
    from toolkit.indicators.readiness import check_readiness

    indicators = applicant_indicators(ws, applicant, today=AS_OF)
    check = check_readiness(ws, applicant, today=AS_OF)
    _write_json(ws, result, "indicators", indicators)
    _write_json(ws, result, "check", check)
    result.outputs["chart"] = applicant_chart(ws, applicant, result.out / "chronologie.png")
    step(
        "indicators",
        f"{indicators['attempts']} attempt(s) on {indicators['distinct_days']} day(s) "
        f"over {indicators['distinct_iso_weeks']} week(s), span {indicators['span_days']} days",
    )
    counts = check["counts"]
    step(
        "check",
        f"verdict: {check['verdict']}: {counts['fail']} failure(s), {counts['warn']} warning(s), "
        f"{counts['ok']} ok (findings in {result.out / 'check.json'}; "
        f"`guichets --workspace {ws.root} check {applicant}` lists them)",
    )


def _attempt_log(ws: Workspace, applicant: str, result: DemoResult, step: Any) -> None:
    from toolkit.attempts import attempt_records

    rows = attempt_records(ws, applicant)
    path = _write_json(ws, result, "attempts", rows)
    step("attempts", f"{len(rows)} attempt(s) and contact(s) → {path}")


def _exhibits(ws: Workspace, applicant: str, result: DemoResult, step: Any, progress: Any) -> None:
    from toolkit.documents import build_exhibits
    from toolkit.verify import verify_folder

    built = build_exhibits(ws, applicant, result.out / "exhibits", progress=progress)
    check = verify_folder(built.out)
    if not check.ok:
        raise InputError("exhibit folder verification failed: " + "; ".join(check.lines()))
    result.outputs["exhibits"] = built.out
    result.data["exhibits"] = built.to_dict()
    step("exhibits", built.summary())


def _letters(ws: Workspace, applicant: str, result: DemoResult, step: Any) -> None:
    from toolkit.documents import build_letter

    kinds = ("ddd", "prefecture", "requete")  # the booking case; demo-002 has its own
    for kind in kinds:
        built = build_letter(
            ws,
            applicant,
            kind,
            result.out / "letters" / f"{kind}.docx",
            exhibits=result.out / "exhibits",
            today=AS_OF,
        )
        result.outputs[f"letter {kind}"] = built.docx
        result.outputs[f"note {kind}"] = built.note
    step(
        "letters",
        f"{len(kinds)} letters (DOCX), each with its note for the lawyer "
        f"→ {result.out / 'letters'}",
    )


def _anef_applicant(
    ws: Workspace, sample: Path, result: DemoResult, step: Any, progress: Any
) -> None:
    """The second applicant: an ANEF renewal filed on time, permit expired, no attestation.
    Its timeline and remedies are printed; its exhibits and letters written under ``anef/``."""
    from toolkit.applicants import add_applicant
    from toolkit.documents import build_exhibits
    from toolkit.ingest.captures import ingest_captures
    from toolkit.timeline.events import add_event
    from toolkit.timeline.gather import procedural_timeline
    from toolkit.timeline.summary import timeline_text

    if not (sample / "applicant.toml").is_file():
        return
    spec = load_sample_applicant(sample)
    who = spec["id"]
    facts = {k: spec.get(k) for k in ("route", "oqtf", "permit_expiry")}
    add_applicant(ws, who, prefecture=spec["prefecture"], procedure=spec["procedure"], **facts,
                  **spec.get("identity", {}))  # fmt: skip
    report = ingest_captures(ws, [sample / "captures"], who, ocr=None, progress=progress)
    if report.problems:
        raise InputError("sample ANEF pages were rejected: " + "; ".join(map(str, report.problems)))
    _documents(ws, sample, who, step, "anef documents")
    with open(sample / "events.toml", "rb") as f:
        for e in tomllib.load(f).get("events", []):
            add_event(ws, who, kind=e["kind"], on=e["on"], until=e.get("until"),
                      note=e.get("note"), today=AS_OF)  # fmt: skip
    timeline = procedural_timeline(ws, who, today=AS_OF)
    out = result.out / "anef"
    out.mkdir(exist_ok=True)
    path = out / "timeline.json"
    path.write_text(json.dumps(timeline, ensure_ascii=False, indent=2, default=str) + "\n",
                    encoding="utf-8")  # fmt: skip
    result.outputs["timeline"] = path
    result.data["timeline"] = timeline
    step("timeline", f"{who}: {path}\n" + timeline_text(timeline))
    built = build_exhibits(ws, who, out / "exhibits", as_of=AS_OF, progress=progress)
    result.outputs["anef exhibits"] = built.out
    result.data["anef exhibits"] = built.to_dict()
    step("anef exhibits", f"{who}: {built.summary()}")
    from toolkit.documents import build_letter

    for kind in ("prefet-api", "refere-api", "attestation-anef"):
        letter = build_letter(ws, who, kind, out / "letters" / f"{kind}.docx",
                              exhibits=built.out, today=AS_OF)  # fmt: skip
        result.outputs[f"anef letter {kind}"] = letter.docx
        result.outputs[f"anef note {kind}"] = letter.note
        result.data.setdefault("anef warnings", []).extend(letter.warnings)
    step("anef letters", f"{who}: prefet-api, refere-api, attestation-anef → {out / 'letters'}")


def _share(ws: Workspace, result: DemoResult, step: Any) -> None:
    from toolkit.charts.map import france_map
    from toolkit.export.bundle import export_bundle
    from toolkit.export.xlsx import export_xlsx

    bundle = export_bundle(ws, result.out / "bundle.zip")
    result.outputs["bundle"] = bundle.path
    step("bundle", f"pseudonymised bundle → {bundle.path} (key {bundle.key_fingerprint})")
    result.outputs["xlsx"] = export_xlsx(ws, result.out / "indicateurs.xlsx")
    step("xlsx", f"workbook → {result.outputs['xlsx']}")
    if ws.scalar("SELECT count(*) FROM probes"):
        result.outputs["map"] = france_map(ws, result.out / "carte.png")
        step("map", f"map of France → {result.outputs['map']}")


def _verify(ws: Workspace, step: Any) -> None:
    from toolkit.verify import verify_workspace

    v = verify_workspace(ws)
    if not v.ok:
        raise InputError("vault verification failed: " + "; ".join(v.lines()))
    step("verify", f"vault OK: {v.checked} original(s) re-hashed")
