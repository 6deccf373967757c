"""Pseudonymised bundles: what a lawyer may hand to an association.

Pseudonymised data remain personal data (CNIL): a bundle carries facts, never identity.
A bundle is a zip file::

    manifest.json                 format, schema version, key fingerprint, ``tables`` (rows and
                                  sha256 each), ``files`` (path, sha256, size of every member,
                                  so ``guichets verify`` checks an unzipped bundle), and an
                                  HMAC of the manifest under the key
    tables/applicants.parquet     id = pseudonym, préfecture, procedure, permit expiry, created_at
    tables/attempts.parquet       online booking attempts
    tables/contacts.parquet       e-mails, letters, calls, visits (attempts with another channel)
    tables/documents.parquet      document metadata: kind and date only
    tables/probes.parquet         robot observations (no applicant in them)
    tables/files.parquet          with --with-files only: sha256, size, media type
    files/<sha256>                with --with-files only: the originals

What is kept, changed or dropped:

- applicant ids become ``pseudonym(key, id)`` (HMAC-SHA256, 16 hex; see ``pseudonym.py``);
  ids of attempts, contacts and documents are keyed too (the workspace derives them from
  the applicant id). Probe ids are content hashes of robot observations, computed as the
  workspace computes them (``PROBE_ID``) from the probe as the bundle carries it, so the
  same crawl in two bundles made with one key is counted once.
- dropped: the ``identities`` table, ``texts`` (OCR and page text), file names
  (``original_name``), free text (``note``, ``subject``, document ``title``), ingest
  sources (their paths hold folder and user names).
- URLs keep scheme, ``gouv.fr`` host (its known labels) and path pattern (``url_pattern``);
  a probe's site keeps its place and service words (``site_pattern``); ``time_detail``
  keeps the reader only (``exif``, ``filename``…); ``rule`` and document ``kind`` are kept
  when they are vocabulary slugs.
- times are kept as they are (observation, ingest, publication times), as are préfecture,
  procedure, channel, outcome, system, slots and permit expiry: the facts the indicators
  count.
- ``file_sha256`` is null unless ``with_files``: a hash names a screenshot, and the
  screenshot may show a name, an e-mail or open tabs. With ``with_files`` the originals go
  in ``files/`` and are **not** pseudonymised; send such bundles only to whom may see them.

Before writing, every cell of every table is checked against the identity values of the
workspace and their variants (``identity_guard``); a hit stops the export.

The same workspace and key give the same bytes: rows are ordered, Parquet is written
uncompressed by DuckDB ``COPY`` (the zip deflates it) and zip entries carry a fixed time.
"""

from __future__ import annotations

import hashlib
import json
import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit._version import __version__
from toolkit.errors import InputError, IntegrityError
from toolkit.export.identity_guard import identity_guard
from toolkit.export.pseudonym import (
    KEY_NAME,
    key_fingerprint,
    keyed_id,
    manifest_mac,
    pseudonym,
    public_words,
    read_key_file,
    site_pattern,
    slug,
    time_detail_reader,
    url_pattern,
    workspace_key,
)
from toolkit.outputs import check_target, write_output
from toolkit.sqltext import lit
from toolkit.vault import sha256_file
from toolkit.workspace import Workspace, schema_version
from toolkit.zips import write_members

if TYPE_CHECKING:
    import duckdb

FORMAT = "guichets-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

FREE_TEXT_COLUMNS = ("note", "subject", "title", "text", "original_name", "path", "options")

# What each bundle table holds (the SELECTs in _queries produce exactly these).
APPLICANT_COLUMNS = ("id", "prefecture", "procedure", "permit_expiry", "created_at")
ATTEMPT_COLUMNS = (
    "id", "applicant_id", "prefecture", "procedure", "channel", "observed_at", "time_source",
    "time_detail", "outcome", "system", "url", "slots", "first_slot", "file_sha256", "part",
    "extraction", "rule", "confidence", "direction", "last_publication", "next_publication",
    "ingested_at", "outcome_source", "read_outcome", "declared_outcome", "flags", "time_precision",
)  # fmt: skip
DOCUMENT_COLUMNS = ("id", "applicant_id", "kind", "dated", "file_sha256", "ingested_at")
PROBE_COLUMNS = (
    "id", "prefecture", "site", "procedure", "observed_at", "outcome", "slots", "first_slot",
    "second_slot", "http_status", "system", "url", "file_sha256",
)  # fmt: skip
FILE_COLUMNS = ("sha256", "size", "media_type")

