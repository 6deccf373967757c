"""The sandbox letter templates are rendered in: a template can print, test and loop over the
letter's variables, and nothing else.

Templates come from users (lawyers copy and edit them; associations pass them around), so a
template is untrusted code. Before it is compiled, its syntax tree is checked against what a
letter needs (templates/README.md): ``{{ variable }}`` and ``{{ item.field }}``, ``if`` /
``elif`` / ``else``, ``for`` over a list, comparisons, ``~`` and arithmetic, and a short list
of filters. Refused, with the tag named: any call (``x()``: no function, no method), any
name or attribute starting with ``_`` (the way out of every Jinja sandbox), subscripts
other than constants, ``set`` / ``with`` / ``macro`` / ``include`` / ``import`` /
``extends``, ``**``, recursive loops, and every filter off the list. At run time Jinja's
immutable sandbox stays as a second wall (no unsafe attribute, no call, no change to a list
or a dict), every loop draws from one budget of iterations, ``*`` and ``%`` cannot build a
huge string, and the rendered text of each part has a size limit.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_ITERATIONS = 50_000  # loop turns in one letter (a letter lists tens of pièces)
MAX_OUTPUT = 10_000_000  # characters of one rendered part (a letter's XML is ~200 kB)
MAX_REPEAT = 1_000  # `"-" * n`: a rule, not a bomb
FILTERS = (
    "upper", "lower", "capitalize", "title", "trim", "default", "d", "length", "count",
    "first", "last", "e", "escape", "string", "int", "float", "round", "abs", "join",
)  # fmt: skip
TESTS = (
    "defined", "undefined", "none", "number", "string", "sequence", "mapping", "boolean",
    "true", "false", "even", "odd", "divisibleby", "eq", "ne", "lt", "le", "gt", "ge", "in",
    "equalto", "sameas", "lower", "upper",
)  # fmt: skip
ALLOWED = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.Name, nodes.Const, nodes.If,
    nodes.For, nodes.Getattr, nodes.Getitem, nodes.Filter, nodes.Test, nodes.Compare,
    nodes.Operand, nodes.And, nodes.Or, nodes.Not, nodes.Neg, nodes.Pos, nodes.CondExpr,
    nodes.Concat, nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod,
    nodes.List, nodes.Tuple, nodes.Slice, nodes.Keyword,
)  # fmt: skip
RESERVED_NAMES = ("self", "caller", "varargs", "kwargs", "super")
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
BOUNDED = "_guichets_bounded"  # the filter every loop's list goes through (not for users)


class Refused(jinja2.exceptions.SecurityError):
    """A tag a guichets template may not hold; ``tag`` is its text, ``reason`` says why."""

    def __init__(self, reason: str, tag: str = "", hint: str = "(") -> None:
        super().__init__(reason)
        self.reason = reason
        self.tag = tag
        self.hint = hint  # what the tag holds, to find it on its line


def _reason(node: nodes.Node) -> str | None:
    """Why ``node`` is refused, or None."""
    if not isinstance(node, ALLOWED):
        what = {
            "Call": "calling a function or method",
            "Assign": "`set`",
            "AssignBlock": "`set`",
            "With": "`with`",
            "Macro": "`macro`",
            "CallBlock": "`call`",
            "Include": "`include`",
            "Import": "`import`",
            "FromImport": "`import`",
            "Extends": "`extends`",
            "Block": "`block`",
            "Pow": "`**`",
            "FilterBlock": "a `filter` block",
            "ScopedEvalContextModifier": "`autoescape`",
            "EvalContextModifier": "`autoescape`",
            "NSRef": "`namespace`",
        }.get(type(node).__name__, f"`{type(node).__name__}`")
        return f"{what} is not allowed in a guichets template"
    if isinstance(node, nodes.Name) and (node.name.startswith("_") or node.name in RESERVED_NAMES):
        return f"the name {node.name!r} is not allowed"
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return f"the attribute {node.attr!r} is private"
    if isinstance(node, nodes.Getitem):
        arg = node.arg
        if not isinstance(arg, nodes.Const | nodes.Slice):
            return "only a constant can pick an item (x[0], x['key'])"
        if (
            isinstance(arg, nodes.Const)
            and isinstance(arg.value, str)
            and arg.value.startswith("_")
        ):
            return f"the key {arg.value!r} is private"
    if isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value:
        return "text holding `__` is not allowed"
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return f"the filter {node.name!r} is not allowed (allowed: {', '.join(FILTERS)})"
    if isinstance(node, nodes.Filter | nodes.Test) and (node.dyn_args or node.dyn_kwargs):
        return "`*args` and `**kwargs` are not allowed"
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        return f"the test {node.name!r} is not allowed"
    if isinstance(node, nodes.For) and node.recursive:
        return "recursive loops are not allowed"
    if isinstance(node, nodes.Mod) and _is_text(node.left):
        return "`%` formatting is not allowed in a guichets template"
    if isinstance(node, nodes.Mul) and (_is_text(node.left) or _is_text(node.right)):
        other = node.right if _is_text(node.left) else node.left
        if not (isinstance(other, nodes.Const) and isinstance(other.value, int)):
            return "repeat text a constant number of times only"
        if other.value > MAX_REPEAT:
            return f"repeating text more than {MAX_REPEAT} times is not allowed"
    return None


def _is_text(node: nodes.Node) -> bool:
    return isinstance(node, nodes.List | nodes.Tuple) or (
        isinstance(node, nodes.Const) and isinstance(node.value, str)
    )


def _tag_text(source: str, lineno: int, hint: str) -> str:
    """The tag on line ``lineno`` as the template's author typed it (Word's XML removed),
    the one holding ``hint`` when there are several."""
    lines = source.splitlines()
    line = lines[lineno - 1] if 0 < lineno <= len(lines) else ""
    tags = [re.sub(r"<[^>]+>", "", t) for t in TAG.findall(line)]
    words = re.findall(r"[A-Za-z_]\w*", hint) or [hint]
    for tag in tags:
        if any(w in tag for w in words):
            return " ".join(tag.split())
    return " ".join(tags[0].split()) if tags else f"line {lineno}"


class BoundedTemplate(jinja2.Template):
    """A template whose rendered text has a size limit."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        parts: list[str] = []
        size = 0
        for chunk in self.generate(*args, **kwargs):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise Refused(
                    f"the letter would exceed {MAX_OUTPUT // 1_000_000} million characters"
                )
            parts.append(chunk)
        return "".join(parts)


