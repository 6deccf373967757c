"""What the procès-verbal and the timestamp pièce print, read once from the store.

A capture's facts come from its ``captures`` row, its record (the JSON artefact kept in
the vault, which says what was done and in which environment), its attempt, and the tokens
and pending requests over its manifest. Nothing is recomputed: the documents print what was
recorded at capture time, at its precision.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from toolkit.applicants import Applicant, get_applicant
from toolkit.errors import NotFound
from toolkit.workspace import Workspace

# the labels asn1crypto gives a certificate's name (``human_friendly``, kept so in the store),
# as a French document prints them; a label not listed stays as it is
_NAME_LABELS_FR = {
    "Common Name": "nom commun",
    "Surname": "nom de famille",
    "Given Name": "prénom",
    "Name": "nom",
    "Serial Number": "numéro de série",
    "Country": "pays",
    "Locality": "localité",
    "State/Province": "région ou province",
    "Street Address": "adresse",
    "Postal Code": "code postal",
    "Organization": "organisation",
    "Organizational Unit": "unité",
    "Organization Identifier": "identifiant de l'organisation",
    "Title": "titre",
    "Email Address": "adresse électronique",
    "Domain Component": "composant de domaine",
}
_NAME_LABEL = re.compile(
    r"(^|, )("
    + "|".join(re.escape(k) for k in sorted(_NAME_LABELS_FR, key=len, reverse=True))
    + r"): "
)


def name_fr(subject: str | None) -> str | None:
    """« Common Name: X, Organization: Y, Country: FR » → « nom commun : X, organisation : Y,
    pays : FR »."""
    if subject is None:
        return None
    return _NAME_LABEL.sub(lambda m: f"{m.group(1)}{_NAME_LABELS_FR[m.group(2)]} : ", subject)


@dataclass
class TokenFact:
    """A granted token, or a pending request (``gen_time`` None), over one manifest."""

    tsa_name: str
    tsa_url: str
    scope: str
    manifest_sha256: str
    manifest_name: str
    manifest_files: int
    requested_at: datetime
    gen_time: datetime | None = None
    accuracy_ms: int | None = None
    serial: str | None = None
    policy: str | None = None
    tsa_subject: str | None = None
    root_subject: str | None = None
    root_sha256: str | None = None
    response_sha256: str | None = None
    chain_sha256: str | None = None
    qualified: bool | None = None  # as the configuration presents the TSA
    last_error: str | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.tsa_url).hostname or "tsa"


@dataclass
class Artefact:
    role: str
    name: str
    sha256: str
    size: int
    media_type: str


@dataclass
class CaptureFacts:
    attempt_id: str
    applicant: Applicant
    zone: ZoneInfo
    row: dict[str, Any]  # the captures row
    record: dict[str, Any]  # the capture record (JSON artefact)
    outcome: str
    system: str
    rule: str | None
    artefacts: list[Artefact]
    manifest_name: str
    tokens: list[TokenFact] = field(default_factory=list)

    @property
    def stem(self) -> str:
        return self.manifest_name.rsplit(".", 1)[0]

    def local(self, when: datetime) -> datetime:
        return when.astimezone(self.zone)


_TOKENS_SQL = """
SELECT r.tsa_name, r.tsa_url, r.scope, r.manifest_sha256, r.created_at, r.last_error,
       coalesce(f.original_name, r.manifest_sha256) AS manifest_name, f.size AS manifest_size,
       t.gen_time, t.accuracy_ms, t.serial, t.policy, t.tsa_subject, t.root_subject,
       t.root_sha256, t.response_sha256, t.chain_sha256
