"""The letters of the procedure (ANEF, silence, implicit rejection): when each fits the
timeline, why it is refused when it does not, and the facts it is written from.

A letter fits when the timeline (:func:`toolkit.timeline.gather.procedural_timeline`) lists
it among the documents of a remedy it proposes; otherwise it is refused, in one line that
gives the reason (an OQTF, an implicit rejection already born, an attestation not owed…)
and names the letters that fit. ``guichets letter list ID`` shows them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

from toolkit.timeline.plan import DOCUMENTS

if TYPE_CHECKING:
    from toolkit.workspace import Workspace


class TimelineFacts(Protocol):
    """What these letters read of :class:`toolkit.documents.letter_kinds.LetterFacts` (named
    by its shape: the registry imports this module)."""

    @property
    def applicant_id(self) -> str: ...

    @property
    def timeline(self) -> dict[str, Any] | None: ...

    @property
    def kind(self) -> str: ...


# remedy code -> the letters of each of its situations (for a remedy ruled out)
_BLOCKED_DOCUMENTS = {
    "refere-mu-api": DOCUMENTS["api"],
    "refere-mu-substitution": DOCUMENTS["substitution"],
    "refere-mu-rdv": DOCUMENTS["rdv"] + DOCUMENTS["booking"],
    "rep-refere-suspension": DOCUMENTS["dir"],
    "demande-motifs": DOCUMENTS["motifs"],
}


def fitting(t: dict[str, Any], *, key: str = "title") -> dict[str, str]:
    """Letter kind -> the first remedy of the timeline that uses it: its French ``title``
    (the web page), or its ``code`` (the CLI, in English)."""
    out: dict[str, str] = {}
    for r in t["remedies"]:
        for kind in r["documents"]:
            out.setdefault(kind, r[key])
    return out


def ruled_out(kind: str, t: dict[str, Any]) -> str | None:
    """Why a remedy that would use ``kind`` is ruled out, if one is: the timeline's French
    reason (the web page, the lawyer's note)."""
    for r in t["remedies"]:
        if kind in r.get("dropped", {}):
            return str(r["dropped"][kind])
    for b in t["blocked"]:
        if kind in _BLOCKED_DOCUMENTS.get(b["code"], []):
            return b["reason"]
    return None


def ruled_out_why(kind: str, t: dict[str, Any]) -> str | None:
    """The same in English, for the CLI (``letter list``, a refusal): the remedy's code and
    the timeline's English ``why``."""
    for r in t["remedies"]:
        if kind in r.get("dropped", {}):
            why = r.get("dropped_why", {}).get(kind)
            return f"remedy {r['code']} goes without it: {why or 'see `guichets timeline`'}"
    for b in t["blocked"]:
        if kind in _BLOCKED_DOCUMENTS.get(b["code"], []):
            return f"remedy {b['code']} is ruled out: {b.get('why') or 'see `guichets timeline`'}"
    return None


def off_timeline(kind: str, t: dict[str, Any]) -> str | None:
    """Why letter ``kind`` does not fit the timeline (None when it does)."""
    if kind in fitting(t):
        return None
    return ruled_out_why(kind, t) or "the timeline proposes no remedy that uses it"


def refuse_off_timeline(kind: str) -> Any:
    """A ``refuse`` for :class:`LetterKind`: the letter must fit the timeline."""

    def refuse(facts: TimelineFacts) -> str | None:
        t = facts.timeline
        why = off_timeline(kind, t) if t is not None else None
        if why is None or t is None:
            return None
        others = ", ".join(fitting(t)) or "none yet"
        return (
            f"it does not fit the timeline of {facts.applicant_id}: {why}; letters that fit: "
            f"{others} (see `guichets timeline {facts.applicant_id}` and `guichets letter list "
            f"{facts.applicant_id}`)"
        )

    return refuse


# What a letter asks without a text that makes it owed: said to the lawyer, never claimed.
UNOWED_REQUEST = (
    "La lettre demande au préfet d'examiner la délivrance d'un document provisoire de séjour : "
    "c'est une simple demande. Aucun texte ne rend ce document dû dans cette situation (dépôt "
    "hors de la fenêtre de l'article R. 431-5 du CESEDA, ou dépôt dans cette fenêtre non "
    "établi ; l'attestation de l'article R. 431-15-1 suppose un dépôt dans ce délai) "
    "[à vérifier]."
)


def procedure_extra(
    ws: Workspace, applicant_id: str, context: dict[str, Any], facts: TimelineFacts
) -> dict[str, Any]:
    """The procedure's variables, and the timeline's notes for the lawyer."""
    from toolkit.documents.procedure_context import procedure_context

    t = facts.timeline
    assert t is not None
    extra = procedure_context(t, context["pieces"])
    notes = lawyer_lines(t)
    if facts.kind == "prefet-api" and not extra["depot_dans_fenetre"]:
        notes.append(UNOWED_REQUEST)  # what templates/prefet-api.docx asks in that case
    return {**extra, "notes_procedure": notes}


def lawyer_lines(t: dict[str, Any]) -> list[str]:
    """What the timeline tells the lawyer and the letter does not: remedies in order, the
    remedies ruled out, what is missing, the notes."""
    from toolkit.frenchdates import date_fr

    lines = []
    for i, r in enumerate(t["remedies"], start=1):
        when = f" — avant le {date_fr(r['deadline'])}" if r["deadline"] else ""
        flag = " [à vérifier]" if r["to_verify"] and r["deadline"] else ""
        lines.append(f"Recours {i} : {r['title']}{when}{flag}. " + " ; ".join(r["reasons"]) + ".")
    lines += [f"Écarté : {b['title']} — {b['reason']}." for b in t["blocked"]]
    lines += [f"Manque : {m}." for m in t["missing"]]
    lines += list(t["notes"])
    return lines
