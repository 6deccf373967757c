"""Checking a bundle before anything of it is merged: the zip, its manifest and its members.

A bundle passes when it is a zip holding a ``guichets-bundle`` manifest of a schema this
guichets knows, and every member is listed in the manifest with its sha256 and size, named
safely, and read once (hashed while it is extracted). Given the association's key, the key
fingerprint must be the key's and the manifest's HMAC must verify (a bundle re-hashed after
tampering is caught). The tables' content is checked by :mod:`bundle_rows`.

Bounds, so that a crafted bundle costs neither memory nor disk: the manifest is read only
up to ``MAX_MANIFEST`` bytes and ``MAX_MANIFEST_VALUES`` JSON values (a 1.5 MB manifest once
expanded to 3 GB of memory), a table to ``MAX_TABLE``, an original to the size of any
original (``inputs.MAX_ENTRY_BYTES``), no more than ``MAX_MEMBERS`` members, and a member is
never extracted past the size the manifest gives it. Each failure is one line saying what is
wrong and that the bundle is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from toolkit.errors import InputError, IntegrityError, LimitExceeded
from toolkit.export.bundle import (
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    TABLES,
    canonical_json,
    table_path,
)
from toolkit.export.pseudonym import key_fingerprint, manifest_mac
from toolkit.ingest.inputs import MAX_ENTRY_BYTES
from toolkit.ingest.jsonlimits import MB, load_json
from toolkit.workspace import Workspace, schema_version

REQUIRED_TABLES = ("applicants", "attempts", "contacts", "documents", "probes")
MAX_MANIFEST = 16 * MB  # 100,000 originals listed take about 16 MB
MAX_MANIFEST_VALUES = 1_000_000
MAX_MEMBERS = 100_000
MAX_TABLE = 4 << 30
_SHA = re.compile(r"[0-9a-f]{64}")
_FINGERPRINT = re.compile(r"[0-9a-f]{8}")


@dataclass
class CheckedBundle:
    """A bundle that passed every check, its tables and originals extracted to ``dir``."""

    path: Path
    sha256: str
    manifest: dict[str, Any]
    dir: Path
    columns: dict[str, list[str]]
    files: list[str]  # sha256 of the originals it carries


def _manifest(z: zipfile.ZipFile, where: str) -> dict[str, Any]:
    try:
        info = z.getinfo(MANIFEST)
    except KeyError:
        raise InputError(
            f"{where}: no {MANIFEST} inside; give a bundle written by `guichets export bundle`"
        ) from None
    if info.file_size > MAX_MANIFEST:
        raise LimitExceeded(
            f"{where}: its {MANIFEST} expands to {info.file_size / MB:.0f} MB, more than the "
            f"{MAX_MANIFEST // MB} MB limit; refused"
        )
    data = _read_member(z, info, MAX_MANIFEST, where)
    try:
        manifest = load_json(
            data,
            what=f"{where}: its {MANIFEST}",
            max_bytes=MAX_MANIFEST,
            max_items=MAX_MANIFEST_VALUES,
            fix="refused; ask for the bundle again",
        )
    except (ValueError, UnicodeDecodeError) as e:
        raise IntegrityError(
            f"{where}: unreadable {MANIFEST} ({e}); ask for the bundle again"
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise InputError(f"{where}: not a guichets bundle (manifest format is not {FORMAT!r})")
    return manifest


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, where: str) -> bytes:
    try:
        with z.open(info) as f:
            data = f.read(min(info.file_size, limit) + 1)
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as e:
        raise IntegrityError(f"{where}: cannot read {info.filename} ({e}); refused") from None
    except zlib.error as e:
        raise IntegrityError(f"{where}: {info.filename} is damaged ({e}); refused") from None
    if len(data) > min(info.file_size, limit):
        raise IntegrityError(f"{where}: {info.filename} is larger than the zip says; refused")
    return data


def _check_versions(manifest: dict[str, Any], where: str) -> None:
    version, fmt = manifest.get("schema_version"), manifest.get("format_version", 1)
    if type(version) is not int or type(fmt) is not int or version < 1 or fmt < 1:
        raise IntegrityError(
            f"{where}: manifest without a valid schema version; ask for the bundle again"
        )
    if version > schema_version() or fmt > FORMAT_VERSION:
        raise InputError(
            f"{where}: written by a newer guichets (schema version {version}, this guichets "
            f"knows up to {schema_version()}); upgrade guichets to aggregate it"
        )
    found = manifest.get("key_fingerprint")
    if not isinstance(found, str) or not _FINGERPRINT.fullmatch(found):
        raise IntegrityError(f"{where}: manifest without a valid key fingerprint; refused")


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


def _entry(e: Any, where: str) -> tuple[str, str, int | None]:
    """(path, sha256, size) of one manifest entry, or IntegrityError."""
    if not isinstance(e, dict) or not isinstance(e.get("path"), str):
        raise IntegrityError(f"{where}: malformed manifest entry; ask for the bundle again")
    digest, size = e.get("sha256"), e.get("size")
    if not isinstance(digest, str) or not _SHA.fullmatch(digest):
        raise IntegrityError(f"{where}: manifest entry {e['path'][:80]!r} has no valid sha256")
    if size is not None and (type(size) is not int or size < 0):
        raise IntegrityError(f"{where}: manifest entry {e['path'][:80]!r} has no valid size")
    return e["path"], digest, size


def _listed(manifest: dict[str, Any], where: str) -> tuple[dict[str, str], dict[str, str]]:
    """({member path: sha256}, {table: member path}) from the manifest, its shape checked."""
    tables, entries = manifest.get("tables"), manifest.get("files")
    if not isinstance(tables, dict) or not isinstance(entries, list):
        raise IntegrityError(f"{where}: manifest lists no tables; ask for the bundle again")
    if len(entries) > MAX_MEMBERS:
        raise LimitExceeded(
            f"{where}: manifest lists {len(entries):,} members, more than the limit of "
            f"{MAX_MEMBERS:,}; refused"
        )
    listed: dict[str, str] = {}
    for e in entries:
        rel, digest, _ = _entry(e, where)
        listed[rel] = digest
    members: dict[str, str] = {}
    for name, spec in tables.items():
        if name not in TABLES:
            raise InputError(f"{where}: unknown table {name!r} (made by a newer guichets?)")
        rel = table_path(name)
        rows = spec.get("rows") if isinstance(spec, dict) else None
        if not isinstance(spec, dict) or spec.get("path", rel) != rel or type(rows) is not int:
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
            raise IntegrityError(f"{where}: unexpected entry {rel[:80]!r} in the manifest; refused")
        if rel.startswith("files/") and listed[rel] != rel[6:]:
            raise IntegrityError(f"{where}: {rel} is not named by its sha256; refused")
    return listed, members


def _check_zip(
    z: zipfile.ZipFile, listed: dict[str, str], where: str
) -> dict[str, zipfile.ZipInfo]:
    """The zip's members by name, each safe, listed and within its size bound."""
    infos = z.infolist()
    if len(infos) > MAX_MEMBERS + 1:
        raise LimitExceeded(
            f"{where}: {len(infos):,} members, more than the limit of {MAX_MEMBERS:,}; refused"
        )
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        p = PurePosixPath(info.filename)
        if p.is_absolute() or ".." in p.parts or "\\" in info.filename:
            raise IntegrityError(f"{where}: unsafe member name {info.filename[:80]!r}; refused")
        if info.filename in by_name:
            raise IntegrityError(f"{where}: a member appears twice in the zip; refused")
        by_name[info.filename] = info
        if info.filename == MANIFEST or info.filename.endswith("/"):
            continue
        if info.filename not in listed:
            raise IntegrityError(
                f"{where}: {info.filename[:80]} is not listed in the manifest (added?); refused"
            )
        limit = MAX_TABLE if info.filename.startswith("tables/") else MAX_ENTRY_BYTES
        if info.file_size > limit:
            raise LimitExceeded(
                f"{where}: member {info.filename[:80]} expands to {info.file_size / MB:,.0f} MB, "
                f"more than the {limit // MB:,} MB limit for it; refused"
            )
    for rel in sorted(listed):
        if rel not in by_name:
            raise IntegrityError(f"{where}: {rel} is listed in the manifest but missing; refused")
    return by_name


