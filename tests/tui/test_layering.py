"""The TUI reaches its node only through the local API client, and its modules form a DAG."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from tui.i18n import CATALOGUE

TUI = Path(__file__).parents[2] / "tui"
ALLOWED_NODE = {"node.apiclient"}


def sources(root: Path = TUI) -> list[Path]:
    return sorted(root.rglob("*.py"))


def module_name(path: Path, root: Path = TUI) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_tui_imports_no_node_internals() -> None:
    for path in sources():
        for name in imports(path):
            if name.split(".")[0] in ("node", "protocol"):
                assert name in ALLOWED_NODE, f"{path.relative_to(TUI)} imports {name}"


def test_importing_the_app_loads_no_store_service_or_crypto() -> None:
    code = (
        f"import sys, {', '.join(module_name(p) for p in sources())}\n"
        "bad = [m for m in sys.modules if m.startswith(('node.', 'nacl', 'sqlite'))"
        " and m != 'node.apiclient']\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=TUI.parent,
    ).stdout.strip()
    assert out == ""


def test_the_modules_import_one_another_without_a_circle() -> None:
    """Every import counts, inside a function too; only ``if TYPE_CHECKING:`` ones do not."""
    graph = import_graph(TUI)
    assert "tui.screens.login" in graph["tui.app"], "the graph misses an import"
    circle = find_circle(graph)
    assert circle is None, "import circle: " + " -> ".join(circle or [])


def test_the_circle_check_sees_a_circle_hidden_in_a_function(tmp_path: Path) -> None:
    root = tmp_path / "tui"
    (root / "screens").mkdir(parents=True)
    files = {
        "__init__.py": "",
        "app.py": "def on_mount():\n    from .screens.login import Login\n",
        "screens/__init__.py": "",
        "screens/login.py": "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .base import Host\nfrom .. import fmt\n",
        "screens/base.py": "class Host:\n    def app(self):\n        from ..app import App\n",
        "fmt.py": "",
    }
    for name, text in files.items():
        (root / name).write_text(text)
    graph = import_graph(root)
    assert graph["tui.screens.login"] == ["tui.fmt"]
    assert find_circle(graph) is None
    (root / "screens/login.py").write_text("from .base import Host\n")
    circle = find_circle(import_graph(root))
    assert circle == ["tui.app", "tui.screens.login", "tui.screens.base", "tui.app"]


def test_every_catalogue_key_used_exists_in_both_languages() -> None:
    import re

    used: set[str] = set()
    for path in sources():
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.0-9]+)["']""", text))
        used |= set(re.findall(r"""Binding\([^)]*["']([a-z]+\.[a-z_]+)["']\s*[,)]""", text))
    missing = sorted(k for k in used if k not in CATALOGUE and not k.endswith("."))
    assert not missing
    for key, (nl, en) in CATALOGUE.items():
        assert nl, key
        assert en, key
        assert re.findall(r"{(\w+)}", nl) == re.findall(r"{(\w+)}", en) or sorted(
            re.findall(r"{(\w+)}", nl)
        ) == sorted(re.findall(r"{(\w+)}", en)), key


# -- the import graph ------------------------------------------------------------------


def import_graph(root: Path) -> dict[str, list[str]]:
    paths = {module_name(p, root): p for p in sources(root)}
    return {name: sorted(tui_imports(name, path, set(paths))) for name, path in paths.items()}


def tui_imports(name: str, path: Path, modules: set[str]) -> set[str]:
    """The modules among ``modules`` that ``name`` imports, relative imports resolved."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in import_statements(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
            continue
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            anchor = parts[: len(parts) - node.level + 1]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            found.add(submodule if submodule in modules else base)
    return {m for m in found if m in modules and m != name}


def import_statements(node: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import under ``node``, at any depth, but not those under ``if TYPE_CHECKING:``."""
    if isinstance(node, ast.Import | ast.ImportFrom):
        yield node
    elif isinstance(node, ast.If) and is_type_checking(node.test):
        for other in node.orelse:
            yield from import_statements(other)
    else:
        for child in ast.iter_child_nodes(node):
            yield from import_statements(child)


def is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def find_circle(graph: dict[str, list[str]]) -> list[str] | None:
    """A circle in the graph as the path that closes it (first and last the same)."""
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        for target in graph[name]:
            circle = visit(target, [*path, name])
            if circle:
                return circle
        done.add(name)
        return None

    for start in sorted(graph):
        circle = visit(start, [])
        if circle:
            return circle
    return None
