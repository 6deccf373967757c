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
sys.path.insert(0, str(HERE))

from procedure_templates import PROCEDURE_TEMPLATES  # noqa: E402

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
        """The applicant, or the avocat writing for them."""
        self.tag("{%p if par_avocat %}")
        for line in (
            TODO.format("nom de l'avocat, barreau, adresse, téléphone, courriel"),
            "Pour {{ nom }}, {{ adresse }}",
        ):
            self.p(line, align="left").paragraph_format.space_after = 0
        self.tag("{%p else %}")
        for line in (
            "{{ nom }}",
            "{{ adresse }}",
            "Courriel : {{ courriel }} — Téléphone : {{ telephone }}",
            "Numéro AGDREF : {{ agdref }}",
        ):
            self.p(line, align="left").paragraph_format.space_after = 0
        self.tag("{%p endif %}")

    def verifier(self, place: str) -> None:
        """In a draft, the failed rules that concern this place of the letter."""
        self.tag(f"{{%p for v in a_verifier.{place} %}}")
        self.p("{{ v }}", italic=True)
        self.tag("{%p endfor %}")

    def draft_banner(self) -> None:
        self.tag("{%p if brouillon %}")
        self.p(
            "BROUILLON — NE PAS ENVOYER NI DÉPOSER EN L'ÉTAT. Le dossier ne satisfait pas à "
            "toutes les exigences de la jurisprudence : chaque point en cause figure ci-dessous "
            "sous la forme « [À vérifier : …] » et la note pour l'avocat les détaille.",
            bold=True,
            size=10,
            align="left",
        )
        self.tag("{%p endif %}")

    def attempts_facts(self, first_person: bool) -> None:
        """The attempts as facts: dates, span in days, distinct days, results, pièces.

        ``first_person``: « j'ai tenté » when the applicant signs, « {{ nom }} a tenté »
        when an avocat does (always the third person in a requête)."""
        tried, attests = "{{ nom }} a tenté", "{{ nom }} atteste"
        declared = "déclaré par {{ nom }}"
        if first_person:
            declared = (
                "{% if par_avocat %}déclaré par {{ nom }}{% else %}que j'ai déclaré{% endif %}"
            )
            tried = "{% if par_avocat %}{{ nom }} a tenté{% else %}j'ai tenté{% endif %}"
            attests = "{% if par_avocat %}{{ nom }} atteste{% else %}J'atteste{% endif %}"
        self.tag("{%p if nb_tentatives %}")
        # one attempt, one day or one result reads in the singular (« une fois », « Lors de
        # cette tentative »), never « 1 reprises » or « une période de 0 jours »
        self.p(
            "{% if nb_jours > 1 %}Du {{ premiere_tentative }} au {{ derniere_tentative }}, soit "
            "sur une période de {{ duree_jours }} jours, {% else %}Le {{ premiere_tentative }}, "
            "{% endif %}" + tried + "{% if nb_tentatives > 1 %} à {{ nb_tentatives }} reprises"
            "{% else %} une fois{% endif %}{% if nb_jours > 1 %}, sur {{ nb_jours }} jours "
            "distincts,{% endif %} de réserver un rendez-vous sur le service de prise de "
            "rendez-vous en ligne de la préfecture{% if plages_horaires %} ({{ plages_horaires }})"
            "{% endif %}. {% if nb_sans_creneau %}Lors {% if nb_tentatives == 1 %}de cette "
            "tentative{% elif nb_sans_creneau == 1 %}d'une de ces tentatives{% else %}de "
            "{{ nb_sans_creneau }} de ces tentatives{% endif %}, la page affichée indiquait "
            "qu'aucun créneau n'était disponible{% if nb_sans_creneau_declare %} ("
            "{% if nb_sans_creneau == 1 %}résultat{% elif nb_sans_creneau_declare == 1 %}pour "
            "l'une d'entre elles, résultat{% else %}pour {{ nb_sans_creneau_declare }} d'entre "
            "elles, résultat{% endif %} " + declared + ", non lu automatiquement sur la capture)"
            "{% endif %}{% if autres_resultats %} ; d'autres captures montrent "
            "{{ autres_resultats }}{% endif %}{% else %}Aucune capture n'indique l'absence de "
            "créneau{% if autres_resultats %} ; elles montrent {{ autres_resultats }}{% endif %}"
            "{% endif %}{% if ref_tentatives %} ({{ ref_tentatives }}){% endif %}."
            "{% if nb_tentatives_publication == 1 %} L'une de ces tentatives a été faite"
            "{% elif nb_tentatives_publication %} {{ nb_tentatives_publication }} de ces "
            "tentatives ont été faites{% endif %}{% if nb_tentatives_publication %} dans les "
            "{{ minutes_publication }} minutes qui suivaient une mise en ligne de créneaux "
            "annoncée par le service.{% endif %}"
        )
        self.p(
            "Chaque tentative figure, avec son heure locale et la source de cette heure, "
            "l'adresse de la page et l'empreinte numérique du fichier, dans un tableau "
            "récapitulatif{% if ref_recapitulatif %} ({{ ref_recapitulatif }}){% endif %}"
            "{% if ref_chronologie %} et sur une chronologie ({{ ref_chronologie }}){% endif %}."
            "{% if attestation_honneur %} " + attests + " sur l'honneur avoir effectué "
            "ces tentatives{% if ref_attestation %} ({{ ref_attestation }}){% endif %}.{% endif %}"
        )
        self.tag("{%p if releves_robot %}")
        self.p(
            "Sont également produits les relevés automatiques du même service effectués par "
            "{{ releves_operateurs }}, avec l'attestation de leur auteur{% if ref_releves %} "
            "({{ ref_releves }}){% endif %}."
        )
        self.tag("{%p endif %}")
        self.tag("{%p endif %}")
        self.verifier("faits")

    def contacts(self, first_person: bool) -> None:
        intro = "Les échanges de {{ nom }} avec la préfecture sont les suivants"
        if first_person:
            intro = (
                "{% if par_avocat %}Les échanges de {{ nom }} avec la préfecture sont les "
                "suivants{% else %}Mes échanges avec la préfecture sont les suivants{% endif %}"
            )
        self.tag("{%p if demarches %}")
        self.p(intro + "{% if ref_demarches %} ({{ ref_demarches }}){% endif %} :")
        self.bullets("c in demarches", "{{ c.texte }}")
        self.tag("{%p endif %}")
        self.tag("{%p if attestation_ccc %}")
        self.p(
            "Le centre de contact citoyen a remis{% if attestation_ccc_date %} le "
            "{{ attestation_ccc_date }}{% endif %} une attestation de l'échange"
            "{% if ref_ccc %} ({{ ref_ccc }}){% endif %}."
        )
        self.tag("{%p endif %}")
        self.verifier("demarches")

    def recipient(self) -> None:
        """The préfet's address, the place and date, and « Lettre recommandée … »."""
        for line in (
            "Monsieur le {{ prefet }}",
            "{{ prefecture }}",
            "{{ service_prefecture }}",
            TODO.format("adresse postale de la préfecture"),
            "{{ prefecture_ville }}",
        ):
            self.p(line, align="left", indent_cm=9).paragraph_format.space_after = 0
        self.p()
        self.p("À {{ lieu_lettre }}, le {{ date_lettre }}", align="left", indent_cm=9)
        self.p(
            "Lettre recommandée avec demande d'avis de réception",
            italic=True,
            align="left",
            before=10,
        )

    def caption(self, title: str, basis: str) -> None:
        """The heading of a requête: the court, its title and basis, the parties."""
        self.p("{{ tribunal_majuscules }}", bold=True, align="center", before=12)
        self.p(title, bold=True, align="center", size=13)
        self.p(basis, italic=True, align="center")
        self.p(
            "POUR : {{ nom }}, né(e) le {{ date_naissance }}, de nationalité {{ nationalite }}, "
            "demeurant {{ adresse }}, numéro AGDREF {{ agdref }}",
            before=12,
        )
        self.tag("{%p if par_avocat %}")
        self.p("Ayant pour avocat : " + TODO.format("nom, barreau, adresse et toque de l'avocat"))
        self.tag("{%p endif %}")
        self.p("CONTRE : le {{ prefet }}")

    def signature(self, place_date: str) -> None:
        """« Fait à …, le … » and the signature: the avocat's, or the applicant's."""
        self.p(place_date, align="left", before=10)
        self.tag("{%p if par_avocat %}")
        self.p(TODO.format("signature de l'avocat"), align="left", indent_cm=9)
        self.tag("{%p else %}")
        self.p("{{ nom }}", align="left", indent_cm=9)
        self.p("Signature :", align="left", indent_cm=9)
        self.tag("{%p endif %}")

    def pieces(self, title: str) -> None:
        self.heading(title)
        self.tag("{%p for p in pieces %}")
        self.p("Pièce n° {{ p.numero }} : {{ p.intitule }}", indent_cm=0.8)
        self.tag("{%p endfor %}")

    def close(self, courtesy: str) -> None:
        """The end of a letter: the pièces, the courtesy formula, the name and signature."""
        self.pieces("Pièces jointes")
        self.p(courtesy, before=10)
        self.tag("{%p if par_avocat %}")
        self.p(TODO.format("nom de l'avocat"), align="left", indent_cm=9, before=12)
        self.tag("{%p else %}")
        self.p("{{ nom }}", align="left", indent_cm=9, before=12)
        self.tag("{%p endif %}")
        self.p("Signature :", align="left", indent_cm=9)

    def save(self, path: Path, title: str) -> None:
        save_docx(self.doc, path, when=FIXED, title=title)


