"""The page types of each booking system, as a person sees them: what the screen shows.

Each :class:`Page` is a list of blocks (heading, paragraph, radio list, slot table,
calendar, list of times, captcha image or widget, button, alert) drawn by
``booking_screens.render`` in a desktop or phone browser. The wording follows the real
services (DOMAIN.md, booking systems); ids, form numbers and addresses are invented.
``outcome`` is what a careful reader of the screenshot would say the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from .common import FORM_ID, NO_SLOT_HEADING, NO_SLOT_MESSAGE, PREF_HOST, RDVPREF_NO_SLOT

Block = tuple[str, object]

EZ = f"https://{PREF_HOST}/booking/create/{FORM_ID}"
RDVPREF = "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/3456"
EAPP = "https://rdv-etrangers-94.interieur.gouv.fr/eAppointmentpref94/element/jsp/appointment.jsp"
ANEF = (
    "https://administration-etrangers-en-france.interieur.gouv.fr/particuliers/#/espace-personnel"
)


@dataclass(frozen=True)
class Page:
    system: str  # the booking system the page belongs to
    outcome: str  # what the page shows (a step is "unknown")
    url: str
    title: str  # the browser tab's title
    site: str  # page header: prefecture, rdvpref, eappointment, anef or bare
    blocks: tuple[Block, ...]


_GUICHETS = (
    "Guichet 1 - Renouvellement de titre de séjour",
    "Guichet 2 - Première demande de titre de séjour",
    "Guichet 3 - Remise de titre de séjour",
)
_WEEK = ("lun. 10/03", "mar. 11/03", "mer. 12/03", "jeu. 13/03", "ven. 14/03")

PAGES: dict[str, Page] = {
    "ezbooking.no_slot": Page(
        "ezbooking", "no_slot", f"{EZ}/1", "Prise de rendez-vous", "prefecture",
        (("h1", NO_SLOT_HEADING), ("box", NO_SLOT_MESSAGE), ("button", "Terminer")),
    ),
    "ezbooking.slots": Page(
        "ezbooking", "slots_available", f"{EZ}/4", "Prise de rendez-vous", "prefecture",
        (
            ("h1", "Choix d'une plage horaire"),
            ("p", "Cliquez sur une plage horaire libre pour la réserver."),
            ("table", (_WEEK, ("09:00", "complet", "libre", "complet", "libre", "complet"),
                       ("09:30", "libre", "complet", "complet", "complet", "libre"))),
        ),
    ),
    "ezbooking.guichet_step": Page(
        "ezbooking", "unknown", f"{EZ}/2", "Prise de rendez-vous", "prefecture",
        (
            ("h1", "Choix de la nature du rendez-vous"),
            ("p", "Veuillez choisir le guichet correspondant à votre démarche :"),
            ("radios", _GUICHETS),
            ("button", "Etape suivante"),
        ),
    ),
    "ezbooking.conditions_step": Page(
        "ezbooking", "unknown", f"{EZ}/0", "Prise de rendez-vous", "prefecture",
        (
            ("h1", "Prise de rendez-vous"),
            ("box", "Veuillez cocher la case pour accepter les conditions d'utilisation avant "
                    "de continuer le processus de prise de rendez-vous."),
            ("radios", ("J'accepte les conditions d'utilisation",)),
            ("button", "Effectuer une demande de rendez-vous"),
        ),
    ),
    "captcha.captchetat": Page(
        "ezbooking", "captcha", f"{EZ}/0", "Prise de rendez-vous", "prefecture",
        (
            ("h1", "Prise de rendez-vous"),
            ("p", "Veuillez recopier les caractères de l'image ci-dessous :"),
            ("captcha", "code"),
            ("input", "Caractères de l'image"),
            ("button", "Suivant"),
        ),
    ),
    "captcha.math": Page(
        "rdv-prefecture", "captcha", f"{RDVPREF}/", "RDV Préfecture", "rdvpref",
        (
            ("h1", "Vérification"),
            ("p", "Pour continuer, saisissez le résultat de l'opération affichée dans l'image :"),
            ("captcha", "7 + 4 = ?"),
            ("input", "Résultat"),
            ("button", "Valider"),
        ),
    ),
    "captcha.recaptcha": Page(
        "rdv-service-public", "captcha", "https://rdv.anct.gouv.fr/prendre_rdv", "RDV Service Public",
        "bare",
        (
            ("h1", "Vérification de sécurité"),
            ("p", "Cochez la case ci-dessous pour continuer."),
            ("recaptcha", "Je ne suis pas un robot"),
        ),
    ),
    "rdvpref.no_slot": Page(
        "rdv-prefecture", "no_slot", f"{RDVPREF}/creneau/", "RDV Préfecture", "rdvpref",
        (("h1", "Choisissez votre créneau"), ("alert", RDVPREF_NO_SLOT)),
    ),
    "rdvpref.slots": Page(
        "rdv-prefecture", "slots_available", f"{RDVPREF}/creneau/", "RDV Préfecture", "rdvpref",
        (
            ("h1", "Choisissez votre créneau"),
            ("p", "Mercredi 12 mars 2025"),
            ("times", ("09h00", "09h15", "09h30", "10h45", "11h00")),
            ("button", "Valider le créneau"),
        ),
    ),
    "eappointment.calendar": Page(
        "eappointment", "slots_available", EAPP, "Prise de rendez-vous", "eappointment",
        (
            ("h1", "3/4 : Lieu, date et heure"),
            ("p", "Veuillez sélectionner la date puis l'heure souhaitée."),
            ("calendar", "Mars 2025"),
        ),
    ),
    "eappointment.time_list": Page(
        "eappointment", "slots_available", EAPP, "Prise de rendez-vous", "eappointment",
        (
            ("h1", "3/4 : Lieu, date et heure"),
            ("p", "Mercredi 12 mars 2025"),
            ("h2", "Choix d'une heure"),
            ("times", ("09:00", "09:20", "09:40", "14:00")),
        ),
    ),
    "eappointment.no_slot": Page(
        "eappointment", "no_slot", EAPP, "Prise de rendez-vous", "eappointment",
        (
            ("h1", "3/4 : Lieu, date et heure"),
            ("alert", "Aucun rendez-vous n'est possible pour les motifs sélectionnés."),
        ),
    ),
    "cloudflare.blocked": Page(
        "rdv-prefecture", "blocked", f"{RDVPREF}/creneau/", "Attention Required! | Cloudflare",
        "bare",
        (
            ("h1", "Sorry, you have been blocked"),
            ("p", "You are unable to access interieur.gouv.fr"),
            ("h2", "Why have I been blocked?"),
            ("p", "This website is using a security service to protect itself from online "
                  "attacks. The action you just performed triggered the security solution."),
            ("small", "Cloudflare Ray ID: 8a1f2b3c4d5e6f70 • Performance & security by Cloudflare"),
        ),
    ),
    "cloudflare.challenge": Page(
        "rdv-prefecture", "blocked", f"{RDVPREF}/creneau/", "Just a moment...", "bare",
        (
            ("h1", "rdv-prefecture.interieur.gouv.fr"),
            ("h2", "Just a moment..."),
            ("p", "Verify you are human by completing the action below."),
            ("p", "rdv-prefecture.interieur.gouv.fr needs to review the security of your "
                  "connection before proceeding."),
        ),
    ),
    "http.403": Page(
        "rdv-prefecture", "blocked", f"{RDVPREF}/creneau/", "403 Forbidden", "bare",
        (("h1", "403 Forbidden"), ("p", "Request forbidden by administrative rules.")),
    ),
    "anef.maintenance": Page(
        "anef", "maintenance", ANEF, "ANEF", "anef",
        (
            ("h1", "Site en maintenance"),
            ("p", "Le site est actuellement en maintenance. Nous vous prions de nous excuser "
                  "pour la gêne occasionnée. Veuillez réessayer ultérieurement."),
        ),
    ),
    "anef.error": Page(
        "anef", "error", ANEF, "ANEF", "anef",
        (
            ("h1", "Une erreur technique est survenue"),
            ("p", "Le service est momentanément indisponible. Veuillez réessayer plus tard."),
        ),
    ),
    "service.overloaded": Page(
        "ezbooking", "error", f"{EZ}/1", "Service surchargé", "bare",
        (
            ("h1", "Service surchargé"),
            ("p", "Le service de prise de rendez-vous reçoit actuellement trop de demandes. "
                  "Veuillez réessayer dans quelques minutes."),
        ),
    ),
}  # fmt: skip