def _extract(z: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, where: str) -> str:
    """Copy one member to ``target`` (never past its declared size) and return its sha256."""
    h = hashlib.sha256()
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with z.open(info) as src, open(target, "wb") as dst:
            while chunk := src.read(1 << 20):
                written += len(chunk)
                if written > info.file_size:
                    raise IntegrityError(
                        f"{where}: {info.filename} is larger than the zip says; refused"
                    )
                h.update(chunk)
                dst.write(chunk)
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError, zlib.error) as e:
        raise IntegrityError(
            f"{where}: {info.filename} is damaged ({e}); refused, ask for the bundle again"
        ) from None
    except OSError as e:
        raise InputError(
            f"{where}: cannot extract {info.filename} to {target.parent} ({e.strerror or e}); "
            "free some disk space"
        ) from None
    return h.hexdigest()


def check_bundle(ws: Workspace, path: Path, key: bytes | None, tmp: Path) -> CheckedBundle:
    """Check ``path`` and extract it under ``tmp``; raise InputError/IntegrityError on any
    failure (nothing is written to the workspace)."""
    from toolkit.export.bundle_rows import check_rows
    from toolkit.vault import sha256_file

    where = str(path)
    try:
        regular = stat.S_ISREG(path.stat().st_mode)
    except OSError:
        regular = False
    if not regular:
        raise InputError(f"{where}: no such bundle file")
    if not zipfile.is_zipfile(path):
        raise InputError(
            f"{where}: not a zip file; give a bundle written by `guichets export bundle`"
        )
    digest = sha256_file(path)
    d = tmp / digest
    d.mkdir(exist_ok=True)
    try:
        with zipfile.ZipFile(path) as z:
            manifest = _manifest(z, where)
            _check_versions(manifest, where)
            if key is not None:
                _check_key(manifest, key, where)
            listed, members = _listed(manifest, where)
            infos = _check_zip(z, listed, where)
            for rel, expected in sorted(listed.items()):  # one pass: hashed while extracted
                if _extract(z, infos[rel], d / rel, where) != expected:
                    raise IntegrityError(
                        f"{where}: {rel} does not match its sha256 in the manifest (altered or "
                        "damaged); refused, nothing was merged"
                    )
    except (zipfile.BadZipFile, zlib.error, EOFError) as e:
        raise IntegrityError(f"{where}: damaged zip ({e}); ask for the bundle again") from None
    except json.JSONDecodeError as e:  # pragma: no cover - load_json callers phrase it
        raise IntegrityError(f"{where}: unreadable manifest ({e})") from None
    files = sorted(rel[6:] for rel in listed if rel.startswith("files/"))
    columns = check_rows(ws, d, members, manifest, files, where)
    return CheckedBundle(path, digest, manifest, d, columns, files)
