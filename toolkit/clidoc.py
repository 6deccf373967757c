"""The README's CLI reference and its lawyer's transcript, generated so they cannot go stale.

``python -m toolkit.clidoc README.md`` rewrites the text between the markers: the reference
from ``--help``, and the transcript by running its commands on the bundled sample evidence
in a temporary folder (the output a user gets typing them at the repository's root);
``tests/test_readme.py`` fails when the README differs from what this produces.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
TRANSCRIPT_START = "<!-- transcript:start -->"
TRANSCRIPT_END = "<!-- transcript:end -->"
WIDTH = "100"
ROOT = Path(__file__).resolve().parent.parent

# A lawyer's file from the screenshots to the référé, on the sample evidence: (command as
# typed, comment shown after it, whether its output is shown, its exit code). OCR is off so
# that the output is the same with or without tesseract; `check` depends on today's date.
TRANSCRIPT: tuple[tuple[str, str, bool, int], ...] = (
    ("guichets --workspace dossier-2025-017 init", "", True, 0),
    ("export GUICHETS_WORKSPACE=dossier-2025-017", "", False, 0),
    ('guichets applicant add 2025-017 --prefecture 76 --procedure renouvellement '
     '--permit-expiry 2025-04-15 --route guichet --oqtf none --name "Nadia Exemple" '
     '--email nadia.exemple@example.org', "", True, 0),
    ("guichets ingest files evidence/sample/screenshots evidence/sample/captures "
     "--applicant 2025-017 --no-ocr", "", True, 0),
    ("guichets ingest documents evidence/sample/documents/titre-de-sejour.pdf "
     "--applicant 2025-017 --kind permit", "", True, 0),
    ("guichets ingest documents evidence/sample/documents/attestation-ccc.pdf "
     "--applicant 2025-017 --kind ccc_attestation", "", True, 0),
    ('guichets contact add 2025-017 --channel phone --at "2025-03-18 09:40" '
     '--note "CCC 0806 001 620"', "", True, 0),
    ("guichets applicant demand add 2025-017 --filed 2024-11-02 --complete no",
     "earlier demands", True, 0),
    ("guichets review 2025-017", "what needs a person: conflicts, unread pages", False, 0),
    ("guichets attempts 2025-017", "each attempt with its id (attempts remove ID --reason …)",
     False, 0),
    ("guichets check 2025-017", "ready, weak or insufficient, and what to add", False, 1),
    ("guichets exhibits 2025-017 --out pieces/", "", True, 0),
    ("guichets letter requete 2025-017 --out requete.docx --exhibits pieces/",
     "refused while `check` fails", True, 1),
    ("guichets letter requete 2025-017 --out requete.docx --exhibits pieces/ --draft",
     "each failure marked « À vérifier »", True, 0),
    ("guichets verify pieces/", "later: has any filed pièce changed?", True, 0),
)  # fmt: skip
_PROGRESS = re.compile(r"^[A-Z][\w ]*: \d+/\d+$")  # plain progress lines: noise in a doc


def _commands(cmd: Any, path: list[str]) -> Iterator[list[str]]:
    yield path
    for name in sorted(getattr(cmd, "commands", {})):
        yield from _commands(cmd.commands[name], [*path, name])


def reference() -> str:
    """Markdown: one section per command with its ``--help`` text."""
    from typer.main import get_command
    from typer.testing import CliRunner

    from toolkit.cli.app import app

    root = get_command(app)
    runner = CliRunner(env={"COLUMNS": WIDTH, "TERMINAL_WIDTH": WIDTH, "NO_COLOR": "1"})
    parts = []
    for path in _commands(root, []):
        r = runner.invoke(app, [*path, "--help"], prog_name="guichets")
        if r.exit_code != 0:
            raise RuntimeError(f"guichets {' '.join(path)} --help failed: {r.output}")
        title = " ".join(["guichets", *path])
        body = "\n".join(line.rstrip() for line in r.stdout.strip().splitlines())
        parts.append(f"### `{title}`\n\n```text\n{body}\n```\n")
    return "\n".join(parts)


def _shown(command: str, comment: str) -> str:
    """The command as a reader types it: long lines continued with a backslash, never
    between an option and its value."""
    units: list[str] = []
    for word in shlex.split(command):
        shown = word if shlex.quote(word) == word else '"' + word.replace('"', '\\"') + '"'
        if (
            units
            and units[-1].startswith("--")
            and " " not in units[-1]
            and not word.startswith("-")
        ):
            units[-1] += " " + shown
        else:
            units.append(shown)
    lines, line = [], "$"
    for unit in units:
        if len(line) + 1 + len(unit) > 90 and line != "$":
            lines.append(line + " \\")
            line = "     "
        line += " " + unit
    if comment:
        line = f"{line:<40} # {comment}"
    return "\n".join([*lines, line])


def transcript() -> str:
    """Run :data:`TRANSCRIPT` in a temporary folder holding a link to the sample evidence;
    return it as a console block (commands and what they print)."""
    from typer.testing import CliRunner

    from toolkit.cli.app import app
    from toolkit.cli.state import settings

    runner = CliRunner(env={"COLUMNS": WIDTH, "TERMINAL_WIDTH": WIDTH, "NO_COLOR": "1"})
    blocks: list[str] = []
    here = Path.cwd()
    with tempfile.TemporaryDirectory(prefix="guichets-transcript-") as tmp:
        os.symlink(ROOT / "evidence", Path(tmp) / "evidence")
        env: dict[str, str] = {}
        os.chdir(tmp)
        try:
            for command, comment, show, code in TRANSCRIPT:
                blocks.append(_shown(command, comment))
                words = shlex.split(command)
                if words[0] == "export":
                    name, value = words[1].split("=", 1)
                    env[name] = value
                    continue
                settings.workspace = None
                settings.quiet = settings.debug = False
                r = runner.invoke(app, words[1:], env=env, prog_name="guichets")
                if r.exit_code != code:
                    raise RuntimeError(f"{command}: exit {r.exit_code}, not {code}: {r.output}")
                if show:
                    out = [ln.rstrip() for ln in r.output.splitlines()]
                    blocks += [ln for ln in out if ln and not _PROGRESS.match(ln)]
        finally:
            os.chdir(here)
    return "```console\n" + "\n".join(blocks) + "\n```\n"


def splice(text: str, generated: str, start: str = START, end: str = END) -> str:
    if start not in text or end not in text:
        raise SystemExit(f"markers {start} / {end} not found")
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{start}\n\n{generated}\n{end}{tail}"


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "README.md")
    os.environ.setdefault("COLUMNS", WIDTH)
    text = target.read_text(encoding="utf-8")
    new = splice(text, reference())
    new = splice(new, transcript(), TRANSCRIPT_START, TRANSCRIPT_END)
    if new != text:
        target.write_text(new, encoding="utf-8")
        print(f"updated {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
