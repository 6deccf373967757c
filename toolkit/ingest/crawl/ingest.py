"""``ingest_crawl``: the story of a crawl ingest, file by file, in one transaction.

1. The source file (``source``): its first chunk, its layout, its hash, its vault copy.
2. Its format (``formats``): one reader per format returns how DuckDB reads it (a
   :class:`~toolkit.ingest.crawl.formats.ReadSpec`), and the mapping (``mapping``) says which
   column is which.
3. Its rows (``insert``): the typed plan or the general plan (``sql``), over one catalogue of
   row rules (``sql.rules``), the repeated autumn hour from a slice (``window``); every row
   accounted for.
4. Its record (``ledger``): the file's row in ``crawl_files``, its batches, the original
   moved into the vault.

Nothing is written before every file has been understood, and an error leaves neither rows
nor vault files behind.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit.errors import InputError, Problem, ProblemsFound
from toolkit.ingest.crawl import formats, ledger
from toolkit.ingest.crawl.counts import FileResult
from toolkit.ingest.crawl.insert import insert_file, readable
from toolkit.ingest.crawl.mapping import Mapping, resolve_columns
from toolkit.ingest.crawl.mapping_file import load_mapping
from toolkit.ingest.crawl.problems import MINE
from toolkit.ingest.crawl.source import SourceFile, open_source, read_link
from toolkit.ingest.inputs import is_junk
from toolkit.ingest.probe_batches import Batches, next_batch
from toolkit.ingest.records import IngestReport, close_batch
from toolkit.progress import ProgressCallback, noop

if TYPE_CHECKING:
    from toolkit.workspace import Workspace


@dataclass
class Prepared:
    """A file understood before the transaction: its source, how it reads, its columns."""

    source: SourceFile
    spec: formats.ReadSpec
    found: dict[str, str]


def ingest_crawl(
    ws: Workspace,
    paths: list[str | os.PathLike[str]],
    *,
    mapping: str | os.PathLike[str] | Mapping | None = None,
    prefecture: str | None = None,
    procedure: str | None = None,
    site: str | None = None,
    source: str | None = None,
    strict: bool = False,
    typed: bool = True,
    progress: ProgressCallback | None = None,
) -> IngestReport:
    """Record every valid row of the crawl files as a probe; account for every other row.

    ``mapping``: a TOML mapping file (``docs/crawl-mapping.md``); ``prefecture`` /
    ``procedure`` / ``site``: constants for columns the files lack or leave blank; ``source``:
    a name for the robot or association, kept with the batch and shown in chart captions;
    ``typed``: read a file whose sample shows a robot's usual forms by the typed plan (the
    lines it cannot type go through the general plan); False: the general plan only. Raises
    ProblemsFound with ``strict`` when any file or row is refused (nothing is recorded).
    """
    progress = progress or noop
    base = mapping if isinstance(mapping, Mapping) else (
        load_mapping(mapping) if mapping is not None else Mapping()
    )  # fmt: skip
    base = base.with_defaults(prefecture=prefecture, procedure=procedure, site=site)
    report = IngestReport(kind="crawl", details={"unit": "probe", "files": {}, "refused_rows": 0})
    inputs = crawl_inputs(paths, report.problems)
    if not inputs and not report.problems:
        raise InputError("no crawl files found in " + ", ".join(str(p) for p in paths))
    prepared: list[Prepared] = []
    # the work folder (links, transcoded copies, slices) and the vault copies live in the
    # workspace's tmp/, which the next open sweeps if this run is killed
    with ws.temp_dir(prefix="crawl-") as work, ExitStack() as stack:
        for i, path in enumerate(inputs):
            progress(i, len(inputs) * 2, path.name)
            ready = _prepare(ws, path, base, work, i, report)
            if ready is not None:
                prepared.append(ready)
                stack.callback(ready.source.discard)  # every unkept copy goes, whatever happens
        if not prepared:  # nothing readable: no batch to record
            if strict:
                raise ProblemsFound(report.problems, "no crawl file could be read")
            return report
        _record(ws, prepared, base, source, strict, typed, work, report, progress)
    return report


def crawl_inputs(paths: list[str | os.PathLike[str]], problems: list[Problem]) -> list[Path]:
    """Files as given, and the crawl files (by extension) inside folders, in a stable order."""
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            problems.append(Problem(str(path), "no such file or folder; check the path"))
        elif path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = str(sub.relative_to(path)).replace(os.sep, "/")
                if sub.is_symlink() or is_junk(rel) or not sub.is_file():
                    continue
                if sub.suffix.lower() in formats.EXTENSIONS:
                    out.append(sub)
        elif not is_junk(path.name):
            out.append(path)
    return out


def _prepare(
    ws: Workspace, path: Path, mapping: Mapping, work: Path, number: int, report: IngestReport
) -> Prepared | None:
    """Open and understand one file before the transaction; a refusal is a Problem."""
    display = str(path)
    try:
        source = open_source(path, ws.tmp_dir, display)
    except InputError as e:
        report.problems.append(_file_problem(display, e))
        return None
    try:
        spec = formats.read(ws.con, source, mapping, work, read_link(path, work, number))
        found = resolve_columns(mapping, list(spec.columns), display)
        # a hostile file (a record of a gigabyte) is refused, and mixed line endings are
        # read from a copy, before anything is copied or read in bulk
        spec, _ = readable(ws.con, source, spec, work)
    except InputError as e:
        source.discard()
        report.problems.append(_file_problem(display, e))
        return None
    return Prepared(source, spec, found)


def _file_problem(display: str, e: InputError) -> Problem:
    return Problem(display, str(e).removeprefix(f"{display}: "), code="file.refused")


def _record(
    ws: Workspace, prepared: list[Prepared], mapping: Mapping, name: str | None, strict: bool,
    typed: bool, work: Path, report: IngestReport, progress: ProgressCallback,
) -> None:  # fmt: skip
    """One transaction: every file's rows, then the originals moved into the vault."""
    total = len(prepared) * 2
    with ws.transaction():
        source_id = ws.new_source(
            "crawl",
            ", ".join(sorted({p.source.display for p in prepared})),
            {"name": name, "mapping": mapping.origin, "defaults": mapping.defaults},
        )
        report.source_id = source_id
        kept: list[Prepared] = []
        for i, item in enumerate(prepared):
            progress(len(prepared) + i, total, item.source.name)
            if _ingest_file(ws, item, mapping, source_id, typed, work, report):
                kept.append(item)
        for item in kept:
            _commit_vault(ws, item)
        progress(total, total, "")
        close_batch(
            ws, report, source_id, strict, "ingest.crawl",
            {"source": source_id, "name": name, "mapping": mapping.origin,
             "files": report.details["files"]},
        )  # fmt: skip


