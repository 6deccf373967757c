"""Reading a mapping file (TOML, see :mod:`toolkit.ingest.crawl.mapping` and
``docs/crawl-mapping.md``): a regular file of at most 1 MiB, each key checked, each mistake
one line naming the file, the key and the fix."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from toolkit.errors import InputError
from toolkit.ingest.crawl.mapping import (
    DATE_COLUMNS,
    ENCODINGS,
    FORMATS,
    MAPPABLE,
    VALUE_COLUMNS,
    Mapping,
    ReaderOptions,
    canonical_value,
)

ENCODING_NAMES = {
    "utf8": "utf-8", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig",
    "cp1252": "cp1252", "windows-1252": "cp1252", "win1252": "cp1252", "ansi": "cp1252",
    "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1", "iso8859-1": "latin-1",
    "utf-16": "utf-16", "utf16": "utf-16",
}  # fmt: skip

#: Where every key of a mapping is documented, with worked examples.
MAPPING_DOC = "docs/crawl-mapping.md"
#: A mapping is a few dozen lines; anything far larger is not one.
MAPPING_MAX_BYTES = 1 << 20


def _read_mapping(path: Path, where: str) -> bytes:
    """The bytes of the mapping file at ``path``: a regular file, opened without waiting (a
    pipe or a device named as the mapping is refused, never read), at most 1 MiB."""
    import stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(f"{where}: mapping file not found; check the --mapping path") from None
    except OSError as e:
        raise InputError(
            f"{where}: cannot read the mapping ({e.strerror or e}); check the --mapping path"
        ) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        if stat.S_ISDIR(mode):
            raise InputError(
                f"{where}: is a folder; --mapping takes a TOML file (see {MAPPING_DOC}, or "
                "`guichets ingest crawl FILE --explain` for one to start from)"
            )
        raise InputError(
            f"{where}: not a regular file (a pipe, socket or device); --mapping takes a "
            "TOML file saved on disk"
        )
    with os.fdopen(fd, "rb") as f:
        try:
            data = f.read(MAPPING_MAX_BYTES + 1)
        except OSError as e:
            raise InputError(f"{where}: cannot read the mapping ({e.strerror or e})") from None
    if len(data) > MAPPING_MAX_BYTES:
        raise InputError(
            f"{where}: over 1 MiB, too large for a mapping; give the TOML mapping file, not "
            "the export (the export is the FILE argument)"
        )
    return data


def load_mapping(path: str | os.PathLike[str]) -> Mapping:
    """Read and check a TOML mapping; InputError names the file, the key and the fix."""
    path = Path(path)
    where = str(path)
    try:
        data = tomllib.loads(_read_mapping(path, where).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise InputError(f"{where}: a mapping must be saved as UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{where}: not valid TOML ({e}); see {MAPPING_DOC}") from None
    unknown = sorted(set(data) - {"format", "csv", "columns", "formats", "values", "defaults"})
    if unknown:
        raise InputError(
            f"{where}: unknown section {unknown[0]!r}; use format, [csv], [columns], "
            "[formats], [values.<column>] and [defaults]"
        )
    fmt = data.get("format")
    if fmt is not None and fmt not in FORMATS:
        raise InputError(f"{where}: format = {fmt!r}; use one of {', '.join(FORMATS)}")
    columns = _columns(_table(data, "columns", where), where)
    formats = {str(k): str(v) for k, v in _table(data, "formats", where).items()}
    zone = formats.pop("zone", None)
    for key in formats:
        if key not in DATE_COLUMNS:
            raise InputError(
                f"{where} [formats]: {key!r} is not a date column; "
                f"formats apply to {', '.join(DATE_COLUMNS)} (and zone)"
            )
    values: dict[str, dict[str, str]] = {}
    for column, table in _table(data, "values", where).items():
        if column not in VALUE_COLUMNS or not isinstance(table, dict):
            raise InputError(
                f"{where}: [values.{column}] is not allowed; "
                f"value tables exist for {', '.join(VALUE_COLUMNS)}"
            )
        values[column] = {
            str(k): canonical_value(column, str(v), f"{where} [values.{column}]")
            for k, v in table.items()
        }
    defaults = {
        str(k): canonical_value(str(k), str(v), f"{where} [defaults]")
        for k, v in _table(data, "defaults", where).items()
    }
    return Mapping(
        origin=where,
        format=fmt,
        csv=_reader_options(_table(data, "csv", where), where),
        columns=columns,
        formats=formats,
        values=values,
        defaults=defaults,
        zone=_zone(zone, where) if zone else None,
    )


def _table(data: dict[str, Any], name: str, where: str) -> dict[str, Any]:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise InputError(f"{where}: {name} must be a table ([{name}])")
    return table


def _columns(table: dict[str, Any], where: str) -> dict[str, str | int]:
    out: dict[str, str | int] = {}
    for key, ref in table.items():
        if key not in MAPPABLE:
            raise InputError(
                f"{where} [columns]: {key!r} is not a probe column; use {', '.join(MAPPABLE)}"
            )
        if isinstance(ref, bool) or not isinstance(ref, str | int) or ref == "" or ref == 0:
            raise InputError(
                f"{where} [columns] {key}: give the source column's name, or its position "
                "counting from 1 when header = false"
            )
        out[key] = ref
    if "observed_at" in out and ("date" in out or "time" in out):
        raise InputError(f"{where} [columns]: give observed_at, or date (+ time), not both")
    if "time" in out and "date" not in out:
        raise InputError(f"{where} [columns]: time needs a date column too")
    return out


def _reader_options(table: dict[str, Any], where: str) -> ReaderOptions:
    unknown = sorted(set(table) - {"delimiter", "encoding", "header", "quote", "decimal"})
    if unknown:
        raise InputError(
            f"{where} [csv]: unknown option {unknown[0]!r}; "
            "use delimiter, encoding, header, quote, decimal"
        )
    delimiter = table.get("delimiter")
    if delimiter is not None and (not isinstance(delimiter, str) or len(delimiter) != 1):
        raise InputError(f'{where} [csv] delimiter: one character, e.g. ";" or "\\t"')
    encoding = table.get("encoding")
    if encoding is not None:
        encoding = ENCODING_NAMES.get(str(encoding).lower().replace("_", "-"))
        if encoding is None:
            raise InputError(
                f"{where} [csv] encoding {table['encoding']!r}: use one of {', '.join(ENCODINGS)}"
            )
    header = table.get("header")
    if header is not None and not isinstance(header, bool):
        raise InputError(f"{where} [csv] header: true or false")
    quote = table.get("quote")
    if quote is not None and (not isinstance(quote, str) or len(quote) > 1):
        raise InputError(f'{where} [csv] quote: one character, or "" for none')
    decimal = table.get("decimal", ".")
    if decimal not in (".", ","):
        raise InputError(f'{where} [csv] decimal: "." or ","')
    return ReaderOptions(delimiter, encoding, header, quote, decimal)


def _zone(zone: str, where: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise InputError(
            f"{where} [formats] zone {zone!r}: use an IANA name such as UTC or Europe/Paris"
        ) from None
    return zone
