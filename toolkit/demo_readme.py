"""The demo's ``LISEZMOI.txt``: each output, what it is and who it is for (in French)."""

from __future__ import annotations

import textwrap
from pathlib import Path

READERS = ("l'avocat ou la personne concernée", "l'association", "les développeurs et analystes")
OUTPUTS: dict[str, tuple[int, str]] = {
    "exhibits": (0, "les pièces pour Télérecours : un PDF par pièce, numéroté, l'inventaire "
                    "détaillé (DOCX et PDF), manifest.json et SHA256SUMS ; vérifiez-les plus "
                    "tard avec `guichets verify {out}/exhibits`"),
    "letter ddd": (0, "réclamation au Défenseur des droits (Word, à relire et signer)"),
    "letter prefecture": (0, "demande de rendez-vous au préfet (Word, à relire et signer)"),
    "letter requete": (0, "projet de requête en référé « mesures utiles » (Word, pour l'avocat)"),
    "note ddd": (0, "note pour l'avocat jointe à la réclamation : ce que la lettre laisse de côté "
                    "(à ne pas déposer)"),
    "note prefecture": (0, "note pour l'avocat jointe à la lettre au préfet (à ne pas déposer)"),
    "note requete": (0, "note pour l'avocat jointe à la requête : constats, points à vérifier "
                        "(à ne pas déposer)"),
    "chart": (0, "chronologie des tentatives et des démarches (image)"),
    "check": (2, "ce qui manque au dossier, règle par règle, avec les décisions citées (JSON)"),
    "attempts": (2, "toutes les tentatives et contacts, heure locale et source de l'heure (JSON)"),
    "indicators": (2, "les indicateurs du dossier : jours, semaines, heures, contacts (JSON)"),
    "xlsx": (1, "classeur Excel des indicateurs par préfecture et par mois (cases de moins de 5 "
                "demandeurs masquées)"),
    "map": (1, "carte de France de la part des relevés sans créneau (image)"),
    "chart 76": (1, "relevés de la préfecture de la Seine-Maritime (image)"),
    "bundle": (1, "lot pseudonymisé, sans identité, à fusionner dans l'espace d'une association "
                  "(`guichets aggregate`)"),
    "timeline": (2, "second dossier (demo-002, ANEF) : la chronologie de la procédure, ses "
                    "délais et les recours qui conviennent (JSON)"),
    "anef exhibits": (0, "second dossier (demo-002, renouvellement sur l'ANEF sans attestation) : "
                         "ses pièces, dont la « Chronologie de la procédure »"),
    "anef letter prefet-api": (0, "second dossier : demande d'attestation de prolongation "
                                  "d'instruction au préfet (Word, à relire et signer)"),
    "anef letter refere-api": (0, "second dossier : projet de requête en référé « mesures "
                                  "utiles » pour obtenir l'attestation (Word, pour l'avocat)"),
    "anef letter attestation-anef": (0, "second dossier : attestation sur l'honneur du "
                                        "demandeur (Word, à relire et faire signer)"),
    "anef note prefet-api": (0, "note pour l'avocat jointe à la lettre au préfet (à ne pas "
                                "déposer)"),
    "anef note refere-api": (0, "note pour l'avocat jointe à la requête : recours dans l'ordre, "
                                "délais, points à vérifier (à ne pas déposer)"),
    "anef note attestation-anef": (0, "note pour l'avocat jointe à l'attestation (à ne pas "
                                      "déposer)"),
    "prefectures": (2, "indicateurs par préfecture et démarche (JSON)"),
    "prefectures_by_month": (2, "les mêmes, mois par mois (JSON)"),
}  # fmt: skip


def write_readme(folder: Path, outputs: dict[str, Path]) -> Path:
    """``LISEZMOI.txt``: each output of the demo, what it is and who it is for (French)."""
    out = folder.resolve()
    lines = [
        "guichets — démonstration sur des preuves inventées (personne n'est réel)",
        "",
        "Ce dossier a été produit par `make demo` (ou `guichets demo`) à partir de",
        "evidence/sample/. Pour tout voir dans un navigateur : `make serve`, ou",
        f"`.venv/bin/guichets --workspace {folder}/workspace serve --open`.",
        "Les commandes sont dans .venv/bin (voir README.md).",
    ]
    for rank, reader in enumerate(READERS):
        entries = [
            (_shown(path, out), OUTPUTS[key][1])
            for key, path in outputs.items()
            if key in OUTPUTS and OUTPUTS[key][0] == rank
        ]
        if entries:
            lines += ["", f"Pour {reader}"]
            for name, text in entries:
                first = f"  {name:<28}"
                if len(name) >= 28:  # a long name on its own line, its text below it
                    lines.append(f"  {name}")
                    first = " " * 30
                lines += textwrap.wrap(
                    text.format(out=folder), 90, initial_indent=first,
                    subsequent_indent=" " * 30, break_on_hyphens=False,
                )  # fmt: skip
    lines += [
        "",
        "L'espace de travail",
        f"  {'workspace/':<28}la base (guichets.duckdb), le coffre des originaux (vault/,",
        f"  {'':<28}chacun sous son empreinte SHA-256, jamais modifié) et out/",
        f"  {'':<28}(miniatures, fichiers de l'application web) ; à ouvrir avec",
        f"  {'':<28}guichets, pas à la main.",
        "",
    ]
    path = folder / "LISEZMOI.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _shown(path: Path, out: Path) -> str:
    rel = Path(path).resolve().relative_to(out).as_posix()
    return rel + "/" if Path(path).is_dir() else rel
