"""Fixtures of the export tests: workspaces full of distinctive identities (``identity_data``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from identity_data import (
    BAPTISTIN,
    PROBES_A,
    PROBES_B,
    ZEPHYRINE,
    Lawyers,
    build_workspace,
    people_for,
)

from toolkit.workspace import Workspace


@pytest.fixture
def identity_ws(tmp_path: Path) -> Iterator[Workspace]:
    """Two applicants with distinctive identities, their evidence, and robot probes."""
    ws = build_workspace(tmp_path / "ws-identity", [ZEPHYRINE, BAPTISTIN], PROBES_A[:1])
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def lawyers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lawyers]:
    """Built once: tests export from these workspaces but never change their facts."""
    tmp_path = tmp_path_factory.mktemp("lawyers")
    people_a = [ZEPHYRINE, *people_for("lyon", 6, "69", "premiere-demande", 3)]
    people_b = [BAPTISTIN, *people_for("reun", 5, "974", "renouvellement", 9)]
    a = build_workspace(tmp_path / "lawyer-a", people_a, PROBES_A)
    b = build_workspace(tmp_path / "lawyer-b", people_b, PROBES_B)
    both = build_workspace(tmp_path / "both", people_a + people_b, PROBES_A + PROBES_B)
    yield Lawyers(a, b, both, people_a, people_b)
    for w in (a, b, both):
        w.close()
