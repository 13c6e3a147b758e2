"""The indicator table of a project sheet (docs/template.md §2.3 d and §2.4).

Rows run from the header down to the 总分 row. Besides indicators, a table may hold rows
that are none: a repeated header (a second indicator block), placeholders (``……``,
``指标2`` with nothing else filled), notes (``其他需要说明事项 | 无``) and, on forms without
a funding block, the execution row (``预算执行 | 100% | 10 | 96% | 9.6``) that is the
funding score. Each is recognised here, so that the checks see indicators only.
"""

from __future__ import annotations

import re

from perfxl.excel import labels as L
from perfxl.excel.grid import SheetGrid, coord
from perfxl.excel.labels import grade_word, is_dash, nfkc, normalize
from perfxl.model import Cell, Funding, FundingRow, Indicator, Project
from perfxl.workbook.headers import Header, header_at

CLOSING = {"主要问题及原因", "下一步改进措施"}
GOAL_WORDS = {normalize(x) for x in ("年度总体目标", "预期目标", "实际完成情况", "年度绩效目标")}
NOTE_ROWS = ("其他需要说明事项", "其他需要说明的事项", "其他说明事项")
PLACEHOLDERS = {"…", "……", "...", "......", "。。。", "．．．", "···", "……。"}
_POINTS_ONLY = re.compile(r"^\(\d+(?:\.\d+)?分\)$")
_DIRECTION_WORDS = {"正向": "≥", "反向": "≤", "定性": ""}
_PERCENT_UNITS = {"%", "百分比", "百分率", "百分数"}


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col)


def unit_text(value) -> str:
    """A 度量单位 as written by budget systems: ``%(百分比)`` and ``百分比`` are %, ``个(个)`` is 个."""
    if is_dash(value):
        return ""
    u = re.sub(r"\s+", "", nfkc(str(value)))
    m = re.fullmatch(r"(.*?)\((.+)\)", u)
    if m:
        u = m.group(1) or m.group(2)
    return "%" if u in _PERCENT_UNITS or (m and m.group(2) in _PERCENT_UNITS) else u


def join_split_target(nature: Cell, value: Cell, unit: Cell, display) -> str:
    """``指标性质 | 指标值 | 度量单位`` as one target: ``≥`` ``95`` ``%`` -> ``≥95%``."""
    v = display(value.value, value.number_format)
    n = re.sub(r"\s+", "", nfkc(str(nature.value))) if not is_dash(nature.value) else ""
    n = n.removesuffix("指标").removesuffix("型")  # 正向指标, 反向指标, 定量型
    if n == "定量":
        n = ""
    if n == "定性":
        return v
    n = _DIRECTION_WORDS.get(n, n)
    u = unit_text(unit.value)
    if not v:
        return ""
    if u and v.endswith(u):
        u = ""
    return f"{n}{v}{u}"


def _points_only(cell: Cell | None) -> bool:
    """A 一级 cell reduced to its points: ``（50分）``."""
    return cell is not None and isinstance(cell.value, str) and bool(
        _POINTS_ONLY.match(re.sub(r"\s+", "", nfkc(cell.value))))


def _is_execution(*cells: Cell | None) -> bool:
    for c in cells:
        if c is not None and isinstance(c.value, str):
            n = normalize(c.value)
            if n in L.EXECUTION_ROW or n.removesuffix("指标") in L.EXECUTION_ROW:
                return True
    return False


def _is_placeholder(name: Cell, others: list[Cell | None]) -> bool:
    n = normalize(str(name.value)) if name.value is not None else ""
    if n in PLACEHOLDERS or re.fullmatch(r"指标\d+", n) or re.fullmatch(r"[.。…·]+", n or "x"):
        return all(c is None or is_dash(c.value) for c in others)
    return False


def _is_repeated_header(grid: SheetGrid, row: int) -> Header | None:
    h = header_at(grid, row, L.INDICATOR_COLUMNS)
    if h is not None and "三级指标" in h.cols and len(h.cols) >= 3:
        return h
    return None


