"""Workspace creation, migrations, locking and transactions."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from toolkit import workspace as wsmod
from toolkit.errors import WorkspaceBusy, WorkspaceMissing, WorkspaceTooNew
from toolkit.workspace import init_workspace, open_workspace, schema_version


def test_init_creates_store_vault_and_out(tmp_path: Path) -> None:
    with init_workspace(tmp_path / "w") as ws:
        assert (tmp_path / "w" / "guichets.duckdb").is_file()
        assert (tmp_path / "w" / "vault").is_dir()
        assert (tmp_path / "w" / "out").is_dir()
        assert ws.scalar("SELECT max(version) FROM schema_migrations") == schema_version()
        assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'init'") == 1
        assert ws.scalar("SELECT count(*) FROM prefectures") == 105
        assert ws.scalar("SELECT tz FROM prefectures WHERE code = '973'") == "America/Cayenne"
    # a second init is harmless and not logged twice
    with init_workspace(tmp_path / "w") as ws:
        assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'init'") == 1


def test_custody_records_actor_and_version(ws) -> None:
    row = ws.rows("SELECT actor, tool_version, detail FROM custody WHERE action = ?", ["init"])[0]
    assert row["actor"]
    assert row["tool_version"] == "0.1.0"
    assert '"schema_version"' in row["detail"]


def test_missing_workspace_says_how_to_create(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceMissing) as e:
        open_workspace(tmp_path / "nowhere")
    assert f"guichets --workspace {tmp_path / 'nowhere'} init" in str(e.value)


def test_env_var_selects_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GUICHETS_WORKSPACE", str(tmp_path / "env-ws"))
    with init_workspace() as ws:
        assert ws.root == tmp_path / "env-ws"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    with init_workspace(tmp_path / "w") as ws:
        ws.sql("INSERT INTO schema_migrations VALUES (999, 'future', now(), '9.9')")
    with pytest.raises(WorkspaceTooNew, match="schema version 999 is newer"):
        open_workspace(tmp_path / "w")


def test_older_schema_is_migrated_on_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    init_workspace(tmp_path / "w").close()
    real = wsmod.migrations()
    extra = (real[-1][0] + 1, "test_extra", "CREATE TABLE test_extra (x INTEGER);")
    monkeypatch.setattr(wsmod, "migrations", lambda: [*real, extra])
    with open_workspace(tmp_path / "w") as ws:
        assert ws.scalar("SELECT max(version) FROM schema_migrations") == extra[0]
        assert ws.scalar("SELECT count(*) FROM test_extra") == 0


@pytest.mark.parametrize("read_only", [False, True])
def test_a_missing_version_below_the_highest_is_applied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read_only: bool
) -> None:
    """A workspace built on a branch may hold 011 without 010 (merged later): every version
    not yet applied runs, in order, not only those above the highest applied."""
    real = wsmod.migrations()
    top = real[-1][0]
    high = (top + 2, "test_high", "CREATE TABLE test_high (x INTEGER);")
    monkeypatch.setattr(wsmod, "migrations", lambda: [*real, high])
    init_workspace(tmp_path / "w").close()  # holds top + 2 without top + 1
    applied = [v for v, _, _ in real] + [high[0]]
    gap = top + 1
    late = (gap, "test_late", "CREATE TABLE test_late (x INTEGER);")
    after = (top + 3, "test_after", "CREATE TABLE test_after AS SELECT * FROM test_late;")
    monkeypatch.setattr(wsmod, "migrations", lambda: sorted([*real, high, late, after]))
    with open_workspace(tmp_path / "w", read_only=read_only) as ws:
        versions = [r[0] for r in ws.sql("SELECT version FROM schema_migrations").fetchall()]
        assert sorted(versions) == sorted([*applied, gap, after[0]])
        assert ws.scalar("SELECT count(*) FROM test_late") == 0
        assert ws.scalar("SELECT count(*) FROM test_after") == 0
    with open_workspace(tmp_path / "w") as ws:  # nothing runs twice
        assert ws.scalar("SELECT count(*) FROM schema_migrations WHERE version = ?", [gap]) == 1


def test_rollback_removes_vault_files_written_in_the_transaction(ws) -> None:
    with pytest.raises(RuntimeError), ws.transaction():
        digest = ws.store_file(b"evidence bytes", "x.png", "image/png")
        assert digest in ws.vault
        raise RuntimeError("boom")
    assert digest not in ws.vault
    assert ws.scalar("SELECT count(*) FROM files") == 0


def test_vault_files_are_read_only_and_stored_once(ws) -> None:
    with ws.transaction():
        d1 = ws.store_file(b"same", "a.png", "image/png")
        d2 = ws.store_file(b"same", "b.png", "image/png")
    assert d1 == d2
    path = ws.vault.path_for(d1)
    assert path.read_bytes() == b"same"
    assert path.stat().st_mode & 0o222 == 0
    assert ws.scalar("SELECT count(*) FROM files") == 1
    assert ws.scalar("SELECT original_name FROM files") == "a.png"


HOLDER = """
import sys, time
from toolkit.workspace import open_workspace
ws = open_workspace(sys.argv[1])
print("ready", flush=True)
time.sleep(30)
"""


@pytest.fixture
def held_workspace(tmp_path: Path):
    init_workspace(tmp_path / "w").close()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "w")], stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    yield tmp_path / "w"
    proc.kill()
    proc.wait()


def test_second_process_gets_busy_error(held_workspace: Path) -> None:
    start = time.monotonic()
    with pytest.raises(WorkspaceBusy, match="workspace is busy: another guichets process"):
        open_workspace(held_workspace)
    with pytest.raises(WorkspaceBusy):
        open_workspace(held_workspace, read_only=True)
    assert time.monotonic() - start < 10


def test_cli_busy_is_one_line_exit_1(held_workspace: Path) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "toolkit", "--workspace", str(held_workspace), "applicant", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 1
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith("Error: workspace is busy")
    assert "Traceback" not in r.stderr


def test_read_only_open_migrates_an_older_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    init_workspace(tmp_path / "w").close()
    real = wsmod.migrations()
    extra = (real[-1][0] + 1, "test_extra", "CREATE TABLE test_extra (x INTEGER);")
    monkeypatch.setattr(wsmod, "migrations", lambda: [*real, extra])
    with open_workspace(tmp_path / "w", read_only=True) as ws:
        assert ws.read_only
        assert ws.scalar("SELECT max(version) FROM schema_migrations") == extra[0]


@pytest.mark.parametrize("read_only", [False, True])
def test_extensions_are_never_installed_or_loaded(tmp_path: Path, read_only: bool) -> None:
    import duckdb

    init_workspace(tmp_path / "w").close()
    with open_workspace(tmp_path / "w", read_only=read_only) as ws:
        for name in ("autoinstall_known_extensions", "autoload_known_extensions",
                     "allow_community_extensions", "allow_unsigned_extensions"):  # fmt: skip
            assert ws.scalar(f"SELECT current_setting('{name}')") is False, name
        loaded = {r[0] for r in ws.con.execute(
            "SELECT extension_name FROM duckdb_extensions() WHERE loaded").fetchall()}  # fmt: skip
        assert "httpfs" not in loaded
        # a remote path wants httpfs: refused, never fetched
        with pytest.raises(duckdb.Error, match="httpfs"):
            ws.sql("SELECT * FROM read_csv('https://127.0.0.1:9/x.csv')")
        assert ws.scalar("SELECT json_extract_string('{\"a\": \"b\"}', '$.a')") == "b"


def test_every_connection_is_made_in_one_place() -> None:
    """One place opens DuckDB, so the extension settings above hold for every connection."""
    root = Path(wsmod.__file__).parent
    opened = [
        p.relative_to(root).as_posix()
        for p in root.rglob("*.py")
        if "duckdb.connect(" in p.read_text(encoding="utf-8")
    ]
    assert opened == ["connection.py"]


def test_file_info_and_custody_entries_by_applicant(ws) -> None:  # type: ignore[no-untyped-def]
    from toolkit.applicants import add_applicant
    from toolkit.custody import entries as custody_entries

    add_applicant(ws, "a-1", prefecture="76", procedure="autre")
    add_applicant(ws, "a-2", prefecture="38", procedure="autre")
    with ws.transaction():
        digest = ws.store_file(b"hello", "note.txt", "text/plain")
    info = ws.file_info(digest)
    assert info["original_name"] == "note.txt" and info["size"] == 5
    assert ws.file_info("0" * 64) is None
    mine = custody_entries(ws.con, applicant="a-1")
    assert [e["action"] for e in mine] == ["applicant.add"]
    assert mine[0]["detail"]["applicant"] == "a-1"
    every = custody_entries(ws.con)
    assert [e["action"] for e in every][:2] == ["applicant.add", "applicant.add"]
    assert every[-1]["action"] == "init" and len(custody_entries(ws.con, limit=1)) == 1
    assert [e["seq"] for e in every] == sorted((e["seq"] for e in every), reverse=True)
