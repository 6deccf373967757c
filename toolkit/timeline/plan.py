"""The building blocks of the remedies: their codes and French titles, the letters that serve
each, and :class:`Plan`, the list being assembled with the OQTF gate applied once.

The order and the reasons are decided by :mod:`toolkit.timeline.remedies`.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from toolkit.frenchdates import date_fr
from toolkit.timeline.model import TimelineInput, days
from toolkit.timeline.rules import TimelineRules

TITLES = {
    "refere-mu-rdv": "Référé « mesures utiles » pour obtenir un rendez-vous (art. L. 521-3 CJA)",
    "refere-mu-substitution": "Référé « mesures utiles » pour accéder à la solution de "
    "substitution au téléservice (art. L. 521-3 CJA, art. R. 431-2 CESEDA)",
    "refere-mu-api": "Référé « mesures utiles » pour obtenir l'attestation de prolongation "
    "d'instruction (art. L. 521-3 CJA, art. R. 431-15-1 CESEDA)",
    "demande-motifs": "Demande de communication des motifs de la décision implicite de rejet "
    "(art. L. 232-4 CRPA)",
    "rep-refere-suspension": "Recours pour excès de pouvoir et référé-suspension contre le refus "
    "(art. L. 521-1 CJA)",
    "lettre-prefecture": "Lettre au préfet",
}
CODES = tuple(TITLES)
# letter kinds (guichets letter KIND) for each remedy and situation
DOCUMENTS = {
    "booking": ["prefecture", "requete", "ddd"],
    "rdv": ["prefet-rdv", "refere-rdv", "attestation-anef"],
    "substitution": ["prefet-substitution", "refere-substitution", "attestation-anef"],
    "api": ["prefet-api", "refere-api", "attestation-anef"],
    "motifs": ["motifs"],
    "dir": ["annulation-dir", "suspension-dir", "attestation-anef"],
}
REFERE_MU_CODES = ("refere-mu-rdv", "refere-mu-substitution", "refere-mu-api")
URGENCY_CODES = (*REFERE_MU_CODES, "rep-refere-suspension")


def remedy(
    code: str,
    reasons: list[str],
    documents: list[str],
    *,
    deadline: date | None = None,
    deadline_basis: str | None = None,
    to_verify: bool = False,
    title: str | None = None,
) -> dict[str, Any]:
    return {
        "code": code,
        "title": title or TITLES[code],
        "reasons": reasons,
        "deadline": deadline,
        "deadline_basis": deadline_basis,
        "to_verify": to_verify,
        "documents": documents,
        "dropped": {},  # letter kind -> why it no longer serves this remedy
    }


class Plan:
    """Remedies and blocked remedies being assembled, with the OQTF gate applied once."""

    def __init__(self, inp: TimelineInput, rules: TimelineRules, facts: dict[str, Any]) -> None:
        self.inp, self.rules, self.facts = inp, rules, facts
        self.remedies: list[dict[str, Any]] = []
        self.blocked: list[dict[str, str]] = []
        self.notes: list[str] = []
        oqtf = facts["oqtf"]
        self.oqtf_reason = None
        if oqtf["status"] == "notified":
            when = f" le {date_fr(oqtf['date'])}" if oqtf["date"] else ""
            self.oqtf_reason = (
                f"une obligation de quitter le territoire notifiée{when} n'a pas été exécutée : "
                "le juge des référés ne retient pas l'urgence tant qu'elle subsiste ; elle se "
                f"conteste dans son délai propre [à vérifier : {rules.source('oqtf')}]"
            )

    def add(self, remedy: dict[str, Any]) -> None:
        if self.oqtf_reason and remedy["code"] == "rep-refere-suspension":
            # the recours pour excès de pouvoir needs no urgency: only the référé goes
            remedy = remedy | {
                "title": "Recours pour excès de pouvoir contre le refus, sans référé-suspension",
                "reasons": [*remedy["reasons"], "référé-suspension écarté : " + self.oqtf_reason],
                "documents": [d for d in remedy["documents"] if d != "suspension-dir"],
                "dropped": {"suspension-dir": self.oqtf_reason},
            }
        if self.oqtf_reason and remedy["code"] in REFERE_MU_CODES:
            self.block(remedy["code"], self.oqtf_reason)
        else:
            self.remedies.append(remedy)

    def block(self, code: str, reason: str) -> None:
        if all(b["code"] != code for b in self.blocked):
            self.blocked.append({"code": code, "title": TITLES[code], "reason": reason})

    # shared reasons -------------------------------------------------------------------
    def urgency(self) -> tuple[str, bool]:
        r = self.rules
        if self.inp.procedure == "renouvellement":
            return (
                f"urgence en principe constatée pour un renouvellement [à vérifier : "
                f"{r.source('urgency', 'renewal_source')}]",
                r.unsure("urgency"),
            )
        n = self.inp.urgency_documents
        have = f"{n} justificatif(s) joint(s)" if n else "aucun justificatif enregistré"
        return (
            f"urgence à établir par des circonstances particulières (emploi, droits sociaux, "
            f"études, santé) : {have} [à vérifier : {r.source('urgency', 'other_source')}]",
            True,
        )

    def letter_first(self, since: date, about: str, documents: list[str]) -> str:
        """Add the letter to the préfet first when no written request follows ``since``;
        return what the référé waits for, or the request it follows."""
        answer = self.rules.number("letter", "answer_days")
        sent = [d for d in self.inp.written_requests if d >= since]
        if not sent:
            self.add(
                remedy(
                    "lettre-prefecture",
                    [
                        f"aucune demande écrite datée au préfet n'est enregistrée depuis le "
                        f"{date_fr(since)} : elle doit précéder la requête",
                        f"objet : {about} ; réponse attendue sous {answer} jours [à vérifier : "
                        f"{self.rules.source('letter')}]",
                    ],
                    documents,
                    title=f"{TITLES['lettre-prefecture']} : {about}",
                    to_verify=self.rules.unsure("letter"),
                )
            )
            return f"à introduire après la réponse du préfet ou {answer} jours sans réponse"
        last = max(sent)
        due = last + days(answer)
        if due > self.inp.today:
            return (
                f"demande écrite du {date_fr(last)} : délai de réponse laissé au préfet "
                f"jusqu'au {date_fr(due)}"
            )
        return f"demande écrite du {date_fr(last)} restée sans réponse enregistrée"

    def before_dir(self) -> tuple[date | None, str | None]:
        """A référé « mesures utiles » is to be filed before an implicit rejection is born."""
        d = self.facts["dir"]
        if d["date"] is None or d["arisen"]:
            return None, None
        day = d["date"] - days(1)
        cond = " si la demande était complète au dépôt" if d["conditional"] else ""
        return day, (
            f"à introduire avant la naissance de la décision implicite de rejet le "
            f"{date_fr(d['date'])}{cond} ({self.rules.source('refere_mu', 'obstacle_source')})"
        )
