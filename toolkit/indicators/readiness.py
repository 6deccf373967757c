"""Is the applicant's file ready for a référé « mesures utiles »? A check grounded in case law.

Each rule of ``readiness.toml`` (thresholds, levels, French messages and the decision it
rests on; see that file's header) gives one finding: ``fail``, ``warn`` or ``ok``. Rules
that do not apply (no probes to corroborate with, a procedure not filed on ANEF…) give
none. The verdict: any ``fail`` → ``insufficient``; else any ``warn`` → ``weak``; else
``ready``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from toolkit.errors import InputError
from toolkit.indicators.readiness_rules import THRESHOLDS, Rule, Rules, load_rules
from toolkit.workspace import Workspace

VERDICTS_FR = {"ready": "prêt", "weak": "fragile", "insufficient": "insuffisant"}
LEVELS = ("fail", "warn", "ok")
MAX_FILES_SHOWN = 10


def date_fr(value: str | date | None) -> str:
    """« 13 septembre 2019 », « 1er mars 2025 »; « — » for no date."""
    from toolkit.frenchdates import date_fr as french

    return french(value) if value else "—"


def _plural(n: int, one: str, many: str) -> str:
    return one if abs(n) <= 1 else many


def message_context(ind: dict[str, Any], rules: Rules) -> dict[str, Any]:
    """The placeholders a message may use (``readiness_rules.CONTEXT_KEYS``)."""
    from toolkit.indicators.applicant import HOUR_BAND_LABELS_FR
    from toolkit.reference import PROCEDURE_LABELS_FR

    ctx: dict[str, Any] = {}
    for key, value in ind.items():
        if key == "corroboration":
            ctx.update(value)
        elif isinstance(value, dict):
            ctx.update({f"{key}_{k}": v for k, v in value.items()})
        elif key != "weak_time_files":
            ctx[key] = value
    files = ind["weak_time_files"]
    shown = ", ".join(files[:MAX_FILES_SHOWN])
    if len(files) > MAX_FILES_SHOWN:
        shown += f" et {len(files) - MAX_FILES_SHOWN} autre(s)"
    bands = ind["hour_bands"]
    top = max(bands, key=lambda b: (bands[b], -list(bands).index(b)))
    days = ind["days_to_expiry"]
    if days is None:
        status = "date inconnue"
    elif days < 0:
        status = f"expiré depuis {-days} {_plural(-days, 'jour', 'jours')}"
    elif days == 0:
        status = "expire aujourd'hui"
    else:
        status = f"expire dans {days} {_plural(days, 'jour', 'jours')}"
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
        weak_files=shown or "—",
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


def _permit_expiry(ind: dict[str, Any], rule: Rule) -> Outcome:
    known = ind["permit_expiry"] is not None
    if not known and ind["procedure"] not in rule.params["for_procedures"]:
        return None
    return _graded(1 if known else 0, rule)


def _permit_copy(ind: dict[str, Any], rule: Rule) -> Outcome:
    n = ind["documents"]["permit"]
    expected = ind["permit_expiry"] is not None or ind["procedure"] in rule.params["for_procedures"]
    return _graded(n, rule) if expected or n else None


def _urgency(ind: dict[str, Any], rule: Rule) -> Outcome:
    days = ind["days_to_expiry"]
    expired = days is not None and days < 0
    expiring = days is not None and 0 <= days <= rule.params["urgent_within_days"]
    level, key = _graded(ind["documents"]["urgency"] + (1 if expired or expiring else 0), rule)
    if level != "ok":
        if ind["procedure"] in rule.params["presumed_for"]:
            return "ok", "presumed"
        return level, key
    return "ok", "expired" if expired else "expiring" if expiring else "ok"


def _ccc(ind: dict[str, Any], rule: Rule) -> Outcome:
    from toolkit.reference import uses_anef

    if not uses_anef(ind["procedure"]):
        return None
    return _graded(ind["documents"]["ccc_attestation"], rule)


def _corroboration(ind: dict[str, Any], rule: Rule) -> Outcome:
    c = ind["corroboration"]
    return _graded(c["contradicted"], rule) if c["covered"] else None


CHECKS: dict[str, Check] = {
    "attempts": lambda ind, rule: _graded(dated_attempts(ind), rule),
    "iso_weeks": _when_dated(lambda ind: ind["distinct_iso_weeks"]),
    "span": _when_dated(lambda ind: ind["span_days"]),
    "distinct_days": _when_dated(lambda ind: ind["distinct_days"]),
    "hour_bands": _hour_bands,
    "weak_times": lambda ind, rule: _graded(ind["weak_times"], rule) if ind["attempts"] else None,
    "outcomes": _when_dated(
        lambda ind: ind["by_outcome"]["unknown"] + ind["by_outcome"]["slots_available"]
    ),
    "review": lambda ind, rule: _graded(flagged(ind), rule) if ind["attempts"] else None,
    "written_request": lambda ind, rule: _graded(ind["written_requests"], rule),
    "permit_expiry": _permit_expiry,
    "permit_copy": _permit_copy,
    "urgency": _urgency,
    "ccc_attestation": _ccc,
    "corroboration": _corroboration,
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


def check_readiness(
    ws: Workspace,
    applicant_id: str,
    *,
    rules: Rules | str | os.PathLike[str] | None = None,
    today: date | None = None,
) -> dict[str, Any]:
    """``{applicant, verdict, verdict_fr, counts, findings, rules, as_of}``.

    ``findings`` is a list of ``{rule, level, message, source}`` in the order of the rules
    file. ``rules``: loaded :class:`Rules`, a user rules file laid over the bundled one,
    or None for the bundled rules. ``today`` defaults to today in the préfecture's zone.
    """
    from toolkit.indicators.applicant import applicant_indicators

    loaded = rules if isinstance(rules, Rules) else load_rules(rules)
    window = loaded.rules["corroboration"].params["window_minutes"]
    ind = applicant_indicators(ws, applicant_id, window_minutes=window, today=today)
    ctx = message_context(ind, loaded)
    findings = []
    for rule in loaded.enabled():
        result = CHECKS[rule.id](ind, rule)
        if result is None:
            continue
        level, key = result
        findings.append(
            {
                "rule": rule.id,
                "level": level,
                "message": render_message(rule, key, ctx),
                "source": rule.source,
            }
        )
    levels = [f["level"] for f in findings]
    verdict = verdict_for(levels)
    return {
        "applicant": ind["applicant"],
        "verdict": verdict,
        "verdict_fr": VERDICTS_FR[verdict],
        "counts": {level: levels.count(level) for level in LEVELS},
        "findings": findings,
        "rules": loaded.path,
        "as_of": ind["as_of"],
    }
