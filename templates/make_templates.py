"""Build the Word templates of the letters (ddd, prefecture, requete) and templates/README.md.

    .venv/bin/python templates/make_templates.py

The templates are ordinary .docx files holding Jinja tags, rendered by docxtpl:
``{{ nom }}`` prints a variable; a paragraph holding only ``{%p if … %}``, ``{%p for … %}``,
``{%p else %}``, ``{%p endif %}`` or ``{%p endfor %}`` opens or closes a block of whole
paragraphs. Edit this script and run it again rather than editing the .docx by hand, so
the committed files stay reproducible (same script, same bytes); a user who wants their
own wording copies the .docx files and passes ``--templates DIR``.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from toolkit.documents.docx import save_docx  # noqa: E402
from toolkit.documents.letter_context import VARIABLES  # noqa: E402

FIXED = datetime(2000, 1, 1, tzinfo=UTC)
TODO = "[à compléter : {}]"


class Letter:
    """A python-docx document with the few paragraph shapes the letters need."""

    def __init__(self) -> None:
        from docx import Document
        from docx.shared import Cm, Pt

        self.doc = Document()
        section = self.doc.sections[0]
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.left_margin = section.right_margin = Cm(2.3)
        section.top_margin = section.bottom_margin = Cm(2.0)
        normal = self.doc.styles["Normal"]
        normal.font.name = "Times New Roman"
        normal.font.size = Pt(11.5)
        normal.paragraph_format.space_after = Pt(6)
        normal.paragraph_format.line_spacing = 1.1

    def p(
        self,
        text: str = "",
        *,
        bold: bool = False,
        italic: bool = False,
        align: str = "justify",
        indent_cm: float = 0,
        size: float | None = None,
        before: float | None = None,
    ) -> Any:
        from docx.enum.text import WD_ALIGN_PARAGRAPH
        from docx.shared import Cm, Pt

        para = self.doc.add_paragraph()
        run = para.add_run(text)  # one run: a tag never straddles two runs
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        para.alignment = {
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
        if indent_cm:
            para.paragraph_format.left_indent = Cm(indent_cm)
        if before is not None:
            para.paragraph_format.space_before = Pt(before)
        return para

    def heading(self, text: str) -> None:
        self.p(text, bold=True, align="left", before=10)

    def tag(self, text: str) -> None:
        """A paragraph holding only a block tag (docxtpl removes it)."""
        self.p(text, align="left")

    def bullets(self, loop: str, item: str) -> None:
        """One paragraph per item: « – item ; », the last one ending with a full stop."""
        self.tag(f"{{%p for {loop} %}}")
        self.p(f"– {item}{{% if loop.last %}}.{{% else %}} ;{{% endif %}}", indent_cm=0.8)
        self.tag("{%p endfor %}")

    def sender(self) -> None:
        for line in (
            "{{ nom }}",
            "{{ adresse }}",
            "Courriel : {{ courriel }} — Téléphone : {{ telephone }}",
            "Numéro AGDREF : {{ agdref }}",
        ):
            self.p(line, align="left").paragraph_format.space_after = 0

    def pieces(self, title: str) -> None:
        self.heading(title)
        self.tag("{%p for p in pieces %}")
        self.p("Pièce n° {{ p.numero }} : {{ p.intitule }}", indent_cm=0.8)
        self.tag("{%p endfor %}")

    def close(self, courtesy: str) -> None:
        """The end of a letter: the pièces, the courtesy formula, the name and signature."""
        self.pieces("Pièces jointes")
        self.p(courtesy, before=10)
        self.p("{{ nom }}", align="left", indent_cm=9, before=12)
        self.p("Signature :", align="left", indent_cm=9)

    def save(self, path: Path, title: str) -> None:
        save_docx(self.doc, path, when=FIXED, title=title)


def ddd() -> Letter:
    d = Letter()
    d.sender()
    d.p()
    for line in ("Défenseur des droits", "Libre réponse 71120", "75342 Paris Cedex 07"):
        d.p(line, align="left", indent_cm=9).paragraph_format.space_after = 0
    d.p()
    d.p("À {{ lieu_lettre }}, le {{ date_lettre }}", align="left", indent_cm=9)
    d.p(
        "Objet : réclamation — impossibilité d'obtenir un rendez-vous auprès de la "
        "{{ prefecture }} ({{ procedure }})",
        bold=True,
        align="left",
        before=12,
    )
    d.p("Madame, Monsieur,", before=12)
    d.p(
        "Je vous adresse une réclamation contre la {{ prefecture }}, auprès de laquelle je ne "
        "parviens pas à obtenir de rendez-vous pour accomplir la démarche suivante : "
        "{{ procedure }}."
    )
    d.heading("1. Les faits")
    d.p("Mon titre de séjour {{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %}.")
    d.tag("{%p if nb_tentatives %}")
    d.p(
        "Du {{ premiere_tentative }} au {{ derniere_tentative }}, j'ai essayé {{ nb_tentatives }} "
        "fois de réserver un rendez-vous sur le site de la préfecture, sur {{ nb_jours }} jours "
        "différents répartis sur {{ nb_semaines }} semaines, et à {{ nb_heures }} heures "
        "différentes de la journée ({{ plages_horaires }}). Le site a affiché : "
        "{{ resultats_tentatives }}. Je n'ai obtenu aucun rendez-vous."
    )
    d.p(
        "Chaque tentative est attestée par une capture d'écran ou un enregistrement de la page, "
        "daté et identifié par son empreinte numérique ; l'ensemble est récapitulé dans un "
        "tableau{% if ref_recapitulatif %} ({{ ref_recapitulatif }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if corroboration %}")
    d.p(
        "Des relevés automatiques du même service, réalisés indépendamment de moi, ont été "
        "rapprochés de mes tentatives : {{ corroboration_texte }}"
    )
    d.tag("{%p endif %}")
    d.heading("2. Mes démarches auprès de la préfecture")
    d.tag("{%p if demarches %}")
    d.p("Avant de vous saisir, j'ai eu les échanges suivants avec la préfecture :")
    d.bullets("c in demarches", "{{ c.texte }}")
    d.p(
        "Ces échanges n'ont pas permis d'obtenir un rendez-vous. Réponses reçues : "
        + TODO.format("réponses de la préfecture, ou « aucune »")
        + "."
    )
    d.tag("{%p else %}")
    d.p(
        "Je n'ai pas encore pu écrire à la préfecture. "
        + TODO.format("démarches faites et réponses obtenues")
    )
    d.tag("{%p endif %}")
    d.tag("{%p if attestation_ccc %}")
    d.p(
        "Le centre de contact citoyen (CCC) m'a remis{% if attestation_ccc_date %} le "
        "{{ attestation_ccc_date }}{% endif %} une attestation constatant que je ne pouvais pas "
        "obtenir de rendez-vous en ligne{% if ref_ccc %} ({{ ref_ccc }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.heading("3. Les conséquences pour moi")
    d.p(
        "Sans rendez-vous, je ne peux pas faire valoir mon droit au séjour. Cette situation "
        "menace : "
        + TODO.format("conséquences concrètes : emploi, droits sociaux, logement, études")
        + "."
    )
    d.tag("{%p if justificatifs_urgence %}")
    d.p("J'en joins les justificatifs{% if ref_urgence %} ({{ ref_urgence }}){% endif %} :")
    d.bullets("j in justificatifs_urgence", "{{ j }}")
    d.tag("{%p endif %}")
    d.heading("4. Ma demande")
    d.p(
        "Dans sa décision n° 2020-142 du 10 juillet 2020, puis dans son rapport du "
        "11 décembre 2024 sur l'administration numérique des étrangers en France (ANEF), le "
        "Défenseur des droits a recommandé que toute démarche puisse être accomplie autrement "
        "qu'en ligne. Le Conseil d'État juge, de son côté, qu'une démarche rendue obligatoirement "
        "numérique doit s'accompagner d'une solution de substitution (CE, 3 juin 2022, n° 452798)."
    )
    d.p(
        "Je vous demande d'intervenir auprès de la {{ prefecture }} afin qu'un rendez-vous me "
        "soit fixé, ou que me soit ouverte une solution de substitution me permettant de "
        "déposer ma demande."
    )
    d.p(
        "Je sais que cette réclamation ne suspend pas les délais de recours devant le juge "
        "administratif."
    )
    d.close("Je vous prie d'agréer, Madame, Monsieur, l'expression de ma considération distinguée.")
    return d


def prefecture() -> Letter:
    d = Letter()
    d.sender()
    d.p()
    for line in (
        "Monsieur le {{ prefet }}",
        "{{ prefecture }}",
        "Service de l'immigration et de l'intégration",
        TODO.format("adresse postale de la préfecture"),
        "{{ prefecture_ville }}",
    ):
        d.p(line, align="left", indent_cm=9).paragraph_format.space_after = 0
    d.p()
    d.p("À {{ lieu_lettre }}, le {{ date_lettre }}", align="left", indent_cm=9)
    d.p("Lettre recommandée avec demande d'avis de réception", italic=True, align="left", before=10)
    d.p(
        "Objet : demande de rendez-vous ({{ procedure }}) — impossibilité de réserver en ligne",
        bold=True,
        align="left",
    )
    d.p("Références : numéro AGDREF {{ agdref }}", align="left")
    d.p("{{ formule_appel }}", before=12)
    d.p(
        "Je dois me présenter à vos services pour la démarche suivante : {{ procedure }}. Mon "
        "titre de séjour {{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %}."
    )
    d.tag("{%p if nb_tentatives %}")
    d.p(
        "Du {{ premiere_tentative }} au {{ derniere_tentative }}, j'ai tenté {{ nb_tentatives }} "
        "fois de réserver un rendez-vous sur le site de la préfecture, sur {{ nb_jours }} jours "
        "distincts répartis sur {{ nb_semaines }} semaines, à des heures variées "
        "({{ plages_horaires }}). Le site a affiché : {{ resultats_tentatives }}. Je n'ai obtenu "
        "aucun rendez-vous."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if corroboration %}")
    d.p(
        "Des relevés automatiques du même service confirment ces constats : {{ corroboration_texte }}"
    )
    d.tag("{%p endif %}")
    d.tag("{%p if demarches %}")
    d.p("Mes échanges précédents avec vos services sont les suivants :")
    d.bullets("c in demarches", "{{ c.texte }}")
    d.p("Ces échanges n'ont pas permis d'obtenir un rendez-vous.")
    d.tag("{%p endif %}")
    d.tag("{%p if attestation_ccc %}")
    d.p(
        "Le centre de contact citoyen m'a remis{% if attestation_ccc_date %} le "
        "{{ attestation_ccc_date }}{% endif %} une attestation constatant cette impossibilité"
        "{% if ref_ccc %} ({{ ref_ccc }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.p(
        "Le Conseil d'État juge que l'étranger qui n'a pu obtenir de rendez-vous malgré "
        "plusieurs tentatives faites au cours de semaines différentes peut demander au juge des "
        "référés d'enjoindre au préfet de lui en fixer un (CE, 10 juin 2020, n° 435594). Il juge "
        "aussi qu'une démarche rendue obligatoirement numérique doit s'accompagner d'une solution "
        "de substitution (CE, 3 juin 2022, n° 452798)."
    )
    d.p(
        "Je vous demande donc de bien vouloir me fixer un rendez-vous, ou de m'indiquer la "
        "solution de substitution qui me permettra de déposer ma demande, au plus tard le "
        + TODO.format("date limite")
        + ".{% if est_renouvellement %} Je vous demande également de me remettre, dans "
        "l'attente, un document attestant de la régularité de mon séjour.{% endif %}"
    )
    d.p(
        "À défaut de réponse utile dans ce délai, je saisirai le juge des référés du "
        "{{ tribunal }} sur le fondement de l'article L. 521-3 du code de justice administrative."
    )
    d.close("Je vous prie d'agréer, {{ formule_appel }} l'expression de ma haute considération.")
    return d


def requete() -> Letter:
    d = Letter()
    d.p(
        "Projet établi à partir des éléments enregistrés dans guichets : à relire, compléter "
        "et adapter par l'avocat avant tout dépôt.",
        italic=True,
        size=9.5,
        align="left",
    )
    d.p("{{ tribunal_majuscules }}", bold=True, align="center", before=12)
    d.p("REQUÊTE EN RÉFÉRÉ « MESURES UTILES »", bold=True, align="center", size=13)
    d.p("(article L. 521-3 du code de justice administrative)", italic=True, align="center")
    d.p(
        "POUR : {{ nom }}, né(e) le {{ date_naissance }}, de nationalité {{ nationalite }}, "
        "demeurant {{ adresse }}, numéro AGDREF {{ agdref }}",
        before=12,
    )
    d.p("Ayant pour avocat : " + TODO.format("nom, barreau, adresse et toque de l'avocat"))
    d.p("CONTRE : le {{ prefet }}")
    d.heading("I. FAITS")
    d.p(
        "{{ nom }} {% if est_renouvellement %}est titulaire d'un titre de séjour qui "
        "{{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %} et doit en "
        "demander le renouvellement{% else %}doit accomplir auprès de la préfecture la démarche "
        "suivante : {{ procedure }}{% if ref_titre %} ({{ ref_titre }}){% endif %}{% endif %}. "
        "Cette démarche suppose d'obtenir un rendez-vous auprès de la {{ prefecture }}."
    )
    d.tag("{%p if nb_tentatives %}")
    d.p(
        "Du {{ premiere_tentative }} au {{ derniere_tentative }}, la partie requérante a tenté à "
        "{{ nb_tentatives }} reprises de réserver un rendez-vous sur le site de la préfecture, "
        "sur {{ nb_jours }} jours distincts répartis sur {{ nb_semaines }} semaines différentes, "
        "et à {{ nb_heures }} heures différentes de la journée ({{ plages_horaires }}). Résultats "
        "constatés : {{ resultats_tentatives }}{% if ref_captures %} ({{ ref_captures }}){% endif %}."
    )
    d.p(
        "Ces tentatives sont récapitulées dans un tableau indiquant pour chacune l'heure locale, "
        "la source de cette heure, l'adresse de la page et l'empreinte numérique du fichier"
        "{% if ref_recapitulatif %} ({{ ref_recapitulatif }}){% endif %}{% if ref_chronologie %}, "
        "et représentées sur une chronologie ({{ ref_chronologie }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if corroboration %}")
    d.p(
        "Des relevés automatiques du même service, effectués indépendamment de la partie "
        "requérante, ont été rapprochés de ses tentatives : {{ corroboration_texte }}"
    )
    d.tag("{%p endif %}")
    d.tag("{%p if demarches %}")
    d.p(
        "Ses échanges avec la préfecture sont les suivants"
        "{% if ref_demarches %} ({{ ref_demarches }}){% endif %} :"
    )
    d.bullets("c in demarches", "{{ c.texte }}")
    d.p("Ces échanges n'ont pas permis d'obtenir un rendez-vous.")
    d.tag("{%p endif %}")
    d.tag("{%p if attestation_ccc %}")
    d.p(
        "Le centre de contact citoyen lui a remis{% if attestation_ccc_date %} le "
        "{{ attestation_ccc_date }}{% endif %} une attestation constatant l'impossibilité "
        "d'obtenir un rendez-vous en ligne{% if ref_ccc %} ({{ ref_ccc }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.p("C'est dans ces conditions que la partie requérante saisit le juge des référés.")
    d.heading("II. DISCUSSION")
    d.heading("A. Sur la compétence et la recevabilité")
    d.p(
        "L'article L. 521-3 du code de justice administrative permet au juge des référés, en "
        "cas d'urgence, d'ordonner toute mesure utile, même en l'absence de décision "
        "administrative préalable, dès lors que cette mesure ne fait obstacle à l'exécution "
        "d'aucune décision administrative."
    )
    d.p(
        "Le {{ tribunal }} est territorialement compétent, l'autorité mise en cause, le "
        "{{ prefet }}, ayant son siège dans son ressort (article R. 312-1 du code de justice "
        "administrative)."
    )
    d.heading("B. Sur l'urgence")
    d.tag("{%p if est_renouvellement %}")
    d.p(
        "S'agissant du renouvellement d'un titre de séjour, l'urgence est en principe présumée "
        "(CE, 9 juin 2022, n° 453391). Le titre de séjour de la partie requérante "
        "{{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %} ; faute de "
        "rendez-vous, elle risque de perdre la régularité de son séjour et les droits qui s'y "
        "attachent."
    )
    d.tag("{%p else %}")
    d.p(
        "L'urgence s'apprécie au regard de la situation concrète de la partie requérante (CE, "
        "9 juin 2022, n° 453391). En l'espèce : "
        + TODO.format(
            "circonstances particulières : emploi, droits sociaux, études, santé, famille"
        )
        + "."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if nb_tentatives %}")
    d.p(
        "Les tentatives de la partie requérante s'étendent sur {{ duree_jours }} jours sans "
        "qu'aucun rendez-vous ait pu être obtenu : la situation ne se réglera pas sans "
        "l'intervention du juge."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if justificatifs_urgence %}")
    d.p("Justificatifs de l'urgence{% if ref_urgence %} ({{ ref_urgence }}){% endif %} :")
    d.bullets("j in justificatifs_urgence", "{{ j }}")
    d.tag("{%p endif %}")
    d.p(
        "[À vérifier : la partie requérante ne fait l'objet d'aucune obligation de quitter le "
        "territoire français non exécutée.]",
        italic=True,
    )
    d.heading("C. Sur l'utilité de la mesure et l'absence de contestation sérieuse")
    d.p(
        "Le Conseil d'État juge que l'étranger qui établit n'avoir pu obtenir de rendez-vous "
        "malgré plusieurs tentatives qui n'ont pas toutes été faites la même semaine peut "
        "demander au juge des référés d'enjoindre au préfet de lui fixer une date de rendez-vous "
        "(CE, 10 juin 2020, n° 435594)."
    )
    d.tag("{%p if nb_tentatives %}")
    d.p(
        "En l'espèce, les {{ nb_tentatives }} tentatives de la partie requérante ont été faites "
        "{{ periode_tentatives }}, sur {{ nb_jours }} jours distincts et {{ nb_semaines }} "
        "semaines différentes, à des heures variées. Cette condition est remplie."
    )
    d.tag("{%p endif %}")
    d.p(
        "Des captures d'écran de la page de réservation suffisent à établir ces tentatives, "
        "alors même qu'elles ne font pas apparaître l'identité de l'intéressé, cette page "
        "s'affichant avant toute saisie de données personnelles (CE, 21 avril 2021, n° 448178)."
    )
    d.tag("{%p if procedure_anef %}")
    d.p(
        "Au surplus, lorsqu'une démarche doit être accomplie en ligne, l'administration doit "
        "garantir l'accès au service par une solution de substitution (CE, 3 juin 2022, "
        "n° 452798 ; arrêté du 1er août 2023)."
    )
    d.tag("{%p endif %}")
    d.p(
        "Des juridictions ont fait droit à de telles demandes pour des tentatives réparties sur "
        "quelques semaines et accompagnées d'une demande écrite à la préfecture (TA "
        "Cergy-Pontoise, 2 novembre 2020, n° 2010725 ; TA Paris, 3 novembre 2020, n° 2016798)."
    )
    d.p(
        "La mesure demandée, qui se borne à la fixation d'un rendez-vous, ne fait obstacle à "
        "l'exécution d'aucune décision administrative et ne se heurte à aucune contestation "
        "sérieuse."
    )
    d.heading("PAR CES MOTIFS")
    d.p("La partie requérante demande au juge des référés du {{ tribunal }} :")
    d.p(
        "– le cas échéant, de l'admettre au bénéfice de l'aide juridictionnelle à titre "
        "provisoire ;",
        indent_cm=0.8,
    )
    d.p(
        "– d'enjoindre au {{ prefet }} de lui fixer un rendez-vous en vue du dépôt de sa "
        "demande ({{ procedure }}) dans un délai de "
        + TODO.format("délai")
        + " à compter de la notification de l'ordonnance à intervenir, sous astreinte de "
        + TODO.format("montant")
        + " euros par jour de retard ;",
        indent_cm=0.8,
    )
    d.tag("{%p if est_renouvellement %}")
    d.p(
        "– d'enjoindre au même préfet de lui délivrer, dans l'attente, un document provisoire "
        "l'autorisant à séjourner en France " + TODO.format("à adapter") + " ;",
        indent_cm=0.8,
    )
    d.tag("{%p endif %}")
    d.p(
        "– de mettre à la charge de l'État la somme de "
        + TODO.format("montant")
        + " euros au titre de l'article L. 761-1 du code de justice administrative.",
        indent_cm=0.8,
    )
    d.p("Fait à " + TODO.format("lieu") + ", le {{ date_lettre }}", align="left", before=10)
    d.p(TODO.format("signature de l'avocat"), align="left", indent_cm=9)
    d.pieces("BORDEREAU DES PIÈCES")
    return d


TEMPLATES = {
    "ddd": (ddd, "Réclamation au Défenseur des droits"),
    "prefecture": (prefecture, "Demande de rendez-vous au préfet"),
    "requete": (requete, "Requête en référé « mesures utiles »"),
}


def readme_text() -> str:
    rows = "\n".join(f"| `{name}` | {doc} |" for name, doc in VARIABLES.items())
    return f"""# Letter templates

