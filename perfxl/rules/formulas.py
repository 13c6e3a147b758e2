"""X: the formula audit — Excel's background error checks, and what Excel does not check.

Every formula of every sheet the user owns is looked at once. Numbers typed as text
stay with the reader's rule (R112): one problem, one finding.
"""

from __future__ import annotations

import math
import re

from openpyxl.utils import get_column_letter, range_boundaries

from perfxl.excel import show
from perfxl.model import Cell, Rule, WorkbookModel, declare
from perfxl.rules.context import Context
from perfxl.excel.grid import SheetGrid, coord
from perfxl.excel.labels import is_dash
from perfxl.excel.refs import functions, has_external, r1c1, references, split, tokens

DECLARED = declare(
    Rule("X101", "error", "公式结果为错误值",
         "公式结果为 #DIV/0!、#REF!、#VALUE!、#N/A 等错误值时，合计和得分都无法使用（Excel 错误检查：计算结果为错误值的单元格）。",
         "公式 {formula} 的结果为错误值 {value}",
         "检查公式引用的单元格：除数为0、引用已删除的行列或文字参与计算都会出错",
         "=E6/D6，D6 为空", "=IF(D6>0,E6/D6,0)",
         en=("Formula gives an error",
             "Formula {formula} gives {value}",
             "Check the cells it refers to")),
    Rule("X102", "warning", "文本日期使用两位年份",
         "以文本存储、年份只有两位的日期（如 25/12/31）含义不明，Excel 也会提示（Excel 错误检查：包含两位数年份的单元格）。",
         "日期“{value}”是只有两位年份的文本",
         "改为完整日期（如 2025年12月31日）或日期格式的单元格",
         "25/12/31", "2025年12月31日",
         en=("Text date with two-digit year",
             "Date “{value}” is text with a two-digit year",
             "Type a full date")),
    Rule("X103", "warning", "公式与相邻公式不一致",
         "同一行或同一列中，相邻单元格的公式一致而本单元格不同，往往是复制公式后被改动（Excel 错误检查：与区域中其他公式不一致的公式）。",
         "公式 {formula} 与相邻单元格 {neighbours} 的公式 {other} 不一致",
         "确认本单元格的公式是否应与相邻单元格一致，不一致时请重新复制公式",
         "G13:G17 均为 =E*F，G15 为 =E15*10", "G15 为 =E15*F15",
         en=("Inconsistent formula",
             "Formula {formula} differs from {other} in {neighbours}",
             "Copy the neighbouring formula if it should be the same")),
    Rule("X104", "warning", "公式遗漏相邻单元格",
         "求和范围旁边还有数字却未包含在内，常见于在合计行上方插入行之后（Excel 错误检查：遗漏了区域中相邻单元格的公式）。",
         "公式 {formula} 未包含相邻的 {cell}（值为 {value}）",
         "插入行后请扩展求和范围，例如改为 {suggestion}",
         "D11 =SUM(D7:D9)，D10 有数字", "D11 =SUM(D7:D10)",
         en=("Formula omits adjacent cells",
             "Formula {formula} leaves out the adjacent {cell} ({value})",
             "Extend the range: {suggestion}")),
    Rule("X105", "warning", "公式单元格未锁定",
         "含公式的单元格未锁定时，保护工作表后仍可能被误改（Excel 错误检查：包含公式的未锁定单元格）。",
         "含公式 {formula} 的单元格未锁定",
         "设置单元格格式 → 保护 → 勾选“锁定”，再保护工作表",
         "执行率公式单元格未锁定", "公式单元格锁定",
         en=("Unlocked formula cell",
             "The cell holding {formula} is not locked",
             "Lock it and protect the sheet")),
    Rule("X106", "info", "公式引用了空单元格",
         "公式引用了空单元格，可能是引用错位（Excel 默认不检查此项，perfxl 也默认关闭：--select X106 打开）。",
         "公式 {formula} 引用的 {cell} 为空",
         "确认引用是否正确，或在被引用的单元格填写数值",
         "=D6-C7，C7 为空", "C7 填 0",
         en=("Formula refers to empty cell",
             "Formula {formula} refers to the empty {cell}",
             "Check the reference"), default=False),
    Rule("X107", "error", "单元格的值不在下拉列表中",
         "单元格设置了下拉列表（数据验证），但值不在列表中，通常是复制粘贴绕过了验证（Excel：圈释无效数据）。",
         "值“{value}”不在本单元格的下拉列表（{choices}）中",
         "从下拉列表中选择一个值",
         "一级指标填“产出”", "一级指标选“产出指标”",
         en=("Value not in the dropdown list",
             "“{value}” is not in this cell's list ({choices})",
             "Pick a value from the list")),
    Rule("X108", "warning", "应为公式的单元格填了常数",
         "一列（或一行）公式中间的单元格被直接输入了数字，源数据改变时它不会随之更新。",
         "此处应为公式 {formula}（其结果为 {computed}），实际填了常数 {value}",
         "恢复公式 {formula}（结果随它引用的单元格自动更新），不要在公式单元格上直接输入数字",
         "汇总表得分列均为 ='项目N'!G25，其中一格填了 95", "该格为公式",
         en=("Constant where a formula belongs",
             "This cell should hold the formula {formula} (which gives {computed}); the constant {value} was typed over it",
             "Restore the formula {formula} (it follows the cells it reads); do not type numbers over formulas")),
    Rule("X109", "error", "公式的保存值已过期",
         "文件中保存的公式结果与按公式重新计算的结果不同：文件未重新计算就保存（或被不计算公式的程序修改），预览和打印会显示错误的数字。",
         "公式 {formula} 保存的值为 {cached}，按公式计算应为 {computed}",
         "在 Excel/WPS 中打开文件，按 Ctrl+Alt+F9 全部重算后保存",
         "执行率保存值 50%，按公式应为 33.33%", "保存值与公式一致",
         en=("Stale cached value",
             "Formula {formula} stores {cached}; computed it gives {computed}",
             "Recalculate (Ctrl+Alt+F9) and save")),
    Rule("X110", "error", "引用了其他工作簿",
         "引用其他文件的公式在别人的电脑上无法更新，结果不可核对。",
         "公式 {formula} 引用了其他工作簿",
         "把需要的数据复制到本工作簿，改为引用本工作簿中的单元格",
         "=[预算.xlsx]Sheet1!A1", "='单位情况'!B12",
         en=("Reference to another workbook",
             "Formula {formula} refers to another workbook",
             "Copy the data into this workbook")),
    Rule("X111", "error", "循环引用",
         "公式直接或间接引用了自身，Excel 无法计算。",
         "公式 {formula} 形成循环引用",
         "修改公式，使其不引用自身所在的单元格（常见于合计范围包含了合计单元格）",
         "G25 =SUM(G13:G25)", "G25 =SUM(G13:G24)",
         en=("Circular reference",
             "Formula {formula} refers to itself",
             "Remove the self-reference")),
    Rule("X112", "error", "名称指向 #REF!",
         "定义的名称指向已删除的区域，使用它的公式都会出错。",
         "名称“{name}”指向 {target}",
         "在“公式 → 名称管理器”中删除或修正该名称",
         "名称指向 #REF!", "名称指向有效区域",
         en=("Name points to #REF!",
             "Name “{name}” points to {target}",
             "Delete or fix the name")),
    Rule("X113", "warning", "合计中使用易失性函数",
         "NOW、TODAY、INDIRECT、OFFSET、RAND 等函数每次打开都会重算，使合计和得分随时间或位置变化，难以核对。",
         "公式 {formula} 使用了易失性函数 {functions}",
         "改用直接引用（如 =SUM(G13:G24)）或固定的数值",
         "=SUM(OFFSET(G13,0,0,12,1))", "=SUM(G13:G24)",
         en=("Volatile function in a total",
             "Formula {formula} uses {functions}",
             "Use direct references")),
    Rule("X114", "error", "汇总表公式引用了其他项目",
         "汇总表一行中的公式应引用该行项目自己的项目表；引用到别的项目会使汇总数据张冠李戴。",
         "本行项目为“{name}”（工作表“{expected}”），公式 {formula} 却引用了工作表“{actual}”",
         "把公式改为引用工作表“{expected}”中对应的单元格",
         "第3行“食堂改造”，得分公式 ='项目2'!G25", "='项目3'!G25",
         en=("Summary formula points at another project",
             "The row's project is “{name}” (sheet “{expected}”), but {formula} refers to sheet “{actual}”",
             "Refer to sheet “{expected}”")),
    Rule("X115", "warning", "公式嵌套过深",
         "Excel 的公式最多嵌套 64 层；更深的公式在 Excel 中无法输入或计算，perfxl 也无法核对它的值。",
         "公式 {formula} 嵌套过深（超过 {limit} 层，或引用链过长），无法核对其结果",
         "拆成几个单元格分步计算，或改用 SUM 等函数代替层层嵌套",
         "=IF(A1,IF(A2,IF(A3,…（嵌套 100 层）", "=SUM(G13:G24)",
         en=("Formula nested too deeply",
             "Formula {formula} nests too deeply (more than {limit} levels, or too long a chain of references); "
             "its result cannot be checked",
             "Split it into steps in several cells, or use SUM instead of nesting")),
)

ERRORS = {"#DIV/0!", "#REF!", "#VALUE!", "#N/A", "#NAME?", "#NUM!", "#NULL!", "#GETTING_DATA"}
VOLATILE = {"NOW", "TODAY", "INDIRECT", "OFFSET", "RAND", "RANDBETWEEN"}
_TWO_DIGIT_YEAR = re.compile(r"^\s*(\d{1,2}[/\-.]\d{1,2}[/\-.]\d{2}|\d{2}[/\-.]\d{1,2}[/\-.]\d{1,2})\s*$")


def is_error(value) -> bool:
    return isinstance(value, str) and value.strip() in ERRORS


def audit_formulas(ctx: Context, model: WorkbookModel, evaluator, data_sheets: set[str],
                   summary_rows: list[tuple] = ()) -> None:
    """``data_sheets``: the project, unit and summary sheets (where totals live). perfxl's own
    sheets of an earlier run (自评结果, 自评综述, 检查结果, docs/template.md §7) are not the user's:
    they are replaced on this run and never audited, so a second check finds what the first did."""
    for name, target in model.defined_names.items():
        if "#REF!" in (target or ""):
            ctx.add("X112", None, name=name, target=target)
    ctx.places = places(model)
    ctx.evaluator = evaluator
    projects = {}  # (summary sheet, row) -> the row's project sheet
    for row_cells, project_sheet, _name in summary_rows:
        for c in row_cells.values():
            projects[(c.sheet, (split(c.coord) or (0, 0))[0])] = project_sheet
    for sheet, grid in model.grids.items():
        if sheet in model.owned_sheets:
            continue
        for (row, col), cell in grid.cells.items():
            if cell.formula:
                _audit_formula(ctx, grid, row, col, cell, evaluator, sheet in data_sheets)
            else:
                _audit_constant(ctx, grid, row, col, cell, projects.get((sheet, row)))
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
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return show.exact(v)
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


def _audit_constant(ctx: Context, grid: SheetGrid, row: int, col: int, cell: Cell,
                    project_sheet: str | None = None) -> None:
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
            formula = _shifted(ca.formula, ca.coord, cell.coord)
            if project_sheet:  # a summary row: its formulas point at its own project's cells
                formula = _own_sheet(formula, ca.formula, project_sheet, ctx.places)
            ctx.add("X108", cell, formula=formula, other=ca.formula, value=v,
                    computed=would_give(ctx.evaluator, cell, formula))
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
    cells = [pair for p in model.projects for pair in template_formulas(p)]
    s = model.summary
    if s is not None and s.total_row is not None and s.rows:
        first, last, t = s.rows[0].row, s.rows[-1].row, s.total_row.row
        b, e = s.columns.get("全年预算数"), s.columns.get("全年执行数")
        for key in ("全年预算数", "全年执行数"):
            letter = s.columns.get(key)
            if letter:
                cells.append((s.total_row.cells.get(key), f"=SUM({letter}{first}:{letter}{last})"))
        if b and e:
            cells.append((s.total_row.cells.get("执行率"), f"=IF({b}{t}>0,{e}{t}/{b}{t},0)"))
    u = model.unit
    total = u.get("人员合计") if u is not None else None
    parts = [u.get(n) for n in ("在编人员", "退休人员", "劳动聘用人员", "其他人员")] if u is not None else []
    parts = [f.value for f in parts if f is not None]
    if total is not None and parts:
        rows = sorted(split(c.coord)[0] for c in parts)
        letter = get_column_letter(split(total.value.coord)[1])
        cells.append((total.value, f"=SUM({letter}{rows[0]}:{letter}{rows[-1]})"))
    for c, formula in cells:
        if c is not None and not c.formula and isinstance(c.value, (int, float)):
            ctx.add("X108", c, formula=formula, value=c.value, computed=would_give(ctx.evaluator, c, formula))


