"""A whole-unit table in the rubric's shape (docs/template.md §2.5).

``一级指标 | 二级指标 | 三级指标 | 分值 | 指标解释 | 评分标准 | 得分``, with no target and no
actual column: weights such as 决策 / 过程 / 产出 / 效益 and a score per row. Some forms write
the 分值 into the name (``相关性（5分）``) instead of a column of their own.
"""

from __future__ import annotations

from perfxl.excel import labels as L
from perfxl.excel.grid import SheetGrid, coord
from perfxl.excel.labels import grade_word, is_dash
from perfxl.model import Cell, Field, Rubric, RubricRow
from perfxl.workbook.headers import Header, find_header

NEED = [{"三级指标", "二级指标"}, {"得分"}]


def rubric_header(grid: SheetGrid) -> Header | None:
    """A scoring table with no target and no actual column."""
    header = find_header(grid, L.INDICATOR_COLUMNS, NEED)
    if header is None or header.cols.keys() & {"年度指标值", "实际完成值"}:
        return None
    return header


def read_rubric(grid: SheetGrid, name: Field | None, header: Header, year: int | None) -> Rubric:
    from openpyxl.utils import get_column_letter

    cols = header.cols
    rubric = Rubric(grid.name, name, header.row, {k: get_column_letter(c) for k, c in cols.items()}, year=year)
    name_col = cols.get("三级指标") or cols["二级指标"]
    prev: dict[str, Cell | None] = {"一级指标": None, "二级指标": None}

    def own(r: int, key: str) -> Cell | None:
        c = cols.get(key)
        if not c:
            return None
        shown = grid.shown(r, c)
        m = grid.merged.get((r, c))
        value = shown.value if not m or m[0] == r else None
        return Cell(grid.name, coord(r, c), value, shown.formula, shown.number_format, shown.computed)

    rows = sorted({r for r in grid.rows() if r > header.last} | {r for (r, _c) in grid.merged if r > header.last})
    for r in rows:
        if any(L.TOTAL_ROW.get(grid.norm(r, c)) for c in range(1, name_col + 1)):
            rubric.total_row = r
            rubric.total_weight, rubric.total_score = own(r, "分值"), own(r, "得分")
            rubric.entered_grade = next((grid.cell(r, c) for c in grid.cols_in(r) if grade_word(grid.cell(r, c).value)),
                                        None)
            break
        for key in prev:
            c = cols.get(key)
            shown = grid.shown(r, c) if c else None
            if shown is not None and not is_dash(shown.value):
                prev[key] = shown
        name = own(r, "三级指标") if "三级指标" in cols else own(r, "二级指标")
        weight, score = own(r, "分值"), own(r, "得分")
        in_name = L.points_in_header(str(name.value)) if name is not None and isinstance(name.value, str) else None
        if name is None or is_dash(name.value) or (_blank(weight) and _blank(score) and in_name is None):
            continue
        rubric.rows.append(RubricRow(r, prev["一级指标"] or Cell(grid.name, ""), prev["二级指标"] or Cell(grid.name, ""),
                                     name, weight, score, in_name if "分值" not in cols else None))
    if rubric.entered_grade is None:  # a grade written as a label and value below the table
        for row, col, _raw, norm in grid.text_cells():
            if norm in ("评价等级", "自评等级", "等级") and (rubric.total_row is None or row >= rubric.total_row):
                value = grid.value_right_of(row, col, set())
                if grade_word(value.value):
                    rubric.entered_grade = value
                break
    return rubric


def _blank(cell: Cell | None) -> bool:
    return cell is None or is_dash(cell.value)