# bundle table -> (workspace table, columns)
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "applicants": ("applicants", APPLICANT_COLUMNS),
    "attempts": ("attempts", ATTEMPT_COLUMNS),
    "contacts": ("attempts", ATTEMPT_COLUMNS),
    "documents": ("documents", DOCUMENT_COLUMNS),
    "probes": ("probes", PROBE_COLUMNS),
    "files": ("files", FILE_COLUMNS),
}
# A probe's id from its content, as the view ``probes`` computes it (schema/004).
PROBE_ID = (
    "left(md5('probe' || chr(31) || prefecture || chr(31) || coalesce(site, '') || chr(31) "
    "|| coalesce(procedure, '') || chr(31) || CAST(epoch_us(observed_at) AS VARCHAR)), 20)"
)


def table_path(name: str) -> str:
    return f"tables/{name}.parquet"


@dataclass
class BundleResult:
    """What ``export_bundle`` wrote."""

    path: Path
    sha256: str
    tables: dict[str, int]
    files: int
    key_fingerprint: str
    key_created: bool = False
    key_path: Path | None = None
    applicants: list[str] = field(default_factory=list)  # pseudonyms, sorted

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "sha256": self.sha256,
            "tables": self.tables,
            "files": self.files,
            "key_fingerprint": self.key_fingerprint,
            "key_created": self.key_created,
            "key_path": str(self.key_path) if self.key_path else None,
            "applicants": self.applicants,
        }


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@contextmanager
def _bundle_functions(con: duckdb.DuckDBPyConnection, key: bytes) -> Iterator[dict[str, str]]:
    """Register the keyed hashes and generalisers as SQL functions for one export."""
    try:
        from duckdb.func import NATIVE, SPECIAL
    except ImportError:  # duckdb 1.x
        from duckdb.functional import NATIVE, SPECIAL  # type: ignore[no-redef]

    suffix = uuid.uuid4().hex[:8]

    def pseud(v: str | None) -> str | None:
        return None if v is None else pseudonym(key, v)

    def kid(kind: str | None, v: str | None) -> str | None:
        return None if v is None else keyed_id(key, kind or "", v)

    def site(v: str | None) -> str | None:
        return site_pattern(key, v)

    specs: dict[str, tuple[Callable[..., str | None], list[Any]]] = {
        "pseudonym": (pseud, ["VARCHAR"]),
        "keyed_id": (kid, ["VARCHAR", "VARCHAR"]),
        "url_pattern": (url_pattern, ["VARCHAR"]),
        "time_detail": (time_detail_reader, ["VARCHAR"]),
        "slug": (slug, ["VARCHAR"]),
        "site": (site, ["VARCHAR"]),
    }
    names: dict[str, str] = {}
    try:
        for short, (fn, params) in specs.items():
            name = f"_guichets_{short}_{suffix}"
            con.create_function(
                name, fn, params, "VARCHAR", type=NATIVE, null_handling=SPECIAL, side_effects=False
            )
            names[short] = name
        yield names
    finally:
        for name in names.values():
            with suppress(Exception):
                con.remove_function(name)


