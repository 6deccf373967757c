"""Run the CLI in a child process with bounds, and measure what it cost.

Hostile inputs must end in one line, exit 1, within bounded memory and time. A child process is the
only honest way to measure that: ``os.wait4`` gives the peak resident memory of that child alone
(``RUSAGE_CHILDREN`` would mix in every earlier child of the test worker), and an address-space
ceiling keeps a runaway parser from taking the machine down before the assertion can fail.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

#: The issue's bound for any hostile input.
MEMORY_LIMIT_MB = 500
#: Safety net only: far above the bound, so that the measured peak, not a crash, decides the test.
_ADDRESS_SPACE_CEILING = 6 * 1024**3


@dataclass(frozen=True)
class Run:
    """What one bounded CLI run gave."""

    args: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str
    peak_mb: float
    seconds: float
    cpu_seconds: float = 0.0  # user + system time of the child: steadier than wall time under load

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("Error:")]


def _limit() -> None:  # runs in the child, before exec
    resource.setrlimit(resource.RLIMIT_AS, (_ADDRESS_SPACE_CEILING, _ADDRESS_SPACE_CEILING))
    # An ignored SIGINT survives exec, and Python then installs no KeyboardInterrupt handler:
    # a Ctrl-C test must not depend on what an earlier test left in this worker.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_cli(
    workspace: Path,
    *args: str,
    timeout: float = 60.0,
    env: dict[str, str] | None = None,
    interrupt_after: float | None = None,
    interrupt_when: Callable[[], bool] | None = None,
    signal_number: int = signal.SIGINT,
) -> Run:
    """Run ``guichets --workspace WORKSPACE ARGS…`` in a child; measure its own peak RSS and time.

    ``interrupt_after`` sends SIGINT (Ctrl-C) after that many seconds; ``interrupt_when``
    sends it as soon as that function returns true (polled every 20 ms), e.g. once the
    command has started writing. ``signal_number`` sends another signal (SIGKILL: a crash).
    """
    command = (sys.executable, "-m", "toolkit", "--workspace", str(workspace), *args)
    child_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    started = time.monotonic()
    proc = subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env,
        preexec_fn=_limit,
    )
    chunks: dict[str, bytes] = {}

    def drain(name: str, stream: object) -> None:
        chunks[name] = stream.read()  # type: ignore[attr-defined]

    readers = [
        threading.Thread(target=drain, args=("out", proc.stdout)),
        threading.Thread(target=drain, args=("err", proc.stderr)),
    ]
    for r in readers:
        r.start()
    interrupted = False
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        elapsed = time.monotonic() - started
        due = (interrupt_after is not None and elapsed >= interrupt_after) or (
            interrupt_when is not None and interrupt_when()
        )
        if due and not interrupted:
            os.kill(proc.pid, signal_number)
            interrupted = True
        if elapsed > timeout:
            os.kill(proc.pid, signal.SIGKILL)
            os.wait4(proc.pid, 0)
            for r in readers:
                r.join()
            raise AssertionError(f"guichets {' '.join(args)}: still running after {timeout} s")
        time.sleep(0.02)
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting
    return Run(
        args=tuple(args),
        returncode=proc.returncode,
        stdout=chunks.get("out", b"").decode(errors="replace"),
        stderr=chunks.get("err", b"").decode(errors="replace"),
        peak_mb=usage.ru_maxrss / 1024,  # Linux reports kilobytes
        seconds=time.monotonic() - started,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )
