"""The typed plan against the general plan, on seeded random robot files.

Each generated file is mostly canonical (ISO times, préfecture codes, slugs, whole numbers), with
a random minority of odd values: names and towns for préfectures, French dates, two-digit
years, offsets, fractions, impossible dates, Excel serials, Unix seconds, autumn and spring
hours, aliases and unknown words, odd counts and statuses, a header or a byte-order mark
repeated mid-file, too many or too few fields. Whatever the file, ``typed=True`` records the
rows ``typed=False`` records, with the same counts and the same problems (to the message):
only ``read_by`` may differ. Each file is read with the sample at its default size and at 2
rows (the reader then types every column the first rows allow, and the odd lines come later).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from toolkit.ingest.crawl import ingest_crawl
from toolkit.workspace import init_workspace, open_workspace

SEED = 19
FILES = 40
CANONICAL = (
    "observed_at", "prefecture", "site", "procedure", "url", "outcome", "slots", "first_slot",
    "second_slot", "http_status",
)  # fmt: skip
LAYOUTS: dict[str, tuple[str, ...]] = {
    "full": CANONICAL,
    "full+system": (*CANONICAL, "system"),
    "short": ("observed_at", "prefecture", "outcome"),
    "no-prefecture": ("observed_at", "site", "procedure", "outcome", "slots"),
    "counts": ("observed_at", "prefecture", "slots", "first_slot", "http_status"),
    "dates": ("observed_at", "prefecture", "procedure", "first_slot", "second_slot"),
}
CODES = ("76", "75-PP", "2A", "2B", "971", "972", "973", "974", "975", "976", "13", "01", "93")
PROCEDURES = ("renouvellement", "premiere-demande", "regularisation", "retrait-titre")
OUTCOMES = ("no_slot", "slots_available", "error")
SYSTEMS = ("ezbooking", "anef", "rdv-prefecture")
SITES = ("rouen", "r", "le-havre", "bobigny")

ODD: dict[str, tuple[str, ...]] = {
    "observed_at": (
        "",
        "  ",
        "12/03/2025 09:00",
        "12/03/25 09:00",
        "25-03-12 09:00",
        "25-03-12 09:00:00",
        "2025-03-12T09:00:00Z",
        "2025-03-12T09:00:00+01:00",
        "2025-03-12 09:00:00+0100",
        "2025-03-12 09:00:00 +01:00",
        "2025-03-12T09:00:00-03:00",
        "2025-03-12T09:00:00.123",
        "2025-03-12 09:00:00.5",
        "2025-03-12T09:00:00.000Z",
        "2025-02-30 10:00:00",
        "2024-13-45 25:61:00",
        "2025-03-12 24:00:00",
        "1999-03-12 09:00:00",
        "2099-03-12 09:00:00",
        "0025-03-12 09:00:00",
        "45728.375",
        "45728",
        "1741766400",
        "2024-10-27 02:30:00",
        "2024-10-27 02:00:00",
        "2025-03-30 02:30:00",
        " 2025-03-12 09:00:00",
        "2025-03-12 09:00:00 ",
        "2025-03-12",
        "2025-03-12 9:00:00",
        "2025/03/12 09:00:00",
        "2025-03-12t09:00:00",
        "12.03.2025 09:00",
        "2025-03-12 09:00",
        "2025-03-12T09:00",
        "2025-03-12 09:00:00+02",
        "2025-03-12T09:00:00-03:00:00",
        "\ufeff2025-03-12 09:00:00",
        "n/a",
        "2025-03-12 09:00:60",
        "20250312 090000",
    ),
    "prefecture": (
        "",
        " ",
        "Seine-Maritime",
        "rouen",
        "ROUEN",
        "99",
        "00",
        "2a",
        "02A",
        "6",
        "06",
        "075",
        "75pp",
        "PP",
        "police",
        " 76 ",
        "76.0",
        "971 ",
        "seine maritime",
        "Corse-du-Sud",
        "inconnue",
        "Paris",
        "987",
    ),
    "site": ("", "  ", " rouen ", "Évry", "ROUEN", '"a,b"', "x" * 40),
    "procedure": (
        "",
        " ",
        "Première demande",
        "RENOUVELLEMENT",
        "Renouvellement",
        " renouvellement ",
        "renouvellement de titre",
        "inconnue",
        "AES",
        "retrait",
        "premiere demande",
    ),
    "url": ("", " ", "https://rdv.example/a b"),
    "outcome": (
        "",
        " ",
        "Pas de créneau",
        "complet",
        "peut-être",
        "NO_SLOT",
        " no_slot",
        "Créneaux disponibles",
        "ok",
        "captcha",
        "maintenance",
        "blocked",
        "unknown",
        "erreur serveur",
        "No_Slot",
    ),
    "slots": ("", "3.0", "trois", "-1", " 3", "1e2", "99999999999", "+3", "0x1", '"3,0"', "007"),
    "first_slot": (
        "",
        "12/04/2025",
        "2025-02-30",
        "aucun",
        "-",
        "2025-04-02 10:00",
        "2020-01-01",
        " 2025-04-02",
        "2025-4-2",
        "n/a",
        "45750",
        "2025-13-01",
    ),
    "second_slot": ("", "12/04/2025", "2025-02-30", "aucun", "2020-01-01", "2025-04-02 "),
    "http_status": ("", "999", "403", "429", "abc", "200.0", "500", " 200", "-200", "0"),
    "system": ("", "EZBooking", "ANEF", "inconnu", " anef"),
}


@dataclass(frozen=True)
class Crawl:
    """One generated file: its name, bytes, mapping (TOML text or None) and defaults."""

    name: str
    data: bytes
    mapping: str | None
    defaults: dict[str, str]


def _canonical(rng: random.Random, column: str, at: datetime, style: str) -> str:
    if column == "observed_at":
        if style == "offset":
            return at.strftime("%Y-%m-%dT%H:%M:%S") + rng.choice(("+01:00", "+02:00", "-03:00"))
        return at.strftime({"iso": "%Y-%m-%d %H:%M:%S", "T": "%Y-%m-%dT%H:%M:%S",
                            "minutes": "%Y-%m-%d %H:%M"}[style])  # fmt: skip
    if column == "prefecture":
        return rng.choice(CODES[:3]) if rng.random() < 0.8 else rng.choice(CODES)
    if column == "site":
        return rng.choice(SITES)
    if column == "procedure":
        return rng.choice(PROCEDURES)
    if column == "url":
        return f"https://rdv.example/{rng.randrange(100)}"
    if column == "outcome":
        return rng.choice(OUTCOMES)
    if column == "slots":
        return str(rng.choice((0, 0, 0, 1, 2, 5)))
    if column in ("first_slot", "second_slot"):
        days = rng.randrange(1, 60) + (30 if column == "second_slot" else 0)
        return "" if rng.random() < 0.5 else (at + timedelta(days=days)).strftime("%Y-%m-%d")
    if column == "http_status":
        return "200"
    if column == "system":
        return rng.choice(SYSTEMS)
    raise AssertionError(column)


def _crawl(rng: random.Random, number: int) -> Crawl:
    layout = rng.choice(list(LAYOUTS))
    columns = list(LAYOUTS[layout])
    headerless = rng.random() < 0.15
    style = rng.choice(("iso", "iso", "iso", "T", "minutes", "offset"))
    odd_share = rng.choice((0.0, 0.02, 0.05, 0.1, 0.3))
    clean_start = rng.choice((2, 2, 10, 0))  # first rows left canonical (the 2-row sample)
    n = rng.randrange(20, 201)
    at = datetime(2025, rng.choice((1, 3, 6, 10)), rng.randrange(1, 28), 8)
    if rng.random() < 0.15:  # around the autumn change in Paris
        at = datetime(2024, 10, 26, 23)
    if rng.random() < 0.1:  # around the spring change
        at = datetime(2025, 3, 29, 23)
    lines: list[str] = []
    for i in range(n):
        at += timedelta(minutes=rng.choice((10, 15, 30, 60)))
        values = [_canonical(rng, c, at, style) for c in columns]
        if i >= clean_start:
            for k, c in enumerate(columns):
                if rng.random() < odd_share / 2:
                    values[k] = rng.choice(ODD[c])
        line = ",".join(values)
        if i >= clean_start and rng.random() < odd_share / 4:
            line = rng.choice((
                line + ",extra", line.rsplit(",", 1)[0], ",".join(columns),
                "\ufeff" + ",".join(columns), "", line + "\n" + line,  # a line twice
                line.replace(values[0], "2024-10-27 02:30:00", 1),
            ))  # fmt: skip
        lines.append(line)
    if not headerless:
        lines.insert(0, ",".join(columns))
    ending = "\r\n" if rng.random() < 0.2 else "\n"
    text = ending.join(lines) + (ending if rng.random() < 0.9 else "")
    bom = "\ufeff" if rng.random() < 0.1 else ""
    mapping_lines = []
    if headerless:
        mapping_lines += ["[csv]", "header = false", "", "[columns]"]
        mapping_lines += [f"{c} = {k + 1}" for k, c in enumerate(columns)]
    if rng.random() < 0.1 and "procedure" in columns:
        mapping_lines += ["", "[values.procedure]", '"Renouvellement" = "renouvellement"']
    if rng.random() < 0.1 and style == "iso":
        mapping_lines += ["", "[formats]", 'observed_at = "%Y-%m-%d %H:%M:%S"']
    defaults = {}
    if "prefecture" not in columns or rng.random() < 0.3:
        defaults["prefecture"] = "76"
    if "procedure" not in columns or rng.random() < 0.3:
        defaults["procedure"] = "renouvellement"
    name = f"{number:02d}-{layout}-{style}-{int(odd_share * 100)}pc" + (
        "-headerless" if headerless else ""
    )
    return Crawl(
        name, (bom + text).encode(), "\n".join(mapping_lines) + "\n" if mapping_lines else None,
        defaults,
    )  # fmt: skip


def crawls() -> list[Crawl]:
    rng = random.Random(SEED)
    return [_crawl(rng, i) for i in range(FILES)]


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty workspace, copied for each ingest (no migration to run each time)."""
    root = tmp_path_factory.mktemp("fuzz") / "empty"
    init_workspace(root).close()
    return root


