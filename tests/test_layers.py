"""The layers of crmlib are folders, and imports between them run one way only.

    base (errors, project) → data → metrics → report → render → publish → cli

A module may import its own layer and the layers before it, never a later one; the
sample generator (``crmlib.samplegen``) may use data, metrics and report, and only the
CLI may use it. Every import counts, also those inside functions (they are still
dependencies, only deferred), and no two modules may depend on each other in a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "crmlib"
ORDER = ["base", "data", "metrics", "report", "render", "publish", "cli"]
BASE = {"crmlib", "crmlib.errors", "crmlib.project"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(path: Path, name: str) -> set[str]:
    """crmlib modules imported anywhere in the module (top level and inside functions)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    known = modules()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # `from crmlib.report import fmt` imports the module crmlib.report.fmt
            targets = [
                f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names
            ]
        else:
            continue
        found |= {t for t in targets if t == "crmlib" or t.startswith("crmlib.")}
    found.discard(name)
    return found


def layer(name: str) -> str:
    if name in BASE:
        return "base"
    part = name.split(".")[1]
    return part if part in ORDER or part == "samplegen" else "?"


def rank(name: str) -> float:
    kind = layer(name)
    return 3.5 if kind == "samplegen" else ORDER.index(kind)


def graph() -> dict[str, set[str]]:
    return {name: imports_of(path, name) for name, path in modules().items()}


def test_every_module_belongs_to_a_layer():
    assert [n for n in modules() if layer(n) == "?"] == []


def test_no_import_runs_upward():
    upward = [
        f"{name} ({layer(name)}) imports {dep} ({layer(dep)})"
        for name, deps in graph().items()
        for dep in sorted(deps)
        if rank(dep) > rank(name)
        or (layer(dep) == "samplegen" and layer(name) not in ("samplegen", "cli"))
    ]
    assert upward == []


def test_no_import_cycle():
    deps = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(deps.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(deps):
        if start not in state:
            visit(start, [start])
    assert cycles == []


@pytest.mark.parametrize(
    ("source", "name", "expected"),
    [
        ("from crmlib.report import fmt\n", "crmlib.render.x", {"crmlib.report.fmt"}),
        ("def f():\n    from crmlib.cli import main\n", "crmlib.data.x", {"crmlib.cli.main"}),
        ("from . import escape\n", "crmlib.report.x", {"crmlib.report.escape"}),
        ("import crmlib.publish.build\n", "crmlib.report.x", {"crmlib.publish.build"}),
    ],
)
def test_the_check_sees_every_form_of_import(tmp_path, source, name, expected):
    path = tmp_path / "x.py"
    path.write_text(source, encoding="utf-8")
    assert imports_of(path, name) == expected


# The size guide of docs/architecture.md ("Size"): a module over 600 lines or a function
# over 80 is a sign that it does more than one job. The exceptions are named there.
MODULE_LINES, FUNCTION_LINES = 600, 80
LONG_MODULES = {"crmlib.report.fmt"}  # the one formatting module (docs/architecture.md)


def test_modules_and_functions_stay_short():
    long_modules, long_functions = [], []
    for name, path in modules().items():
        source = path.read_text(encoding="utf-8")
        if len(source.splitlines()) > MODULE_LINES and name not in LONG_MODULES:
            long_modules.append(name)
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                if node.end_lineno - node.lineno + 1 > FUNCTION_LINES:
                    long_functions.append(f"{name}.{node.name}")
    assert (long_modules, long_functions) == ([], [])
