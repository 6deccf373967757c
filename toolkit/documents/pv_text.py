"""The words of the procès-verbal de tentative: formatting of times and the content of each
section, from a capture's facts (see :mod:`toolkit.documents.capture_pv`)."""

from __future__ import annotations

from datetime import UTC, datetime

from toolkit.documents.capture_facts import CaptureFacts, TokenFact, token_file_names
from toolkit.documents.flow import Block
from toolkit.documents.layout import SMALL, Style
from toolkit.frenchdates import date_fr, plural_fr, utc_offset
from toolkit.model import OUTCOME_LABELS_FR

SYSTEM_LABELS_FR = {
    "ezbooking": "module de réservation des sites des préfectures (ezbooking)",
    "rdv-prefecture": "RDV Préfecture",
    "eappointment": "eAppointment",
    "rdv-service-public": "RDV Service Public",
    "anef": "ANEF (administration numérique des étrangers en France)",
    "unknown": "non reconnu",
}
HOW_FR = {
    "typed": "Ouverture de l'adresse",
    "link": "Suivi du lien",
    "redirect": "Redirection HTTP vers",
}
CELL = Style(7.2, leading=1.25)
MONO = Style(6.6, family="dejavumono", leading=1.3)


def local_fr(when: datetime, facts: CaptureFacts, *, ms: bool = True) -> str:
    """« jeudi 14 mars 2025 à 09:05:12,345 (Europe/Paris, UTC+01:00) »."""
    t = facts.local(when)
    clock = f"{t:%H:%M:%S}" + (f",{t.microsecond // 1000:03d}" if ms else "")
    return f"{date_fr(t, weekday=True)} à {clock} ({facts.zone.key}, {utc_offset(t)})"


def clock_fr(when: datetime, facts: CaptureFacts) -> str:
    t = facts.local(when)
    return f"{t:%H:%M:%S},{t.microsecond // 1000:03d}"


def seconds_fr(ms: float) -> str:
    """« +0,4 s », « −1,2 s », « 0,0 s »."""
    value = round(ms / 1000, 1)
    if value == 0:
        return "0,0 s"
    return f"{value:+.1f} s".replace(".", ",").replace("-", "−")


