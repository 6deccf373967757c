"""Shared fixtures: a fresh workspace, a sample applicant, and a CLI runner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner

from toolkit.applicants import add_applicant
from toolkit.workspace import Workspace, init_workspace

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SAMPLE = ROOT / "evidence" / "sample"

_COMMANDS: dict[int, tuple[typer.Typer, Any]] = {}


def _command_built_once(app: typer.Typer) -> Any:
    """typer's test runner rebuilds the whole click command tree from the app at every call
    (~45 ms of type-hint evaluation for 56 commands: a quarter of a short command's cost);
    a command tree is reusable, so each app's is built once per test process."""
    built = _COMMANDS.get(id(app))
    if built is None or built[0] is not app:
        built = _COMMANDS[id(app)] = (app, typer.main.get_command(app))
    return built[1]


typer.testing._get_command = _command_built_once  # type: ignore[attr-defined]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A fresh, empty workspace."""
    w = init_workspace(tmp_path / "ws")
    yield w
    w.close()


@pytest.fixture
def applicant(ws: Workspace) -> str:
    """Applicant ``a-76`` of Seine-Maritime (Europe/Paris), renewal, permit ending 2025-04-15."""
    add_applicant(
        ws,
        "a-76",
        prefecture="76",
        procedure="renouvellement",
        permit_expiry="2025-04-15",
        full_name="Inès Fictive",
        email="ines.fictive@example.org",
    )
    return "a-76"


class Cli:
    """Runs `guichets --workspace DIR …` in-process; the workspace must not be held open."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace
        self.runner = CliRunner()

    def __call__(self, *args: str, input: str | None = None) -> Any:
        from toolkit.cli.app import app
        from toolkit.cli.state import settings

        settings.quiet = settings.debug = False
        return self.runner.invoke(app, ["--workspace", str(self.workspace), *args], input=input)

    def json(self, *args: str) -> Any:
        r = self(*args, "--format", "json")
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    """A CLI bound to a fresh workspace folder (created with `init`)."""
    c = Cli(tmp_path / "cli-ws")
    r = c("init")
    assert r.exit_code == 0, r.output
    return c


@pytest.fixture
def cli_applicant(cli: Cli) -> str:
    r = cli(
        "applicant",
        "add",
        "c-76",
        "--prefecture",
        "76",
        "--procedure",
        "renouvellement",
        "--permit-expiry",
        "2025-04-15",
        "--name",
        "Inès Fictive",
        "--email",
        "ines.fictive@example.org",
    )
    assert r.exit_code == 0, r.output
    return "c-76"


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The demo on the bundled sample, built once per test process (tests using it share an
    xdist group so that one worker builds it)."""
    from toolkit.demo import run_demo

    out = tmp_path_factory.mktemp("demo") / "demo"
    steps: list[str] = []
    result = run_demo(out, on_step=lambda name, summary: steps.append(name))
    result.data["steps"] = steps
    return result
