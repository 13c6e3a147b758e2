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
  correct what the formula reads, or to restore it;
- a number stored as text (R112) is the cause of a formula's wrong value only when it changes
  that value: the formula is computed as the cells stand and again with the number in place of
  the text. SUM and the other aggregate functions skip the text, so a total changes (R120);
  ``+ - * /`` convert it, so ``=D8/C8`` gives the same with ``'100`` as with 100, and a finding
  there has another cause. Each text number is judged as it stands and, where other text
  numbers feed the same formula, again with those corrected; every text number that changes a
  formula names it (several text numbers skipped by one SUM are several R120, each naming the
  total), since correcting one alone leaves the total wrong.
"""

from __future__ import annotations


from perfxl.excel.grid import coord
from perfxl.excel.numbers import read_number
from perfxl.excel.refs import references, split, tokens
from perfxl.model import RULES, Finding, WorkbookModel, finding

# Findings that say a value is wrong (they can be consequences of a wrong input): R111 and X101
# at a formula cell say "not a number" / "an error value" of what the formula gives.
VALUE = {"R111", "X101", "F101", "F102", "F103", "F105", "T101", "T104", "T105", "S104", "S105", "S106", "S107", "S108", "S109", "U101", "U102", "U103", "U104", "U105", "I101", "I102", "I104", "X109"}
# Findings about how a cell is written or explained, not about a wrong value: never a cause.
NOT_CAUSE = {"X102", "X103", "X104", "X105", "X106", "X107", "X113", "X114", "F104", "F108", "I105", "I106",
             "I107", "I108", "I110", "S102", "S103", "R104", "R113", "R117",
             "R122"}  # R122: a number formatted as a date is read as the number; it puts nothing wrong
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

# Functions that skip a number stored as text in the cells they read (Excel and WPS alike); the
# arithmetic operators convert it instead.
SKIPS_TEXT = ("SUM", "SUMIF", "SUMIFS", "SUMPRODUCT", "SUBTOTAL", "AGGREGATE", "PRODUCT", "AVERAGE",
              "AVERAGEIF", "AVERAGEIFS", "MIN", "MAX", "MINIFS", "MAXIFS", "COUNT")

# Text numbers judged a second time, with the other text numbers their formula reads corrected
# (one evaluator each): enough for any real workbook, bounded for a pathological one.
_SECOND_LOOKS = 200


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


class TextNumbers:
    """Whether a number stored as text changes what a formula gives: the formula computed as the
    cells stand, and again with the text replaced by its number (one evaluator each, memoised)."""

    def __init__(self, model: WorkbookModel):
        self.model = model
        self._cells: dict | None = None
        self._evaluators: dict = {}
        self._answers: dict = {}
        self._second_looks = _SECOND_LOOKS

    def _evaluator(self, key):
        from collections import ChainMap

        from perfxl.excel.formula import WorkbookEvaluator

        if self._cells is None:
            self._cells = {(g.name, c.coord): c.formula or c.value
                           for g in self.model.grids.values() for c in g.cells.values()}
        if key not in self._evaluators:  # key: the text cells that hold their numbers
            cells = ChainMap({k: self._number(k) for k in key}, self._cells) if key else self._cells
            self._evaluators[key] = WorkbookEvaluator(cells, {k: v for k, v in self.model.defined_names.items() if v})
        return self._evaluators[key]

    def _number(self, key) -> float | None:
        grid = self.model.grids.get(key[0])
        cell = grid.cells.get(split(key[1])) if grid is not None else None
        return read_number(cell).value if cell is not None else None

    def changes(self, text_cell: tuple[str, str], formula_cell: tuple[str, str],
                others: frozenset = frozenset()) -> bool:
        """True when ``formula_cell`` gives another value once ``text_cell`` holds its number
        (and, not knowing, when either cannot be computed). ``others`` are the other numbers
        stored as text the formula reads: the text counts as well when it changes the formula
        only once they are corrected (a first text number can hide a second one)."""
        answer = self._answers.get((text_cell, formula_cell))
        if answer is None:
            from perfxl.excel.formula import CircularReference, Unsupported

            if self._number(text_cell) is None:
                answer = True
            else:
                try:
                    answer = not _same(self._evaluator(frozenset()).value(*formula_cell),
                                       self._evaluator(frozenset({text_cell})).value(*formula_cell))
                    others = frozenset(k for k in others if k != text_cell and self._number(k) is not None)
                    if not answer and others and self._second_looks > 0:
                        self._second_looks -= 1  # each is one more evaluator: bounded per workbook
                        answer = not _same(self._evaluator(others).value(*formula_cell),
                                           self._evaluator(others | {text_cell}).value(*formula_cell))
                except (Unsupported, CircularReference):
                    answer = True
            self._answers[(text_cell, formula_cell)] = answer
        return answer


def _same(a, b) -> bool:
    numbers = (int, float)
    if isinstance(a, numbers) and isinstance(b, numbers) and not isinstance(a, bool) and not isinstance(b, bool):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return type(a) is type(b) and a == b


def _skipping_function(deps: Dependencies, text_cell: tuple[str, str], wrong: list[tuple[str, str]]) -> str | None:
    """The aggregate function (SUM…) that reads the text — directly or through formulas that only
    repeat it (``='项目2'!D6``) — on the way to the formulas it puts wrong; None when none does."""
    on_the_way = [text_cell]
    for key in dict.fromkeys(wrong):
        on_the_way.extend(k for k in (key, *deps.reads(key)) if deps.formula(*k) and text_cell in deps.reads(k))
    on_the_way = list(dict.fromkeys(on_the_way))
    carriers = {text_cell}
    for _ in range(len(on_the_way)):  # formulas that are one reference to the text or to such a formula
        more = {k for k in on_the_way if k not in carriers and deps.direct(k) and deps.direct(k) <= carriers
                and len([t for t in tokens(deps.formula(*k) or "") if t[1] not in ("WHITE-SPACE",)]) == 1}
        if not more:
            break
        carriers |= more
    for key in on_the_way:
        if key in carriers or not deps.direct(key) & carriers:
            continue
        for value, kind, sub in tokens(deps.formula(*key) or ""):
            name = value.rstrip("(").upper().removeprefix("_XLFN.")
            if kind == "FUNC" and sub == "OPEN" and name in SKIPS_TEXT:
                return name
    return None


def _text_number_error(cause: Finding, deps: Dependencies, wrong: list[tuple[str, str]]) -> Finding:
    """R120 for a text number that changes formulas: saying how (a SUM skips it, or a formula
    takes it as text), with advice to match."""
    fn = _skipping_function(deps, (cause.sheet, cause.cell), wrong)
    if fn:
        how = (f"引用它的 {fn} 公式把它漏算了", f"a number stored as text that the {fn} formula reading it leaves out")
    else:
        how = ("引用它的公式把它当作文本而不是数字，结果随之改变",
               "a number stored as text that a formula reading it takes as text, not as a number, "
               "which changes its result")
    worse = finding("R120", cause.sheet, cause.cell, **cause.values, how=how[0], how_en=how[1])
    for zh, en in cause.notes:  # what the warning said beyond its template (the unit read, …)
        worse.add_note(zh, en)
    if cause.hint_as is not None:  # advice that fits the cell (a number typed with its unit)
        worse.set_hint(*cause.hint_as)
    elif not fn:
        worse.set_hint("选中该单元格，用“转换为数字”或重新输入数字（不要带单位和空格），引用它的公式即按数字计算",
                       "Convert it to a number (or type the number again, without units or spaces); the formulas "
                       "reading it then compute with the number")
    return worse


def _typed_what_the_formula_gives(f: Finding) -> bool:
    """An X108 whose constant is what the formula it replaced gives: a form mistake (it will not
    follow its source), but no formula reading it is wrong because of it, so it is no cause."""
    if f.code != "X108":
        return False
    typed, computed = f.values.get("value"), f.values.get("computed")
    numbers = [v for v in (typed, computed) if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(numbers) != 2:
        return False
    return abs(float(typed) - float(computed)) <= 1e-9 * max(1.0, abs(float(computed)))


def attribute(findings: list[Finding], model: WorkbookModel) -> list[Finding]:
    """The findings with consequences folded into their causes (see the module's doc)."""
    deps = Dependencies(model)
    findings = _merge_typed_over(findings, deps)
    causes: dict[tuple[str, str], Finding] = {}
    for f in findings:
        if f.sheet and f.cell and f.severity in ("error", "warning") and f.code not in NOT_CAUSE \
                and not _typed_what_the_formula_gives(f):
            causes.setdefault((f.sheet, f.cell), f)
    text_numbers = TextNumbers(model)
    kept: list[Finding] = []
    parent: dict[int, Finding] = {}  # a consequence -> the finding it follows from
    texts: dict[int, list[Finding]] = {}  # a consequence -> every text number that changes it
    dropped: list[Finding] = []
    for f in findings:
        key = (f.sheet, f.cell)
        if f.code in VALUE and f.sheet and f.cell and deps.formula(*key):
            reads = deps.reads(key)
            texts_read = frozenset(k for k in reads if k in causes and causes[k].code == "R112")
            upstream = [c for k in reads if k in causes and (c := causes[k]) is not f
                        and (c.code != "R112" or text_numbers.changes(k, key, texts_read))]
            if upstream:
                parent[id(f)] = min(upstream, key=lambda c: (c.severity != "error", c.sheet or "", c.cell or ""))
                texts[id(f)] = sorted((c for c in upstream if c.code == "R112"), key=lambda c: (c.sheet, c.cell))
                dropped.append(f)
                continue
        kept.append(f)
    consequences: dict[int, list[Finding]] = {}
    by_id = {}
    for f in dropped:  # a consequence of a consequence belongs to the first cause
        cause, seen = parent[id(f)], {id(f)}
        while id(cause) in parent and id(cause) not in seen:
            seen.add(id(cause))
            cause = parent[id(cause)]
        if id(cause) in parent:  # formulas reading each other in a circle: keep the one reached
            parent.pop(id(cause))
            kept.append(cause)
        consequences.setdefault(id(cause), []).append(f)
        by_id[id(cause)] = cause
        # Each number stored as text that changes this formula is a mistake of its own: fixing
        # one alone leaves the formula wrong, so every one of them names it (and becomes R120),
        # not only the first cause reached.
        for text in texts[id(f)]:
            if text is not cause:
                consequences.setdefault(id(text), []).append(f)
                by_id[id(text)] = text
    escalated = {}
    for i, wrong in consequences.items():
        cause = by_id[i]
        refs = list(dict.fromkeys(f.ref for f in wrong))
        if cause.code == "R112":  # a text number a formula skips changes a total: an error, not a format warning
            worse = _text_number_error(cause, deps, [(f.sheet, f.cell) for f in wrong])
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
