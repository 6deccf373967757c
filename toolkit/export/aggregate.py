"""Merge pseudonymised bundles into a workspace (an association's, a journalist's).

Every bundle is checked before anything is written (``bundle_check`` and ``bundle_rows``:
hashes, schema version, sizes, no identity or free-text column, every cell as the exporter
writes it, no applicant of the workspace's own, and with ``key_file`` the association's key).
Then all bundles go in ONE transaction: any error and nothing is merged.

Rows whose id is already in the workspace are skipped: the same bundle twice adds nothing, two
lawyers' bundles add up, a person followed by two lawyers who share the association's key
is one applicant (same pseudonym). Pseudonymous applicants become ``applicants`` rows whose
id is the pseudonym; their préfecture and procedure are kept. Each bundle becomes a source
(``kind = bundle``, id derived from its sha256) and one ``aggregate.bundle`` custody entry.
Aggregate into a workspace of its own, not into the lawyer's workspace the bundle came from
(the pseudonyms there would be new applicants).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.export.bundle import TABLES, table_path
from toolkit.export.bundle_check import CheckedBundle, check_bundle
from toolkit.export.pseudonym import read_key_file
from toolkit.ingest.probe_batches import drop_unused, next_batch
from toolkit.sqltext import lit
from toolkit.workspace import Workspace

# NOT NULL columns of the store filled when an older bundle lacks them.
_DEFAULTS: dict[str, dict[str, str]] = {
    "applicants": {"created_at": "now()"},
    "attempts": {
        "time_source": "'declared'",
        "outcome": "'unknown'",
        "system": "'unknown'",
        "part": "0",
        "ingested_at": "now()",
    },
    "documents": {"ingested_at": "now()"},
}


@dataclass
class BundleMerge:
    """One bundle: what it holds and what it added."""

    path: str
    sha256: str
    schema_version: int
    key_fingerprint: str
    rows: dict[str, int] = field(default_factory=dict)
    added: dict[str, int] = field(default_factory=dict)
    already: bool = False  # aggregated before into this workspace

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "schema_version": self.schema_version,
            "key_fingerprint": self.key_fingerprint,
            "rows": self.rows,
            "added": self.added,
            "already_aggregated": self.already,
        }


@dataclass
class AggregateReport:
    bundles: list[BundleMerge] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def added(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for b in self.bundles:
            for k, v in b.added.items():
                total[k] = total.get(k, 0) + v
        return total

    def lines(self) -> list[str]:
        out = []
        for b in self.bundles:
            added = ", ".join(f"{v} {k}" for k, v in b.added.items() if v) or "nothing new"
            note = " (aggregated before)" if b.already else ""
            out.append(f"{b.path}: {added}{note}")
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "bundles": [b.to_dict() for b in self.bundles],
            "added": self.added,
            "warnings": self.warnings,
        }


def _count(ws: Workspace, table: str) -> int:
    return int(ws.scalar(f"SELECT count(*) FROM {table}") or 0)


def _insert(ws: Workspace, c: CheckedBundle, name: str, source_id: str) -> None:
    target, allowed = TABLES[name]
    cols = [col for col in allowed if col in c.columns[name]]
    if target == "probes":
        _insert_probes(ws, c, name, cols, source_id)
        return
    table = target
    exprs = list(cols)
    if target in ("attempts", "documents"):
        cols.append("source_id")
        exprs.append("?")
    for col, default in _DEFAULTS.get(target, {}).items():
        if col not in cols:
            cols.append(col)
            exprs.append(default)
    key = "sha256" if target == "files" else "id"
    src = f"read_parquet({lit(c.dir / table_path(name))})"
    params = [source_id] if "?" in exprs else []
    ws.con.execute(
        f"INSERT INTO {table} ({', '.join(cols)}) "
        f"SELECT {', '.join(exprs)} FROM {src} s "
        f"WHERE NOT EXISTS (SELECT 1 FROM {target} t WHERE t.{key} = s.{key}) "
        f"QUALIFY row_number() OVER (PARTITION BY s.{key} ORDER BY s.{key}) = 1",
        params,
    )


def _insert_probes(
    ws: Workspace, c: CheckedBundle, name: str, cols: list[str], source_id: str
) -> None:
    """Probes go to ``probe_rows`` (the view ``probes`` adds the id) with a batch for each of
    the bundle's (file, booking system) pairs (schema/004_probe_batches.sql)."""
    src = f"read_parquet({lit(c.dir / table_path(name))})"
    file_sha = "s.file_sha256" if "file_sha256" in cols else "CAST(NULL AS VARCHAR)"
    system = "s.system" if "system" in cols else "CAST(NULL AS VARCHAR)"
    data = [col for col in cols if col not in ("id", "file_sha256", "system", "source_id")]
    base = next_batch(ws.con)
    ws.con.execute(
        f"INSERT INTO probe_batches (batch, source_id, file_sha256, system) "
        f"SELECT CAST({base} + row_number() OVER (ORDER BY f, y) - 1 AS INTEGER), ?, f, y "
        f"FROM (SELECT DISTINCT {file_sha} AS f, {system} AS y FROM {src} s)",
        [source_id],
    )
    # An anti-join rather than ON CONFLICT: `probe_rows` has no key index (002_crawl.sql).
    ws.con.execute(
        f"INSERT INTO probe_rows ({', '.join(data)}, batch) "
        f"SELECT {', '.join('s.' + col for col in data)}, b.batch FROM {src} s "
        f"JOIN probe_batches b ON b.batch >= {base} AND b.file_sha256 IS NOT DISTINCT FROM {file_sha} "
        f"AND b.system IS NOT DISTINCT FROM {system} "
        "WHERE NOT EXISTS (SELECT 1 FROM probes t WHERE t.id = s.id) "
        "QUALIFY row_number() OVER (PARTITION BY s.id ORDER BY s.id) = 1"
    )
    drop_unused(ws.con, base)


