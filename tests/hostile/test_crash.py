"""Faults: Ctrl-C, kill -9, a full disk, a damaged key. Each ends in one line, and what the
line says is true: nothing half-recorded, nothing lost, leftovers swept and reported."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.hostile.limits import run_cli
from toolkit.workspace import open_workspace


def _shots(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        day, minute = 1 + i // 1440 % 28, i % 1440
        name = f"Screenshot_202503{day:02d}-{minute // 60:02d}{minute % 60:02d}00.png"
        Image.new("RGB", (24, 24), (i % 256, i // 256 % 256, 7)).save(folder / name)
    return folder


def _originals(root: Path) -> list[Path]:
    return [p for p in (root / "vault").glob("??/*") if p.is_file()]


def _counts(root: Path) -> tuple[int, int]:
    with open_workspace(root, read_only=True) as ws:
        return ws.scalar("SELECT count(*) FROM files"), ws.scalar("SELECT count(*) FROM attempts")


def test_ctrl_c_mid_ingest_exits_130_and_records_nothing(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = ingested.workspace
    before = {p.name for p in _originals(root)}
    shots = _shots(tmp_path / "many", 400)
    run = run_cli(
        root, "ingest", "screenshots", str(shots), "-a", "c-76", "--no-ocr",
        timeout=120, interrupt_when=lambda: len(_originals(root)) >= len(before) + 5,
    )  # fmt: skip
    assert run.returncode == 130, run.stderr
    assert run.error_lines == ["Error: interrupted; nothing was recorded"]
    assert _counts(root) == (2, 2)  # the two screenshots ingested before, nothing more
    assert {p.name for p in _originals(root)} == before  # the copies were rolled back too
    assert list((root / "tmp").iterdir()) == []


def test_kill_9_mid_ingest_leaves_a_sound_workspace(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = ingested.workspace
    before = {p.name for p in _originals(root)}
    shots = _shots(tmp_path / "many", 400)
    run = run_cli(
        root, "ingest", "screenshots", str(shots), "-a", "c-76", "--no-ocr", timeout=120,
        interrupt_when=lambda: len(_originals(root)) >= len(before) + 5,
        signal_number=signal.SIGKILL,
    )  # fmt: skip
    assert run.returncode == -signal.SIGKILL
    for p in (root / "tmp").iterdir():  # what the kill left mid-copy, if anything
        p.unlink()
    (root / "tmp" / "vault-half").write_bytes(b"half a copy")  # as a kill mid-copy leaves
    left = {p.name for p in _originals(root)} - before
    assert left and _counts(root) == (2, 2)  # the database is whole: nothing committed
    r = ingested("verify")  # the copies nothing recorded are named, not failed
    assert r.exit_code == 0, r.output
    assert all(f"untracked original {sha} (in the vault, named by no files row" in r.stderr
               for sha in left)  # fmt: skip
    # the first write open after the crash swept tmp/ and said so
    assert "Warning: removed 1 temporary file(s)" in r.stderr and "tmp/vault-half" in r.stderr
    assert list((root / "tmp").iterdir()) == []


# --- a full disk -----------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB file system of its own (tmpfs), to fill."""
    disk = tmp_path / "disk"
    disk.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(disk)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def _fill(disk: Path, leave: int = 0) -> Path:
    """Fill ``disk`` up to ``leave`` bytes; return the filler (delete it to free the space)."""
    filler = disk / "filler"
    st = os.statvfs(disk)
    free = st.f_bavail * st.f_frsize
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        os.write(fd, b"\0" * max(0, free - leave))
        while leave == 0:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)
    return filler


def test_full_disk_while_ingesting(
    small_disk: Path, ingested_template: Path, tmp_path: Path
) -> None:
    from tests.conftest import Cli

    root = small_disk / "ws"
    shutil.copytree(ingested_template, root)
    cli = Cli(root)
    big = tmp_path / "big"
    big.mkdir()
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(
        big / "Screenshot_20250320-101010.png", compress_level=0
    )
    filler = _fill(small_disk, leave=300_000)
    r = cli("ingest", "screenshots", str(big), "-a", "c-76", "--no-ocr")
    assert r.exit_code == 1, r.output
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and f"{root / 'vault'}: disque plein" in errors[0], r.stderr
    filler.unlink()
    assert _counts(root) == (2, 2)
    assert len(_originals(root)) == 2 and list((root / "tmp").iterdir()) == []
    r = cli("ingest", "screenshots", str(big), "-a", "c-76", "--no-ocr")  # space again: it works
    assert r.exit_code == 0, r.output
    assert _counts(root) == (3, 3)


def test_full_disk_while_writing_an_output(small_disk: Path, ingested) -> None:  # type: ignore[no-untyped-def]
    target = small_disk / "chronologie.png"
    target.write_bytes(b"the chart of last week")
    _fill(small_disk)
    r = ingested("chart", "applicant", "c-76", "--out", str(target))
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Error: {target}: disque plein (no space left on the device); free some space, then "
        "run the command again (nothing was recorded)"
    ]
    assert target.read_bytes() == b"the chart of last week"
    assert sorted(p.name for p in small_disk.iterdir()) == ["chronologie.png", "filler"]
    with open_workspace(ingested.workspace, read_only=True) as ws:
        assert ws.scalar("SELECT count(*) FROM generated") == 0


def test_full_disk_leaves_no_half_key(
    small_disk: Path, ingested_template: Path, tmp_path: Path
) -> None:
    from tests.conftest import Cli

    root = small_disk / "ws"
    shutil.copytree(ingested_template, root)
    cli = Cli(root)
    filler = _fill(small_disk)
    r = cli("export", "bundle", "--out", str(tmp_path / "b.zip"))
    assert r.exit_code == 1
    errors = [line for line in r.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and f"{root / 'secret.key'}: disque plein" in errors[0], r.stderr
    assert not (root / "secret.key").exists() and not (tmp_path / "b.zip").exists()
    filler.unlink()
    r = cli("export", "bundle", "--out", str(tmp_path / "b.zip"))
    assert r.exit_code == 0, r.output
    assert len((root / "secret.key").read_bytes()) == 32


def test_a_damaged_key_says_what_to_do(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    key = ingested.workspace / "secret.key"
    key.write_bytes(b"")
    r = ingested("export", "bundle", "--out", str(tmp_path / "b.zip"))
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Error: {key}: damaged (0 byte(s); a workspace key is 32 random bytes): restore it "
        "from a backup, or, if no bundle was ever exported from this workspace (`guichets` "
        "wrote none with this key), delete it and a new one will be made"
    ]
    assert not (tmp_path / "b.zip").exists()
