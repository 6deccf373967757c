"""Checking the tables of a bundle: every cell must be what ``guichets export bundle`` writes.

A crafted bundle must not put facts into a workspace that the workspace's own commands would
never have recorded. Each table is read by DuckDB (never loaded into Python) and refused,
with one line naming the table, the column and the rule, when:

- a column could hold identity or free text, is unknown to the format, lacks, or has a type
  other than the store's (an integer may be narrower);
- a column the store requires is empty, an id repeats, or the row count differs from the
  manifest's;
- an id is not shaped as the exporter writes it (a pseudonym is 16 hexadecimal digits, a row
  id 20, a file sha256 64), or a probe id is not the hash of the probe's content;
- a vocabulary column holds a value outside the vocabulary (``toolkit.model``, the document
  kinds, the préfectures), a URL or a probe's site is not generalised, a number or a time is
  outside what can be observed (``TIMES``);
- a row points at an applicant or an original the bundle lacks, or an original is carried
  that no row points at;
- an applicant of the bundle already exists in the workspace and did not come from a bundle
  made with the same key: a bundle may add to the pseudonymous applicants it brought, never
  to the workspace's own clients (table ``bundle_applicants``, schema 011).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from toolkit.errors import InputError, IntegrityError
from toolkit.export.bundle import FREE_TEXT_COLUMNS, PROBE_ID, TABLES
from toolkit.export.identity_guard import is_identity_column
from toolkit.export.pseudonym import site_is_general, url_pattern
from toolkit.model import Channel, System, TimeSource
from toolkit.sqltext import lit
from toolkit.workspace import Workspace

# Required columns per bundle table (others may be missing in older bundles).
REQUIRED: dict[str, tuple[str, ...]] = {
    "applicants": ("id", "prefecture", "procedure"),
    "attempts": ("id", "applicant_id", "prefecture", "procedure", "channel", "observed_at"),
    "contacts": ("id", "applicant_id", "prefecture", "procedure", "channel", "observed_at"),
    "documents": ("id", "applicant_id", "kind"),
    "probes": ("id", "prefecture", "observed_at", "outcome"),
    "files": ("sha256", "size"),
}
# Columns that must hold a value when present (the store's NOT NULL columns).
NOT_NULL: dict[str, tuple[str, ...]] = {
    **REQUIRED,
    "attempts": (*REQUIRED["attempts"], "time_source", "outcome", "system", "part"),
    "contacts": (*REQUIRED["contacts"], "time_source", "outcome", "system", "part"),
}
# What can be observed: (lowest, highest) as SQL, per time or date column.
TIMES: dict[str, tuple[str, str]] = {
    "observed_at": ("TIMESTAMPTZ '2000-01-01 00:00:00+00'", "now() + INTERVAL 1 DAY"),
    "ingested_at": ("TIMESTAMPTZ '2000-01-01 00:00:00+00'", "now() + INTERVAL 1 DAY"),
    "created_at": ("TIMESTAMPTZ '2000-01-01 00:00:00+00'", "now() + INTERVAL 1 DAY"),
    "last_publication": ("TIMESTAMP '2000-01-01'", "CAST(now() AS TIMESTAMP) + INTERVAL 400 DAY"),
    "next_publication": ("TIMESTAMP '2000-01-01'", "CAST(now() AS TIMESTAMP) + INTERVAL 400 DAY"),
    "first_slot": ("DATE '2000-01-01'", "current_date + 3660"),
    "second_slot": ("DATE '2000-01-01'", "current_date + 3660"),
    "permit_expiry": ("DATE '1950-01-01'", "DATE '2100-12-31'"),
    "dated": ("DATE '1900-01-01'", "current_date + 1"),
}
_INTEGERS = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER")
_PSEUDONYM = "'[0-9a-f]{16}'"
_ROW_ID = "'[0-9a-f]{20}'"
_SHA = "'[0-9a-f]{64}'"


def _among(values: Any) -> str:
    return "(" + ", ".join(lit(str(v)) for v in values) + ")"


def _rules(name: str, cols: list[str]) -> list[tuple[str, str, str]]:
    """(column, SQL true for a bad value, what the column must hold) for one table."""
    from toolkit.ingest.documents import DOCUMENT_KINDS
    from toolkit.reference.vocabulary import slugs

    row_id = _PSEUDONYM if name == "applicants" else _ROW_ID
    others = [c.value for c in Channel if c is not Channel.ONLINE]
    rules = [
        ("id", f"NOT regexp_full_match(id, {row_id})", f"ids of {row_id[1:-1]}"),
        ("applicant_id", f"NOT regexp_full_match(applicant_id, {_PSEUDONYM})", "pseudonyms"),
        ("file_sha256", f"NOT regexp_full_match(file_sha256, {_SHA})", "sha256 digests"),
        ("sha256", f"NOT regexp_full_match(sha256, {_SHA})", "sha256 digests"),
        ("prefecture", "prefecture NOT IN (SELECT code FROM prefectures)", "préfecture codes"),
        ("procedure", f"procedure NOT IN {_among(sorted(slugs('procedure')))}", "procedure slugs"),
        ("outcome", f"outcome NOT IN {_among(sorted(slugs('outcome')))}",
         "outcomes of the vocabulary"),
        ("system", f"system NOT IN {_among(System)}", "booking systems of the vocabulary"),
        ("time_source", f"time_source NOT IN {_among(TimeSource)}", "time sources"),
        ("direction", "direction NOT IN ('sent', 'received')", "sent or received"),
        ("extraction", "extraction NOT IN ('log', 'option', 'rule', 'ocr', 'manual')",
         "log, option, rule, ocr or manual"),
        ("time_detail", "NOT regexp_full_match(time_detail, '[a-z_]{1,20}')", "reader names"),
        ("rule", "NOT regexp_full_match(rule, '[a-z0-9][a-z0-9_.:-]{0,79}')", "rule slugs"),
        ("kind", f"kind NOT IN {_among(DOCUMENT_KINDS)}", "document kinds"),
        ("media_type", "NOT regexp_full_match(media_type, '[a-z]+/[a-z0-9.+-]{1,60}')",
         "media types"),
        ("slots", "slots < 0 OR slots > 100000", "a slot count (0 to 100,000)"),
        ("part", "part < 0 OR part > 1000000", "a part index"),
        ("size", "size < 0", "a size"),
        ("confidence", "NOT (confidence BETWEEN 0 AND 1)", "a confidence between 0 and 1"),
        ("http_status", "NOT (http_status BETWEEN 100 AND 599)", "HTTP status codes"),
    ]  # fmt: skip
    if name == "attempts":
        rules.append(("channel", "channel <> 'online'", "online (contacts go to contacts)"))
    elif name == "contacts":
        rules.append(("channel", f"channel NOT IN {_among(others)}", "contact channels"))
    if name == "probes":
        probe_id = PROBE_ID
        for optional in ("site", "procedure"):  # an older bundle may lack them: NULL
            if optional not in cols:
                probe_id = probe_id.replace(f"coalesce({optional}, '')", "''")
        rules.append(("id", f"id <> {probe_id}", "the hash of the probe's content"))
    for column, (low, high) in TIMES.items():
        rules.append(
            (column, f"{column} < {low} OR {column} > {high}", f"times between {low} and {high}")
        )
    return rules


def _store_types(ws: Workspace, target: str) -> dict[str, str]:
    return dict(
        ws.con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = ? AND table_schema = 'main'",
            [target],
        ).fetchall()
    )


def _type_ok(found: str, expected: str | None) -> bool:
    if expected is None or found == expected:
        return True
    return found in _INTEGERS and expected in _INTEGERS[_INTEGERS.index(found) :]


def _describe(ws: Workspace, src: str, rel: str, where: str) -> tuple[dict[str, str], int]:
    import duckdb

    try:
        types = {r[0]: r[1] for r in ws.con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()}
        counted = ws.con.execute(f"SELECT count(*) FROM {src}").fetchone()
    except duckdb.Error as e:
        detail = " ".join(str(e).split())[:200]
        raise IntegrityError(
            f"{where}: {rel} is not a readable Parquet table ({detail}); refused"
        ) from None
    return types, int(counted[0]) if counted else 0


def _check_columns(name: str, types: dict[str, str], store: dict[str, str], where: str) -> None:
    cols = list(types)
    identity = [c for c in cols if is_identity_column(c)]
    free = [c for c in cols if c.lower() in FREE_TEXT_COLUMNS]
    if identity or free:
        raise InputError(
            f"{where}: table {name} has identity or free-text column(s) "
            f"{', '.join(identity + free)}; refused: a bundle carries pseudonymous facts only"
        )
    allowed = set(TABLES[name][1])
    unknown = [c for c in cols if c not in allowed]
    if unknown:
        raise InputError(f"{where}: table {name} has unexpected column(s) {', '.join(unknown)}")
    missing = [c for c in REQUIRED[name] if c not in cols]
    if missing:
        raise InputError(f"{where}: table {name} lacks column(s) {', '.join(missing)}")
    wrong = [
        f"{c} ({t}, not {store[c]})" for c, t in types.items() if not _type_ok(t, store.get(c))
    ]
    if wrong:
        raise IntegrityError(
            f"{where}: table {name} has column(s) of the wrong type: {', '.join(wrong)}; refused"
        )


def _check_cells(ws: Workspace, name: str, src: str, cols: list[str], where: str) -> None:
    """Nulls, repeated ids, and every rule of :func:`_rules`, in one scan of the table."""
    key = "sha256" if name == "files" else "id"
    checks: list[tuple[str, str, str]] = [
        (c, f"{c} IS NULL", "a value (it may not be empty)") for c in NOT_NULL[name] if c in cols
    ]
    checks += [
        (c, f"({bad}) AND {c} IS NOT NULL", must)
        for c, bad, must in _rules(name, cols)
        if c in cols
    ]
    exprs = [f"count(*) FILTER (WHERE {bad})" for _, bad, _ in checks]
    counts = ws.con.execute(
        f"SELECT count(*) - count(DISTINCT {key}), {', '.join(exprs)} FROM {src}"
    ).fetchone()
    assert counts is not None
    if counts[0]:
        raise IntegrityError(f"{where}: table {name} repeats {counts[0]} {key}(s); refused")
    for (column, bad, must), n in zip(checks, counts[1:], strict=True):
        if n:
            sample = ws.con.execute(
                f"SELECT DISTINCT CAST({column} AS VARCHAR) FROM {src} WHERE {bad} LIMIT 2"
            ).fetchall()
            shown = ", ".join(repr(str(r[0])[:40]) for r in sample)
            raise IntegrityError(
                f"{where}: table {name}, column {column}: {n} row(s) hold something else than "
                f"{must} (e.g. {shown}); refused"
            )


def _url_is_general(url: str) -> bool:
    return url_pattern(url) == url


def _check_general(ws: Workspace, name: str, src: str, column: str, where: str) -> None:
    """Every URL (or probe site) is already generalised: generalising it changes nothing."""
    general = _url_is_general if column == "url" else site_is_general
    cur = ws.con.execute(f"SELECT DISTINCT {column} FROM {src} WHERE {column} IS NOT NULL")
    raw = 0
    while batch := cur.fetchmany(10_000):
        raw += sum(1 for (v,) in batch if not general(v))
    if raw:
        what = "URL(s)" if column == "url" else "site(s)"
        raise InputError(
            f"{where}: table {name} holds {raw} {what} that are not generalised "
            "(not written by this version of `guichets export bundle`?); refused"
        )


def _check_files(
    ws: Workspace, d: Path, present: dict[str, str], files: list[str], where: str
) -> None:
    """Originals: each carried one has a files row and is pointed at by a row; each row points
    at an original the bundle carries."""
    referenced = {
        r[0]
        for name in ("attempts", "contacts", "documents", "probes")
        for r in ws.con.execute(
            f"SELECT DISTINCT file_sha256 FROM {present[name]} WHERE file_sha256 IS NOT NULL"
        ).fetchall()
    }
    carried = set(files)
    if "files" not in present:
        if carried:
            raise IntegrityError(f"{where}: originals without a files table; refused")
        listed: dict[str, int] = {}
    else:
        listed = dict(ws.con.execute(f"SELECT sha256, size FROM {present['files']}").fetchall())
    unused = sorted(carried - referenced)
    if unused:
        raise IntegrityError(
            f"{where}: files/{unused[0]} is pointed at by no row ({len(unused)} such original(s)); "
            "refused: a bundle carries only the originals of its rows"
        )
    if set(listed) != carried:
        odd = sorted(set(listed) ^ carried)[0]
        raise IntegrityError(
            f"{where}: the files table and the originals carried differ (e.g. {odd}); refused"
        )
    if carried and referenced - carried:
        missing = sorted(referenced - carried)
        raise IntegrityError(
            f"{where}: {len(missing)} row(s) point at an original the bundle lacks "
            f"(e.g. {missing[0]}); refused"
        )
    for sha in sorted(carried):
        size = (d / "files" / sha).stat().st_size
        if listed[sha] != size:
            raise IntegrityError(f"{where}: files/{sha} is not the size its row gives; refused")


def _check_applicants(ws: Workspace, src: str, fingerprint: str, where: str) -> None:
    taken = [
        r[0]
        for r in ws.con.execute(
            f"SELECT s.id FROM {src} s JOIN applicants a ON a.id = s.id "
            "LEFT JOIN bundle_applicants b ON b.applicant_id = s.id AND b.key_fingerprint = ? "
            "WHERE b.applicant_id IS NULL ORDER BY 1",
            [fingerprint],
        ).fetchall()
    ]
    if taken:
        raise InputError(
            f"{where}: {len(taken)} applicant(s) of the bundle ({taken[0]}…) already exist in this "
            f"workspace and did not come from a bundle made with key {fingerprint}; refused: a "
            "bundle cannot add facts to another applicant (aggregate into a workspace of its own)"
        )


def check_rows(
    ws: Workspace,
    d: Path,
    members: dict[str, str],
    manifest: dict[str, Any],
    files: list[str],
    where: str,
) -> dict[str, list[str]]:
    """Check every table extracted under ``d``; return each table's columns."""
    columns: dict[str, list[str]] = {}
    present = {name: f"read_parquet({lit(d / rel)})" for name, rel in members.items()}
    for name, rel in sorted(members.items()):
        src = present[name]
        types, rows = _describe(ws, src, rel, where)
        _check_columns(name, types, _store_types(ws, TABLES[name][0]), where)
        if rows != manifest["tables"][name].get("rows"):
            raise IntegrityError(f"{where}: {rel} holds {rows} rows, the manifest says otherwise")
        cols = list(types)
        _check_cells(ws, name, src, cols, where)
        for column in ("url", "site"):
            if column in cols:
                _check_general(ws, name, src, column, where)
        columns[name] = cols
    applicants = present["applicants"]
    for name in ("attempts", "contacts", "documents"):
        orphans = ws.con.execute(
            f"SELECT count(*) FROM {present[name]} "
            f"WHERE applicant_id NOT IN (SELECT id FROM {applicants})"
        ).fetchone()
        if orphans and orphans[0]:
            raise IntegrityError(
                f"{where}: {orphans[0]} row(s) of {name} belong to no applicant of the bundle; "
                "refused"
            )
    _check_files(ws, d, present, files, where)
    _check_applicants(ws, applicants, str(manifest["key_fingerprint"]), where)
    return columns
