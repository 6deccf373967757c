"""Checking a bundle before anything of it is merged.

A bundle passes when it is a zip holding a ``guichets-bundle`` manifest of a schema this
guichets knows; every member listed with its sha256 matches, no member is unlisted, none has
an unsafe name; every table is present and readable Parquet, with no column that could hold
identity or free text, no column unknown to this format, known préfectures, URLs already
generalised, row counts as listed, and no attempt, contact or document of an applicant the
bundle lacks. Given the association's key, the key fingerprint must be the key's and the
manifest's HMAC must verify (a bundle re-hashed after tampering is caught). Each failure
is one line saying what is wrong and that the bundle is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from toolkit.errors import InputError, IntegrityError
from toolkit.export.bundle import (
    FORMAT,
    FORMAT_VERSION,
    FREE_TEXT_COLUMNS,
    MANIFEST,
    TABLES,
    canonical_json,
    table_path,
)
from toolkit.export.identity_guard import is_identity_column
from toolkit.export.pseudonym import key_fingerprint, manifest_mac, url_pattern
from toolkit.sqltext import lit
from toolkit.workspace import Workspace, schema_version

# Required columns per bundle table (others may be missing in older bundles).
_REQUIRED: dict[str, tuple[str, ...]] = {
    "applicants": ("id", "prefecture", "procedure"),
    "attempts": ("id", "applicant_id", "prefecture", "procedure", "channel", "observed_at"),
    "contacts": ("id", "applicant_id", "prefecture", "procedure", "channel", "observed_at"),
    "documents": ("id", "applicant_id", "kind"),
    "probes": ("id", "prefecture", "observed_at", "outcome"),
    "files": ("sha256", "size"),
}
REQUIRED_TABLES = ("applicants", "attempts", "contacts", "documents", "probes")
_MAX_MEMBER = 4 << 30  # 4 GiB: a bigger member is not a bundle we wrote
_SHA = re.compile(r"[0-9a-f]{64}")


@dataclass
class CheckedBundle:
    """A bundle that passed every check, its tables extracted to ``dir``."""

    path: Path
    sha256: str
    manifest: dict[str, Any]
    dir: Path
    columns: dict[str, list[str]]


def _hash_member(z: zipfile.ZipFile, name: str) -> str:
    h = hashlib.sha256()
    with z.open(name) as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _manifest(z: zipfile.ZipFile, where: str) -> dict[str, Any]:
    try:
        data = json.loads(z.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise InputError(
            f"{where}: no {MANIFEST} inside; give a bundle written by `guichets export bundle`"
        ) from None
    except (ValueError, UnicodeDecodeError) as e:
        raise IntegrityError(
            f"{where}: unreadable {MANIFEST} ({e}); ask for the bundle again"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"{where}: not a guichets bundle (manifest format is not {FORMAT!r})")
    return data


def _check_versions(manifest: dict[str, Any], where: str) -> None:
    version, fmt = manifest.get("schema_version"), manifest.get("format_version", 1)
    if not isinstance(version, int) or not isinstance(fmt, int):
        raise IntegrityError(
            f"{where}: manifest without a schema version; ask for the bundle again"
        )
    if version > schema_version() or fmt > FORMAT_VERSION:
        raise InputError(
            f"{where}: written by a newer guichets (schema version {version}, this guichets "
            f"knows up to {schema_version()}); upgrade guichets to aggregate it"
        )


def _check_key(manifest: dict[str, Any], key: bytes, where: str) -> None:
    expected = key_fingerprint(key)
    found = manifest.get("key_fingerprint")
    if found != expected:
        raise InputError(
            f"{where}: pseudonymised with another key (fingerprint {found}, the key file "
            f"given is {expected}); its pseudonyms would not match: ask for a bundle made "
            "with the association's key"
        )
    body = {k: v for k, v in manifest.items() if k != "manifest_hmac"}
    mac = manifest.get("manifest_hmac")
    if not isinstance(mac, str) or not hmac.compare_digest(
        mac, manifest_mac(key, canonical_json(body))
    ):
        raise IntegrityError(
            f"{where}: manifest does not match its key signature (edited after export?); "
            "refused, ask for the bundle again"
        )


def _check_members(z: zipfile.ZipFile, manifest: dict[str, Any], where: str) -> dict[str, str]:
    """Verify every listed hash; return {table: member}."""
    names = [i.filename for i in z.infolist()]
    if len(names) != len(set(names)):
        raise IntegrityError(f"{where}: a member appears twice in the zip; refused")
    for info in z.infolist():
        p = PurePosixPath(info.filename)
        if p.is_absolute() or ".." in p.parts or "\\" in info.filename:
            raise IntegrityError(f"{where}: unsafe member name {info.filename!r}; refused")
        if info.file_size > _MAX_MEMBER:
            raise IntegrityError(f"{where}: member {info.filename} is too large; refused")
    tables = manifest.get("tables")
    entries = manifest.get("files")
    if not isinstance(tables, dict) or not isinstance(entries, list):
        raise IntegrityError(f"{where}: manifest lists no tables; ask for the bundle again")
    listed: dict[str, str] = {}
    for e in entries:
        if not isinstance(e, dict) or not isinstance(e.get("path"), str):
            raise IntegrityError(f"{where}: malformed manifest entry; ask for the bundle again")
        listed[e["path"]] = str(e.get("sha256"))
    members: dict[str, str] = {}
    for name, spec in tables.items():
        if name not in TABLES:
            raise InputError(f"{where}: unknown table {name!r} (made by a newer guichets?)")
        rel = table_path(name)
        if not isinstance(spec, dict) or spec.get("path", rel) != rel:
            raise IntegrityError(f"{where}: manifest entry of table {name} is malformed")
        listed.setdefault(rel, str(spec.get("sha256")))
        if listed[rel] != spec.get("sha256"):
            raise IntegrityError(f"{where}: manifest gives two hashes for {rel}; refused")
        members[name] = rel
    absent = [t for t in REQUIRED_TABLES if t not in members]
    if absent:
        raise IntegrityError(f"{where}: table(s) {', '.join(absent)} missing; refused")
    for rel in listed:
        if not (
            rel.startswith("tables/") or (rel.startswith("files/") and _SHA.fullmatch(rel[6:]))
        ):
            raise IntegrityError(f"{where}: unexpected entry {rel!r} in the manifest; refused")
    for rel in sorted(set(names) - {MANIFEST}):
        if rel not in listed and not rel.endswith("/"):
            raise IntegrityError(f"{where}: {rel} is not listed in the manifest (added?); refused")
    for rel, digest in sorted(listed.items()):
        if rel not in names:
            raise IntegrityError(f"{where}: {rel} is listed in the manifest but missing; refused")
        if _hash_member(z, rel) != digest:
            raise IntegrityError(
                f"{where}: {rel} does not match its sha256 in the manifest (altered or "
                "damaged); refused, nothing was merged"
            )
        if rel.startswith("files/") and digest != rel[6:]:
            raise IntegrityError(f"{where}: {rel} is not named by its sha256; refused")
    return members


def _check_tables(
    ws: Workspace, d: Path, members: dict[str, str], manifest: dict[str, Any], where: str
) -> dict[str, list[str]]:
    con = ws.con
    columns: dict[str, list[str]] = {}
    known_prefs = {r[0] for r in con.execute("SELECT code FROM prefectures").fetchall()}
    for name, rel in members.items():
        src = f"read_parquet({lit(d / rel)})"
        try:
            cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {src}").fetchall()]
            counted = con.execute(f"SELECT count(*) FROM {src}").fetchone()
        except Exception as e:  # duckdb.Error: not Parquet, truncated
            raise IntegrityError(f"{where}: {rel} is not a readable Parquet table ({e})") from None
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
        missing = [c for c in _REQUIRED[name] if c not in cols]
        if missing:
            raise InputError(f"{where}: table {name} lacks column(s) {', '.join(missing)}")
        if "prefecture" in cols:
            bad = [
                r[0]
                for r in con.execute(f"SELECT DISTINCT prefecture FROM {src} ORDER BY 1").fetchall()
                if r[0] not in known_prefs
            ]
            if bad:
                raise InputError(f"{where}: table {name} names unknown préfecture(s) {bad}")
        if "url" in cols:
            raw = [
                r[0]
                for r in con.execute(
                    f"SELECT DISTINCT url FROM {src} WHERE url IS NOT NULL"
                ).fetchall()
                if url_pattern(r[0]) != r[0]
            ]
            if raw:
                raise InputError(
                    f"{where}: table {name} holds {len(raw)} URL(s) that are not generalised "
                    "(not written by `guichets export bundle`?); refused"
                )
        rows = int(counted[0]) if counted else 0
        if rows != manifest["tables"][name].get("rows"):
            raise IntegrityError(f"{where}: {rel} holds {rows} rows, the manifest says otherwise")
        columns[name] = cols
    applicants = f"read_parquet({lit(d / members['applicants'])})"
    for name in ("attempts", "contacts", "documents"):
        src = f"read_parquet({lit(d / members[name])})"
        orphans = con.execute(
            f"SELECT count(*) FROM {src} WHERE applicant_id NOT IN (SELECT id FROM {applicants})"
        ).fetchone()
        if orphans and orphans[0]:
            raise IntegrityError(
                f"{where}: {orphans[0]} row(s) of {name} belong to no applicant of the bundle; "
                "refused"
            )
    return columns


def check_bundle(ws: Workspace, path: Path, key: bytes | None, tmp: Path) -> CheckedBundle:
    where = str(path)
    if not path.is_file():
        raise InputError(f"{where}: no such bundle file")
    if not zipfile.is_zipfile(path):
        raise InputError(
            f"{where}: not a zip file; give a bundle written by `guichets export bundle`"
        )
    from toolkit.vault import sha256_file

    digest = sha256_file(path)
    try:
        with zipfile.ZipFile(path) as z:
            manifest = _manifest(z, where)
            _check_versions(manifest, where)
            if key is not None:
                _check_key(manifest, key, where)
            members = _check_members(z, manifest, where)
            d = tmp / digest
            d.mkdir(exist_ok=True)
            for rel in members.values():
                target = d / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(rel) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
            files = [e["path"] for e in manifest["files"] if e["path"].startswith("files/")]
            for rel in files:
                target = d / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(rel) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile as e:
        raise IntegrityError(f"{where}: damaged zip ({e}); ask for the bundle again") from None
    columns = _check_tables(ws, d, members, manifest, where)
    if files and "files" not in columns:
        raise IntegrityError(f"{where}: originals without a files table; refused")
    return CheckedBundle(path, digest, manifest, d, columns)
