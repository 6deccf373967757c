"""Parsers bounded in time, memory and depth: each crafted file is one line naming the file and
the bound, the valid files of the batch are recorded, and the run stays small.

The files are made at test time (the large ones are a few megabytes, one is 65 MB of text);
each command runs in a child process whose peak memory is measured (``limits.run_cli``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from tests.hostile.corpus import SAMPLE, eml, mhtml
from tests.hostile.limits import MEMORY_LIMIT_MB, Run, run_cli
from toolkit.applicants import add_applicant
from toolkit.workspace import init_workspace

APPLICANT = "p-76"
_HEAD = (
    "From: pref@seine-maritime.gouv.fr\nTo: p@example.org\nDate: Wed, 12 Mar 2025 10:06:00 +0100\n"
)

#: file name -> (bytes maker, words the refusal must hold)
BOMBS: dict[str, tuple[object, str]] = {
    # 1.7 MB of RFC 2047 encoded-words in the Subject: quadratic (>10 GiB) with email.policy.default
    "subject-words.eml": (
        lambda: eml(_HEAD + "Subject: " + "=?utf-8?q?=C3=A9t=C3=A9?= " * 68_000),
        r"the Subject header is [\d,]+ characters long, more than the limit of 100,000",
    ),
    "subject-many-words.eml": (
        lambda: eml(_HEAD + "Subject: " + "=?utf-8?q?a?= " * 5_000),
        r"the Subject header holds more than 1,000 encoded words \(the limit\)",
    ),
    "many-headers.eml": (
        lambda: eml(_HEAD + "X-A: b\n" * 12_000 + "Subject: x\n"),
        r"more than 10,000 header fields \(the limit\)",
    ),
    "many-lines.eml": (
        lambda: eml(_HEAD + "Subject: x\n", "a\n" * 2_100_000),
        r"has 2,10\d,\d{3} lines, more than the limit of 2,000,000",
    ),
    "nested.eml": (
        lambda: eml(
            _HEAD + 'Subject: x\nContent-Type: multipart/mixed; boundary="Z0"\n',
            "".join(
                f'--Z{i}\nContent-Type: multipart/mixed; boundary="Z{i + 1}"\n\n'
                for i in range(3000)
            ),
        ),
        r"(more than 2,000 MIME parts|nests its MIME parts)",
    ),
    "many-parts.mhtml": (
        lambda: mhtml("--B\nContent-Type: text/plain\n\nx\n" * 2_500 + "--B--\n"),
        r"more than 2,000 MIME parts \(the limit\)",
    ),
    "nested.mhtml": (
        lambda: mhtml(
            "".join(
                f'--B{i}\nContent-Type: multipart/related; boundary="B{i + 1}"\n\n'
                for i in range(60)
            ).replace("--B0", "--B")
            + "--B60\nContent-Type: text/html\n\n<html>x</html>\n"
        ),
        r"nests its MIME parts \d+ levels deep, more than the limit of 32",
    ),
    "deep.har": (
        lambda: b'{"log": {"entries": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        r"nested too deeply \(JSON arrays or objects\)",
    ),
    "many-values.har": (
        lambda: b'{"log": {"entries": [' + b"0," * 2_100_000 + b"0]}}",
        r"more than 2,000,000 JSON values \(the limit\)",
    ),
    "huge-number.har": (
        lambda: b'{"log": {"entries": [{"response": {"status": 1' + b"0" * 5000 + b"}}]}}",
        r"holds a number of 5001 digits",
    ),
    "large.har": (
        lambda: b'{"log": {"entries": [], "x": "' + b"a" * (65 << 20) + b'"}}',
        r"of 65 MB is larger than the 64 MB limit",
    ),
}
VALID = (
    "captures/ezbooking-2025-03-20_18-42-05.html",
    "captures/rdv-prefecture-2025-03-27.mhtml",
    "captures/session-2025-03-24.har",
)


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], list[Path]]:
    """A workspace, the crafted files and the valid sample captures."""
    root = tmp_path_factory.mktemp("parsers")
    with init_workspace(root / "ws") as ws:
        add_applicant(ws, APPLICANT, prefecture="76", procedure="renouvellement")
    bombs = []
    for name, (make, _) in BOMBS.items():
        p = root / name
        p.write_bytes(make())  # type: ignore[operator]
        bombs.append(p)
    valid = [SAMPLE / v for v in VALID]
    valid += sorted((SAMPLE / "captures" / "emails").glob("*.eml"))[:2]
    return root / "ws", bombs, valid


def _recorded(ws: Path) -> int:
    con = duckdb.connect(str(ws / "guichets.duckdb"), read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM attempts").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def _refusals(run: Run) -> dict[str, str]:
    return {
        m.group(1): m.group(2)
        for line in run.stderr.splitlines()
        if (m := re.match(r"Rejected: (\S+): (.*)$", line))
    }


def test_each_bomb_is_one_line_and_the_batch_is_recorded(
    batch: tuple[Path, list[Path], list[Path]],
) -> None:
    ws, bombs, valid = batch
    strict = run_cli(ws, "ingest", "captures", *map(str, bombs + valid), "-a", APPLICANT,
                     "--no-ocr", "--strict", timeout=240)  # fmt: skip
    assert strict.returncode == 1
    assert strict.error_lines == [
        f"Error: {len(bombs)} problem(s) with --strict; nothing was recorded"
    ]
    assert _recorded(ws) == 0
    run = run_cli(ws, "ingest", "captures", *map(str, bombs + valid), "-a", APPLICANT,
                  "--no-ocr", timeout=240)  # fmt: skip
    assert run.returncode == 1, run.stderr
    refused = _refusals(run)
    assert set(refused) == {str(p) for p in bombs}
    for p in bombs:
        assert re.search(BOMBS[p.name][1], refused[str(p)]), (p.name, refused[str(p)])
    assert "Traceback" not in run.stderr and "unexpected failure" not in run.stderr
    recorded = _recorded(ws)
    assert recorded >= len(valid)  # a HAR may hold several pages
    summary = run.stderr.strip().splitlines()[-1]
    assert summary == f"captures: {recorded} attempt(s) recorded, {len(bombs)} rejected"
    assert run.peak_mb < MEMORY_LIMIT_MB and strict.peak_mb < MEMORY_LIMIT_MB, (
        run.peak_mb,
        strict.peak_mb,
    )


def test_documents_read_e_mails_within_the_same_bounds(
    batch: tuple[Path, list[Path], list[Path]],
) -> None:
    """A document e-mail is read for its Date only: the bounds of the split apply (lines,
    header fields), the headers it does not read (Subject) and its body are not parsed."""
    ws, bombs, _ = batch
    mails = [p for p in bombs if p.suffix == ".eml"]
    run = run_cli(ws, "ingest", "documents", *map(str, mails), "-a", APPLICANT, "-k", "email",
                  timeout=120)  # fmt: skip
    assert run.returncode == 1
    refused = _refusals(run)
    assert sorted(Path(p).name for p in refused) == ["many-headers.eml", "many-lines.eml"]
    for p, why in refused.items():
        assert re.search(BOMBS[Path(p).name][1], why), why
    assert run.stderr.strip().splitlines()[-1] == "documents: 3 document(s) recorded, 2 rejected"
    assert run.peak_mb < MEMORY_LIMIT_MB


def test_encoded_words_are_decoded_in_one_pass() -> None:
    """A valid subject just under the bounds is decoded, adjacent words joined, a character
    split across two words kept."""
    from toolkit.ingest.captures import eml as reader

    subject = "=?utf-8?q?R=C3?= =?utf-8?q?=A9ponse?= automatique " + "=?utf-8?b?w6k=?= " * 900
    (record,) = reader.read(eml(_HEAD + f"Subject: {subject}\n"), "x.eml")
    assert record.subject is not None
    assert record.subject.startswith("Réponse automatique é")
    assert record.subject.count("é") == 901
    assert record.auto_reply


def test_json_bounds_in_isolation() -> None:
    from toolkit.errors import InputError, LimitExceeded
    from toolkit.ingest.jsonlimits import load_json

    def load(data: bytes, items: int = 100) -> object:
        return load_json(data, what="x", max_bytes=1000, max_items=items, fix="do y")

    assert load(b'{"a": [1, 2.5, "s", null, true]}') == {"a": [1, 2.5, "s", None, True]}
    with pytest.raises(LimitExceeded, match="x of 0 MB is larger than the 0 MB limit; do y"):
        load(b" " * 1001)
    with pytest.raises(LimitExceeded, match="more than 3 JSON values"):
        load(b"[1, 2, 3, 4]", items=3)
    with pytest.raises(LimitExceeded, match="nested too deeply"):
        load_json(b"[" * 5000 + b"]" * 5000, what="x", max_bytes=10**6, max_items=10, fix="")
    with pytest.raises(InputError, match="holds NaN, which is not JSON"):
        load(b"[NaN]")
    with pytest.raises(json.JSONDecodeError):
        load(b"[1,")
