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
the shapes robots write: ``docs/crawl-mapping.md``. The file is read and checked by
:func:`toolkit.ingest.crawl.mapping_file.load_mapping`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
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
        extra = {k: canonical_value(k, v, "command line") for k, v in given.items() if v}
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


def canonical_value(column: str, value: str, where: str) -> str:
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
