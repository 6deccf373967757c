"""The workspace's tmp/ folder: where staging lives, and how a crash's leftovers are swept."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from toolkit.workspace import init_workspace, open_workspace


def test_vault_copies_are_staged_in_tmp_not_in_the_vault(ws, monkeypatch) -> None:
    seen: list[Path] = []
    real = os.replace

    def spy(src, dst):  # type: ignore[no-untyped-def]
        seen.append(Path(src))
        return real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    with ws.transaction():
        digest = ws.store_file(b"an original", "a.png", "image/png")
    assert seen and seen[0].parent == ws.tmp_dir
    assert ws.vault.path_for(digest).read_bytes() == b"an original"
    assert list(ws.tmp_dir.iterdir()) == []


def test_temp_file_and_temp_dir_live_under_tmp(ws) -> None:
    f = ws.temp_file(prefix="crawl-", suffix=".csv")
    assert f.parent == ws.tmp_dir and f.name.startswith("crawl-") and f.stat().st_size == 0
    with ws.temp_dir(prefix="bundle-") as d:
        (d / "x").write_bytes(b"1")
        assert d.parent == ws.tmp_dir
    assert not d.exists()
    with ws.transaction():  # a staged copy adopted into the vault leaves tmp/
        f.write_bytes(b"staged copy")
        from toolkit.vault import sha256_file

        digest = sha256_file(f)
        ws.adopt_file(f, digest, 11, "c.csv", "text/csv")
    assert not f.exists() and ws.vault.path_for(digest).is_file()


def test_leftovers_are_swept_reported_and_logged_at_the_next_open(tmp_path: Path) -> None:
    root = tmp_path / "w"
    init_workspace(root).close()
    (root / "tmp" / "vault-abc").write_bytes(b"x" * 1000)  # a crash during a copy
    staging = root / "tmp" / "crawl-1"
    staging.mkdir()
    (staging / "part").write_bytes(b"y" * 500)
    legacy = root / "vault" / ".incoming-old"  # left by an older guichets
    legacy.write_bytes(b"z" * 20)
    (root / "vault" / "ab").mkdir()
    (root / "vault" / "ab" / ".incoming-q").write_bytes(b"q")
    with open_workspace(root, read_only=True) as ro:  # a read-only open touches nothing
        assert ro.swept == [] and legacy.exists()
    with open_workspace(root) as ws:
        swept = {x.path: x.size for x in ws.swept}
        assert swept == {
            "tmp/vault-abc": 1000,
            "tmp/crawl-1": 500,
            "vault/.incoming-old": 20,
            "vault/ab/.incoming-q": 1,
        }
        assert list((root / "tmp").iterdir()) == [] and not legacy.exists()
        detail = json.loads(
            ws.scalar("SELECT detail FROM custody WHERE action = 'workspace.sweep'")
        )
        assert {r["path"] for r in detail["removed"]} == set(swept)
    with open_workspace(root) as ws:  # nothing left: nothing to say
        assert ws.swept == []


def test_cli_warns_about_what_it_swept(cli) -> None:
    (cli.workspace / "tmp" / "vault-x").write_bytes(b"x" * 2_000_000)
    r = cli("applicant", "add", "x-1", "--prefecture", "76", "--procedure", "renouvellement")
    assert r.exit_code == 0, r.output
    assert (
        "Warning: removed 1 temporary file(s) (2.0 MB) left by an interrupted run: tmp/vault-x"
        in r.stderr
    )


@pytest.mark.parametrize("fail_at", ["write", "rename"])
def test_a_failed_copy_leaves_nothing_in_tmp_or_vault(ws, monkeypatch, fail_at: str) -> None:
    if fail_at == "rename":
        monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(5, "EIO")))
    else:
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "EIO")))
    with pytest.raises(OSError), ws.transaction():
        ws.store_file(b"payload", "a.png", "image/png")
    assert list(ws.tmp_dir.iterdir()) == []
    assert [p for p in ws.vault.root.rglob("*") if p.is_file()] == []


def test_a_linked_tmp_folder_is_never_emptied(tmp_path: Path) -> None:
    root = tmp_path / "w"
    init_workspace(root).close()
    (root / "tmp").rmdir()
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.odt").write_text("years of work")
    (root / "tmp").symlink_to(precious, target_is_directory=True)
    with open_workspace(root) as ws:
        assert ws.swept == []
    assert (precious / "thesis.odt").read_text() == "years of work"
