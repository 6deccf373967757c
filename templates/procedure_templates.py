"""The letters about the procedure itself (ANEF, silence, implicit rejection): their Word
templates, built with the :class:`Letter` of ``make_templates.py``.

Each function takes a fresh ``Letter`` and returns it. Facts come from the procedure's
variables (toolkit/documents/procedure_context.py) and citations from ``cit`` (every V2 or
R point already followed by « [à vérifier : …] »). Nothing here argues what the facts do not
show: dates are absolute, each fact names its pièce, and the conclusions ask only for what a
text provides.
"""

from __future__ import annotations

from typing import Any

TODO = "[à compléter : {}]"


def _recipient(d: Any) -> None:
    for line in (
        "Monsieur le {{ prefet }}",
        "{{ prefecture }}",
        "{{ service_prefecture }}",
        TODO.format("adresse postale de la préfecture"),
        "{{ prefecture_ville }}",
    ):
        d.p(line, align="left", indent_cm=9).paragraph_format.space_after = 0
    d.p()
    d.p("À {{ lieu_lettre }}, le {{ date_lettre }}", align="left", indent_cm=9)
    d.p("Lettre recommandée avec demande d'avis de réception", italic=True, align="left", before=10)


def _we(first: str, third: str) -> str:
    """« je … » when the applicant signs, « {{ nom }} … » when an avocat writes."""
    return "{% if par_avocat %}" + third + "{% else %}" + first + "{% endif %}"


def _filing_facts(d: Any, first_person: bool = True) -> None:
    """The demand: its filing, the window, completeness, what was delivered since.

    ``first_person``: « j'ai déposé » when the applicant signs a letter; a requête always
    speaks of the applicant in the third person."""

    def who(first: str, third: str) -> str:
        return _we(first, third) if first_person else third

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


def prefet_api(d: Any) -> Any:
    """Letter to the préfet asking for the attestation de prolongation d'instruction."""
    d.draft_banner()
    d.sender()
    d.p()
    _recipient(d)
    d.p(
        "Objet : demande de délivrance d'une attestation de prolongation d'instruction — "
        "demande n° {{ numero_demande }} déposée le {{ date_depot }}",
        bold=True,
        align="left",
    )
    d.p("{{ formule_appel }}", before=12)
    _filing_facts(d)
    d.verifier("faits")
    d.p(
        "Aux termes de l'{{ cit.ceseda_r431_15_1 }}, lorsque l'instruction d'une demande complète "
        "déposée sur le téléservice dans le délai prévu se poursuit au-delà de la date "
        "d'expiration du document de séjour détenu, une attestation de prolongation "
        "d'instruction est délivrée."
    )
    d.p(
        "Je vous demande en conséquence de bien vouloir délivrer cette attestation "
        "{% if par_avocat %}à {{ nom }} {% endif %}dans un délai de "
        + TODO.format("8 à 15")
        + " jours à compter de la réception de la présente, et de la renouveler jusqu'à ce "
        "qu'il soit statué sur la demande."
    )
    d.p(
        "À défaut, le juge des référés du {{ tribunal }} pourra être saisi sur le fondement de "
        "l'{{ cit.cja_l521_3 }}."
    )
    d.close("Je vous prie d'agréer, {{ formule_appel }} l'expression de ma haute considération.")
    return d


def prefet_substitution(d: Any) -> Any:
    """Letter asking the préfet to record the impossibility and invite to the substitution."""
    d.draft_banner()
    d.sender()
    d.p()
    _recipient(d)
    d.p(
        "Objet : impossibilité d'accomplir la démarche sur le téléservice ANEF ({{ procedure }}) "
        "— demande de mise en œuvre de la solution de substitution",
        bold=True,
        align="left",
    )
    d.p("{{ formule_appel }}", before=12)
    d.p(
        "La démarche suivante doit être accomplie sur le téléservice « Administration numérique "
        "pour les étrangers en France » (ANEF) : {{ procedure }}. "
        + _we("Mon titre de séjour", "Le titre de séjour de {{ nom }}")
        + " {{ titre_situation }}{% if ref_titre %} ({{ ref_titre }}){% endif %}."
    )
    d.tag("{%p if incidents %}")
    d.p(
        "Les dysfonctionnements suivants ont été constatés{% if ref_pages_anef %} ({{ ref_pages_anef }}){% endif %} :"
    )
    d.bullets("i in incidents", "{{ i }}")
    d.tag("{%p endif %}")
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
        + _we("m'indiquer", "indiquer à {{ nom }}")
        + ", dans un délai de "
        + TODO.format("8 à 15")
        + " jours, les modalités de la solution de substitution permettant de déposer la "
        "demande."
    )
    d.p(
        "À défaut, le juge des référés du {{ tribunal }} pourra être saisi sur le fondement de "
        "l'{{ cit.cja_l521_3 }}."
    )
    d.close("Je vous prie d'agréer, {{ formule_appel }} l'expression de ma haute considération.")
    return d


