"""Was each attempt made on the right service? The site and the motif read on the captures.

A préfet's first answer to a file of screenshots is that they show another préfecture's
site or another démarche. We compare what the evidence itself says with the applicant's
préfecture and procedure:

- the **site**: a préfecture's own domain (``www.seine-maritime.gouv.fr``) or an
  eAppointment host (``rdv-etrangers-94…``) names a département; a URL of a national
  service (RDV Préfecture, pprdv) names none and is not judged;
- the **motif**: the text read on the page (OCR, HTML, e-mail) is searched for the words of
  each procedure; a page naming another procedure and not the applicant's is a mismatch.
  A page that names no procedure (the no-slot page often does not) is not judged.

Only what was read is compared; nothing is inferred from what is missing.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from toolkit.model import Procedure
from toolkit.reference.fold import fold
from toolkit.workspace import Workspace

# Folded words that name a procedure on a booking page (its title or the motif chosen).
MOTIF_WORDS: dict[str, tuple[str, ...]] = {
    Procedure.RENOUVELLEMENT.value: ("renouvellement", "renouveler"),
    Procedure.PREMIERE_DEMANDE.value: ("premiere demande", "1ere demande"),
    Procedure.NATURALISATION.value: ("naturalisation",),
    Procedure.ASILE.value: ("demande d'asile", "guichet unique"),
    Procedure.DUPLICATA.value: ("duplicata",),
    Procedure.CHANGEMENT_STATUT.value: ("changement de statut",),
    Procedure.RETRAIT_TITRE.value: ("retrait du titre", "retrait de titre", "remise de titre"),
    Procedure.REGULARISATION.value: ("admission exceptionnelle",),
    Procedure.TITRE_VOYAGE.value: ("titre de voyage",),
    Procedure.DCEM.value: ("document de circulation",),
}

_EAPPOINTMENT = re.compile(r"(?:rdv-etrangers-|eappointmentpref)(\d{2,3}|2[ab])", re.IGNORECASE)


@cache
def _domains() -> dict[str, str]:
    """``seine-maritime`` → ``76``: the département part of each préfecture's domain."""
    from toolkit.reference import prefectures

    out: dict[str, str] = {}
    for p in prefectures():
        for name in (p.name, p.name.replace("'", "").replace("’", "")):  # côtes-d(-)armor
            out.setdefault(fold(name).replace(" ", "-"), p.code)
    return out


def site_prefecture(url: str | None) -> str | None:
    """The préfecture a booking URL belongs to, when the URL says it (else None)."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    m = _EAPPOINTMENT.search(url)
    if m:
        return m.group(1).upper()
    parts = host.split(".")
    if len(parts) >= 3 and parts[-2:] == ["gouv", "fr"] and parts[-3] not in ("interieur",):
        return _domains().get(parts[-3])
    return None


@cache
def _motif_words() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """MOTIF_WORDS folded once (a page of 1,000 attempts asked for them 15,000 times)."""
    return tuple((proc, tuple(f" {fold(w)}" for w in words)) for proc, words in MOTIF_WORDS.items())


def motifs_named(text: str) -> set[str]:
    """The procedures whose words appear in a page's text."""
    if not text:
        return set()
    folded = f" {fold(text)} "
    return {proc for proc, words in _motif_words() if any(w in folded for w in words)}


def booking_targets(ws: Workspace, applicant_id: str) -> dict[str, Any]:
    """``{sites_read, site_mismatches, motifs_read, motif_mismatches}``: the counts of online
    attempts whose site or motif could be read, and the file names of those that name
    another préfecture or another procedure (in time order)."""
    from toolkit.applicants import get_applicant

    a = get_applicant(ws, applicant_id)
    rows = ws.rows(
        """
        SELECT t.id, coalesce(t.original_name, t.id) AS name, t.url,
               string_agg(x.text, ' ') AS text
        FROM attempts t LEFT JOIN texts x ON x.file_sha256 = t.file_sha256 AND x.part = t.part
        WHERE t.applicant_id = ? AND t.channel = 'online'
        GROUP BY ALL ORDER BY min(t.observed_at), t.id
        """,
        [applicant_id],
    )
    out: dict[str, Any] = {
        "sites_read": 0,
        "site_mismatches": [],
        "motifs_read": 0,
        "motif_mismatches": [],
    }
    for r in rows:
        code = site_prefecture(r["url"])
        if code is not None:
            out["sites_read"] += 1
            if code != a.prefecture:
                out["site_mismatches"].append(r["name"])
        named = motifs_named(r["text"] or "")
        if named:
            out["motifs_read"] += 1
            if a.procedure not in named:
                out["motif_mismatches"].append(r["name"])
    return out
