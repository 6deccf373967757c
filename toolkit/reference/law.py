"""The texts and decisions the documents cite, each with how sure we are of it.

Marks (../shared/DOMAIN.md): ``V`` checked in a primary or official source; ``V2`` only in
a practitioner's or secondary source; ``R`` recalled, not checked. A document never prints
a ``V2`` or ``R`` point as settled law: :func:`cite` adds « [à vérifier : …] » for the
lawyer. Two unpublished, unverified TA ordonnances (Cergy 2 Nov 2020 n° 2010725, Paris
3 Nov 2020 n° 2016798) are deliberately absent: they are never cited by default.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKS = ("V", "V2", "R")
TO_VERIFY_FR = {
    "V2": "[à vérifier : source secondaire]",
    "R": "[à vérifier : référence non vérifiée]",
}


@dataclass(frozen=True)
class Citation:
    text: str  # as printed in a French document
    mark: str  # V, V2 or R

    @property
    def to_verify(self) -> bool:
        return self.mark != "V"

    def render(self) -> str:
        return f"{self.text} {TO_VERIFY_FR[self.mark]}" if self.to_verify else self.text


CITATIONS: dict[str, Citation] = {
    # Code de justice administrative
    "cja_l521_1": Citation("article L. 521-1 du code de justice administrative", "V"),
    "cja_l521_3": Citation("article L. 521-3 du code de justice administrative", "V"),
    "cja_r312_1": Citation("article R. 312-1 du code de justice administrative", "V"),
    "cja_l761_1": Citation("article L. 761-1 du code de justice administrative", "R"),
    "cja_l911_3": Citation("article L. 911-3 du code de justice administrative", "R"),
    # CESEDA
    "ceseda_r431_2": Citation(
        "article R. 431-2 du code de l'entrée et du séjour des étrangers et du droit d'asile "
        "(CESEDA), dans sa rédaction issue du décret n° 2023-191",
        "V",
    ),
    "ceseda_r431_3": Citation("article R. 431-3 du CESEDA", "V"),
    "ceseda_r431_5": Citation(
        "article R. 431-5 du CESEDA, dans sa rédaction issue du décret n° 2021-313", "V"
    ),
    "ceseda_r431_12": Citation("article R. 431-12 du CESEDA", "V2"),
    "ceseda_r431_15_1": Citation("article R. 431-15-1 du CESEDA", "V2"),
    "ceseda_r432_1": Citation("articles R. 432-1 et R. 432-2 du CESEDA", "V2"),
    "arrete_2023_08_01": Citation("arrêté du 1er août 2023 (JO du 4 août 2023, texte n° 8)", "V2"),
    # Other texts
    "crpa_l232_4": Citation(
        "article L. 232-4 du code des relations entre le public et l'administration", "V"
    ),
    "loi_91_647_art20": Citation("article 20 de la loi n° 91-647 du 10 juillet 1991", "R"),
    "loi_91_647_art37": Citation(
        "second alinéa de l'article 37 de la loi n° 91-647 du 10 juillet 1991", "R"
    ),
    "lo_2011_333_art4_5": Citation(
        "articles 4 (1°) et 5 de la loi organique n° 2011-333 du 29 mars 2011 relative au "
        "Défenseur des droits",
        "V2",
    ),
    "lo_2011_333_art6": Citation("article 6 de la loi organique n° 2011-333", "V2"),
    "lo_2011_333_art33": Citation("article 33 de la loi organique n° 2011-333", "R"),
    "code_penal_441_7": Citation("article 441-7 du code pénal", "R"),
    # Decisions
    "ce_435594": Citation(
        "CE, 10 juin 2020, n° 435594, mentionné aux tables du recueil Lebon", "V"
    ),
    "ce_avis_436288": Citation("CE, avis, 1er juillet 2020, n° 436288", "V"),
    "ce_448178": Citation("CE, 21 avril 2021, n° 448178", "V2"),
    "ce_453391": Citation("CE, 9 juin 2022, n° 453391", "V2"),
    "ce_sect_452798": Citation(
        "CE, Section, 3 juin 2022, La Cimade et autres, n° 452798, publié au recueil Lebon", "V"
    ),
    "ce_avis_493514": Citation(
        "CE, avis, 10 octobre 2024, n° 493514, publié au recueil Lebon", "V"
    ),
    "ce_avis_494718": Citation("CE, avis, 10 octobre 2024, n° 494718", "V"),
    "ce_avis_499904": Citation("CE, avis, 6 mai 2025, n° 499904", "V2"),
    "ce_avis_504677": Citation("CE, avis, 2 octobre 2025, n° 504677, publié au recueil Lebon", "V"),
    "cc_2024_1091": Citation("Cons. const., 28 mai 2024, n° 2024-1091/1092/1093 QPC", "V"),
    # Défenseur des droits
    # (cited by the Défenseur des droits' own letter: « dans sa décision n° … »)
    "ddd_2020_142": Citation("décision n° 2020-142 du 10 juillet 2020", "V2"),
    "ddd_avis_21_03": Citation("avis n° 21-03 du 28 avril 2021", "V2"),
    "ddd_rapport_2024": Citation(
        "rapport du 11 décembre 2024 sur l'administration numérique pour les étrangers en France",
        "V2",
    ),
}


def cite(key: str) -> str:
    """The citation as printed, « [à vérifier : …] » appended when it is not checked."""
    try:
        return CITATIONS[key].render()
    except KeyError:
        raise KeyError(f"no citation {key!r}; known: {', '.join(CITATIONS)}") from None


def citations_fr() -> dict[str, str]:
    """Every citation as printed (the ``cit`` variable of the letter templates)."""
    return {key: c.render() for key, c in CITATIONS.items()}
