"""Keyed pseudonyms and the generalisation of values that could carry a name.

Pseudonyms
    ``pseudonym(key, applicant_id)`` is the first 16 hex digits of
    HMAC-SHA256(key, applicant_id). The key is 32 random bytes kept in the workspace
    (``secret.key``, created on the first export, mode 600) or given as a key file; an
    association hands the same key file to its lawyers so that one person followed by two
    lawyers gets the same pseudonym in both bundles. Without the key a pseudonym cannot be
    linked back to the id (nor confirmed by guessing ids). Ids of attempts and documents
    are keyed the same way (``keyed_id``) because the workspace derives them from the
    applicant id.

URLs (``url_pattern``)
    Only ``http``/``https`` URLs keep a host, and only a host under ``gouv.fr`` (every
    préfecture and ministry booking service lives there) or in ``PUBLIC_HOSTS``; any other
    host becomes ``{host}``. A kept host keeps only the labels the booking services use
    (``HOST_LABELS``, the départements' names as préfecture sites write them, digit runs as
    ``{n}``); any other label becomes ``{s}`` (``www.ines-fictive.gouv.fr`` names nobody in a
    bundle: ``www.{s}.gouv.fr``). User name, password, query string and fragment are dropped
    (they hold session ids, e-mail addresses, names typed into forms). Each path segment
    becomes ``{n}`` when it is a number, stays when, with its digit runs written ``{n}``,
    it is a known word of the booking systems (``KNOWN_SEGMENTS``), becomes ``{id}`` when it
    looks like a token (digits mixed with letters, long hex, UUID) and ``{s}`` otherwise — an
    unknown word may be a name. Other schemes keep only the scheme (``file:``, ``mailto:``
    would carry a user or an address). Patterns are fixed points: generalising
    ``https://www.seine-maritime.gouv.fr/booking/create/{n}/{n}`` again gives the same text.

Probe sites (``site_pattern``)
    A crawl's site is free text (« Rouen — guichet étrangers », a URL, whatever the robot
    wrote). A URL is generalised as above; text keeps its words that name a place or a
    service (``SITE_WORDS``, préfecture and département names), numbers of up to three digits,
    and writes ``{s}`` for any other word and ``{n}`` for the numbers of a site holding more
    than three digits. A site changed by
    this gets a keyed tag `` #`` + 8 hex (``keyed_id`` of the original site), so that two sites
    of one crawl stay two sites (probe ids are computed from the site) while the tag reveals
    nothing without the key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from toolkit.errors import InputError

KEY_NAME = "secret.key"
KEY_BYTES = 32
MIN_KEY_BYTES = 16
PSEUDONYM_HEX = 16
ID_HEX = 20

# Hosts outside gouv.fr that public booking services use (kept as they are).
PUBLIC_HOSTS: frozenset[str] = frozenset()

# Path words of the booking systems (DOMAIN.md), compared lower-case after digit runs
# are written {n}. Anything else in a path is generalised.
KNOWN_SEGMENTS: frozenset[str] = frozenset(
    {
        "{n}",
        "{id}",
        "{s}",
        # ezbooking
        "booking",
        "create",
        "cgu",
        "index.html",
        "index.php",
        # RDV Préfecture
        "rdvpref",
        "reservation",
        "demarche",
        "demarches",
        "creneau",
        "creneaux",
        "consentement",
        "informations",
        "confirmation",
        "publication",
        # eAppointment
        "eappointmentpref{n}",
        "eappointment",
        "element",
        "jsp",
        "appointment.jsp",
        "eappointment.jsp",
        # RDV Service Public, ANEF, préfecture sites
        "prendre_rdv",
        "prendre-rdv",
        "prendre-rendez-vous",
        "rendez-vous",
        "rendez_vous",
        "rdv",
        "lieux",
        "search",
        "public",
        "particuliers",
        "particulier",
        "usager",
        "usagers",
        "etrangers",
        "etranger",
        "demarches-administratives",
        "titre-de-sejour",
        "titres-de-sejour",
        "sejour",
        "accueil",
        "home",
        "login",
        "connexion",
        "maintenance",
        "erreur",
        "error",
        "fr",
        "en",
        "api",
        "v{n}",
    }
)

_TOKEN = re.compile(
    r"(?=[A-Za-z0-9_=~.-]*\d)[A-Za-z0-9_=~.-]{6,}"  # letters and digits mixed
    r"|[0-9a-fA-F]{8,}"  # long hex
    r"|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
_HEX = re.compile(r"[0-9a-fA-F]+")


# -- key ---------------------------------------------------------------------------------


def _parse_key(data: bytes, where: Path) -> bytes:
    text = data.strip()
    if re.fullmatch(rb"[0-9a-fA-F]{32,}", text) and len(text) % 2 == 0:
        return bytes.fromhex(text.decode("ascii"))  # a key written as hex text
    if len(data) < MIN_KEY_BYTES:
        raise InputError(
            f"{where}: a key of {len(data)} byte(s) is too short; use the secret.key file of "
            f"a workspace (32 random bytes) or at least {MIN_KEY_BYTES} random bytes"
        )
    return data


def read_key_file(path: str | os.PathLike[str]) -> bytes:
    """The key in ``path``: raw bytes (like ``secret.key``) or hex text."""
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise InputError(
            f"{p}: key file not found; give the secret.key the association shared"
        ) from None
    except OSError as e:
        raise InputError(f"{p}: cannot read the key file ({e.strerror})") from None
    return _parse_key(data, p)


def workspace_key(root: Path, *, create: bool = True) -> tuple[bytes, bool]:
    """The workspace key (``root/secret.key``) and whether it was just created (mode 600).

    A new key is written whole to a temporary file in the workspace's ``tmp/`` folder,
    flushed, then linked into place (never over an existing key): a full disk or a crash
    leaves no key rather than a damaged one. A damaged key (a crash of an older version)
    is named with what to do."""
    path = root / KEY_NAME
    if path.exists() or path.is_symlink():
        return _workspace_key(path), False
    if not create:
        raise InputError(f"{path}: no key yet; export a bundle once, or give --key-file")
    from toolkit.errors import os_failure
    from toolkit.scratch import TMP_DIR, new_file

    try:
        tmp = new_file(root / TMP_DIR, prefix="key-")
    except OSError as e:
        raise os_failure(e, path) from None
    try:
        with open(tmp, "wb") as f:
            f.write(secrets.token_bytes(KEY_BYTES))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.link(tmp, path)  # fails if a key appeared meanwhile: that one is kept
    except FileExistsError:
        return _workspace_key(path), False
    except OSError as e:
        raise os_failure(e, path) from None
    finally:
        tmp.unlink(missing_ok=True)
    return _workspace_key(path), True


def _workspace_key(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read the key file ({e.strerror})") from None
    if len(data) != KEY_BYTES and not re.fullmatch(rb"\s*(?:[0-9a-fA-F]{2}){16,}\s*", data):
        raise InputError(
            f"{path}: damaged ({len(data)} byte(s); a workspace key is {KEY_BYTES} random bytes): "
            "restore it from a backup, or, if no bundle was ever exported from this workspace "
            "(`guichets` wrote none with this key), delete it and a new one will be made"
        )
    return _parse_key(data, path)


def key_fingerprint(key: bytes) -> str:
    """8 hex digits naming a key (tells whether two bundles share one); reveals nothing of it."""
    return hashlib.sha256(key).hexdigest()[:8]


# -- keyed hashes ------------------------------------------------------------------------


def _mac(key: bytes, message: str) -> str:
    return hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def pseudonym(key: bytes, applicant_id: str) -> str:
    """First 16 hex of HMAC-SHA256(key, applicant_id)."""
    return _mac(key, applicant_id)[:PSEUDONYM_HEX]


def keyed_id(key: bytes, kind: str, value: str) -> str:
    """A row id that does not reveal the applicant id it was derived from."""
    return _mac(key, f"{kind}\x1f{value}")[:ID_HEX]


def manifest_mac(key: bytes, canonical: str) -> str:
    return _mac(key, "manifest\x1f" + canonical)


# -- generalisation ----------------------------------------------------------------------


def _segment(raw: str) -> str:
    seg = unquote(raw.split(";", 1)[0])  # ;jsessionid=… goes
    if seg == "":
        return ""
    if seg.isdigit():
        return "{n}"
    shape = re.sub(r"\d+", "{n}", seg)
    if shape.lower() in KNOWN_SEGMENTS:
        return shape
    if seg.isascii() and (_TOKEN.fullmatch(seg) or (len(seg) >= 16 and _HEX.fullmatch(seg))):
        return "{id}"
    return "{s}"


# Host labels of the booking services (DOMAIN.md), beside the départements' names.
HOST_LABELS: frozenset[str] = frozenset(
    {
        "{s}", "{n}", "www", "gouv", "fr", "interieur", "anct", "rdv", "pprdv",
        "rdv-prefecture", "rdv-etrangers-{n}", "administration-etrangers-en-france",
        "prefecturedepolice", "demarches", "demarche", "numerique", "service-public",
        "api", "agent", "accueil", "rendezvous", "rendez-vous", "etrangers",
    }
)  # fmt: skip


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Préfecture and département names and towns, folded as host labels and as words."""
    from toolkit.reference import prefectures
    from toolkit.reference.fold import fold

    names: set[str] = set()
    for p in prefectures():
        for text in (p.name, p.town):
            words = fold(text).split()
            names.update(words)
            names.add("-".join(words))
            names.add("".join(words))
            # préfecture sites drop the apostrophe's letter break: val-doise, cotes-darmor
            names.add(re.sub(r"-(d|l)-", r"-\1", "-".join(words)))
    return frozenset(names)


