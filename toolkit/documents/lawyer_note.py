"""The « Note pour l'avocat » written beside every letter: what the letter leaves out.

A letter states facts that help the applicant's case; the lawyer must still know what the
other side could find. This note, never to be filed, gathers: the readiness check (every
failure and warning, with its source and « [à vérifier] » for a V2/R point), the mentions
to complete or check in the letter, the robot probes nearest each attempt (slots seen
before or after it), the captures that showed slots or whose result or time is weak, and
the facts of law (route, OQTF, earlier demands).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from toolkit.documents.docx import docx_bytes, docx_text
from toolkit.frenchdates import date_fr, plural_fr
from toolkit.model import FLAG_LABELS_FR

if TYPE_CHECKING:
    from toolkit.documents.evidence import Evidence
    from toolkit.documents.letter_kinds import LetterKind
    from toolkit.workspace import Workspace

LEVEL_FR = {"fail": "ÉCHEC", "warn": "À RENFORCER", "ok": "OK"}
LABEL_FR = {
    "contradicted": "relevé antérieur avec créneaux",
    "slots_after": "créneaux vus seulement après la tentative",
    "no_slot_after": "seul un relevé postérieur, sans créneau",
    "corroborated": "relevé antérieur sans créneau",
}
MARKS = ("[à compléter", "[à vérifier", "[À vérifier")


def _stamp(value: datetime | None, seconds: bool = True) -> str:
    if value is None:
        return "—"
    return value.strftime("%d/%m/%Y %H:%M:%S" if seconds else "%d/%m/%Y %H:%M")


def _probe(row: dict[str, Any], side: str) -> str:
    at = row[f"{side}_at"]
    if at is None:
        return "aucun relevé dans la fenêtre"
    if row[f"{side}_outcome"] == "no_slot":
        return f"{_stamp(at)} : aucun créneau"
    slots = row[f"{side}_slots"]
    first = row[f"{side}_first_slot"]
    text = f"{_stamp(at)} : créneaux disponibles"
    if slots:
        text += f" ({slots}"
        text += f", premier le {date_fr(first)})" if first else ")"
    return text


class _Doc:
    def __init__(self) -> None:
        from docx import Document
        from docx.shared import Cm, Pt

        self.doc = Document()
        self.bullet_style = self.doc.styles["List Bullet"]  # looked up once: it is slow
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.0)
        normal = self.doc.styles["Normal"]
        normal.font.name = "DejaVu Sans"
        normal.font.size = Pt(9.5)
        normal.paragraph_format.space_after = Pt(4)

    def heading(self, text: str, level: int = 2) -> None:
        self.doc.add_heading(text, level=level)

    def para(self, text: str, *, italic: bool = False, bold: bool = False) -> None:
        run = self.doc.add_paragraph().add_run(text)
        run.italic, run.bold = italic, bold

    def bullet(self, text: str) -> None:
        self.doc.add_paragraph(text, style=self.bullet_style)


def note_bytes(
    ws: Workspace,
    applicant_id: str,
    spec: LetterKind,
    letter: bytes,
    letter_name: str,
    *,
    check: dict[str, Any],
    context: dict[str, Any],
    warnings: list[str],
    when: datetime,
    today: date,
    ev: Evidence,
) -> bytes:
    """The note (a .docx) for the letter rendered as ``letter`` (named ``letter_name``)."""
    from toolkit.indicators.corroboration import corroboration_rows
    from toolkit.indicators.targets import booking_targets

    d = _Doc()
    d.heading(f"Note pour l'avocat — {spec.title}", level=1)
    d.para(
        f"Dossier {applicant_id} — note établie le {date_fr(today)} avec la lettre "
        f"« {letter_name} ». Document de travail confidentiel : ne pas le produire ni le "
        "communiquer à l'administration.",
        italic=True,
    )
    _check(d, check, context["brouillon"])
    _marks(d, letter)
    window = ev.window_minutes
    _robot(d, corroboration_rows(ws, applicant_id, window_minutes=window), window)
    _captures(d, ev, booking_targets(ws, applicant_id))
    _law(d, context)
    if context.get("notes_procedure"):
        d.heading("Procédure (guichets timeline)")
        for line in context["notes_procedure"]:
            d.bullet(line)
    if warnings:
        d.heading("Avertissements")
        for w in warnings:
            d.bullet(w)
    return docx_bytes(d.doc, when=when, title=f"Note pour l'avocat — {spec.title}")


def _check(d: _Doc, check: dict[str, Any], draft: bool) -> None:
    d.heading("1. Vérification du dossier")
    counts = check["counts"]
    d.para(
        f"Verdict au {date_fr(check['as_of'])} : {check['verdict_fr']} "
        f"({counts['fail']} échec(s), {counts['warn']} point(s) à renforcer, {counts['ok']} "
        "règle(s) satisfaite(s))."
    )
    if draft:
        d.para(
            "Cette lettre est un brouillon établi malgré des règles en échec : chacune y figure "
            "sous la forme « [À vérifier : …] ». Ne la déposez pas en l'état.",
            bold=True,
        )
    for f in check["findings"]:
        if f["level"] == "ok":
            continue
        source = f["source"] + (" [à vérifier]" if f["to_verify"] else "")
        d.bullet(f"[{LEVEL_FR[f['level']]}] {f['message']} (Source : {source}.)")


def _marks(d: _Doc, letter: bytes) -> None:
    lines = [t for t in docx_text(letter) if any(m in t for m in MARKS)]
    d.heading("2. Mentions à compléter ou à vérifier dans la lettre")
    if not lines:
        d.para("Aucune.")
    for line in lines:
        d.bullet(line)


def _robot(d: _Doc, rows: list[dict[str, Any]], window: int) -> None:
    d.heading("3. Relevés automatiques du même service (non produits)")
    covered = [r for r in rows if r["probes_nearby"]]
    if not covered:
        d.para(f"Aucun relevé d'un robot du même service à ± {window} minutes d'une tentative.")
        return
    labels = {k: sum(1 for r in rows if r["corroboration"] == k) for k in LABEL_FR}
    # every covered attempt is in one count: those whose page showed no « aucun créneau »
    # (captcha, error) are not compared with the probes
    unmatched = len(covered) - sum(labels.values())
    d.para(
        f"{plural_fr(len(covered), 'tentative a', 'tentatives ont')} un relevé du même service "
        f"(même préfecture, même démarche, même formulaire quand il est connu) à ± {window} "
        f"minutes : {labels['corroborated']} précédée(s) d'un relevé sans créneau, "
        f"{labels['slots_after']} suivie(s) de créneaux vus après elle, "
        f"{labels['contradicted']} précédée(s) d'un relevé avec créneaux, "
        f"{labels['no_slot_after']} avec un seul relevé postérieur sans créneau"
        + (
            f", {unmatched} non comparée(s), la page n'indiquant pas l'absence de créneau "
            "(captcha, erreur, page non reconnue)."
            if unmatched
            else "."
        )
    )
    d.para(
        "Ces relevés ne figurent ni dans la lettre ni dans les pièces. Pour les produire, "
        "nommez leur auteur et sa méthode (guichets source describe NOM --operator … --method "
        "… --frequency …), puis guichets exhibits --with-robot-evidence : une pièce distincte "
        "les présente avec une attestation à faire signer par l'opérateur.",
        italic=True,
    )
    for r in rows:
        if r["corroboration"] in ("contradicted", "slots_after", "no_slot_after"):
            text = (
                f"Tentative du {_stamp(r['local_time'], seconds=False)} — "
                f"{LABEL_FR[r['corroboration']]}. Avant : {_probe(r, 'before')}. "
                f"Après : {_probe(r, 'after')}."
            )
            if r["publication_at"] is not None:
                text += (
                    " Mise en ligne annoncée par le service : "
                    f"{_stamp(r['publication_at'], seconds=False)}."
                )
            d.bullet(text)


def _captures(d: _Doc, ev: Evidence, targets: dict[str, Any]) -> None:
    d.heading("4. Captures à examiner avant de produire")
    items = []
    for e in ev.online:
        name = e.original.name if e.original else e.key
        when = _stamp(e.when, seconds=False) if e.when else "date inconnue"
        if e.outcome == "slots_available":
            items.append(f"{when} — {name} : la page montre des créneaux disponibles.")
        elif e.outcome == "unknown":
            items.append(f"{when} — {name} : résultat non établi.")
        if e.time_source == "mtime":
            items.append(f"{when} — {name} : datée par la seule date du fichier (copie).")
        for flag in e.flags:
            if flag != "weak_time" or e.time_source != "mtime":
                items.append(f"{when} — {name} : {FLAG_LABELS_FR.get(flag, flag)}.")
        if e.note and e.note_declared:
            items.append(f"{when} — {name} : note du demandeur, non produite : « {e.note} ».")
    for name in targets["site_mismatches"]:
        items.append(f"{name} : le site est celui d'une autre préfecture.")
    for name in targets["motif_mismatches"]:
        items.append(f"{name} : la page nomme un autre motif que la démarche.")
    if not items:
        d.para("Aucune capture ne montre de créneau, de résultat inconnu ni de date faible.")
    for item in items:
        d.bullet(item)


def _law(d: _Doc, context: dict[str, Any]) -> None:
    d.heading("5. Faits de droit retenus")
    d.bullet(f"Voie de dépôt : {context['voie_libelle']}.")
    d.bullet(f"Obligation de quitter le territoire : {context['oqtf_texte']}")
    if context["demandes_anterieures"]:
        for text in context["demandes_anterieures"]:
            d.bullet(f"Demande antérieure : {text}.")
    else:
        d.bullet("Aucune demande antérieure enregistrée.")
    d.bullet(
        "Demande écrite datée à la préfecture avant la lettre : "
        + ("oui." if context["demande_ecrite_prealable"] else "aucune.")
    )
