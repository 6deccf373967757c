"""A local TSA (``openssl ts -reply``) and, for the capture tests, a mock préfecture site."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from capture.local_tsa import LocalTsa
from capture.mock_site import MockSite
from toolkit.capture.browser import CaptureBrowser


@pytest.fixture(scope="session")
def local_tsa() -> Iterator[LocalTsa]:
    with LocalTsa() as tsa:
        yield tsa


def tamper(path: Path, data: bytes | None = None) -> None:
    """Change a read-only vault file (as an attacker with the user's rights could)."""
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    content = path.read_bytes()
    path.write_bytes(data if data is not None else content[:-1] + bytes([content[-1] ^ 1]))


@pytest.fixture(scope="module")
def site() -> Iterator[MockSite]:
    with MockSite() as s:
        yield s


@pytest.fixture(scope="module")
def browser() -> Iterator[CaptureBrowser]:
    """One headless Chromium per test module."""
    with CaptureBrowser() as b:
        yield b
