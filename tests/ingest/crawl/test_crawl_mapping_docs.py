"""The worked examples of docs/crawl-mapping.md, ingested as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from toolkit.ingest.crawl import ingest_crawl
from toolkit.workspace import init_workspace

DOC = Path(__file__).resolve().parents[3] / "docs" / "crawl-mapping.md"
BLOCK = re.compile(r'```(\w+) title="([^"]+)"(?: encoding="([^"]+)")?\n(.*?)```', re.S)


def _examples() -> dict[str, dict[str, tuple[str, str]]]:
    """Example stem -> {data file or mapping: (name, text, encoding)}."""
    out: dict[str, dict[str, tuple[str, str]]] = {}
    for kind, name, encoding, text in BLOCK.findall(DOC.read_text(encoding="utf-8")):
        role = "mapping" if kind == "toml" else "data"
        out.setdefault(Path(name).stem, {})[role] = (name, text, encoding or "utf-8")  # type: ignore[assignment]
    return out


EXPECTED = {  # stem -> (local times, préfecture, procedure, outcomes)
    "slots-log": (["2022-03-12 10:06", "2022-03-12 10:36", "2022-03-12 11:06"], "76",
                  "renouvellement", ["slots_available", "no_slot", "no_slot"]),
    "asso-buckets": (["2025-01-06 09:15", "2025-01-06 14:40", "2025-01-07 09:10",
                      "2025-01-07 13:05"], "93", "premiere-demande",
                     ["no_slot", "slots_available", "slots_available", "maintenance"]),
    "export-excel": (["2025-01-06 00:15", "2025-01-06 02:15", "2025-01-06 04:15"], None, None,
                     ["no_slot", "slots_available", "no_slot"]),
    "scraper": (["2025-03-12 11:16", "2025-03-12 11:46", "2025-03-12 12:16"], "76",
                "renouvellement", ["no_slot", "slots_available", "error"]),
}  # fmt: skip


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_every_worked_example_reads_as_the_doc_says(tmp_path: Path, stem: str) -> None:
    example = _examples()[stem]
    name, text, encoding = example["data"]  # type: ignore[misc]
    data = tmp_path / name
    data.write_bytes(text.encode(encoding))
    mapping_name, mapping_text, _ = example["mapping"]  # type: ignore[misc]
    mapping = tmp_path / mapping_name
    mapping.write_text(mapping_text, encoding="utf-8")
    ws = init_workspace(tmp_path / "ws")
    report = ingest_crawl(ws, [data], mapping=mapping)
    rows = ws.sql(
        "SELECT strftime(timezone(r.tz, observed_at), '%Y-%m-%d %H:%M'), p.prefecture, "
        "procedure, outcome FROM probes p JOIN prefectures r ON r.code = p.prefecture "
        "ORDER BY observed_at"
    ).fetchall()
    ws.close()
    times, prefecture, procedure, outcomes = EXPECTED[stem]
    assert report.ok and not report.warnings, report.problems
    assert [r[0] for r in rows] == times and [r[3] for r in rows] == outcomes
    if prefecture:
        assert {r[1] for r in rows} == {prefecture} and {r[2] for r in rows} == {procedure}
