"""The package's layers import downward only: excel < model < scoring < workbook < rules < result < rollup <
views < outputs < pipeline < batch < web < cli."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "perfxl"

LAYERS = ["excel", "model", "scoring", "workbook", "rules", "result", "rollup", "views", "outputs", "pipeline", "batch",
          "web", "clitext", "cli"]

# Imports that still run upward; each entry is a defect to remove, never to add.
KNOWN_UPWARD: set[tuple[str, str]] = set()


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "perfxl" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in LAYERS else None


def imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
        elif isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
    return found


def upward_imports() -> set[tuple[str, str]]:
    bad = set()
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        own = layer_of("perfxl." + rel.removesuffix(".py").replace("/", "."))
        if own is None:
            continue
        for module in imports(path):
            target = layer_of(module)
            if target and LAYERS.index(target) > LAYERS.index(own):
                bad.add((rel, module))
    return bad


def test_every_package_module_has_a_layer():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ("__init__.py", "__main__.py"):
            continue
        assert layer_of("perfxl." + rel.removesuffix(".py").replace("/", ".")), rel


def test_imports_run_downward_only():
    assert upward_imports() - KNOWN_UPWARD == set()


def test_known_upward_imports_are_still_real():
    """An exception that no longer exists must leave the list (now empty: keep it so)."""
    assert KNOWN_UPWARD <= upward_imports()
