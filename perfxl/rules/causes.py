"""Root causes (docs/template.md §4, "Severity and the cell a finding names").

One mistake, one finding. Built once, from the formula dependencies of the workbook (every
formula's references, followed across sheets), never from a list of pairs of rule codes:

- a value finding at a formula cell whose formula reads — directly or through other
  formulas — a cell that has a finding of its own is a consequence: it is dropped, and the
  cause's message names it (``随之变化：汇总!F3``);
- where a constant was typed over a formula (X108) and an arithmetic rule objects to the
  same cell, one finding says both: what was typed, what it should be, and the formula to
  restore;
- a finding left at a formula cell never advises typing a constant there: its hint says to
  correct what the formula reads, or to restore it.
"""

from __future__ import annotations

from perfxl.excel.grid import coord
from perfxl.excel.refs import references, tokens
from perfxl.model import RULES, Finding, WorkbookModel, finding

# Findings that say a value is wrong (they can be consequences of a wrong input): R111 and X101
# at a formula cell say "not a number" / "an error value" of what the formula gives.
VALUE = {"R111", "X101", "F101", "F102", "F103", "F105", "T101", "T104", "T105", "S104", "S105", "S106", "S107", "S108", "S109", "U101", "U102", "U103", "U104", "U105", "I101", "I102", "I104", "X109"}
# Findings about how a cell is written or explained, not about a wrong value: never a cause.
NOT_CAUSE = {"X102", "X103", "X104", "X105", "X106", "X107", "X113", "X114", "F104", "F108", "I105", "I106",
             "I107", "I108", "I110", "S102", "S103", "R104", "R113", "R117"}
# The formula's own form is reported beside a value finding at the same cell only when it is the
# only thing wrong: these give way to the value finding there.
FORM = {"X103", "X104", "X108"}
FORM_NOTES = {
    "X108": ("；此处应为公式 {formula}，被直接输入了常数", "; this cell should hold the formula {formula}, and a "
             "constant was typed over it"),
    "X103": ("；公式 {formula} 与相邻单元格的 {other} 不一致", "; its formula {formula} differs from the "
             "neighbouring {other}"),
    "X104": ("；公式 {formula} 未包含相邻的 {cell}", "; its formula {formula} leaves out the adjacent {cell}"),
}

_MAX_AREA = 20000  # cells of one range followed (a whole column is bounded by the sheet's extent)


class Dependencies:
    """Which cells each formula cell reads, directly and through other formulas."""

    def __init__(self, model: WorkbookModel):
        self.model = model
        self._direct: dict[tuple[str, str], set[tuple[str, str]]] = {}
        self._all: dict[tuple[str, str], frozenset] = {}
        self._formulas = {(c.sheet, c.coord): c.formula for c in model.formula_cells}
        self._sheets = {name.casefold(): name for name in model.grids}

    def formula(self, sheet: str, cell: str) -> str | None:
        return self._formulas.get((sheet, cell))

    def direct(self, key: tuple[str, str]) -> set[tuple[str, str]]:
        found = self._direct.get(key)
        if found is not None:
            return found
        found = set()
        formula = self._formulas.get(key)
        if formula:
            for ref in references(formula):
                sheet = self._sheets.get((ref.sheet or key[0]).casefold())
                grid = self.model.grids.get(sheet) if sheet else None
                if grid is None:
                    continue
                r2, c2 = min(ref.r2, grid.max_row), min(ref.c2, grid.max_col)
                if (r2 - ref.r1 + 1) * (c2 - ref.c1 + 1) > _MAX_AREA:
                    cells = [(r, c) for (r, c) in grid.cells if ref.r1 <= r <= r2 and ref.c1 <= c <= c2]
                else:
                    cells = [(r, c) for r in range(ref.r1, r2 + 1) for c in range(ref.c1, c2 + 1)
                             if (r, c) in grid.cells]
                found.update((sheet, coord(r, c)) for r, c in cells)
        self._direct[key] = found
        return found

    def reads(self, key: tuple[str, str]) -> frozenset:
        """Every cell the formula at ``key`` depends on (transitively)."""
        done = self._all.get(key)
        if done is not None:
            return done
        seen: set[tuple[str, str]] = set()
        stack = [key]
        while stack:
            k = stack.pop()
            for d in self.direct(k):
                if d not in seen and d != key:
                    seen.add(d)
                    if d in self._formulas:
                        known = self._all.get(d)
                        if known is not None:
                            seen |= known
                        else:
                            stack.append(d)
        result = frozenset(seen)
        self._all[key] = result
        return result


