"""RFC 3161 timestamps against a real local TSA: tokens, pending requests, verification."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

from capture.conftest import tamper
from capture.local_tsa import LocalTsa, make_pki
from toolkit.capture import complete_pending, timestamp_files
from toolkit.capture.timestamps import PENDING_HINT
from toolkit.errors import InputError, TimestampError
from toolkit.ingest.captures import ingest_captures
from toolkit.verify import verify_folder, verify_workspace
from toolkit.workspace import Workspace, open_workspace

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


@pytest.fixture
def evidence(ws: Workspace, applicant: str) -> str:
    """Two saved pages of applicant a-76 in the vault."""
    report = ingest_captures(
        ws, [PAGES / "ezbooking-no-slot.html", PAGES / "rdvpref-no-slot.html"], applicant
    )
    assert report.rows == 2, report.problems
    return applicant


def closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/tsa"


def counts(ws: Workspace) -> tuple[int, int, int]:
    return (
        ws.scalar("SELECT count(*) FROM timestamp_requests"),
        ws.scalar("SELECT count(*) FROM timestamp_tokens"),
        ws.scalar("SELECT count(*) FROM files"),
    )


def test_one_request_per_tsa_and_offline_verification(
    ws: Workspace, evidence: str, local_tsa: LocalTsa
) -> None:
    before = local_tsa.requests.copy()
    report = timestamp_files(
        ws, evidence, tsas=[local_tsa.url("/tsa"), local_tsa.url("/tsa-nochain")]
    )
    assert [o.status for o in report.outcomes] == ["granted", "granted"]
    assert report.files == 2 and report.scope == "applicant:a-76"
    # one POST per TSA for the whole manifest; the second fetched its CA from the AIA address
    assert local_tsa.requests["/tsa"] - before["/tsa"] == 1
    assert local_tsa.requests["/tsa-nochain"] - before["/tsa-nochain"] == 1
    assert local_tsa.requests["/ca.crt"] - before["/ca.crt"] == 1
    rows = ws.rows("SELECT * FROM timestamp_tokens ORDER BY tsa_url")
    assert len(rows) == 2
    assert {r["root_subject"] for r in rows} == {
        "Common Name: Autorite de test guichets, Organization: Essais guichets, Country: FR"
    }
    manifest = ws.vault.read(report.manifest_sha256).decode()
    shas = {r[0] for r in ws.sql("SELECT file_sha256 FROM attempts").fetchall()}
    assert manifest == "".join(f"{s}  {s[:2]}/{s}\n" for s in sorted(shas))
    result = verify_workspace(ws)
    assert result.ok, result.lines()
    assert result.tokens is not None and [t.ok for t in result.tokens.tokens] == [True, True]
    assert all(t.files == 2 for t in result.tokens.tokens)
    # again: nothing new to ask
    again = timestamp_files(ws, evidence, tsas=[local_tsa.url("/tsa")])
    assert [o.status for o in again.outcomes] == ["already"]
    assert local_tsa.requests["/tsa"] - before["/tsa"] == 1


def test_openssl_verifies_the_stored_token(
    ws: Workspace, evidence: str, local_tsa: LocalTsa, tmp_path: Path
) -> None:
    """What the procès-verbal tells a reader to run: `openssl ts -verify`."""
    report = timestamp_files(ws, evidence, tsas=[local_tsa.url("/tsa-nochain")])
    row = ws.rows("SELECT response_sha256, chain_sha256 FROM timestamp_tokens")[0]
    (tmp_path / "jeton.tsr").write_bytes(ws.vault.read(row["response_sha256"]))
    (tmp_path / "manifeste.sha256").write_bytes(ws.vault.read(report.manifest_sha256))
    chain = ws.vault.read(row["chain_sha256"]).decode()
    certs = chain.split("-----END CERTIFICATE-----\n")
    (tmp_path / "racine.pem").write_text(certs[-2] + "-----END CERTIFICATE-----\n")
    (tmp_path / "chaine.pem").write_text(chain)
    cmd = ["openssl", "ts", "-verify", "-in", "jeton.tsr", "-data", "manifeste.sha256",
           "-CAfile", "racine.pem", "-untrusted", "chaine.pem"]  # fmt: skip
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr
    (tmp_path / "manifeste.sha256").write_bytes(b"0" * 64 + b"  autre\n")
    done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode != 0


def test_unreachable_tsa_leaves_a_pending_request_completed_later(
    ws: Workspace, evidence: str, tmp_path: Path
) -> None:
    tsa = LocalTsa(tmp_path / "tsa")
    try:
        url = tsa.url("/tsa")
        tsa.stop()  # the TSA is offline
        report = timestamp_files(ws, evidence, tsas=[url], timeout=5)
        assert [o.status for o in report.outcomes] == ["pending"]
        assert "connection refused" in report.outcomes[0].line()
        assert PENDING_HINT in report.outcomes[0].line()
        assert counts(ws)[:2] == (1, 0)
        assert ws.scalar("SELECT status FROM timestamp_requests") == "pending"
        assert verify_workspace(ws).ok  # nothing wrong, one request pending
        assert "1 timestamp request(s) pending" in "\n".join(verify_workspace(ws).lines())
        tsa.start()
        done = complete_pending(ws)
        assert done.ok and [o.status for _, o in done.outcomes] == ["granted"]
        row = ws.rows("SELECT status, tries FROM timestamp_requests")[0]
        assert row == {"status": "granted", "tries": 2}
        assert verify_workspace(ws).ok
        assert complete_pending(ws).lines() == ["no pending timestamp request"]
    finally:
        tsa.close()


def test_a_tsa_in_maintenance_is_pending_too(
    ws: Workspace, evidence: str, local_tsa: LocalTsa
) -> None:
    report = timestamp_files(ws, evidence, tsas=[local_tsa.url("/down"), closed_port_url()])
    assert [o.status for o in report.outcomes] == ["pending", "pending"]
    assert report.outcomes[0].error == "HTTP 503 Service Unavailable"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/garbage", "are not an RFC 3161 time-stamp response (starts with « <html>not a token"),
        ("/wrong-imprint", "the token is for other data"),
        ("/replayed", "the token's nonce is not the one guichets sent (a replayed or foreign"),
        ("/refused", "refused the request (rejection: unsupported request); nothing was"),
        ("/nowhere", "answered HTTP 404 Not Found; check the address (--tsa)"),
    ],
)
def test_bad_answers_record_nothing(
    ws: Workspace, evidence: str, local_tsa: LocalTsa, path: str, message: str
) -> None:
    before = counts(ws)
    with pytest.raises(TimestampError) as err:
        timestamp_files(ws, evidence, tsas=[local_tsa.url("/tsa"), local_tsa.url(path)])
    assert message in str(err.value)
    assert str(err.value).startswith(f"127.0.0.1 ({local_tsa.url(path)}): ")
    assert counts(ws) == before  # not even the first TSA's token


def test_tsa_address_must_be_http(ws: Workspace, evidence: str) -> None:
    with pytest.raises(InputError, match="give the TSA's http:// or https:// address"):
        timestamp_files(ws, evidence, tsas=["ftp://example.org/tsa"])


def test_tampering_fails_verify_by_name(
    ws: Workspace, evidence: str, local_tsa: LocalTsa, tmp_path: Path
) -> None:
    report = timestamp_files(ws, evidence, tsas=[local_tsa.url("/tsa")])
    token = ws.rows("SELECT * FROM timestamp_tokens")[0]
    page = ws.scalar("SELECT file_sha256 FROM attempts ORDER BY original_name LIMIT 1")

    tamper(ws.vault.path_for(page))
    lines = "\n".join(verify_workspace(ws).lines())
    assert f"{page[:2]}/{page} ({page[:16]}…) altered in the vault" in lines
    tamper(ws.vault.path_for(page))  # flip the bit back
    assert verify_workspace(ws).ok

    tamper(ws.vault.path_for(report.manifest_sha256))
    result = verify_workspace(ws)
    assert not result.ok
    assert "message imprint differs from the manifest (a token for other data) (manifest " \
        "manifeste-demandeur-a-76.sha256)" in "\n".join(result.lines())  # fmt: skip
    tamper(ws.vault.path_for(report.manifest_sha256))
    assert verify_workspace(ws).ok

    name = f"token {token['serial']} of {local_tsa.url('/tsa')} (applicant:a-76)"
    # the store made to say another time than the token: the PV would print it
    ws.sql("UPDATE timestamp_tokens SET gen_time = gen_time - INTERVAL 1 DAY")
    lines = verify_workspace(ws).lines()
    assert any(line.startswith(f"{name}: the token says ") and "the store says" in line
               for line in lines), lines  # fmt: skip
    ws.sql("UPDATE timestamp_tokens SET gen_time = gen_time + INTERVAL 1 DAY")
    # a chain ending at a forged root of the same name: the path to it is not valid
    forged = make_pki(tmp_path / "faux", None).ca_pem
    signer = ws.vault.read(token["chain_sha256"]).split(b"-----END CERTIFICATE-----\n")[0]
    with ws.transaction():
        fake = ws.store_file(signer + b"-----END CERTIFICATE-----\n" + forged, "faux.pem", None)
    ws.sql("UPDATE timestamp_tokens SET chain_sha256 = ?", [fake])
    lines = verify_workspace(ws).lines()
    assert any(
        line.startswith(f"{name}: certificate path to the root not valid") for line in lines
    ), lines
    ws.sql("UPDATE timestamp_tokens SET chain_sha256 = ?", [token["chain_sha256"]])
    restored = verify_workspace(ws).tokens  # (the forged file's row, added by hand, still fails)
    assert restored is not None and restored.ok

    tamper(ws.vault.path_for(token["response_sha256"]))
    result = verify_workspace(ws)
    assert not result.ok
    assert any(line.startswith(name + ": ") for line in result.lines()), result.lines()


def test_a_token_for_another_manifest_fails(
    ws: Workspace, evidence: str, local_tsa: LocalTsa, tmp_path: Path
) -> None:
    """The store points a manifest's token at another run's token file."""
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text("autre chose")
    timestamp_files(ws, evidence, tsas=[local_tsa.url("/tsa")])
    timestamp_files(ws, folder, tsas=[local_tsa.url("/tsa")])
    first, second = ws.rows(
        "SELECT request_id, response_sha256 FROM timestamp_tokens ORDER BY gen_time, serial"
    )
    ws.sql("UPDATE timestamp_tokens SET response_sha256 = ? WHERE request_id = ?",
           [second["response_sha256"], first["request_id"]])  # fmt: skip
    lines = "\n".join(verify_workspace(ws).lines())
    assert "message imprint differs from the manifest" in lines


def test_folder_scope(ws: Workspace, local_tsa: LocalTsa, tmp_path: Path) -> None:
    folder = tmp_path / "envoi"
    (folder / "sous").mkdir(parents=True)
    (folder / "lettre.pdf").write_bytes(b"%PDF-1.4 lettre")
    (folder / "sous" / "photo.png").write_bytes(b"\x89PNG photo")
    report = timestamp_files(ws, folder, tsas=[local_tsa.url("/tsa")])
    assert report.scope == f"folder:{folder.resolve()}" and report.files == 2
    names = [
        line.split("  ")[1] for line in ws.vault.read(report.manifest_sha256).decode().splitlines()
    ]
    assert names == ["lettre.pdf", "sous/photo.png"]
    assert verify_workspace(ws).ok
    (folder / "sous" / "photo.png").write_bytes(b"\x89PNG retouchee")
    lines = "\n".join(verify_workspace(ws).lines())
    assert "sous/photo.png (" in lines and "altered in the folder" in lines
    with pytest.raises(InputError, match="no file to timestamp"):
        empty = tmp_path / "vide"
        empty.mkdir()
        timestamp_files(ws, empty, tsas=[local_tsa.url("/tsa")])


def test_a_timestamped_folder_moved_or_copied_is_still_verified(
    ws: Workspace, local_tsa: LocalTsa, tmp_path: Path
) -> None:
    folder = tmp_path / "envoi"
    (folder / "sous").mkdir(parents=True)
    (folder / "lettre.pdf").write_bytes(b"%PDF-1.4 lettre")
    (folder / "sous" / "photo.png").write_bytes(b"\x89PNG photo")
    timestamp_files(ws, folder, tsas=[local_tsa.url("/tsa")])
    moved = tmp_path / "ailleurs" / "envoi-au-tribunal"
    moved.parent.mkdir()
    shutil.move(folder, moved)
    # the workspace is intact: it says where the folder was, and how to check it now
    result = verify_workspace(ws)
    assert result.ok, result.lines()
    assert (
        f"timestamped folder {folder.resolve()} is no longer there: its 2 file(s) were not "
        "checked (moved or copied? `guichets verify FOLDER` checks it where it is now)"
    ) in "\n".join(result.lines())
    # where it is now: found by its files, token and files checked
    here = verify_folder(moved, ws)
    assert here.ok and here.checked == 2, here.lines()
    assert here.tokens is not None and [(t.ok, t.files) for t in here.tokens.tokens] == [(True, 2)]
    # a copy with a file added: still covered, the addition named; a file changed: fails
    copy = tmp_path / "copie"
    shutil.copytree(moved, copy)
    (copy / "note.txt").write_text("ajoutée après")
    lines = "\n".join(verify_folder(copy, ws).lines())
    assert "1 file(s) added since the timestamp, not covered by it: note.txt" in lines
    assert verify_folder(copy, ws).ok
    (copy / "lettre.pdf").write_bytes(b"%PDF-1.4 autre lettre")
    changed = verify_folder(copy, ws)
    assert not changed.ok
    assert "lettre.pdf (" in "\n".join(changed.lines())
    assert "altered in the folder" in "\n".join(changed.lines())
    (copy / "lettre.pdf").unlink()
    (copy / "lettre.pdf").symlink_to(moved / "lettre.pdf")  # the right bytes, through a link
    lines = "\n".join(verify_folder(copy, ws).lines())
    assert "lettre.pdf: is a symbolic link in the folder, not the file the manifest lists" in lines
    other = tmp_path / "autre"
    other.mkdir()
    (other / "lettre.pdf").write_bytes(b"sans rapport")
    with pytest.raises(InputError, match=r"no manifest\.json here and no timestamp token of this"):
        verify_folder(other, ws)
    with pytest.raises(InputError, match=r"no manifest\.json here; give the folder"):
        verify_folder(moved)  # no workspace given


def test_a_folder_inside_the_workspace_moves_with_it(
    ws: Workspace, local_tsa: LocalTsa, tmp_path: Path
) -> None:
    inner = ws.root / "out" / "pieces"
    inner.mkdir(parents=True)
    (inner / "01_Lettre.pdf").write_bytes(b"%PDF-1.4 lettre")
    report = timestamp_files(ws, inner, tsas=[local_tsa.url("/tsa")])
    assert report.scope == "folder:out/pieces"
    root = ws.root
    ws.close()
    shutil.move(root, tmp_path / "cle-usb")
    with open_workspace(tmp_path / "cle-usb") as moved:
        result = verify_workspace(moved)
        assert result.ok and result.tokens is not None
        assert [(t.ok, t.files, t.notes) for t in result.tokens.tokens] == [(True, 1, [])]
        (tmp_path / "cle-usb" / "out" / "pieces" / "01_Lettre.pdf").write_bytes(b"autre")
        assert not verify_workspace(moved).ok


def test_verifying_tokens_reads_nothing_outside_the_workspace_and_the_folder(
    ws: Workspace, local_tsa: LocalTsa, tmp_path: Path
) -> None:
    """The store may have been edited: a path it gives never takes the check outside the vault,
    the workspace or the folder it is given, and no link is followed."""
    folder = tmp_path / "envoi"
    (folder / "sous").mkdir(parents=True)
    (folder / "lettre.pdf").write_bytes(b"%PDF-1.4 lettre")
    (folder / "sous" / "photo.png").write_bytes(b"\x89PNG photo")
    timestamp_files(ws, folder, tsas=[local_tsa.url("/tsa")])
    token = ws.rows("SELECT * FROM timestamp_tokens")[0]
    name = f"token {token['serial']} of {local_tsa.url('/tsa')}"
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_bytes(b"not for guichets")

    def problems() -> list[str]:
        tokens = verify_workspace(ws).tokens
        assert tokens is not None
        return [p for t in tokens.tokens for p in t.problems]

    # a token "digest" that is a path out of the vault
    escape = "../" * 30 + str(elsewhere / "secret.txt").lstrip("/")
    ws.sql("UPDATE timestamp_tokens SET response_sha256 = ?", [escape])
    assert problems() == [
        f"token file {escape!r} is not a sha256 (the store was edited?); not read"
    ]
    ws.sql("UPDATE timestamp_tokens SET response_sha256 = ?", [token["response_sha256"]])
    # the token file replaced by a link to the same bytes elsewhere: named, not followed
    stored = ws.vault.path_for(token["response_sha256"])
    (elsewhere / "token.tsr").write_bytes(stored.read_bytes())
    stored.chmod(0o600)
    stored.unlink()
    stored.symlink_to(elsewhere / "token.tsr")
    assert problems() == [
        f"token file {token['response_sha256']} is a symbolic link in the vault; not read"
    ]
    stored.unlink()
    stored.write_bytes((elsewhere / "token.tsr").read_bytes())
    assert problems() == []
    # a folder recorded relative to the workspace must stay inside it
    outside = "folder:" + os.path.relpath(folder, ws.root)
    ws.sql("UPDATE timestamp_requests SET scope = ?", [outside])
    assert problems() == [
        f"the store places the folder at {outside.removeprefix('folder:')!r}, outside the "
        "workspace (the store was edited?); its files were not read"
    ]
    lines = "\n".join(verify_workspace(ws).lines())
    assert f"{name} ({outside}): " in lines
    # a copy of the folder whose sub-folder is a link to the right bytes elsewhere
    copy = tmp_path / "copie"
    shutil.copytree(folder, copy)
    shutil.move(copy / "sous", elsewhere / "sous")
    (copy / "sous").symlink_to(elsewhere / "sous")
    lines = verify_folder(copy, ws).lines()
    assert any(
        line.endswith("sous/photo.png: not read: sous/ is a symbolic link in the folder")
        for line in lines
    ), lines