def ddd() -> Letter:
    d = Letter()
    d.draft_banner()
    d.sender()
    d.p()
    for line in ("Défenseur des droits", "Libre réponse 71120", "75342 Paris Cedex 07"):
        d.p(line, align="left", indent_cm=9).paragraph_format.space_after = 0
    d.p()
    d.p("À {{ lieu_lettre }}, le {{ date_lettre }}", align="left", indent_cm=9)
    d.p(
        "Objet : réclamation — {{ prefecture }} — {% if voie == 'anef' %}impossibilité "
        "d'accomplir ma démarche sur le téléservice ANEF{% else %}impossibilité d'obtenir un "
        "rendez-vous{% endif %} ({{ procedure }})",
        bold=True,
        align="left",
        before=12,
    )
    d.p("Madame, Monsieur,", before=12)
    d.p(
        "{% if par_avocat %}Au nom de {{ nom }}, je{% else %}Je{% endif %} vous saisis, sur le "
        "fondement des {{ cit.lo_2011_333_art4_5 }}, d'une réclamation relative au "
        "fonctionnement de la {{ prefecture }}, auprès de laquelle {% if par_avocat %}{{ nom }} "
        "doit{% else %}je dois{% endif %} accomplir la démarche suivante : {{ procedure }}."
    )
    d.heading("1. Les faits")
    d.p(
        "{% if par_avocat %}Le titre de séjour de {{ nom }}{% else %}Mon titre de séjour"
        "{% endif %} {{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %}."
    )
    d.attempts_facts(first_person=True)
    d.heading("2. Les démarches auprès de la préfecture")
    d.contacts(first_person=True)
    d.tag("{%p if not demarches %}")
    d.p(
        "Démarches auprès de la préfecture : "
        + TODO.format("démarches faites et réponses obtenues")
        + "."
    )
    d.tag("{%p endif %}")
    d.p("Réponses reçues : " + TODO.format("réponses de la préfecture, ou « aucune »") + ".")
    d.heading("3. Les conséquences")
    d.tag("{%p if justificatifs_urgence %}")
    d.p(
        "Les documents joints{% if ref_urgence %} ({{ ref_urgence }}){% endif %} montrent les conséquences de cette situation :"
    )
    d.bullets("j in justificatifs_urgence", "{{ j }}")
    d.tag("{%p endif %}")
    d.p(
        "Autres conséquences concrètes : "
        + TODO.format("emploi, droits sociaux, logement, études, santé")
        + "."
    )
    d.heading("4. La demande")
    d.tag("{%p if voie == 'anef' %}")
    d.p(
        "Dans son {{ cit.ddd_rapport_2024 }}, le Défenseur des droits a relevé les difficultés "
        "d'accès à ce téléservice. Je vous demande d'intervenir auprès de la {{ prefecture }} "
        "afin que l'impossibilité d'utiliser le téléservice soit constatée et que la solution "
        "de substitution prévue par l'{{ cit.ceseda_r431_2 }} soit proposée."
    )
    d.tag("{%p else %}")
    d.p(
        "Dans sa {{ cit.ddd_2020_142 }}, le Défenseur des droits a recommandé qu'une voie "
        "d'accès autre que la prise de rendez-vous en ligne soit toujours offerte ; dans son "
        "{{ cit.ddd_avis_21_03 }}, il a relevé que le module de prise de rendez-vous en ligne "
        "ne délivre ni compte, ni accusé de réception, ni inscription sur une liste d'attente."
    )
    d.p(
        "Je vous demande d'intervenir auprès de la {{ prefecture }} afin qu'un rendez-vous soit "
        "fixé pour le dépôt de la demande."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if refere == 'filed' %}")
    d.p(
        "Le juge des référés du {{ tribunal }} a été saisi le "
        + TODO.format("date")
        + " (requête n° "
        + TODO.format("numéro")
        + "). Je vous demande de bien vouloir "
        "présenter des observations devant cette juridiction, comme l'{{ cit.lo_2011_333_art33 }} "
        "vous en donne la faculté."
    )
    d.tag("{%p elif refere == 'planned' %}")
    d.p(
        "Une requête devant le juge des référés du {{ tribunal }} est envisagée. Je vous demande, "
        "lorsqu'elle sera déposée, de bien vouloir présenter des observations devant cette "
        "juridiction, comme l'{{ cit.lo_2011_333_art33 }} vous en donne la faculté."
    )
    d.tag("{%p endif %}")
    d.p(
        "Cette réclamation n'interrompt ni ne suspend les délais de recours devant le juge "
        "administratif ({{ cit.lo_2011_333_art6 }})."
    )
    d.verifier("recevabilite")
    d.verifier("urgence")
    d.close("Je vous prie d'agréer, Madame, Monsieur, l'expression de ma considération distinguée.")
    return d


