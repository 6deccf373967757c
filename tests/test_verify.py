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


def test_a_check_is_one_entry_in_the_list(ws, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from toolkit import verify

    def check_tokens(ws, result, budget) -> None:  # type: ignore[no-untyped-def]
        result.checked += 1
        result.problems.append("token of x does not match")

    monkeypatch.setattr(verify, "WORKSPACE_CHECKS", [*verify.WORKSPACE_CHECKS, check_tokens])
    result = verify_workspace(ws)
    assert not result.ok and result.problems == ["token of x does not match"]
    assert result.lines()[-1].endswith(
        "FAILED: 1 file(s) checked, 0 missing, 0 altered, 1 other problem(s)"
    )


def test_a_spent_time_budget_stops_and_fails(ws, applicant: str) -> None:
    with ws.transaction():
        ws.store_file(b"x" * 10, "a.png", "image/png")
        ws.log_custody("ingest.test", {})
    result = verify_workspace(ws, timeout=-1)
    assert not result.ok
    assert result.problems[-1].startswith("stopped after -1 s (check_vault unfinished")


def test_read_only_verify_writes_nothing(tmp_path: Path) -> None:
    from toolkit.workspace import init_workspace, open_workspace

    init_workspace(tmp_path / "w").close()
    with open_workspace(tmp_path / "w", read_only=True) as ro:
        result = verify_workspace(ro)
        assert result.ok
        assert "opened read-only: this check is not logged in custody" in result.notes
        assert ro.scalar("SELECT count(*) FROM custody WHERE action = 'verify.vault'") == 0
        assert any(n.startswith("custody: 1 entries, head #1 ") for n in result.notes)


def test_confined_paths() -> None:
    from toolkit.verify_base import confined

    assert confined("a/b.pdf") == "a/b.pdf"
    for bad in ("../x", "/etc/hostname", "a/../../b", "a\\b", "C:x", "", "a//b", "./a", 3, None):
        assert confined(bad) is None, bad
