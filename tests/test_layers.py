"""House rules on imports: no cycle inside toolkit/, and no lower layer importing a higher one.

The layer order is DESIGN.md's. Every import counts — at module level, inside a function, or
under ``TYPE_CHECKING``: a function-level import hides a cycle, it does not remove it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "toolkit"

# DESIGN.md: errors, model, reference, frenchdates < workspace, vault (the store) < classify
# < ingest, capture < indicators, timeline < charts, documents, export < demo < cli, web.
# Modules DESIGN.md does not name are placed by what they are (and by what they import).
LAYERS: dict[str, int] = {
    "errors": 0, "model": 0, "reference": 0, "frenchdates": 0,
    "_version": 0, "progress": 0, "sqltext": 0,  # no toolkit imports: helpers of every layer
    "provenance": 0,  # the precedence rules over model's types (no store)
    "workspace": 1, "vault": 1,
    "scratch": 1, "zips": 1, "paths": 1,  # the store's temp folder, its zips, paths it takes
    "connection": 1, "custody": 1, "outputs": 1,  # the store's connection, log and outputs
    "verify_base": 1,  # hashing regular files only, inside a folder
    "applicants": 1, "demands": 1,  # applicants, identities, earlier demands: store rows
    "sources": 1,  # who ran each robot crawl: rows of the store
    "removals": 1,  # a row leaves the store with its reason (custody)
    "classify": 2,
    "ingest": 3, "capture": 3,
    "contacts": 3,  # contacts are ingested like any evidence
    "indicators": 4, "timeline": 4,
    "attempts": 4,  # the attempts table read back, with corroboration (indicators)
    "review": 4,  # a person's decision on an attempt: attempts and ingest's time records
    "verify": 4, "verify_manifest": 4, "verify_store": 4,  # the store and capture's tokens
    "charts": 5, "documents": 5, "export": 5,
    "demo": 6, "demo_readme": 6,  # the demo and its LISEZMOI.txt
    "cli": 7, "web": 7, "clidoc": 7, "__main__": 7,
}  # fmt: skip

# Known debts, each to be removed by the change that pays it. Keep this list short. (The
# ingest <-> classify cycle through `reclassify` was paid by issue 16.)
ALLOWED: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def _imports(modules: dict[str, Path]) -> dict[str, set[str]]:
    """Module -> the toolkit modules it imports (anywhere in its body)."""

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    edges: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str | None] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {resolve(a.name) for a in node.names if a.name.startswith("toolkit")}
            elif (
                isinstance(node, ast.ImportFrom)
                and node.level == 0
                and node.module
                and (node.module.startswith("toolkit"))
            ):
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    found.add(full if full in modules else resolve(node.module))
        edges[name] = {m for m in found if m and m != name}
    return edges


def _unit(module: str) -> str:
    """The part of toolkit a module belongs to: ``toolkit.ingest.crawl.sql`` -> ``ingest``."""
    return module.split(".")[1] if module.count(".") else "toolkit"


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def _graph() -> dict[str, set[str]]:
    edges = _imports(_modules())
    return {m: {t for t in targets if (m, t) not in ALLOWED} for m, targets in edges.items()}


def test_every_part_of_toolkit_has_a_layer() -> None:
    units = {_unit(m) for m in _modules()} - {"toolkit"}
    assert units - set(LAYERS) == set(), "add the new module or package to LAYERS (DESIGN.md)"


def test_no_lower_layer_imports_a_higher_one() -> None:
    wrong = [
        f"{m} (layer {LAYERS[_unit(m)]}) imports {t} (layer {LAYERS[_unit(t)]})"
        for m, targets in _graph().items()
        for t in targets
        if _unit(m) in LAYERS and _unit(t) in LAYERS and LAYERS[_unit(t)] > LAYERS[_unit(m)]
    ]
    assert wrong == []


def test_no_import_cycle_between_modules() -> None:
    assert _cycles(_graph()) == []


def test_no_import_cycle_between_parts_of_toolkit() -> None:
    """ingest ↔ classify, say, even through different modules of each."""
    units: dict[str, set[str]] = {}
    for m, targets in _graph().items():
        units.setdefault(_unit(m), set()).update(_unit(t) for t in targets if _unit(t) != _unit(m))
    assert _cycles(units) == []


def test_the_checks_see_a_cycle_and_a_layer_break() -> None:
    """The checks themselves: a made-up cycle, an import inside a function, the allowed debt."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    edges = _imports(_modules())
    assert "toolkit.documents.robot" in edges["toolkit.documents.exhibits"]  # in a function
    assert all(target in edges[source] for source, target in ALLOWED), (
        "an allowed import is gone: remove it from ALLOWED"
    )
