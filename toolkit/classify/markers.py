"""Markers: the CSS-like selectors (``tag#id.class[attr=v][attr*=v][attr^=v][attr]``) of
``signatures.toml`` that recognise a page from its markup, each compiled to a regular
expression over one start tag and looked for only around its longest literal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SELECTOR_PART = re.compile(
    r"""\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)
    |\[\s*(?P<attr>[\w:-]+)\s*(?:(?P<op>[*^]?=)\s*(?P<val>"[^"]*"|'[^']*'|[^\]]+?)\s*)?\]""",
    re.VERBOSE,
)
_TAG_NAME = re.compile(r"[A-Za-z][\w-]*|\*")


@dataclass(frozen=True)
class Marker:
    anchor: str  # the longest literal the start tag must contain
    regex: re.Pattern[str]  # matches one whole start tag, from its "<"

    def count(self, markup: str) -> int:
        """Start tags matching the marker, looked for only around the anchor literal.

        Scanning every tag with the regex would cost far more than finding the anchor.
        """
        tags = set()
        pos = markup.find(self.anchor)
        while pos >= 0:
            start = markup.rfind("<", 0, pos)
            inside_tag = start > markup.rfind(">", 0, pos)
            if inside_tag and start not in tags and self.regex.match(markup, start):
                tags.add(start)
            pos = markup.find(self.anchor, pos + len(self.anchor))
        return len(tags)


def _attr_test(name: str, op: str, value: str) -> str:
    head = rf"(?=[^>]*?\s(?i:{re.escape(name)})"
    v = re.escape(value)
    if not op:
        return head + r"(?=[\s=/>]))"
    if op == "=":
        return head + rf"""\s*=\s*(?:"{v}"|'{v}'|{v}(?=[\s/>])))"""
    if op == "^=":
        return head + rf"""\s*=\s*["']?{v})"""
    return head + rf"""\s*=\s*(?:"[^"]*?{v}|'[^']*?{v}|[^\s"'>]*?{v}))"""


def compile_marker(selector: str) -> Marker:
    """``tag#id.class[attr=v][attr*=v][attr^=v][attr]`` to a regex over start tags."""
    tag = _TAG_NAME.match(selector)
    pos = tag.end() if tag else 0
    name = tag.group() if tag else "*"
    parts = [r"<[A-Za-z][\w-]*" if name == "*" else rf"<(?i:{re.escape(name)})(?=[\s/>])"]
    needles: list[str] = []
    while pos < len(selector):
        m = _SELECTOR_PART.match(selector, pos)
        if not m:
            raise ValueError(f"signature marker {selector!r}: cannot read {selector[pos:]!r}")
        pos = m.end()
        if m.group("id"):
            parts.append(_attr_test("id", "=", m.group("id")))
            needles.append(m.group("id"))
        elif m.group("cls"):
            c = re.escape(m.group("cls"))
            parts.append(
                rf"""(?=[^>]*?\s(?i:class)\s*=\s*(?:"(?:[^"]*\s)?{c}(?=[\s"])"""
                rf"""|'(?:[^']*\s)?{c}(?=[\s'])|{c}(?=[\s/>])))"""
            )
            needles.append(m.group("cls"))
        else:
            value = (m.group("val") or "").strip("\"'")
            parts.append(_attr_test(m.group("attr"), m.group("op") or "", value))
            needles.append(value or m.group("attr"))
    if not needles:
        raise ValueError(f"signature marker {selector!r}: needs an #id, .class or [attribute]")
    return Marker(anchor=max(needles, key=len), regex=re.compile("".join(parts)))
