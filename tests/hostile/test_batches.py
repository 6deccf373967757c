"""Non-strict batches keep their promise: whatever one file's reader raises, that file is one
problem line and the others are recorded; ``--strict`` records nothing; a failure while
writing names the file and says that the batch was undone. Rows in = recorded + repeats +
problems, always.

The unforeseen errors are injected into the registry or the reader functions a batch calls
(``monkeypatch``): the real readers raise only specific errors on the corpus
(``test_failures.py``), so a fault is simulated here.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any

import pytest

from tests.hostile.corpus import MINIMAL_PDF, png
from toolkit.applicants import add_applicant
from toolkit.errors import ProblemsFound
from toolkit.ingest.captures import READERS, ingest_captures
from toolkit.ingest.documents import ingest_documents
from toolkit.ingest.records import RecordFailed
from toolkit.ingest.screenshots import ingest_screenshots
from toolkit.workspace import Workspace, init_workspace

SAMPLE = Path(__file__).resolve().parents[2] / "evidence" / "sample"
FAULTS = (
    RecursionError("maximum recursion depth exceeded"),
    OverflowError("date value out of range"),
    UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"),
    KeyError("entries"),
    MemoryError(),
)


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    w = init_workspace(tmp_path / "ws")
    add_applicant(w, "b-76", prefecture="76", procedure="renouvellement")
    yield w
    w.close()


def _counts(ws: Workspace) -> tuple[int, int, int, int]:
    return tuple(  # type: ignore[return-value]
        int(ws.scalar(f"SELECT count(*) FROM {t}"))
        for t in ("attempts", "documents", "files", "custody")
    )


def _broken_har(fault: BaseException) -> types.SimpleNamespace:
    """The HAR reader, except that it fails like a bug on a file named ``broken*``."""
    real = READERS["har"]

    def read(data: bytes, name: str, **kw: Any) -> Any:
        if name.startswith("broken"):
            raise fault
        return real.read(data, name, **kw)

    return types.SimpleNamespace(
        EXTENSIONS=real.EXTENSIONS, MEDIA_TYPE=real.MEDIA_TYPE, LABEL=real.LABEL,
        sniff=real.sniff, read=read,
    )  # fmt: skip


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: type(f).__name__)
def test_a_reader_fault_is_that_files_problem(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fault: BaseException
) -> None:
    har = SAMPLE / "captures" / "session-2025-03-24.har"
    broken = tmp_path / "broken.har"
    broken.write_bytes(har.read_bytes().replace(b"2025-03-24", b"2025-03-25"))
    html = SAMPLE / "captures" / "ezbooking-2025-03-20_18-42-05.html"
    monkeypatch.setitem(READERS, "har", _broken_har(fault))
    before = _counts(ws)
    with pytest.raises(ProblemsFound, match="1 problem"):
        ingest_captures(ws, [har, broken, html], "b-76", strict=True, ocr=False)
    assert _counts(ws) == before
    report = ingest_captures(ws, [har, broken, html], "b-76", ocr=False)
    assert [p.path for p in report.problems] == [str(broken)]
    message = report.problems[0].message
    assert message.endswith("not recorded. If the file opens normally, report this to guichets' "
                            "maintainers with the kind of file (not the file itself)")  # fmt: skip
    assert report.recorded == [str(har), str(html)]
    assert len(report.recorded) + len(report.duplicates) + len(report.problems) == 3


def test_screenshot_and_document_faults(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import toolkit.ingest.documents as documents
    import toolkit.ingest.screenshots as screenshots

    shots = []
    for i in range(3):
        p = tmp_path / f"Screenshot_2025031{i}-100000.png"
        p.write_bytes(png(4 + i, 4))
        shots.append(p)
    real_decode = screenshots.decode_image

    def decode(data: bytes) -> Any:
        if data == shots[1].read_bytes():
            raise OverflowError("Python int too large to convert to C long")
        return real_decode(data)

    monkeypatch.setattr(screenshots, "decode_image", decode)
    report = ingest_screenshots(ws, shots, "b-76", ocr=False)
    assert [p.path for p in report.problems] == [str(shots[1])]
    assert "OverflowError: Python int too large" in report.problems[0].message
    assert report.rows == 2

    pdfs = []
    for i in range(2):
        p = tmp_path / f"doc{i}.pdf"
        p.write_bytes(MINIMAL_PDF + b"%" + bytes([48 + i]) + b"\n")
        pdfs.append(p)
    real_sniff = documents.sniff_document

    def sniff(data: bytes, name: str) -> Any:
        if name == "doc0.pdf":
            raise RecursionError("maximum recursion depth exceeded")
        return real_sniff(data, name)

    monkeypatch.setattr(documents, "sniff_document", sniff)
    report = ingest_documents(ws, pdfs, "b-76", kind="other")
    assert [p.path for p in report.problems] == [str(pdfs[0])]
    assert report.problems[0].message.startswith("it is nested too deeply to be read; not recorded")
    assert report.rows == 1


def test_a_failure_while_writing_names_the_file_and_undoes_the_batch(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    import duckdb

    import toolkit.ingest.captures.ingest as loop

    files = [
        SAMPLE / "captures" / "ezbooking-2025-03-20_18-42-05.html",
        SAMPLE / "captures" / "rdv-prefecture-2025-03-27.mhtml",
    ]
    real = loop.insert_attempt

    def insert(ws: Workspace, attempt: Any, *args: Any, **kw: Any) -> str:
        if attempt.original_name.endswith(".mhtml"):
            raise duckdb.ConversionException("Conversion Error: timestamp out of range")
        return real(ws, attempt, *args, **kw)

    monkeypatch.setattr(loop, "insert_attempt", insert)
    before = _counts(ws)
    sources = ws.scalar("SELECT count(*) FROM sources")
    with pytest.raises(RecordFailed) as err:
        ingest_captures(ws, files, "b-76", ocr=False)
    assert str(err.value) == (
        f"{files[1]}: could not be recorded (ConversionException: Conversion Error: timestamp "
        "out of range); nothing of this batch was recorded (1 file(s) before it included); "
        "move this file aside and run the command again"
    )
    assert _counts(ws) == before and ws.scalar("SELECT count(*) FROM sources") == sources
    assert not any(ws.vault.iter_files())


def test_the_cli_reports_each_file_and_the_total(
    cli: Any, cli_applicant: str, tmp_path: Path
) -> None:
    """Through the CLI: a bad file among good ones is a Rejected line, the summary counts it,
    exit 1; the good ones are in the log."""
    bad = tmp_path / "cut.har"
    bad.write_bytes((SAMPLE / "captures" / "session-2025-03-24.har").read_bytes()[:500])
    good = SAMPLE / "captures" / "ezbooking-2025-03-20_18-42-05.html"
    r = cli("ingest", "captures", str(good), str(bad), "-a", cli_applicant, "--no-ocr")
    assert r.exit_code == 1
    rejected = [ln for ln in r.stderr.splitlines() if ln.startswith("Rejected:")]
    assert len(rejected) == 1 and rejected[0].startswith(f"Rejected: {bad}: truncated HAR")
    assert r.stderr.strip().splitlines()[-1] == "captures: 1 attempt(s) recorded, 1 rejected"
    assert [a["file"] for a in cli.json("attempts", cli_applicant)] == [good.name]
