"""The CLI contract: instant help, one-line errors, exit codes, --debug."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = (
    "pandas",
    "matplotlib",
    "docx",
    "docxtpl",
    "pdfplumber",
    "openpyxl",
    "PIL",
    "pytesseract",
    "fpdf",
    "pypdf",
    "lxml",
    "numpy",
)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
    )


def test_help_imports_no_heavy_library() -> None:
    code = (
        "import sys; from toolkit.cli.app import app; from typer.testing import CliRunner; "
        "r = CliRunner().invoke(app, ['--help']); assert r.exit_code == 0, r.output; "
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"


def test_every_command_has_help(cli) -> None:
    from typer.main import get_command

    from toolkit.cli.app import app

    root = get_command(app)

    def walk(cmd, path):  # type: ignore[no-untyped-def]
        yield path, cmd
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from walk(sub, [*path, name])

    for path, cmd in walk(root, []):
        assert (cmd.help or "").strip(), f"no help text for: guichets {' '.join(path)}"


def test_version() -> None:
    r = run("--version")
    assert r.returncode == 0 and r.stdout.strip() == "guichets 0.1.0"


def test_usage_error_exits_2(tmp_path: Path) -> None:
    r = run("--workspace", str(tmp_path), "attempts")
    assert r.returncode == 2
    assert "Missing argument" in r.stderr


def test_missing_workspace_one_line_no_traceback(tmp_path: Path) -> None:
    r = run("--workspace", str(tmp_path / "none"), "applicant", "list")
    assert r.returncode == 1
    assert r.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'none'}: no guichets workspace here; create one with "
        f"`guichets --workspace {tmp_path / 'none'} init` (or set GUICHETS_WORKSPACE)"
    ]


def test_debug_shows_traceback(tmp_path: Path) -> None:
    r = run("--debug", "--workspace", str(tmp_path / "none"), "applicant", "list")
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "WorkspaceMissing" in r.stderr


def test_quiet_silences_messages(tmp_path: Path) -> None:
    r = run("--quiet", "--workspace", str(tmp_path / "w"), "init")
    assert r.returncode == 0 and r.stderr == ""
    r = run("--workspace", str(tmp_path / "w"), "init")
    assert r.stderr.startswith(f"Workspace ready: {tmp_path / 'w'}")


_STOP_WHILE = {
    # the command line being read: Ctrl-C arrives in the group's argument parser
    "parsing": "from typer.core import TyperGroup\n"
    "def stop(self, ctx, args): raise KeyboardInterrupt\n"
    "TyperGroup.parse_args = stop\n"
    "from toolkit.cli.app import main\n",
    # the program still loading its commands (the console script's entry point)
    "loading": "class Stop:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == 'toolkit.cli.app': raise KeyboardInterrupt\n"
    "sys.meta_path.insert(0, Stop())\n"
    "from toolkit.cli import main\n",
}


@pytest.mark.parametrize("moment", sorted(_STOP_WHILE))
def test_ctrl_c_before_the_command_runs_exits_130_in_one_line(moment: str) -> None:
    code = (
        "import sys\n"
        + _STOP_WHILE[moment]
        + "sys.argv = ['guichets', 'attempts', 'c-1']\nmain()\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stderr.strip()) == (130, "Error: interrupted; nothing was recorded")
