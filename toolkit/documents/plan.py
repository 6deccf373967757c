"""Which pièces an applicant's exhibits hold, in which order, under which names.

Order: the applicant's documents (permit, identity); the « Chronologie de la procédure »
when procedural events are recorded; the recap table of attempts and
contacts; the timeline chart; the screenshots as séries homogènes (one pièce per month, or
per ISO week); the saved pages (HTML, PDF, HAR, MHTML); the e-mails and letters; the CCC
attestation; the proofs of urgency; any other document.

A pièce whose file would exceed the size limit is cut into consecutive pièces (« partie
1/2 »…). Sizes are estimated from the originals (screenshots are embedded as they are),
then checked once the file is written (see :mod:`toolkit.documents.exhibits`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import import_module
from typing import Any

from toolkit.documents.evidence import Entry, Evidence
from toolkit.documents.naming import exhibit_filename
from toolkit.documents.piece_labels import CHANNEL_NOUN, CONTACT_NOUNS, DOC_LABEL, DOC_SHORT
from toolkit.frenchdates import date_fr, month_fr, period_fr, plural_fr

GROUPS = ("month", "week")
SECTION_ORDER = (
    "identity_docs", "procedure", "procedure_docs", "recap", "chart", "screenshots", "captures",
    "self_captures", "sworn_statement", "robot", "correspondence", "ccc_attestation", "urgency",
    "other",
    "timestamp_proof",
)  # fmt: skip
# Pièces made by other modules: (section, "module:function"). The function takes the
# Evidence and returns its pièces (unnumbered, ``group_id`` set), or none; it is imported
# only when called. A new kind of pièce adds a line here, its section to SECTION_ORDER, its
# layout to ``exhibits.LAYOUTS`` and, for letters, its section to
# ``letter_context.ROLES``.
PIECE_BUILDERS: tuple[tuple[str, str], ...] = (("robot", "toolkit.documents.robot:robot_pieces"),)
PAGE_OVERHEAD = 6_000  # caption text and page objects, per page
FILE_OVERHEAD = 150_000  # embedded font subsets and document structure
TEXT_PAGE_ESTIMATE = 40_000
IMAGE_REENCODE_FACTOR = 1.3  # WebP/HEIC or 16-bit images are re-encoded as PNG


@dataclass
class Piece:
    """One pièce: one PDF file, numbered in the inventaire détaillé."""

    kind: str  # document, recap, chart, screenshots, captures, correspondence
    section: str
    label: str  # the explicit label of the inventory (French)
    short: str  # the label in the file name (folded to ASCII by naming)
    entries: list[Entry] = field(default_factory=list)
    date_from: date | None = None
    date_to: date | None = None
    serie: bool = False  # a « série homogène » sharing one file
    part: int = 1
    parts: int = 1
    page_range: tuple[int, int] | None = None  # pages of a split PDF original (0-based, end excl.)
    estimate: int = 0  # estimated file size in bytes
    group_id: str = ""  # shared by the parts of one split pièce
    operators: list[str] = field(default_factory=list)  # who ran the robots (robot pièce)
    # the timeline as the « Chronologie de la procédure » shows it (documents/procedure.py)
    view: dict[str, Any] | None = field(default=None, repr=False)
    number: int = 0
    filename: str = ""
    # filled once the file is written
    pages: int = 0
    size: int = 0
    sha256: str = ""

    @property
    def full_label(self) -> str:
        if self.parts > 1:
            return f"{self.label} — partie {self.part}/{self.parts}"
        return self.label

    @property
    def originals(self) -> list[dict[str, object]]:
        seen: dict[str, dict[str, object]] = {}
        for e in self.entries:
            if e.original is not None and e.original.sha256 not in seen:
                seen[e.original.sha256] = e.original.to_dict()
        return list(seen.values())

    def name_for(self, number: int) -> str:
        short = self.short if self.parts == 1 else f"{self.short}_partie_{self.part}"
        return exhibit_filename(number, short)


def _count(n: int, one: str, many: str) -> str:
    """« aucune démarche », « 1 démarche », « 3 démarches » (the nouns here are feminine)."""
    return f"aucune {one}" if n == 0 else plural_fr(n, one, many)


def _group_key(entry: Entry, group: str) -> str:
    assert entry.day is not None
    if group == "week":
        iso = entry.day.isocalendar()
        return f"{iso.year}-S{iso.week:02d}"
    return entry.day.strftime("%Y-%m")


def _group_title(entries: list[Entry], group: str) -> str:
    first = entries[0].day
    assert first is not None
    if group == "week":
        iso = first.isocalendar()
        monday = date.fromisocalendar(iso.year, iso.week, 1)
        sunday = date.fromisocalendar(iso.year, iso.week, 7)
        return f"semaine {iso.week} de {iso.year} ({period_fr(monday, sunday)})"
    return month_fr(first)


def _estimate(entry: Entry) -> int:
    o = entry.original
    if o is None:
        return TEXT_PAGE_ESTIMATE
    if o.family == "image":
        factor = (
            1.0 if (o.media_type or "") in ("image/png", "image/jpeg") else IMAGE_REENCODE_FACTOR
        )
        return int(o.size * factor) + PAGE_OVERHEAD
    if o.family == "pdf":
        return o.size + PAGE_OVERHEAD
    return TEXT_PAGE_ESTIMATE


def _chunks(entries: list[Entry], budget: int) -> list[list[Entry]]:
    """Consecutive runs whose estimated size stays under ``budget`` (one entry at least)."""
    out: list[list[Entry]] = []
    current: list[Entry] = []
    size = FILE_OVERHEAD
    for e in entries:
        cost = _estimate(e)
        if current and size + cost > budget:
            out.append(current)
            current, size = [], FILE_OVERHEAD
        current.append(e)
        size += cost
    if current:
        out.append(current)
    return out


def split_series(piece: Piece, budget: int) -> list[Piece]:
    """A série cut into parts that fit ``budget`` bytes."""
    chunks = _chunks(piece.entries, budget)
    if len(chunks) == 1:
        return [replace(piece, estimate=sum(map(_estimate, piece.entries)) + FILE_OVERHEAD)]
    return [
        replace(
            piece,
            entries=chunk,
            date_from=chunk[0].day,
            date_to=chunk[-1].day,
            part=i,
            parts=len(chunks),
            estimate=sum(map(_estimate, chunk)) + FILE_OVERHEAD,
        )
        for i, chunk in enumerate(chunks, start=1)
    ]


def split_original(piece: Piece, budget: int, pages: int | None) -> list[Piece]:
    """A PDF original over the budget cut into page ranges of about equal size."""
    entry = piece.entries[0]
    size = entry.original.size if entry.original else 0
    piece.estimate = size + FILE_OVERHEAD
    if not pages or pages < 2 or size + FILE_OVERHEAD <= budget:
        return [piece]
    parts = min(pages, math.ceil((size + FILE_OVERHEAD) / budget))
    bounds = [round(i * pages / parts) for i in range(parts + 1)]
    return [
        replace(
            piece,
            part=i + 1,
            parts=parts,
            page_range=(bounds[i], bounds[i + 1]),
            estimate=size // parts + FILE_OVERHEAD,
        )
        for i in range(parts)
    ]


def by_file(entries: list[Entry]) -> list[list[Entry]]:
    """Entries grouped by their original, in the order each file first appears: the
    attempts read from one HAR are shown together, with one caption each."""
    files: dict[str, list[Entry]] = {}
    for e in entries:
        files.setdefault(e.original.sha256 if e.original else e.key, []).append(e)
    return list(files.values())


def _series(entries: list[Entry], group: str, kind: str, anef: bool = False) -> list[Piece]:
    """Séries of screenshots or saved pages; ``anef``: of the ANEF téléservice, not of a
    booking service."""
    groups: dict[str, list[Entry]] = {}
    for e in entries:
        groups.setdefault(_group_key(e, group), []).append(e)
    pieces = []
    service = "du téléservice ANEF" if anef else "du service de prise de rendez-vous"
    for key, grouped in groups.items():
        files = by_file(grouped)
        items = [e for f in files for e in f]
        title = _group_title(items, group)
        n = len(files)
        if kind == "screenshots":
            noun = "capture" if n == 1 else "captures"
            label = f"Captures d'écran {service}, {title} "
            short = f"Captures_{'ANEF' if anef else 'ecran'}_{key}"
        else:
            noun = "page enregistrée" if n == 1 else "pages enregistrées"
            label = f"Pages {service} enregistrées, {title} "
            short = f"Pages_{'ANEF' if anef else 'enregistrees'}_{key}"
        label += f"({n} {noun}, {period_fr(grouped[0].day, grouped[-1].day)})"
        pieces.append(
            Piece(
                kind=kind,
                section=kind,
                label=label,
                short=short,
                entries=items,
                date_from=min(e.day for e in items if e.day),
                date_to=max(e.day for e in items if e.day),
                serie=True,
            )
        )
    return pieces


def _document_piece(e: Entry) -> Piece:
    label = e.title or DOC_LABEL.get(e.kind, "Document")
    if e.day and not e.title:
        label += f" du {date_fr(e.day)}"
    short = DOC_SHORT.get(e.kind, "Document") + (f"_{e.day.isoformat()}" if e.day else "")
    section = {
        "permit": "identity_docs",
        "identity": "identity_docs",
        "letter": "correspondence",
        "email": "correspondence",
        "ccc_attestation": "ccc_attestation",
        "urgency": "urgency",
        "sworn_statement": "sworn_statement",
        "api": "procedure_docs",
        "filing_confirmation": "procedure_docs",
        "anef_email": "procedure_docs",
        "decision": "procedure_docs",
        "convocation": "procedure_docs",
        "procedure": "procedure_docs",
    }.get(e.kind, "other")
    return Piece("document", section, label, short, [e], e.day, e.day)


def _contact_piece(entries: list[Entry]) -> Piece:
    e = entries[0]
    assert e.day is not None
    noun = CHANNEL_NOUN.get(e.kind, "Justificatif de démarche")
    if e.direction == "received":
        what = f"{noun} reçu de la préfecture le {date_fr(e.day)}"
        short = f"{DOC_SHORT.get(e.kind, 'Document')}_recu_{e.day.isoformat()}"
    elif e.direction == "sent":
        what = f"{noun} adressé à la préfecture le {date_fr(e.day)}"
        short = f"{DOC_SHORT.get(e.kind, 'Document')}_envoye_{e.day.isoformat()}"
    else:
        what = f"{noun} du {date_fr(e.day)}"
        short = f"{DOC_SHORT.get(e.kind, 'Document')}_{e.day.isoformat()}"
    if e.subject:
        what += f" (objet : « {e.subject} »)"
    return Piece("correspondence", "correspondence", what, short, entries, e.day, entries[-1].day)


def plan_exhibits(
    ev: Evidence,
    *,
    max_file_mb: float = 32,
    group: str = "month",
    chart: bool = True,
    pdf_pages: dict[str, int | None] | None = None,
    budgets: dict[str, int] | None = None,
    procedure: dict[str, Any] | None = None,
    self_captures: CapturePlan | None = None,
) -> list[Piece]:
    """The pièces in order, numbered from 1, with their Télérecours file names.

    ``pdf_pages`` gives the page count of PDF originals (to split a large one);
    ``budgets`` a smaller size budget for some pièces (by ``group_id``), after a first build
    produced a file over the limit; ``self_captures`` the séries of guichets' own captures and the
    « Preuve d'horodatage » (:mod:`toolkit.documents.capture_exhibits`); ``procedure`` the
    timeline as the « Chronologie de la procédure » shows it (``procedure.procedure_view``).
    """
    if group not in GROUPS:
        raise ValueError(f"group {group!r}: use one of {', '.join(GROUPS)}")
    default_budget = int(max_file_mb * 1_000_000 * 0.92)
    budgets = budgets or {}
    pdf_pages = pdf_pages or {}

    def budget(group_id: str) -> int:
        return budgets.get(group_id, default_budget)

    sections: dict[str, list[Piece]] = {s: [] for s in SECTION_ORDER}
    seen_files: set[str] = set()

    def add_document(piece: Piece) -> None:
        entry = piece.entries[0]
        piece.group_id = f"document:{entry.key}"
        sha = entry.original.sha256 if entry.original else None
        pages = pdf_pages.get(sha) if sha else None
        sections[piece.section].extend(split_original(piece, budget(piece.group_id), pages))

    docs = sorted(
        ev.documents, key=lambda e: (0 if e.kind == "permit" else 1, e.day or date.max, e.key)
    )
    correspondence: list[Piece] = []
    by_file: dict[str, list[Entry]] = {}
    for e in ev.contacts:
        if e.original is not None:
            by_file.setdefault(e.original.sha256, []).append(e)
    for entries in by_file.values():
        seen_files.add(entries[0].original.sha256)  # type: ignore[union-attr]
        correspondence.append(_contact_piece(entries))
    for e in docs:
        if e.original is not None and e.original.sha256 in seen_files:
            continue  # an e-mail filed both as a capture and as a document: one pièce
        if e.original is not None:
            seen_files.add(e.original.sha256)
        piece = _document_piece(e)
        if piece.section == "correspondence":
            correspondence.append(piece)
        else:
            add_document(piece)
    correspondence.sort(key=lambda p: (p.date_from or date.max, p.short))
    for piece in correspondence:
        if piece.kind == "document":
            add_document(piece)
        else:
            piece.group_id = f"contact:{piece.entries[0].key}"
            sections["correspondence"].extend(split_series(piece, budget(piece.group_id)))

    if procedure is not None:
        first, as_of = procedure["events"][0]["date"], procedure["as_of"]
        sections["procedure"].append(
            Piece(
                "procedure", "procedure",
                "Chronologie de la procédure : événements, documents provisoires et dates "
                f"calculées ({period_fr(first, as_of)})",
                "Chronologie_de_la_procedure", [], first, as_of, view=procedure,
            )
        )  # fmt: skip
    # ANEF pages are procedural evidence (the timeline reads them), not booking attempts
    booking = [e for e in ev.attempts if e.system != "anef" or e.kind != "online"]
    online = [e for e in ev.online if e.system != "anef"]
    if booking:
        days = [e.day for e in booking if e.day]
        # what the table lists: the contacts by channel (a letter filed as a document is a
        # pièce of its own, not a row)
        counts = [_count(len(online), "tentative en ligne", "tentatives en ligne")]
        for channel in sorted({e.kind for e in ev.contacts}):
            n = sum(1 for e in ev.contacts if e.kind == channel)
            counts.append(_count(n, *CONTACT_NOUNS.get(channel, (channel, channel))))
        sections["recap"].append(
            Piece(
                "recap",
                "recap",
                "Tableau récapitulatif des tentatives de prise de rendez-vous et des démarches "
                f"auprès de la préfecture ({', '.join(counts)}, {period_fr(min(days), max(days))})",
                "Tableau_recapitulatif_des_tentatives",
                booking,
                min(days),
                max(days),
            )
        )
    if chart and online:
        days = [e.day for e in online if e.day]
        sections["chart"].append(
            Piece(
                "chart",
                "chart",
                "Chronologie des tentatives de prise de rendez-vous en ligne "
                f"({period_fr(min(days), max(days))})",
                "Chronologie_des_tentatives",
                [],
                min(days),
                max(days),
            )
        )
    files: dict[tuple[bool, str], list[Entry]] = {}
    for e in ev.online:
        if self_captures is not None and e.key in self_captures.skip:
            continue  # shown with its procès-verbal in a série of its own
        if e.original is None:
            continue
        # several attempts from one HAR file stay together: the file is shown once, with
        # one caption per entry; ANEF pages make séries of their own
        kind = "screenshots" if e.original.family == "image" else "captures"
        files.setdefault((e.system == "anef", kind), []).append(e)
    series = [
        piece
        for anef in (False, True)
        for kind in ("screenshots", "captures")
        for piece in _series(files.get((anef, kind), []), group, kind, anef)
    ]
    for piece in series:
        piece.group_id = f"{piece.kind}:{piece.short}"
        sections[piece.section].extend(split_series(piece, budget(piece.group_id)))

    for section, extra in (self_captures.pieces if self_captures else {}).items():
        for piece in extra:
            piece.group_id = f"{piece.kind}:{piece.short}"
            parts = split_series(piece, budget(piece.group_id)) if piece.entries else [piece]
            sections[section].extend(parts)
    for section, target in PIECE_BUILDERS:
        module, name = target.split(":")
        sections[section].extend(getattr(import_module(module), name)(ev))

    pieces = [p for s in SECTION_ORDER for p in sections[s]]
    for n, p in enumerate(pieces, start=1):
        p.group_id = p.group_id or p.kind
        p.number = n
        p.filename = p.name_for(n)
    return pieces


@dataclass
class CapturePlan:
    """What the captures add to an applicant's exhibits."""

    skip: set[str] = field(default_factory=set)  # attempts shown here, not among screenshots
    pieces: dict[str, list[Piece]] = field(default_factory=dict)  # section -> pièces
    fingerprint: str = ""  # changes when a capture or a token is added
