"""Robot crawl exports become probes: one row per observation of a booking page.

Each file's first chunk decides its encoding; a pass in a thread hashes and scans the whole
file while the kernel copies it into the vault (``crawl_staging``; nothing large is ever in
memory) and DuckDB reads, maps, types and validates it (``crawl_rows``): by the typed fast
path (``crawl_fast``) when a sample of its head shows a robot's usual forms, else by the
general query (``crawl_sql``; ``crawl_readers`` for the formats, ``crawl_mapping`` for the
TOML mapping and header aliases). A file whose first chunk is UTF-8 and a later one is not
is read again as Windows-1252. Bad rows are reported with file, line, column and reason; without
``strict`` they are skipped and counted, with it nothing is recorded. Everything happens in
one transaction: an error leaves neither rows nor vault files behind.

Probe id: the first 20 hex digits of the MD5 of ``probe␟prefecture␟site␟procedure␟µs``
(``␟`` = U+001F, blank site or procedure as empty text, µs = microseconds since the epoch,
UTC) — see :func:`probe_id`. Re-ingesting a file adds nothing, and two robots' identical
observations merge only when they name the same site. Rows of one file that share an id
keep the first (by line) and count the rest as duplicates.

Outcome, when the file has none: HTTP 403/429 → ``blocked``, another status outside
200–399 → ``error``, more than 0 slots or a first date → ``slots_available``, 0 slots →
``no_slot`` (also an empty first date when the file has first dates but no slot count),
otherwise ``unknown``.

Speed (bench/bench_crawl.py): rows go straight from the file into ``probe_rows`` in one
parallel INSERT that need not keep file order (a file that repeats a line is inserted again,
in order, so that the first copy is kept) — no join, ``IN`` list or row numbering in it,
each of which would make DuckDB insert on one thread; no primary-key index (schema 002); the
id is computed by the view ``probes`` when read (schema 003); a row names its file, source
and booking system by one integer, ``batch`` (schema 004); naive times are placed by
arithmetic, not ICU (``crawl_zones``). The line count taken by the pass tells whether
every row was recorded; only otherwise is the file read again: the rows of a repeated autumn
hour (from a slice of the file around it, ``crawl_window``; typed only after a cheap test on
the time), a count, and the problems with their lines. Repeats are counted by time, with
bit sets, when rows share their times (``crawl_problems.count_repeated``). Rows are never
deleted, except for a file with a line that appears twice (its unordered rows, then the
later copies) or one misread as UTF-8: DuckDB rewrites the batch at commit when rows
inserted in a transaction are deleted in it. Later ingests anti-join on the natural key
(one thread).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import InputError, Problem, ProblemsFound
from toolkit.ingest.crawl_mapping import Mapping, load_mapping, resolve_columns
from toolkit.ingest.crawl_problems import MINE
from toolkit.ingest.crawl_readers import EXTENSIONS, detect_format, prepare
from toolkit.ingest.crawl_rows import read_file
from toolkit.ingest.crawl_staging import Staged, read_link, stage
from toolkit.ingest.inputs import is_junk
from toolkit.ingest.probe_batches import Batches, next_batch
from toolkit.ingest.records import IngestReport, close_batch
from toolkit.progress import ProgressCallback, noop
from toolkit.workspace import Workspace

if TYPE_CHECKING:
    import duckdb


def probe_id(
    prefecture: str, site: str | None, procedure: str | None, observed_at: datetime
) -> str:
    """The id ``ingest_crawl`` gives a probe (``observed_at`` must be timezone-aware)."""
    from datetime import UTC

    if observed_at.tzinfo is None:
        raise ValueError("observed_at must be timezone-aware")
    delta = observed_at.astimezone(UTC) - datetime(1970, 1, 1, tzinfo=UTC)
    micros = (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds
    text = "\x1f".join(["probe", prefecture, site or "", procedure or "", str(micros)])
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:20]


def ingest_crawl(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    *,
    mapping: str | os.PathLike[str] | None = None,
    prefecture: str | None = None,
    procedure: str | None = None,
    site: str | None = None,
    source: str | None = None,
    strict: bool = False,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Record every valid row of the crawl files as a probe (see the module doc).

    ``mapping``: a TOML mapping file; ``prefecture``/``procedure``/``site``: constants for
    columns the files lack or leave blank; ``source``: a name for the robot or association,
    kept with the batch and shown in chart captions. Raises ProblemsFound with ``strict``
    when any file or row is refused (nothing is recorded then).
    """
    progress = progress or noop
    base = load_mapping(mapping) if mapping is not None else Mapping()
    base = base.with_defaults(prefecture=prefecture, procedure=procedure, site=site)
    report = IngestReport(kind="crawl", details={"unit": "probe", "files": {}})
    inputs = _inputs(paths, report.problems)
    if not inputs and not report.problems:
        raise InputError("no crawl files found in " + ", ".join(str(p) for p in paths))
    staged: list[tuple[Staged, dict[str, str]]] = []
    with tempfile.TemporaryDirectory(prefix="guichets-crawl-") as tmp:
        work = Path(tmp)
        try:
            for i, path in enumerate(inputs):
                progress(i, len(inputs) * 2, path.name)
                ready = _stage(ws, path, base, work, i, report)
                if ready is not None:
                    staged.append(ready)
            if not staged:  # nothing readable: no batch to record
                if strict:
                    raise ProblemsFound(report.problems, "no crawl file could be read")
                return report
            _record(ws, staged, base, source, strict, report, progress)
        finally:
            _discard([item for item, _ in staged])
    return report


def _discard(items: list[Staged]) -> None:
    """Remove every unkept copy, even when one removal fails or is interrupted."""
    from contextlib import ExitStack

    with ExitStack() as stack:
        for item in items:
            stack.callback(item.discard)


