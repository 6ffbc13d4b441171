"""The TUI reaches its node only through the local API client."""

from __future__ import annotations

import ast
import subprocess
import sys
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