def prefet_rdv(d: Any) -> Any:
    """Letter asking for the convocation (biometrics or remise) that does not come."""
    d.draft_banner()
    d.sender()
    d.p()
    _recipient(d)
    d.p(
        "Objet : demande de convocation pour {{ convocation_objet }} — demande n° "
        "{{ numero_demande }}",
        bold=True,
        align="left",
    )
    d.p("{{ formule_appel }}", before=12)
    _filing_facts(d)
    d.p(
        "Depuis le {{ convocation_attendue_depuis }}, aucune convocation pour "
        "{{ convocation_objet }} n'a été reçue."
    )
    d.verifier("faits")
    d.p(
        "Je vous demande de bien vouloir adresser cette convocation dans un délai de "
        + TODO.format("8 à 15")
        + " jours, pour un rendez-vous fixé dans un délai raisonnable."
    )
    d.p(
        "À défaut, le juge des référés du {{ tribunal }} pourra être saisi sur le fondement de "
        "l'{{ cit.cja_l521_3 }}."
    )
    d.close("Je vous prie d'agréer, {{ formule_appel }} l'expression de ma haute considération.")
    return d


def motifs(d: Any) -> Any:
    """Demande de communication des motifs of an implicit rejection (L. 232-4 CRPA)."""
    d.draft_banner()
    d.sender()
    d.p()
    _recipient(d)
    d.p(
        "Objet : demande de communication des motifs d'une décision implicite de rejet — "
        "demande n° {{ numero_demande }} déposée le {{ date_depot }}",
        bold=True,
        align="left",
    )
    d.p("{{ formule_appel }}", before=12)
    d.p(
        _we("J'ai déposé", "{{ nom }} a déposé") + " le {{ date_depot }} une demande de "
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
    d.close("Je vous prie d'agréer, {{ formule_appel }} l'expression de ma haute considération.")
    return d


def _caption(d: Any, title: str, basis: str) -> None:
    d.draft_banner()
    d.tag("{%p if par_avocat %}")
    d.p(
        "Projet établi à partir des éléments enregistrés dans guichets : à relire, compléter et "
        "adapter avant tout dépôt.",
        italic=True,
        size=9.5,
        align="left",
    )
    d.tag("{%p endif %}")
    d.p("{{ tribunal_majuscules }}", bold=True, align="center", before=12)
    d.p(title, bold=True, align="center", size=13)
    d.p(basis, italic=True, align="center")
    d.p(
        "POUR : {{ nom }}, né(e) le {{ date_naissance }}, de nationalité {{ nationalite }}, "
        "demeurant {{ adresse }}, numéro AGDREF {{ agdref }}",
        before=12,
    )
    d.tag("{%p if par_avocat %}")
    d.p("Ayant pour avocat : " + TODO.format("nom, barreau, adresse et toque de l'avocat"))
    d.tag("{%p endif %}")
    d.p("CONTRE : le {{ prefet }}")


def _urgency(d: Any) -> None:
    d.heading("Sur l'urgence")
    d.p(
        "S'agissant du renouvellement d'un titre de séjour, l'urgence est en principe constatée "
        "({{ cit.ce_453391 }}).{% if sans_document_depuis %} Depuis le {{ sans_document_depuis }}, "
        "la partie requérante ne dispose d'aucun document attestant la régularité de son séjour."
        "{% endif %} Conséquences concrètes : "
        + TODO.format("emploi, salaire, droits sociaux, logement")
        + "."
    )
    d.tag("{%p if justificatifs_urgence %}")
    d.p("Justificatifs{% if ref_urgence %} ({{ ref_urgence }}){% endif %} :")
    d.bullets("j in justificatifs_urgence", "{{ j }}")
    d.tag("{%p endif %}")
    d.p("{{ oqtf_texte }}")
    d.verifier("urgence")


def _conclusions(d: Any, injunction: str) -> None:
    d.heading("PAR CES MOTIFS")
    d.p("La partie requérante demande au juge des référés du {{ tribunal }} :")
    d.p(
        "– de l'admettre au bénéfice de l'aide juridictionnelle à titre provisoire "
        "({{ cit.loi_91_647_art20 }}) ;",
        indent_cm=0.8,
    )
    d.p("– " + injunction + " ;", indent_cm=0.8)
    d.tag("{%p if par_avocat %}")
    d.p(
        "– de mettre à la charge de l'État la somme de "
        + TODO.format("montant")
        + " euros au titre de l'{{ cit.cja_l761_1 }} ou, en cas d'aide juridictionnelle, du "
        "{{ cit.loi_91_647_art37 }}.",
        indent_cm=0.8,
    )
    d.tag("{%p else %}")
    d.p(
        "– de mettre à la charge de l'État la somme de "
        + TODO.format("montant des frais exposés")
        + " euros au titre de l'{{ cit.cja_l761_1 }}.",
        indent_cm=0.8,
    )
    d.tag("{%p endif %}")
    d.p("Fait à {{ lieu_lettre }}, le {{ date_lettre }}", align="left", before=10)
    d.tag("{%p if par_avocat %}")
    d.p(TODO.format("signature de l'avocat"), align="left", indent_cm=9)
    d.tag("{%p else %}")
    d.p("{{ nom }}", align="left", indent_cm=9)
    d.p("Signature :", align="left", indent_cm=9)
    d.tag("{%p endif %}")
    d.pieces("BORDEREAU DES PIÈCES")


def refere_api(d: Any) -> Any:
    """Référé « mesures utiles » for the attestation de prolongation d'instruction."""
    _caption(d, "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »", "({{ cit.cja_l521_3 }})")
    d.heading("I. FAITS")
    _filing_facts(d, first_person=False)
    d.tag("{%p if demandes_prefet %}")
    d.p("Le préfet a été saisi par écrit :")
    d.bullets("x in demandes_prefet", "{{ x }}")
    d.p("Aucune réponse n'a été reçue.")
    d.tag("{%p endif %}")
    d.verifier("faits")
    d.verifier("demarches")
    d.heading("II. DISCUSSION")
    d.heading("Sur la recevabilité")
    d.p(
        "L'{{ cit.cja_l521_3 }} permet au juge des référés, en cas d'urgence, d'ordonner toute "
        "mesure utile sans faire obstacle à l'exécution d'aucune décision administrative. À la "
        "date de la présente requête, aucune décision n'a été prise sur la demande déposée le "
        "{{ date_depot }}{% if date_dir %} ; le délai au terme duquel le silence vaudrait rejet "
        "expire le {{ date_dir }}{% endif %}. La mesure demandée, la délivrance d'un document "
        "provisoire prévu par les textes, ne préjuge pas de la décision à prendre."
    )
    d.p(
        "Le {{ tribunal }} est compétent, l'autorité mise en cause ayant son siège dans son "
        "ressort ({{ cit.cja_r312_1 }})."
    )
    d.verifier("recevabilite")
    _urgency(d)
    d.heading("Sur l'utilité de la mesure")
    d.p(
        "Aux termes de l'{{ cit.ceseda_r431_15_1 }}, une attestation de prolongation "
        "d'instruction est délivrée lorsque l'instruction d'une demande complète, déposée sur "
        "le téléservice dans le délai de l'{{ cit.ceseda_r431_5 }}, se poursuit au-delà de la "
        "date d'expiration du titre. La demande a été déposée le {{ date_depot }}"
        "{% if depot_dans_fenetre %}, entre le {{ fenetre_ouverture }} et le "
        "{{ fenetre_cloture }}{% endif %}. {{ completude_texte }} Aucune attestation ne couvre "
        "le séjour {{ periode_sans_document }}."
    )
    _conclusions(
        d,
        "d'enjoindre au {{ prefet }} de délivrer à la partie requérante une attestation de "
        "prolongation d'instruction dans un délai de "
        + TODO.format("nombre")
        + " jours à compter de la notification de l'ordonnance, et de la renouveler jusqu'à ce "
        "qu'il soit statué sur sa demande, le cas échéant sous astreinte de "
        + TODO.format("montant")
        + " euros par jour de retard ({{ cit.cja_l911_3 }})",
    )
    return d


def refere_substitution(d: Any) -> Any:
    """Référé « mesures utiles » for the substitution to the téléservice."""
    _caption(d, "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »", "({{ cit.cja_l521_3 }})")
    d.heading("I. FAITS")
    d.p(
        "La démarche de la partie requérante ({{ procedure }}) doit être accomplie sur le "
        "téléservice ANEF. Son titre de séjour {{ titre_situation }}"
        "{% if ref_titre %} ({{ ref_titre }}){% endif %}."
    )
    d.tag("{%p if incidents %}")
    d.p(
        "Les dysfonctionnements suivants ont été constatés{% if ref_pages_anef %} ({{ ref_pages_anef }}){% endif %} :"
    )
    d.bullets("i in incidents", "{{ i }}")
    d.tag("{%p endif %}")
    d.tag("{%p if diligences %}")
    d.p("Les démarches suivantes ont été accomplies pour obtenir de l'aide :")
    d.bullets("c in diligences", "{{ c }}")
    d.tag("{%p endif %}")
    d.tag("{%p if demandes_prefet %}")
    d.p("Le préfet a été saisi par écrit :")
    d.bullets("x in demandes_prefet", "{{ x }}")
    d.tag("{%p endif %}")
    d.verifier("faits")
    d.verifier("demarches")
    d.heading("II. DISCUSSION")
    d.heading("Sur la recevabilité")
    d.p(
        "Aucune demande n'ayant pu être déposée, aucune décision n'est intervenue : la mesure "
        "demandée ne fait obstacle à l'exécution d'aucune décision administrative "
        "({{ cit.cja_l521_3 }}). Le {{ tribunal }} est compétent ({{ cit.cja_r312_1 }})."
    )
    d.verifier("recevabilite")
    d.heading("Sur l'urgence")
    d.p(
        "{% if est_renouvellement %}S'agissant du renouvellement d'un titre de séjour, "
        "l'urgence est en principe constatée ({{ cit.ce_453391 }}). {% else %}"
        + TODO.format("circonstances particulières établissant l'urgence ({{ cit.ce_453391 }})")
        + " {% endif %}Conséquences concrètes : "
        + TODO.format("emploi, droits sociaux")
        + "."
    )
    d.p("{{ oqtf_texte }}")
    d.verifier("urgence")
    d.heading("Sur l'utilité de la mesure")
    d.p(
        "L'{{ cit.ceseda_r431_2 }} prévoit une solution de substitution pour l'étranger qui, "
        "ayant accompli toutes les diligences qui lui incombent, est dans l'impossibilité "
        "constatée d'utiliser le téléservice ({{ cit.ce_sect_452798 }} ; "
        "{{ cit.arrete_2023_08_01 }}). Les diligences accomplies sont exposées ci-dessus."
    )
    _conclusions(
        d,
        "d'enjoindre au {{ prefet }} de permettre à la partie requérante de déposer sa demande "
        "par la solution de substitution prévue à l'article R. 431-2 du CESEDA, dans un délai de "
        + TODO.format("nombre")
        + " jours à compter de la notification de l'ordonnance",
    )
    return d


def refere_rdv(d: Any) -> Any:
    """Référé « mesures utiles » for a biometrics or remise convocation."""
    _caption(d, "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »", "({{ cit.cja_l521_3 }})")
    d.heading("I. FAITS")
    _filing_facts(d, first_person=False)
    d.p(
        "Depuis le {{ convocation_attendue_depuis }}, aucune convocation pour "
        "{{ convocation_objet }} n'a été reçue."
    )
    d.tag("{%p if demandes_prefet %}")
    d.p("Le préfet a été saisi par écrit :")
    d.bullets("x in demandes_prefet", "{{ x }}")
    d.tag("{%p endif %}")
    d.verifier("faits")
    d.heading("II. DISCUSSION")
    d.p(
        "La mesure demandée, une convocation, ne fait obstacle à l'exécution d'aucune décision "
        "({{ cit.cja_l521_3 }}) ; le {{ tribunal }} est compétent ({{ cit.cja_r312_1 }}). "
        "L'administration est tenue d'enregistrer une demande de titre de séjour dans un délai "
        "raisonnable ({{ cit.ce_avis_436288 }}) ; la même exigence vaut pour la convocation "
        "qui conditionne la suite de la procédure [à vérifier : transposition de cet avis]."
    )
    d.verifier("recevabilite")
    _urgency(d)
    _conclusions(
        d,
        "d'enjoindre au {{ prefet }} de convoquer la partie requérante pour "
        "{{ convocation_objet }} dans un délai de "
        + TODO.format("nombre")
        + " jours à compter de la notification de l'ordonnance, le rendez-vous devant avoir "
        "lieu dans un délai de " + TODO.format("nombre") + " jours",
    )
    return d


def annulation_dir(d: Any) -> Any:
    """Draft requête en annulation of the implicit rejection (recours pour excès de pouvoir)."""
    _caption(d, "REQUÊTE EN ANNULATION", "(recours pour excès de pouvoir)")
    d.heading("I. FAITS ET PROCÉDURE")
    _filing_facts(d, first_person=False)
    d.p(
        "Aucune décision expresse n'a été notifiée. Le silence gardé sur la demande a fait "
        "naître une décision implicite de rejet le {{ date_dir }} ({{ cit.ceseda_r432_1 }} ; "
        "{{ cit.ce_avis_493514 }} ; {{ cit.ce_avis_499904 }}), dont l'annulation est demandée."
    )
    d.tag("{%p if motifs_demandes_le %}")
    d.p(
        "Les motifs de cette décision ont été demandés le {{ motifs_demandes_le }}"
        "{% if motifs_recus_le %} et communiqués le {{ motifs_recus_le }}{% else %} ; ils n'ont "
        "pas été communiqués{% endif %}."
    )
    d.tag("{%p endif %}")
    d.verifier("faits")
    d.heading("II. DISCUSSION")
    d.heading("Sur la recevabilité")
    d.p(
        "La requête est présentée dans le délai de recours contentieux "
        "({{ cit.ce_avis_504677 }}). " + TODO.format("date d'enregistrement et calcul du délai")
    )
    d.verifier("recevabilite")
    d.heading("Sur la légalité externe")
    d.tag("{%p if motifs_demandes_le and not motifs_recus_le %}")
    d.p(
        "Les motifs de la décision implicite, demandés le {{ motifs_demandes_le }}, n'ont pas "
        "été communiqués dans le délai d'un mois prévu à l'{{ cit.crpa_l232_4 }}."
    )
    d.tag("{%p endif %}")
    d.p(TODO.format("autres moyens de légalité externe"))
    d.heading("Sur la légalité interne")
    d.p(
        TODO.format(
            "moyens de légalité interne : droit au séjour, erreur d'appréciation, vie privée et familiale"
        )
    )
    d.heading("PAR CES MOTIFS")
    d.p("La partie requérante demande au {{ tribunal }} :")
    d.p("– d'annuler la décision implicite par laquelle le {{ prefet }} a rejeté sa demande ;",
        indent_cm=0.8)  # fmt: skip
    d.p(
        "– d'enjoindre au même préfet de "
        + TODO.format("délivrer le titre sollicité / réexaminer la demande")
        + " dans un délai de "
        + TODO.format("nombre")
        + " jours et, dans l'attente, de lui "
        "délivrer une attestation de prolongation d'instruction ;",
        indent_cm=0.8,
    )
    d.p(
        "– de mettre à la charge de l'État la somme de "
        + TODO.format("montant")
        + " euros au titre de l'{{ cit.cja_l761_1 }}.",
        indent_cm=0.8,
    )
    d.p("Fait à {{ lieu_lettre }}, le {{ date_lettre }}", align="left", before=10)
    d.tag("{%p if par_avocat %}")
    d.p(TODO.format("signature de l'avocat"), align="left", indent_cm=9)
    d.tag("{%p else %}")
    d.p("{{ nom }}", align="left", indent_cm=9)
    d.p("Signature :", align="left", indent_cm=9)
    d.tag("{%p endif %}")
    d.pieces("BORDEREAU DES PIÈCES")
    return d


def suspension_dir(d: Any) -> Any:
    """Draft référé-suspension of the implicit rejection (L. 521-1 CJA)."""
    _caption(d, "REQUÊTE EN RÉFÉRÉ-SUSPENSION", "({{ cit.cja_l521_1 }})")
    d.heading("I. FAITS ET PROCÉDURE")
    _filing_facts(d, first_person=False)
    d.p(
        "Le silence gardé sur la demande a fait naître une décision implicite de rejet le "
        "{{ date_dir }} ({{ cit.ceseda_r432_1 }} ; {{ cit.ce_avis_499904 }}). Une requête en "
        "annulation de cette décision a été enregistrée le "
        + TODO.format("date")
        + " sous le numéro "
        + TODO.format("numéro")
        + "."
    )
    d.verifier("faits")
    d.heading("II. DISCUSSION")
    d.heading("Sur l'urgence")
    d.p(
        "{% if sans_document_depuis %}La partie requérante ne dispose d'aucun document de séjour "
        "depuis le {{ sans_document_depuis }}. {% endif %}"
        + TODO.format("urgence : emploi, ressources, droits sociaux, famille")
        + " ({{ cit.ce_453391 }})."
    )
    d.tag("{%p if justificatifs_urgence %}")
    d.p("Justificatifs{% if ref_urgence %} ({{ ref_urgence }}){% endif %} :")
    d.bullets("j in justificatifs_urgence", "{{ j }}")
    d.tag("{%p endif %}")
    d.p("{{ oqtf_texte }}")
    d.verifier("urgence")
    d.heading("Sur le doute sérieux quant à la légalité de la décision")
    d.tag("{%p if motifs_demandes_le and not motifs_recus_le %}")
    d.p(
        "Les motifs de la décision implicite, demandés le {{ motifs_demandes_le }}, n'ont pas "
        "été communiqués dans le délai d'un mois prévu à l'{{ cit.crpa_l232_4 }}."
    )
    d.tag("{%p endif %}")
    d.p(TODO.format("moyens propres à créer un doute sérieux, repris de la requête au fond"))
    _conclusions(
        d,
        "de suspendre l'exécution de la décision implicite de rejet née le {{ date_dir }} et "
        "d'enjoindre au {{ prefet }} de réexaminer la demande dans un délai de "
        + TODO.format("nombre")
        + " jours et, dans l'attente, de délivrer à la partie "
        "requérante une attestation de prolongation d'instruction",
    )
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


# name -> (builder, title)
PROCEDURE_TEMPLATES = {
    "prefet-api": (prefet_api, "Lettre au préfet : attestation de prolongation d'instruction"),
    "prefet-substitution": (prefet_substitution, "Lettre au préfet : solution de substitution"),
    "prefet-rdv": (prefet_rdv, "Lettre au préfet : convocation attendue"),
    "motifs": (motifs, "Demande de communication des motifs"),
    "refere-api": (refere_api, "Requête en référé « mesures utiles » : attestation de prolongation d'instruction"),
    "refere-substitution": (refere_substitution, "Requête en référé « mesures utiles » : solution de substitution"),
    "refere-rdv": (refere_rdv, "Requête en référé « mesures utiles » : convocation"),
    "annulation-dir": (annulation_dir, "Requête en annulation de la décision implicite de rejet"),
    "suspension-dir": (suspension_dir, "Requête en référé-suspension"),
    "attestation-anef": (attestation_anef, "Attestation sur l'honneur du demandeur"),
}  # fmt: skip
