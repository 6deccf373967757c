"""A workspace with one applicant, and the app over it driven by Starlette's test client."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from toolkit.applicants import add_applicant
from toolkit.workspace import init_workspace

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "evidence" / "sample"
SHOTS = SAMPLE / "screenshots"
THREE = ("Screenshot_20250224-071512.png", "Screenshot_20250303-070241.png",
         "Screenshot_20250310-140048.png")  # fmt: skip
TOKEN = "test-token-0123456789"


@pytest.fixture
def webws(tmp_path: Path) -> Path:
    """A workspace (closed) holding applicant ``w-76``."""
    root = tmp_path / "ws"
    with init_workspace(root) as ws:
        add_applicant(ws, "w-76", prefecture="76", procedure="renouvellement",
                      permit_expiry="2025-04-15", full_name="Awa Fictive")  # fmt: skip
    return root


def make_client(root: Path, **options: Any) -> TestClient:
    from toolkit.web.app import create_app

    app = create_app(root, token=TOKEN, allowed_hosts=("testserver",), **options)
    client = TestClient(app, raise_server_exceptions=True)
    r = client.get(f"/?token={TOKEN}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/"
    return client


@pytest.fixture
def client(webws: Path) -> Iterator[TestClient]:
    with make_client(webws) as c:
        yield c
        c.app.state.web.jobs.wait_all()  # type: ignore[attr-defined]


def csrf(client: TestClient) -> str:
    return str(client.app.state.web.secrets.csrf)  # type: ignore[attr-defined]


def wait_job(client: TestClient, response: Any) -> dict[str, Any]:
    """Follow a started job to its end and return its state."""
    assert response.status_code in (200, 303), response.text
    if response.status_code == 303:
        url = response.headers["location"]
    elif response.headers["content-type"].startswith("application/json"):
        url = response.json()["url"]
    else:  # the redirect was followed to the job's page
        url = response.url.path
    job_id = url.rsplit("/", 1)[-1]
    job = client.app.state.web.jobs.wait(job_id, timeout=120)  # type: ignore[attr-defined]
    assert job is not None
    state = client.get(f"/taches/{job_id}.json").json()
    assert not state["running"], state
    return dict(state)


def upload(client: TestClient, url: str, files: list[tuple[str, bytes]], **fields: str) -> Any:
    """POST files the way the page's script does (token first, JSON answer)."""
    data = {"csrf": csrf(client), **fields}
    parts = [("files", (name, content, "application/octet-stream")) for name, content in files]
    return client.post(url, data=data, files=parts, headers={"accept": "application/json"})
