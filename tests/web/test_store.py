"""The workspace shared with the CLI: no connection held between requests; a page says
« espace de travail occupé » while another process writes, and jobs wait for it."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from starlette.testclient import TestClient

from tests.web.conftest import SHOTS, THREE, upload, wait_job

HOLD = (
    "import duckdb, sys, time\n"
    "con = duckdb.connect(sys.argv[1])\n"
    "print('held', flush=True)\n"
    "time.sleep(float(sys.argv[2]))\n"
)


def _hold(root: Path, seconds: float) -> subprocess.Popen[str]:
    p = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root / "guichets.duckdb"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "held"
    return p


def test_pages_say_busy_while_another_process_holds_the_workspace(
    client: TestClient, webws: Path
) -> None:
    holder = _hold(webws, 30)
    try:
        r = client.get("/dossiers/w-76")
        assert r.status_code == 503
        assert "Espace de travail occupé, réessayez" in r.text
        assert 'href="/dossiers/w-76">Réessayer' in r.text
        as_json = client.get("/dossiers/w-76", headers={"accept": "application/json"})
        assert as_json.json()["error"] == "Espace de travail occupé, réessayez"
    finally:
        holder.kill()
        holder.wait()
    assert client.get("/dossiers/w-76").status_code == 200


def test_a_job_waits_for_the_other_process_then_runs(client: TestClient, webws: Path) -> None:
    holder = _hold(webws, 1.5)
    files = [(name, (SHOTS / name).read_bytes()) for name in THREE]
    started = time.monotonic()
    job = wait_job(client, upload(client, "/dossiers/w-76/preuves", files, ocr="0"))
    holder.wait()
    assert job["status"] == "done", job
    assert time.monotonic() - started >= 1.0


def test_no_connection_is_held_between_requests(client: TestClient, webws: Path) -> None:
    files = [(name, (SHOTS / name).read_bytes()) for name in THREE]
    wait_job(client, upload(client, "/dossiers/w-76/preuves", files))
    for path in ("/", "/dossiers/w-76", "/dossiers/w-76/chronologie.png", "/associations"):
        assert client.get(path).status_code == 200, path
    cli = Path(sys.executable).parent / "guichets"
    done = subprocess.run(
        [str(cli), "--workspace", str(webws), "attempts", "w-76", "--format", "csv"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("\n") == 4  # header and the three attempts


def test_pages_never_sweep_the_tmp_folder_a_task_may_be_writing_in(
    client: TestClient, webws: Path
) -> None:
    staged = webws / "tmp" / "copy-of-an-original"
    staged.parent.mkdir(exist_ok=True)
    staged.write_bytes(b"on its way to the vault")
    for path in ("/", "/dossiers/w-76", "/associations"):
        assert client.get(path).status_code == 200
    files = [(name, (SHOTS / name).read_bytes()) for name in THREE[:1]]
    wait_job(client, upload(client, "/dossiers/w-76/preuves", files, ocr="0"))
    assert staged.read_bytes() == b"on its way to the vault"
    from toolkit.workspace import open_workspace

    with open_workspace(webws) as ws:  # the CLI's next open sweeps it, and says so
        assert [x.path for x in ws.swept] == ["tmp/copy-of-an-original"]
