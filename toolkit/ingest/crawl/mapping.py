"""How a robot's export maps onto the canonical probe columns.

A file whose header already uses the canonical names (``observed_at, prefecture, site,
procedure, url, outcome, slots, first_slot, second_slot, http_status``, and ``system``)
needs nothing; common French and English headers are recognised too (:data:`ALIASES`,
compared without case, accents or punctuation). Any other shape takes a TOML mapping::

    format = "csv"              # optional: csv, json, jsonl, parquet, xlsx (else the extension)
    [csv]                       # reader options (CSV/TSV only)
    delimiter = ";"             # else sniffed
    encoding = "cp1252"         # utf-8, utf-8-sig, cp1252, latin-1, utf-16; else detected
    header = true               # false: [columns] give 1-based positions
    quote = '"'
    decimal = ","               # for Excel serial dates written 45731,42
    [columns]                   # canonical = source column (name, or 1-based index)
    date = "Date"               # `date` + `time`, or `observed_at` alone
    time = "Heure"
    prefecture = "Département"
    [formats]                   # strptime formats (DuckDB's: %d %m %Y %y %H %M %S %z …)
    date = "%d/%m/%Y"
    time = "%H:%M"
    first_slot = "%d/%m/%Y"
    zone = "UTC"                # optional: the zone of naive times (else the préfecture's)
    [values.procedure]          # source value -> canonical value (also outcome, prefecture,
    "Renouvellement" = "renouvellement"   #  site, system)
    [defaults]                  # constants for columns the file lacks or leaves blank
    prefecture = "76"

Columns a mapping does not name are still recognised by their header, when there is one.
Defaults given on the command line (``--prefecture``, ``--procedure``, ``--site``) win over
the mapping's. A file must give a préfecture and a procedure (a column, a default or a flag):
they are part of a probe's identity, and probes without them would merge. Worked examples for
the shapes robots write: ``docs/crawl-mapping.md``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, NotFound
from toolkit.model import Outcome, System
from toolkit.reference.fold import fold

CANONICAL: tuple[str, ...] = (
    "observed_at", "prefecture", "site", "procedure", "url", "outcome", "slots",
    "first_slot", "second_slot", "http_status", "system",
)  # fmt: skip
TIME_PARTS: tuple[str, ...] = ("date", "time")
MAPPABLE = CANONICAL + TIME_PARTS
DATE_COLUMNS = ("observed_at", "date", "time", "first_slot", "second_slot")
VALUE_COLUMNS = ("prefecture", "procedure", "outcome", "site", "system")
DEFAULT_COLUMNS = ("prefecture", "procedure", "site", "system", "url", "outcome")
FORMATS = ("csv", "json", "jsonl", "parquet", "xlsx")
ENCODINGS = ("utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16")
_ENCODING_NAMES = {
    "utf8": "utf-8", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig", "utf8-sig": "utf-8-sig",
    "cp1252": "cp1252", "windows-1252": "cp1252", "win1252": "cp1252", "ansi": "cp1252",
    "latin-1": "latin-1", "latin1": "latin-1", "iso-8859-1": "latin-1", "iso8859-1": "latin-1",
    "utf-16": "utf-16", "utf16": "utf-16",
}  # fmt: skip

# Header words, compared by fold(): canonical name first, then French and English.
ALIASES: dict[str, tuple[str, ...]] = {
    "observed_at": (
        "observed at", "observed", "timestamp", "datetime", "date time", "date heure",
        "date et heure", "horodatage", "checked at", "crawled at", "scraped at", "fetched at",
        "probe time", "date releve", "date du releve", "date observation", "date sondage",
    ),
    "date": ("date", "jour", "day"),
    "time": ("time", "heure", "hour", "horaire"),
    "prefecture": (
        "prefecture", "departement", "dept", "dep", "dpt", "department", "code departement",
        "code dept", "code prefecture", "num departement",
    ),
    "site": ("site", "guichet", "lieu", "location", "antenne", "office", "bureau", "robot"),
    "procedure": (
        "procedure", "demarche", "motif", "type demarche", "type de demarche", "demande",
        "type de demande", "service",
    ),
    "url": ("url", "lien", "link", "page", "adresse"),
    "outcome": ("outcome", "resultat", "result", "statut", "status", "etat", "state", "issue"),
    "slots": (
        "slots", "creneaux", "nb creneaux", "nombre de creneaux", "creneaux libres",
        "creneaux disponibles", "free slots", "available slots", "nb slots", "places",
        "disponibilites",
    ),
    "first_slot": (
        "first slot", "first date", "first available", "premier creneau", "premiere date",
        "premiere date disponible", "date premier creneau", "prochain creneau",
        "prochaine disponibilite", "premiere disponibilite", "date 1",
    ),
    "second_slot": (
        "second slot", "second date", "deuxieme creneau", "second creneau", "deuxieme date",
        "seconde date", "deuxieme date disponible", "date 2",
    ),
    "http_status": ("http status", "status code", "code http", "http code", "http"),
    "system": ("system", "systeme", "plateforme", "platform", "logiciel"),
}  # fmt: skip


_ALIAS_INDEX: dict[str, str] = {
    fold(word): canonical
    for canonical in MAPPABLE
    for word in (canonical, *ALIASES.get(canonical, ()))
}


@dataclass(frozen=True)
class ReaderOptions:
    """The ``[csv]`` table: how to split the text (None: sniffed or detected)."""

    delimiter: str | None = None
    encoding: str | None = None
    header: bool | None = None
    quote: str | None = None
    decimal: str = "."


@dataclass(frozen=True)
class Mapping:
    """A whole mapping; :data:`CANONICAL_MAPPING` is the one for canonical files."""

    origin: str = "header names"
    format: str | None = None
    csv: ReaderOptions = field(default_factory=ReaderOptions)
    columns: dict[str, str | int] = field(default_factory=dict)
    formats: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    zone: str | None = None

    @property
    def positional(self) -> bool:
        return any(isinstance(v, int) for v in self.columns.values())

    @property
    def header(self) -> bool:
        """Whether the first line names the columns (default: unless columns are numbered)."""
        return self.csv.header if self.csv.header is not None else not self.positional

    def with_defaults(self, **given: str | None) -> Mapping:
        """The mapping with command-line defaults (``prefecture="76"``…) winning over its own."""
        extra = {k: _default_value(k, v, "command line") for k, v in given.items() if v}
        return replace(self, defaults={**self.defaults, **extra}) if extra else self

    def settings(self) -> dict[str, Any]:
        """Everything that decides how a file is read, as plain data (kept with each file)."""
        return {
            "format": self.format,
            "csv": {k: v for k, v in asdict(self.csv).items() if v is not None},
            "columns": dict(sorted(self.columns.items())),
            "formats": dict(sorted(self.formats.items())),
            "zone": self.zone,
            "values": {k: dict(sorted(v.items())) for k, v in sorted(self.values.items())},
            "defaults": dict(sorted(self.defaults.items())),
        }

    @property
    def fingerprint(self) -> str:
        """A hash of :meth:`settings`: the same file read twice with the same fingerprint
        gives the same rows (« already ingested »)."""
        import hashlib
        import json

        text = json.dumps(self.settings(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()


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
            str(k): _default_value(column, str(v), f"{where} [values.{column}]")
            for k, v in table.items()
        }
    defaults = {
        str(k): _default_value(str(k), str(v), f"{where} [defaults]")
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
        encoding = _ENCODING_NAMES.get(str(encoding).lower().replace("_", "-"))
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


def _default_value(column: str, value: str, where: str) -> str:
    """A constant (default or mapped value) in its canonical form."""
    from toolkit.reference import get_prefecture, get_procedure

    try:
        if column == "prefecture":
            return get_prefecture(value).code
        if column == "procedure":
            return get_procedure(value)
    except NotFound as e:
        raise InputError(f"{where}: {e}") from None
    if column == "outcome" and value not in {o.value for o in Outcome}:
        raise InputError(
            f"{where}: outcome {value!r}; use one of {', '.join(o.value for o in Outcome)}"
        )
    if column == "system" and value not in {s.value for s in System}:
        raise InputError(
            f"{where}: system {value!r}; use one of {', '.join(s.value for s in System)}"
        )
    if column not in DEFAULT_COLUMNS + VALUE_COLUMNS:
        raise InputError(
            f"{where}: no default for {column!r}; defaults exist for {', '.join(DEFAULT_COLUMNS)}"
        )
    return value


def resolve_columns(mapping: Mapping, names: list[str], display: str) -> dict[str, str]:
    """Canonical column -> the file's column name, from the mapping then the header aliases.

    ``names`` are the file's column names as the reader sees them (``column0``… without a
    header). Raises InputError when a mapped column is absent or when the time is missing.
    """
    found: dict[str, str] = {}
    for canonical, ref in mapping.columns.items():
        if isinstance(ref, int):
            if not 1 <= ref <= len(names):
                raise InputError(
                    f"{display}: [columns] {canonical} = {ref}, but the file has "
                    f"{len(names)} column(s); count from 1 ({mapping.origin})"
                )
            found[canonical] = names[ref - 1]
            continue
        match = [n for n in names if n == ref] or [n for n in names if fold(n) == fold(ref)]
        if not match:
            raise InputError(
                f"{display}: no column {ref!r} for {canonical} ({mapping.origin}); "
                f"the file has {', '.join(repr(n) for n in names[:12])}"
            )
        found[canonical] = match[0]
    if mapping.header:
        taken = set(found.values())
        for name in names:
            alias = _ALIAS_INDEX.get(fold(name))
            if alias and alias not in found and name not in taken:
                if alias in TIME_PARTS and "observed_at" in found:
                    continue
                if alias == "observed_at" and "date" in found:
                    continue
                found[alias] = name
                taken.add(name)
    if "observed_at" in found and "date" in found:  # both recognised by alias
        del found["date"]
        found.pop("time", None)
    if "observed_at" not in found and "date" not in found:
        raise InputError(
            f"{display}: no time column (observed_at, or date + time) among "
            f"{', '.join(repr(n) for n in names[:12])}; name it in a --mapping file [columns]"
        )
    for column, flag, example in (("prefecture", "--prefecture", "76"),
                                  ("procedure", "--procedure", "renouvellement")):  # fmt: skip
        if column not in found and column not in mapping.defaults:
            what = "préfecture" if column == "prefecture" else column
            raise InputError(
                f"{display}: no {what} column; add {flag} {example}"
                f" (or a mapping's [defaults] {column})"
            )
    if not {"outcome", "slots", "first_slot", "http_status"} & (set(found) | set(mapping.defaults)):
        raise InputError(
            f"{display}: no column says what the robot saw (outcome, slots, first_slot or "
            "http_status); name one in a --mapping file [columns]"
        )
    return found
