"""`ingest documents --kind api|filing_confirmation|decision|anef_email`: events read from the
document, or the file refused in one line with nothing recorded."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.timeline.anef_data import (
    PARIS,
    api_pdf,
    filing_pdf,
    mail_api_available,
    mail_completeness,
    mail_filed,
    refusal_pdf,
    scanned_pdf,
    text_pdf,
)
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.events import stored_events
from toolkit.workspace import Workspace

D = date.fromisoformat


def put(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def counts(ws: Workspace) -> tuple[int, int]:
    return ws.scalar("SELECT count(*) FROM events"), ws.scalar("SELECT count(*) FROM documents")


def test_api_pdf_records_the_document_and_its_event(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    path = put(tmp_path, "api.pdf", api_pdf())
    report = ingest_documents(ws, [path], applicant, kind="api")
    assert report.ok and report.rows == 1
    [e] = stored_events(ws, applicant)
    assert (e["kind"], e["date"], e["until"], e["origin"], e["rule"]) == (
        "api_issued", D("2025-05-20"), D("2025-08-19"), "read", "anef.api",
    )  # fmt: skip
    assert e["reference"] == "7601-2025-0000042"
    assert e["file_name"] == "api.pdf"
    doc = ws.rows("SELECT kind, dated, file_sha256 FROM documents")[0]
    assert (doc["kind"], doc["dated"], doc["file_sha256"]) == (
        "api",
        D("2025-05-20"),
        e["file_sha256"],
    )
    assert any("api_issued on 2025-05-20, valid until 2025-08-19" in n for n in report.notices)
    text = ws.scalar("SELECT text FROM texts WHERE file_sha256 = ?", [e["file_sha256"]])
    assert "valable jusqu'au 19/08/2025" in text
    # the same file again: a repeat, nothing more
    again = ingest_documents(ws, [path], applicant, kind="api")
    assert again.duplicates == [str(path)] and counts(ws) == (1, 1)


def test_a_later_api_is_a_renewal(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    first = put(tmp_path, "api-1.pdf", api_pdf("20/05/2025", "19/08/2025"))
    second = put(tmp_path, "api-2.pdf", api_pdf("18/08/2025", "17/11/2025"))
    ingest_documents(ws, [first, second], applicant, kind="api")
    assert [(e["kind"], e["until"]) for e in stored_events(ws, applicant)] == [
        ("api_issued", D("2025-08-19")),
        ("api_renewed", D("2025-11-17")),
    ]


def test_filing_confirmation_dates_the_filing(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    report = ingest_documents(ws, [put(tmp_path, "depot.pdf", filing_pdf())], applicant,
                              kind="filing_confirmation")  # fmt: skip
    assert report.ok
    [e] = stored_events(ws, applicant)
    assert (e["kind"], e["date"]) == ("filing_confirmation", D("2025-03-01"))


def test_refusal_with_oqtf_records_two_events(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    ingest_documents(ws, [put(tmp_path, "depot.pdf", filing_pdf())], applicant,
                     kind="filing_confirmation")  # fmt: skip
    report = ingest_documents(ws, [put(tmp_path, "arrete.pdf", refusal_pdf())], applicant,
                              kind="decision")  # fmt: skip
    assert report.ok
    kinds = [(e["kind"], e["date"]) for e in stored_events(ws, applicant)]
    assert kinds[1:] == [("decision_refusal", D("2025-09-12")), ("oqtf", D("2025-09-12"))]


def test_anef_emails(ws: Workspace, applicant: str, tmp_path: Path) -> None:
    sent = datetime(2025, 3, 1, 18, 4, tzinfo=PARIS)
    files = [
        put(tmp_path, "depot.eml", mail_filed(sent)),
        put(tmp_path, "pieces.eml", mail_completeness(datetime(2025, 3, 20, 9, 0, tzinfo=PARIS))),
        put(tmp_path, "api.eml", mail_api_available(datetime(2025, 5, 21, 9, 0, tzinfo=PARIS))),
    ]
    report = ingest_documents(ws, files, applicant, kind="anef_email")
    assert report.ok and report.rows == 3
    events = [(e["kind"], e["date"], e["until"], e["note"]) for e in stored_events(ws, applicant)]
    assert events == [
        ("filing_confirmation", D("2025-03-01"), None, None),
        ("completeness_request", D("2025-03-20"), D("2025-04-15"),
         "date du courriel (en-tête Date), non lue dans son texte"),
    ]  # fmt: skip
    # the announcement of an API says what to ingest instead
    assert any("ingest it with --kind api" in n for n in report.notices)


@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("sans-validite.pdf", api_pdf(until=None), "api",
         "its end of validity (« valable jusqu'au … ») could not be read; declare it with "
         "`guichets event add a-76 --kind api_issued --on DATE --until DATE --file sans-validite.pdf`"),
        ("depot-sans-date.pdf", filing_pdf(filed=None), "filing_confirmation",
         "its date could not be read; give it with --dated"),
        ("autre.pdf", text_pdf(["Facture d'électricité"]), "api",
         "not recognised as an attestation de prolongation d'instruction"),
        ("depot.pdf", filing_pdf(), "api", "reads as filing_confirmation (rule anef.filing), not "
         "as an attestation de prolongation d'instruction"),
        ("scan.pdf", scanned_pdf(), "api", "no text"),
        ("courriel.pdf", api_pdf(), "anef_email", "not an e-mail (.eml)"),
        ("futur.pdf", api_pdf("20/05/2031", "19/08/2031"), "api", "is in the future"),
    ],
)  # fmt: skip
def test_unreadable_or_wrong_documents_are_refused_whole(
    ws: Workspace, applicant: str, tmp_path: Path, name: str, data: bytes, kind: str, message: str
) -> None:
    report = ingest_documents(ws, [put(tmp_path, name, data)], applicant, kind=kind)
    assert report.rows == 0 and len(report.problems) == 1
    assert message in str(report.problems[0]), report.problems[0]
    assert str(report.problems[0]).startswith(str(tmp_path / name))
    assert counts(ws) == (0, 0)
    assert ws.scalar("SELECT count(*) FROM files") == 0


def test_a_decision_before_the_filing_is_refused(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    late = text_pdf(["ATTESTATION DE DEPOT", "Demande déposée le 01/10/2025."])
    ingest_documents(ws, [put(tmp_path, "depot.pdf", late)], applicant, kind="filing_confirmation")
    report = ingest_documents(ws, [put(tmp_path, "arrete.pdf", refusal_pdf())], applicant,
                              kind="decision")  # fmt: skip
    assert "the demand was filed on 2025-10-01" in str(report.problems[0])
    assert counts(ws) == (1, 1)


def test_dated_option_dates_a_document_without_a_readable_date(
    ws: Workspace, applicant: str, tmp_path: Path
) -> None:
    report = ingest_documents(ws, [put(tmp_path, "d.pdf", filing_pdf(filed=None))], applicant,
                              kind="filing_confirmation", dated="2025-03-02")  # fmt: skip
    assert report.ok
    [e] = stored_events(ws, applicant)
    assert e["date"] == D("2025-03-02")
    assert e["note"] == "date déclarée (--dated), non lue sur le document"


def test_cli_refuses_in_one_line_and_exits_1(cli, cli_applicant: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = put(tmp_path, "api.pdf", api_pdf(until=None))
    r = cli("ingest", "documents", str(path), "--applicant", cli_applicant, "--kind", "api")
    assert r.exit_code == 1
    assert (
        "could not be read; declare it with `guichets event add c-76 --kind api_issued" in r.output
    )
    r = cli("event", "list", cli_applicant, "--format", "json")
    assert r.exit_code == 0 and r.stdout.strip() == "[]"
