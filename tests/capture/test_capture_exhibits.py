"""Captures in the exhibits: their série with procès-verbaux, the « Preuve d'horodatage »,
attached verification files, determinism, and PDF document timestamps (PAdES)."""

from __future__ import annotations

import io
import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from capture.local_tsa import LocalTsa
from capture.mock_site import MockSite
from capture.test_capture_cli import pdf_text
from toolkit.capture import capture_page, timestamp_files
from toolkit.capture.browser import CaptureBrowser
from toolkit.capture.tokens import run_coroutine
from toolkit.documents import build_exhibits
from toolkit.documents.capture_pv import write_capture_pv
from toolkit.errors import InputError
from toolkit.frenchdates import date_fr
from toolkit.verify import verify_folder
from toolkit.workspace import Workspace, init_workspace

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "pages"


@pytest.fixture(scope="module")
def filed(
    tmp_path_factory: pytest.TempPathFactory,
    site: MockSite,
    browser: CaptureBrowser,
    local_tsa: LocalTsa,
) -> Iterator[tuple[Workspace, str, list[str]]]:
    """One workspace for the module: two captures (one sealed, one whose TSA was offline), a
    saved page, and a token over all the applicant's files."""
    from toolkit.applicants import add_applicant
    from toolkit.ingest.captures import ingest_captures

    ws = init_workspace(tmp_path_factory.mktemp("filed") / "ws")
    add_applicant(ws, "a-76", prefecture="76", procedure="renouvellement")
    a = capture_page(ws, site.url("/booking/create/28617/1"), "a-76", start_url=site.url("/"),
                     timestamp=True, tsas=[local_tsa.url("/tsa")], browser=browser)  # fmt: skip
    b = capture_page(ws, site.url("/cf"), "a-76", timestamp=True,
                     tsas=[local_tsa.url("/down")], browser=browser)  # fmt: skip
    ingest_captures(ws, [PAGES / "rdvpref-no-slot.html"], "a-76")
    timestamp_files(ws, "a-76", tsas=[local_tsa.url("/tsa")])
    yield ws, "a-76", [a.attempt_id, b.attempt_id]
    ws.close()


def attachments(pdf: Path) -> list[str]:
    from pypdf import PdfReader

    return sorted(PdfReader(pdf).attachments)


def test_exhibits_file_captures_with_their_pv_and_the_timestamp_proof(
    filed: tuple[Workspace, str, list[str]], tmp_path: Path
) -> None:
    ws, applicant, captured = filed
    out = tmp_path / "pieces"
    result = build_exhibits(ws, applicant, out)
    kinds = [p.kind for p in result.pieces]
    assert kinds[-1] == "timestamp_proof" and kinds.count("self_captures") == 1
    assert "captures" in kinds  # the saved page keeps its own série
    serie = next(p for p in result.pieces if p.kind == "self_captures")
    assert serie.serie and [e.key for e in serie.entries] == captured
    assert serie.label.startswith("Captures automatisées guichets et procès-verbaux de tentative, ")
    assert serie.filename.startswith(f"{serie.number:02d}_Captures_automatisees_")
    saved = next(p for p in result.pieces if p.kind == "captures")
    assert not {e.key for e in saved.entries} & set(captured)  # each capture shown once

    text = " ".join(pdf_text(out / serie.filename).split())
    assert "Capture automatisée 1/2" in text and "Capture automatisée 2/2" in text
    assert "Résultat lu automatiquement sur la page : Aucun créneau ;" in text
    assert "Constat :" not in text
    assert text.count("Procès-verbal de tentative de prise de rendez-vous en ligne") == 2
    assert "(s)" not in text and " réponses" in text  # « 12 réponses », never « réponse(s) »
    assert f"Pièce n° {serie.number} — page {serie.pages}/{serie.pages}" in text
    names = attachments(out / serie.filename)
    assert (
        sum(n.endswith(".png") for n in names) == 2 and sum(n.endswith(".tsr") for n in names) == 3
    )  # the first capture's own token; the applicant's token, obtained later, for each PV
    assert sum("horodatage-ulterieur" in n and n.endswith(".tsr") for n in names) == 2

    proof = next(p for p in result.pieces if p.kind == "timestamp_proof")
    text = " ".join(pdf_text(out / proof.filename, layout=False).split())
    assert "Preuve d'horodatage" in text and "Jetons obtenus (2)" in text
    assert "racine : nom commun : Autorite de test guichets, organisation : Essais" in text
    assert "Common Name" not in text
    assert "(s)" not in text and " fichiers" in text  # « 3 fichiers », never « fichier(s) »
    assert "Demandes en attente (1)" in text and "HTTP 503 Service Unavailable" in text
    assert "ensemble des fichiers du dossier à la date de la demande" in text
    assert "art. 41) [à vérifier : portée de l'art. 41" in text
    assert "guichets ne l'a pas fait : « Verification: OK » montre que le jeton est intact" in text
    tokens = ws.rows("SELECT manifest_sha256, root_sha256 FROM timestamp_tokens")
    for t in tokens:  # every digest printed whole, on one line, to be compared
        assert t["manifest_sha256"] in text and t["root_sha256"] in text
    proof_files = attachments(out / proof.filename)
    assert sum(n.endswith(".tsr") for n in proof_files) == 2
    assert sum(n.endswith(".sha256") for n in proof_files) == 2
    assert verify_folder(out).ok

    # legible: both pièces render
    pages = subprocess.run(["pdftoppm", "-r", "30", "-png", str(out / proof.filename),
                            str(tmp_path / "proof")], check=True)  # fmt: skip
    assert pages.returncode == 0 and list(tmp_path.glob("proof-*.png"))

    # the same store gives the same bytes
    again = build_exhibits(ws, applicant, tmp_path / "again")
    assert [p.sha256 for p in again.pieces] == [p.sha256 for p in result.pieces]
    first = write_capture_pv(ws, captured[0], tmp_path / "pv1.pdf")
    second = write_capture_pv(ws, captured[0], tmp_path / "pv2.pdf")
    assert first.read_bytes() == second.read_bytes()
    # a destination that cannot be written: one line, and how to write the PV later
    (tmp_path / "un-fichier").write_text("pas un dossier")
    with pytest.raises(InputError) as err:
        write_capture_pv(ws, captured[0], tmp_path / "un-fichier" / "pv.pdf")
    assert str(err.value).endswith(
        f"the capture itself is recorded: write its procès-verbal with `guichets "
        f"capture-report {captured[0]} --out FILE`"
    )


