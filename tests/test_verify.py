"""`guichets verify`: re-hash the vault and name what changed."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from PIL import Image

from toolkit.verify import verify_workspace


def _ingest_two(cli, applicant: str, tmp_path: Path) -> None:
    d = tmp_path / "shots"
    d.mkdir()
    Image.new("RGB", (20, 20), "white").save(d / "Screenshot_20250312-100632.png")
    Image.new("RGB", (20, 20), "black").save(d / "Screenshot_20250313-100632.png")
    r = cli("ingest", "screenshots", str(d), "-a", applicant, "--no-ocr")
    assert r.exit_code == 0, r.output


def test_verify_ok_then_altered_and_missing(cli, cli_applicant: str, tmp_path: Path) -> None:
    _ingest_two(cli, cli_applicant, tmp_path)
    r = cli("verify")
    assert r.exit_code == 0, r.output
    assert "OK: 2 file(s) checked, 0 missing, 0 altered" in r.stderr
    files = sorted((cli.workspace / "vault").glob("??/*"))
    altered, missing = files
    os.chmod(altered, stat.S_IWUSR | stat.S_IRUSR)
    altered.write_bytes(altered.read_bytes() + b"\x00")
    os.chmod(missing, stat.S_IWUSR | stat.S_IRUSR)
    missing.unlink()
    r = cli("verify")
    assert r.exit_code == 1
    assert f"altered {altered.name} (Screenshot_2025031" in r.stderr
    assert f"missing {missing.name} (Screenshot_2025031" in r.stderr
    assert "FAILED: 2 file(s) checked, 1 missing, 1 altered" in r.stderr
    r = cli("verify", "--format", "json")  # JSON on stdout, still exit 1
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["ok"] is False and data["checked"] == 2 and len(data["altered"]) == 1


def test_verify_is_logged_in_custody(ws, applicant: str) -> None:
    result = verify_workspace(ws)
    assert result.ok and result.checked == 0
    assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'verify.vault'") == 1
