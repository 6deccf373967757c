"""What goes into an applicant's exhibits, read once from the store.

Attempts and contacts come with their local time (the préfecture's zone), documents with
their own date; each points to its original in the vault. Nothing here reads a file's
content except its first bytes when the store did not record its media type.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from toolkit._version import __version__
from toolkit.applicants import IDENTITY_FIELDS, Applicant, get_applicant
from toolkit.workspace import Workspace

CONTACT_CHANNELS = ("email", "letter", "phone", "counter", "other")
# Ingest batches whose notes are read in the file (« HTTP 503 », « réponse automatique »);
# every other note was written by someone (a screenshot log, a declared contact).
READ_NOTE_SOURCES = ("captures",)


@dataclass(frozen=True)
class Original:
    """A file kept in the vault."""

    sha256: str
    name: str | None
    media_type: str | None
    size: int

    @property
    def family(self) -> str:
        """``image``, ``pdf`` or ``other`` (e-mail, web page, HAR…)."""
        mt = (self.media_type or "").lower()
        if mt.startswith("image/"):
            return "image"
        if mt == "application/pdf":
            return "pdf"
        return "other"

    def to_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "name": self.name,
            "media_type": self.media_type,
            "size": self.size,
        }


@dataclass(frozen=True)
class Entry:
    """An attempt, a contact or a document, as the exhibits show it."""

    key: str  # attempt or document id
    source: str  # attempt, document
    kind: str  # channel of an attempt, kind of a document
    day: date | None  # local date of an attempt, date of a document
    when: datetime | None = None  # local aware time (attempts)
    time_source: str | None = None
    time_detail: str | None = None
    outcome: str | None = None
    url: str | None = None
    direction: str | None = None
    subject: str | None = None
    note: str | None = None
    title: str | None = None
    original: Original | None = None
    system: str | None = None  # booking system or portal of an online attempt (anef…)
    rule: str | None = None  # the classifier row that read the page (anef.status.… for ANEF)
    part: int = 0  # index inside a file holding several attempts (a HAR)
    http_status: int | None = None
    url_source: str | None = None  # read, declared, or None (recorded before schema 005)
    extraction: str | None = None  # how the outcome was obtained: rule, ocr, log, option, manual
    note_declared: bool = False  # a note the applicant wrote (log, contact), not one read
    time_precision: str = "second"  # second, minute, day: how the time is printed
    outcome_source: str | None = None  # read, declared, reviewed (toolkit.provenance)
    flags: tuple[str, ...] = ()  # outcome_conflict, time_conflict, edited, reencoded, weak_time
    # every usable time found, chosen first: (local time, precision, time_source, detail)
    times: tuple[tuple[datetime, str, str, str], ...] = ()

    @property
    def date_only(self) -> bool:
        """Dated to the day only (a contact declared with a date, a date shown in the page)."""
        return self.time_precision == "day" or (self.time_detail or "").endswith(":date")

    @property
    def precision(self) -> str:
        return "day" if self.date_only else self.time_precision

    @property
    def weak_time(self) -> bool:
        return "weak_time" in self.flags


@dataclass
class Evidence:
    applicant: Applicant
    identity: dict[str, Any]
    attempts: list[Entry] = field(default_factory=list)  # online attempts and contacts, by time
    documents: list[Entry] = field(default_factory=list)
    window_minutes: int = 60
    robot: Any = None  # robot.RobotEvidence, gathered only for exhibits --with-robot-evidence

    @property
    def online(self) -> list[Entry]:
        return [e for e in self.attempts if e.kind == "online"]

    @property
    def contacts(self) -> list[Entry]:
        return [e for e in self.attempts if e.kind != "online"]

    def last_moment(self) -> datetime:
        """The latest time among the evidence (UTC): the pinned date of generated files."""
        moments = [e.when.astimezone(UTC) for e in self.attempts if e.when is not None]
        moments += [datetime.combine(e.day, time(12), tzinfo=UTC) for e in self.documents if e.day]
        return max(moments) if moments else datetime(2000, 1, 1, tzinfo=UTC)

    def digest(self, **options: Any) -> str:
        """sha256 of everything the exhibits are made from (and the tool version)."""
        payload = {
            "tool": __version__,
            "applicant": asdict(self.applicant),
            "identity": self.identity,
            "attempts": [asdict(e) for e in self.attempts],
            "documents": [asdict(e) for e in self.documents],
            "window_minutes": self.window_minutes,
            "robot": self.robot.digest_payload() if self.robot is not None else None,
            "options": options,
        }
        text = json.dumps(payload, sort_keys=True, default=str, ensure_ascii=False)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


_ATTEMPTS_SQL = """
SELECT t.id, t.channel, t.observed_at, t.time_source, t.time_detail, t.time_precision,
       t.outcome, t.outcome_source, t.flags, t.url, t.system, t.rule, t.direction, t.subject, t.note, t.file_sha256,
       t.part, t.http_status, t.url_source, t.extraction, s.kind AS source_kind,
       coalesce(t.original_name, f.original_name) AS name, f.media_type, f.size
