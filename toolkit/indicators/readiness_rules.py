"""The readiness rules file (``readiness.toml``): loading, overlaying and validating.

The bundled file holds every rule. A user file (``--rules FILE``) is laid over it key by
key, so an association names only what it changes. Every problem is reported with the
file and the rule, and what to write instead.
"""

from __future__ import annotations

import os
import re
import string
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, NotFound

# A message's placeholder may carry a small format ({attempts:>4}, {share:.1f}): a width or
# precision of two digits at most, no nested field, so that a rules file cannot ask for a
# string of a billion spaces.
_PLAIN_SPEC = re.compile(r"(?:.?[<>=^])?[+\- ]?#?0?\d{0,2}[,_]?(?:\.\d{1,2})?[bcdeEfFgGnosxX%]?")
THRESHOLDS = ("fail_below", "warn_below", "fail_above", "warn_above")
COMMON_KEYS = ("title", "source", "mark", "enabled", "messages", *THRESHOLDS)
MARKS = ("V", "V2", "R", "practice")  # V2 and R findings are printed « [à vérifier] »
REMOVED = {
    "iso_weeks": "the facts of CE 435594, held insufficient, span two ISO weeks: count days "
    "with [rules.span] instead",
}

# rule id -> (its own parameters and their kind, its named message variants)
RULE_SPECS: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "route": ({}, ("no_appointment", "unknown")),
    "oqtf": ({}, ("unknown", "executed")),
    "earlier_demand": (
        {"dir_delay_months": "count"},
        ("uncertain", "refusal", "pending", "incomplete"),
    ),
    "attempts": ({}, ()),
    "span": ({}, ()),
    "distinct_days": ({}, ()),
    "recency": ({}, ()),
    "hour_bands": ({"min_attempts": "count"}, ()),
    "publication_times": ({"publication_minutes": "minutes"}, ()),
    "weak_times": ({}, ()),
    "declared_times": ({}, ()),
    "outcomes": ({}, ()),
    "booking_target": ({}, ()),
    "applicant_link": ({}, ()),
    "review": ({}, ()),
    "written_request": ({}, ()),
    "permit_expiry": ({"for_procedures": "procedures"}, ()),
    "permit_copy": ({"for_procedures": "procedures"}, ()),
    "renewal_window": ({"for_procedures": "procedures"}, ("early",)),
    "permit_expired": ({"for_procedures": "procedures"}, ()),
    "urgency": ({"presumed_for": "procedures"}, ("presumed",)),
    "ccc_attestation": ({}, ()),
    "corroboration": ({"window_minutes": "minutes"}, ()),
    # the procedure itself (issue 18, readiness_procedure.py)
    "filing": ({}, ()),
    "filing_proof": ({}, ()),
    "filing_window": ({}, ()),
    "completeness": ({}, ("unknown", "presumed")),
    "api_gap": ({}, ("covered",)),
    "dir_not_born": ({}, ("conditional",)),
    "anef_evidence": ({}, ()),
    "diligences": ({}, ("no_pan",)),
    "recourse_time": ({}, ("late",)),
    "motifs_requested": ({}, ()),
    "appointment_wait": ({}, ()),
    "prefet_request": ({}, ()),
}

