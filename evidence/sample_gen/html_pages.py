"""HTML of the pages the applicant saved: ezbooking no-slot, RDV Préfecture no-slot,
and the load balancer's « Service surchargé » page. Shared by the HTML, MHTML and HAR
captures so that the same page reads the same everywhere.
"""

from __future__ import annotations

import json
from html import escape

from .common import (
    EZ_TITLE,
    FORM_ID,
    NO_SLOT_HEADING,
    NO_SLOT_MESSAGE,
    PREF_HOST,
    PREF_NAME,
    RDVPREF_DEMARCHE,
    RDVPREF_NO_SLOT,
)

_PREF_HEADER = f"""\
<header role="banner" class="fr-header">
  <div class="fr-header__body"><div class="fr-container"><div class="fr-header__brand">
    <div class="fr-header__logo"><p class="fr-logo">République<br>Française</p></div>
    <div class="fr-header__service">
      <a href="https://{PREF_HOST}/" title="Accueil - {PREF_NAME}">
        <p class="fr-header__service-title">{PREF_NAME}</p>
      </a>
      <p class="fr-header__service-tagline">Les services de l'État en Seine-Maritime</p>
    </div>
  </div></div></div>
  <nav class="fr-nav" role="navigation" aria-label="Menu principal"><ul class="fr-nav__list">
    <li><a href="/Actualites">Actualités</a></li>
    <li><a href="/Politiques-publiques">Politiques publiques</a></li>
    <li><a href="/Demarches-administratives">Démarches administratives</a></li>
    <li><a href="/Services-de-l-Etat">Services de l'État</a></li>
    <li><a href="/Publications">Publications</a></li>
  </ul></nav>
</header>"""

_PREF_FOOTER = """\
<footer class="fr-footer" role="contentinfo"><div class="fr-container">
  <ul class="fr-footer__content-list">
    <li><a href="https://www.legifrance.gouv.fr">legifrance.gouv.fr</a></li>
    <li><a href="https://www.gouvernement.fr">gouvernement.fr</a></li>
    <li><a href="https://www.service-public.fr">service-public.fr</a></li>
    <li><a href="https://www.data.gouv.fr">data.gouv.fr</a></li>
  </ul>
  <ul class="fr-footer__bottom-list">
    <li><a href="/Plan-du-site">Plan du site</a></li>
    <li><a href="/Accessibilite">Accessibilité : non conforme</a></li>
    <li><a href="/Mentions-legales">Mentions légales</a></li>
    <li><a href="/Donnees-personnelles">Données personnelles</a></li>
  </ul>
</div></footer>"""


def ezbooking_no_slot(charset: str = "utf-8", step: int = 1) -> str:
    """The ezbooking « Vérification de disponibilité » page, declared in ``charset``."""
    action = f"/booking/create/{FORM_ID}/{step}"
    return f"""\
<!DOCTYPE html>
<html lang="fr" dir="ltr">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(EZ_TITLE)}</title>
<link rel="stylesheet" href="https://{PREF_HOST}/bundles/ezbooking/css/booking.css">
<link rel="stylesheet" href="https://{PREF_HOST}/extension/ide/design/dsfr/stylesheets/dsfr.min.css">
<script src="https://{PREF_HOST}/bundles/ezbooking/js/jquery.min.js"></script>
</head>
<body>
{_PREF_HEADER}
<main role="main" id="contenu" class="fr-container">
  <nav class="fr-breadcrumb" aria-label="vous êtes ici :"><ol class="fr-breadcrumb__list">
    <li><a class="fr-breadcrumb__link" href="/">Accueil</a></li>
    <li><a class="fr-breadcrumb__link" href="/Demarches-administratives">Démarches administratives</a></li>
    <li><a class="fr-breadcrumb__link" aria-current="page">Prise de rendez-vous</a></li>
  </ol></nav>
  <div id="inner_content" class="booking">
    <h2>{NO_SLOT_HEADING}</h2>
    <p class="ProcedureTitle">Titres de séjour – Renouvellement (Rouen)</p>
    <form id="FormBookingCreate" name="create" method="post" action="{action}" class="Booking">
      <fieldset>
        <div class="Bloc_Formulaire">
          {NO_SLOT_MESSAGE}
        </div>
        <input type="submit" name="finishStep" value="Terminer" class="Bouton_fond">
      </fieldset>
    </form>
    <p class="mentions">Les rendez-vous sont ouverts au fur et à mesure des disponibilités des guichets.</p>
  </div>
</main>
{_PREF_FOOTER}
</body>
</html>
"""


