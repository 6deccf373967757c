"""What the templates of the procedure letters share: the préfet's address, the voice (the
applicant writing, or an avocat for them) and the facts of the demand."""

from __future__ import annotations

from typing import Any

TODO = "[à compléter : {}]"


def we(first: str, third: str) -> str:
    """« je … » when the applicant signs, « {{ nom }} … » when an avocat writes."""
    return "{% if par_avocat %}" + third + "{% else %}" + first + "{% endif %}"


def filing_facts(d: Any, first_person: bool = True) -> None:
    """The demand: its filing, the window, completeness, what was delivered since.

    ``first_person``: « j'ai déposé » when the applicant signs a letter; a requête always
    speaks of the applicant in the third person."""

    def who(first: str, third: str) -> str:
        return we(first, third) if first_person else third

    d.p(
        who("J'ai déposé", "{{ nom }} a déposé") + " le {{ date_depot }}, sur le téléservice "
        "« Administration numérique pour les étrangers en France » (ANEF), une demande de "
        "{{ procedure }} enregistrée sous le numéro {{ numero_demande }}"
        "{% if ref_depot %} ({{ ref_depot }}){% endif %}. Le titre de séjour "
        + who("que je détenais", "que détenait {{ nom }}")
        + " expirait le {{ titre_expiration }}{% if ref_titre %} ({{ ref_titre }}){% endif %}."
        "{% if depot_dans_fenetre %} La demande a été déposée entre le {{ fenetre_ouverture }} "
        "et le {{ fenetre_cloture }}, dans le délai fixé par l'{{ cit.ceseda_r431_5 }}.{% endif %}"
    )
    d.tag("{%p if completude_texte %}")
    d.p("{{ completude_texte }}")
    d.tag("{%p endif %}")
    d.tag("{%p if decision_favorable_le %}")
    d.p("Une décision favorable a été prise sur cette demande le {{ decision_favorable_le }}.")
    d.tag("{%p endif %}")
    d.tag("{%p if attestations %}")
    d.p("Les documents provisoires suivants ont été délivrés :")
    d.bullets("a in attestations", "{{ a }}")
    d.tag("{%p endif %}")
    d.tag("{%p if jours_sans_document %}")
    d.p(
        "Depuis le {{ sans_document_depuis }}, aucun document n'atteste la régularité "
        + who("de mon séjour", "du séjour de {{ nom }}")
        + " : au {{ date_lettre }}, {{ jours_sans_document }} jours se sont écoulés sans "
        "attestation de prolongation d'instruction ({{ periode_sans_document }})"
        "{% if ref_chronologie_procedure %} ({{ ref_chronologie_procedure }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.tag("{%p if statut_anef %}")
    d.p(
        "Le {{ statut_anef_le }}, l'espace personnel ANEF indiquait encore le statut "
        "« {{ statut_anef }} »{% if ref_pages_anef %} ({{ ref_pages_anef }}){% endif %}."
    )
    d.tag("{%p endif %}")


def opening(d: Any, objet: str) -> None:
    """A letter to the préfet up to its salutation: sender, address, date, objet."""
    d.draft_banner()
    d.sender()
    d.p()
    d.recipient()
    d.p(objet, bold=True, align="left")
    d.p("{{ formule_appel }}", before=12)


def ending(d: Any, *, judge: bool = True) -> None:
    """The end of a letter to the préfet: the référé it announces, pièces and signature."""
    if judge:
        d.p(
            "À défaut, le juge des référés du {{ tribunal }} pourra être saisi sur le fondement "
            "de l'{{ cit.cja_l521_3 }}."
        )
    d.close("Je vous prie d'agréer, {{ formule_appel }} l'expression de ma haute considération.")


def listed(d: Any, name: str, intro: str) -> None:
    """``intro`` and one bullet per item of list ``name``, when it has any."""
    d.tag(f"{{%p if {name} %}}")
    d.p(intro)
    d.bullets(f"x in {name}", "{{ x }}")
    d.tag("{%p endif %}")
