"""Fixtures of the exhibits and letters tests (evidence described in ``exhibit_data``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from exhibit_data import APPLICANT, populate

from toolkit.workspace import Workspace, init_workspace, open_workspace


@pytest.fixture(scope="session")
def evidence_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed workspace holding the evidence (open it with ``open_workspace``)."""
    root = tmp_path_factory.mktemp("documents") / "ws"
    with init_workspace(root) as ws:
        populate(ws)
    return root


@pytest.fixture(scope="session")
def bundle(evidence_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The exhibit folder of ``a-76``, built once (an ExhibitsResult)."""
    from toolkit.documents import build_exhibits

    out = tmp_path_factory.mktemp("bundle") / "pieces"
    with open_workspace(evidence_root) as ws:
        return build_exhibits(ws, APPLICANT, out)


@pytest.fixture
def evidence_ws(evidence_root: Path) -> Iterator[Workspace]:
    with open_workspace(evidence_root) as ws:
        yield ws