FROM attempts t LEFT JOIN files f ON f.sha256 = t.file_sha256
LEFT JOIN sources s ON s.id = t.source_id
WHERE t.applicant_id = ?
ORDER BY t.observed_at, t.id
"""

_DOCUMENTS_SQL = """
SELECT d.id, d.kind, d.title, d.dated, d.file_sha256, f.original_name AS name, f.media_type, f.size
FROM documents d LEFT JOIN files f ON f.sha256 = d.file_sha256
WHERE d.applicant_id = ?
ORDER BY d.dated NULLS LAST, d.kind, d.id
"""

_MAGIC = (
    (b"%PDF", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)


def _sniff_media_type(ws: Workspace, sha256: str) -> str | None:
    path = ws.vault.path_for(sha256)
    if not path.is_file():
        return None
    with open(path, "rb") as f:
        head = f.read(16)
    return next((mt for magic, mt in _MAGIC if head.startswith(magic)), None)


def _original(ws: Workspace, row: dict[str, Any]) -> Original | None:
    sha = row.get("file_sha256")
    if not sha:
        return None
    media = row.get("media_type") or _sniff_media_type(ws, sha)
    return Original(sha, row.get("name"), media, int(row.get("size") or 0))


def _usable_times(
    ws: Workspace, ids: list[str], zone: ZoneInfo
) -> dict[str, list[tuple[datetime, str, str, str]]]:
    """The usable time candidates of each attempt, the chosen one first (rejected ones and
    copies' dates are left to ``guichets review``)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    out: dict[str, list[tuple[datetime, str, str, str]]] = {}
    for attempt, value, precision, source, detail in ws.con.execute(
        f"SELECT attempt_id, value, precision, source, detail FROM attempt_times "
        f"WHERE attempt_id IN ({marks}) AND rejected IS NULL AND value IS NOT NULL "
        f"AND (NOT weak OR chosen) ORDER BY attempt_id, chosen DESC, seq",
        ids,
    ).fetchall():
        out.setdefault(attempt, []).append(
            (value.astimezone(zone), precision, source, detail or "")
        )
    return out


def gather(ws: Workspace, applicant_id: str, *, window_minutes: int = 60) -> Evidence:
    """The applicant, identity, attempts, contacts and documents, in a stable order (the
    robot probes, for their pièce, are added by ``exhibits --with-robot-evidence``)."""
    applicant = get_applicant(ws, applicant_id)
    zone = ZoneInfo(applicant.tz)
    ident_rows = ws.rows(
        f"SELECT {', '.join(IDENTITY_FIELDS)} FROM identities WHERE applicant_id = ?",
        [applicant_id],
    )
    identity = {
        k: v for k, v in (ident_rows[0] if ident_rows else {}).items() if v not in (None, "")
    }
    ev = Evidence(applicant, identity, window_minutes=window_minutes)
    rows = ws.rows(_ATTEMPTS_SQL, [applicant_id])
    times = _usable_times(ws, [r["id"] for r in rows], zone)
    for r in rows:
        local = r["observed_at"].astimezone(zone)
        ev.attempts.append(
            Entry(
                key=r["id"],
                source="attempt",
                kind=r["channel"],
                day=local.date(),
                when=local,
                time_source=r["time_source"],
                time_detail=r["time_detail"],
                outcome=r["outcome"],
                url=r["url"],
                direction=r["direction"],
                subject=r["subject"],
                note=r["note"],
                original=_original(ws, r),
                system=r["system"],
                rule=r["rule"],
                part=int(r["part"] or 0),
                http_status=r["http_status"],
                url_source=r["url_source"],
                extraction=r["extraction"],
                note_declared=r["source_kind"] not in READ_NOTE_SOURCES,
                time_precision=r["time_precision"] or "second",
                outcome_source=r["outcome_source"],
                flags=tuple(r["flags"] or ()),
                times=tuple(times.get(r["id"], ())),
            )
        )
    for r in ws.rows(_DOCUMENTS_SQL, [applicant_id]):
        ev.documents.append(
            Entry(
                key=r["id"],
                source="document",
                kind=r["kind"],
                day=r["dated"],
                title=r["title"],
                original=_original(ws, r),
            )
        )
    return ev


def file_texts(ws: Workspace, sha256: str) -> list[tuple[str, str]]:
    """(method, text) read from an original at ingest (page text, e-mail body, OCR)."""
    rows = ws.con.execute(
        "SELECT method, text FROM texts WHERE file_sha256 = ? AND text IS NOT NULL "
        "ORDER BY part, method",
        [sha256],
    ).fetchall()
    return [(m, t) for m, t in rows if t and t.strip()]
