"""What Ctrl-C says: one line, once per run (see :func:`toolkit.cli.main`)."""

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


#: Set by :func:`toolkit.cli.main`: this process is the `guichets` program (not a test
#: calling the app), so it may ignore a second Ctrl-C once the first is being answered.
program = False


def say_interrupted(commits: int) -> None:
    """Print the one line of an interruption, once per run (the program then ignores a second
    Ctrl-C, so that the line is always said)."""
    from toolkit.cli.state import settings

    if program:
        ignore_ctrl_c()
    if not settings.interruption_said:
        settings.interruption_said = True
        print(f"Error: {interrupted_line(commits)}", file=sys.stderr, flush=True)


def ignore_ctrl_c() -> None:
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def commits() -> int:
    workspace = sys.modules.get("toolkit.workspace")
    return int(workspace.Workspace.commits) if workspace is not None else 0