def _ingest(template: Path, root: Path, crawl: Crawl, path: Path, typed: bool) -> Any:
    shutil.copytree(template, root)
    ws = open_workspace(root)
    try:
        mapping = path.with_suffix(".toml") if crawl.mapping is not None else None
        report = ingest_crawl(ws, [path], mapping=mapping, typed=typed, **crawl.defaults)
        rows = ws.sql(
            "SELECT id, prefecture, site, procedure, observed_at, outcome, slots, first_slot, "
            "second_slot, http_status, system, url FROM probes ORDER BY ALL"
        ).fetchall()
    finally:
        ws.close()
        shutil.rmtree(root)
    details = dict(report.details["files"][str(path)])
    read_by = details.pop("read_by")
    for key in ("sha256", "repeated_hour_read_from"):
        details.pop(key, None)
    problems = [(p.line, p.column, p.code, p.message) for p in report.problems]
    return read_by, (rows, details, problems)


CRAWLS = crawls()
LISTED_DIFFER = (
    "which 20 problems are listed before « N more row(s) refused » differs when a line "
    "has a wrong field count: every problem is real and on its line, the counts agree"
)
REPEATS_UNLISTED = (
    "repeat_lines: a repeat among the lines the typed reader refused is counted, but its "
    "line is not listed (test_crawl_typed.py: repeat-among-refused)"
)
XFAIL: dict[str, str] = {  # found by this test, not yet fixed: report details only (rows
    # and counts agree in every file)
    "03-no-prefecture-minutes-10pc": LISTED_DIFFER,
    "11-counts-T-10pc": REPEATS_UNLISTED,
    "17-no-prefecture-iso-30pc": LISTED_DIFFER,
    "22-dates-T-10pc": LISTED_DIFFER,
    "27-full-T-10pc": LISTED_DIFFER,
    "37-counts-iso-30pc-headerless": (
        "repeat_lines differ with the default sample (a repeated line in the autumn hour among "
        "refused lines; unminimised)"
    ),
    "39-short-iso-30pc": REPEATS_UNLISTED,
}


@pytest.mark.parametrize(
    "crawl",
    [
        pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=XFAIL[c.name])])
        if c.name in XFAIL else pytest.param(c, id=c.name)
        for c in CRAWLS
    ],
)  # fmt: skip
def test_typed_plan_reads_random_files_as_the_general_plan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, template: Path, crawl: Crawl
) -> None:
    import toolkit.ingest.crawl.sql.typed as typed_module

    path = tmp_path / f"{crawl.name}.csv"
    path.write_bytes(crawl.data)
    if crawl.mapping is not None:
        path.with_suffix(".toml").write_text(crawl.mapping, encoding="utf-8")
    general_by, general = _ingest(template, tmp_path / "general", crawl, path, typed=False)
    assert general_by == "general"
    for sample in (typed_module.SAMPLE_ROWS, 2):
        monkeypatch.setattr(typed_module, "SAMPLE_ROWS", sample)
        _, typed = _ingest(template, tmp_path / f"typed-{sample}", crawl, path, typed=True)
        assert typed[1] == general[1], (sample, "counts")
        assert typed[2] == general[2], (sample, "problems")
        assert typed[0] == general[0], (sample, "rows")
