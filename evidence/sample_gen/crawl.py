"""Robot crawl datasets, 2025-01-06 → 2025-04-06 (13 weeks), from a seeded simulation.

Each series (préfecture × procedure) has a publication calendar: at each publication a
stock of slots is released and melts away exponentially (``tau`` minutes); a probe sees
what is left. Single slots also reappear now and then (cancellations), and probes fail
with HTTP errors or captchas at small rates. Seine-Maritime renewals are the tight case:
bursts only after the Monday and Thursday 14:00 publications, ~95 % of probes empty.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from .common import FORM_ID, FORM_ID_FIRST, PREF_HOST, rng, write_bytes, write_text

START, END = date(2025, 1, 6), date(2025, 4, 6)  # inclusive, local dates
ROBOT = "observatoire-robot"


@dataclass
class Series:
    prefecture: str
    procedure: str
    tz: str
    url: str
    minute: int  # probes run at this minute of every hour (or every `every` hours)
    publishes: Callable[[date], bool]  # is there a publication on this local date?
    pub_hour: int
    release: tuple[int, int]  # slots released per publication (min, max)
    tau: float  # minutes for the stock to fall by e
    lead: tuple[int, int]  # days from publication to the first released slot
    p_cancel: float = 0.0  # chance that a single freed slot shows up
    p_error: float = 0.01
    p_captcha: float = 0.0
    p_skip: float = 0.0  # chance that a scheduled publication does not happen
    every: int = 1  # hours between probes
    # local date -> forced outcome at the publication-hour probe ("none", "error", "captcha")
    forced: dict[date, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Probe:
    at: datetime  # aware, local zone
    outcome: str
    slots: int | None
    first: date | None
    second: date | None
    status: int


def _days(*weekdays: int) -> Callable[[date], bool]:
    return lambda d: d.weekday() in weekdays


def _fortnightly(weekday: int) -> Callable[[date], bool]:
    return lambda d: d.weekday() == weekday and (d - START).days // 7 % 2 == 0


def _probe_times(s: Series) -> Iterator[datetime]:
    """Hourly (or every `every` hours) on the local clock; hours that do not exist are skipped."""
    zone = ZoneInfo(s.tz)
    d = START
    while d <= END:
        for hour in range(0, 24, s.every):
            naive = datetime(d.year, d.month, d.day, hour, s.minute)
            aware = naive.replace(tzinfo=zone)
            if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive:
                continue  # the spring-forward gap: no clock showed this time
            yield aware
        d += timedelta(days=1)


def simulate(s: Series) -> list[Probe]:
    r = rng(f"crawl:{s.prefecture}:{s.procedure}")
    zone = ZoneInfo(s.tz)
    out: list[Probe] = []
    batch: tuple[datetime, int, date] | None = None  # (published at, released, first date)
    for t in _probe_times(s):
        t = t.replace(second=r.randint(3, 58))
        forced = s.forced.get(t.date()) if t.hour == s.pub_hour else None
        pub_at = datetime(t.year, t.month, t.day, s.pub_hour, tzinfo=zone)
        if t.hour == s.pub_hour and s.publishes(t.date()):
            skipped = forced is not None or r.random() < s.p_skip
            if not skipped:
                lead = r.randint(*s.lead)
                batch = (pub_at, r.randint(*s.release), t.date() + timedelta(days=lead))
        if forced == "error" or (forced is None and r.random() < s.p_error):
            out.append(Probe(t, "error", None, None, None, r.choice((502, 503, 503, 504))))
            continue
        if forced == "captcha" or (forced is None and r.random() < s.p_captcha):
            out.append(Probe(t, "captcha", None, None, None, 200))
            continue
        left, first = 0, None
        if batch is not None:
            published, released, batch_first = batch
            minutes = (t - published).total_seconds() / 60
            left = int(released * math.exp(-minutes / s.tau))
            if left > 0:
                taken = 1 - left / released
                first = batch_first + timedelta(days=round(taken * 6))
            else:
                batch = None
        if left == 0 and r.random() < s.p_cancel:
            left, first = (
                1,
                t.date() + timedelta(days=r.randint(max(s.lead[0], 20), s.lead[0] + 20)),
            )
        if left == 0 or first is None:
            out.append(Probe(t, "no_slot", 0, None, None, 200))
            continue
        second = first + timedelta(days=r.choice((0, 0, 1, 2, 3))) if left > 1 else None
        out.append(Probe(t, "slots_available", left, first, second, 200))
    return out


EZ = f"https://{PREF_HOST}/booking/create/{{}}/1"
RDVPREF = "https://rdv-prefecture.interieur.gouv.fr/rdvpref/reservation/demarche/{}/creneau/"
EAPP94 = "https://rdv-etrangers-94.interieur.gouv.fr/eAppointmentpref94/"

# The robot agrees with the applicant on the publication hours she tried (see screenshots.py):
# no stock on 3, 24, 27 and 31 March, a captcha on 10 March, a 503 on 13 March.
APPLICANT_HOURS = {
    date(2025, 3, 3): "none",
    date(2025, 3, 10): "captcha",
    date(2025, 3, 13): "error",
    date(2025, 3, 24): "none",
    date(2025, 3, 27): "none",
    date(2025, 3, 31): "none",
}

CANONICAL = (
    Series(
        "76",
        "renouvellement",
        "Europe/Paris",
        EZ.format(FORM_ID),
        2,
        _days(0, 3),
        14,
        (8, 30),
        25,
        (21, 45),
        p_error=0.012,
        p_captcha=0.012,
        p_skip=0.15,
        forced=APPLICANT_HOURS,
    ),
    Series(
        "76",
        "premiere-demande",
        "Europe/Paris",
        EZ.format(FORM_ID_FIRST),
        4,
        _days(3),
        14,
        (4, 12),
        20,
        (40, 84),
        p_error=0.012,
        p_captcha=0.012,
        p_skip=0.3,
    ),
    Series(
        "94",
        "renouvellement",
        "Europe/Paris",
        EAPP94,
        17,
        _days(0, 1, 2, 3, 4),
        9,
        (6, 25),
        150,
        (30, 75),
        p_cancel=0.03,
        p_error=0.02,
    ),
    Series(
        "94",
        "premiere-demande",
        "Europe/Paris",
        EAPP94,
        19,
        _days(1, 4),
        9,
        (4, 15),
        110,
        (45, 84),
        p_cancel=0.01,
        p_error=0.02,
    ),
    Series(
        "973",
        "renouvellement",
        "America/Cayenne",
        RDVPREF.format(5120),
        33,
        _days(1),
        8,
        (20, 45),
        360,
        (20, 60),
        p_cancel=0.01,
        p_captcha=0.005,
    ),
    Series(
        "973",
        "premiere-demande",
        "America/Cayenne",
        RDVPREF.format(5121),
        36,
        _fortnightly(1),
        8,
        (8, 18),
        240,
        (30, 75),
        p_captcha=0.005,
    ),
)

ASSOCIATION = (
    Series(
        "38",
        "renouvellement",
        "Europe/Paris",
        "",
        15,
        _days(0, 1, 2, 3, 4),
        8,
        (10, 30),
        240,
        (25, 60),
        p_cancel=0.06,
        p_error=0,
        every=2,
    ),
    Series(
        "38",
        "premiere-demande",
        "Europe/Paris",
        "",
        15,
        _days(1, 3),
        8,
        (6, 20),
        300,
        (40, 80),
        p_cancel=0.03,
        p_error=0,
        every=2,
    ),
    Series(
        "93",
        "renouvellement",
        "Europe/Paris",
        "",
        15,
        _days(0),
        10,
        (10, 30),
        80,
        (30, 80),
        p_cancel=0.03,
        p_error=0,
        every=2,
    ),
    Series(
        "93",
        "premiere-demande",
        "Europe/Paris",
        "",
        15,
        _fortnightly(2),
        10,
        (5, 12),
        60,
        (45, 84),
        p_cancel=0.01,
        p_error=0,
        every=2,
    ),
)

SITE_LABEL = {"renouvellement": "Renouvellement", "premiere-demande": "Première demande"}

CANONICAL_HEADER = [
    "observed_at",
    "prefecture",
    "site",
    "procedure",
    "url",
    "outcome",
    "slots",
    "first_slot",
    "second_slot",
    "http_status",
]


def canonical_csv() -> tuple[bytes, int]:
    rows = [(p, s) for s in CANONICAL for p in simulate(s)]
    rows.sort(key=lambda ps: (ps[0].at.astimezone(UTC), ps[1].prefecture, ps[1].procedure))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CANONICAL_HEADER)
    for p, s in rows:
        w.writerow(
            [
                p.at.isoformat(timespec="seconds"),
                s.prefecture,
                ROBOT,
                s.procedure,
                s.url,
                p.outcome,
                "" if p.slots is None else p.slots,
                p.first.isoformat() if p.first else "",
                p.second.isoformat() if p.second else "",
                p.status,
            ]
        )
    return out.getvalue().encode("utf-8"), len(rows)


def association_csv() -> tuple[bytes, int]:
    """A French association's export: cp1252, ';', naive local dates and times, CRLF."""
    rows = [(p, s) for s in ASSOCIATION for p in simulate(s)]
    rows.sort(key=lambda ps: (ps[0].at, ps[1].prefecture, ps[1].procedure))
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["Date", "Heure", "Département", "Démarche", "Créneaux", "Première date disponible"])
    for p, s in rows:
        w.writerow(
            [
                f"{p.at:%d/%m/%Y}",
                f"{p.at:%H:%M}",
                s.prefecture,
                SITE_LABEL[s.procedure],
                p.slots or 0,
                f"{p.first:%d/%m/%Y}" if p.first else "",
            ]
        )
    return out.getvalue().encode("cp1252"), len(rows)


ASSOCIATION_TOML = """\
[csv]
delimiter = ";"
encoding = "cp1252"
header = true
[columns]
date = "Date"
time = "Heure"
prefecture = "Département"
procedure = "Démarche"
slots = "Créneaux"
first_slot = "Première date disponible"
[formats]
date = "%d/%m/%Y"
time = "%H:%M"
first_slot = "%d/%m/%Y"
[values.procedure]
"Renouvellement" = "renouvellement"
"Première demande" = "premiere-demande"
[defaults]
site = "association-robot"
"""


def generate(root: Path) -> dict[str, int]:
    data, n_canonical = canonical_csv()
    write_bytes(root, "crawl/robot-canonical.csv", data)
    data, n_association = association_csv()
    write_bytes(root, "crawl/export-association.csv", data)
    write_text(root, "crawl/export-association.toml", ASSOCIATION_TOML)
    return {"robot-canonical.csv": n_canonical, "export-association.csv": n_association}
