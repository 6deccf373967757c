"""`guichets serve` started as a person would: in a new folder, the workspace is made."""

from __future__ import annotations

import subprocess
import sys
import urllib.request
from pathlib import Path

CLI = Path(sys.executable).parent / "guichets"


def test_serve_creates_a_workspace_that_does_not_exist_yet(tmp_path: Path) -> None:
    root = tmp_path / "dossiers-association"
    proc = subprocess.Popen([str(CLI), "--workspace", str(root), "serve", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stderr is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read()
        assert proc.stderr.readline().strip() == (f"New workspace created: {root} (there was none)")
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(url) as r:  # the token becomes a cookie, then the home page
            page = r.read().decode()
        assert "Créer un dossier" in page
    finally:
        proc.terminate()
        proc.wait(timeout=15)
    assert (root / "guichets.duckdb").is_file() and (root / "vault").is_dir()


def test_serve_refuses_a_folder_that_is_not_a_workspace(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("des notes", encoding="utf-8")
    done = subprocess.run([str(CLI), "--workspace", str(tmp_path), "serve", "--port", "0"],
                          capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith(f"Error: {tmp_path}: no guichets workspace here"), done.stderr
    assert not (tmp_path / "guichets.duckdb").exists()