def overload() -> str:
    """What the load balancer sends when the booking service is overwhelmed (HTTP 503)."""
    return """\
<!DOCTYPE html>
<html lang="fr">
<head><meta charset="utf-8"><title>Service surchargé</title></head>
<body style="font-family: sans-serif; margin: 3em">
<h1>Service surchargé</h1>
<p>Le service de prise de rendez-vous reçoit actuellement trop de demandes.
Veuillez réessayer dans quelques minutes.</p>
<p style="color:#666">Erreur 503 – Service Unavailable</p>
</body>
</html>
"""


RDVPREF_TITLE = "Choix du créneau - RDV Préfecture - Renouvellement de titre de séjour (Rouen)"
LAST_PUBLICATION = (
    "Dernière mise en ligne de rendez-vous : le 24/03/2025 à 14:00 "
    "pour des créneaux de la semaine du 07/04/2025"
)
NEXT_PUBLICATION = "Prochaine mise en ligne de nouveaux rendez-vous : le 31/03/2025 à 14:00"


def rdv_prefecture_no_slot(css_cid: str, logo_cid: str) -> str:
    """A RDV Préfecture « créneau » page with no slot, as Chrome serialises it for MHTML."""
    state = {
        "demarche": {
            "id": RDVPREF_DEMARCHE,
            "libelle": "Renouvellement de titre de séjour",
            "prefecture": "76",
            "site": "Préfecture de la Seine-Maritime - Rouen",
        },
        "critere": {"datePremiereDispo": "", "dateDebut": "2025-03-27", "nbCreneaux": 0},
        "publication": {
            "derniere": "2025-03-24T14:00:00+01:00",
            "semaine": "2025-04-07",
            "prochaine": "2025-03-31T14:00:00+02:00",
        },
    }
    return f"""\
<!DOCTYPE html><html lang="fr" data-fr-theme="light"><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(RDVPREF_TITLE)}</title>
<base href="/rdvpref/">
<link rel="stylesheet" type="text/css" href="{css_cid}">
</head>
<body><app-root ng-version="17.3.12">
<header role="banner" class="fr-header"><div class="fr-header__body"><div class="fr-container">
  <div class="fr-header__brand"><p class="fr-logo">Ministère<br>de l'Intérieur</p>
  <img class="fr-responsive-img" src="{logo_cid}" alt="Marianne"></div>
  <div class="fr-header__service"><p class="fr-header__service-title">RDV Préfecture</p>
  <p class="fr-header__service-tagline">Prendre rendez-vous en préfecture</p></div>
</div></div></header>
<main id="main" role="main"><div class="fr-container fr-my-4w">
  <p class="fr-text--sm">{PREF_NAME} - Rouen</p>
  <h1 class="fr-h2">Renouvellement de titre de séjour</h1>
  <div class="fr-stepper"><h2 class="fr-stepper__title">Choix du créneau
    <span class="fr-stepper__state">Étape 2 sur 4</span></h2></div>
  <div class="fr-notice fr-notice--info"><div class="fr-container"><div class="fr-notice__body">
    <p class="fr-notice__title">{LAST_PUBLICATION}</p>
    <p class="fr-notice__title">{NEXT_PUBLICATION}</p>
  </div></div></div>
  <form class="fr-mt-4w" novalidate>
    <div class="fr-input-group"><label class="fr-label" for="dateDebut">À partir du</label>
    <input class="fr-input" type="date" id="dateDebut" name="dateDebut" value="2025-03-27"></div>
  </form>
  <div class="fr-alert fr-alert--warning fr-mt-3w" role="alert">
    <p>{RDVPREF_NO_SLOT}</p>
  </div>
  <p class="fr-mt-2w">Aucun créneau disponible sur cette semaine</p>
</div></main>
<footer class="fr-footer" role="contentinfo"><div class="fr-container">
  <p class="fr-footer__content-desc">RDV Préfecture est un service du ministère de l'Intérieur.</p>
</div></footer>
</app-root>
<script id="ng-state" type="application/json">{json.dumps(state, ensure_ascii=False)}</script>
</body></html>
"""