def prefecture() -> Letter:
    d = Letter()
    d.draft_banner()
    d.sender()
    d.p()
    d.recipient()
    d.p(
        "Objet : {% if voie == 'guichet' %}demande de rendez-vous en vue du dépôt d'une demande "
        "({{ procedure }}){% elif voie == 'anef' %}impossibilité d'accomplir ma démarche sur le "
        "téléservice ANEF ({{ procedure }}) — demande de constat et de solution de substitution"
        "{% else %}demande d'enregistrement de ma demande ({{ procedure }}){% endif %}",
        bold=True,
        align="left",
    )
    d.p("Références : numéro AGDREF {{ agdref }}", align="left")
    d.p("{{ formule_appel }}", before=12)
    d.p(
        "{% if par_avocat %}J'interviens pour {{ nom }}, qui doit{% else %}Je dois{% endif %} "
        "accomplir auprès de vos services la démarche suivante : {{ procedure }}."
        "{% if est_renouvellement %} Le titre de séjour {% if par_avocat %}de {{ nom }}"
        "{% else %}dont je suis titulaire{% endif %} {{ titre_situation }}{% if ref_titre %} "
        "({{ ref_titre }}){% endif %}.{% endif %}"
    )
    d.tag("{%p if voie == 'anef' %}")
    d.p(
        "Sur le téléservice, "
        + TODO.format("description du blocage : message affiché, dates, étapes")
        + "."
    )
    d.tag("{%p endif %}")
    d.attempts_facts(first_person=True)
    d.contacts(first_person=True)
    d.tag("{%p if voie == 'guichet' %}")
    d.p(
        "Cette demande se présente en préfecture ({{ cit.ceseda_r431_3 }}) ; le Conseil d'État "
        "a précisé les conditions dans lesquelles l'administration doit permettre son "
        "enregistrement dans un délai raisonnable ({{ cit.ce_avis_436288 }})."
    )
    d.p(
        "Je vous demande en conséquence de bien vouloir communiquer une date de rendez-vous en "
        "vue du dépôt de cette demande, dans un délai de "
        + TODO.format("8 à 15")
        + " jours à compter de la réception de la présente{% if est_renouvellement %}, et, lors "
        "de ce rendez-vous, d'enregistrer la demande et de délivrer le récépissé prévu par "
        "l'{{ cit.ceseda_r431_12 }}{% endif %}."
    )
    d.tag("{%p elif voie == 'anef' %}")
    d.p(
        "L'{{ cit.ceseda_r431_2 }} prévoit qu'une solution de substitution est proposée à "
        "l'étranger qui, « ayant accompli toutes les diligences qui lui incombent », se trouve "
        "dans « l'impossibilité constatée » d'utiliser le téléservice ; l'{{ cit.arrete_2023_08_01 }} "
        "en précise les modalités (voir aussi {{ cit.ce_sect_452798 }})."
    )
    d.p(
        "Je vous demande en conséquence de bien vouloir constater cette impossibilité et "
        "indiquer, dans un délai de "
        + TODO.format("8 à 15")
        + " jours à compter de la réception de la présente, les modalités de la solution de "
        "substitution qui permettra de déposer la demande."
    )
    d.tag("{%p else %}")
    d.p(
        TODO.format(
            "voie de dépôt de la demande (guichet, téléservice ANEF, courrier) et fondement "
            "correspondant ; la demande à formuler en dépend"
        )
    )
    d.tag("{%p endif %}")
    d.p(
        "À défaut de réponse dans ce délai, {% if par_avocat %}{{ nom }} se réserve{% else %}je "
        "me réserve{% endif %} de saisir le juge des référés du {{ tribunal }} ({{ cit.cja_l521_3 }})."
    )
    d.verifier("recevabilite")
    d.verifier("urgence")
    d.close("Je vous prie d'agréer, {{ formule_appel }} l'expression de ma haute considération.")
    return d


