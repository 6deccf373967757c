"""Supporting documents: kinds, dates (flag, PDF metadata, e-mail header), refusals."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfWriter

from toolkit.applicants import add_applicant
from toolkit.errors import InputError, NotFound, ProblemsFound
from toolkit.ingest.documents import DOCUMENT_KINDS, document_id, ingest_documents
from toolkit.vault import sha256_bytes

EML = (
    "From: Nadia Exemple <nadia.exemple@example.org>\r\n"
    "To: pref-titres-sejour@seine-maritime.gouv.fr\r\n"
    "Subject: Demande de rendez-vous - renouvellement\r\n"
    "Date: Mon, 03 Mar 2025 23:40:00 +0000\r\n"
    "Message-ID: <demande-1@example.org>\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n"
    "\r\n"
    "Madame, Monsieur, je n'arrive pas à obtenir de rendez-vous.\r\n"
)


def pdf(path: Path, created: str | None = None, pages: int = 1) -> Path:
    w = PdfWriter()
    for _ in range(pages):
        w.add_blank_page(595, 842)
    if created:
        w.add_metadata({"/CreationDate": created})
    buf = io.BytesIO()
    w.write(buf)
    path.write_bytes(buf.getvalue())
    return path


def documents(ws, applicant: str) -> list[dict]:
    return ws.rows(
        "SELECT d.id, d.kind, d.title, d.dated, d.file_sha256, f.media_type, f.original_name "
        "FROM documents d JOIN files f ON f.sha256 = d.file_sha256 "
        "WHERE d.applicant_id = ? ORDER BY f.original_name",
        [applicant],
    )


def test_pdf_dated_from_metadata_in_the_prefecture_zone(ws, applicant: str, tmp_path: Path) -> None:
    # 23:00 UTC on 16 Sept 2019 is already the 17th in Rouen (UTC+2 in summer)
    p = pdf(tmp_path / "LRAR prefecture.pdf", "D:20190916230000Z")
    report = ingest_documents(ws, [p], applicant, kind="letter")
    assert (report.rows, report.problems, report.duplicates) == (1, [], [])
    [doc] = documents(ws, applicant)
    data = p.read_bytes()
    assert doc == {
        "id": document_id(applicant, sha256_bytes(data), "letter"),
        "kind": "letter",
        "title": "LRAR prefecture",
        "dated": date(2019, 9, 17),
        "file_sha256": sha256_bytes(data),
        "media_type": "application/pdf",
        "original_name": "LRAR prefecture.pdf",
    }
    assert report.notices == [f"{p}: dated 2019-09-17 (PDF metadata)"]
    assert ws.vault.path_for(sha256_bytes(data)).read_bytes() == data


def test_dated_option_wins_and_title_is_kept(ws, applicant: str, tmp_path: Path) -> None:
    p = pdf(tmp_path / "scan.pdf", "D:20240101120000+01'00'")
    ingest_documents(
        ws, [p], applicant, kind="permit", title="Titre de séjour (recto-verso)", dated="16/04/2024"
    )
    [doc] = documents(ws, applicant)
    assert (doc["kind"], doc["title"], doc["dated"]) == (
        "permit",
        "Titre de séjour (recto-verso)",
        date(2024, 4, 16),
    )


def test_pdf_without_metadata_is_undated(ws, applicant: str, tmp_path: Path) -> None:
    p = pdf(tmp_path / "attestation-ccc.pdf")
    report = ingest_documents(ws, [p], applicant, kind="ccc_attestation")
    assert documents(ws, applicant)[0]["dated"] is None
    assert report.notices == [f"{p}: no date found; give it with --dated"]


def test_eml_dated_by_its_header_and_images_accepted(ws, applicant: str, tmp_path: Path) -> None:
    eml = tmp_path / "demande.eml"
    eml.write_text(EML, encoding="utf-8")
    img = tmp_path / "contrat-travail.jpg"
    Image.new("RGB", (60, 80), "white").save(img, format="JPEG")
    ingest_documents(ws, [eml], applicant, kind="email")
    ingest_documents(ws, [img], applicant, kind="urgency", dated="2025-02-01")
    got = {
        d["original_name"]: (d["kind"], d["dated"], d["media_type"])
        for d in documents(ws, applicant)
    }
    assert got == {
        # 23:40 UTC on 3 March is 00:40 on 4 March in Paris
        "demande.eml": ("email", date(2025, 3, 4), "message/rfc822"),
        "contrat-travail.jpg": ("urgency", date(2025, 2, 1), "image/jpeg"),
    }


def test_reingest_is_a_noop_but_another_kind_is_another_document(
    ws, applicant: str, tmp_path: Path
) -> None:
    p = pdf(tmp_path / "courrier.pdf", "D:20250301100000+01'00'")
    ingest_documents(ws, [p], applicant, kind="letter")
    again = ingest_documents(ws, [p], applicant, kind="letter")
    assert (again.rows, again.duplicates) == (0, [str(p)])
    ingest_documents(ws, [p], applicant, kind="urgency")
    assert sorted(d["kind"] for d in documents(ws, applicant)) == ["letter", "urgency"]
    assert ws.scalar("SELECT count(*) FROM files") == 1
    assert ws.scalar("SELECT count(*) FROM custody WHERE action = 'ingest.documents'") == 3


def test_zip_of_documents(ws, applicant: str, tmp_path: Path) -> None:
    a = pdf(tmp_path / "a.pdf", "D:20250301100000+01'00'")
    b = pdf(tmp_path / "b.pdf", "D:20250302100000+01'00'", pages=2)
    z = tmp_path / "courriers.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.write(a, "courriers/a.pdf")
        zf.write(b, "courriers/b.pdf")
    report = ingest_documents(ws, [z], applicant, kind="letter")
    assert report.recorded == [f"{z}!courriers/a.pdf", f"{z}!courriers/b.pdf"]
    assert [d["dated"] for d in documents(ws, applicant)] == [date(2025, 3, 1), date(2025, 3, 2)]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "demande.docx",
            b"PK\x03\x04" + b"\x00" * 40,
            "Word, OpenDocument or zip file, not a PDF, image or e-mail (.eml); export it as PDF",
        ),
        (
            "message.msg",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40,
            "Outlook .msg or old Office file, not a PDF, image or e-mail (.eml); "
            "save the e-mail as .eml or print the document to PDF",
        ),
        (
            "notes.txt",
            "Appel à la préfecture le 3 mars, pas de réponse.".encode(),
            "not a PDF, an image (PNG, JPEG, WebP, HEIC) or an e-mail (.eml); "
            "export 'notes.txt' as PDF and ingest the PDF",
        ),
        (
            "page.html",
            b"<!DOCTYPE html><html><body>rdv</body></html>",
            "web page, not a PDF, image or e-mail (.eml); print it to PDF "
            "(or use `guichets ingest captures` for a booking page)",
        ),
        ("vide.pdf", b"", "empty file; copy the original again"),
    ],
    ids=["docx", "outlook-msg", "text", "html", "empty"],
)
def test_not_a_document_is_rejected_with_a_hint(
    ws, applicant: str, tmp_path: Path, name: str, content: bytes, expected: str
) -> None:
    p = tmp_path / name
    p.write_bytes(content)
    report = ingest_documents(ws, [p], applicant, kind="other")
    assert [str(x) for x in report.problems] == [f"{p}: {expected}"]
    assert report.rows == 0 and ws.scalar("SELECT count(*) FROM files") == 0


def test_corrupt_pdf_and_strict(ws, applicant: str, tmp_path: Path) -> None:
    bad = tmp_path / "abime.pdf"
    bad.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")
    good = pdf(tmp_path / "bon.pdf")
    report = ingest_documents(ws, [bad, good], applicant, kind="letter")
    assert report.rows == 1
    [problem] = report.problems
    assert str(problem).startswith(f"{bad}: ") and "PDF" in problem.message
    assert "export" in problem.message
    with pytest.raises(ProblemsFound, match=r"1 problem\(s\) with --strict; nothing was recorded"):
        ingest_documents(
            ws, [bad, pdf(tmp_path / "autre.pdf", pages=3)], applicant, kind="urgency", strict=True
        )
    assert ws.scalar("SELECT count(*) FROM documents") == 1


def test_bad_kind_and_dates(ws, applicant: str, tmp_path: Path) -> None:
    p = pdf(tmp_path / "x.pdf")
    with pytest.raises(InputError) as e:
        ingest_documents(ws, [p], applicant, kind="passport")
    assert str(e.value) == (
        "unknown document kind 'passport'; use one of: " + ", ".join(DOCUMENT_KINDS)
    )
    future = date.today() + timedelta(days=40)
    with pytest.raises(InputError, match=rf"^--dated {future.isoformat()} is in the future; "):
        ingest_documents(ws, [p], applicant, kind="letter", dated=future.isoformat())
    with pytest.raises(InputError, match="is not a date; write it as YYYY-MM-DD"):
        ingest_documents(ws, [p], applicant, kind="letter", dated="hier")
    with pytest.raises(NotFound, match="unknown applicant 'nobody'"):
        ingest_documents(ws, [p], "nobody", kind="letter")
    assert ws.scalar("SELECT count(*) FROM documents") == 0


def test_kind_spelled_with_a_hyphen(ws, tmp_path: Path) -> None:
    add_applicant(ws, "r-974", prefecture="974", procedure="renouvellement")
    ingest_documents(ws, [pdf(tmp_path / "ccc.pdf")], "r-974", kind="CCC-attestation")
    assert documents(ws, "r-974")[0]["kind"] == "ccc_attestation"


def test_future_metadata_date_is_ignored(ws, applicant: str, tmp_path: Path) -> None:
    p = pdf(tmp_path / "horloge.pdf", "D:20990101000000Z")
    report = ingest_documents(ws, [p], applicant, kind="other")
    assert documents(ws, applicant)[0]["dated"] is None
    assert report.notices == [f"{p}: no date found; give it with --dated"]


# CLI --------------------------------------------------------------------------------


def test_cli_ingest_documents(cli, cli_applicant: str, tmp_path: Path) -> None:
    p = pdf(tmp_path / "ccc.pdf", "D:20250310101500+01'00'")
    r = cli("ingest", "documents", str(p), "--applicant", cli_applicant, "--kind", "ccc_attestation",
            "--title", "Attestation CCC")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "documents: 1 document(s) recorded" in r.stderr
    assert f"{p}: dated 2025-03-10 (PDF metadata)" in r.stderr
    shown = cli.json("applicant", "show", cli_applicant)
    assert shown["documents_by_kind"] == {"ccc_attestation": 1}


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--kind", "passport"], "Error: unknown document kind 'passport'; use one of: "
         "permit, ccc_attestation, letter, email, urgency, identity, sworn_statement, other, "
         "api, filing_confirmation, anef_email, decision, convocation, procedure"),
        (["--kind", "letter", "--dated", "2999-01-01"],
         "Error: --dated 2999-01-01 is in the future; give the date the document bears"),
    ],
    ids=["unknown-kind", "future-date"],
)  # fmt: skip
def test_cli_bad_input_one_line(cli, cli_applicant: str, tmp_path: Path, args, line: str) -> None:
    p = pdf(tmp_path / "x.pdf")
    r = cli("ingest", "documents", str(p), "--applicant", cli_applicant, *args)
    assert r.exit_code == 1
    assert r.stderr.strip() == line


def test_cli_not_a_document(cli, cli_applicant: str, tmp_path: Path) -> None:
    p = tmp_path / "lettre.docx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    r = cli("ingest", "documents", str(p), "--applicant", cli_applicant, "--kind", "letter")
    assert r.exit_code == 1
    assert r.stderr.splitlines() == [
        f"Rejected: {p}: Word, OpenDocument or zip file, not a PDF, image or e-mail (.eml); "
        "export it as PDF",
        "documents: 0 document(s) recorded, 1 rejected",
    ]
