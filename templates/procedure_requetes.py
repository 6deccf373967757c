"""Templates of the requêtes about the procedure: référés « mesures utiles » (attestation,
substitution, convocation), and the challenge of an implicit rejection (annulation and
référé-suspension). A requête speaks of the applicant in the third person."""

from __future__ import annotations

from typing import Any

from procedure_common import TODO, filing_facts, listed

# an avocat signs where the cabinet is; the applicant where he lives
PLACE_DATE = (
    "Fait à {% if par_avocat %}" + TODO.format("lieu") + "{% else %}{{ lieu_lettre }}{% endif %}"
    ", le {{ date_lettre }}"
)
WITHIN = (
    "dans un délai de "
    + TODO.format("nombre")
    + " jours à compter de la notification de l'ordonnance"
)


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
    d.caption(title, basis)


def _facts(d: Any, title: str, basis: str, heading: str) -> None:
    """The requête's heading, then the facts of the demand (in the third person)."""
    _caption(d, title, basis)
    d.heading(heading)
    filing_facts(d, first_person=False)


def _reasons_not_given(d: Any) -> None:
    """The reasons asked for and not given within a month (L. 232-4 CRPA), when so."""
    d.tag("{%p if motifs_demandes_le and not motifs_recus_le %}")
    d.p(
        "Les motifs de la décision implicite, demandés le {{ motifs_demandes_le }}, n'ont pas "
        "été communiqués dans le délai d'un mois prévu à l'{{ cit.crpa_l232_4 }}."
    )
    d.tag("{%p endif %}")


def _urgency_proofs(d: Any) -> None:
    """The urgency documents and the OQTF situation, and what a draft must check there."""
    d.tag("{%p if justificatifs_urgence %}")
    d.p("Justificatifs{% if ref_urgence %} ({{ ref_urgence }}){% endif %} :")
    d.bullets("j in justificatifs_urgence", "{{ j }}")
    d.tag("{%p endif %}")
    d.p("{{ oqtf_texte }}")
    d.verifier("urgence")


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
    _urgency_proofs(d)


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
    d.signature(PLACE_DATE)
    d.pieces("BORDEREAU DES PIÈCES")


def refere_api(d: Any) -> Any:
    """Référé « mesures utiles » for the attestation de prolongation d'instruction."""
    _facts(d, "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »", "({{ cit.cja_l521_3 }})", "I. FAITS")
    listed(d, "demandes_prefet", "Le préfet a été saisi par écrit, sans réponse reçue :")
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
        "prolongation d'instruction " + WITHIN + ", et de la renouveler jusqu'à ce "
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
    listed(d, "incidents", "Les dysfonctionnements suivants ont été constatés"
           "{% if ref_pages_anef %} ({{ ref_pages_anef }}){% endif %} :")  # fmt: skip
    listed(d, "diligences", "Les démarches suivantes ont été accomplies pour obtenir de l'aide :")
    listed(d, "demandes_prefet", "Le préfet a été saisi par écrit :")
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
        "par la solution de substitution prévue à l'article R. 431-2 du CESEDA, " + WITHIN,
    )
    return d


def refere_rdv(d: Any) -> Any:
    """Référé « mesures utiles » for a biometrics or remise convocation."""
    _facts(d, "REQUÊTE EN RÉFÉRÉ « MESURES UTILES »", "({{ cit.cja_l521_3 }})", "I. FAITS")
    d.p(
        "Depuis le {{ convocation_attendue_depuis }}, aucune convocation pour "
        "{{ convocation_objet }} n'a été reçue."
    )
    listed(d, "demandes_prefet", "Le préfet a été saisi par écrit :")
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
        "{{ convocation_objet }} " + WITHIN + ", le rendez-vous devant avoir "
        "lieu dans un délai de " + TODO.format("nombre") + " jours",
    )
    return d


def annulation_dir(d: Any) -> Any:
    """Draft requête en annulation of the implicit rejection (recours pour excès de pouvoir)."""
    _facts(d, "REQUÊTE EN ANNULATION", "(recours pour excès de pouvoir)", "I. FAITS ET PROCÉDURE")
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
    _reasons_not_given(d)
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
    d.signature(PLACE_DATE)
    d.pieces("BORDEREAU DES PIÈCES")
    return d


def suspension_dir(d: Any) -> Any:
    """Draft référé-suspension of the implicit rejection (L. 521-1 CJA)."""
    _facts(d, "REQUÊTE EN RÉFÉRÉ-SUSPENSION", "({{ cit.cja_l521_1 }})", "I. FAITS ET PROCÉDURE")
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
    _urgency_proofs(d)
    d.heading("Sur le doute sérieux quant à la légalité de la décision")
    _reasons_not_given(d)
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
