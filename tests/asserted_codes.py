"""Which rule codes a test module asserts in a finding, found by walking its syntax tree.

A code counts where a test can fail on it: a literal code (``"F102"``) inside an ``assert``
statement, not under ``not``/``not in``/``!=`` (an assertion that a finding is absent tests the
good case only); or inside a module-level table (``CASES = [Case("F101", ...)]``) that a test
function with an assert reads — in its body or its decorators (``parametrize``), directly or
through other module-level tables. A code in a test's name, a comment or a docstring is no test.
"""

from __future__ import annotations

import ast
import re

CODE = re.compile(r"[A-Z]\d{3}")
_NEGATIONS = (ast.NotIn, ast.NotEq, ast.IsNot)


def _codes(node: ast.AST) -> set[str]:
    return {n.value for n in ast.walk(node)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE.fullmatch(n.value)}


def _asserted(node: ast.AST) -> set[str]:
    """The codes of an assert's expression, less those it asserts absent."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return set()
    if isinstance(node, ast.Compare):
        if any(isinstance(op, _NEGATIONS) for op in node.ops):
            return set()
        return _codes(node)
    if isinstance(node, ast.BoolOp):
        return set().union(*(_asserted(v) for v in node.values))
    return _codes(node)


def _names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def asserted_codes(source: str) -> set[str]:
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert):
            found |= _asserted(node.test)
    tables: dict[str, list[ast.AST]] = {}
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            for target in (stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]):
                for name in _names(target):
                    tables.setdefault(name, []).append(stmt.value)
    for fn in ast.walk(tree):
        if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) or not fn.name.startswith("test"):
            continue
        if not any(isinstance(n, ast.Assert) for n in ast.walk(fn)):
            continue
        for decorator in fn.decorator_list:
            found |= _codes(decorator)
        todo, seen = list(_names(fn) & tables.keys()), set()
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                for value in tables[name]:
                    found |= _codes(value)
                    todo.extend(_names(value) & tables.keys())
    return found