# Placeholders every message may use (built by readiness.message_context), besides the
# rule's own thresholds and parameters.
CONTEXT_KEYS: frozenset[str] = frozenset(
    {
        "applicant", "prefecture", "procedure", "procedure_fr", "tz", "as_of", "attempts",
        "dated_attempts",
        "first_attempt", "last_attempt", "first_attempt_fr", "last_attempt_fr", "span_days",
        "distinct_days", "distinct_iso_weeks", "distinct_hours", "longest_gap_days",
        "weak_times", "weak_files", "written_requests", "permit_expiry", "permit_expiry_fr",
        "days_to_expiry", "days_since_expiry", "expiry_status_fr", "unknown_outcomes",
        "slots_seen", "top_band", "top_band_fr", "top_band_share", "span_target_fr",
        "by_outcome_no_slot", "by_outcome_slots_available", "by_outcome_captcha",
        "by_outcome_blocked", "by_outcome_error", "by_outcome_maintenance",
        "by_outcome_unknown", "hour_bands_night", "hour_bands_morning",
        "hour_bands_afternoon", "hour_bands_evening", "contacts_email", "contacts_letter",
        "contacts_phone", "contacts_counter", "contacts_other", "documents_permit",
        "documents_ccc_attestation", "documents_letter", "documents_email",
        "documents_urgency", "documents_identity", "documents_other", "covered",
        "corroborated", "contradicted", "window_minutes",
        # issue 17: the facts the law turns on, recency, publications, targets
        "as_of_fr", "route", "route_fr", "route_source", "route_source_fr", "oqtf",
        "oqtf_date", "oqtf_date_fr", "demand_number", "demand_filed_fr", "demand_route_fr",
        "dir_date_fr", "decision_date_fr", "first_step", "first_step_fr",
        "window_opens_fr", "window_closes_fr", "window_rule_fr", "days_after_expiry",
        "days_since_last_attempt", "declared_times", "declared_files",
        "publications_known", "attempts_at_publication", "last_publication_fr",
        "sites_read", "site_mismatches", "motifs_read", "motif_mismatches", "target_files",
        "slots_after", "no_slot_after", "documents_sworn_statement",
        "documents_api", "documents_filing_confirmation", "documents_anef_email",
        "documents_decision", "documents_convocation", "documents_procedure",
        # issue 18: the procedure (readiness_procedure.procedure_facts)
        "situation", "situation_fr", "filing_date_fr", "filing_source_fr", "window_fr",
        "completeness_fr", "api_due_fr", "gap_days", "covered_fr", "api_reasons", "dir_fr",
        "days_to_dir", "recourse_deadline_fr", "recourse_outer_fr", "incidents_read",
        "incidents_declared", "ccc_contacts", "pan_visits", "motifs_asked_fr", "awaited_fr",
        "awaited_days", "filing_known", "filing_proved", "window_position", "completeness",
        "api_owed", "api_route", "dir_conditional", "recourse_state", "prefet_requests",
        "letter_hint",
        "time_conflicts", "outcome_conflicts",
        "edited_images", "reencoded_images", "to_review", "flagged", "outcome_sources_read",
        "outcome_sources_declared", "outcome_sources_reviewed", "outcome_sources_none",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    source: str
    thresholds: dict[str, float]  # only the thresholds that are set
    params: dict[str, Any]
    messages: dict[str, str]
    enabled: bool = True
    mark: str = "practice"  # V, V2, R or practice (see the rules file header)

    @property
    def to_verify(self) -> bool:
        """A point resting on a secondary source or on memory: printed « [à vérifier] »."""
        return self.mark in ("V2", "R")

    def level_for(self, measure: float) -> str:
        """``fail``, ``warn`` or ``ok`` for a measured value (see the rules file header)."""
        t = self.thresholds
        for level in ("fail", "warn"):
            below, above = t.get(f"{level}_below"), t.get(f"{level}_above")
            if (below is not None and measure < below) or (above is not None and measure > above):
                return level
        return "ok"


@dataclass(frozen=True)
class Rules:
    path: str  # "bundled" or the user file laid over it
    rules: dict[str, Rule] = field(default_factory=dict)
    # situation -> the rules that apply in it (``[situations]``; see timeline/situation.py)
    situations: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def enabled(self, situation: str | None = None) -> list[Rule]:
        chosen = self.situations.get(situation or "", tuple(self.rules))
        return [r for r in self.rules.values() if r.enabled and r.id in chosen]


def bundled_text() -> str:
    return resources.files("toolkit.indicators").joinpath("readiness.toml").read_text("utf-8")


def _parse(text: str, where: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{where}: not valid TOML ({e}); fix that line") from None


def _overlay(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _overlay(out[key], value)
        else:
            out[key] = value
    return out


def load_rules(path: str | os.PathLike[str] | None = None) -> Rules:
    """The bundled rules, with the user file at ``path`` laid over them, validated."""
    data = _parse(bundled_text(), "readiness.toml (bundled)")
    where = "readiness.toml (bundled)"
    if path is not None:
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise InputError(f"{p}: no such rules file; check the path given to --rules") from None
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(f"{p}: cannot read the rules file ({e}); save it as UTF-8") from None
        user = _parse(text, str(p))
        _check_top(user, str(p))
        data = _overlay(data, user)
        where = str(p)
    _check_top(data, where)
    rules = {rid: _rule(rid, body, where) for rid, body in data.get("rules", {}).items()}
    missing = sorted(set(RULE_SPECS) - set(rules))
    if missing:  # only a damaged installation gets here: user files are overlaid
        raise InputError(f"{where}: rules missing: {', '.join(missing)}; reinstall guichets")
    situations = _situations(data.get("situations", {}), where)
    return Rules("bundled" if path is None else str(path), rules, situations)


def _situations(raw: Any, where: str) -> dict[str, tuple[str, ...]]:
    from toolkit.timeline.situation import SITUATIONS

    if not isinstance(raw, dict) or set(raw) != set(SITUATIONS):
        raise InputError(
            f"{where}: [situations] must list the rules of each situation: {', '.join(SITUATIONS)}"
        )
    out = {}
    for name, ids in raw.items():
        unknown = [i for i in ids if i not in RULE_SPECS] if isinstance(ids, list) else [ids]
        if unknown:
            raise InputError(
                f"{where}: [situations] {name}: unknown rule(s) {', '.join(map(str, unknown))}"
            )
        out[name] = tuple(ids)
    return out


def _check_top(data: dict[str, Any], where: str) -> None:
    unknown = sorted(set(data) - {"version", "rules", "situations"})
    if unknown:
        raise InputError(
            f"{where}: unknown top-level key(s) {', '.join(unknown)}; "
            "write rules as [rules.NAME] tables"
        )
    if data.get("version", 1) != 1:
        raise InputError(f"{where}: version {data['version']!r} is not supported; use version = 1")
    rules = data.get("rules", {})
    if not isinstance(rules, dict):
        raise InputError(f"{where}: `rules` must be a table of [rules.NAME] tables")
    for rid, body in rules.items():
        if rid in REMOVED:
            raise InputError(f"{where}: rule {rid!r} was removed: {REMOVED[rid]}")
        if rid not in RULE_SPECS:
            raise InputError(f"{where}: unknown rule {rid!r}; known rules: {', '.join(RULE_SPECS)}")
        if not isinstance(body, dict):
            raise InputError(f"{where}: rules.{rid} must be a table ([rules.{rid}])")


def _rule(rid: str, body: dict[str, Any], where: str) -> Rule:
    at = f"{where}: [rules.{rid}]"
    param_kinds, variants = RULE_SPECS[rid]
    allowed = set(COMMON_KEYS) | set(param_kinds)
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise InputError(
            f"{at}: unknown key(s) {', '.join(unknown)}; allowed: {', '.join(sorted(allowed))}"
        )
    source = body.get("source")
    if not isinstance(source, str) or not source.strip():
        raise InputError(f"{at}: `source` must name the decision or text the rule rests on")
    title = body.get("title", rid)
    if not isinstance(title, str):
        raise InputError(f"{at}: `title` must be text")
    enabled = body.get("enabled", True)
    if not isinstance(enabled, bool):
        raise InputError(f"{at}: `enabled` must be true or false")
    mark = body.get("mark")
    if mark not in MARKS:
        raise InputError(
            f"{at}: `mark` must be one of {', '.join(MARKS)} (how sure the source is), not {mark!r}"
        )
    thresholds: dict[str, float] = {}
    for key in THRESHOLDS:
        if key in body:
            value = body[key]
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise InputError(f"{at}: `{key}` must be a number, not {value!r}")
            thresholds[key] = float(value)
    params = {name: _param(at, name, kind, body) for name, kind in param_kinds.items()}
    messages = _messages(at, body.get("messages"), thresholds, variants, params)
    return Rule(rid, title, source.strip(), thresholds, params, messages, enabled, mark)


def _param(at: str, name: str, kind: str, body: dict[str, Any]) -> Any:
    if name not in body:
        raise InputError(f"{at}: `{name}` is required")
    value = body[name]
    if kind in ("count", "minutes"):
        low, high = (1, 24 * 60) if kind == "minutes" else (0, 100_000)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InputError(
                f"{at}: `{name}` must be a whole number from {low} to {high}, not {value!r}"
            )
        return value
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f'{at}: `{name}` must be a list of procedures, e.g. ["renouvellement"]')
    from toolkit.reference import get_procedure

    try:
        return frozenset(get_procedure(v) for v in value)
    except NotFound as e:
        raise InputError(f"{at}: `{name}`: {e}") from None


def _messages(
    at: str,
    raw: Any,
    thresholds: dict[str, float],
    variants: tuple[str, ...],
    params: dict[str, Any],
) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise InputError(f"{at}: add a [messages] table with `message` and `ok`")
    required = {"ok", *variants} | ({"message"} if thresholds else set())
    allowed = {"ok", "message", *variants}
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise InputError(
            f"{at}.messages: unknown message(s) {', '.join(unknown)}; "
            f"allowed: {', '.join(sorted(allowed))}"
        )
    missing = sorted(required - set(raw))
    if missing:
        raise InputError(f"{at}.messages: missing {', '.join(missing)}")
    names = CONTEXT_KEYS | set(THRESHOLDS) | set(params)
    out: dict[str, str] = {}
    for key, text in raw.items():
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{at}.messages: `{key}` must be non-empty text")
        try:
            parsed = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(text)]
        except ValueError as e:
            raise InputError(
                f"{at}.messages: `{key}`: {e}; write a literal brace as {{{{ or }}}}"
            ) from None
        fields = [f for f, _, _ in parsed if f is not None]
        for f, spec, conv in parsed:
            if f is None:
                continue
            if conv:
                raise InputError(
                    f"{at}.messages: `{key}`: conversion !{conv} is not allowed; write {{{f}}}"
                )
            if spec and not _PLAIN_SPEC.fullmatch(spec):
                raise InputError(
                    f"{at}.messages: `{key}`: format {{{f}:{spec}}} is not allowed; use a width "
                    "and precision of two digits at most, e.g. {{{f}:>4}} or {{{f}:.1f}}"
                )
        for f in fields:
            if f == "" or not f.isidentifier():
                raise InputError(
                    f"{at}.messages: `{key}`: placeholder {{{f}}} must be a plain name"
                )
            if f not in names:
                raise InputError(
                    f"{at}.messages: `{key}`: unknown placeholder {{{f}}}; "
                    f"use one of: {', '.join(sorted(names))}"
                )
        out[key] = text.strip()
    return out
