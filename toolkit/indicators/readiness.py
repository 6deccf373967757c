"""Is the applicant's file ready for the remedy its situation calls for? A check grounded in
case law: a référé « mesures utiles » for an appointment, for the substitution or for the
attestation de prolongation d'instruction, or the challenge of an implicit rejection.

Each rule of ``readiness.toml`` (thresholds, levels, French messages, the decision it
rests on and how sure we are of it; see that file's header) gives one finding: ``fail``,
``warn`` or ``ok``. Rules that do not apply (no probes to corroborate with, a route other
than ANEF for the CCC…) give none. The verdict: any ``fail`` → ``insufficient``; else any
``warn`` → ``weak``; else ``ready``. The rules that turn on the law (route, OQTF, earlier
demands, renewal period, urgency) are in :mod:`toolkit.indicators.readiness_law`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from toolkit.errors import InputError
from toolkit.indicators.readiness_law import LEGAL_CHECKS, legal_facts
from toolkit.indicators.readiness_procedure import PROCEDURE_CHECKS, procedure_facts
from toolkit.indicators.readiness_rules import THRESHOLDS, Rule, Rules, load_rules
from toolkit.workspace import Workspace

VERDICTS_FR = {"ready": "prêt", "weak": "fragile", "insufficient": "insuffisant"}
LEVELS = ("fail", "warn", "ok")
MAX_FILES_SHOWN = 10


def date_fr(value: str | date | None) -> str:
    """« 13 septembre 2019 », « 1er mars 2025 »; « — » for no date."""
    from toolkit.frenchdates import date_fr as french

    return french(value) if value else "—"


# Indicators that are not placeholders themselves (lists, or rebuilt below).
_OWN_CONTEXT = frozenset(
    {"publications", "targets", "weak_time_files", "declared_time_files", "demands"}
)


def _files(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_FILES_SHOWN])
    if len(names) > MAX_FILES_SHOWN:
        shown += f" et {len(names) - MAX_FILES_SHOWN} autre(s)"
    return shown or "—"


def _moment_fr(value: str | None) -> str:
    """« 31 mars 2025 à 14:00 » from a local « 2025-03-31 14:00 »."""
    if not value:
        return "—"
    from datetime import datetime

    at = datetime.fromisoformat(value)
    return f"{date_fr(at.date())} à {at:%H:%M}"


def message_context(ind: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """The placeholders a message may use (``readiness_rules.CONTEXT_KEYS``)."""
    from toolkit.indicators.applicant import HOUR_BAND_LABELS_FR
    from toolkit.indicators.readiness_law import legal_context
    from toolkit.reference import PROCEDURE_LABELS_FR

    ctx: dict[str, Any] = {}
    for key, value in ind.items():
        if key == "corroboration":
            ctx.update({k: v for k, v in value.items() if k != "no_slot_after"})
            ctx["no_slot_after"] = value.get("no_slot_after", 0)
        elif key in _OWN_CONTEXT:
            continue
        elif isinstance(value, dict):
            ctx.update({f"{key}_{k}": v for k, v in value.items()})
        elif not isinstance(value, list):
            ctx[key] = value
    ctx.update(legal_context(ind, rules.rules))
    pubs, targets = ind["publications"], ind["targets"]
    ctx.update(
        publications_known=pubs["known"],
        attempts_at_publication=pubs["attempts_at"],
        last_publication_fr=_moment_fr(pubs["last_known"]),
        sites_read=targets["sites_read"],
        site_mismatches=len(targets["site_mismatches"]),
        motifs_read=targets["motifs_read"],
        motif_mismatches=len(targets["motif_mismatches"]),
        target_files=_files(targets["site_mismatches"] + targets["motif_mismatches"]),
        declared_files=_files(ind["declared_time_files"]),
        as_of_fr=date_fr(ind["as_of"]),
    )
    shown = _files(ind["weak_time_files"])
    bands = ind["hour_bands"]
    top = max(bands, key=lambda b: (bands[b], -list(bands).index(b)))
    days = ind["days_to_expiry"]
    as_of = date_fr(ind["as_of"])
    if days is None:
        status = "date inconnue"
    elif days < 0:
        status = f"expiré au {as_of}"
    else:
        status = f"en cours de validité au {as_of}"
    span_rule = rules.rules["span"]
    target_days = max(
        (v for k, v in span_rule.thresholds.items() if k.endswith("_below")), default=0.0
    )
    first = ind["first_attempt"]
    ctx.update(
        procedure_fr=PROCEDURE_LABELS_FR.get(ind["procedure"], ind["procedure"]),
        first_attempt_fr=date_fr(first),
        last_attempt_fr=date_fr(ind["last_attempt"]),
        permit_expiry_fr=date_fr(ind["permit_expiry"]),
        days_since_expiry=-days if days is not None and days < 0 else 0,
        expiry_status_fr=status,
        weak_files=shown,
        unknown_outcomes=ind["by_outcome"]["unknown"],
        slots_seen=ind["by_outcome"]["slots_available"],
        top_band=top,
        top_band_fr=HOUR_BAND_LABELS_FR[top],
        dated_attempts=dated_attempts(ind),
        top_band_share=round(100 * bands[top] / hourly_attempts(ind))
        if hourly_attempts(ind)
        else 0,
        flagged=flagged(ind),
        span_target_fr=date_fr(date.fromisoformat(first) + timedelta(days=int(target_days)))
        if first
        else "—",
    )
    return ctx


# A check returns (level, message key) or None when the rule does not apply.
Outcome = tuple[str, str] | None
Check = Callable[[dict[str, Any], Rule], Outcome]


def _graded(measure: float, rule: Rule) -> tuple[str, str]:
    level = rule.level_for(measure)
    return level, "ok" if level == "ok" else "message"


def dated_attempts(ind: dict[str, Any]) -> int:
    """Online attempts with a reliable time (the dating counts are over these)."""
    return int(ind["dated_attempts"])


def hourly_attempts(ind: dict[str, Any]) -> int:
    """Dated attempts whose hour is known (the hour counts are over these)."""
    return int(sum(ind["hour_bands"].values()))


def _when_dated(measure: Callable[[dict[str, Any]], float]) -> Check:
    """A rule about dated attempts: it does not apply when there are none (``attempts`` fails)."""

    def check(ind: dict[str, Any], rule: Rule) -> Outcome:
        return _graded(measure(ind), rule) if dated_attempts(ind) else None

    return check


def flagged(ind: dict[str, Any]) -> int:
    """Online attempts a person must look at before they are produced: outcome or time
    conflicts, edited or re-encoded images (weak times have their own rule)."""
    return sum(
        ind[k] for k in ("outcome_conflicts", "time_conflicts", "edited_images", "reencoded_images")
    )


def _hour_bands(ind: dict[str, Any], rule: Rule) -> Outcome:
    n = hourly_attempts(ind)
    if n == 0 or n < rule.params["min_attempts"]:
        return None
    return _graded(100 * max(ind["hour_bands"].values()) / n, rule)


def _recency(ind: dict[str, Any], rule: Rule) -> Outcome:
    days = ind["days_since_last_attempt"]
    return None if days is None else _graded(days, rule)


def _publication_times(ind: dict[str, Any], rule: Rule) -> Outcome:
    pubs = ind["publications"]
    return _graded(pubs["attempts_at"], rule) if pubs["known"] and dated_attempts(ind) else None


def _booking_target(ind: dict[str, Any], rule: Rule) -> Outcome:
    t = ind["targets"]
    if not t["sites_read"] and not t["motifs_read"]:
        return None
    return _graded(len(t["site_mismatches"]) + len(t["motif_mismatches"]), rule)


def _permit_expiry(ind: dict[str, Any], rule: Rule) -> Outcome:
    known = ind["permit_expiry"] is not None
    if not known and ind["procedure"] not in rule.params["for_procedures"]:
        return None
    return _graded(1 if known else 0, rule)


def _permit_copy(ind: dict[str, Any], rule: Rule) -> Outcome:
    n = ind["documents"]["permit"]
    expected = ind["permit_expiry"] is not None or ind["procedure"] in rule.params["for_procedures"]
    return _graded(n, rule) if expected or n else None


def _corroboration(ind: dict[str, Any], rule: Rule) -> Outcome:
    c = ind["corroboration"]
    return _graded(c["contradicted"], rule) if c["covered"] else None


def _when_attempts(measure: Callable[[dict[str, Any]], float]) -> Check:
    """A rule about the attempts recorded, dated or not."""

    def check(ind: dict[str, Any], rule: Rule) -> Outcome:
        return _graded(measure(ind), rule) if ind["attempts"] else None

    return check


CHECKS: dict[str, Check] = {
    "route": LEGAL_CHECKS["route"],
    "oqtf": LEGAL_CHECKS["oqtf"],
    "earlier_demand": LEGAL_CHECKS["earlier_demand"],
    "attempts": lambda ind, rule: _graded(dated_attempts(ind), rule),
    "span": _when_dated(lambda ind: ind["span_days"]),
    "distinct_days": _when_dated(lambda ind: ind["distinct_days"]),
    "recency": _recency,
    "hour_bands": _hour_bands,
    "publication_times": _publication_times,
    "weak_times": _when_attempts(lambda ind: ind["weak_times"]),
    "declared_times": _when_attempts(lambda ind: ind["declared_times"]),
    "outcomes": _when_dated(
        lambda ind: ind["by_outcome"]["unknown"] + ind["by_outcome"]["slots_available"]
    ),
    "booking_target": _booking_target,
    "applicant_link": _when_attempts(lambda ind: ind["documents"]["sworn_statement"]),
    "review": lambda ind, rule: _graded(flagged(ind), rule) if ind["attempts"] else None,
    "written_request": lambda ind, rule: _graded(ind["written_requests"], rule),
    "permit_expiry": _permit_expiry,
    "permit_copy": _permit_copy,
    "renewal_window": LEGAL_CHECKS["renewal_window"],
    "permit_expired": LEGAL_CHECKS["permit_expired"],
    "urgency": LEGAL_CHECKS["urgency"],
    "ccc_attestation": LEGAL_CHECKS["ccc_attestation"],
    "corroboration": _corroboration,
    **PROCEDURE_CHECKS,
}


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def render_message(rule: Rule, key: str, ctx: dict[str, Any]) -> str:
    values = {k: "—" if v is None else v for k, v in ctx.items()}
    values.update(
        {t: _number(rule.thresholds[t]) if t in rule.thresholds else "—" for t in THRESHOLDS}
    )
    values.update({k: v for k, v in rule.params.items() if isinstance(v, int)})
    try:
        return rule.messages[key].format_map(values)
    except (ValueError, KeyError, IndexError, TypeError) as e:
        raise InputError(
            f"rules.{rule.id}.messages.{key}: cannot fill the message ({e}); check its placeholders"
        ) from None


def verdict_for(levels: list[str]) -> str:
    if "fail" in levels:
        return "insufficient"
    if "warn" in levels:
        return "weak"
    return "ready"


def _situation(ws: Workspace, applicant_id: str, ind: dict[str, Any]) -> str:
    """The situation of the file (timeline/situation.py); its facts are added to ``ind``."""
    from toolkit.timeline.gather import procedural_timeline
    from toolkit.timeline.situation import situation_of

    t = procedural_timeline(ws, applicant_id, today=date.fromisoformat(ind["as_of"]))
    situation = situation_of(t, t["booking_attempts"])
    ind.update(procedure_facts(t, situation))
    return situation


def check_readiness(
    ws: Workspace,
    applicant_id: str,
    *,
    rules: Rules | str | os.PathLike[str] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """See :func:`readiness_and_indicators` (this is its check alone)."""
    return readiness_and_indicators(ws, applicant_id, rules=rules, today=today)[0]


def readiness_and_indicators(
    ws: Workspace,
    applicant_id: str,
    *,
    rules: Rules | str | os.PathLike[str] | None = None,
    today: date | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The check ``{applicant, situation, situation_fr, verdict, verdict_fr, counts,
    findings, rules, as_of}`` and the indicators it was made from (with the legal facts:
    route, OQTF, demands; and the procedure's facts).

    The rules that run are those of the file's ``situation`` (``[situations]`` of the rules
    file): booking attempts for a booking case, the diligences and the evidence of the
    dysfunctions for an ANEF blockage, filing, completeness, R. 431-5 window and attestation
    for a pending demand, dates for an implicit rejection (:mod:`toolkit.timeline.situation`).

    ``findings`` is a list of ``{rule, level, message, source, mark, to_verify}`` in the
    order of the rules file; ``to_verify`` is true for a rule resting on a secondary source
    or on memory (marks V2 and R), printed « [à vérifier] ». ``rules``: loaded :class:`Rules`, a user rules file laid over the bundled one,
    or None for the bundled rules. ``today`` defaults to today in the préfecture's zone.
    """
    from toolkit.indicators.applicant import applicant_indicators

    loaded = rules if isinstance(rules, Rules) else load_rules(rules)
    window = loaded.rules["corroboration"].params["window_minutes"]
    minutes = loaded.rules["publication_times"].params["publication_minutes"]
    ind = applicant_indicators(
        ws, applicant_id, window_minutes=window, today=today, publication_minutes=minutes
    )
    ind.update(legal_facts(ws, applicant_id))
    situation = _situation(ws, applicant_id, ind)
    ctx = message_context(ind, loaded)
    findings: list[dict[str, Any]] = []
    for rule in loaded.enabled(situation):
        found = CHECKS[rule.id](ind, rule)
        if found is None:
            continue
        level, key = found
        findings.append(
            {
                "rule": rule.id,
                "level": level,
                "message": render_message(rule, key, ctx),
                "source": rule.source,
                "mark": rule.mark,
                "to_verify": rule.to_verify,
            }
        )
    levels = [str(f["level"]) for f in findings]
    verdict = verdict_for(levels)
    check = {
        "applicant": ind["applicant"],
        "situation": situation,
        "situation_fr": ind["situation_fr"],
        "verdict": verdict,
        "verdict_fr": VERDICTS_FR[verdict],
        "counts": {level: levels.count(level) for level in LEVELS},
        "findings": findings,
        "rules": loaded.path,
        "as_of": ind["as_of"],
    }
    return check, ind