def requete() -> Letter:
    d = Letter()
    d.draft_banner()
    d.tag("{%p if not brouillon %}")
    d.p(
        "Projet établi à partir des éléments enregistrés dans guichets, à relire et compléter "
        "avant tout dépôt ; les références suivies de « [à vérifier] » reposent sur une source "
        "secondaire ou non vérifiée.",
        italic=True,
        size=9.5,
        align="left",
    )
    d.tag("{%p endif %}")
    d.caption("REQUÊTE EN RÉFÉRÉ « MESURES UTILES »", "({{ cit.cja_l521_3 }})")
    d.heading("I. FAITS")
    d.p(
        "{% if est_renouvellement %}{{ nom }} est titulaire d'un titre de séjour qui "
        "{{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %} et doit en "
        "demander le renouvellement{% else %}{{ nom }} doit déposer auprès de la préfecture une "
        "demande ({{ procedure }}){% if ref_titre %} ({{ ref_titre }}){% endif %}{% endif %}. "
        "Cette demande se présente au guichet de la {{ prefecture }}, sur rendez-vous pris en "
        "ligne."
    )
    d.attempts_facts(first_person=False)
    d.contacts(first_person=False)
    d.tag("{%p if demandes_anterieures %}")
    d.p("Demandes antérieures de {{ nom }} :")
    d.bullets("t in demandes_anterieures", "{{ t }}")
    d.tag("{%p endif %}")
    d.heading("II. DISCUSSION")
    d.heading("A. Sur la compétence et la recevabilité")
    d.p(
        "L'{{ cit.cja_l521_3 }} permet au juge des référés, en cas d'urgence, d'ordonner toute "
        "mesure utile, même en l'absence de décision administrative préalable, sans faire "
        "obstacle à l'exécution d'aucune décision administrative."
    )
    d.p(
        "Le {{ tribunal }} est territorialement compétent, l'autorité mise en cause, le "
        "{{ prefet }}, ayant son siège dans son ressort ({{ cit.cja_r312_1 }})."
    )
    d.verifier("recevabilite")
    d.heading("B. Sur l'urgence")
    d.tag("{%p if est_renouvellement %}")
    d.p(
        "S'agissant du renouvellement d'un titre de séjour, l'urgence est en principe constatée "
        "({{ cit.ce_453391 }}). Le titre de séjour de {{ nom }} {{ titre_situation }}"
        "{% if ref_titre %} ({{ ref_titre }}){% endif %}."
    )
    d.tag("{%p else %}")
    d.p(
        "Hors le cas d'un renouvellement, l'urgence s'apprécie au regard des circonstances "
        "particulières de la situation de la partie requérante ({{ cit.ce_453391 }})."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if justificatifs_urgence %}")
    d.p(
        "Les pièces suivantes{% if ref_urgence %} ({{ ref_urgence }}){% endif %} en montrent les conséquences concrètes :"
    )
    d.bullets("j in justificatifs_urgence", "{{ j }}")
    d.tag("{%p endif %}")
    d.p(
        "Conséquences concrètes : "
        + TODO.format("emploi, droits sociaux, études, santé, famille")
        + "."
    )
    d.p("{{ oqtf_texte }}")
    d.verifier("urgence")
    d.heading("C. Sur l'utilité de la mesure")
    d.p(
        "La demande de {{ nom }} se présente en préfecture ({{ cit.ceseda_r431_3 }}), et le "
        "Conseil d'État a précisé les conditions de son enregistrement dans un délai raisonnable "
        "({{ cit.ce_avis_436288 }}). Le juge des référés, saisi sur le fondement de "
        "l'{{ cit.cja_l521_3 }}, peut enjoindre au préfet de communiquer une date de rendez-vous "
        "à l'étranger qui établit n'avoir pu l'obtenir malgré plusieurs tentatives "
        "({{ cit.ce_435594 }})."
    )
    d.tag("{%p if nb_tentatives %}")
    d.p(
        "Les tentatives produites s'étendent du {{ premiere_tentative }} au "
        "{{ derniere_tentative }}, soit {{ duree_jours }} jours, sur {{ nb_jours }} jours "
        "distincts et à {{ nb_heures }} heures différentes de la journée"
        "{% if ref_tentatives %} ({{ ref_tentatives }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.p(
        "Les captures de la page indiquant l'absence de créneau ne sauraient être privées de "
        "valeur probante au seul motif qu'elles ne font pas apparaître l'identité de "
        "l'intéressé, cette page s'affichant avant toute saisie de données personnelles "
        "({{ cit.ce_448178 }})."
    )
    d.tag("{%p if demandes_anterieures %}")
    d.p(
        "[À vérifier : la mesure demandée ne doit faire obstacle à aucune décision prise sur les "
        "demandes antérieures rappelées ci-dessus.]",
        italic=True,
    )
    d.tag("{%p else %}")
    d.p(
        "La mesure demandée, qui tend seulement à permettre le dépôt et l'enregistrement de la "
        "demande, ne fait obstacle à l'exécution d'aucune décision administrative."
    )
    d.tag("{%p endif %}")
    d.heading("D. Sur l'aide juridictionnelle et les frais")
    d.p(
        "{{ nom }} sollicite le bénéfice de l'aide juridictionnelle à titre provisoire "
        "({{ cit.loi_91_647_art20 }}), ouverte aux étrangers sans condition de régularité du "
        "séjour ({{ cit.cc_2024_1091 }})."
    )
    d.heading("PAR CES MOTIFS")
    d.p("{{ nom }} demande au juge des référés du {{ tribunal }} :")
    for line in (
        "– de l'admettre au bénéfice de l'aide juridictionnelle à titre provisoire ;",
        "– d'enjoindre au {{ prefet }} de lui communiquer, dans un délai de "
        + TODO.format("nombre")
        + " jours à compter de la notification de l'ordonnance à intervenir, une date de "
        "rendez-vous en vue du dépôt de sa demande ({{ procedure }}), ce rendez-vous devant "
        "avoir lieu dans un délai maximal de " + TODO.format("nombre") + " jours ;",
        "– d'enjoindre au même préfet, lors de ce rendez-vous, d'enregistrer sa demande et de "
        "lui délivrer le récépissé prévu par l'{{ cit.ceseda_r431_12 }} ;",
        "– d'assortir ces injonctions d'une astreinte de "
        + TODO.format("montant")
        + " euros par jour de retard ({{ cit.cja_l911_3 }}) ;",
        "{% if par_avocat %}– de mettre à la charge de l'État la somme de "
        + TODO.format("montant")
        + " euros à verser à son avocat au titre de l'{{ cit.cja_l761_1 }} et du "
        "{{ cit.loi_91_647_art37 }}, sous réserve que l'avocat renonce à percevoir la part "
        "contributive de l'État.{% else %}– de mettre à la charge de l'État la somme de "
        + TODO.format("montant")
        + " euros au titre de l'{{ cit.cja_l761_1 }}.{% endif %}",
    ):
        d.p(line, indent_cm=0.8)
    d.signature("Fait à " + TODO.format("lieu") + ", le {{ date_lettre }}")
    d.pieces("BORDEREAU DES PIÈCES")
    return d


