"""Outputs destroy nothing: not through a link, not inside the workspace, not the user's own
files on a re-run; and a folder ingest never leaves its folder through a link."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from toolkit.workspace import open_workspace


def _errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("Error:")]


@pytest.mark.parametrize("target", ["guichets.duckdb", "secret.key", "vault"])
def test_a_chart_through_a_link_destroys_nothing(ingested, tmp_path: Path, target: str) -> None:  # type: ignore[no-untyped-def]
    root = ingested.workspace
    (root / "secret.key").write_bytes(os.urandom(32))
    pointed = root / target
    link = tmp_path / "x.png"
    link.symlink_to(pointed)
    before = pointed.read_bytes() if pointed.is_file() else sorted(pointed.rglob("*"))
    r = ingested("chart", "applicant", "c-76", "--out", str(link))
    assert r.exit_code == 1
    assert _errors(r.stderr) == [
        f"Error: {link}: is a symbolic link (to {pointed}); guichets never writes through a "
        "link: remove it or choose another file name"
    ]
    assert (pointed.read_bytes() if pointed.is_file() else sorted(pointed.rglob("*"))) == before
    with open_workspace(root, read_only=True) as ws:
        assert ws.scalar("SELECT count(*) FROM generated") == 0


@pytest.mark.parametrize(
    ("command", "where"),
    [
        (["chart", "applicant", "c-76", "--out"], "vault/ab/x.png"),
        (["letter", "ddd", "c-76", "--out"], "vault/x.docx"),
        (["export", "xlsx", "--out"], "tmp/x.xlsx"),
        (["export", "bundle", "--out"], "guichets.duckdb.zip/../guichets.duckdb"),
    ],
)
def test_outputs_never_land_inside_the_workspace(ingested, command: list[str], where: str) -> None:  # type: ignore[no-untyped-def]
    root = ingested.workspace
    db = (root / "guichets.duckdb").read_bytes()
    target = root / where
    r = ingested(*command, str(target))
    assert r.exit_code == 1, r.output
    (line,) = _errors(r.stderr)
    assert str(target) in line or "a bundle is a .zip file" in line
    assert (
        not (root / "vault" / "ab" / "x.png").exists() and not (root / "vault" / "x.docx").exists()
    )
    assert (root / "guichets.duckdb").read_bytes() == db


def test_a_linked_folder_does_not_lead_into_the_vault(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    innocent = tmp_path / "mes-lettres"
    innocent.symlink_to(ingested.workspace / "vault", target_is_directory=True)
    r = ingested("letter", "ddd", "c-76", "--out", str(innocent / "ddd.docx"))
    assert r.exit_code == 1
    assert "is inside the workspace's vault/ folder" in _errors(r.stderr)[0]
    assert not (ingested.workspace / "vault" / "ddd.docx").exists()


def test_re_running_exhibits_keeps_the_users_files(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """(The refusals, a pièce changed since or a user's file bearing a new pièce's name, are
    tested on the placement itself: tests/documents/test_exhibit_folder.py.)"""
    out = tmp_path / "pieces"
    r = ingested("exhibits", "c-76", "--out", str(out), "--format", "json")
    assert r.exit_code == 0, r.output
    made = {f["path"]: f["sha256"] for f in json.loads(r.stdout)["files"]}
    (out / "notes de l'avocate.docx").write_bytes(b"my own notes")
    (out / ".DS_Store").write_bytes(b"\0")
    r = ingested("exhibits", "c-76", "--out", str(out))
    assert r.exit_code == 0, r.output
    assert (
        f"Warning: left 2 file(s) in {out} that `guichets exhibits` did not make: .DS_Store, "
        "notes de l'avocate.docx; move them out before filing" in r.stderr
    )
    assert (out / "notes de l'avocate.docx").read_bytes() == b"my own notes"
    assert {n: hashlib.sha256((out / n).read_bytes()).hexdigest() for n in made} == made
    assert not list(tmp_path.glob(".pieces.partial-*"))
    r = ingested("verify", str(out))  # and verify names them
    assert r.exit_code == 1
    assert "notes de l'avocate.docx (file, not in the manifest)" in r.stderr
    assert ".DS_Store (file, hidden, not in the manifest)" in r.stderr


def test_the_demo_folder_keeps_the_users_files(tmp_path: Path) -> None:
    from toolkit.demo import MARKER, prepare_out
    from toolkit.errors import InputError
    from toolkit.workspace import init_workspace

    out = tmp_path / "demo"
    out.mkdir()
    init_workspace(out / "workspace").close()
    (out / MARKER).write_text("made by guichets demo")
    (out / "exhibits").mkdir()
    (out / "mes notes.txt").write_text("mine")
    assert prepare_out(out) == ["mes notes.txt"]
    assert (out / "mes notes.txt").read_text() == "mine" and not (out / "workspace").exists()
    (out / "workspace").mkdir()
    (out / "workspace" / "thesis.odt").write_text("not a workspace")
    with pytest.raises(InputError, match="is not the demo's workspace"):
        prepare_out(out)
    assert (out / "workspace" / "thesis.odt").exists()


def test_folder_ingest_does_not_leave_the_folder(ingested, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    folder = tmp_path / "captures"
    folder.mkdir()
    Image.new("RGB", (20, 20), "blue").save(folder / "Screenshot_20250316-100632.png")
    (folder / "hostname.png").symlink_to("/etc/hostname")
    (folder / "etc").symlink_to("/etc", target_is_directory=True)
    os.mkfifo(folder / "pipe.png")
    r = ingested("ingest", "screenshots", str(folder), "-a", "c-76", "--no-ocr")
    assert r.exit_code == 1
    rejected = [line for line in r.stderr.splitlines() if line.startswith("Rejected:")]
    assert sorted(rejected) == sorted([
        f"Rejected: {folder / 'etc'}: symbolic link (to /etc) not followed: a folder is ingested "
        "without leaving it; give the link's target itself if you mean it",
        f"Rejected: {folder / 'hostname.png'}: symbolic link (to /etc/hostname) not followed: a "
        "folder is ingested without leaving it; give the link's target itself if you mean it",
        f"Rejected: {folder / 'pipe.png'}: not a regular file (a FIFO, socket or device); skipped",
    ])  # fmt: skip
    assert "1 attempt(s) recorded, 3 rejected" in r.stderr
    with open_workspace(ingested.workspace, read_only=True) as ws:
        names = [n for (n,) in ws.con.execute("SELECT original_name FROM files").fetchall()]
    assert "hostname.png" not in names and len(names) == 3