def read_indicators(grid: SheetGrid, project: Project, header: Header) -> None:
    """Read the table under ``header`` into ``project`` (indicators, 总分 row, execution row)."""
    from perfxl.excel.show import display_text

    cols = dict(header.cols)
    note = cols.pop("备注", None)
    if "偏差原因" not in cols and note:  # a reviewer's worksheet explains its deductions in its 备注
        cols["偏差原因"] = note
    split = "指标性质" in cols or "度量单位" in cols
    project.indicator_header_row = header.row
    project.indicator_columns = {k: _letter(c) for k, c in cols.items()}

    def at(r: int, key: str) -> Cell | None:
        c = cols.get(key)
        return grid.shown(r, c) if c else None

    def own(r: int, key: str) -> Cell | None:
        c = cols.get(key)
        if not c:
            return None
        shown = grid.shown(r, c)
        m = grid.merged.get((r, c))
        counted = ("分值", "得分", "复核得分", "百分制得分")
        value = shown.value if not m or m[0] == r or key not in counted else None  # a merged weight counts once
        return Cell(grid.name, coord(r, c), value, shown.formula, shown.number_format, shown.computed)

    prev_l1 = prev_l2 = None
    by_row: dict[int, Indicator] = {}
    skip_to = 0
    name_col = cols["三级指标"]
    for r in _rows_from(grid, header.last + 1):
        if r <= skip_to:
            continue
        texts = [grid.norm(r, c) for c in grid.cols_in(r)]
        if any(L.TOTAL_ROW.get(grid.norm(r, c)) for c in range(1, name_col + 1)):
            _read_total_row(grid, project, r, own)
            break
        if any(L.PROJECT_LABELS.get(t) in CLOSING for t in texts):
            break
        repeated = _is_repeated_header(grid, r)
        if repeated is not None:  # a second block's header is not an indicator
            skip_to = repeated.last
            continue
        name, target, actual = own(r, "三级指标"), own(r, "年度指标值"), own(r, "实际完成值")
        weight, score, reason = own(r, "分值"), own(r, "得分"), own(r, "偏差原因")
        l1, l2 = at(r, "一级指标"), at(r, "二级指标")
        if any(c is not None and normalize(str(c.value or "")) in GOAL_WORDS for c in (l2, name, target, actual)):
            continue  # a second block's 年度总体目标 rows
        if any(c is not None and normalize(str(c.value or "")).startswith(NOTE_ROWS) for c in (l1, l2, name)):
            continue
        if project.funding is None and _is_execution(l1, l2, name):
            _execution_row(grid, project, header, r, own)
            if l1 is not None and not _is_execution(l1):
                prev_l1 = l1
            continue
        score_merge = grid.merged.get((r, cols["得分"])) if "得分" in cols else None
        in_merged_score = bool(score_merge and score_merge[0] != r)
        if _points_only(l1):
            l1 = prev_l1 or Cell(grid.name, l1.coord, "产出指标")
        if l1 is not None and not is_dash(l1.value):
            prev_l1 = l1
        if l2 is not None and not is_dash(l2.value):
            prev_l2 = l2
        if split:
            nature = own(r, "指标性质") or Cell(grid.name, "")
            unit = own(r, "度量单位") or Cell(grid.name, "")
            target_text = join_split_target(nature, target, unit, display_text) if target else ""
        else:
            target_text = display_text(target.value, target.number_format) if target else ""
        values = [name, target, actual, weight, score]
        if all(c is None or is_dash(c.value) for c in values) and not in_merged_score:
            continue
        if name is None or (is_dash(name.value) and is_dash(target.value if target else None)):
            continue
        if _is_placeholder(name, [target, actual, weight, score]):
            continue
        sub = (isinstance(name.value, str) and nfkc(name.value).strip().startswith("其中")
               and (weight is None or is_dash(weight.value)) and (score is None or is_dash(score.value)))
        ind = Indicator(
            row=r,
            level1=_carry(prev_l1, grid.name, r, cols.get("一级指标")),
            level2=_carry(prev_l2, grid.name, r, cols.get("二级指标")),
            name=name, target=target or Cell(grid.name, name.coord), target_text=target_text,
            actual=actual or Cell(grid.name, name.coord),
            weight=weight, score=score, reason=reason, sub_item=sub,
            hundred_score=own(r, "百分制得分"), review_actual=own(r, "复核完成值"), review_score=own(r, "复核得分"),
        )
        if in_merged_score and score_merge[0] in by_row:
            head = by_row[score_merge[0]]
            head.merged_rows.append(r)
            ind.merged_into = head.row
            ind.score = None
        project.indicators.append(ind)
        by_row[r] = ind


def _read_total_row(grid: SheetGrid, project: Project, r: int, own) -> None:
    project.total_row = r
    project.total_weight = own(r, "分值")
    project.total_score = own(r, "得分")
    project.review_total = own(r, "复核得分")
    for c in grid.cols_in(r):  # ``总分 | 100 | 96 | 优``: the grade the form enters
        cell = grid.cell(r, c)
        if grade_word(cell.value):
            project.entered_grade = cell
            break


def _execution_row(grid: SheetGrid, project: Project, header: Header, r: int, own) -> None:
    """The execution row of a form without a funding block is its funding (§2.4): its 分值 the
    funding 分值, its 得分 the funding 得分, its B the 执行率."""
    cells = {}
    for key, col in (("分值", "分值"), ("执行率", "实际完成值"), ("得分", "得分"), ("偏差原因", "偏差原因"),
                     ("复核得分", "复核得分"), ("复核完成值", "复核完成值"), ("目标", "年度指标值")):
        c = own(r, col)
        if c is not None:
            cells[key] = c
    letters = {k: _letter(header.cols[col]) for k, col in (("分值", "分值"), ("执行率", "实际完成值"), ("得分", "得分"))
               if col in header.cols}
    project.funding = Funding(header.row, letters, {"年度资金总额": FundingRow("年度资金总额", r, cells)},
                              source="indicator")


def _rows_from(grid: SheetGrid, start: int) -> list[int]:
    """Rows from ``start`` on that hold a cell or lie in a merged range: a row with neither
    reads as empty, so skipping it changes nothing, and a far stray cell costs one row."""
    rows = {r for r in grid.rows() if r >= start}
    rows.update(r for (r, _c) in grid.merged if r >= start)
    return sorted(rows)


def _carry(prev: Cell | None, sheet: str, row: int, col: int | None) -> Cell:
    """A blank or merged 一级/二级 cell means the same as above; keep the shown value."""
    if prev is None:
        return Cell(sheet, coord(row, col) if col else "")
    return prev
