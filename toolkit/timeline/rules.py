"""The timeline's rules file (``rules.toml``): delays, their sources and marks.

The bundled file holds every rule; a user file is laid over it key by key. Each section
names its ``source`` and ``mark`` (V, V2 or R, as DOMAIN.md); a date computed from a V2 or
R rule is flagged ``to_verify``.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from toolkit.errors import InputError, NotFound

MARKS = ("V", "V2", "R")
UNSURE = ("V2", "R")
BUNDLED = "rules.toml (bundled)"
# section -> its numbers (each a whole number of days or months, at least 0)
NUMBERS: dict[str, tuple[str, ...]] = {
    "renewal_window.anef": ("opens_days_before", "closes_days_before"),
    "renewal_window.other": ("opens_months_before", "closes_days_before"),
    "api": ("validity_months",),
    "dir": ("months",),
    "recourse": ("notified_months", "outer_months"),
    "motifs": ("answer_months", "extension_months"),
    "refusal": ("months",),
    "letter": ("answer_days",),
    "appointment": ("wait_days",),
}


@dataclass(frozen=True)
class TimelineRules:
    data: dict[str, Any]
    path: str

    def section(self, name: str) -> dict[str, Any]:
        node: Any = self.data
        for part in name.split("."):
            node = node[part]
        return dict(node)

    def number(self, name: str, key: str) -> int:
        return int(self.section(name)[key])

    def source(self, name: str, key: str = "source") -> str:
        return str(self.section(name)[key])

    def unsure(self, name: str, key: str = "mark") -> bool:
        """Whether a date resting on this rule must be printed « [à vérifier] »."""
        return self.section(name)[key] in UNSURE

    def procedures(self, name: str, key: str) -> list[str]:
        return list(self.section(name)[key])


def _merge(base: dict[str, Any], over: dict[str, Any], where: str) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if key not in base:
            raise InputError(f"{where}: unknown key {key!r}; known: {', '.join(sorted(base))}")
        if isinstance(base[key], dict):
            if not isinstance(value, dict):
                raise InputError(f"{where}: {key} must be a table ([{key}])")
            out[key] = _merge(base[key], value, f"{where}.{key}")
        else:
            out[key] = value
    return out


def _validate(rules: TimelineRules) -> None:
    data = rules.data
    for name, keys in NUMBERS.items():
        section = rules.section(name)
        for key in keys:
            value = section.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(
                    f"{rules.path}: {name}.{key} = {value!r}: give a whole number, 0 or more"
                )

    def marks(node: dict[str, Any], where: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                marks(value, f"{where}{key}.")
            elif key.endswith("mark") and value not in MARKS:
                raise InputError(
                    f"{rules.path}: {where}{key} = {value!r}: use one of {', '.join(MARKS)}"
                )

    marks(data, "")


def _read(path: Path) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except FileNotFoundError:
        raise NotFound(f"{path}: rules file not found") from None
    except tomllib.TOMLDecodeError as e:
        raise InputError(f"{path}: not valid TOML ({e})") from None


def load_timeline_rules(path: str | os.PathLike[str] | None = None) -> TimelineRules:
    """The bundled rules, with ``path`` (a user's TOML file) laid over them."""
    raw = resources.files("toolkit.timeline").joinpath("rules.toml").read_bytes()
    data = tomllib.loads(raw.decode("utf-8"))
    label = BUNDLED
    if path is not None:
        user = _read(Path(path))
        user.pop("version", None)
        data = _merge(data, user, str(path))
        label = str(path)
    rules = TimelineRules(data, label)
    _validate(rules)
    return rules