TEMPLATES: dict[str, tuple[Any, str]] = {
    "ddd": (ddd, "Réclamation au Défenseur des droits"),
    "prefecture": (prefecture, "Lettre au préfet"),
    "requete": (requete, "Requête en référé « mesures utiles »"),
    # the procedure (ANEF, silence, implicit rejection): templates/procedure_templates.py
    **{
        name: ((lambda build=build: build(Letter())), title)
        for name, (build, title) in PROCEDURE_TEMPLATES.items()
    },
}


def readme_text() -> str:
    from toolkit.documents.letter_kinds import PROCEDURE_KINDS
    from toolkit.documents.procedure_context import PROCEDURE_VARIABLES
    from toolkit.reference.law import CITATIONS

    rows = "\n".join(f"| `{name}` | {doc} |" for name, doc in VARIABLES.items())
    procedure_files = "\n".join(
        f"| `{k.name}.docx` | {k.help} | `guichets letter {k.name} ID --out FILE.docx` |"
        for k in PROCEDURE_KINDS
    )
    procedure_rows = "\n".join(f"| `{n}` | {doc} |" for n, doc in PROCEDURE_VARIABLES.items())
    cites = "\n".join(f"| `cit.{key}` | {c.text} | {c.mark} |" for key, c in CITATIONS.items())
    return f"""# Letter templates

Generated by `templates/make_templates.py` — edit the script, then run
`.venv/bin/python templates/make_templates.py`; a test fails when this file or the
templates are stale.

| file | letter | command |
|---|---|---|
| `ddd.docx` | réclamation to the Défenseur des droits (Libre réponse 71120, 75342 Paris Cedex 07) | `guichets letter ddd ID --out FILE.docx` |
| `prefecture.docx` | written request to the préfet for an appointment or the « solution de substitution » | `guichets letter prefecture ID --out FILE.docx` |
| `requete.docx` | draft référé « mesures utiles » (art. L. 521-3 CJA) before the competent tribunal administratif | `guichets letter requete ID --out FILE.docx` |
{procedure_files}

A letter states facts and lets them speak: counts, spans in days, absolute dates. What could
serve the other side (pages that showed slots, robot probes, weak or declared times) goes to
the « Note pour l'avocat » written beside it (`FILE-note.docx`), never into the letter.
A letter is refused, in one line, when the readiness check (`guichets check ID`) has a
failure that concerns it, or when it asks for the wrong remedy (a booking requête for an
ANEF route or after an implicit rejection); `--draft` writes it anyway with each failure
printed « [À vérifier : …] » (except a wrong remedy, always refused). `--signed-by avocat`
or `demandeur` chooses who signs (the requête defaults to the avocat, the others to the
applicant).

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

## Variables of the procedure letters

The letters about an ANEF demand, a silence or an implicit rejection (`prefet-api`,
`refere-api`, `motifs`, `annulation-dir`…) also take the facts of `guichets timeline`
(toolkit/documents/procedure_context.py). Each is written only when the timeline proposes
it (`guichets letter list ID`); a date resting on a V2 or R rule carries « [à vérifier] ».

| variable | content |
|---|---|
{procedure_rows}

## Legal references (`cit`)

From `toolkit/reference/law.py`, each with its mark (`V` checked in a primary or official
source, `V2` secondary source only, `R` recalled): a `V2` or `R` reference is printed
followed by « [à vérifier : …] » for the lawyer. Unpublished TA ordonnances are not cited.

| variable | reference | mark |
|---|---|---|
{cites}
"""


def main() -> None:
    for name, (build, title) in TEMPLATES.items():
        build().save(HERE / f"{name}.docx", title)
    (HERE / "README.md").write_text(readme_text(), encoding="utf-8")


if __name__ == "__main__":
    main()
