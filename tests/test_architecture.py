"""The architecture as tests: layers, no import cycles, SQL only in the store, sizes.

Every import counts, also one inside a function (a lazy import hides a cycle, it
does not remove it); only imports under ``if TYPE_CHECKING:`` are left out. The
layers, lowest first (a module may import its own layer and those below):

    protocol                       the pure core
    node.config, node.errors, node.ports
    node.store                     SQL, the audit log, keys at rest
    node.domain                    the node's rules, as services over one Context
    node.faces                     the faces: federation, local API, metrics
    node.app                       the daemon: wires domain and faces
    node.tools                     the operator's tools (may start the TUI)

``node.apiclient`` is a leaf (it imports nothing of ``node``); ``tui`` imports only
``node.apiclient`` and itself.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGES = ("protocol", "node", "tui")
MAX_MODULE_LINES = 600
MAX_CLASS_LINES = 300
SIZE_EXEMPT = {"tui.i18n"}  # the Dutch and English catalogue: one sentence per line

LAYERS = [
    ("protocol",),
    ("node.config", "node.errors", "node.ports"),
    ("node.store",),
    ("node.domain",),
    ("node.faces",),
    ("node.app",),
    ("node.tools",),
]


def module_files() -> dict[str, Path]:
    files: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            files[".".join(parts)] = path
    return files


MODULES = module_files()


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, but those under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(tree):
        if isinstance(child, ast.If) and _is_type_checking(child.test):
            for other in child.orelse:
                yield from _imports(other)
            continue
        if isinstance(child, ast.Import | ast.ImportFrom):
            yield child
        yield from _imports(child)


def imported_modules(name: str, path: Path) -> set[str]:
    """The project modules ``name`` imports (resolving relative imports)."""
    is_package = path.name == "__init__.py"
    out: set[str] = set()
    for stmt in _imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(stmt, ast.Import):
            targets = [alias.name for alias in stmt.names]
        else:
            base = stmt.module or ""
            if stmt.level:
                anchor = name.split(".")
                if not is_package:
                    anchor = anchor[:-1]
                anchor = anchor[: len(anchor) - (stmt.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" for alias in stmt.names] + [base]
        for target in targets:
            while target and target not in MODULES:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


GRAPH = {name: imported_modules(name, path) for name, path in MODULES.items()}


def layer(module: str) -> int | None:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def test_the_graph_sees_lazy_imports() -> None:
    """A self-check: an import inside a function is an edge like any other."""
    tree_text = "def f():\n    from node.store import db\n"
    assert [type(s) for s in _imports(ast.parse(tree_text))] == [ast.ImportFrom]
    guarded = "if TYPE_CHECKING:\n    import node.app\nimport node.errors\n"
    assert [s.names[0].name for s in _imports(ast.parse(guarded))] == ["node.errors"]  # type: ignore[union-attr]


def test_no_import_cycles() -> None:
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_lower_layer_imports_a_higher_one() -> None:
    wrong = []
    for module, targets in GRAPH.items():
        rank = layer(module)
        if rank is None:
            continue
        for target in targets:
            if target.startswith("tui"):
                if not module.startswith("node.tools"):
                    wrong.append(f"{module} -> {target}")
                continue
            other = layer(target)
            if other is not None and other > rank:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the layers: " + ", ".join(sorted(wrong))


def test_the_api_client_is_a_leaf_and_the_tui_uses_only_it() -> None:
    client = {t for t in GRAPH["node.apiclient"] if not t.startswith("protocol")}
    assert client == set()
    wrong = [
        f"{m} -> {t}"
        for m, targets in GRAPH.items()
        if m.startswith("tui")
        for t in targets
        if not t.startswith("tui") and t != "node.apiclient"
    ]
    assert not wrong


def test_no_dynamic_imports() -> None:
    for module, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        assert "import_module" not in text, module
        assert "__import__" not in text, module


SQL = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA) ")


def test_sql_is_written_only_in_the_store() -> None:
    found = []
    for module, path in MODULES.items():
        if module.startswith(("node.store", "protocol", "tui")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if SQL.match(node.value) and " " in node.value.strip():
                    found.append(f"{module}:{node.lineno}")
    assert not found, "SQL outside node/store: " + ", ".join(found)


@pytest.mark.parametrize("module", sorted(set(MODULES) - SIZE_EXEMPT))
def test_sizes_a_reader_can_hold(module: str) -> None:
    text = MODULES[module].read_text(encoding="utf-8")
    assert len(text.splitlines()) <= MAX_MODULE_LINES
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.ClassDef):
            size = (node.end_lineno or node.lineno) - node.lineno + 1
            assert size <= MAX_CLASS_LINES, f"class {node.name}: {size} lines"
