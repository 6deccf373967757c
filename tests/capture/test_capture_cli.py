"""`guichets capture`, `guichets timestamp` and `guichets verify` end to end: the issue's
« done when », with a real browser, the mock site and a local TSA that is first offline."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from capture.conftest import tamper
from capture.local_tsa import LocalTsa
from capture.mock_site import MockSite
from toolkit.capture.timestamps import PENDING_HINT
from toolkit.workspace import open_workspace


def pdf_text(path: Path, *, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    done = subprocess.run(args, capture_output=True, text=True, check=True)
    return done.stdout


def test_capture_pending_then_completed_then_verified(
    cli: Any, cli_applicant: str, site: MockSite, tmp_path: Path
) -> None:
    tsa = LocalTsa(tmp_path / "tsa")
    try:
        tsa_url = tsa.url("/tsa")
        tsa.stop()
        pv = tmp_path / "pv.pdf"
        r = cli("capture", site.url("/booking/create/28617/1"), "--applicant", cli_applicant,
                "--from", site.url("/"), "--timestamp", "--tsa", tsa_url,
                "--record-ip", site.url("/ip"), "--pv", str(pv), "--format", "json")  # fmt: skip
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert out["outcome"] == "no_slot" and out["time_source"] == "capture"
        assert [t["status"] for t in out["timestamps"]] == ["pending"]
        assert PENDING_HINT in r.stderr and "connection refused" in r.stderr
        assert out["pv"] == str(pv) and pv.is_file()
        with open_workspace(cli.workspace, read_only=True) as ws:
            row = ws.rows("SELECT id, outcome, observed_at, time_source FROM attempts")[0]
        assert row["id"] == out["attempt_id"] and row["outcome"] == out["outcome"]
        assert row["observed_at"].isoformat() == out["observed_at"]
        text = pdf_text(pv)
        assert "en attente depuis" in text and "autorité injoignable : connection refused" in text

        r = cli("verify")
        assert r.exit_code == 0, r.output
        assert "1 timestamp request(s) pending; run `guichets timestamp --pending`" in r.stderr

        tsa.start()
        r = cli("timestamp", "--pending")
        assert r.exit_code == 0, r.output
        assert f"capture:{out['attempt_id']}: 127.0.0.1 ({tsa_url}): token at " in r.stderr
        r = cli("verify", "--format", "json")
        assert r.exit_code == 0, r.output
        tokens = json.loads(r.stdout)["timestamps"]["tokens"]
        assert [(t["ok"], t["files"], t["scope"]) for t in tokens] == [
            (True, 4, f"capture:{out['attempt_id']}")
        ]

        # the procès-verbal, written again, now carries the token and how to check it
        r = cli("capture-report", out["attempt_id"], "--out", str(pv))
        assert r.exit_code == 0, r.output
        check_pv(pv, out, tmp_path / "extracted")

        # tampering with the screenshot fails verify, by name
        png = next(a for a in out["artefacts"] if a["role"] == "screenshot")
        tamper(cli.workspace / "vault" / png["sha256"][:2] / png["sha256"])
        r = cli("verify")
        assert r.exit_code == 1
        assert f"{png['name']} ({png['sha256'][:16]}…) altered in the vault" in r.stderr
    finally:
        tsa.close()


def check_pv(pv: Path, out: dict, folder: Path) -> None:
    """Read the PV back, render it, and run the checks it prints on its attachments."""
    text = pdf_text(pv)
    flat = " ".join(text.split())
    assert "Procès-verbal de tentative de prise de rendez-vous en ligne" in flat
    assert "Ce n'est pas un procès-verbal de constat dressé par un commissaire de justice" in flat
    assert f"Capture automatisée n° {out['attempt_id']}" in flat
    assert "Suivi du lien « Demande de titre de séjour : prendre un rendez-vous »" in flat
    assert (
        "le service http://127.0.0.1:" in flat
        and "/ip a répondu 203.0.113.7 à une requête directe de guichets" in flat
    )
    # what the evidence shows, no more: the proxy, the IP, the clocks, the TSA's identity
    assert "cookies présents au départ, relevés : 0" in flat
    assert "réponse HTTP 200 du serveur d'adresse IP 127.0.0.1 (port" in flat
    assert "Un proxy transparent ou un VPN placé sur le réseau ne se voit pas" in flat
    assert "ce service n'est pas certifié et la requête n'est pas passée par le navigateur" in flat
    assert "racine présentée par l'autorité, que guichets n'a comparée à aucune liste" in flat
    # the certificate's name with French labels (the store keeps asn1crypto's English ones)
    assert "nom commun : Horodatage de test guichets, organisation : Essais guichets" in flat
    assert "Common Name" not in flat and "Organization" not in flat
    assert "« HeadlessChrome » dans son identifiant" in flat
    assert "requêtes envoyées par le navigateur, par méthode : GET : " in flat
    assert "POST" not in flat and "Constat" not in flat
    assert "(deux horloges différentes)" in flat and "jeton obtenu après coup" not in flat
    assert "Aucun créneau, lu automatiquement sur la page" in flat
    for a in out["artefacts"]:
        assert a["sha256"] in flat
    assert "Verification: OK" in flat and "[à vérifier" not in flat  # a TSA given by URL: no claim
    folder.mkdir(exist_ok=True)
    pages = subprocess.run(["pdftoppm", "-r", "40", "-png", str(pv), str(folder / "page")],
                           capture_output=True, check=True)  # fmt: skip
    assert pages.returncode == 0 and len(list(folder.glob("page-*.png"))) >= 2
    subprocess.run(["pdfdetach", "-saveall", "-o", str(folder), str(pv)], check=True)
    names = sorted(p.name for p in folder.iterdir() if not p.name.startswith("page-"))
    stem = next(a["name"] for a in out["artefacts"] if a["role"] == "screenshot")[:-4]
    assert names == sorted(
        [f"{stem}.png", f"{stem}.har", f"{stem}.mhtml", f"{stem}.json", f"{stem}.sha256",
         f"{stem}-127.0.0.1.tsr", f"{stem}-127.0.0.1-racine.pem", f"{stem}-127.0.0.1-chaine.pem"]
    )  # fmt: skip
    sums = subprocess.run(
        ["sha256sum", "-c", f"{stem}.sha256"], cwd=folder, capture_output=True, text=True
    )
    assert sums.returncode == 0 and sums.stdout.count(": OK") == 4, sums.stdout
    command = (f"openssl ts -verify -in {stem}-127.0.0.1.tsr -data {stem}.sha256 "
               f"-CAfile {stem}-127.0.0.1-racine.pem -untrusted {stem}-127.0.0.1-chaine.pem")  # fmt: skip
    assert command in flat.replace("- untrusted", "-untrusted")
    done = subprocess.run(command.split(), cwd=folder, capture_output=True, text=True)
    assert done.returncode == 0 and "Verification: OK" in done.stdout, done.stderr


def test_timestamp_command(
    cli: Any, cli_applicant: str, local_tsa: LocalTsa, tmp_path: Path
) -> None:
    page = Path(__file__).resolve().parent.parent / "fixtures" / "pages" / "ezbooking-no-slot.html"
    assert cli("ingest", "captures", str(page), "--applicant", cli_applicant).exit_code == 0
    r = cli("timestamp", cli_applicant, "--tsa", local_tsa.url("/tsa"), "--format", "json")
    assert r.exit_code == 0, r.output
    report = json.loads(r.stdout)
    assert report["files"] == 1 and [o["status"] for o in report["outcomes"]] == ["granted"]
    r = cli("timestamp", cli_applicant, "--tsa", local_tsa.url("/garbage"))
    assert r.exit_code == 1
    assert r.stderr.startswith(f"Error: 127.0.0.1 ({local_tsa.url('/garbage')}): answered ")
    assert len(r.stderr.strip().splitlines()) == 1
    assert cli("timestamp").exit_code == 2
    assert cli("timestamp", cli_applicant, "--pending").exit_code == 2
    r = cli("timestamp", "nobody", "--tsa", local_tsa.url("/tsa"))
    assert r.exit_code == 1 and "unknown applicant 'nobody'" in r.stderr
    # a sealed folder, then moved: `verify` says so, `verify FOLDER` checks it where it is
    folder = tmp_path / "envoi"
    folder.mkdir()
    (folder / "lettre.pdf").write_bytes(b"%PDF-1.4 lettre")
    assert cli("timestamp", str(folder), "--tsa", local_tsa.url("/tsa")).exit_code == 0
    folder.rename(tmp_path / "envoye")
    r = cli("verify")
    assert r.exit_code == 0 and f"timestamped folder {folder} is no longer there" in r.stderr
    r = cli("verify", str(tmp_path / "envoye"), "--format", "json")
    assert r.exit_code == 0, r.output
    assert [t["files"] for t in json.loads(r.stdout)["timestamps"]["tokens"]] == [1]