def _queries(f: dict[str, str], selected: bool, with_files: bool) -> dict[str, str]:
    """One SELECT per bundle table; ``$ids`` is the list of selected applicant ids."""
    sel = "applicant_id IN (SELECT unnest($ids::VARCHAR[]))" if selected else "TRUE"
    sha = "file_sha256" if with_files else "CAST(NULL AS VARCHAR) AS file_sha256"
    attempt_select = f"""
        SELECT {f["keyed_id"]}('attempt', id) AS id, {f["pseudonym"]}(applicant_id) AS applicant_id,
               prefecture, procedure, channel, observed_at, time_source,
               {f["time_detail"]}(time_detail) AS time_detail, outcome, system,
               {f["url_pattern"]}(url) AS url, slots, first_slot, {sha}, part, extraction,
               {f["slug"]}(rule) AS rule, confidence, direction, last_publication,
               next_publication, ingested_at, outcome_source, read_outcome, declared_outcome,
               flags, time_precision
        FROM attempts WHERE {sel} AND channel {{op}} 'online' ORDER BY 1
    """
    queries = {
        "applicants": f"""
            SELECT {f["pseudonym"]}(id) AS id, prefecture, procedure, permit_expiry, created_at
            FROM applicants WHERE {sel.replace("applicant_id", "id")} ORDER BY 1
        """,
        "attempts": attempt_select.format(op="="),
        "contacts": attempt_select.format(op="<>"),
        "documents": f"""
            SELECT {f["keyed_id"]}('document', id) AS id,
                   {f["pseudonym"]}(applicant_id) AS applicant_id,
                   coalesce({f["slug"]}(kind), 'other') AS kind, dated, {sha}, ingested_at
            FROM documents WHERE {sel} ORDER BY 1
        """,
        # A crawl holds millions of rows but few distinct pages and sites: generalise each
        # once (query and fragment, dropped anyway, are cut in SQL first).
        "probes": f"""
            WITH p AS (SELECT * EXCLUDE (id), regexp_replace(url, '[?#].*$', '') AS page
                       FROM probes),
                 m AS (SELECT page, {f["url_pattern"]}(page) AS pattern
                       FROM (SELECT DISTINCT page FROM p WHERE page IS NOT NULL)),
                 s AS (SELECT site AS raw_site, {f["site"]}(site) AS general
                       FROM (SELECT DISTINCT site FROM p WHERE site IS NOT NULL)),
                 g AS (SELECT p.* REPLACE (s.general AS site), m.pattern
                       FROM p LEFT JOIN m USING (page) LEFT JOIN s ON s.raw_site = p.site)
            SELECT {PROBE_ID} AS id, prefecture, site, procedure, observed_at, outcome, slots,
                   first_slot, second_slot, http_status, system, pattern AS url, {sha}
            FROM g ORDER BY id
        """,
    }
    if with_files:
        referenced = f"""
            SELECT file_sha256 FROM attempts WHERE {sel} UNION
            SELECT file_sha256 FROM documents WHERE {sel} UNION
            SELECT file_sha256 FROM probes
        """
        queries["files"] = f"""
            SELECT sha256, size, media_type FROM files
            WHERE sha256 IN ({referenced}) ORDER BY sha256
        """
    return queries


def _resolve_key(
    ws: Workspace, key_file: str | os.PathLike[str] | None
) -> tuple[bytes, bool, Path]:
    if key_file is not None:
        return read_key_file(key_file), False, Path(key_file)
    key, created = workspace_key(ws.root)
    return key, created, ws.root / KEY_NAME


def _selected_ids(ws: Workspace, applicants: Sequence[str] | None) -> list[str] | None:
    if applicants is None:
        return None
    from toolkit.applicants import get_applicant

    ids = sorted({get_applicant(ws, a).id for a in applicants})
    if not ids:
        raise InputError("no applicant selected; give --applicant ID, or none to export all")
    return ids