def _host(hostname: str | None) -> str:
    host = (hostname or "").lower().rstrip(".")
    public = host == "gouv.fr" or host.endswith(".gouv.fr") or host in PUBLIC_HOSTS
    if not public or not re.fullmatch(r"[a-z0-9.{}-]+", host):
        return "{host}"
    if host in PUBLIC_HOSTS:
        return host
    labels = []
    for label in host.split("."):
        shape = re.sub(r"\d+", "{n}", label)
        labels.append(shape if shape in HOST_LABELS or label in _place_names() else "{s}")
    return ".".join(labels)


def url_pattern(url: str | None) -> str | None:
    """Scheme, host and the path's shape, without anything a name could hide in."""
    if url is None:
        return None
    text = url.strip()
    if not text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return "{url}"
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        return f"{scheme}:" if re.fullmatch(r"[a-z][a-z0-9+.-]{0,15}", scheme) else "{url}"
    try:
        host = _host(parts.hostname)
    except ValueError:
        host = "{host}"
    path = "/".join(_segment(s) for s in parts.path.split("/"))
    if path and not path.startswith("/"):
        path = "/" + path
    return f"{scheme}://{host}{path}"


def time_detail_reader(detail: str | None) -> str | None:
    """``filename:macos-fr`` → ``filename``: which reader gave the time, nothing more."""
    if detail is None:
        return None
    reader = detail.split(":", 1)[0].strip().lower()
    return reader if re.fullmatch(r"[a-z_]{1,20}", reader) else None


