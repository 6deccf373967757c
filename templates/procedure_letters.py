"""Templates of the letters about the procedure: to the préfet (attestation, substitution,
convocation), the request for reasons, and the applicant's attestation sur l'honneur."""

from __future__ import annotations

from typing import Any

from procedure_common import TODO, ending, filing_facts, listed, opening, we

ANSWER = "dans un délai de " + TODO.format("8 à 15") + " jours"  # left to the préfet


def prefet_api(d: Any) -> Any:
    """Letter to the préfet asking for the attestation de prolongation d'instruction."""
    opening(
        d,
        "Objet : demande de délivrance d'une attestation de prolongation d'instruction — "
        "demande n° {{ numero_demande }} déposée le {{ date_depot }}",
    )
    filing_facts(d)
    d.verifier("faits")
    # R. 431-15-1 gives the attestation only for a demand filed inside the R. 431-5 window:
    # a demand filed outside it is not argued on that text (the note says why).
    d.tag("{%p if depot_dans_fenetre %}")
    d.p(
        "Aux termes de l'{{ cit.ceseda_r431_15_1 }}, lorsque l'instruction d'une demande complète "
        "déposée sur le téléservice dans le délai prévu se poursuit au-delà de la date "
        "d'expiration du document de séjour détenu, une attestation de prolongation "
        "d'instruction est délivrée."
    )
    d.p(
        "Je vous demande en conséquence de bien vouloir délivrer cette attestation "
        "{% if par_avocat %}à {{ nom }} {% endif %}" + ANSWER + " à compter de la réception de la "
        "présente, et de la renouveler jusqu'à ce "
        "qu'il soit statué sur la demande."
    )
    d.p(
        "À défaut, le juge des référés du {{ tribunal }} pourra être saisi sur le fondement "
        "de l'{{ cit.cja_l521_3 }}."
    )
    d.tag("{%p else %}")
    d.p(
        "Je vous demande en conséquence de bien vouloir statuer sur cette demande et, dans "
        "l'attente de votre décision, examiner la délivrance "
        "{% if par_avocat %}à {{ nom }} {% endif %}d'un document provisoire de séjour, "
        + ANSWER
        + " à compter de la réception de la présente."
    )
    d.tag("{%p endif %}")
    ending(d, judge=False)
    return d


def prefet_substitution(d: Any) -> Any:
    """Letter asking the préfet to record the impossibility and invite to the substitution."""
    opening(
        d,
        "Objet : impossibilité d'accomplir la démarche sur le téléservice ANEF ({{ procedure }}) "
        "— demande de mise en œuvre de la solution de substitution",
    )
    d.p(
        "La démarche suivante doit être accomplie sur le téléservice « Administration numérique "
        "pour les étrangers en France » (ANEF) : {{ procedure }}. "
        + we("Mon titre de séjour", "Le titre de séjour de {{ nom }}")
        + " {{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %}."
    )
    listed(d, "incidents", "Les dysfonctionnements suivants ont été constatés"
           "{% if ref_pages_anef %} ({{ ref_pages_anef }}){% endif %} :")  # fmt: skip
    d.tag("{%p if diligences %}")
    d.p("Les démarches suivantes ont été accomplies pour obtenir de l'aide :")
    d.bullets("c in diligences", "{{ c }}")
    d.tag("{%p else %}")
    d.p(
        "[À vérifier : aucun contact avec le Centre de contact citoyen ni passage dans un point "
        "d'accueil numérique n'est enregistré]",
        italic=True,
    )
    d.tag("{%p endif %}")
    d.tag("{%p if attestation_ccc %}")
    d.p(
        "Le Centre de contact citoyen a remis{% if attestation_ccc_date %} le "
        "{{ attestation_ccc_date }}{% endif %} une attestation de l'échange"
        "{% if ref_ccc %} ({{ ref_ccc }}){% endif %}."
    )
    d.tag("{%p endif %}")
    d.verifier("demarches")
    d.p(
        "L'{{ cit.ceseda_r431_2 }} prévoit une solution de substitution pour l'étranger qui, "
        "ayant accompli toutes les diligences qui lui incombent, est dans l'impossibilité "
        "constatée d'utiliser le téléservice ; les modalités de l'accompagnement sont fixées par "
        "l'{{ cit.arrete_2023_08_01 }}. Le Conseil d'État a jugé qu'une démarche ne peut être "
        "rendue obligatoirement numérique sans garantir l'accès au service ({{ cit.ce_sect_452798 }})."
    )
    d.p(
        "Je vous demande de bien vouloir constater cette impossibilité et "
        + we("m'indiquer", "indiquer à {{ nom }}")
        + ", "
        + ANSWER
        + ", les modalités de la solution de substitution permettant de déposer la "
        "demande."
    )
    ending(d)
    return d