Generated by `templates/make_templates.py` — edit the script, then run
`.venv/bin/python templates/make_templates.py`; a test fails when this file or the
templates are stale.

| file | letter | command |
|---|---|---|
| `ddd.docx` | réclamation to the Défenseur des droits (Libre réponse 71120, 75342 Paris Cedex 07) | `guichets letter ddd ID --out FILE.docx` |
| `prefecture.docx` | written request to the préfet for an appointment or the « solution de substitution » | `guichets letter prefecture ID --out FILE.docx` |
| `requete.docx` | draft référé « mesures utiles » (art. L. 521-3 CJA) before the competent tribunal administratif | `guichets letter requete ID --out FILE.docx` |

Your own wording: copy the three files into a folder, edit them in Word or LibreOffice,
and pass `--templates DIR`. Tags are [docxtpl](https://docxtpl.readthedocs.io) (Jinja):
`{{{{ nom }}}}` prints a variable; a paragraph holding only `{{%p if x %}}`, `{{%p else %}}`,
`{{%p endif %}}`, `{{%p for c in demarches %}}` or `{{%p endfor %}}` opens or closes a block of
whole paragraphs; `{{% if x %}}…{{% endif %}}` works inside a paragraph. Type a tag in one go
(Word may split a tag it autocorrects into several runs). A tag naming a variable that
is not below is an error, never a blank in the letter. Missing identity fields print as
« [à compléter : …] ».

Templates are rendered in a sandbox, since a template passed around is code: a tag may
print a variable or one of its fields (`{{{{ p.numero }}}}`, `{{{{ pieces[0] }}}}`), test it
(`if`, `elif`, `else`, comparisons, `is defined`…), loop over a list (`for`, `loop.last`),
join text with `~` and use these filters: upper, lower, capitalize, title, trim, default,
length, first, last, escape, string, int, float, round, abs, join. Anything else (calling a
function or method, names starting with `_`, `set`, `macro`, `include`, `import`, other
filters) stops the letter with one line naming the template and the tag; so do loops that
would turn more than 50,000 times and a letter over 10 million characters.

Pass `--exhibits DIR` to take the list of pièces from a built exhibit folder (its
manifest); otherwise they are listed as `guichets exhibits` would number them now.

## Variables

| variable | content |
|---|---|
{rows}

Each item of `demarches` has `date`, `canal`, `sens` (envoyé / reçu), `objet`, `texte`;
each item of `pieces` has `numero`, `intitule`, `fichier`, `periode`.
"""


def main() -> None:
    for name, (build, title) in TEMPLATES.items():
        build().save(HERE / f"{name}.docx", title)
    (HERE / "README.md").write_text(readme_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
