"""The rule registry: every check perfxl makes, loaded from an explicit list of the modules
that make them.

Each family module declares its rules beside its checks (``DECLARED = declare(Rule(...))``): a
stable code (family letter + number), a severity, a Chinese title, a rationale, a message
template filled with the values involved, a fix hint, a bad and a good example, and the
English title, message and hint. ``load`` collects the ``DECLARED`` rules of ``FAMILY_MODULES``
(a module missing here has no rules in the catalogue, the docs or ``--select``; a test holds
that every declared rule is listed); ``docs/rules.md`` is generated from it
(``python -m perfxl.rules.docs``).
"""

from __future__ import annotations

from types import ModuleType

from perfxl import model
from perfxl.excel.show import value as fmt  # noqa: F401  (numbers in messages)
from perfxl.model import SEVERITY_EN, SEVERITY_ZH, Rule, _Values, finding  # noqa: F401  (re-exported)
from perfxl.rules import batch, design, formulas, funding, indicators, reviewer, rubric, summary, totals, unit
from perfxl.workbook import fatal, structure

FAMILY_MODULES: tuple[ModuleType, ...] = (fatal, structure, formulas, funding, indicators, design, totals, summary, unit,
                                          reviewer, rubric, batch)

FAMILIES: dict[str, str] = {letter: zh for letter, (zh, _en) in model.FAMILIES.items()}
FAMILIES_EN: dict[str, str] = {letter: en for letter, (_zh, en) in model.FAMILIES.items()}


def load(modules: tuple[ModuleType, ...] = FAMILY_MODULES) -> dict[str, Rule]:
    """code -> Rule for every rule the modules declare, in family order (as ``model.FAMILIES``
    lists them), then by code. A code declared by two modules is an error."""
    order = list(model.FAMILIES)
    rules: dict[str, Rule] = {}
    for module in modules:
        for code, rule in module.DECLARED.items():
            if code in rules:
                raise ValueError(f"rule {code} declared twice ({module.__name__})")
            rules[code] = rule
    return dict(sorted(rules.items(), key=lambda item: (order.index(item[0][0]) if item[0][0] in order else 99, item[0])))


RULES: dict[str, Rule] = load()

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
