"""Workspaces whose identities are distinctive, so that any leak is found by a plain search.

Every place a name can hide is filled with one: identities, applicant ids, notes,
subjects, document titles, file names, URLs (path, query, fragment, ``file:`` and
``mailto:``), OCR text, ingest source paths, and the bytes of the screenshots themselves.
"""

from __future__ import annotations

import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote, quote_plus

from toolkit.applicants import add_applicant, get_applicant
from toolkit.ingest.records import content_id, insert_attempt, store_text
from toolkit.model import Attempt
from toolkit.workspace import Workspace, init_workspace


@dataclass(frozen=True)
class Person:
    id: str
    prefecture: str
    procedure: str
    identity: dict[str, str]
    permit_expiry: str = "2025-04-15"
    attempts: int = 6  # online attempts, on distinct days
    start: datetime = datetime(2025, 3, 3, 8, 17, tzinfo=UTC)

    @property
    def surname(self) -> str:
        return self.identity["full_name"].split()[-1]


ZEPHYRINE = Person(
    id="zq-quarbonnel-0417",
    prefecture="76",
    procedure="renouvellement",
    identity={
        "full_name": "Zéphyrine Quarbonnel-Ndiaye",
        "birth_date": "1987-06-05",
        "nationality": "Sénégalaise",
        "agdref": "7512349876",
        "address": "17 rue des Glycines, 76000 Rouen",
        "email": "zephyrine.quarbonnel@example.org",
        "phone": "+33 6 12 34 98 76",
    },
)
BAPTISTIN = Person(
    id="dossier-ollivaud-9",
    prefecture="76",
    procedure="premiere-demande",
    identity={
        "full_name": "Baptistin Ollivaud-Kéré",
        "birth_date": "1979-11-23",
        "nationality": "Comorienne",
        "agdref": "9988776655",
        "address": "4 impasse du Tilleul, 76600 Le Havre",
        "email": "b.ollivaud-kere@example.net",
        "phone": "07 55 44 33 21",
    },
    attempts=4,
    start=datetime(2025, 3, 10, 14, 5, tzinfo=UTC),
)


def people_for(prefix: str, n: int, prefecture: str, procedure: str, day: int) -> list[Person]:
    """``n`` more applicants with generated (still distinctive) identities."""
    out = []
    for i in range(n):
        out.append(
            Person(
                id=f"{prefix}-{i:03d}",
                prefecture=prefecture,
                procedure=procedure,
                identity={
                    "full_name": f"Personne{prefix.title()}{i} Xylofantin",
                    "email": f"{prefix}{i}.xylofantin@example.org",
                    "phone": f"06 98 {i:02d} 11 {day:02d}",
                    "agdref": f"66{i:04d}{day:04d}",
                    "address": f"{i + 1} allée des Ormeaux{prefix}, 69000 Lyon",
                },
                attempts=3 + i % 4,
                start=datetime(2025, 2, day, 7 + i % 10, 11, tzinfo=UTC),
            )
        )
    return out


def add_person(ws: Workspace, p: Person) -> None:
    add_applicant(
        ws,
        p.id,
        prefecture=p.prefecture,
        procedure=p.procedure,
        permit_expiry=p.permit_expiry,
        **p.identity,
    )
    a = get_applicant(ws, p.id)
    name, surname = p.identity["full_name"], p.surname
    email = p.identity["email"]
    with ws.transaction():
        source = ws.new_source(
            "screenshots", f"/home/{surname.lower()}/Bureau/captures {name}", {"who": name}
        )
        for k in range(p.attempts):
            shot = f"PNG screenshot showing {name} <{email}> tab {k}".encode()
            sha = ws.store_file(shot, f"{surname}_capture_{k}.png", "image/png")
            store_text(ws, sha, 0, "ocr", f"Bonjour {name} — aucun créneau ({k})")
            url = (
                f"https://www.seine-maritime.gouv.fr/booking/create/{12345 + k}/{surname}/2"
                f"?nom={quote(name)}&mail={quote(email)}#{surname}"
            )
            attempt = Attempt(
                applicant_id=p.id,
                channel="online",
                observed_at=p.start + timedelta(days=2 * k, hours=k % 3),
                time_source="log",
                outcome="no_slot" if k % 3 else "error",
                system="ezbooking",
                url=url if k % 2 == 0 else f"file:///home/{surname.lower()}/Bureau/{name}.html",
                file_sha256=sha,
                original_name=f"{name} capture {k}.png",
                note=f"{name} a essayé, tél {p.identity['phone']}",
                extraction="log",
                rule="ezbooking.no_slot",
                confidence=0.9,
            )
            insert_attempt(ws, attempt, a, source, time_detail=f"log:line {k} {name}")
        mail = Attempt(
            applicant_id=p.id,
            channel="email",
            observed_at=p.start + timedelta(days=1, hours=3),
            time_source="email_header",
            url=f"mailto:{email}",
            direction="sent",
            subject=f"Demande de rendez-vous — {name} (AGDREF {p.identity['agdref']})",
            note=f"envoyé depuis {email}, {p.identity['address']}",
        )
        insert_attempt(ws, mail, a, source)
        doc = f"%PDF-1.4 titre de séjour de {name}".encode()
        doc_sha = ws.store_file(doc, f"titre {name}.pdf", "application/pdf")
        ws.sql(
            "INSERT INTO documents (id, applicant_id, kind, title, dated, file_sha256, source_id, "
            "ingested_at) VALUES (?, ?, 'permit', ?, ?, ?, ?, ?)",
            [
                content_id("document", p.id, doc_sha),
                p.id,
                f"Titre de séjour de {name}",
                date(2024, 4, 15),
                doc_sha,
                source,
                datetime(2025, 3, 1, tzinfo=UTC),
            ],
        )


