"""The library's advice names CLI commands (« ajoutez-la (guichets ingest documents --kind
permit) »); a person in the browser is told instead where on the page to do it (« ajoutez-la
(« Ajouter un document », nature « titre de séjour ou récépissé ») »). What this module does
not recognise stays as it was."""

from __future__ import annotations

import re

_FIELDS = {"--route": "Voie de dépôt", "--oqtf": "OQTF", "--oqtf-date": "OQTF",
           "--permit-expiry": "Fin du titre de séjour"}  # fmt: skip
_TICKED = re.compile(r"`guichets ([^`]*)`")


def _option(words: list[str], name: str) -> list[str]:
    """The values after ``name`` (``--kind email ou letter`` gives both)."""
    if name not in words:
        return []
    values: list[str] = []
    for w in words[words.index(name) + 1 :]:
        if w.startswith("-"):
            break
        if w != "ou":
            values.append(w.strip(",;"))
    return values


def action(command: str) -> str | None:
    """Where the page does what ``guichets COMMAND`` does, in French (None: not known)."""
    from toolkit.documents.letter_kinds import LETTER_KINDS
    from toolkit.ingest.documents import DOCUMENT_KINDS
    from toolkit.ingest.events import EVENT_KINDS

    words = command.replace("|", " ou ").split()
    head = " ".join(words[:2])
    if head == "applicant update":
        fields = sorted({_FIELDS[w] for w in words if w in _FIELDS})
        where = f", champ « {' » et « '.join(fields)} »" if fields else ""
        return f"« Modifier le dossier »{where}"
    if head == "applicant demand":
        if len(words) > 2 and words[2] == "update":
            return "« Modifier la demande », sous « Demandes antérieures »"
        return "« Demandes antérieures », plus bas sur cette page"
    if head in ("ingest screenshots", "ingest captures", "ingest files"):
        return "« Ajouter des preuves de tentatives »"
    if head == "ingest documents":
        kinds = [DOCUMENT_KINDS.get(k, k) for k in _option(words, "--kind")]
        return "« Ajouter un document »" + (
            f", nature « {' » ou « '.join(kinds)} »" if kinds else ""
        )
    if head == "event add":
        kinds = [EVENT_KINDS[k].label if k in EVENT_KINDS else k for k in _option(words, "--kind")]
        return "« Ajouter une étape »" + (f" : « {' » ou « '.join(kinds)} »" if kinds else "")
    if head == "contact add":
        return "« Noter un contact avec la préfecture »"
    if words[:1] == ["review"]:
        return "le bouton « Vérifier »"
    if words[:1] == ["letter"]:
        kind = LETTER_KINDS.get(words[1]) if len(words) > 1 else None
        return f"« Courriers » : « {kind.title} »" if kind else "« Courriers »"
    if words[:1] == ["exhibits"]:
        robots = " (case des relevés des robots)" if "--with-robot-evidence" in words else ""
        return f"« Pièces pour le tribunal »{robots}"
    if words[:1] == ["check"]:
        return "« Où en est le dossier »"
    if words[:1] == ["timeline"]:
        return "« Procédure : chronologie et recours »"
    return None


def _commands(text: str) -> str | None:
    """``guichets A …, ou guichets B …`` as the page's places (None if one is unknown)."""
    parts = [p.strip(" ,;") for p in re.split(r"\bguichets ", text) if p.strip(" ,;")]
    parts = [p.removesuffix(" ou").removesuffix(", ou").strip(" ,;") for p in parts]
    places = [action(p) for p in parts]
    if not places or any(p is None for p in places):
        return None
    return " ou ".join(p for p in places if p)


def _end(text: str, start: int) -> int:
    """Where a bare command that starts at ``start`` ends: the end of its sentence or
    clause, parentheses inside it included."""
    depth = 0
    for i in range(start, len(text)):
        c = text[i]
        if c == "(":
            depth += 1
        elif c == ")":
            if depth == 0:
                return i
            depth -= 1
        elif depth == 0 and (c == ";" or (c == "." and (i + 1 == len(text) or text[i + 1] == " "))):
            return i
    return len(text)


def _groups(text: str) -> list[tuple[int, int]]:
    """The outermost parenthesised spans of ``text`` (start, end) that hold a command."""
    spans, depth, start = [], 0, 0
    for i, c in enumerate(text):
        if c == "(":
            if depth == 0:
                start = i
            depth += 1
        elif c == ")" and depth:
            depth -= 1
            if depth == 0 and "guichets " in text[start:i]:
                spans.append((start, i + 1))
    return spans


def for_the_web(text: str) -> str:
    """``text`` with each CLI command it names replaced by the place on the page that does
    the same thing."""
    if "guichets " not in text:
        return text
    text = _TICKED.sub(lambda m: action(m.group(1)) or m.group(0), text)
    for start, end in reversed(_groups(text)):
        place = _commands(text[start + 1 : end - 1])
        if place:
            text = f"{text[:start]}({place}){text[end:]}"
    at = 0
    while (found := text.find("guichets ", at)) >= 0:
        end = _end(text, found)
        place = _commands(text[found:end])
        if place is None:
            at = found + 1
            continue
        text = text[:found] + place + text[end:]
        at = found + len(place)
    return text
