"""What the caption of an original says, and at what strength (pièces and recap).

The local time at its source's precision and where it comes from (with every usable time
found when there are several); the page's address, read on the image or in the file, or
declared by the applicant; the result shown, read automatically, declared or checked by a
person (« à vérifier sur l'original » while the reading and the declaration disagree); the
applicant's own notes only on request. Robot probes never appear here.
"""

from __future__ import annotations

from toolkit.documents.evidence import Entry
from toolkit.documents.layout import HASH, SMALL, Style
from toolkit.frenchdates import candidates_fr, date_fr, moment_fr, stamp_fr
from toolkit.model import (
    CHANNEL_LABELS_FR,
    OUTCOME_LABELS_FR,
    TIME_DETAIL_LABELS_FR,
    time_label_fr,
)

DIRECTION_FR = {"sent": "envoyé à la préfecture", "received": "reçu de la préfecture"}
# How a time was found, said precisely where the generic label would mislead.
TIME_SOURCE_CAPTION_FR = {
    "log": "journal des captures tenu par le demandeur (sa déclaration)",
    "declared": "déclarée par le demandeur",
    "mtime": "date du fichier — heure à vérifier : c'est la date de copie du fichier",
}
OUTCOME_SOURCE_FR = {
    ("read", "image"): "lu automatiquement sur l'image",
    ("read", ""): "lu automatiquement dans la page",
    ("declared", ""): "déclaré par le demandeur",
    ("reviewed", ""): "vérifié visuellement",
}
OUTCOME_SHORT_FR = {"read": "lu", "declared": "déclaré", "reviewed": "vérifié"}


def clock_of(e: Entry, *, zone: bool = True) -> str:
    """The time in figures at its source's precision: « 24/02/2025 07:15:12 UTC+01:00 »,
    « 24/02/2025 07:15 UTC+01:00 » (a journal), « 11/03/2025 » (a date only)."""
    if e.when is None:
        return e.day.strftime("%d/%m/%Y") if e.day else ""
    return stamp_fr(e.when, e.precision, zone=zone)


def local_time_line(e: Entry) -> str:
    """« lundi 24 février 2025 à 07:15 (heure locale, Europe/Paris, UTC+01:00) », at the
    precision of the source that dated it (never seconds a journal did not give)."""
    if e.when is None:
        return f"{date_fr(e.day, weekday=True)}" if e.day else "date inconnue"
    return moment_fr(e.when, e.precision, weekday=True)


def times_found_fr(e: Entry) -> str | None:
    """Every usable time found for it, when several: « 07:15:12 (nom du fichier) ; 07:15
    (journal de captures (déclaration)) »."""
    if len(e.times) < 2:
        return None
    return candidates_fr([(v, p, time_label_fr(s, d)) for v, p, s, d in e.times])


def time_source_fr(e: Entry) -> str:
    """Where the time comes from, and why to check it when it is weak or disputed."""
    source = e.time_source or ""
    if (e.time_detail or "") in TIME_DETAIL_LABELS_FR:
        text = time_label_fr(source, e.time_detail)
    else:
        text = TIME_SOURCE_CAPTION_FR.get(source) or time_label_fr(source)
    if source != "mtime" and e.weak_time:
        text += " — heure à vérifier : métadonnées écrites par un logiciel de retouche"
    elif "time_conflict" in e.flags:
        text += " — heure à vérifier : les heures relevées ne concordent pas"
    return text


def url_fr(e: Entry) -> str:
    if not e.url:
        return "non relevée"
    image = e.original is not None and e.original.family == "image"
    how = {
        "read": "lue sur l'image" if image else "relevée dans le fichier",
        "declared": "déclarée par le demandeur",
    }.get(e.url_source or "", "origine non enregistrée")
    return f"{e.url} ({how})"


def outcome_fr(e: Entry, *, short: bool = False) -> str:
    """« Aucun créneau (lu automatiquement sur l'image) »; short: « Aucun créneau (lu) »."""
    label = OUTCOME_LABELS_FR.get(e.outcome or "unknown", e.outcome or "")
    if e.system == "anef" and (e.rule or "").startswith("anef.status."):
        from toolkit.timeline.events import STATUS_LABELS  # a status of the demand, not a slot

        label = f"statut « {STATUS_LABELS.get(e.rule or '', e.rule)} » de la demande"
    if "outcome_conflict" in e.flags:
        return f"{label} (à vérifier sur l'original)"
    source = e.outcome_source
    if source not in OUTCOME_SHORT_FR:
        return label
    if short:
        return f"{label} ({OUTCOME_SHORT_FR[source]})"
    image = "image" if e.original is not None and e.original.family == "image" else ""
    how = OUTCOME_SOURCE_FR.get((source, image)) or OUTCOME_SOURCE_FR[(source, "")]
    return f"{label} ({how})"


def note_fr(e: Entry, with_notes: bool) -> str | None:
    """The note to print: one read in the file always, the applicant's own only on request."""
    if not e.note:
        return None
    if e.note_declared:
        return f"Note du demandeur : {e.note}" if with_notes else None
    return f"Mention relevée dans le fichier : {e.note}"


def caption_lines(entries: list[Entry], *, with_notes: bool = False) -> list[tuple[Style, str]]:
    """The lines describing an original (and the attempts read from it), each with its style."""
    e = entries[0]
    lines: list[tuple[Style, str]] = []
    if e.time_source:
        lines.append((SMALL, f"Source de l'heure : {time_source_fr(e)}"))
        found = times_found_fr(e) if len(entries) == 1 else None
        if found:
            lines.append((SMALL, f"Heures relevées : {found}"))
    if e.source == "attempt" and e.kind == "online" and len(entries) > 1:
        for k, x in enumerate(entries, start=1):
            status = f"statut HTTP {x.http_status}" if x.http_status else "statut non enregistré"
            url = x.url or "adresse non relevée"
            lines.append(
                (SMALL, f"Requête {k} : {clock_of(x)} — {status} — {url} — résultat affiché : "
                 f"{outcome_fr(x)}")
            )  # fmt: skip
    elif e.source == "attempt" and e.kind == "online":
        lines.append((SMALL, f"Adresse de la page : {url_fr(e)}"))
        if e.http_status:
            lines.append((SMALL, f"Statut HTTP de la réponse : {e.http_status}"))
        lines.append((SMALL, f"Résultat affiché : {outcome_fr(e)}"))
    elif e.source == "attempt":
        what = CHANNEL_LABELS_FR.get(e.kind, e.kind)
        if e.direction in DIRECTION_FR:
            what += f", {DIRECTION_FR[e.direction]}"
        lines.append((SMALL, f"Démarche : {what}"))
        if e.subject:
            lines.append((SMALL, f"Objet : {e.subject}"))
    elif e.day:
        lines.append((SMALL, f"Date du document : {date_fr(e.day)}"))
    for x in entries:
        note = note_fr(x, with_notes)
        if note and not (x.http_status and (x.note or "").startswith("HTTP ")):
            lines.append((SMALL, note))
    if e.original is not None:
        lines.append((SMALL, f"Fichier d'origine : {e.original.name or 'sans nom'}"))
        lines.append((HASH, f"SHA-256 : {e.original.sha256}"))
    return lines
