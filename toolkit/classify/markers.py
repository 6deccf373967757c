"""Markers: the CSS-like selectors (``tag#id.class[attr=v][attr*=v][attr^=v][attr]``) of
``signatures.toml`` that recognise a page from its markup, each compiled to a regular
expression over one start tag and looked for only around its longest literal.

As in CSS, attribute values are case-sensitive unless the test ends with `` i``
(``[id*=captcha i]`` matches ``captchaFR_CaptchaImage`` and ``CaptchaImage``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SELECTOR_PART = re.compile(
    r"""\#(?P<id>[\w-]+)|\.(?P<cls>[\w-]+)
    |\[\s*(?P<attr>[\w:-]+)\s*(?:(?P<op>[*^]?=)\s*(?P<val>"[^"]*"|'[^']*'|[^\]]+?)
       (?:\s+(?P<flag>[iI]))?\s*)?\]""",
    re.VERBOSE,
)
_TAG_NAME = re.compile(r"[A-Za-z][\w-]*|\*")


@dataclass(frozen=True)
class Marker:
    anchor: str  # the longest literal the start tag must contain
    regex: re.Pattern[str]  # matches one whole start tag, from its "<"
    ignore_case: bool = False  # the anchor is a value compared without case

    def present(self, markup: str) -> bool:
        """Whether the anchor occurs at all (a cheap test before counting)."""
        if self.ignore_case:
            return re.search(re.escape(self.anchor), markup, re.IGNORECASE) is not None
        return self.anchor in markup

    def _positions(self, markup: str) -> list[int]:
        if self.ignore_case:
            return [m.start() for m in re.finditer(re.escape(self.anchor), markup, re.IGNORECASE)]
        found, pos = [], markup.find(self.anchor)
        while pos >= 0:
            found.append(pos)
            pos = markup.find(self.anchor, pos + len(self.anchor))
        return found

    def count(self, markup: str) -> int:
        """Start tags matching the marker, looked for only around the anchor literal.

        Scanning every tag with the regex would cost far more than finding the anchor.
        """
        tags = set()
        for pos in self._positions(markup):
            start = markup.rfind("<", 0, pos)
            inside_tag = start > markup.rfind(">", 0, pos)
            if inside_tag and start not in tags and self.regex.match(markup, start):
                tags.add(start)
        return len(tags)


def _attr_test(name: str, op: str, value: str, ignore_case: bool = False) -> str:
    head = rf"(?=[^>]*?\s(?i:{re.escape(name)})"
    v = f"(?i:{re.escape(value)})" if ignore_case else re.escape(value)
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
    folded: set[str] = set()  # needles compared without case
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
            ci = bool(m.group("flag"))
            parts.append(_attr_test(m.group("attr"), m.group("op") or "", value, ci))
            needles.append(value or m.group("attr"))
            if ci or not value:  # an attribute name is matched without case too
                folded.add(needles[-1])
    if not needles:
        raise ValueError(f"signature marker {selector!r}: needs an #id, .class or [attribute]")
    anchor = max(needles, key=len)
    return Marker(anchor=anchor, regex=re.compile("".join(parts)), ignore_case=anchor in folded)
