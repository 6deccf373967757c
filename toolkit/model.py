"""Vocabularies (slugs in data, French labels in documents) and small records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class Channel(StrEnum):
    ONLINE = "online"
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"
    COUNTER = "counter"
    OTHER = "other"


class Outcome(StrEnum):
    NO_SLOT = "no_slot"
    SLOTS_AVAILABLE = "slots_available"
    CAPTCHA = "captcha"
    BLOCKED = "blocked"
    ERROR = "error"
    MAINTENANCE = "maintenance"
    UNKNOWN = "unknown"


class System(StrEnum):
    EZBOOKING = "ezbooking"
    RDV_PREFECTURE = "rdv-prefecture"
    EAPPOINTMENT = "eappointment"
    RDV_SERVICE_PUBLIC = "rdv-service-public"
    ANEF = "anef"
    UNKNOWN = "unknown"


class TimeSource(StrEnum):
    """Where an observation time came from, most trusted first."""

    # `guichets capture`: the tool's own clock when the page answered, checked against the
    # servers' Date headers and sealed by RFC 3161 tokens over the artefacts.
    CAPTURE = "capture"
    LOG = "log"
    HAR = "har"
    EMAIL_HEADER = "email_header"
    EXIF = "exif"
    PNG_META = "png_meta"
    PDF_HEADER = "pdf_header"
    PDF_META = "pdf_meta"
    # A name the phone or computer wrote at capture time (to the second) beats a clock read
    # by OCR (to the minute, and OCR can misread a digit).
    FILENAME = "filename"
    OCR = "ocr"
    DECLARED = "declared"
    MTIME = "mtime"

    @property
    def rank(self) -> int:
        return list(TimeSource).index(self)

    @property
    def weak(self) -> bool:
        """A file-system time says when a copy was made, not when the page was seen."""
        return self is TimeSource.MTIME


class Procedure(StrEnum):
    PREMIERE_DEMANDE = "premiere-demande"
    RENOUVELLEMENT = "renouvellement"
    CHANGEMENT_STATUT = "changement-statut"
    CHANGEMENT_SITUATION = "changement-situation"
    DUPLICATA = "duplicata"
    RETRAIT_TITRE = "retrait-titre"
    RECEPISSE = "recepisse"
    DCEM = "dcem"
    TITRE_VOYAGE = "titre-voyage"
    REGULARISATION = "regularisation"
    NATURALISATION = "naturalisation"
    ASILE = "asile"
    AUTRE = "autre"


OUTCOME_LABELS_FR: dict[str, str] = {
    "no_slot": "Aucun créneau",
    "slots_available": "Créneaux disponibles",
    "captcha": "Captcha",
    "blocked": "Page bloquée ou non chargée",
    "error": "Erreur du service",
    "maintenance": "Maintenance",
    "unknown": "Indéterminé",
}

CHANNEL_LABELS_FR: dict[str, str] = {
    "online": "En ligne",
    "email": "Courriel",
    "letter": "Courrier",
    "phone": "Téléphone",
    "counter": "Guichet",
    "other": "Autre",
}

TIME_SOURCE_LABELS_FR: dict[str, str] = {
    "capture": "capture guichets (horloge de l'appareil, comparée à celle du serveur)",
    "log": "journal de captures",
    "har": "horodatage HAR",
    "email_header": "en-tête du courriel",
    "exif": "métadonnées EXIF",
    "png_meta": "métadonnées PNG",
    "pdf_header": "en-tête d'impression PDF",
    "pdf_meta": "métadonnées PDF",
    "filename": "nom du fichier",
    "ocr": "horloge lue sur l'image",
    "declared": "déclaré",
    "mtime": "date du fichier (faible)",
}


@dataclass
class Classification:
    """What a page says: which booking system, which outcome, and the rule that decided."""

    system: str = System.UNKNOWN.value
    outcome: str = Outcome.UNKNOWN.value
    rule: str | None = None
    slots: int | None = None
    first_slot: date | None = None
    url: str | None = None
    last_publication: datetime | None = None
    next_publication: datetime | None = None
    confidence: float = 0.0


@dataclass
class Attempt:
    """One attempt or contact, ready to be written to the ``attempts`` table."""

    applicant_id: str
    channel: str
    observed_at: datetime  # aware
    time_source: str
    outcome: str = Outcome.UNKNOWN.value
    system: str = System.UNKNOWN.value
    url: str | None = None
    slots: int | None = None
    first_slot: date | None = None
    file_sha256: str | None = None
    original_name: str | None = None
    extraction: str | None = None
    rule: str | None = None
    confidence: float | None = None
    direction: str | None = None
    subject: str | None = None
    note: str | None = None
    part: int = 0  # index within a file holding several attempts (HAR)
    last_publication: datetime | None = None
    next_publication: datetime | None = None
    extra: dict[str, object] = field(default_factory=dict)
