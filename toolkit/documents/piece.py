"""One pièce of the exhibits: what it holds, its label and its file name (the plan of
:mod:`toolkit.documents.plan` makes them; :mod:`toolkit.documents.piece_size` cuts them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from toolkit.documents.evidence import Entry
from toolkit.documents.naming import exhibit_filename


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
