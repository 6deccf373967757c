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