def test_a_pending_capture_pv_lists_the_token_obtained_later(
    filed: tuple[Workspace, str, list[str]], tmp_path: Path
) -> None:
    """The second capture's own request is pending (its TSA was down); the token over all
    the applicant's files, obtained after it, covers its files: the PV says so, with its
    time and TSA, and attaches what `openssl ts -verify` needs."""
    ws, _, captured = filed
    pv = write_capture_pv(ws, captured[1], tmp_path / "pv-pending.pdf")
    text = " ".join(pdf_text(pv, layout=False).split())
    assert "Demande d'horodatage auprès de" in text and "en attente depuis" in text
    assert (
        "1 jeton obtenu ultérieurement, sur un autre manifeste qui liste des éléments de cette "
        "capture. Un tel jeton prouve que ces éléments existaient, tels quels, au plus tard à sa "
        "propre heure, postérieure à la capture ; il ne prouve pas l'heure de la capture."
    ) in text
    token = ws.rows(
        "SELECT t.gen_time, t.tsa_url, t.manifest_sha256 FROM timestamp_tokens t "
        "JOIN timestamp_requests r ON r.id = t.request_id WHERE r.scope = 'applicant:a-76'"
    )[0]
    local = token["gen_time"].astimezone(ZoneInfo("Europe/Paris"))
    assert f"Jeton obtenu ultérieurement {date_fr(local, weekday=True)} à {local:%H:%M:%S}" in text
    assert token["tsa_url"] in text and token["manifest_sha256"] in text
    assert "Éléments de cette capture qu'il liste tous (4)" in text  # PNG, HAR, MHTML, record
    names = attachments(pv)
    later = [n for n in names if "horodatage-ulterieur-1" in n]
    assert len(later) == 4 and any(n.endswith(".tsr") for n in later), names
    # the token attached verifies against the manifest attached, with openssl
    from pypdf import PdfReader

    folder = tmp_path / "pj"
    folder.mkdir()
    for name, data in PdfReader(pv).attachments.items():
        (folder / name).write_bytes(data[0])
    tsr = next(n for n in later if n.endswith(".tsr"))
    manifest = next(n for n in later if n.endswith(".sha256"))
    root = next(n for n in later if n.endswith("-racine.pem"))
    chain = next(n for n in later if n.endswith("-chaine.pem"))
    done = subprocess.run(
        ["openssl", "ts", "-verify", "-in", tsr, "-data", manifest, "-CAfile", root,
         "-untrusted", chain], cwd=folder, capture_output=True, text=True,
    )  # fmt: skip
    assert "Verification: OK" in done.stdout, done.stderr
    # the first capture's own token is not « later »
    first = " ".join(pdf_text(write_capture_pv(ws, captured[0], tmp_path / "pv0.pdf")).split())
    assert "jeton obtenu ultérieurement" in first.lower()  # the applicant token covers it too
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pv), "/tmp/d2-pv"], check=True)


def test_pdf_document_timestamps(
    filed: tuple[Workspace, str, list[str]], local_tsa: LocalTsa, tmp_path: Path
) -> None:
    ws, applicant, _ = filed
    from asn1crypto import pem, x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import async_validate_pdf_timestamp
    from pyhanko_certvalidator import ValidationContext

    before = local_tsa.requests["/tsa"]
    out = tmp_path / "horodatees"
    result = build_exhibits(ws, applicant, out, document_timestamp_tsa=local_tsa.url("/tsa"))
    stamped = json.loads((out / "manifest.json").read_text())["document_timestamps"]
    assert sorted(stamped) == sorted(p.filename for p in result.pieces)
    assert local_tsa.requests["/tsa"] - before == len(result.pieces)  # one request per pièce
    assert verify_folder(out).ok
    root = x509.Certificate.load(pem.unarmor(local_tsa.pki.ca_pem)[2])
    pdf = out / result.pieces[0].filename
    reader = PdfFileReader(io.BytesIO(pdf.read_bytes()))
    status = run_coroutine(
        async_validate_pdf_timestamp(
            reader.embedded_timestamp_signatures[-1],
            validation_context=ValidationContext(trust_roots=[root]),
        )
    )
    assert status.intact and status.valid and status.trusted
    assert status.timestamp.isoformat() == stamped[pdf.name]

    # an unreachable TSA: the pièces are written without, one warning
    down = build_exhibits(
        ws, applicant, tmp_path / "sans", document_timestamp_tsa=local_tsa.url("/down")
    )
    assert any("left without a PDF document timestamp" in w for w in down.warnings)
    assert "document_timestamps" not in json.loads(
        (tmp_path / "sans" / "manifest.json").read_text()
    )