def slug(value: str | None) -> str | None:
    """A vocabulary value (``ezbooking.no_slot``, ``permit``) or None for anything freer."""
    if value is None:
        return None
    return value if re.fullmatch(r"[a-z0-9][a-z0-9_.:-]{0,79}", value) else None


# Words of a site's name that name a service or a place, not a person (folded).
SITE_WORDS: frozenset[str] = frozenset(
    {
        "{s}", "{n}", "{id}", "prefecture", "sous", "sous-prefecture", "guichet", "guichets",
        "accueil", "service", "services", "bureau", "antenne", "etrangers", "etranger",
        "sejour", "titre", "titres", "de", "du", "des", "la", "le", "les", "l", "d", "et", "a",
        "au", "aux", "en", "rdv", "rendez", "vous", "rendez-vous", "robot", "site", "cellule",
        "police", "pp", "naturalisation", "asile", "renouvellement", "premiere", "demande",
        "changement", "statut", "duplicata", "retrait", "recepisse", "dcem", "voyage",
        "regularisation", "anef", "ezbooking", "eappointment", "rdv-prefecture", "principal",
        "annexe", "centre", "point", "maison", "france", "nord", "sud", "est", "ouest",
    }
)  # fmt: skip
_SITE_TAG = re.compile(r"(?P<base>.*) #[0-9a-f]{8}")
_SITE_TOKENS = re.compile(r"(\{[a-z]+\}|\w+)")


def _site_text(text: str) -> str:
    """Text with every word that is not a place or a service written ``{s}``."""
    from toolkit.reference.fold import fold

    few_digits = sum(c.isdigit() for c in text) <= 3  # a counter's number, not a phone's

    def word(m: re.Match[str]) -> str:
        w = m.group(1)
        if w.isdigit():
            return w if few_digits else "{n}"
        folded = fold(w).replace(" ", "")
        return w if folded in SITE_WORDS or folded in _place_names() or w in SITE_WORDS else "{s}"

    return _SITE_TOKENS.sub(word, text)


def _site_general(text: str) -> str:
    if "://" in text:
        return url_pattern(text) or "{url}"
    return _site_text(text)


def site_pattern(key: bytes, site: str | None) -> str | None:
    """A probe's site as a bundle carries it (see the module doc); None stays None."""
    if site is None:
        return None
    text = " ".join(site.split())
    if not text:
        return None
    general = _site_general(text)
    if general == text:
        return text
    return f"{general} #{keyed_id(key, 'site', text)[:8]}"


def site_is_general(site: str) -> bool:
    """Whether ``site`` is what :func:`site_pattern` writes (a bundle received is checked)."""
    tagged = _SITE_TAG.fullmatch(site)
    base = tagged.group("base") if tagged else site
    return base == " ".join(base.split()) and _site_general(base) == base


@lru_cache(maxsize=1)
def public_words() -> frozenset[str]:
    """Words an export may hold that name a place or a service, not a person (squashed:
    lower-case, no accents, letters and digits only): what the generalisers keep, the place
    names and the vocabularies."""
    from toolkit.model import Channel, Outcome, Procedure, System, TimeSource

    words = set(KNOWN_SEGMENTS) | set(HOST_LABELS) | set(SITE_WORDS) | set(_place_names())
    for vocabulary in (Channel, Outcome, Procedure, System, TimeSource):
        words.update(v.value for v in vocabulary)
    return frozenset(re.sub(r"[^a-z0-9]+", "", w) for w in words) - {""}
