"""Run every command of the hostile corpus in-process and collect the generic failures.

Usage: ``python -m tests.hostile.find_failures [--batched] [FILTER]`` lists every invocation
whose output holds ``unexpected failure``, a traceback or a batch's last-resort line, with the
message. ``test_failures.py`` runs the same invocations (batched) and asserts the list is
empty.

Invocations run on one small workspace (an applicant with identity, three sample
screenshots, a small crawl); each kind of workspace damage gets a fresh copy. Files that exist only at run time are named in the arguments: ``{f:NAME}``
a corpus file, ``{tpl:NAME}`` a templates folder holding that file as ``ddd.docx``,
``{dir}`` a scratch folder, ``{fifo}`` a named pipe, ``{nonutf8}`` a file whose name is not
UTF-8, ``{a}`` the applicant.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.hostile.corpus import (
    APPLICANT,
    ROOT,
    SAMPLE,
    TAMPERED_BUNDLES,
    Invocation,
    files,
    invocations,
    png,
    tamper_bundle,
)

#: Seconds one invocation may take (a FIFO or a device read without end must not hang).
TIMEOUT = 90
# The generic failures: the CLI's last resort, a traceback, and a batch's safety net for a
# reader or a write that failed in a way nobody foresaw (each should be a specific line).
GENERIC = re.compile(
    r"unexpected failure|Traceback \(most recent call last\)|the reader failed \("
    r"|could not be recorded \(|nested too deeply to be read|does not fit in memory"
)


@dataclass
class Outcome:
    invocation: Invocation
    args: list[str]
    exit_code: int
    output: str
    exception: BaseException | None

    @property
    def generic(self) -> bool:
        escaped = self.exception is not None and not isinstance(self.exception, SystemExit)
        return escaped or bool(GENERIC.search(self.output))

    def line(self) -> str:
        shown = " | ".join(ln for ln in self.output.splitlines() if ln.startswith("Error"))
        if self.exception is not None and not isinstance(self.exception, SystemExit):
            shown = f"{type(self.exception).__name__}: {self.exception}"
        return f"{self.invocation.label}: exit {self.exit_code}: {shown[:300]}"


class TooLong(Exception):
    """An invocation ran past TIMEOUT (raised in it by SIGALRM)."""


def _too_long(signum: int, frame: object) -> None:
    raise TooLong(f"still running after {TIMEOUT} s")


def make_workspace(root: Path) -> Path:
    """The workspace every invocation starts from."""
    from toolkit.applicants import add_applicant
    from toolkit.ingest.crawl import ingest_crawl
    from toolkit.ingest.screenshots import ingest_screenshots
    from toolkit.workspace import init_workspace

    ws_dir = root / "ws"
    with init_workspace(ws_dir) as ws:
        add_applicant(
            ws, APPLICANT, prefecture="76", procedure="renouvellement",
            permit_expiry="2025-04-15", full_name="Inès Fictive", birth_date="1990-05-17",
            email="ines.fictive@example.org", phone="06 11 22 33 44",
        )  # fmt: skip
        shots = sorted((SAMPLE / "screenshots").glob("Capture d'écran 2025-03-*.png"))[:3]
        ingest_screenshots(ws, shots, APPLICANT, ocr=False, outcome="no_slot")
        ingest_crawl(ws, [ROOT / "tests" / "fixtures" / "crawl" / "indicators-small.csv"])
    return ws_dir


def damage(ws_dir: Path, how: str) -> None:
    """Damage a workspace copy as ``how`` (corpus.WORKSPACE_DAMAGE) says."""
    vault = ws_dir / "vault"
    first = next(p for p in sorted(vault.glob("??/*")) if p.is_file())
    if how == "vault-file-missing":
        first.chmod(0o600)
        first.unlink()
    elif how == "vault-file-altered":
        first.chmod(0o600)
        first.write_bytes(b"not the original")
    elif how == "vault-file-is-dir":
        first.chmod(0o600)
        first.unlink()
        first.mkdir()
    elif how == "vault-missing":
        for p in vault.glob("??/*"):
            p.chmod(0o600)
        shutil.rmtree(vault)
    elif how == "db-garbage":
        (ws_dir / "guichets.duckdb").write_bytes(b"garbage" * 100)
    elif how == "db-truncated":
        db = ws_dir / "guichets.duckdb"
        db.write_bytes(db.read_bytes()[:5000])
    elif how == "out-is-file":
        shutil.rmtree(ws_dir / "out")
        (ws_dir / "out").write_bytes(b"x")
    elif how == "key-empty":
        (ws_dir / "secret.key").write_bytes(b"")
    elif how == "key-is-dir":
        (ws_dir / "secret.key").mkdir()


def make_bundles(ws_dir: Path, folder: Path) -> dict[str, Path]:
    """A real bundle of the workspace, and the crafted variants of it."""
    from toolkit.export.bundle import export_bundle
    from toolkit.workspace import open_workspace

    real = folder / "real-bundle.zip"
    with open_workspace(ws_dir) as ws:
        export_bundle(ws, real)
    (ws_dir / "secret.key").unlink()
    made = {"real": real}
    for label, table, select in TAMPERED_BUNDLES:
        made[label] = tamper_bundle(real, folder / f"tampered-{label}.zip", table, select)
    return made


def prepare_inputs(root: Path, ws_dir: Path) -> dict[str, Path]:
    """Write the corpus files, a named pipe, a non-UTF-8 name and a crawl file."""
    folder = root / "corpus"
    folder.mkdir()
    paths: dict[str, Path] = {}
    for name, data in files().items():
        p = folder / name
        p.write_bytes(data)
        paths[name] = p
    shutil.copy(
        ROOT / "tests" / "fixtures" / "crawl" / "indicators-small.csv", folder / "indicators.csv"
    )
    paths["indicators.csv"] = folder / "indicators.csv"
    fifo = folder / "pipe.png"
    os.mkfifo(fifo)
    paths["{fifo}"] = fifo
    odd = Path(os.fsencode(folder).decode("utf-8", "surrogateescape") + "/caf\udce9.png")
    odd.write_bytes(png())
    paths["{nonutf8}"] = odd
    for label, p in make_bundles(ws_dir, folder).items():
        paths[f"{{bundle:{label}}}"] = p
    return paths


def _expand(inv: Invocation, paths: dict[str, Path], scratch: Path) -> list[str]:
    out = []
    for arg in inv.args:
        if arg.startswith("{f:") and arg.endswith("}"):
            arg = str(paths[arg[3:-1]])
        elif arg.startswith("{tpl:"):
            tpl = scratch / "templates"
            tpl.mkdir(exist_ok=True)
            shutil.copy(paths[arg[5:-1]], tpl / "ddd.docx")
            arg = str(tpl)
        elif arg in paths:
            arg = str(paths[arg])
        else:
            arg = arg.replace("{dir}", str(scratch)).replace("{a}", APPLICANT)
            if "{f:" in arg:  # a corpus file used as a folder
                name = arg.split("{f:", 1)[1].split("}", 1)[0]
                arg = arg.replace(f"{{f:{name}}}", str(paths[name]))
        out.append(arg)
    return out


def _reset(ws_dir: Path, pristine: Path, how: str | None) -> None:
    if ws_dir.exists():
        for p in ws_dir.rglob("*"):
            if not p.is_symlink():
                p.chmod(0o700 if p.is_dir() else 0o600)
        shutil.rmtree(ws_dir)
    shutil.copytree(pristine, ws_dir)
    if how:
        damage(ws_dir, how)


@dataclass(frozen=True)
class Prepared:
    """The corpus on disk: the pristine workspace and every input, by name."""

    root: Path
    pristine: Path
    paths: dict[str, Path]


def prepare(root: Path) -> Prepared:
    pristine = make_workspace(root / "pristine")
    return Prepared(root, pristine, prepare_inputs(root, pristine))


def run_all(
    root: Path | Prepared,
    only: str | None = None,
    chunk: tuple[int, int] | None = None,
    *,
    batched: bool = False,
) -> list[Outcome]:
    """Run every invocation (those whose label contains ``only``; with ``chunk`` = (i, n),
    every n-th from the i-th); return what each gave.

    The invocations without damage share one copy of the workspace (what one records, the
    next sees: as a user's workspace would); each kind of damage gets a fresh copy.
    """
    from tests.conftest import Cli  # builds the command tree once, not at every invocation

    corpus = root if isinstance(root, Prepared) else prepare(root)
    pristine, paths = corpus.pristine, corpus.paths
    every = invocations(sorted(files()), batched=batched)
    chosen = [inv for inv in every if not only or only in inv.label]
    if chunk is not None:
        chosen = chosen[chunk[0] :: chunk[1]]
    outcomes = []
    work = Path(tempfile.mkdtemp(prefix="run-", dir=corpus.root))
    ws_dir = work / "ws"
    state: object = ()  # the damage the current copy carries
    for i, inv in enumerate(chosen):
        if inv.damage != state:
            _reset(ws_dir, pristine, inv.damage)
            state = inv.damage
        scratch = work / f"scratch-{i}"
        scratch.mkdir()
        args = _expand(inv, paths, scratch)
        where = str(ws_dir)
        if inv.workspace is not None:
            where = _expand(Invocation("", (inv.workspace,)), paths, scratch)[0]
        started = time.monotonic()
        previous = signal.signal(signal.SIGALRM, _too_long)
        signal.alarm(TIMEOUT)
        try:
            r = Cli(Path(where))(*args)
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        outcomes.append(Outcome(inv, args, r.exit_code, r.output, r.exception))
        if os.environ.get("HOSTILE_TRACE"):
            spent = time.monotonic() - started
            print(f"{spent:6.2f} {time.process_time():7.2f} {inv.label}", file=sys.stderr)
    return outcomes


def main() -> int:
    args = sys.argv[1:]
    batched = "--batched" in args
    rest = [a for a in args if a != "--batched"]
    only = rest[0] if rest else None
    with tempfile.TemporaryDirectory(prefix="guichets-hostile-") as tmp:
        outcomes = run_all(Path(tmp), only, batched=batched)
    bad = [o for o in outcomes if o.generic]
    for o in bad:
        print(o.line())
    print(f"{len(bad)} generic failure(s) in {len(outcomes)} invocation(s)", file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
