"""The README's CLI reference is generated from --help; fail when it is stale."""

from __future__ import annotations

from pathlib import Path

import toolkit
from toolkit.clidoc import (
    END,
    START,
    TRANSCRIPT_END,
    TRANSCRIPT_START,
    reference,
    splice,
    transcript,
)

README = Path(__file__).resolve().parent.parent / "README.md"


def test_cli_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text
    assert splice(text, reference()) == text, "README is stale: run `make docs`"


def test_the_lawyers_transcript_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    generated = transcript()
    assert "schema version" in generated and "pieces: OK" in generated
    fresh = splice(text, generated, TRANSCRIPT_START, TRANSCRIPT_END)
    assert fresh == text, "README's transcript is stale: run `make docs`"


def test_quick_start_is_three_commands_and_says_where_the_cli_is() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick.split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test", "make serve"]
    assert ".venv/bin/guichets --help" in quick and "source .venv/bin/activate" in quick


def test_public_api_resolves() -> None:
    for name in toolkit.__all__:
        assert getattr(toolkit, name) is not None, name


def _parse(words: list[str]) -> None:
    """Parse a command line the way `guichets` would, without running it."""
    from typer.main import get_command

    from toolkit.cli.app import app

    cmd, name, args = get_command(app), "guichets", words
    while True:
        ctx = cmd.make_context(name, list(args))
        protected = getattr(ctx, "_protected_args", None) or getattr(ctx, "protected_args", [])
        rest = [*protected, *ctx.args] if hasattr(cmd, "commands") else []
        if not rest:
            return
        name, cmd, args = cmd.resolve_command(ctx, rest)  # type: ignore[attr-defined]


def test_every_command_shown_in_the_readme_parses() -> None:
    import shlex

    text = README.read_text(encoding="utf-8").split(START, 1)[0]
    blocks = [b.split("```", 1)[0] for b in text.split("```console\n")[1:]]
    lines = [
        line[2:]
        for block in blocks
        for line in block.replace("\\\n", " ").splitlines()
        if line.startswith("$ ")
    ]
    commands = [shlex.split(line.split(" #", 1)[0].split(" > ", 1)[0]) for line in lines]
    commands = [words for words in commands if words and words[0].endswith("guichets")]
    assert len(commands) >= 18
    for words in commands:
        _parse(words[1:])