def attribute(findings: list[Finding], model: WorkbookModel) -> list[Finding]:
    """The findings with consequences folded into their causes (see the module's doc)."""
    deps = Dependencies(model)
    findings = _merge_typed_over(findings, deps)
    causes: dict[tuple[str, str], Finding] = {}
    for f in findings:
        if f.sheet and f.cell and f.severity in ("error", "warning") and f.code not in NOT_CAUSE:
            causes.setdefault((f.sheet, f.cell), f)
    kept: list[Finding] = []
    consequences: dict[int, list[str]] = {}
    by_id = {}
    for f in findings:
        key = (f.sheet, f.cell)
        if f.code in VALUE and f.sheet and f.cell and deps.formula(*key):
            upstream = [causes[k] for k in deps.reads(key) if k in causes and causes[k] is not f]
            if upstream:
                cause = min(upstream, key=lambda c: (c.severity != "error", c.sheet or "", c.cell or ""))
                consequences.setdefault(id(cause), []).append(f.ref)
                by_id[id(cause)] = cause
                continue
        kept.append(f)
    escalated = {}
    for i, refs in consequences.items():
        cause = by_id[i]
        refs = list(dict.fromkeys(refs))
        if cause.code == "R112":  # a text number a formula skips changes a total: an error, not a format warning
            worse = finding("R120", cause.sheet, cause.cell, **cause.values)
            escalated[id(cause)] = worse
            cause = worse
        cause.add_note("；随之出错的公式：{consequences}", " (formulas that go wrong with it: {consequences})",
                       consequences=tuple(refs))
    kept = [escalated.get(id(f), f) for f in kept]
    for f in kept:
        formula = deps.formula(f.sheet, f.cell) if f.sheet and f.cell else None
        if formula and f.code in VALUE and f.hint_as is None:
            reads = list(dict.fromkeys(v.replace("$", "") for v, kind, sub in tokens(formula)
                                       if kind == "OPERAND" and sub == "RANGE"))
            f.set_hint("该单元格是公式 {formula}，不要在此输入数字：请改正它引用的单元格（{reads}），或恢复正确的公式",
                       "This cell holds the formula {formula}; do not type a number over it: correct the cells "
                       "it reads ({reads}), or restore the right formula",
                       formula=formula, reads=tuple(reads[:6]) + (("…",) if len(reads) > 6 else ()))
    return kept


def _merge_typed_over(findings: list[Finding], deps: Dependencies) -> list[Finding]:
    """X108 and an arithmetic finding at one cell are one mistake: keep the arithmetic finding
    (it says what was typed and what it should be) and advise restoring the formula."""
    by_cell: dict[tuple, list[Finding]] = {}
    for f in findings:
        if f.sheet and f.cell:
            by_cell.setdefault((f.sheet, f.cell), []).append(f)
    drop: set[int] = set()
    for items in by_cell.values():
        value = [f for f in items if f.code in VALUE]
        if not value:
            continue
        main = value[0]
        for f in items:
            if f.code in FORM and f is not main:
                drop.add(id(f))
                main.values.update({k: v for k, v in f.values.items() if k not in main.values or k == "formula"})
                zh, en = FORM_NOTES[f.code]
                main.add_note(zh, en)
                rule = RULES[f.code]
                main.set_hint(rule.hint, rule.en[2])
    return [f for f in findings if id(f) not in drop]


__all__ = ["Dependencies", "attribute", "finding"]