def template_formulas(p) -> list[tuple[Cell | None, str]]:
    """The cells of a project sheet that ``perfxl init`` fills with formulas, and those formulas."""
    out = []
    total = p.funding.total if p.funding else None
    if total is not None:
        cols = p.funding.columns
        r = total.row
        b, e, w, rate = (cols.get(k) for k in ("全年预算数", "全年执行数", "分值", "执行率"))
        if b and e:
            out.append((total.cells.get("执行率"), f"=IF({b}{r}>0,{e}{r}/{b}{r},0)"))
        if w and rate:
            out.append((total.cells.get("得分"), f"=ROUND({w}{r}*MIN({rate}{r},1),2)"))
    rows = [i.row for i in p.indicators]
    if rows and p.total_row and total is not None:
        # the template's own range: every row between the header and 总分, filled or not, so that
        # the total picks up rows inserted later (=H6+SUM(G13:G24), not G13:G17)
        first, last = min(p.indicator_header_row + 1, *rows), p.total_row - 1
        for key, cell, funding_key in (("分值", p.total_weight, "分值"), ("得分", p.total_score, "得分")):
            col, fcol = p.indicator_columns.get(key), p.funding.columns.get(funding_key)
            if col and fcol:
                out.append((cell, f"={fcol}{total.row}+SUM({col}{first}:{col}{last})"))
    return out


def places(model: WorkbookModel) -> tuple[dict, dict]:
    """Where each project keeps what a summary row points at: (sheet, cell) -> what, and
    sheet -> what -> cell."""
    at, of = {}, {}
    for p in model.projects:
        mine = {}
        if p.name is not None:
            mine["项目名称"] = p.name.value.coord
        if p.funding and p.funding.total:
            for k, c in p.funding.total.cells.items():
                mine["资金" + k] = c.coord
        if p.total_score is not None:
            mine["总分"] = p.total_score.coord
        of[p.sheet] = mine
        for k, c in mine.items():
            at[(p.sheet, c)] = k
    return at, of


def _own_sheet(formula: str, original: str, sheet: str, known: tuple[dict, dict] | None) -> str:
    """A summary row's formula: references to another project's cell become this project's."""
    at, of = known or ({}, {})
    quoted = "'" + sheet.replace("'", "''") + "'"
    out = []
    shifted, unshifted = tokens(formula), tokens(original)
    if len(shifted) != len(unshifted):
        unshifted = shifted
    for (value, kind, sub), (old, _k, _s) in zip(shifted, unshifted):
        if kind == "OPERAND" and sub == "RANGE" and "!" in value:
            value = old  # a cell of another sheet does not move with the row
            other, addr = value.rsplit("!", 1)
            what = at.get((other.strip("'").replace("''", "'"), addr.replace("$", "")))
            if what and what in of.get(sheet, {}):
                addr = of[sheet][what]
            value = quoted + "!" + addr
        out.append(value)
    text = "".join(out)
    return text if text.startswith("=") else "=" + text


def would_give(evaluator, cell: Cell, formula: str):
    """What ``formula`` gives in ``cell`` (the cell's typed constant replaced by it)."""
    from collections import ChainMap

    from perfxl.excel.formula import WorkbookEvaluator
    try:
        cells = ChainMap({(cell.sheet, cell.coord): formula}, evaluator._cells)  # no copy of the workbook
        value = WorkbookEvaluator(cells, evaluator._names).value(cell.sheet, cell.coord)
    except Exception:  # a formula perfxl cannot compute: say so with a dash
        return "—"
    if isinstance(value, float) and "%" in (cell.number_format or ""):
        return show.Rate(value)
    return value


def _shifted(formula: str, origin: str, target: str) -> str:
    """A neighbour's formula as it reads when copied to ``target``."""
    from openpyxl.formula.translate import Translator
    try:
        return Translator(formula, origin=origin).translate_formula(target)
    except Exception:  # a formula the translator cannot read: show the neighbour's own
        return formula


def _audit_summary_row(ctx: Context, cells: dict, project_sheet: str, name: str, sheets: set[str]) -> None:
    for cell in cells.values():
        if not cell.formula:
            continue
        targets = {r.sheet for r in references(cell.formula) if r.sheet and r.sheet in sheets}
        wrong = sorted(t for t in targets if t != project_sheet)
        if wrong:
            ctx.add("X114", cell, name=name, expected=project_sheet, formula=cell.formula, actual=wrong[0])
