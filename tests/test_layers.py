"""The shape of the code, checked from its own imports and sources (issue 16's rules).

- no import cycles between project modules, counting imports inside functions;
- ``loaders`` never imports ``components`` or ``pages``; ``components`` never ``pages``;
- ``loaders.derive`` imports only ``loaders.schemas`` and itself (pure derivations);
- outside the frame, ``components`` never read a snapshot (no reader modules, no store
  reads): pages read, components draw what they are given;
- exactly one module touches ``st.query_params``;
- no function longer than 120 lines, no module longer than 700 lines of code.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

from loaders import paths

ROOT = paths.ROOT
PACKAGES = ("loaders", "components", "pages")
MAX_FUNCTION_LINES = 120
MAX_MODULE_CODE_LINES = 700
# Loader modules that read a snapshot (the readers and the store's reading functions).
READERS = {
    "loaders.assessments",
    "loaders.divisions",
    "loaders.evaluators",
    "loaders.profile",
    "loaders.rankings",
    "loaders.records",
    "loaders.weights",
}


def _modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> Iterator[tuple[str, int, set[str]]]:
    """Yield (imported project module, line, names taken from it) for every import."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = alias.name
                while target and target not in MODULES:
                    target = target.rpartition(".")[0]
                if target:
                    yield target, node.lineno, set()
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in MODULES:
                    yield full, node.lineno, set()
                    continue
                target = base
                while target and target not in MODULES:
                    target = target.rpartition(".")[0]
                if target:
                    yield target, node.lineno, {alias.name}


def _graph() -> dict[str, set[str]]:
    return {
        name: {t for t, _, _ in _imports(name, path) if t != name} for name, path in MODULES.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("loaders", ("components", "pages", "app")),
        ("components", ("pages", "app")),
    ],
)
def test_layers_import_downwards_only(layer: str, forbidden: tuple[str, ...]) -> None:
    wrong = [
        f"{name} → {target}"
        for name, targets in _graph().items()
        if name.split(".")[0] == layer
        for target in targets
        if target.split(".")[0] in forbidden
    ]
    assert wrong == []


def test_derivations_import_only_the_schemas() -> None:
    wrong = [
        f"{name} → {target}"
        for name, targets in _graph().items()
        if name.startswith("loaders.derive")
        for target in targets
        if target != "loaders.schemas" and not target.startswith("loaders.derive")
    ]
    assert wrong == []


def test_components_outside_the_frame_never_read_a_snapshot() -> None:
    wrong = []
    for name, path in MODULES.items():
        if not name.startswith("components") or name.startswith("components.frame"):
            continue
        for target, line, names in _imports(name, path):
            reads_store = target.startswith("loaders.store") and names - {"SnapshotRef"}
            if target in READERS or reads_store:
                wrong.append(f"{name}:{line} → {target} {sorted(names)}")
    assert wrong == []


def test_exactly_one_module_touches_the_query_parameters() -> None:
    touching = []
    for name, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "query_params"
                and isinstance(node.value, ast.Name)
                and node.value.id == "st"
            ):
                touching.append(name)
                break
    assert touching == ["components.frame.url"]


def _code_lines(tree: ast.Module, text: str) -> int:
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if (
            isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
            and body
            and isinstance(body[0], ast.Expr)
            and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str)
        ):
            docstrings.update(range(body[0].lineno, (body[0].end_lineno or 0) + 1))
    return sum(
        1
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#") and number not in docstrings
    )


def test_functions_and_modules_stay_readable() -> None:
    long_functions, long_modules = [], []
    for name, path in MODULES.items():
        text = path.read_text("utf-8")
        tree = ast.parse(text)
        if _code_lines(tree, text) > MAX_MODULE_CODE_LINES:
            long_modules.append(name)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long_functions.append(f"{name}.{node.name} ({length} lines)")
    assert long_functions == [] and long_modules == []
