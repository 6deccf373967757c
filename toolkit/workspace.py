"""A workspace: one folder holding the DuckDB store, the vault of originals and outputs.

Only one process may hold a DuckDB file open for writing, and while it does a second
process cannot even read it; we turn that into a clear "workspace is busy" error.
"""

from __future__ import annotations

import getpass
import json
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from toolkit._version import __version__
from toolkit.errors import (
    GuichetsError,
    WorkspaceBusy,
    WorkspaceError,
    WorkspaceMissing,
    WorkspaceTooNew,
)
from toolkit.vault import Vault

if TYPE_CHECKING:
    import duckdb

DB_NAME = "guichets.duckdb"
ENV_VAR = "GUICHETS_WORKSPACE"
DEFAULT_DIR = "workspace"


def resolve_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Explicit path > $GUICHETS_WORKSPACE > ./workspace."""
    if path is not None and str(path) != "":
        return Path(path)
    env = os.environ.get(ENV_VAR)
    return Path(env) if env else Path(DEFAULT_DIR)


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every ``schema/NNN_name.sql``, in order."""
    found = []
    for entry in resources.files("toolkit.schema").iterdir():
        m = re.fullmatch(r"(\d{3})_(\w+)\.sql", entry.name)
        if m:
            found.append((int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def schema_version() -> int:
    """The schema version this code writes."""
    return migrations()[-1][0]


def now() -> datetime:
    return datetime.now(UTC)


def actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")


@dataclass
class Transaction:
    """Tracks vault files written during a transaction, to remove them on rollback."""

    new_files: list[str] = field(default_factory=list)


class Workspace:
    """An open workspace. Use as a context manager, or call :meth:`close`."""

    def __init__(self, root: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.root = root
        self.con = con
        self.read_only = read_only
        self.vault = Vault(root / "vault")
        self._txn: Transaction | None = None

    # paths ---------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    # lifecycle -----------------------------------------------------------
    def close(self) -> None:
        with suppress(Exception):  # closing twice is harmless
            self.con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Workspace({str(self.root)!r})"

    # queries -------------------------------------------------------------
    def sql(self, query: str, params: list[Any] | tuple[Any, ...] | None = None) -> Any:
        """Run SQL and return the DuckDB relation/result (``.df()``, ``.fetchall()``)."""
        return self.con.execute(query, params or [])

    def rows(self, query: str, params: list[Any] | tuple[Any, ...] | None = None) -> list[dict]:
        cur = self.con.execute(query, params or [])
        cols = [d[0] for d in cur.description]
        return [dict(zip(cols, r, strict=True)) for r in cur.fetchall()]

    def scalar(self, query: str, params: list[Any] | tuple[Any, ...] | None = None) -> Any:
        row = self.con.execute(query, params or []).fetchone()
        return row[0] if row else None

    def file_info(self, sha256: str) -> dict[str, Any] | None:
        """The ``files`` row of an original (sha256, size, media_type, original_name,
        first_ingested_at), or None when the workspace never recorded it."""
        rows = self.rows(
            "SELECT sha256, size, media_type, original_name, first_ingested_at FROM files "
            "WHERE sha256 = ?",
            [sha256],
        )
        return rows[0] if rows else None

    def custody_log(
        self, *, applicant: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """Custody entries, newest first (``detail`` decoded); with ``applicant``, only the
        actions that name that applicant."""
        where = "WHERE json_extract_string(detail, '$.applicant') = ?" if applicant else ""
        tail = f"LIMIT {int(limit)}" if limit is not None else ""
        rows = self.rows(
            f'SELECT "at", action, actor, tool_version, CAST(detail AS VARCHAR) AS detail '
            f'FROM custody {where} ORDER BY "at" DESC, rowid DESC {tail}',
            [applicant] if applicant else [],
        )
        for r in rows:
            r["detail"] = json.loads(r["detail"]) if r["detail"] else {}
        return rows

    # writing -------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """All-or-nothing: database rows and the vault files written for them."""
        if self.read_only:
            raise WorkspaceError(f"{self.root}: opened read-only; cannot record anything")
        if self._txn is not None:  # nested: join the outer transaction
            yield self._txn
            return
        txn = Transaction()
        self._txn = txn
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield txn
        except BaseException:
            self.con.execute("ROLLBACK")
            referenced = set()
            if txn.new_files:
                placeholders = ",".join("?" * len(txn.new_files))
                referenced = {
                    r[0]
                    for r in self.con.execute(
                        f"SELECT sha256 FROM files WHERE sha256 IN ({placeholders})",
                        txn.new_files,
                    ).fetchall()
                }
            for digest in txn.new_files:
                if digest not in referenced:
                    self.vault.remove(digest)
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._txn = None

    def store_file(self, data: bytes, original_name: str, media_type: str | None) -> str:
        """Copy an original into the vault and the ``files`` table; return its sha256."""
        digest, created = self.vault.store(data)
        self._list_file(digest, created, len(data), media_type, original_name)
        return digest

    def adopt_file(
        self, tmp: Path, digest: str, size: int, original_name: str, media_type: str | None
    ) -> None:
        """Like :meth:`store_file` for a large original already copied (and hashed) into a
        temporary file inside the vault folder, so it is never held in memory."""
        created = self.vault.adopt(tmp, digest)
        self._list_file(digest, created, size, media_type, original_name)

    def list_file(self, digest: str, size: int, original_name: str, media_type: str | None) -> None:
        """List an original that is already in the vault."""
        self._list_file(digest, False, size, media_type, original_name)

    def _list_file(
        self, digest: str, created: bool, size: int, media_type: str | None, name: str
    ) -> None:
        if created and self._txn is not None:
            self._txn.new_files.append(digest)
        self.con.execute(
            "INSERT INTO files (sha256, size, media_type, original_name, first_ingested_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [digest, size, media_type, name, now()],
        )

    def new_source(self, kind: str, path: str | None, options: dict[str, Any]) -> str:
        source_id = uuid.uuid4().hex[:16]
        self.con.execute(
            "INSERT INTO sources (id, kind, path, options, tool_version, started_at, rows) "
            "VALUES (?, ?, ?, ?, ?, ?, 0)",
            [source_id, kind, path, json.dumps(options, default=str), __version__, now()],
        )
        return source_id

    def set_source_rows(self, source_id: str, rows: int) -> None:
        self.con.execute("UPDATE sources SET rows = ? WHERE id = ?", [rows, source_id])

    def log_custody(self, action: str, detail: dict[str, Any]) -> None:
        """Record an action on evidence (ingest, export, verify…) with time, tool and OS user."""
        self.con.execute(
            'INSERT INTO custody ("at", action, actor, tool_version, detail) VALUES (?, ?, ?, ?, ?)',
            [now(), action, actor(), __version__, json.dumps(detail, default=str, sort_keys=True)],
        )


def _connect(db: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=read_only)
    except duckdb.IOException as e:
        msg = str(e)
        if "lock" in msg.lower():
            pid = re.search(r"PID (\d+)", msg)
            who = f" (process {pid.group(1)})" if pid else ""
            raise WorkspaceBusy(
                f"workspace is busy: another guichets process{who} is using {db.parent}; "
                "wait for it to finish, then run the command again"
            ) from None
        raise WorkspaceError(f"{db}: cannot open the workspace database ({msg})") from None
    except duckdb.Error as e:
        raise WorkspaceError(
            f"{db}: not a readable guichets database ({e}); restore it from a backup "
            "or create a new workspace with `guichets init`"
        ) from None
    con.execute("SET TimeZone = 'UTC'")
    # DuckDB's own progress bar would draw on stderr; in Jupyter it needs ipywidgets, and
    # without them even turning it off is refused (then it is off already).
    with suppress(duckdb.Error):
        con.execute("SET enable_progress_bar = false")
    return con


def _current_version(con: duckdb.DuckDBPyConnection) -> int:
    import duckdb

    # asked directly: information_schema costs tens of ms at every open (the web app opens
    # the workspace for each page)
    try:
        row = con.execute("SELECT max(version) FROM schema_migrations").fetchone()
    except duckdb.CatalogException:
        return 0
    return int(row[0]) if row and row[0] is not None else 0


def _migrate(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    current = _current_version(con)
    latest = schema_version()
    if current > latest:
        raise WorkspaceTooNew(
            f"{root}: workspace schema version {current} is newer than this guichets "
            f"(knows up to {latest}); upgrade guichets to open it"
        )
    if current == latest:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ, tool_version VARCHAR)"
        )
        for version, name, sql in migrations():
            if version <= current:
                continue
            con.execute(sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, ?)",
                [version, name, now(), __version__],
            )
        _load_reference(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _load_reference(con: duckdb.DuckDBPyConnection) -> None:
    from toolkit.reference import prefectures

    con.execute("DELETE FROM prefectures")
    con.executemany(
        "INSERT INTO prefectures (code, name, town, tz, tribunal, region) VALUES (?, ?, ?, ?, ?, ?)",
        [(p.code, p.name, p.town, p.tz, p.tribunal, p.region) for p in prefectures()],
    )


def init_workspace(path: str | os.PathLike[str] | None = None) -> Workspace:
    """Create (or open and migrate) a workspace: database, vault and ``out/``."""
    root = resolve_path(path)
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root}: exists and is not a folder; choose another --workspace")
    root.mkdir(parents=True, exist_ok=True)
    (root / "vault").mkdir(exist_ok=True)
    (root / "out").mkdir(exist_ok=True)
    ws = open_workspace(root, _create=True)
    created = ws.scalar("SELECT count(*) FROM custody WHERE action = 'init'") == 0
    if created:
        ws.log_custody("init", {"schema_version": schema_version(), "path": str(root)})
    return ws


def open_workspace(
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False, _create: bool = False
) -> Workspace:
    """Open an existing workspace, migrating an older schema."""
    root = resolve_path(path)
    db = root / DB_NAME
    if not db.exists() and not _create:
        raise WorkspaceMissing(
            f"{root}: no guichets workspace here; create one with "
            f"`guichets --workspace {root} init` (or set {ENV_VAR})"
        )
    con = _connect(db, read_only=read_only)
    try:
        if read_only:
            current = _current_version(con)
            if current > schema_version():
                raise WorkspaceTooNew(
                    f"{root}: workspace schema version {current} is newer than this guichets "
                    f"(knows up to {schema_version()}); upgrade guichets to open it"
                )
            if current < schema_version():  # migrate once, then read
                con.close()
                open_workspace(root).close()
                con = _connect(db, read_only=True)
        else:
            _migrate(con, root)
    except GuichetsError:
        con.close()
        raise
    except BaseException:
        con.close()
        raise
    (root / "vault").mkdir(exist_ok=True)
    (root / "out").mkdir(exist_ok=True)
    return Workspace(root, con, read_only)