def export_bundle(
    ws: Workspace,
    out: str | os.PathLike[str],
    *,
    applicants: Sequence[str] | None = None,
    key_file: str | os.PathLike[str] | None = None,
    with_files: bool = False,
) -> BundleResult:
    """Write a pseudonymised bundle of the workspace (or of ``applicants``) to ``out``.

    ``key_file`` replaces the workspace key (``secret.key``, created on first use) so that
    several workspaces give the same pseudonyms. ``with_files`` adds the originals, which
    may show identities.
    """
    out = Path(out)
    if out.suffix.lower() != ".zip":
        raise InputError(f"{out}: a bundle is a .zip file; give --out FILE.zip")
    if out.is_dir():
        raise InputError(f"{out}: is a folder; give --out FILE.zip")
    check_target(ws, out)
    selected = _selected_ids(ws, applicants)
    key, key_created, key_path = _resolve_key(ws, key_file)
    # A cursor of its own: the functions registered for this export stay off ws.con.
    con = ws.con.cursor()
    try:
        with ws.temp_dir(prefix="bundle-") as work:
            tables, members, pseudonyms, n_files = _build(ws, con, work, key, selected, with_files)
            manifest: dict[str, Any] = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "schema_version": schema_version(),
                "tool_version": __version__,
                "pseudonym": "hmac-sha256/16",
                "key_fingerprint": key_fingerprint(key),
                "with_files": with_files,
                "applicants": len(pseudonyms),
                "tables": tables,
                "files": sorted(
                    ({"path": rel, "sha256": sha, "size": size} for rel, sha, size, _ in members),
                    key=lambda e: e["path"],
                ),
            }
            manifest["manifest_hmac"] = manifest_mac(key, canonical_json(manifest))
            manifest_bytes = (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()
            entries = sorted((rel, content) for rel, _, _, content in members)
            written = write_output(
                ws,
                out,
                lambda f: write_members(f, [(MANIFEST, manifest_bytes), *entries]),
                kind="bundle",
                action="export.bundle",
                inputs_digest=hashlib.sha256(canonical_json(tables).encode()).hexdigest(),
                detail={
                    "tables": {name: tables[name]["rows"] for name in tables},
                    "with_files": with_files,
                    "key_fingerprint": key_fingerprint(key),
                    "applicants": selected if selected is not None else "all",
                    "originals": n_files,
                },
            )
    finally:
        con.close()
    return BundleResult(
        path=out,
        sha256=written.sha256,
        tables={name: tables[name]["rows"] for name in tables},
        files=n_files,
        key_fingerprint=key_fingerprint(key),
        key_created=key_created,
        key_path=key_path,
        applicants=pseudonyms,
    )


def _build(
    ws: Workspace,
    con: duckdb.DuckDBPyConnection,
    work: Path,
    key: bytes,
    selected: list[str] | None,
    with_files: bool,
) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, int, Path | bytes]], list[str], int]:
    """The bundle's tables written to ``work`` as Parquet, checked for identity: their
    manifest entries, the zip members ``(path, sha256, size, content)``, the pseudonyms and
    the number of originals."""
    paths: dict[str, Path] = {}
    rows: dict[str, int] = {}
    (work / "tables").mkdir()
    with _bundle_functions(con, key) as f:
        for name, query in _queries(f, selected is not None, with_files).items():
            target = work / table_path(name)
            params = {"ids": selected} if "$ids" in query else {}
            con.execute(
                f"COPY ({query}) TO {lit(target)} (FORMAT parquet, COMPRESSION uncompressed)",
                params,
            )
            paths[name] = target
            counted = con.execute(f"SELECT count(*) FROM read_parquet({lit(target)})").fetchone()
            rows[name] = int(counted[0]) if counted else 0
    identity_guard(con, public_words()).check_tables(con, paths, "the bundle")
    members: list[tuple[str, str, int, Path | bytes]] = []
    tables: dict[str, dict[str, Any]] = {}
    for name in sorted(paths):
        data = paths[name].read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        rel = table_path(name)
        tables[name] = {"path": rel, "rows": rows[name], "sha256": digest}
        members.append((rel, digest, len(data), data))
    n_files = 0
    if with_files:
        for (sha,) in con.execute(
            f"SELECT sha256 FROM read_parquet({lit(paths['files'])}) ORDER BY 1"
        ).fetchall():
            original = ws.vault.original(sha)
            if sha256_file(original) != sha:
                raise IntegrityError(
                    f"original {sha} in the vault was altered; run `guichets verify`"
                )
            members.append((f"files/{sha}", sha, original.stat().st_size, original))
            n_files += 1
    pseudonyms = [
        r[0]
        for r in con.execute(
            f"SELECT id FROM read_parquet({lit(paths['applicants'])}) ORDER BY 1"
        ).fetchall()
    ]
    return tables, members, pseudonyms, n_files