def _ingest_file(
    ws: Workspace, item: Prepared, mapping: Mapping, source_id: str, typed: bool, work: Path,
    report: IngestReport,
) -> bool:  # fmt: skip
    """Insert one file's rows and report them; False when it was ingested already."""
    con, source = ws.con, item.source
    key = mapping.fingerprint
    if ledger.same_size_known(con, source.size, key):  # only then wait for the hash
        earlier = ledger.known(con, source.digest, key)
        if earlier is not None:
            report.duplicates.append(source.display)
            report.details["files"][source.display] = {
                "sha256": source.digest, "already_ingested": True, "batch": earlier.batch,
            }  # fmt: skip
            return False
    spec = item.spec
    same_size = ws.scalar("SELECT count(*) FROM files WHERE size = ?", [source.size])
    source.start_copy(already_kept=bool(same_size) and ws.vault.path_for(source.digest).exists())
    dedupe = bool(ws.scalar("SELECT count(*) FROM probe_rows"))
    batches = Batches(next_batch(con))
    result = insert_file(con, source, spec, item.found, mapping, batches, dedupe, work,
                         typed=typed)  # fmt: skip
    if source.misread():  # UTF-8 in its first chunk only: read it again as Windows-1252
        con.execute(f"DELETE {MINE}", batches.bounds)
        spec, found = _reread(ws, item, mapping, work)
        result = insert_file(con, source, spec, found, mapping, batches, dedupe, work,
                             typed=typed)  # fmt: skip
    digest = source.digest  # the hash is done, and the file unchanged since it was opened
    batches.record(con, source_id, digest)
    batches.drop_unused(con)
    source.check_unchanged()  # DuckDB read the original: it must be what was hashed
    _report_file(report, source, result, digest, batches.base)
    counts = result.counts
    spec = result.spec or item.spec
    ledger.record(con, {
        "batch": batches.base, "source_id": source_id, "file_sha256": digest,
        "name": source.display, "format": spec.format, "read_by": result.read_by,
        "mapping": mapping.origin, "settings": mapping.settings(), "settings_sha256": key,
        "rows": counts.rows, "recorded": counts.recorded, "repeated": counts.repeated,
        "stored": counts.stored, "refused": counts.refused, "skipped": counts.skipped,
    })  # fmt: skip
    return True