class LetterEnvironment(ImmutableSandboxedEnvironment):
    """The Jinja environment of one letter: checks every template before compiling it, then
    renders it in the immutable sandbox with a loop budget. Make one per letter."""

    intercepted_binops = frozenset({"*", "%", "**"})
    template_class = BoundedTemplate

    def __init__(self) -> None:
        super().__init__(undefined=jinja2.StrictUndefined, autoescape=False)
        self.globals.clear()
        kept = {name: self.filters[name] for name in FILTERS if name in self.filters}
        kept["join"] = _join

        @jinja2.pass_context  # never folded into a constant at compile time
        def bounded(_context: Any, items: Iterable[Any]) -> list[Any]:
            return self._bounded(items)

        kept[BOUNDED] = bounded
        self.filters = kept
        self.tests = {name: self.tests[name] for name in TESTS if name in self.tests}
        self.iterations = 0
        self.source = ""

    def tag_of(self, error: BaseException) -> str:
        """The tag a run-time refusal comes from: the template line Jinja's traceback names."""
        lineno = 0
        tb = error.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == "<template>":
                lineno = tb.tb_lineno
            tb = tb.tb_next
        hint = getattr(error, "hint", "(")
        return _tag_text(self.source, lineno, hint) if lineno else ""

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        self.source = source  # docxtpl renders each part right after compiling it
        tree = super()._parse(source, name, filename)
        for node in tree.find_all(nodes.Node):
            reason = _reason(node)
            if reason:
                hint = getattr(node, "attr", "") or getattr(node, "name", "") or ""
                if isinstance(node, nodes.Const):
                    hint = str(node.value)
                raise Refused(reason, _tag_text(source, node.lineno, str(hint) or "("))
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, BOUNDED, [], [], None, None, lineno=loop.lineno)
        return tree

    def _bounded(self, items: Iterable[Any]) -> list[Any]:
        left = MAX_ITERATIONS - self.iterations
        taken = list(itertools.islice(items, left + 1))
        self.iterations += len(taken)
        if len(taken) > left:
            raise Refused(f"the loops of this letter would turn more than {MAX_ITERATIONS} times")
        return taken

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)

    def call(self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        raise Refused("calling a function or method is not allowed in a guichets template")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        sequences = (str, bytes, list, tuple)
        if operator == "**":
            raise Refused("`**` is not allowed in a guichets template")
        if operator == "%" and isinstance(left, str | bytes):
            raise Refused("`%` formatting is not allowed in a guichets template", hint="%")
        if operator == "*" and (isinstance(left, sequences) or isinstance(right, sequences)):
            seq, count = (left, right) if isinstance(left, sequences) else (right, left)
            if not isinstance(count, int) or count > MAX_REPEAT:
                raise Refused(
                    f"repeating text more than {MAX_REPEAT} times is not allowed", hint="*"
                )
            if isinstance(seq, sequences) and len(seq) * count > MAX_OUTPUT:  # repeats nested
                raise Refused(
                    f"the letter would exceed {MAX_OUTPUT // 1_000_000} million characters",
                    hint="*",
                )
        return super().call_binop(context, operator, left, right)


def _join(items: Any, separator: str = "") -> str:
    """``join`` for a list of values (a string is not split into its characters)."""
    if isinstance(items, str) or not isinstance(items, list | tuple):
        raise Refused("`join` takes a list")
    text = [str(i) for i in items]
    if sum(map(len, text)) + len(separator) * len(text) > MAX_OUTPUT:
        raise Refused(f"the letter would exceed {MAX_OUTPUT // 1_000_000} million characters")
    return separator.join(text)