def prefet_rdv(d: Any) -> Any:
    """Letter asking for the convocation (biometrics or remise) that does not come."""
    opening(
        d,
        "Objet : demande de convocation pour {{ convocation_objet }} — demande n° "
        "{{ numero_demande }}",
    )
    filing_facts(d)
    d.p(
        "Depuis le {{ convocation_attendue_depuis }}, aucune convocation pour "
        "{{ convocation_objet }} n'a été reçue."
    )
    d.verifier("faits")
    d.p(
        "Je vous demande de bien vouloir adresser cette convocation "
        + ANSWER
        + ", pour un rendez-vous fixé dans un délai raisonnable."
    )
    ending(d)
    return d


def motifs(d: Any) -> Any:
    """Demande de communication des motifs of an implicit rejection (L. 232-4 CRPA)."""
    opening(
        d,
        "Objet : demande de communication des motifs d'une décision implicite de rejet — "
        "demande n° {{ numero_demande }} déposée le {{ date_depot }}",
    )
    d.p(
        we("J'ai déposé", "{{ nom }} a déposé") + " le {{ date_depot }} une demande de "
        "{{ procedure }}, enregistrée sous le numéro {{ numero_demande }}"
        "{% if ref_depot %} ({{ ref_depot }}){% endif %}. {{ completude_texte }}"
    )
    d.p(
        "Aucune décision n'a été notifiée. Le silence gardé sur cette demande a fait naître une "
        "décision implicite de rejet le {{ date_dir }} ({{ cit.ceseda_r432_1 }} ; "
        "{{ cit.ce_avis_493514 }})."
    )
    d.verifier("faits")
    d.p(
        "Sur le fondement de l'{{ cit.crpa_l232_4 }}, je vous demande de bien vouloir "
        "communiquer les motifs de cette décision dans le mois suivant la réception de la "
        "présente demande."
    )
    ending(d, judge=False)
    return d


def attestation_anef(d: Any) -> Any:
    """The applicant's attestation sur l'honneur about the procedure."""
    d.draft_banner()
    d.p("ATTESTATION SUR L'HONNEUR", bold=True, align="center", size=13, before=6)
    d.p(
        "Je soussigné(e) {{ nom }}, né(e) le {{ date_naissance }}, de nationalité "
        "{{ nationalite }}, demeurant {{ adresse }}, atteste sur l'honneur que :",
        before=12,
    )
    d.p(
        "– j'ai déposé le {{ date_depot }} sur le téléservice ANEF une demande de "
        "{{ procedure }} (numéro {{ numero_demande }}) ;",
        indent_cm=0.8,
    )
    d.tag("{%p if completude == 'complete' and not pieces_demandees_le %}")
    d.p("– aucune pièce complémentaire ne m'a été demandée depuis ce dépôt ;", indent_cm=0.8)
    d.tag("{%p endif %}")
    d.tag("{%p if pieces_demandees_le %}")
    d.p(
        "– des pièces complémentaires m'ont été demandées le {{ pieces_demandees_le }}"
        "{% if pieces_transmises_le %} et je les ai transmises le {{ pieces_transmises_le }}"
        "{% endif %} ;",
        indent_cm=0.8,
    )
    d.tag("{%p endif %}")
    d.tag("{%p if jours_sans_document %}")
    d.p(
        "– je n'ai reçu aucune attestation de prolongation d'instruction couvrant la période "
        "{{ periode_sans_document }} ;",
        indent_cm=0.8,
    )
    d.tag("{%p endif %}")
    d.tag("{%p for c in diligences %}")
    d.p("– {{ c }} ;", indent_cm=0.8)
    d.tag("{%p endfor %}")
    d.p(
        "– les conséquences de cette situation pour moi sont les suivantes : "
        + TODO.format("emploi, ressources, droits sociaux, logement")
        + ".",
        indent_cm=0.8,
    )
    d.p(
        "Je sais que l'établissement d'une attestation faisant état de faits matériellement "
        "inexacts est puni par l'{{ cit.code_penal_441_7 }}.",
        before=10,
    )
    d.p("Je joins la copie d'une pièce d'identité.")
    d.p("Fait à {{ lieu_lettre }}, le {{ date_lettre }}", align="left", before=10)
    d.p("{{ nom }}", align="left", indent_cm=9, before=12)
    d.p("Signature :", align="left", indent_cm=9)
    return d