def _reread(
    ws: Workspace, item: Prepared, mapping: Mapping, work: Path
) -> tuple[formats.ReadSpec, dict[str, str]]:
    """Prepare a file again as Windows-1252 (its first chunk was UTF-8, a later one is not);
    a mapping that says UTF-8 refuses it (the whole ingest: the transaction is under way)."""
    link = read_link(item.source.origin, work, 1000 + len(list(work.iterdir())))
    spec = formats.read(ws.con, item.source, mapping, work, link, encoding="cp1252")
    return spec, resolve_columns(mapping, list(spec.columns), item.source.display)


def _report_file(
    report: IngestReport, source: SourceFile, result: FileResult, digest: str, batch: int
) -> None:
    display, counts = source.display, result.counts
    spec = result.spec
    report.rows += counts.recorded
    report.details["refused_rows"] += counts.refused
    report.problems.extend(result.problems)
    if not counts.balanced:  # a safety net: every row must land in one count
        report.problems.append(Problem(
            display, f"{counts.rows} row(s) read but {counts.recorded} recorded, "
            f"{counts.repeated} repeated, {counts.stored} stored, {counts.refused} refused and "
            f"{counts.skipped} skipped: please report this file to the maintainers",
            code="file.unaccounted",
        ))  # fmt: skip
    report.notices.extend(spec.notices if spec else ())
    report.notices.extend(result.notices)
    if counts.recorded:
        report.recorded.append(display)
    if counts.blank:
        report.notices.append(f"{display}: {counts.blank} blank line(s) skipped")
    if counts.stored:
        where = ", ".join(str(b) for b in result.stored_in) or "an earlier ingest"
        report.notices.append(
            f"{display}: {counts.stored} row(s) already in the store (batch {where}); "
            "they were not recorded again"
        )
    if counts.repeated:
        at = ", ".join(str(n) for n in result.repeat_lines)
        more = " …" if counts.repeated > len(result.repeat_lines) else ""
        report.warnings.append(
            f"{display}: {counts.repeated} row(s) repeat the préfecture, site, procedure and "
            "time of an earlier row and were recorded once (a naive time in the repeated hour "
            f"of the autumn clock change does this: give times with their UTC offset); "
            f"line(s) {at}{more}"
        )
    details: dict[str, Any] = {
        "sha256": digest, "batch": batch, "format": spec.format if spec else None,
        "detected_by": spec.detected_by if spec else None, "read_by": result.read_by,
        "rows": counts.rows, "recorded": counts.recorded, "repeated": counts.repeated,
        "stored": counts.stored, "refused": counts.refused, "skipped": counts.skipped,
        "blank_lines": counts.blank,
    }  # fmt: skip
    if result.repeated_hour:
        details["repeated_hour_read_from"] = result.repeated_hour
    if result.repeat_lines:
        details["repeat_lines"] = list(result.repeat_lines)
    report.details["files"][display] = details


def _commit_vault(ws: Workspace, item: Prepared) -> None:
    """Move the copy into the vault (after fsync) and list it in ``files``."""
    source = item.source
    source.finish_copy()
    media_type = formats.MEDIA_TYPES[item.spec.format]
    if source.tmp is not None:
        ws.adopt_file(source.tmp, source.digest, source.size, source.name, media_type)
        source.tmp = None
    else:
        ws.list_file(source.digest, source.size, source.name, media_type)
