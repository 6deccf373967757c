"""Every benchmark takes ``--smoke`` (CI's ``make bench-smoke`` runs each at a tiny size)."""

from __future__ import annotations

import ast
from pathlib import Path

BENCH = Path(__file__).resolve().parents[1] / "bench"


def test_every_bench_takes_smoke() -> None:
    scripts = sorted(BENCH.glob("bench_*.py"))
    assert scripts
    missing = [
        p.name
        for p in scripts
        if not any(
            isinstance(node, ast.Constant) and node.value == "--smoke"
            for node in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
        )
    ]
    assert missing == [], "give these an argparse --smoke flag (a tiny size, one run)"
