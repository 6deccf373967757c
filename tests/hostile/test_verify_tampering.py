"""`guichets verify` catches each tampering by name, never blocks, and runs read-only.

Workspace: an original altered, deleted or replaced by a FIFO; a `files` row deleted or added
by hand; a copy nothing recorded; junk in the vault; a custody entry deleted, edited, or the
log wiped. Folder: an extra, hidden or FIFO file; a damaged or incomplete `SHA256SUMS`; a
manifest path leading outside the folder or through a link; an altered pièce or manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.hostile.limits import run_cli
from toolkit.workspace import open_workspace


def _errors(stderr: str) -> str:
    return "\n".join(line for line in stderr.splitlines() if line.startswith("Error:"))


@pytest.fixture
def vault_ws(ingested):  # type: ignore[no-untyped-def]
    """The ingested workspace, checked clean; returns (cli, {name: sha256})."""
    with open_workspace(ingested.workspace, read_only=True) as ws:
        files = dict(ws.con.execute("SELECT original_name, sha256 FROM files").fetchall())
    r = ingested("verify")
    assert r.exit_code == 0, r.output
    assert "OK: 2 file(s) checked, 0 missing, 0 altered" in r.stderr
    return ingested, files


def _vault_path(cli, sha: str) -> Path:  # type: ignore[no-untyped-def]
    p = cli.workspace / "vault" / sha[:2] / sha
    os.chmod(p, stat.S_IRUSR | stat.S_IWUSR)
    return p


def _sql(cli, query: str, params: list | None = None) -> None:  # type: ignore[no-untyped-def]
    with open_workspace(cli.workspace) as ws:
        ws.sql(query, params)


def test_deleted_files_row_and_its_citing_rows_are_named(vault_ws) -> None:  # type: ignore[no-untyped-def]
    cli, files = vault_ws
    sha = files["Screenshot_20250312-100632.png"]
    _sql(cli, "DELETE FROM files WHERE sha256 = ?", [sha])
    r = cli("verify")
    assert r.exit_code == 1
    errors = _errors(r.stderr)
    assert f"the files row of original {sha} was deleted (custody entry #" in errors
    assert f"cites original {sha}, which has no files row" in errors
    assert "FAILED: 1 file(s) checked" in errors


def test_a_row_added_by_hand_is_named(vault_ws) -> None:  # type: ignore[no-untyped-def]
    cli, _ = vault_ws
    data = b"planted"
    sha = hashlib.sha256(data).hexdigest()
    (cli.workspace / "vault" / sha[:2]).mkdir(exist_ok=True)
    (cli.workspace / "vault" / sha[:2] / sha).write_bytes(data)
    _sql(cli, "INSERT INTO files VALUES (?, 7, 'image/png', 'planted.png', now())", [sha])
    r = cli("verify")
    assert r.exit_code == 1
    assert f"files row {sha} (planted.png) is named by no custody entry" in _errors(r.stderr)


def test_an_untracked_copy_is_listed_without_failing(vault_ws) -> None:  # type: ignore[no-untyped-def]
    cli, _ = vault_ws
    data = b"copied, then the run was killed before its commit"
    sha = hashlib.sha256(data).hexdigest()
    (cli.workspace / "vault" / sha[:2]).mkdir(exist_ok=True)
    (cli.workspace / "vault" / sha[:2] / sha).write_bytes(data)
    r = cli("verify")
    assert r.exit_code == 0, r.output
    assert f"untracked original {sha} (in the vault, named by no files row" in r.stderr


def test_altered_missing_and_junk_in_the_vault(vault_ws) -> None:  # type: ignore[no-untyped-def]
    cli, files = vault_ws
    a, b = files["Screenshot_20250312-100632.png"], files["Screenshot_20250313-100632.png"]
    p = _vault_path(cli, a)
    p.write_bytes(p.read_bytes() + b"\0")
    _vault_path(cli, b).unlink()
    (cli.workspace / "vault" / "notes.txt").write_text("x")
    (cli.workspace / "vault" / a[:2] / ".hidden").write_text("x")
    r = cli("verify", "--format", "json")
    assert r.exit_code == 1
    data = json.loads(r.stdout)
    assert data["altered"] == [f"{a} (Screenshot_20250312-100632.png)"]
    assert data["missing"] == [f"{b} (Screenshot_20250313-100632.png)"]
    assert sorted(data["unexpected"]) == [
        f"{a[:2]}/.hidden (in the vault, not an original)",
        "notes.txt (in the vault, where only originals belong)",
    ]


@pytest.mark.parametrize(
    ("tamper", "named"),
    [
        ("DELETE FROM custody WHERE seq = 2", "custody entry #2 deleted (before custody entry #3"),
        (
            """UPDATE custody SET detail = '{"applicant": "someone-else"}' WHERE seq = 2""",
            "custody entry #2 (applicant.add, ",
        ),
        ("DELETE FROM custody", "the custody log is empty"),
    ],
    ids=["deleted", "edited", "wiped"],
)
def test_custody_tampering_is_named(vault_ws, tamper: str, named: str) -> None:  # type: ignore[no-untyped-def]
    cli, _ = vault_ws
    _sql(cli, tamper)
    r = cli("verify")
    assert r.exit_code == 1
    assert named in _errors(r.stderr)


def test_a_fifo_in_the_vault_does_not_block(vault_ws) -> None:  # type: ignore[no-untyped-def]
    cli, files = vault_ws
    sha = files["Screenshot_20250312-100632.png"]
    p = _vault_path(cli, sha)
    p.unlink()
    os.mkfifo(p)
    run = run_cli(cli.workspace, "verify", timeout=30)
    assert run.returncode == 1
    assert (
        f"the original {sha} (Screenshot_20250312-100632.png) is replaced by a FIFO" in run.stderr
    )


@contextmanager
def _read_only(root: Path) -> Iterator[None]:
    """``root`` made read-only: by its permissions, or (as root, whom permissions do not bind)
    by a read-only bind mount, as a workspace on a read-only disk or share."""
    if os.getuid() != 0:
        modes = {p: p.stat().st_mode for p in [root, *root.rglob("*")]}
        for p, mode in modes.items():
            os.chmod(p, mode & ~0o222)
        try:
            yield
        finally:
            for p, mode in modes.items():
                os.chmod(p, mode)
        return
    bind = subprocess.run(["mount", "--bind", str(root), str(root)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"cannot bind-mount as root here: {bind.stderr.decode().strip()}")
    try:
        subprocess.run(
            ["mount", "-o", "remount,ro,bind", str(root)], check=True, capture_output=True
        )
        yield
    finally:
        subprocess.run(["umount", str(root)], check=True)


def test_a_read_only_workspace_is_verified(vault_ws) -> None:  # type: ignore[no-untyped-def]
    """A workspace on read-only media (or someone else's): opened read-only, checked, nothing
    written, even with a leftover the next writable open would sweep."""
    cli, _ = vault_ws
    root = cli.workspace
    (root / "tmp" / "vault-left").write_bytes(b"x")
    before = {p: p.stat().st_mtime_ns for p in root.rglob("*")}
    with _read_only(root):
        with pytest.raises(OSError):
            (root / "probe").write_bytes(b"x")
        r = cli("verify")
    assert r.exit_code == 0, r.output
    assert "opened read-only: this check is not logged in custody" in r.stderr
    assert "OK: 2 file(s) checked" in r.stderr
    assert {p: p.stat().st_mtime_ns for p in root.rglob("*")} == before


# --- a generated folder ---------------------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    """A well-formed exhibit folder: two pièces, manifest, SHA256SUMS."""
    out = tmp_path / "pieces"
    out.mkdir()
    files = []
    for name, data in (("01_Titre.pdf", b"%PDF-1 titre"), ("02_Captures.pdf", b"%PDF-1 shots")):
        (out / name).write_bytes(data)
        files.append({"path": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    manifest = json.dumps({"format": "guichets-exhibits/1", "files": files}, indent=2).encode()
    (out / "manifest.json").write_bytes(manifest)
    sums = [(f["sha256"], f["path"]) for f in files] + [
        (hashlib.sha256(manifest).hexdigest(), "manifest.json")
    ]
    (out / "SHA256SUMS").write_text("".join(f"{h}  {p}\n" for h, p in sums))
    return out


def _rewrite_manifest(out: Path, edit) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads((out / "manifest.json").read_text())
    edit(manifest)
    data = json.dumps(manifest).encode()
    (out / "manifest.json").write_bytes(data)
    lines = [
        line
        for line in (out / "SHA256SUMS").read_text().splitlines()
        if not line.endswith("manifest.json")
    ]
    lines.append(f"{hashlib.sha256(data).hexdigest()}  manifest.json")
    (out / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def _tamper_extra(out: Path) -> None:
    (out / "notes.txt").write_text("mine")


def _tamper_hidden(out: Path) -> None:
    (out / ".DS_Store").write_bytes(b"\0")


def _tamper_fifo_extra(out: Path) -> None:
    os.mkfifo(out / "pipe")


def _tamper_fifo_listed(out: Path) -> None:
    (out / "01_Titre.pdf").unlink()
    os.mkfifo(out / "01_Titre.pdf")


def _tamper_damaged_line(out: Path) -> None:
    lines = (out / "SHA256SUMS").read_text().splitlines()
    lines[1] = "not-a-hash  02_Captures.pdf"
    (out / "SHA256SUMS").write_text("\n".join(lines) + "\n")


def _tamper_dropped_line(out: Path) -> None:
    lines = (out / "SHA256SUMS").read_text().splitlines()
    (out / "SHA256SUMS").write_text("\n".join(lines[1:]) + "\n")


def _tamper_outside(out: Path) -> None:
    hostname = "../" * 12 + "etc/hostname"
    digest = "0" * 64

    def add(m: dict) -> None:
        m["files"].append({"path": hostname, "sha256": digest, "size": 1})

    _rewrite_manifest(out, add)


def _tamper_link(out: Path) -> None:
    (out / "01_Titre.pdf").unlink()
    (out / "01_Titre.pdf").symlink_to("/etc/hostname")


def _tamper_linked_folder(out: Path) -> None:
    (out / "sub").symlink_to("/etc", target_is_directory=True)

    def add(m: dict) -> None:
        m["files"].append({"path": "sub/hostname", "sha256": "0" * 64, "size": 1})

    _rewrite_manifest(out, add)


def _tamper_altered(out: Path) -> None:
    (out / "02_Captures.pdf").write_bytes(b"%PDF-1 other shots")


def _tamper_manifest(out: Path) -> None:
    text = (out / "manifest.json").read_text().replace('"size": 12', '"size": 13', 1)
    (out / "manifest.json").write_text(text)


def _tamper_folder(out: Path) -> None:
    (out / "brouillons").mkdir()


def _tamper_no_sums(out: Path) -> None:
    (out / "SHA256SUMS").unlink()


FOLDER_CASES = {
    "extra": (_tamper_extra, "notes.txt (file, not in the manifest)"),
    "hidden": (_tamper_hidden, ".DS_Store (file, hidden, not in the manifest)"),
    "fifo-extra": (_tamper_fifo_extra, "pipe (a FIFO (named pipe), not in the manifest)"),
    "fifo-listed": (_tamper_fifo_listed, "01_Titre.pdf is a FIFO (named pipe), not the file"),
    "damaged-sums": (_tamper_damaged_line, "SHA256SUMS line 2 is damaged: 'not-a-hash  02_"),
    "dropped-sums": (_tamper_dropped_line, "01_Titre.pdf is missing from SHA256SUMS"),
    "outside": (_tamper_outside, "entry 3 names a path outside the folder ('../../"),
    "link": (_tamper_link, "01_Titre.pdf is a symbolic link, not the file"),
    "linked-folder": (_tamper_linked_folder, "sub/hostname is sub/ is a symbolic link"),
    "altered": (_tamper_altered, "altered 02_Captures.pdf (its sha256 no longer matches)"),
    "manifest": (_tamper_manifest, "altered manifest.json (its sha256 differs from SHA256SUMS)"),
    "folder": (_tamper_folder, "brouillons/ (a folder the manifest does not list)"),
    "no-sums": (_tamper_no_sums, "SHA256SUMS is missing (every exhibit folder has one)"),
}


@pytest.mark.parametrize("case", list(FOLDER_CASES))
def test_folder_tampering_is_named(cli, tmp_path: Path, case: str) -> None:  # type: ignore[no-untyped-def]
    out = _folder(tmp_path)
    r = cli("verify", str(out))
    assert r.exit_code == 0, r.output
    tamper, named = FOLDER_CASES[case]
    tamper(out)
    r = cli("verify", str(out))
    assert r.exit_code == 1, r.output
    assert named in _errors(r.stderr), r.stderr
    assert "hostname" not in r.stdout  # nothing outside the folder was read into the output


def test_a_fifo_in_a_folder_does_not_block_the_process(tmp_path: Path) -> None:
    out = _folder(tmp_path)
    _tamper_fifo_listed(out)
    _tamper_fifo_extra(out)
    run = run_cli(tmp_path / "no-ws", "verify", str(out), timeout=30)
    assert run.returncode == 1
    assert "01_Titre.pdf is a FIFO (named pipe)" in run.stderr and "pipe (a FIFO" in run.stderr
