"""The rule registry: every check perfxl makes, collected from the modules that make them.

Each family module declares its rules beside its checks (``declare(Rule(...))``): a stable
code (family letter + number), a severity, a Chinese title, a rationale, a message template
filled with the values involved, a fix hint, a bad and a good example, and the English
title, message and hint. This module imports every family so the registry is complete;
``docs/rules.md`` is generated from it (``python -m perfxl.rules.docs``).
"""

from __future__ import annotations

from perfxl import model
from perfxl.excel.show import value as fmt  # noqa: F401  (numbers in messages)
from perfxl.model import SEVERITY_EN, SEVERITY_ZH, Rule, _Values, finding  # noqa: F401  (re-exported)
from perfxl.rules import batch, design, english, formulas, funding, indicators, reviewer, summary, totals, unit  # noqa: F401  (they declare)
from perfxl.workbook import fatal, structure  # noqa: F401  (they declare)

FAMILIES: dict[str, str] = {letter: zh for letter, (zh, _en) in model.FAMILIES.items()}
FAMILIES_EN: dict[str, str] = {letter: en for letter, (_zh, en) in model.FAMILIES.items()}

_ORDER = list(model.FAMILIES)
RULES: dict[str, Rule] = {code: model.RULES[code] for code in
                          sorted(model.RULES, key=lambda c: (_ORDER.index(c[0]) if c[0] in _ORDER else 99, c))}

# Rules that are reported by the command itself, not by the checks: --select does not apply.
FATAL = frozenset(c for c in RULES if c.startswith("E"))


def family_codes(letter: str) -> list[str]:
    return [c for c in RULES if c.startswith(letter)]


def select(codes: list[str], select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> set[str]:
    """Codes enabled by ``--select``/``--ignore`` (codes or family letters)."""
    def match(code: str, pats) -> bool:
        return any(code == p or (len(p) < len(code) and code.startswith(p)) for p in pats)
    chosen = {c for c in codes if (not select and RULES[c].default) or (select and match(c, select)
                                                                         and (RULES[c].default or c in select))}
    return {c for c in chosen if not match(c, ignore)}
