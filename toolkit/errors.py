"""One error hierarchy for the whole toolkit.

Every message says what happened and how to fix it. The CLI translates these
into one ``Error: …`` line on stderr and exit code 1; ``--debug`` shows the
traceback.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass, field


class GuichetsError(Exception):
    """Base class: a problem the user can fix. ``str(err)`` is the whole message."""

    exit_code = 1


class WorkspaceError(GuichetsError):
    """The workspace is missing, busy, or from another version."""


class WorkspaceMissing(WorkspaceError):
    pass


class WorkspaceBusy(WorkspaceError):
    pass


class WorkspaceTooNew(WorkspaceError):
    pass


class NotFound(GuichetsError):
    """An applicant, préfecture or procedure that does not exist."""


class InputError(GuichetsError):
    """A file or value given by the user cannot be used."""


class LimitExceeded(InputError):
    """A file passes a bound set to keep a parser's time and memory in check (its size, depth,
    count of parts or values); the message names the bound."""


class IntegrityError(GuichetsError):
    """The vault or a generated bundle does not match its hashes."""


class MissingDependency(GuichetsError):
    """An optional library or program is absent."""


class LetterRefused(GuichetsError):
    """A letter that would be filed on a file the case law holds insufficient, or that asks
    for the wrong remedy; the message names the failed rules or the fitting remedy."""


class DiskFull(GuichetsError):
    """No space left where guichets was writing; what was under way was not recorded."""


class TemplateRefused(InputError):
    """A user's template or rules file asks for something a template may not do."""


NO_SPACE = (errno.ENOSPC, errno.EDQUOT)


def no_space(e: BaseException) -> bool:
    """Whether ``e`` says the disk is full (an OSError, or DuckDB's message for it)."""
    if isinstance(e, OSError) and e.errno in NO_SPACE:
        return True
    return type(e).__module__.startswith(("duckdb", "_duckdb")) and (
        "No space left on device" in str(e) or "Disk quota exceeded" in str(e)
    )


def disk_full(path: object) -> DiskFull:
    return DiskFull(
        f"{path}: disque plein (no space left on the device); free some space, then run the "
        "command again (nothing was recorded)"
    )


def os_failure(e: OSError, path: object, doing: str = "cannot write") -> GuichetsError:
    """One line for an operating-system failure at ``path``: a full disk says so."""
    if e.errno in NO_SPACE:
        return disk_full(path)
    if e.errno == errno.EROFS:
        return InputError(f"{path}: {doing}: the file system is read-only; choose another place")
    if e.errno in (errno.EACCES, errno.EPERM):
        return InputError(f"{path}: {doing}: permission denied; check the folder's permissions")
    return InputError(f"{path}: {doing} ({e.strerror or e})")


class CaptureError(GuichetsError):
    """`guichets capture` could not observe the page (unreachable, TLS, download, timeout)."""


class TimestampError(GuichetsError):
    """A time-stamping authority answered something that is not a usable token."""


@dataclass(frozen=True)
class Problem:
    """One row-level or file-level problem in a report: where, and what to do."""

    path: str
    message: str
    line: int | None = None
    column: str | None = None
    code: str | None = None  # a stable code from a catalogue (crawl rules: RULES), for filtering

    def to_dict(self) -> dict[str, object]:
        return {"path": self.path, "line": self.line, "column": self.column,
                "code": self.code, "message": self.message}  # fmt: skip

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f":{self.line}"
        if self.column:
            where += f" [{self.column}]"
        return f"{where}: {self.message}"


@dataclass
class ProblemsFound(GuichetsError):
    """Raised when problems block an operation (e.g. ``--strict``); nothing was recorded."""

    problems: list[Problem] = field(default_factory=list)
    summary: str = ""

    def __post_init__(self) -> None:
        super().__init__(self.summary or f"{len(self.problems)} problem(s); nothing was recorded")

    def __str__(self) -> str:
        return self.summary or f"{len(self.problems)} problem(s); nothing was recorded"


def is_interrupt(e: BaseException) -> bool:
    """Ctrl-C: KeyboardInterrupt, or DuckDB's own exception when it stops a query for it."""
    return (
        isinstance(e, KeyboardInterrupt)
        or type(e).__name__ == "InterruptException"
        or (isinstance(e, RuntimeError) and str(e).strip() == "Query interrupted")
    )
