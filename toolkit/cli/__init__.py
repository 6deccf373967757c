"""The `guichets` command line: a thin projection of the library."""

from __future__ import annotations

from toolkit.cli import interrupt
from toolkit.cli.interrupt import NOTHING_RECORDED, interrupted_line, say_interrupted

__all__ = ["NOTHING_RECORDED", "interrupted_line", "main", "say_interrupted"]


def main() -> None:
    """Console-script entry point. Ctrl-C at any moment exits 130 with one line: while the
    commands load, while typer builds them, while a command runs (toolkit/cli/app.py says
    what was recorded) or while it ends; never a traceback, never « Aborted! »."""
    interrupt.program = True
    try:
        from toolkit.cli.app import main as run

        run()
    except KeyboardInterrupt:
        say_interrupted(interrupt.commits())
        raise SystemExit(130) from None
    except RuntimeError as e:  # Python wraps one landing in a class's __set_name__ at import
        if not isinstance(e.__cause__, KeyboardInterrupt):
            raise
        say_interrupted(interrupt.commits())
        raise SystemExit(130) from None
    except SystemExit as e:
        if e.code == 130:  # typer's own catch says nothing
            say_interrupted(interrupt.commits())
        raise
    finally:
        interrupt.ignore_ctrl_c()  # the run is over
