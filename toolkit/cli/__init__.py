"""The `guichets` command line: a thin projection of the library."""

from __future__ import annotations

import sys

#: What Ctrl-C says when nothing was recorded (also toolkit/cli/app.py's).
NOTHING_RECORDED = "interrupted; nothing was recorded"


def main() -> None:
    """Console-script entry point. Ctrl-C while the program is still loading its commands
    exits 130 with one line, like an interruption at any later moment (not a traceback)."""
    try:
        from toolkit.cli.app import main as run
    except KeyboardInterrupt:
        print(f"Error: {NOTHING_RECORDED}", file=sys.stderr)
        raise SystemExit(130) from None
    run()
