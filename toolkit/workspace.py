"""A workspace: one folder holding the DuckDB store (``connection.py`` opens it), the vault
of originals, ``out/`` for outputs and ``tmp/`` for what is on its way (``scratch.py``).

Every change is a transaction of database rows and the vault files written for them, all
or nothing; every action on evidence is logged by :meth:`Workspace.log_custody`, the one
writer of the custody hash chain (``custody.py``).
"""

from __future__ import annotations

import getpass
import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from toolkit._version import __version__
from toolkit.connection import applied_versions as _applied_versions
from toolkit.connection import connect as _connect
from toolkit.connection import load_reference as _load_reference
from toolkit.errors import (
    GuichetsError,
    WorkspaceError,
    WorkspaceMissing,
    WorkspaceTooNew,
    disk_full,
    no_space,
)
from toolkit.paths import check_path, ensure_folders, readable
from toolkit.scratch import TMP_DIR, Leftover, new_file, sweep
from toolkit.vault import Vault

if TYPE_CHECKING:
    import duckdb

DB_NAME = "guichets.duckdb"
ENV_VAR = "GUICHETS_WORKSPACE"
DEFAULT_DIR = "workspace"


def resolve_path(path: str | os.PathLike[str] | None = None) -> Path:
    """Explicit path > $GUICHETS_WORKSPACE > ./workspace."""
    if path is not None and str(path) != "":
        check_path(path)
        return Path(path)
    env = os.environ.get(ENV_VAR)
    if env:
        check_path(env)
    return Path(env) if env else Path(DEFAULT_DIR)


def writable(path: str | os.PathLike[str] | None = None) -> bool:
    """Whether this process may write the workspace's folder and database (a workspace on
    read-only media, or someone else's, is opened read-only to be checked)."""
    root = resolve_path(path)
    db = root / DB_NAME
    return os.access(root, os.W_OK) and (not db.exists() or os.access(db, os.W_OK))


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


def local_today(tz: str) -> date:
    """Today's date in the zone ``tz`` (a préfecture's)."""
    return now().astimezone(ZoneInfo(tz)).date()


def actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return os.environ.get("USER", "unknown")


@dataclass
class Transaction:
    """Tracks vault files written during a transaction, to remove them on rollback."""

    new_files: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)  # new ``files`` rows, for custody


class Workspace:
    """An open workspace. Use as a context manager, or call :meth:`close`."""

    #: Transactions committed by this process (the CLI tells an interruption that recorded
    #: nothing from one that came after some steps were recorded).
    commits = 0

    def __init__(self, root: Path, con: duckdb.DuckDBPyConnection, read_only: bool) -> None:
        self.root = root
        self.con = con
        self.read_only = read_only
        self.vault = Vault(root / "vault", root / TMP_DIR)
        self._txn: Transaction | None = None
        self._chained: bool | None = None  # custody has the chain's columns (schema 006)
        #: What interrupted runs had left in ``tmp/`` (and the vault), removed at this open.
        self.swept: list[Leftover] = []

    # paths ---------------------------------------------------------------
    @property
    def db_path(self) -> Path:
        return self.root / DB_NAME

    @property
    def out_dir(self) -> Path:
        return self.root / "out"

    @property
    def tmp_dir(self) -> Path:
        """``WORKSPACE/tmp/``: staging and temporary files, on the vault's file system, swept
        (and reported in :attr:`swept`) at the next read-write open after a crash."""
        return self.root / TMP_DIR

    def temp_file(self, prefix: str = "", suffix: str = "") -> Path:
        """A new empty file under :attr:`tmp_dir` (mode 600). Write it, then hand it to
        :meth:`adopt_file` (one rename into the vault) or remove it."""
        return new_file(self.tmp_dir, prefix=prefix, suffix=suffix)

    @contextmanager
    def temp_dir(self, prefix: str = "") -> Iterator[Path]:
        """A new folder under :attr:`tmp_dir`, removed with its content on exit (in the
        system's temporary folder when the workspace is open read-only: nothing is written
        to it then, and no sweep would run)."""
        import tempfile

        if self.read_only:
            path = Path(tempfile.mkdtemp(prefix=f"guichets-{prefix}"))
        else:
            self.tmp_dir.mkdir(exist_ok=True)
            path = Path(tempfile.mkdtemp(dir=self.tmp_dir, prefix=prefix))
        try:
            yield path
        finally:
            shutil.rmtree(path, ignore_errors=True)

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
        """The ``files`` row of an original, or None when the workspace never recorded it."""
        rows = self.rows("SELECT * FROM files WHERE sha256 = ?", [sha256])
        return rows[0] if rows else None

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
            self.con.execute("COMMIT")
        except BaseException as e:
            self._roll_back(txn)
            if no_space(e):
                raise disk_full(self.db_path) from None
            raise
        else:
            Workspace.commits += 1
        finally:
            self._txn = None

    def _roll_back(self, txn: Transaction) -> None:
        """Undo the database rows, then the vault files this transaction created (no row
        committed before it can cite them: they were not in the vault)."""
        import duckdb

        referenced: set[str] = set()
        try:
            self.con.execute("ROLLBACK")
            if txn.new_files:
                placeholders = ",".join("?" * len(txn.new_files))
                referenced = {
                    r[0]
                    for r in self.con.execute(
                        f"SELECT sha256 FROM files WHERE sha256 IN ({placeholders})",
                        txn.new_files,
                    ).fetchall()
                }
        except duckdb.Error:
            pass  # the connection is gone (a full disk): DuckDB keeps nothing uncommitted
        for digest in txn.new_files:
            if digest not in referenced:
                with suppress(OSError):
                    self.vault.remove(digest)

    def store_file(self, data: bytes, original_name: str, media_type: str | None) -> str:
        """Copy an original into the vault and the ``files`` table; return its sha256."""
        digest, created = self.vault.store(data)
        self._list_file(digest, created, len(data), media_type, original_name)
        return digest

    def adopt_file(
        self, tmp: Path, digest: str, size: int, original_name: str, media_type: str | None
    ) -> None:
        """Like :meth:`store_file` for a large original already copied (and hashed) into a
        temporary file (:meth:`temp_file`), so it is never held in memory."""
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
        inserted = self.con.execute(
            "INSERT INTO files (sha256, size, media_type, original_name, first_ingested_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING sha256",
            [digest, size, media_type, name, now()],
        ).fetchall()
        if inserted:
            self.note_originals([digest])

    def new_source(self, kind: str, path: str | None, options: dict[str, Any]) -> str:
        source_id = uuid.uuid4().hex[:16]
        values = [source_id, kind, path and readable(path), json.dumps(options, default=str)]
        self.con.execute(
            "INSERT INTO sources (id, kind, path, options, tool_version, started_at, rows) "
            "VALUES (?, ?, ?, ?, ?, ?, 0)",
            [*values, __version__, now()],
        )
        return source_id

    def set_source_rows(self, source_id: str, rows: int) -> None:
        self.con.execute("UPDATE sources SET rows = ? WHERE id = ?", [rows, source_id])

    def note_originals(self, digests: list[str]) -> None:
        """Originals newly listed in ``files`` by this transaction without :meth:`store_file`
        (a bulk insert): the next :meth:`log_custody` names them."""
        if self._txn is not None:
            self._txn.listed.extend(digests)

    def log_custody(self, action: str, detail: dict[str, Any]) -> None:
        """Record an action on evidence (ingest, export, verify…) with time, tool and OS user,
        as the next link of the custody hash chain (toolkit/custody.py). The originals this
        transaction listed in ``files`` so far are named in the entry (``originals``), so that
        ``guichets verify`` can tell a deleted ``files`` row from a copy nothing recorded."""
        from toolkit import custody

        if self._txn is not None and self._txn.listed:
            detail = {**detail, "originals": sorted(set(self._txn.listed))}
            self._txn.listed.clear()
        if self._chained is None:
            self._chained = custody.is_chained(self.con)
        text = json.dumps(detail, default=str, sort_keys=True)
        custody.append(self.con, now(), action, actor(), __version__, text, chained=self._chained)


