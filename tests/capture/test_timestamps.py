"""RFC 3161 timestamps against a real local TSA: tokens, pending requests, verification."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from capture.conftest import tamper
from capture.local_tsa import LocalTsa
from toolkit.capture import complete_pending, timestamp_files
from toolkit.capture.timestamps import PENDING_HINT
from toolkit.errors import InputError, TimestampError
from toolkit.ingest.captures import ingest_captures
from toolkit.verify import verify_workspace
from toolkit.workspace import Workspace

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


def test_tampering_fails_verify_by_name(ws: Workspace, evidence: str, local_tsa: LocalTsa) -> None:
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

    tamper(ws.vault.path_for(token["response_sha256"]))
    result = verify_workspace(ws)
    assert not result.ok
    name = f"token {token['serial']} of {local_tsa.url('/tsa')} (applicant:a-76)"
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
