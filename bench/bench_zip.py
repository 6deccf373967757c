"""Reading the entries of a zip archive of screenshots: one pass against re-opening it.

Run: .venv/bin/python bench/bench_zip.py [--entries N] [--smoke]
(2,000 entries by default: the baseline is quadratic, 8,000 take it minutes; ``--smoke``:
200 entries, for CI.)
``expand`` opens an archive once and reads every entry through that one handle. The baseline
re-opens the archive for each entry, as the reader did before: each opening parses the whole
central directory again, so the time grows with the square of the number of entries (8,000
entries took 244 s of ingest). Both read the same bytes; CPU time is the figure to compare.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import zipfile
from pathlib import Path

from toolkit.errors import Problem
from toolkit.ingest.inputs import expand


def _archive(folder: Path, entries: int) -> Path:
    path = folder / "captures.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for i in range(entries):
            z.writestr(f"Screenshot_{i:05d}.png", b"\x89PNG\r\n\x1a\n" + i.to_bytes(4, "big") * 64)
    return path


def _one_pass(path: Path) -> int:
    problems: list[Problem] = []
    return sum(len(f.read()) for f in expand([path], problems))


def _reopen_each(path: Path) -> int:
    with zipfile.ZipFile(path) as listing:
        infos = sorted((i for i in listing.infolist() if not i.is_dir()), key=lambda i: i.filename)
    total = 0
    for info in infos:
        with zipfile.ZipFile(path) as z, z.open(info) as f:
            total += len(f.read(info.file_size + 1))
    return total


def _cpu(run: object, path: Path) -> tuple[float, int]:
    start = time.process_time()
    read = run(path)  # type: ignore[operator]
    return time.process_time() - start, read


def main(entries: int = 2000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = _archive(Path(tmp), entries)
        new, read_new = _cpu(_one_pass, path)
        old, read_old = _cpu(_reopen_each, path)
        assert read_new == read_old, (read_new, read_old)
    print(
        f"{entries} entries: one pass {new:.2f} s CPU, re-opening for each {old:.2f} s CPU "
        f"(ratio {old / max(new, 1e-9):.0f}x)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=2000, help="entries in the archive")
    parser.add_argument("--smoke", action="store_true", help="CI: 200 entries")
    args = parser.parse_args()
    main(200 if args.smoke else args.entries)
