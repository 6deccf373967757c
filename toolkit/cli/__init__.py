"""The `guichets` command line: a thin projection of the library."""

from __future__ import annotations

import sys

#: What Ctrl-C says when nothing was recorded.
NOTHING_RECORDED = "interrupted; nothing was recorded"


def interrupted_line(commits: int) -> str:
    """What an interruption left: true because every step that records is one transaction,
    rolled back when interrupted (Workspace.transaction)."""
    if commits == 0:
        return NOTHING_RECORDED
    return (
        f"interrupted; the step in progress was not recorded ({commits} earlier step(s) of "
        "this command were)"
    )


#: Set by :func:`main`: this process is the `guichets` program (not a test calling the app),
#: so it may ignore a second Ctrl-C once the first is being answered.
_program = False


def say_interrupted(commits: int) -> None:
    """Print the one line of an interruption, once per run (the program then ignores a second
    Ctrl-C, so that the line is always said)."""
    from toolkit.cli.state import settings

    if _program:
        _ignore_ctrl_c()
    if not settings.interruption_said:
        settings.interruption_said = True
        print(f"Error: {interrupted_line(commits)}", file=sys.stderr, flush=True)


def main() -> None:
    """Console-script entry point. Ctrl-C at any moment exits 130 with one line: while the
    commands load, while typer builds them, while a command runs (toolkit/cli/app.py says
    what was recorded) or while it ends; never a traceback, never « Aborted! »."""
    global _program
    _program = True
    try:
        from toolkit.cli.app import main as run

        run()
    except KeyboardInterrupt:
        say_interrupted(_commits())
        raise SystemExit(130) from None
    except RuntimeError as e:  # Python wraps one landing in a class's __set_name__ at import
        if not isinstance(e.__cause__, KeyboardInterrupt):
            raise
        say_interrupted(_commits())
        raise SystemExit(130) from None
    except SystemExit as e:
        if e.code == 130:  # typer's own catch says nothing
            say_interrupted(_commits())
        raise
    finally:
        _ignore_ctrl_c()  # the run is over


def _ignore_ctrl_c() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _commits() -> int:
    workspace = sys.modules.get("toolkit.workspace")
    return int(workspace.Workspace.commits) if workspace is not None else 0
