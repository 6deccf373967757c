"""``guichets verify``: the workspace (vault, ``files``, custody chain) or a generated folder
(exhibits, an unzipped bundle) against what was recorded; a folder also against the timestamp
tokens of a workspace that cover it, wherever it has been moved or copied since.

Each check is one function in a list below: a workspace check takes ``(ws, result,
budget)``, a folder check ``(listing, result, budget)``; each adds what it finds to the
shared :class:`VerifyResult`. A new check is one more entry in its list. Checks never block
(regular files only, a time budget for the run: ``toolkit.verify_base``), and a workspace
opened read-only is checked all the same (the run is then not logged in custody).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from toolkit.capture.verify_tokens import verify_folder_tokens, verify_tokens
from toolkit.errors import InputError
from toolkit.verify_base import DEFAULT_TIMEOUT, Budget, OutOfTime, VerifyResult
from toolkit.verify_manifest import (
    MANIFEST,
    SUMS,
    Listing,
    check_extras,
    check_listed,
    check_sums,
    read_listing,
)
from toolkit.verify_store import check_custody, check_file_rows, check_vault
from toolkit.workspace import Workspace

__all__ = [
    "FOLDER_CHECKS",
    "MANIFEST",
    "SUMS",
    "WORKSPACE_CHECKS",
    "VerifyResult",
    "verify_folder",
    "verify_workspace",
]

WorkspaceCheck = Callable[[Workspace, VerifyResult, Budget], None]
FolderCheck = Callable[[Listing, VerifyResult, Budget], None]


def check_tokens(ws: Workspace, result: VerifyResult, budget: Budget) -> None:
    """Every RFC 3161 timestamp token, offline (``toolkit.capture.verify_tokens``)."""
    result.tokens = verify_tokens(ws)


#: Run in order by :func:`verify_workspace`.
WORKSPACE_CHECKS: list[WorkspaceCheck] = [check_vault, check_file_rows, check_custody, check_tokens]
#: Run in order by :func:`verify_folder`.
FOLDER_CHECKS: list[FolderCheck] = [check_listed, check_extras, check_sums]


def _out_of_time(result: VerifyResult, budget: Budget, check: Callable[..., None]) -> None:
    result.problems.append(
        f"stopped after {budget.seconds:g} s ({check.__name__} unfinished, later checks not "
        "run); give a longer --timeout"
    )


def verify_workspace(ws: Workspace, *, timeout: float | None = DEFAULT_TIMEOUT) -> VerifyResult:
    """Run every workspace check; log the run in custody unless opened read-only."""
    result = VerifyResult(target=f"vault {ws.vault.root}")
    budget = Budget(timeout)
    for check in WORKSPACE_CHECKS:
        try:
            check(ws, result, budget)
        except OutOfTime:
            _out_of_time(result, budget, check)
            break
    if ws.read_only:
        result.notes.append("opened read-only: this check is not logged in custody")
    else:
        with ws.transaction():
            ws.log_custody("verify.vault", result.to_dict())
    return result


def verify_folder(
    folder: str | Path, ws: Workspace | None = None, *, timeout: float | None = DEFAULT_TIMEOUT
) -> VerifyResult:
    """Check a generated folder against its manifest (and ``SHA256SUMS``); with a workspace,
    also against its timestamp tokens that cover the folder (found by the folder's files, so
    a folder moved or copied since is still checked). A folder without a manifest is checked
    against its tokens alone."""
    folder = Path(folder)
    result = VerifyResult(target=str(folder))
    if not folder.is_dir():
        raise InputError(f"{folder}: no such folder")
    has_manifest = os.path.lexists(folder / MANIFEST)
    found_tokens = None
    if ws is not None:
        try:
            found_tokens = verify_folder_tokens(ws, folder)
            result.tokens = found_tokens
        except InputError:
            if not has_manifest:
                raise InputError(
                    f"{folder}: no {MANIFEST} here and no timestamp token of this workspace "
                    "covers it; give the folder `guichets exhibits` wrote or one sealed with "
                    "`guichets timestamp`"
                ) from None
    if not has_manifest and found_tokens is not None:
        result.checked = max((t.files for t in found_tokens.tokens), default=0)
        return result
    listing = read_listing(folder, result)
    budget = Budget(timeout)
    for check in FOLDER_CHECKS:
        try:
            check(listing, result, budget)
        except OutOfTime:
            _out_of_time(result, budget, check)
            break
    return result
