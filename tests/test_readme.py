"""The README's CLI reference is generated from --help; fail when it is stale."""

from __future__ import annotations

from pathlib import Path

import toolkit
from toolkit.clidoc import END, START, reference, splice

README = Path(__file__).resolve().parent.parent / "README.md"


def test_cli_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text
    assert splice(text, reference()) == text, "README is stale: run `make docs`"


def test_quick_start_is_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    block = quick.split("```", 2)[1]
    commands = [line for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]


def test_public_api_resolves() -> None:
    for name in toolkit.__all__:
        assert getattr(toolkit, name) is not None, name
