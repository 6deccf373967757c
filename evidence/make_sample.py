#!/usr/bin/env python3
"""Regenerate the bundled sample evidence, byte for byte.

    python evidence/make_sample.py [--out evidence/sample]
    python evidence/make_sample.py --check      # regenerate in a temp dir, compare, exit 1 on a difference

Everything is invented (see evidence/README.md). Nothing here reads the clock or the
environment: fixed dates, seeded random numbers, pinned PDF dates, PNGs without time
chunks, so the same versions of Pillow, fpdf2 and zlib give the same bytes on every run.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sample_gen import anef, captures, crawl, documents, print_pdf, screenshots  # noqa: E402
from sample_gen.common import APPLICANT, IDENTITY, write_text  # noqa: E402

MANIFEST = "MANIFEST.sha256"


def applicant_toml() -> str:
    a, i = APPLICANT, IDENTITY
    return f"""\
# Invented applicant for the demo and the tests: nobody real.
id = "{a["id"]}"
prefecture = "{a["prefecture"]}"
procedure = "{a["procedure"]}"
permit_expiry = {a["permit_expiry"]}
# The booking case: in this invented file the renewal is filed at the guichet of the
# préfecture, on an appointment booked online (a renewal filed on ANEF is another remedy).
route = "guichet"
oqtf = "none"

[identity]
full_name = "{i["full_name"]}"
birth_date = {i["birth_date"]}
nationality = "{i["nationality"]}"
email = "{i["email"]}"
phone = "{i["phone"]}"
address = "{i["address"]}"
"""


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(root: Path) -> list[str]:
    """Relative POSIX paths of every file under root, in a stable (code point) order."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def write_manifest(root: Path) -> None:
    lines = [f"{_sha256(root / rel)}  {rel}\n" for rel in _files(root) if rel != MANIFEST]
    (root / MANIFEST).write_text("".join(lines), encoding="utf-8")


def generate(root: Path) -> dict[str, int]:
    root.mkdir(parents=True, exist_ok=True)
    write_text(root, "applicant.toml", applicant_toml())
    screenshots.generate(root)
    captures.generate(root)
    print_pdf.generate(root)
    documents.generate(root)
    anef.generate(root)
    counts = crawl.generate(root)
    write_manifest(root)  # last
    return counts


def _replace_dir(target: Path, fresh: Path) -> None:
    """Swap target's content for fresh's; refuse to wipe a folder we did not make."""
    if target.exists():
        if any(target.iterdir()) and not (target / MANIFEST).exists():
            raise SystemExit(f"{target} exists and holds no {MANIFEST}: refusing to overwrite it")
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(fresh), str(target))


def compare(expected: Path, actual: Path) -> list[str]:
    """Differences between two trees (missing, extra, changed files)."""
    exp, act = set(_files(expected)), set(_files(actual))
    problems = [f"missing from {expected}: {rel}" for rel in sorted(act - exp)]
    problems += [f"not generated any more: {rel}" for rel in sorted(exp - act)]
    problems += [
        f"differs: {rel}"
        for rel in sorted(exp & act)
        if (expected / rel).read_bytes() != (actual / rel).read_bytes()
    ]
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "sample", help="output folder")
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary folder and compare with --out",
    )
    args = parser.parse_args(argv)
    out: Path = args.out
    with tempfile.TemporaryDirectory(prefix="guichets-sample-") as tmp:
        fresh = Path(tmp) / "sample"
        counts = generate(fresh)
        if args.check:
            problems = compare(out, fresh)
            for p in problems:
                print(p, file=sys.stderr)
            print(
                f"{out}: {'DIFFERS' if problems else 'identical'} "
                f"({len(_files(fresh))} files compared)",
                file=sys.stderr,
            )
            return 1 if problems else 0
        _replace_dir(out, fresh)
    print(
        f"wrote {len(_files(out))} files to {out}; crawl rows: "
        + ", ".join(f"{k} {v}" for k, v in counts.items()),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