def _record(
    ws: Workspace,
    staged: list[tuple[Staged, dict[str, str]]],
    mapping: Mapping,
    source: str | None,
    strict: bool,
    report: IngestReport,
    progress: ProgressCallback,
) -> None:
    """One transaction: every file's rows, then the originals moved into the vault."""
    total = len(staged) * 2
    with ws.transaction():
        source_id = ws.new_source(
            "crawl",
            ", ".join(sorted({str(s.display) for s, _ in staged})),
            {"name": source, "mapping": mapping.origin, "defaults": mapping.defaults},
        )
        report.source_id = source_id
        for i, (item, found) in enumerate(staged):
            progress(len(staged) + i, total, item.name)
            _ingest_file(ws, item, found, mapping, source_id, report)
        for item, _ in staged:
            _commit_vault(ws, item)
        progress(total, total, "")
        close_batch(
            ws,
            report,
            source_id,
            strict,
            "ingest.crawl",
            {
                "source": source_id,
                "name": source,
                "mapping": mapping.origin,
                "files": report.details["files"],
            },
        )


def _inputs(paths: list[str | os.PathLike[str]], problems: list[Problem]) -> list[Path]:
    """Files as given, and the crawl files (by extension) inside folders, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(Problem(str(path), "no such file or folder; check the path"))
        elif path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = str(sub.relative_to(path)).replace(os.sep, "/")
                if sub.is_file() and sub.suffix.lower() in EXTENSIONS and not is_junk(rel):
                    out.append(sub)
        elif not is_junk(path.name):
            out.append(path)
    return out


def _stage(
    ws: Workspace, path: Path, mapping: Mapping, work: Path, number: int, report: IngestReport
) -> tuple[Staged, dict[str, str]] | None:
    """Hash and understand one file before the transaction; a refusal is a Problem."""
    try:
        staged = stage(path, ws.vault.root, str(path))
    except InputError as e:
        report.problems.append(Problem(str(path), str(e)))
        return None
    try:
        detect_format(staged, mapping)
        prepare(ws.con, staged, mapping, read_link(path, work, number), work)
        found = resolve_columns(mapping, staged.columns, str(path))
    except InputError as e:
        staged.discard()
        message = str(e).removeprefix(f"{path}: ")
        report.problems.append(Problem(str(path), message))
        return None
    report.notices.extend(staged.notices)
    return staged, found


def _ingest_file(
    ws: Workspace,
    staged: Staged,
    found: dict[str, str],
    mapping: Mapping,
    source_id: str,
    report: IngestReport,
) -> None:
    con = ws.con
    # The copy into the vault runs while DuckDB reads the original, and so does the pass
    # that hashes it. Only a file of a kept size can be one the vault holds: wait for it then.
    same_size = ws.scalar("SELECT count(*) FROM files WHERE size = ?", [staged.size])
    staged.start_copy(already_kept=bool(same_size) and ws.vault.path_for(staged.digest).exists())
    dedupe = bool(ws.scalar("SELECT count(*) FROM probe_rows"))
    batches = Batches(next_batch(con))
    counts = read_file(con, staged, found, mapping, batches, dedupe)
    if staged.misread():  # UTF-8 in its first chunk only: read it again as Windows-1252
        con.execute(f"DELETE {MINE}", batches.bounds)
        found = _reread(con, staged, mapping, report)
        counts = read_file(con, staged, found, mapping, batches, dedupe)
    digest = staged.digest  # the hash is done, and the file unchanged since the scan
    batches.record(con, source_id, digest)
    batches.drop_unused(con)
    staged.check_unchanged()  # DuckDB read the original: it must be what was hashed
    inserted, repeated, read, bad, valid, problems = counts
    duplicates = valid - inserted
    report.rows += inserted
    report.problems.extend(problems)
    if inserted:
        report.recorded.append(staged.display)
    elif duplicates and not bad:
        report.duplicates.append(staged.display)
    if duplicates - repeated and inserted:
        report.notices.append(
            f"{staged.display}: {duplicates - repeated} probe(s) already recorded"
        )
    if repeated:
        report.warnings.append(
            f"{staged.display}: {repeated} row(s) repeat the préfecture, site, procedure and "
            "time of an earlier row and were recorded once (a naive time in the repeated hour "
            "of the autumn clock change does this: give times with their UTC offset)"
        )
    report.details["files"][staged.display] = {
        "sha256": digest, "format": staged.format, "detected_by": staged.detected_by,
        "rows": read, "recorded": inserted, "skipped": bad, "duplicates": duplicates,
    }  # fmt: skip


def _reread(
    con: duckdb.DuckDBPyConnection, staged: Staged, mapping: Mapping, report: IngestReport
) -> dict[str, str]:
    """Prepare a file again as Windows-1252 (its first chunk was UTF-8, a later one is not);
    a mapping that says UTF-8 refuses it."""
    assert staged.read_path is not None
    link = staged.read_path
    staged.encoding, before = "cp1252", len(staged.notices)
    try:
        prepare(con, staged, mapping, link, link.parent)
        found = resolve_columns(mapping, staged.columns, staged.display)
    except InputError as e:
        raise InputError(
            f"{staged.display}: {str(e).removeprefix(staged.display + ': ')}"
        ) from None
    report.notices.extend(staged.notices[before:])
    return found


def _commit_vault(ws: Workspace, staged: Staged) -> None:
    """Move the copy into the vault (after fsync) and list it in ``files``."""
    staged.finish_copy()
    if staged.tmp is not None:
        ws.adopt_file(staged.tmp, staged.digest, staged.size, staged.name, staged.media_type)
        staged.tmp = None
    else:
        ws.list_file(staged.digest, staged.size, staged.name, staged.media_type)