def duration_fr(seconds: float) -> str:
    """« 3 s », « 12 min 5 s », « 2 h 05 min », « 3 j 4 h »."""
    s = round(abs(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60} s"
    if s < 86400:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    return f"{s // 86400} j {s % 86400 // 3600} h"


def qualified_fr(t: TokenFact) -> str:
    """What guichets knows of the TSA's status: only what its configuration cites."""
    if t.qualified is True:
        return (
            "indiquée comme service d'horodatage qualifié (règlement eIDAS) par la source que "
            "cite la configuration de guichets [à vérifier sur la liste de confiance de l'Union "
            "européenne : guichets ne l'a pas fait]"
        )
    if t.qualified is False:
        return "non indiquée comme qualifiée"
    return "autorité choisie par l'utilisateur ; guichets ne connaît pas son statut"


ROLE_FR = {
    "screenshot": "Capture de la page entière (PNG)",
    "har": "Journal des échanges réseau (HAR)",
    "mhtml": "Instantané de la page (MHTML)",
    "record": "Relevé de la capture (JSON)",
}


def object_pairs(facts: CaptureFacts) -> list[tuple[str, str]]:
    r = facts.row
    outcome = OUTCOME_LABELS_FR.get(facts.outcome, facts.outcome)
    system = SYSTEM_LABELS_FR.get(facts.system, facts.system)
    rule = f" (règle « {facts.rule} » du classificateur de guichets)" if facts.rule else ""
    pairs = [
        ("Adresse demandée", r["requested_url"]),
        ("Page de départ", r["start_url"] or "aucune (adresse ouverte directement)"),
        ("Adresse finale", r["final_url"] or ""),
        ("Réponse du serveur", f"HTTP {r['http_status']}" if r["http_status"] else "inconnue"),
        ("Service reconnu", system),
        ("Ce que montre la page", f"{outcome}, lu automatiquement sur la page{rule}"),
    ]
    page = facts.record.get("page", {})
    if page.get("slots"):
        pairs.append(("Créneaux lus", str(page["slots"])))
    return pairs


def steps_rows(facts: CaptureFacts) -> list[list[str]]:
    rec, r = facts.record, facts.row
    browser = rec.get("browser", {})
    cookies = browser.get("cookies_at_start")
    start = [f"Ouverture d'un contexte de navigation neuf dans Chromium {browser.get('version', '')} "
             "sans interface (profil temporaire ; ni cache, ni historique, ni extension"]  # fmt: skip
    if cookies is not None:
        start.append(f" ; cookies présents au départ, relevés : {cookies}")
    start.append(
        ") ; navigateur lancé avec l'option --no-proxy-server (aucun proxy configuré utilisé)"
        + (" ; envoi de formulaires bloqué" if browser.get("forms") else "")
        + "."
    )
    rows: list[tuple[datetime, str]] = [(r["started_at"], "".join(start))]
    ip = (rec.get("network") or {}).get("public_ip")
    if ip:
        when = datetime.fromisoformat(ip["asked_at"])
        text = (
            f"Adresse IP publique : le service {ip['service']} a répondu {ip['address']} à une "
            "requête directe de guichets (distincte de celles du navigateur, sans proxy)."
            if "address" in ip
            else f"Adresse IP publique demandée à {ip['service']} : non obtenue ({ip.get('error')})."
        )
        rows.insert(0, (when, text))
    for step in rec.get("path", []):
        when = datetime.fromisoformat(step["at"])
        what = f"{HOW_FR.get(step['how'], step['how'])} {step['url']}"
        if step.get("link_text"):
            what = f"Suivi du lien « {step['link_text']} » vers {step['url']}"
        if step.get("status"):
            what += f" — réponse HTTP {step['status']}"
            if step.get("server"):
                host, _, port = str(step["server"]).rpartition(":")
                what += f" du serveur d'adresse IP {host} (port {port})"
        what += "."
        if step.get("note"):
            what += f" ({_note_fr(step['note'])})"
        rows.append((when, what))
    settle = rec.get("settle", {})
    busy = (
        "" if settle.get("network_idle", True) else ", réseau encore actif : page prise en l'état"
    )
    rows.append(
        (
            datetime.fromisoformat(rec["times"]["captured_at"]),
            "Attente du chargement de la page puis du repos du réseau "
            f"({settle.get('waited_ms', 0)} ms{busy}) ; capture de la page entière (PNG), "
            "instantané MHTML, lecture du contenu de la page (HTML).",
        )
    )
    rows.append(
        (
            r["finished_at"],
            "Fermeture du contexte : enregistrement du journal HAR ; fin de la capture.",
        )
    )
    rows.sort(key=lambda x: x[0])
    out = [[str(i), clock_fr(when, facts), text] for i, (when, text) in enumerate(rows, start=1)]
    day = facts.local(r["finished_at"]).date()
    for t in facts.tokens:
        if t.gen_time is not None:
            local = facts.local(t.gen_time)
            shown = f"{local:%H:%M:%S}*" if local.date() == day else f"{local:%d/%m/%Y %H:%M:%S}*"
            out.append(
                [
                    str(len(out) + 1),
                    shown,
                    f"Jeton d'horodatage reçu de l'autorité à l'adresse {t.tsa_url} sur le "
                    "manifeste des éléments (* heure inscrite dans le jeton par l'autorité).",
                ]
            )
    return out


def _note_fr(note: str) -> str:
    if note.startswith("no visible link"):
        return "aucun lien visible vers cette adresse sur la page de départ : adresse ouverte directement"
    if note.startswith("the link opens a new window"):
        return "le lien ouvrait une nouvelle fenêtre : adresse ouverte dans la même fenêtre"
    return note


def time_pairs(facts: CaptureFacts, times: dict) -> list[tuple[str, str]]:
    r = facts.row
    pairs = [
        (
            "Heure retenue pour la tentative",
            local_fr(r["loaded_at"], facts)
            + " : heure de l'appareil à la réception de la réponse de la page (source « capture »)",
        ),
    ]
    if r["server_date"] is not None:
        pairs.append(
            (
                "Heure du serveur de la page",
                local_fr(r["server_date"], facts, ms=False)
                + " : en-tête HTTP Date de la réponse, à la seconde près",
            )
        )
    else:
        pairs.append(("Heure du serveur de la page", "non fournie (pas d'en-tête Date)"))
    offset = times.get("clock_offset")
    if offset:
        lo, hi = offset["range_ms"]
        pairs.append(
            (
                "Écart horloge serveurs − appareil",
                f"{seconds_fr(offset['median_ms'])} (médiane de {_responses_fr(offset['samples'])}, "
                f"de {seconds_fr(lo)} à {seconds_fr(hi)} ; estimation à ± 0,5 s près, plus le "
                "délai du réseau, l'en-tête Date étant à la seconde)",
            )
        )
    for t in facts.tokens:
        if t.gen_time is not None:
            acc = f", précision annoncée ± {t.accuracy_ms / 1000:g} s" if t.accuracy_ms else ""
            after = (t.gen_time - r["finished_at"]).total_seconds()
            if abs(after) < 2:
                gap = "à moins de 2 s de la fin de la capture"
            elif after > 0:
                gap = f"{duration_fr(after)} après la fin de la capture"
            else:
                gap = f"{duration_fr(after)} avant la fin de la capture"
            gap += " lue à l'horloge de l'appareil (deux horloges différentes)"
            if after > 120:
                gap += (
                    " ; jeton obtenu après coup : il ne prouve l'existence des éléments qu'à "
                    "partir de sa propre heure"
                )
            pairs.append(
                (
                    f"Heure de l'autorité d'horodatage ({t.tsa_name})",
                    f"{local_fr(t.gen_time, facts, ms=False)}{acc} ; {gap}",
                )
            )
    return pairs


def environment_pairs(facts: CaptureFacts) -> list[tuple[str, str]]:
    rec = facts.record
    b, system, network = rec.get("browser", {}), rec.get("system", {}), rec.get("network", {})
    removed = rec.get("har_removed", {}).get("counts", {})
    proxies = network.get("environment")
    ip = network.get("public_ip")
    cookies = b.get("cookies_at_start")
    methods = rec.get("requests_by_method") or {}
    if not ip:
        ip_text = "non relevée (option --record-ip non utilisée)"
    elif "address" in ip:
        ip_text = (
            f"{ip['address']}, selon le service {ip['service']}, interrogé par guichets juste "
            "avant la session ; ce service n'est pas certifié et la requête n'est pas passée par "
            "le navigateur"
        )
    else:
        ip_text = f"non obtenue du service {ip['service']} ({ip.get('error')})"
    pairs = [
        (
            "Navigateur",
            f"Chromium {b.get('version', '')} sans interface, piloté par "
            f"{b.get('automation', '')} ; programme {b.get('executable', '')}",
        ),
        ("Identifiant envoyé (User-Agent)", b.get("user_agent", "")),
        (
            "Profil",
            "profil temporaire neuf ; un contexte de navigation neuf pour cette capture "
            "(ni cache, ni stockage, ni historique, ni extension"
            + (f" ; cookies présents au départ, relevés : {cookies}" if cookies is not None else "")
            + ")",
        ),
        (
            "Fenêtre, langue",
            f"{b.get('viewport', {}).get('width')} × "
            f"{b.get('viewport', {}).get('height')} pixels ; {b.get('locale', '')}",
        ),
        (
            "Proxy",
            "Chromium lancé avec l'option --no-proxy-server : il n'utilise aucun proxy configuré "
            "sur l'appareil ; variables d'environnement de proxy : "
            + (
                ", ".join(f"{k} = {v}" for k, v in proxies.items())
                if isinstance(proxies, dict)
                else "aucune"
            )
            + ". Un proxy transparent ou un VPN placé sur le réseau ne se voit pas depuis "
            "l'appareil.",
        ),
        ("Adresse IP publique", ip_text),
        (
            "Système",
            f"{system.get('distribution') or system.get('os', '')} ({system.get('machine', '')}), "
            f"Python {system.get('python', '')}, {system.get('tool', '')}",
        ),
        ("Fuseau de l'appareil", str(system.get("device_timezone", ""))),
        (
            "Journal HAR",
            "valeurs des en-têtes Cookie, Set-Cookie, Authorization, Proxy-Authorization et des "
            "cookies remplacées avant le calcul des empreintes ("
            + (", ".join(f"{k} : {v}" for k, v in removed.items()) or "aucune trouvée")
            + ") ; le reste tel qu'enregistré par le navigateur",
        ),
    ]
    if b.get("forms"):
        pairs.append(
            (
                "Formulaires",
                "envoi bloqué dans chaque page par un script ajouté par guichets (le contenu de "
                "la page n'est pas modifié)",
            )
        )
    requests = ", ".join(f"{k} : {v}" for k, v in methods.items())
    pairs.append(
        (
            "Échanges enregistrés",
            _responses_fr(rec.get("responses"))
            + (
                f" ; requêtes envoyées par le navigateur, par méthode : {requests}"
                if requests
                else ""
            ),
        )
    )
    return pairs


def token_blocks(facts: CaptureFacts) -> list[Block]:
    if not facts.tokens:
        return [
            Block(
                "p",
                "Aucun horodatage n'a été demandé pour cette capture : rien ne date ces éléments "
                "de façon certaine ; leur empreinte prouve seulement qu'ils n'ont pas changé depuis "
                "leur enregistrement dans le dossier. Un jeton obtenu plus tard (guichets "
                "timestamp) ne prouvera leur existence qu'à partir de sa propre heure.",
            )
        ]
    out = []
    for t in facts.tokens:
        if t.gen_time is None:
            out.append(
                Block(
                    "p",
                    f"Demande d'horodatage auprès de {t.tsa_name} ({t.tsa_url}) en attente depuis "
                    f"le {local_fr(t.requested_at, facts, ms=False)} (autorité injoignable : "
                    f"{t.last_error}). Tant qu'aucun jeton n'est obtenu, sur ce manifeste ou sur un autre "
                    "qui les liste, rien ne date ces éléments "
                    "de façon certaine ; un jeton obtenu plus tard ne prouvera leur existence "
                    "qu'à partir de sa propre heure.",
                )
            )
            continue
        names = token_file_names(facts.stem, t)
        out.append(
            Block(
                "kv",
                pairs=[
                    ("Autorité d'horodatage", f"{t.tsa_name} — {t.tsa_url} — {qualified_fr(t)}"),
                    (
                        "Heure du jeton",
                        local_fr(t.gen_time, facts, ms=False)
                        + f" ; {t.gen_time.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC",
                    ),
                    ("Numéro de série, politique", f"{t.serial} ; {t.policy or 'non indiquée'}"),
                    ("Certificat signataire (nom qu'il porte)", t.tsa_subject or ""),
                    (
                        "Racine de la chaîne",
                        f"{t.root_subject} — empreinte SHA-256 {t.root_sha256} ; racine "
                        "présentée par l'autorité, que guichets n'a comparée à aucune liste de "
                        "confiance",
                    ),
                    ("Fichiers joints", f"{names['token']}, {names['root']}, {names['chain']}"),
                ],
            )
        )
    return out


def verify_blocks(facts: CaptureFacts) -> list[Block]:
    lines = [
        Block(
            "p",
            "Les fichiers nécessaires sont joints à ce PDF (pièces jointes ; par exemple "
            "« pdfdetach -saveall » de poppler, ou le panneau des pièces jointes d'un lecteur PDF). "
            "Dans le dossier où ils ont été extraits :",
        ),
        Block(
            "p",
            "a) les éléments sont ceux du manifeste (chaque ligne doit donner « OK ») :",
            style=SMALL,
        ),
        Block("code", lines=[f"sha256sum -c {facts.manifest_name}"]),
    ]
    granted = [t for t in facts.tokens if t.gen_time is not None]
    if granted:
        lines.append(
            Block(
                "p",
                "b) chaque jeton porte sur ce manifeste, est signé par le certificat qu'il désigne et "
                "rattaché à la racine jointe (la réponse attendue est « Verification: OK » ; la "
                "commande tient sur une seule ligne) :",
                style=SMALL,
            )
        )
        for t in granted:
            n = token_file_names(facts.stem, t)
            lines.append(
                Block(
                    "code",
                    lines=[
                        f"openssl ts -verify -in {n['token']} -data {facts.manifest_name} "
                        f"-CAfile {n['root']} -untrusted {n['chain']}"
                    ],
                )
            )
        lines.append(
            Block(
                "p",
                "c) l'empreinte SHA-256 de la racine, imprimée en section 6, se compare à celle que "
                "publie l'autorité ou la liste de confiance de l'Union européenne ; openssl ne "
                "vérifie que la cohérence de la chaîne avec la racine fournie.",
                style=SMALL,
            )
        )
        lines.append(
            Block(
                "code",
                lines=[
                    f"openssl x509 -in {token_file_names(facts.stem, granted[0])['root']} -noout -fingerprint -sha256"
                ],
            )
        )
    lines.append(
        Block(
            "p",
            "Dans le dossier guichets lui-même, « guichets verify » refait toutes ces vérifications "
            "hors ligne, pour tous les éléments et tous les jetons.",
            style=SMALL,
        )
    )
    return lines


def limit_blocks(facts: CaptureFacts, times: dict) -> list[Block]:
    agent = str(facts.record.get("browser", {}).get("user_agent", ""))
    items = [
        "L'heure de la tentative est celle de l'horloge de l'appareil, qui n'est pas certifiée ; "
        "l'écart avec l'horloge des serveurs est donné en section 4.",
        "Un jeton d'horodatage prouve que les éléments existaient, tels quels, au plus tard à "
        "l'heure du jeton ; il ne prouve pas l'heure de la capture elle-même. Le journal HAR et "
        "le relevé sont écrits par le navigateur et par guichets, non signés par le serveur : "
        "le jeton empêche de les modifier après son heure, non avant.",
        "L'identité de l'autorité d'horodatage repose sur la racine de sa chaîne de certificats, "
        "dont l'empreinte est donnée en section 6 ; guichets ne l'a comparée ni à la publication "
        "de l'autorité ni à la liste de confiance de l'Union européenne.",
        "L'option --no-proxy-server, les variables de proxy et l'adresse IP décrivent l'appareil "
        "et ce qu'un service en a vu ; ce qui se trouve entre l'appareil et le serveur (réseau "
        "local, fournisseur d'accès, VPN) n'est pas vérifié.",
        "Le navigateur était piloté par un logiciel"
        + (
            " et s'annonçait comme tel (« HeadlessChrome » dans son identifiant)"
            if "Headless" in agent
            else ""
        )
        + " : un service peut répondre autrement à un navigateur automatisé, par exemple par une "
        "page de blocage ou un captcha.",
        "La capture montre ce que le service a répondu à cette session, à ce moment ; elle ne dit "
        "rien de ce qu'il aurait répondu à un autre moment ou à un autre utilisateur.",
        "Le résultat « " + OUTCOME_LABELS_FR.get(facts.outcome, facts.outcome) + " » est lu "
        "automatiquement par une règle sur le texte de la page ; la capture d'écran jointe permet "
        "de le contrôler.",
    ]
    if facts.record.get("notes"):
        items.append("Observations du logiciel : " + " ; ".join(facts.record["notes"]) + ".")
    return [Block("p", f"– {text}", style=SMALL) for text in items]


# --- the standalone PDF ---------------------------------------------------------------------


def _responses_fr(count: object) -> str:
    """« 1 réponse », « 12 réponses »; a record without the count says so."""
    if isinstance(count, int):
        return plural_fr(count, "réponse", "réponses")
    return "nombre de réponses non enregistré"
