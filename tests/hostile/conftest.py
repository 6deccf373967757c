"""Fixtures of the hostile corpus: a small ingested workspace, built once per module and
copied for each test (a test may damage its copy as it likes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from tests.conftest import Cli
from toolkit.applicants import add_applicant
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.workspace import init_workspace

APPLICANT = "c-76"
SHOTS = ("Screenshot_20250312-100632.png", "Screenshot_20250313-100632.png")


@pytest.fixture(scope="module")
def ingested_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("ingested")
    shots = base / "shots"
    shots.mkdir()
    for name, colour in zip(SHOTS, ("white", "black"), strict=True):
        Image.new("RGB", (20, 20), colour).save(shots / name)
    root = base / "ws"
    with init_workspace(root) as ws:
        add_applicant(ws, APPLICANT, prefecture="76", procedure="renouvellement",
                      permit_expiry="2025-04-15", full_name="Inès Fictive")  # fmt: skip
        report = ingest_screenshots(ws, [shots], APPLICANT, ocr=False)
        assert report.rows == 2 and not report.problems
    return root


@pytest.fixture
def ingested(ingested_template: Path, tmp_path: Path) -> Cli:
    """A CLI bound to a fresh copy of a workspace holding two ingested screenshots."""
    root = tmp_path / "ws"
    shutil.copytree(ingested_template, root, symlinks=True)
    return Cli(root)
