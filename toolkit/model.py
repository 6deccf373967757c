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
    """Where an observation time came from, most trusted first (the order of
    :func:`toolkit.provenance.choose_time`).

    A person's review first; then what a machine recorded at the moment (guichets' own
    capture, the browser's HAR, a mail server's header); then what the page or image itself
    shows (the device clock or a date the server wrote in the page, read by OCR; the date a
    browser printed on a PDF); then metadata the device wrote (EXIF, PNG/XMP, the file name,
    a PDF's CreationDate); then what a person typed (the screenshot log, ``--at``); and last
    the file's date, which says when a copy was made.
    """

    REVIEWED = "reviewed"
    # `guichets capture`: the tool's own clock when the page answered, checked against the
    # servers' Date headers and sealed by RFC 3161 tokens over the artefacts.
    CAPTURE = "capture"
    HAR = "har"
    EMAIL_HEADER = "email_header"
    OCR = "ocr"
    PDF_HEADER = "pdf_header"
    EXIF = "exif"
    PNG_META = "png_meta"
    FILENAME = "filename"
    PDF_META = "pdf_meta"
    LOG = "log"
    DECLARED = "declared"
    MTIME = "mtime"

    @property
    def rank(self) -> int:
        return list(TimeSource).index(self)

    @property
    def weak(self) -> bool:
        """A file-system time says when a copy was made, not when the page was seen."""
        return self is TimeSource.MTIME


class Route(StrEnum):
    """How a demand is filed: the ANEF portal, at the guichet (by appointment), by post, or
    on démarches-simplifiées."""

    ANEF = "anef"
    GUICHET = "guichet"
    POSTAL = "postal"
    DEMARCHES_SIMPLIFIEES = "demarches-simplifiees"
    UNKNOWN = "unknown"


class Oqtf(StrEnum):
    """An obligation de quitter le territoire français: none, notified (and not executed),
    executed, or not known."""

    NONE = "none"
    NOTIFIED = "notified"
    EXECUTED = "executed"
    UNKNOWN = "unknown"


class Decision(StrEnum):
    """The explicit decision known on a demand (a silence is computed, not recorded)."""

    NONE = "none"
    FAVORABLE = "favorable"
    REFUSAL = "refusal"


class OutcomeSource(StrEnum):
    """How an attempt's outcome was decided (see :func:`toolkit.provenance.decide_outcome`)."""

    READ = "read"  # a classifier rule on the page text or the OCR text (the rule id is kept)
    DECLARED = "declared"  # the screenshot log, --outcome, a contact
    REVIEWED = "reviewed"  # a person looked at the original (guichets review)


class Flag(StrEnum):
    """What a person should look at before an attempt is relied on (``attempts.flags``)."""

    OUTCOME_CONFLICT = "outcome_conflict"  # the reading and the declaration disagree
    TIME_CONFLICT = "time_conflict"  # two sources of its time disagree
    EDITED = "edited"  # the image's metadata names an image editor
    REENCODED = "reencoded"  # the image passed through a messenger (re-encoded, stripped)
    WEAK_TIME = "weak_time"  # dated only by a file date or an editor's metadata


class Precision(StrEnum):
    """How finely a source gives a time; times are printed at this precision."""

    SECOND = "second"
    MINUTE = "minute"
    DAY = "day"


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

ROUTE_LABELS_FR: dict[str, str] = {
    "anef": "téléservice ANEF (administration numérique pour les étrangers en France)",
    "guichet": "dépôt au guichet de la préfecture, sur rendez-vous",
    "postal": "dépôt par courrier",
    "demarches-simplifiees": "dépôt sur démarches-simplifiées",
    "unknown": "voie de dépôt non précisée",
}

OQTF_LABELS_FR: dict[str, str] = {
    "none": "aucune obligation de quitter le territoire français",
    "notified": "obligation de quitter le territoire français notifiée, non exécutée",
    "executed": "obligation de quitter le territoire français exécutée",
    "unknown": "situation au regard d'une obligation de quitter le territoire non précisée",
}

DECISION_LABELS_FR: dict[str, str] = {
    "none": "aucune décision expresse connue",
    "favorable": "décision favorable",
    "refusal": "décision de refus",
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
    "reviewed": "vérifiée visuellement",
    "capture": "capture guichets (horloge de l'appareil, comparée à celle du serveur)",
    "log": "journal de captures (déclaration)",
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

# Finer labels for some time details (a source that reads different things).
TIME_DETAIL_LABELS_FR: dict[str, str] = {
    "ocr:page-date": "date affichée dans la page",
    "ocr:clock": "horloge lue sur l'image",
    "mhtml:Date": "date d'enregistrement de la page, lue dans l'en-tête du fichier MHTML",
    "email:Date": "en-tête « Date » du courriel",
    "har:startedDateTime": "heure de la requête, enregistrée par le navigateur (HAR)",
}


def time_label_fr(source: str | None, detail: str | None = None) -> str:
    """« nom du fichier », « date affichée dans la page »… for a time's source and detail."""
    if detail and detail in TIME_DETAIL_LABELS_FR:
        return TIME_DETAIL_LABELS_FR[detail]
    return TIME_SOURCE_LABELS_FR.get(source or "", source or "")


OUTCOME_SOURCE_LABELS_FR: dict[str, str] = {
    "read": "lu automatiquement",
    "declared": "déclaré par le demandeur",
    "reviewed": "vérifié visuellement",
}

FLAG_LABELS_FR: dict[str, str] = {
    "outcome_conflict": "résultat lu et résultat déclaré en désaccord",
    "time_conflict": "heures de sources différentes en désaccord",
    "edited": "image passée par un logiciel de retouche",
    "reencoded": "image réencodée par une messagerie",
    "weak_time": "heure peu fiable (date du fichier ou métadonnées d'un logiciel de retouche)",
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


@dataclass(frozen=True)
class TimeCandidate:
    """One time found for an attempt, kept whether or not it dates it (``attempt_times``)."""

    source: str  # TimeSource value
    detail: str  # the reader and the field, e.g. "filename:android", "exif:DateTimeOriginal"
    value: datetime | None  # aware; None when rejected before it could be used
    precision: str = Precision.SECOND.value
    weak: bool = False  # a copy's date or an editor's metadata: chosen last, never conflicts
    rejected: str | None = None  # why it cannot date the attempt (out of range, unreadable)
    raw: str | None = None  # the value as found, kept for a rejected candidate

    @property
    def usable(self) -> bool:
        return self.rejected is None and self.value is not None


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
    url_source: str | None = None  # read (on the image, in the page) or declared (a log)
    http_status: int | None = None  # the server's answer, for an attempt read from a HAR
    extra: dict[str, object] = field(default_factory=dict)
    # provenance (toolkit.provenance): ``outcome`` is the effective outcome
    outcome_source: str | None = None
    read_outcome: str | None = None  # what a classifier rule read (``rule``), if any
    declared_outcome: str | None = None  # what the log, --outcome or a person declared
    flags: list[str] = field(default_factory=list)
    flag_detail: dict[str, str] = field(default_factory=dict)
    time_precision: str = Precision.SECOND.value
    time_detail: str | None = None
    times: list[TimeCandidate] = field(default_factory=list)  # every candidate, chosen one too
