"""Opening the workspace's DuckDB file (part of the store layer): the one place that
connects, so that what every connection must be is said once.

Only one process may hold a DuckDB file open for writing, and while it does a second
process cannot even read it; that becomes a clear "workspace is busy" error. No extension
is ever downloaded or loaded behind our back: the wheel's built-in core_functions, icu, json
and parquet are all guichets needs, and a query naming an ``https://`` or ``s3://`` path
fails instead of fetching the httpfs extension.
"""

from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING

from toolkit.errors import WorkspaceBusy, WorkspaceError

if TYPE_CHECKING:
    import duckdb

NO_EXTENSIONS = (
    ("autoinstall_known_extensions", False),
    ("autoload_known_extensions", False),
    ("allow_community_extensions", False),
    ("allow_unsigned_extensions", False),
)


def connect(db: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    """A connection to ``db`` in UTC, without extensions or progress bar."""
    import duckdb

    try:
        con = duckdb.connect(str(db), read_only=read_only, config=dict(NO_EXTENSIONS))
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


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """The schema versions applied to the database (none for a new file)."""
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
    ).fetchone()
    if not has or not has[0]:
        return set()
    return {int(r[0]) for r in con.execute("SELECT version FROM schema_migrations").fetchall()}


def load_reference(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)load the préfectures table from the reference data."""
    from toolkit.reference import prefectures

    con.execute("DELETE FROM prefectures")
    con.executemany(
        "INSERT INTO prefectures (code, name, town, tz, tribunal, region) VALUES (?, ?, ?, ?, ?, ?)",
        [(p.code, p.name, p.town, p.tz, p.tribunal, p.region) for p in prefectures()],
    )
