"""The package's layers: every module imports, the import graph of src has no cycle
(imports inside functions count: a lazy import only hides a cycle), and no module
imports a layer above its own (readers are structural: they know nothing of the
parsers or the batch)."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "plan_extract"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(name: str, path: Path) -> set[str]:
    """The package's modules that ``name`` imports, at module level or in a function
    (not under ``if TYPE_CHECKING``); ``from pkg import mod`` is an import of
    ``pkg.mod`` when that is a module, else of ``pkg``."""
    tree = ast.parse(path.read_text("utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            skip.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
            found.update(t for t in targets if t in MODULES)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                if sub in MODULES:
                    found.add(sub)
                elif target in MODULES:
                    found.add(target)
    found.discard(name)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _layer(module: str) -> str:
    """The first two parts of a module's name: ``plan_extract.readers``."""
    return ".".join(module.split(".")[:2])


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


@pytest.mark.parametrize("module", sorted(m for m in MODULES if not m.endswith(".__main__")))  # those run
def test_every_module_imports(module):
    assert importlib.import_module(module).__name__ == module


def test_the_graph_is_read():
    # a check of the checker: known edges, module level, lazy and package-relative
    assert "plan_extract.errors" in GRAPH["plan_extract.readers"]
    assert "plan_extract.readers" in GRAPH["plan_extract.pipeline"]
    assert "plan_extract.pipeline" in GRAPH["plan_extract.batch.work"]  # inside a function
    assert "plan_extract.parsers.layout" in GRAPH["plan_extract.parsers.header"]
    assert "plan_extract.vocabulary" in GRAPH["plan_extract.parsers.tasktable.columns"]
    assert "plan_extract.writers.schema" in GRAPH["plan_extract.writers.tables"]  # from . import schema


def test_no_import_cycles():
    assert _cycles(GRAPH) == []
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# what each layer must not import (the layers above it)
FORBIDDEN = {
    "plan_extract.readers": {
        "plan_extract.parsers",
        "plan_extract.batch",
        "plan_extract.pipeline",
        "plan_extract.writers",
        "plan_extract.cli",
        "plan_extract.api",
        "plan_extract.report",
    },
    "plan_extract.parsers": {
        "plan_extract.readers",
        "plan_extract.batch",
        "plan_extract.pipeline",
        "plan_extract.writers",
        "plan_extract.cli",
        "plan_extract.api",
        "plan_extract.report",
    },
    "plan_extract.normalize": {
        "plan_extract.readers",
        "plan_extract.parsers",
        "plan_extract.batch",
        "plan_extract.pipeline",
        "plan_extract.writers",
        "plan_extract.cli",
    },
    "plan_extract.writers": {
        "plan_extract.readers",
        "plan_extract.parsers",
        "plan_extract.batch",
        "plan_extract.pipeline",
        "plan_extract.cli",
    },
}
# the foundation every layer may use: it imports no layer
FOUNDATION = (
    "plan_extract.errors",
    "plan_extract.ir",
    "plan_extract.model",
    "plan_extract.options",
    "plan_extract.vocabulary",
    "plan_extract.normalize.text",
)
LAYERS = {
    "plan_extract.readers",
    "plan_extract.parsers",
    "plan_extract.batch",
    "plan_extract.pipeline",
    "plan_extract.writers",
    "plan_extract.cli",
    "plan_extract.api",
    "plan_extract.report",
}


def test_no_layer_imports_a_layer_above_it():
    wrong = sorted((m, t) for m, targets in GRAPH.items() for t in targets if _layer(t) in FORBIDDEN.get(_layer(m), ()))
    assert wrong == []


def test_the_foundation_imports_no_layer():
    wrong = sorted((m, t) for m in FOUNDATION for t in GRAPH[m] if _layer(t) in LAYERS)
    assert wrong == []