FROM timestamp_requests r
LEFT JOIN timestamp_tokens t ON t.request_id = r.id
LEFT JOIN files f ON f.sha256 = r.manifest_sha256
WHERE {where}
ORDER BY coalesce(t.gen_time, r.created_at), r.tsa_url
"""


def token_facts(ws: Workspace, where: str, params: list[Any]) -> list[TokenFact]:
    """Tokens and pending requests matching ``where`` (SQL over ``timestamp_requests r``)."""
    from toolkit.capture.tsa import default_tsas

    qualified = {t.url: t.qualified for t in default_tsas()}
    out = []
    for r in ws.rows(_TOKENS_SQL.format(where=where), params):
        manifest = ws.vault.path_for(r["manifest_sha256"])
        files = len(manifest.read_bytes().splitlines()) if manifest.is_file() else 0
        out.append(
            TokenFact(
                tsa_name=r["tsa_name"] or r["tsa_url"],
                tsa_url=r["tsa_url"],
                scope=r["scope"],
                manifest_sha256=r["manifest_sha256"],
                manifest_name=r["manifest_name"],
                manifest_files=files,
                requested_at=r["created_at"],
                gen_time=r["gen_time"],
                accuracy_ms=r["accuracy_ms"],
                serial=r["serial"],
                policy=r["policy"],
                tsa_subject=name_fr(r["tsa_subject"]),
                root_subject=name_fr(r["root_subject"]),
                root_sha256=r["root_sha256"],
                response_sha256=r["response_sha256"],
                chain_sha256=r["chain_sha256"],
                qualified=qualified.get(r["tsa_url"]),
                last_error=r["last_error"],
            )
        )
    return out


def capture_facts(ws: Workspace, attempt_id: str) -> CaptureFacts:
    rows = ws.rows("SELECT * FROM captures WHERE attempt_id = ?", [attempt_id])
    if not rows:
        raise NotFound(
            f"no capture {attempt_id!r} in this workspace; `guichets attempts ID` lists "
            "attempts, and captures are those with time source « capture »"
        )
    row = rows[0]
    applicant = get_applicant(ws, row["applicant_id"])
    attempt = ws.rows("SELECT outcome, system, rule FROM attempts WHERE id = ?", [attempt_id])
    record = json.loads(ws.vault.read(row["record_sha256"]).decode("utf-8"))
    artefacts = [
        Artefact(a["role"], a["name"], a["sha256"], int(a["size"]), a["media_type"])
        for a in record["artefacts"]
    ]
    names = ws.rows(
        "SELECT sha256, original_name, size FROM files WHERE sha256 IN (?, ?)",
        [row["record_sha256"], row["manifest_sha256"]],
    )
    by_sha = {n["sha256"]: n for n in names}
    rec = by_sha.get(row["record_sha256"], {})
    stem = str(artefacts[0].name).rsplit(".", 1)[0]
    artefacts.append(
        Artefact(
            "record",
            rec.get("original_name") or f"{stem}.json",
            row["record_sha256"],
            int(rec.get("size") or 0),
            "application/json",
        )
    )
    manifest_name = by_sha.get(row["manifest_sha256"], {}).get("original_name") or f"{stem}.sha256"
    a = attempt[0] if attempt else {"outcome": "unknown", "system": "unknown", "rule": None}
    return CaptureFacts(
        attempt_id=attempt_id,
        applicant=applicant,
        zone=ZoneInfo(applicant.tz),
        row=row,
        record=record,
        outcome=str(a["outcome"]),
        system=str(a["system"]),
        rule=a["rule"],
        artefacts=artefacts,
        manifest_name=manifest_name,
        tokens=token_facts(ws, "r.manifest_sha256 = ?", [row["manifest_sha256"]]),
    )


def capture_ids(ws: Workspace, applicant_id: str) -> list[str]:
    """The applicant's captures, oldest first."""
    return [
        r[0]
        for r in ws.sql(
            "SELECT attempt_id FROM captures WHERE applicant_id = ? ORDER BY loaded_at, attempt_id",
            [applicant_id],
        ).fetchall()
    ]


def verification_files(
    ws: Workspace, manifest_sha256: str, manifest_name: str, tokens: list[TokenFact]
) -> list[tuple[str, bytes]]:
    """The files a reader needs to check the tokens over one manifest with openssl: the
    manifest, then per token its response (.tsr), the root (CAfile) and the chain."""
    out = [(manifest_name, ws.vault.read(manifest_sha256))]
    stem = manifest_name.rsplit(".", 1)[0]
    for t in tokens:
        if t.response_sha256 is None or t.chain_sha256 is None:
            continue
        names = token_file_names(stem, t)
        chain = ws.vault.read(t.chain_sha256)
        out.append((names["token"], ws.vault.read(t.response_sha256)))
        out.append((names["root"], root_pem(chain)))
        out.append((names["chain"], chain))
    return out


def token_file_names(stem: str, t: TokenFact) -> dict[str, str]:
    base = f"{stem}-{t.host}"
    return {"token": f"{base}.tsr", "root": f"{base}-racine.pem", "chain": f"{base}-chaine.pem"}


def root_pem(chain: bytes) -> bytes:
    """The last certificate of a PEM chain (the root)."""
    end = b"-----END CERTIFICATE-----"
    blocks = [b + end + b"\n" for b in chain.split(end) if b.strip()]
    return blocks[-1].lstrip() if blocks else b""
