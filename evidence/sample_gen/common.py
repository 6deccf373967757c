"""What every generator shares: the invented applicant, zones, fonts, deterministic writes."""

from __future__ import annotations

import random
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import matplotlib

PARIS = ZoneInfo("Europe/Paris")
CAYENNE = ZoneInfo("America/Cayenne")

# The invented applicant. Nobody real: name, dates, e-mail and phone are placeholders.
APPLICANT = {
    "id": "demo-001",
    "prefecture": "76",
    "procedure": "renouvellement",
    "permit_expiry": date(2025, 4, 15),
}
IDENTITY = {
    "full_name": "Nadia Exemple",
    "birth_date": date(1990, 4, 17),
    "nationality": "marocaine",
    "email": "nadia.exemple@example.org",
    "phone": "06 00 00 00 00",
    "address": "12 rue de l'Exemple, 76000 Rouen",
}
CIVILITY_NAME = "Mme Nadia Exemple"
PERMIT_ISSUED = date(2024, 4, 16)

PREF_NAME = "Préfecture de la Seine-Maritime"
PREF_HOST = "www.seine-maritime.gouv.fr"
PREF_CONTACT = "pref-titres-sejour@seine-maritime.gouv.fr"  # invented address
FORM_ID = 28617  # invented ezbooking form id (renouvellement, Rouen)
FORM_ID_FIRST = 28618  # invented ezbooking form id (première demande, Rouen)
EZ_URL = f"https://{PREF_HOST}/booking/create/{FORM_ID}/1"
EZ_URL_START = f"https://{PREF_HOST}/booking/create/{FORM_ID}/0"
EZ_TITLE = "Prise de rendez-vous - Les services de l'État en Seine-Maritime"
RDVPREF_DEMARCHE = 3456
RDVPREF_URL = (
    "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/"
    f"{RDVPREF_DEMARCHE}/creneau/"
)

NO_SLOT_MESSAGE = (
    "Il n'existe plus de plage horaire libre pour votre demande de rendez-vous. "
    "Veuillez recommencer ultérieurement."
)
NO_SLOT_HEADING = "Vérification de disponibilité"
RDVPREF_NO_SLOT = (
    "Aucun créneau disponible à partir de cette date. Veuillez réessayer ultérieurement."
)

_FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_REGULAR = _FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = _FONT_DIR / "DejaVuSans-Bold.ttf"
FONT_OBLIQUE = _FONT_DIR / "DejaVuSans-Oblique.ttf"
FONT_MONO = _FONT_DIR / "DejaVuSansMono.ttf"

FR_DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
FR_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
             "septembre", "octobre", "novembre", "décembre")  # fmt: skip


def rng(name: str) -> random.Random:
    """A random generator seeded by a fixed name (str seeds are hashed with SHA-512)."""
    return random.Random(f"guichets-sample-2025:{name}")


def paris(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=PARIS)


def fr_long_date(d: date) -> str:
    """'lundi 3 mars 2025'."""
    day = "1er" if d.day == 1 else str(d.day)
    return f"{FR_DAYS[d.weekday()]} {day} {FR_MONTHS[d.month - 1]} {d.year}"


def write_bytes(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_text(
    root: Path, rel: str, text: str, encoding: str = "utf-8", newline: str = "\n"
) -> Path:
    if newline != "\n":
        text = text.replace("\n", newline)
    return write_bytes(root, rel, text.encode(encoding))