def _merge(ws: Workspace, c: CheckedBundle) -> BundleMerge:
    from toolkit.ingest.records import content_id
    from toolkit.workspace import now

    manifest = c.manifest
    source_id = "bundle-" + content_id("bundle", c.sha256)[:12]
    merge = BundleMerge(
        path=str(c.path),
        sha256=c.sha256,
        schema_version=int(manifest["schema_version"]),
        key_fingerprint=str(manifest.get("key_fingerprint")),
        rows={name: int(spec.get("rows", 0)) for name, spec in sorted(manifest["tables"].items())},
    )
    merge.already = bool(ws.scalar("SELECT count(*) FROM sources WHERE id = ?", [source_id]))
    if not merge.already:
        from toolkit._version import __version__

        ws.con.execute(
            "INSERT INTO sources (id, kind, path, options, tool_version, started_at, rows) "
            "VALUES (?, 'bundle', ?, ?, ?, ?, ?)",
            [
                source_id,
                c.path.name,
                json.dumps({"sha256": c.sha256, "key_fingerprint": merge.key_fingerprint}),
                __version__,
                now(),
                sum(merge.rows.values()),
            ],
        )
    if "files" in c.columns:
        before = _count(ws, "files")
        media = dict(
            ws.con.execute(
                f"SELECT sha256, media_type FROM read_parquet({lit(c.dir / table_path('files'))})"
            ).fetchall()
        )
        for sha in c.files:  # each checked: named by its hash, pointed at by a row, capped
            data = (c.dir / "files" / sha).read_bytes()
            ws.store_file(data, f"bundle-{c.sha256[:12]}", media.get(sha))
        merge.added["files"] = _count(ws, "files") - before
    for name in ("applicants", "attempts", "contacts", "documents", "probes"):
        if name not in c.columns:
            continue
        target = TABLES[name][0]
        before = _count(ws, target)
        _insert(ws, c, name, source_id)
        merge.added[name] = _count(ws, target) - before
    ws.con.execute(  # whose they are: later bundles of the same key may add to them
        f"INSERT INTO bundle_applicants (applicant_id, key_fingerprint, source_id) "
        f"SELECT id, ?, ? FROM read_parquet({lit(c.dir / table_path('applicants'))}) "
        "ON CONFLICT DO NOTHING",
        [merge.key_fingerprint, source_id],
    )
    ws.log_custody(
        "aggregate.bundle",
        {
            "bundle": c.path.name,
            "sha256": c.sha256,
            "schema_version": merge.schema_version,
            "key_fingerprint": merge.key_fingerprint,
            "rows": merge.rows,
            "added": merge.added,
            "already_aggregated": merge.already,
        },
    )
    return merge


def aggregate_bundles(
    ws: Workspace,
    paths: Sequence[str | os.PathLike[str]],
    *,
    key_file: str | os.PathLike[str] | None = None,
) -> AggregateReport:
    """Check every bundle, then merge them all in one transaction (all or nothing).

    ``key_file``: the association's key; when given, every bundle must have been made with
    it and its manifest signature must verify.
    """
    if not paths:
        raise InputError("no bundle given; name one or more .zip files")
    key = read_key_file(key_file) if key_file is not None else None
    report = AggregateReport()
    with ws.temp_dir(prefix="aggregate-") as tmp:
        checked: list[CheckedBundle] = []
        seen: set[str] = set()
        for p in paths:
            c = check_bundle(ws, Path(p), key, tmp)
            if c.sha256 in seen:
                report.warnings.append(f"{p}: the same bundle was given twice; merged once")
                continue
            seen.add(c.sha256)
            checked.append(c)
        fingerprints = sorted({str(c.manifest.get("key_fingerprint")) for c in checked})
        if len(fingerprints) > 1:
            report.warnings.append(
                f"bundles made with {len(fingerprints)} different keys ({', '.join(fingerprints)}): "
                "one person followed by two lawyers counts twice; share one key file"
            )
        with ws.transaction():
            for c in checked:
                report.bundles.append(_merge(ws, c))
    return report