def _chain_custody(con: duckdb.DuckDBPyConnection) -> None:
    from toolkit import custody

    custody.start_chain(con, now(), actor(), __version__)


#: Steps in Python that a migration needs after its SQL, in the same transaction.
AFTER_MIGRATION = {6: _chain_custody}


def _missing(con: duckdb.DuckDBPyConnection, root: Path) -> list[tuple[int, str, str]]:
    """The migrations this code knows and the database lacks, in order: every one, not only
    those above the highest applied (a workspace built on a branch may hold 009 without 005,
    merged later). A database newer than this code is refused."""
    applied = _applied_versions(con)
    current = max(applied, default=0)
    if current > schema_version():
        raise WorkspaceTooNew(
            f"{root}: workspace schema version {current} is newer than this guichets "
            f"(knows up to {schema_version()}); upgrade guichets to open it"
        )
    return [m for m in migrations() if m[0] not in applied]


def _migrate(con: duckdb.DuckDBPyConnection, root: Path) -> None:
    missing = _missing(con, root)
    if not missing:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ, tool_version VARCHAR)"
        )
        for version, name, sql in missing:
            con.execute(sql)
            if version in AFTER_MIGRATION:
                AFTER_MIGRATION[version](con)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, ?)",
                [version, name, now(), __version__],
            )
        _load_reference(con)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def init_workspace(path: str | os.PathLike[str] | None = None) -> Workspace:
    """Create (or open and migrate) a workspace: database, vault and ``out/``."""
    root = resolve_path(path)
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root}: exists and is not a folder; choose another --workspace")
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise WorkspaceError(f"{root}: cannot create the workspace ({e.strerror or e})") from None
    ensure_folders(root, ("vault", "out", TMP_DIR))
    ws = open_workspace(root, _create=True)
    created = ws.scalar("SELECT count(*) FROM custody WHERE action = 'init'") == 0
    if created:
        ws.log_custody("init", {"schema_version": schema_version(), "path": str(root)})
    return ws


def open_workspace(
    path: str | os.PathLike[str] | None = None,
    *,
    read_only: bool = False,
    sweep_tmp: bool = True,
    _create: bool = False,
) -> Workspace:
    """Open an existing workspace, migrating an older schema. A read-write open sweeps
    ``tmp/`` unless ``sweep_tmp`` is False (a process whose own tasks may be writing there)."""
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
            missing = _missing(con, root)
            if missing:  # migrate once, then read
                if not writable(root):
                    lacks = ", ".join(f"{m[0]:03d}" for m in missing)
                    raise WorkspaceError(
                        f"{root}: workspace lacks schema migrations {lacks} of this guichets "
                        "and cannot be written to, so it cannot be upgraded here; copy it to a "
                        "writable place and open the copy"
                    )
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
    ws = Workspace(root, con, read_only)
    if not read_only:
        try:
            ensure_folders(root, ("vault", "out", TMP_DIR))
        except BaseException:
            ws.close()
            raise
        ws.swept = sweep(root) if sweep_tmp else []
        if ws.swept:
            ws.log_custody("workspace.sweep", {"removed": [x.to_dict() for x in ws.swept]})
    return ws
