"""The readiness rules that turn on the law rather than on the attempts: the filing route,
an OQTF, an earlier demand and its silence, the R. 431-5 renewal period, a permit expired
long ago, urgency. Each check takes the facts gathered by :func:`legal_facts` (merged into
the indicators) and a rule of ``readiness.toml``; it returns (level, message key) or None
when the rule does not apply.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from toolkit.indicators.readiness_rules import Rule
from toolkit.model import Decision, Oqtf, Route
from toolkit.workspace import Workspace

Outcome = tuple[str, str] | None
ANEF_WINDOW_DAYS = (120, 60)  # R. 431-5 1°: between the 120th and the 60th day before expiry
OTHER_WINDOW_MONTHS = 2  # other titres: within the two months before expiry


def legal_facts(ws: Workspace, applicant_id: str) -> dict[str, Any]:
    """Route, OQTF and earlier demands, as the checks and messages read them."""
    from dataclasses import asdict

    from toolkit.applicants import get_applicant
    from toolkit.demands import list_demands

    a = get_applicant(ws, applicant_id)
    return {
        "route": a.route,
        "route_source": a.route_source,
        "oqtf": a.oqtf,
        "oqtf_date": a.oqtf_date.isoformat() if a.oqtf_date else None,
        "demands": [asdict(d) for d in list_demands(ws, applicant_id)],
    }


def renewal_window(expiry: date, route: str) -> tuple[date, date, str]:
    """(opens, closes, French rule) of the R. 431-5 period to ask for a renewal."""
    from toolkit.demands import add_months

    if route == Route.ANEF:
        early, late = ANEF_WINDOW_DAYS
        return (
            expiry - timedelta(days=early),
            expiry - timedelta(days=late),
            "titre demandé sur le téléservice : entre le 120e et le 60e jour avant l'expiration",
        )
    rule = "autres titres : dans les deux mois précédant l'expiration"
    if route == Route.UNKNOWN:
        rule += " (voie de dépôt non renseignée : règle des titres hors téléservice)"
    return add_months(expiry, -OTHER_WINDOW_MONTHS), expiry, rule


def decisive_demand(ind: dict[str, Any], rule: Rule) -> tuple[str, dict[str, Any] | None, date]:
    """The demand that decides the earlier_demand finding, its variant and its DIR date.

    Order: a complete demand unanswered past the delay (``message``); one whose completeness
    is unknown past the delay (``uncertain``); a refusal (``refusal``); a complete demand
    still within the delay (``pending``); an incomplete one (``incomplete``); none (``ok``).
    """
    from toolkit.demands import implicit_rejection_date

    as_of = date.fromisoformat(ind["as_of"])
    months = int(rule.params["dir_delay_months"])
    ranked: list[tuple[int, str, dict[str, Any], date]] = []
    for d in ind["demands"]:
        dir_date = implicit_rejection_date(d["filed_on"], months)
        pending = d["decision"] == Decision.NONE
        if pending and d["complete"] is True and dir_date <= as_of:
            ranked.append((0, "message", d, dir_date))
        elif pending and d["complete"] is None and dir_date <= as_of:
            ranked.append((1, "uncertain", d, dir_date))
        elif d["decision"] == Decision.REFUSAL:
            ranked.append((2, "refusal", d, dir_date))
        elif pending and d["complete"] is True:
            ranked.append((3, "pending", d, dir_date))
        elif pending and d["complete"] is False:
            ranked.append((4, "incomplete", d, dir_date))
    if not ranked:
        return "ok", None, as_of
    _, key, demand, dir_date = min(ranked, key=lambda t: (t[0], -t[2]["filed_on"].toordinal()))
    return key, demand, dir_date


def _route(ind: dict[str, Any], rule: Rule) -> Outcome:
    route = ind["route"]
    if route == Route.GUICHET:
        return "ok", "ok"
    if route == Route.UNKNOWN:
        return "warn", "unknown"
    level = rule.level_for(1)
    if level == "ok":
        return "ok", "ok"
    return level, "message" if route == Route.ANEF else "no_appointment"


def _oqtf(ind: dict[str, Any], rule: Rule) -> Outcome:
    status = ind["oqtf"]
    if status == Oqtf.UNKNOWN:
        return "warn", "unknown"
    if status == Oqtf.EXECUTED:
        return "ok", "executed"
    level = rule.level_for(1 if status == Oqtf.NOTIFIED else 0)
    return level, "ok" if level == "ok" else "message"


def _earlier_demand(ind: dict[str, Any], rule: Rule) -> Outcome:
    key, _, _ = decisive_demand(ind, rule)
    if key == "message":
        level = rule.level_for(1)
        return level, "ok" if level == "ok" else "message"
    levels = {"uncertain": "warn", "refusal": "warn", "pending": "warn"}
    return levels.get(key, "ok"), key


def _applies(ind: dict[str, Any], rule: Rule) -> bool:
    return ind["procedure"] in rule.params["for_procedures"]


def _renewal_window(ind: dict[str, Any], rule: Rule) -> Outcome:
    if not _applies(ind, rule) or not ind["permit_expiry"] or not ind["first_step"]:
        return None
    opens, closes, _ = renewal_window(date.fromisoformat(ind["permit_expiry"]), ind["route"])
    first = date.fromisoformat(ind["first_step"])
    if first < opens:
        return "warn", "early"
    level = rule.level_for((first - closes).days)
    return level, "ok" if level == "ok" else "message"


def _permit_expired(ind: dict[str, Any], rule: Rule) -> Outcome:
    if not _applies(ind, rule) or not ind["permit_expiry"] or not ind["first_step"]:
        return None
    days = (date.fromisoformat(ind["first_step"]) - date.fromisoformat(ind["permit_expiry"])).days
    level = rule.level_for(days)
    return level, "ok" if level == "ok" else "message"


def _urgency(ind: dict[str, Any], rule: Rule) -> Outcome:
    if ind["procedure"] in rule.params["presumed_for"]:
        return "ok", "presumed"
    level = rule.level_for(ind["documents"]["urgency"])
    return level, "ok" if level == "ok" else "message"


def _ccc(ind: dict[str, Any], rule: Rule) -> Outcome:
    if ind["route"] != Route.ANEF:
        return None
    level = rule.level_for(ind["documents"]["ccc_attestation"])
    return level, "ok" if level == "ok" else "message"


LEGAL_CHECKS = {
    "route": _route,
    "oqtf": _oqtf,
    "earlier_demand": _earlier_demand,
    "renewal_window": _renewal_window,
    "permit_expired": _permit_expired,
    "urgency": _urgency,
    "ccc_attestation": _ccc,
}


def legal_context(ind: dict[str, Any], rules: dict[str, Rule]) -> dict[str, Any]:
    """The placeholders of the legal messages (dates in French, absolute)."""
    from toolkit.frenchdates import date_fr
    from toolkit.model import ROUTE_LABELS_FR

    def fr(value: date | str | None) -> str:
        return date_fr(value) if value else "—"

    _, demand, dir_date = decisive_demand(ind, rules["earlier_demand"])
    expiry = ind["permit_expiry"]
    opens = closes = None
    window_rule = "—"
    if expiry:
        opens, closes, window_rule = renewal_window(date.fromisoformat(expiry), ind["route"])
    first = ind["first_step"]
    return {
        "route": ind["route"],
        "route_fr": ROUTE_LABELS_FR.get(ind["route"], ind["route"]),
        "route_source": ind["route_source"],
        "route_source_fr": {
            "declared": "voie déclarée",
            "procedure": "voie habituelle de cette démarche",
        }.get(ind["route_source"], "origine non enregistrée"),
        "oqtf": ind["oqtf"],
        "oqtf_date": ind["oqtf_date"],
        "oqtf_date_fr": fr(ind["oqtf_date"]),
        "demand_number": demand["number"] if demand else "—",
        "demand_filed_fr": fr(demand["filed_on"]) if demand else "—",
        "demand_route_fr": ROUTE_LABELS_FR.get(demand["route"], "—") if demand else "—",
        "dir_date_fr": fr(dir_date) if demand else "—",
        "decision_date_fr": fr(demand["decided_on"]) if demand else "—",
        "first_step": first,
        "first_step_fr": fr(first),
        "window_opens_fr": fr(opens),
        "window_closes_fr": fr(closes),
        "window_rule_fr": window_rule,
        "days_after_expiry": (date.fromisoformat(first) - date.fromisoformat(expiry)).days
        if first and expiry
        else "—",
    }
