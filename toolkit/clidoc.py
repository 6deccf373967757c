"""The README's CLI reference, generated from ``--help`` so it cannot go stale.

``python -m toolkit.clidoc README.md`` rewrites the text between the markers;
``tests/test_readme.py`` fails when the README differs from what this produces.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

START = "<!-- cli-reference:start -->"
END = "<!-- cli-reference:end -->"
WIDTH = "100"


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


def splice(text: str, generated: str) -> str:
    if START not in text or END not in text:
        raise SystemExit(f"markers {START} / {END} not found")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n\n{generated}\n{END}{tail}"


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "README.md")
    os.environ.setdefault("COLUMNS", WIDTH)
    text = target.read_text(encoding="utf-8")
    new = splice(text, reference())
    if new != text:
        target.write_text(new, encoding="utf-8")
        print(f"updated {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
