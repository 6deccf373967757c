"""Who ran a robot, and how: the description that must come with its probes in court.

A robot's probes may be produced only with their author named (``guichets exhibits
--with-robot-evidence``). A crawl is known by its name: the ``--source`` given to
``ingest crawl``, or else its file name. ``describe_source`` records the operator, the method
and the frequency under that name; every crawl ingested under it shares the description.
"""

from __future__ import annotations

from typing import Any

from toolkit.errors import InputError, NotFound
from toolkit.workspace import Workspace, now

# A crawl source's name: its --source, else the base name of the file it read.
NAME_SQL = (
    "coalesce(nullif(json_extract_string(s.options, '$.name'), ''), "
    "regexp_extract(s.path, '[^/\\\\]+$'))"
)
FIELDS = ("operator", "method", "frequency")


def crawl_sources(ws: Workspace) -> list[dict[str, Any]]:
    """One row per crawl name: ``{name, sources, files, probes, described}``."""
    return ws.rows(
        f"""
        SELECT {NAME_SQL} AS name, count(DISTINCT s.id) AS sources,
               string_agg(DISTINCT regexp_extract(s.path, '[^/\\\\]+$'), ', ') AS files,
               sum(s.rows) AS probes, any_value(d.name IS NOT NULL) AS described
        FROM sources s LEFT JOIN source_descriptions d ON d.name = {NAME_SQL}
        WHERE s.kind = 'crawl'
        GROUP BY 1 ORDER BY 1
        """
    )


def source_name(ws: Workspace, source_id: str) -> str | None:
    return ws.scalar(f"SELECT {NAME_SQL} FROM sources s WHERE s.id = ?", [source_id])


def get_description(ws: Workspace, name: str) -> dict[str, Any] | None:
    rows = ws.rows(
        "SELECT name, operator, method, frequency, described_at FROM source_descriptions "
        "WHERE name = ?",
        [name],
    )
    return rows[0] if rows else None


def describe_source(
    ws: Workspace,
    name: str,
    *,
    operator: str,
    method: str | None = None,
    frequency: str | None = None,
) -> dict[str, Any]:
    """Record (or replace) who runs the robot ``name`` and how; logged in ``custody``."""
    known = [r["name"] for r in crawl_sources(ws)]
    if name not in known:
        hint = f"known: {', '.join(known)}" if known else "no crawl ingested yet"
        raise NotFound(f"no crawl named {name!r} ({hint}); name one from `guichets source list`")
    values = {"operator": operator, "method": method, "frequency": frequency}
    for key, value in values.items():
        if value is not None and not value.strip():
            raise InputError(f"--{key} is empty; say it in a few words, or leave it out")
    if not operator or not operator.strip():
        raise InputError("--operator: name who runs the robot (an association, a person)")
    before = get_description(ws, name)
    with ws.transaction():
        ws.sql("DELETE FROM source_descriptions WHERE name = ?", [name])
        ws.sql(
            "INSERT INTO source_descriptions (name, operator, method, frequency, described_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [name, operator.strip(), (method or "").strip() or None,
             (frequency or "").strip() or None, now()],
        )  # fmt: skip
        ws.log_custody(
            "source.describe",
            {
                "name": name,
                "before": {k: before[k] for k in FIELDS} if before else None,
                "after": {k: values[k] for k in FIELDS},
            },
        )
    described = get_description(ws, name)
    assert described is not None
    return described