@dataclass(frozen=True)
class ProbeSpec:
    prefecture: str
    procedure: str
    start: datetime
    hours: int
    site: str = "robot"


_PROBES_SQL = """
INSERT INTO probe_rows (prefecture, site, procedure, observed_at, outcome, slots, first_slot,
                    second_slot, http_status, url, batch)
SELECT * FROM (
    SELECT $pref AS prefecture, $site AS site, $proc AS procedure, ts AS observed_at,
           CASE WHEN k < 4 THEN 'no_slot' WHEN k < 6 THEN 'slots_available' ELSE 'error' END,
           CASE WHEN k IN (4, 5) THEN 1 + hh % 2 ELSE 0 END,
           CASE WHEN k IN (4, 5) THEN CAST(ts AS DATE) + CAST(10 + 25 * (hh % 4) AS INTEGER) END,
           CASE WHEN k IN (4, 5) AND hh % 2 = 1
                THEN CAST(ts AS DATE) + CAST(13 + 25 * (hh % 4) AS INTEGER) END,
           CASE WHEN k = 6 THEN 503 ELSE 200 END,
           'https://www.seine-maritime.gouv.fr/booking/create/' || (4000 + hh % 3)
               || '/1?session=abc' || hh,
           0  -- the batch of EZBOOKING
    FROM (
        SELECT ts, hh, hh % 7 AS k
        FROM (
            SELECT $start + h * INTERVAL 1 HOUR AS ts,
                   CAST(epoch($start + h * INTERVAL 1 HOUR) // 3600 AS BIGINT) AS hh
            FROM range($hours) r(h)
        )
    )
) n
WHERE NOT EXISTS (  -- probes has no key index
    SELECT 1 FROM probes p WHERE p.prefecture = n.prefecture AND p.site = n.site
    AND p.procedure = n.procedure AND p.observed_at = n.observed_at)
"""


EZBOOKING = """
INSERT INTO probe_batches (batch, system)
SELECT 0, 'ezbooking' WHERE NOT EXISTS (SELECT 1 FROM probe_batches WHERE batch = 0)
"""


def add_probes(ws: Workspace, spec: ProbeSpec) -> int:
    """Hourly probes: no slot, slots at leads of 10 to 88 days, or an error, by the hour."""
    with ws.transaction():
        ws.con.execute(EZBOOKING)
        ws.con.execute(
            _PROBES_SQL,
            {
                "pref": spec.prefecture,
                "proc": spec.procedure,
                "site": spec.site,
                "start": spec.start,
                "hours": spec.hours,
            },
        )
    return spec.hours


def build_workspace(root: Path, people: list[Person], probes: list[ProbeSpec]) -> Workspace:
    ws = init_workspace(root)
    for p in people:
        add_person(ws, p)
    for spec in probes:
        add_probes(ws, spec)
    return ws


# -- what must never leave ------------------------------------------------------------------


def _strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def identity_needles(people: list[Person]) -> list[str]:
    """Every identity value, with case, accent, URL-encoded and token variants."""
    out: set[str] = set()
    for p in people:
        values = [p.id, *p.identity.values(), p.surname]
        values += p.identity["full_name"].replace("-", " ").split()
        values.append(p.identity["email"].split("@")[0])
        phone_digits = "".join(c for c in p.identity["phone"] if c.isdigit())
        values += [phone_digits, phone_digits[-9:]]
        if "birth_date" in p.identity:
            y, m, d = p.identity["birth_date"].split("-")
            values += [f"{d}/{m}/{y}", f"{d}{m}{y}"]
        for v in values:
            if len(v) < 5:
                continue
            for w in (v, _strip_accents(v)):
                out |= {w, w.casefold(), quote(w), quote_plus(w), quote(w.casefold())}
    return sorted(out)


def scan_text(text: str, needles: list[str]) -> list[str]:
    folded = text.casefold()
    return [n for n in needles if n in text or n.casefold() in folded]


def scan_bytes(data: bytes, needles: list[str]) -> list[str]:
    found = [n for n in needles if n.encode("utf-8") in data]
    found += scan_text(data.decode("utf-8", errors="replace"), needles)
    found += scan_text(data.decode("latin-1"), needles)
    return sorted(set(found))


def scan_zip(path: Path, needles: list[str]) -> dict[str, list[str]]:
    """Search the zip's raw bytes and every member, decompressed."""
    hits: dict[str, list[str]] = {}
    raw = scan_bytes(path.read_bytes(), needles)
    if raw:
        hits[path.name] = raw
    with zipfile.ZipFile(path) as z:
        for info in z.infolist():
            found = scan_bytes(z.read(info.filename), needles) + scan_text(info.filename, needles)
            if found:
                hits[info.filename] = sorted(set(found))
    return hits


@dataclass
class Lawyers:
    """Two lawyers' workspaces and one holding both, sharing robot probes in part."""

    a: Workspace
    b: Workspace
    both: Workspace
    people_a: list[Person] = field(default_factory=list)
    people_b: list[Person] = field(default_factory=list)


PROBES_A = [
    ProbeSpec("76", "renouvellement", datetime(2025, 3, 1, 0, 30, tzinfo=UTC), 24 * 20),
    ProbeSpec("69", "premiere-demande", datetime(2025, 2, 1, 0, 5, tzinfo=UTC), 24 * 10),
]
PROBES_B = [
    # overlaps PROBES_A[0] for ten days: the same robot rows in both bundles
    ProbeSpec("76", "renouvellement", datetime(2025, 3, 11, 0, 30, tzinfo=UTC), 24 * 25),
    ProbeSpec("974", "renouvellement", datetime(2025, 3, 1, 4, 0, tzinfo=UTC), 24 * 8),
]
