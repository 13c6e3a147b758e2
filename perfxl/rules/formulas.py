"""X: the formula audit — Excel's background error checks, and what Excel does not check.

Every formula of every sheet the user owns is looked at once. Numbers typed as text
stay with the reader's rule (R112): one problem, one finding.
"""

from __future__ import annotations

import math
import re

from openpyxl.utils import get_column_letter, range_boundaries

from perfxl.model import Cell, WorkbookModel
from perfxl.rules.context import Context
from perfxl.excel.grid import SheetGrid, coord
from perfxl.excel.labels import is_dash
from perfxl.excel.refs import functions, has_external, r1c1, references

ERRORS = {"#DIV/0!", "#REF!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
VOLATILE = {"NOW", "TODAY", "INDIRECT", "OFFSET", "RAND", "RANDBETWEEN"}
_TWO_DIGIT_YEAR = re.compile(r"^\s*(\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2}|\d{2}[/\-.]\d{1,2}[/\-.]\d{1,2})\s*$")


def is_error(value) -> bool:
    return isinstance(value, str) and value.strip() in ERRORS


def audit_formulas(ctx: Context, model: WorkbookModel, evaluator, data_sheets: set[str],
                   summary_rows: list[tuple] = ()) -> None:
    """``data_sheets``: the project, unit and summary sheets (where totals live)."""
    for name, target in model.defined_names.items():
        if "#REF!" in (target or ""):
            ctx.add("X112", None, name=name, target=target)
    for sheet, grid in model.grids.items():
        for (row, col), cell in grid.cells.items():
            if cell.formula:
                _audit_formula(ctx, grid, row, col, cell, evaluator, sheet in data_sheets)
            else:
                _audit_constant(ctx, grid, row, col, cell)
        _audit_validations(ctx, model, grid)
    _audit_template_cells(ctx, model)
    for row_cells, project_sheet, name in summary_rows:
        _audit_summary_row(ctx, row_cells, project_sheet, name, set(model.grids))


def _audit_formula(ctx: Context, grid: SheetGrid, row: int, col: int, cell: Cell, evaluator, in_data: bool) -> None:
    f = cell.formula
    if has_external(f):
        ctx.add("X110", cell, formula=f)
        return
    computed, circular = _evaluate(evaluator, cell)
    if computed is _TOO_DEEP:
        ctx.add("X115", cell, formula=f if len(f) <= 60 else f[:60] + "…", limit=64)
        return
    if circular:
        ctx.add("X111", cell, formula=f)
        return
    value = cell.value
    if is_error(value) and not _error_upstream(grid, f, evaluator):
        ctx.add("X101", cell, formula=f, value=value)
    elif not cell.computed and computed is not _NOTHING and not _same(value, computed):
        ctx.add("X109", cell, formula=f, cached=_show(value), computed=_show(computed))
    if not cell.locked:
        ctx.add("X105", cell, formula=f)
    used = functions(f) & VOLATILE
    if used and in_data:
        ctx.add("X113", cell, formula=f, functions="、".join(sorted(used)))
    _audit_inconsistent(ctx, grid, row, col, cell)
    _audit_omitted(ctx, grid, row, col, cell)
    for ref in references(f):
        if ref.sheet is None and ref.single and (ref.r1, ref.c1) not in grid.cells:
            ctx.add("X106", cell, formula=f, cell=coord(ref.r1, ref.c1))
            break


_NOTHING = object()
_TOO_DEEP = object()


def _evaluate(evaluator, cell: Cell):
    from perfxl.excel.formula import CircularReference, FormulaTooDeep, Unsupported
    try:
        return evaluator.value(cell.sheet, cell.coord), False
    except CircularReference:
        return _NOTHING, True
    except FormulaTooDeep:
        return _TOO_DEEP, False
    except (Unsupported, RecursionError, ValueError, TypeError, ZeroDivisionError):
        return _NOTHING, False


def _same(a, b) -> bool:
    if a is None or a == "":
        return b is None or b == "" or b == 0
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
    return str(a) == str(b)


def _show(v) -> str:
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return "空" if v is None or v == "" else str(v)


def _error_upstream(grid: SheetGrid, formula: str, evaluator) -> bool:
    """An error that comes from a referenced cell is reported there, not here."""
    for ref in references(formula):
        sheet = ref.sheet or grid.name
        for r in range(ref.r1, min(ref.r2, ref.r1 + 500) + 1):
            for c in range(ref.c1, min(ref.c2, ref.c1 + 50) + 1):
                try:
                    if is_error(evaluator.value(sheet, coord(r, c))):
                        return True
                except Exception:  # unreadable upstream: not this cell's error
                    continue
    return False


def _signature(cell: Cell, row: int, col: int) -> str:
    return r1c1(cell.formula, row, col)


def _loose(cell: Cell, row: int, col: int) -> str:
    return r1c1(cell.formula, row, col, sheets_as_placeholder=True)


def _pairs(row: int, col: int):
    yield (row - 1, col), (row + 1, col)
    yield (row, col - 1), (row, col + 1)


def _audit_inconsistent(ctx: Context, grid: SheetGrid, row: int, col: int, cell: Cell) -> None:
    mine = _signature(cell, row, col)
    for a, b in _pairs(row, col):
        ca, cb = grid.cells.get(a), grid.cells.get(b)
        if not (ca and cb and ca.formula and cb.formula):
            continue
        sa, sb = _signature(ca, *a), _signature(cb, *b)
        if sa == sb and sa != mine and _loose(ca, *a) != _loose(cell, row, col):
            ctx.add("X103", cell, formula=cell.formula, neighbours=f"{ca.coord}、{cb.coord}", other=ca.formula)
            return


def _audit_omitted(ctx: Context, grid: SheetGrid, row: int, col: int, cell: Cell) -> None:
    for ref in references(cell.formula):
        if ref.sheet is not None or ref.single:
            continue
        if ref.c1 == ref.c2:  # a column range: look just above and below it
            around = [(ref.r2 + 1, ref.c1, "end"), (ref.r1 - 1, ref.c1, "start")]
        elif ref.r1 == ref.r2:
            around = [(ref.r1, ref.c2 + 1, "end"), (ref.r1, ref.c1 - 1, "start")]
        else:
            continue
        for r, c, side in around:
            if (r, c) == (row, col) or r < 1 or c < 1:
                continue
            other = grid.cells.get((r, c))
            if other is None or not isinstance(other.value, (int, float)) or isinstance(other.value, bool):
                continue
            if (r, c) in grid.merged:
                continue
            r1, c1, r2, c2 = ref.r1, ref.c1, ref.r2, ref.c2
            if side == "end":
                r2, c2 = (r, c2) if c1 == c2 else (r2, c)
            else:
                r1, c1 = (r, c1) if c1 == c2 else (r1, c)
            suggestion = f"{get_column_letter(c1)}{r1}:{get_column_letter(c2)}{r2}"
            old = f"{get_column_letter(ref.c1)}{ref.r1}:{get_column_letter(ref.c2)}{ref.r2}"
            ctx.add("X104", cell, formula=cell.formula, cell=other.coord, value=_show(other.value),
                    suggestion=cell.formula.replace(old, suggestion))
            return


def _audit_constant(ctx: Context, grid: SheetGrid, row: int, col: int, cell: Cell) -> None:
    v = cell.value
    if isinstance(v, str):
        if _TWO_DIGIT_YEAR.match(v):
            ctx.add("X102", cell, value=v.strip())
        return
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return
    for a, b in _pairs(row, col):
        ca, cb = grid.cells.get(a), grid.cells.get(b)
        if ca and cb and ca.formula and cb.formula and _loose(ca, *a) == _loose(cb, *b):
            ctx.add("X108", cell, other=ca.formula, value=_show(v))
            return


def _audit_validations(ctx: Context, model: WorkbookModel, grid: SheetGrid) -> None:
    for sqref, kind, formula1 in model.validations.get(grid.name, []):
        if kind != "list" or not formula1:
            continue
        choices = _choices(model, grid, formula1)
        if choices is None:
            continue
        allowed = {c.strip() for c in choices}
        for rng in sqref.split():
            try:
                c1, r1, c2, r2 = range_boundaries(rng)
            except ValueError:
                continue
            for (r, c), cell in grid.cells.items():
                if r1 <= r <= r2 and c1 <= c <= c2 and not cell.formula and not is_dash(cell.value):
                    if str(cell.value).strip() not in allowed:
                        ctx.add("X107", cell, value=str(cell.value).strip(), choices="、".join(choices[:8]))


def _choices(model: WorkbookModel, grid: SheetGrid, formula1: str) -> list[str] | None:
    f = formula1.strip()
    if f.startswith('"') and f.endswith('"'):
        return [x for x in f[1:-1].split(",")]
    refs = references("=" + f.lstrip("="))
    if len(refs) != 1:
        return None
    ref = refs[0]
    target = model.grids.get(ref.sheet or grid.name)
    if target is None:
        return None
    out = []
    for r in range(ref.r1, ref.r2 + 1):
        for c in range(ref.c1, ref.c2 + 1):
            v = target.cells.get((r, c))
            if v is not None and v.value is not None:
                out.append(str(v.value))
    return out


def _audit_template_cells(ctx: Context, model: WorkbookModel) -> None:
    """In a workbook made by ``perfxl init``, the 执行率, funding 得分 and 总分 cells hold formulas."""
    if not model.made_by_perfxl:
        return
    for p in model.projects:
        cells = []
        if p.funding and p.funding.total:
            cells += [p.funding.total.cells.get("执行率"), p.funding.total.cells.get("得分")]
        cells += [p.total_weight, p.total_score]
        for c in cells:
            if c is not None and not c.formula and isinstance(c.value, (int, float)):
                ctx.add("X108", c, other="perfxl 模板中的公式", value=_show(c.value))


def _audit_summary_row(ctx: Context, cells: dict, project_sheet: str, name: str, sheets: set[str]) -> None:
    for cell in cells.values():
        if not cell.formula:
            continue
        targets = {r.sheet for r in references(cell.formula) if r.sheet and r.sheet in sheets}
        wrong = sorted(t for t in targets if t != project_sheet)
        if wrong:
            ctx.add("X114", cell, name=name, expected=project_sheet, formula=cell.formula, actual=wrong[0])
