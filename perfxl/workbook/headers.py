"""Table headers over one row or two (docs/template.md §2.4).

Provincial forms and system exports put a group header over several columns with its parts
in the row below (``年度指标值`` over ``指标性质 | 指标值 | 度量单位``, ``自评得分`` over
``单项指标得分 | 权重占比 | 单项指标折算得分``), while the other headers are merged down over
both rows. The two rows are one header: a column is named by its own lower cell, or by the
cell above where the lower one is empty or merged down from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from perfxl.excel import labels as L
from perfxl.excel.grid import SheetGrid


@dataclass
class Header:
    row: int  # the header's first row
    last: int  # its last row: data start below it
    cols: dict[str, int]  # canonical column -> column number

    def letters(self) -> dict[str, str]:
        from openpyxl.utils import get_column_letter
        return {k: get_column_letter(c) for k, c in self.cols.items()}


def _own(grid: SheetGrid, row: int, col: int) -> str:
    """The normalised text a position holds itself (not merged down or across into it)."""
    m = grid.merged.get((row, col))
    if m and (m[0], m[1]) != (row, col):
        return ""
    return grid._norm.get((row, col), "")


def _span(grid: SheetGrid, row: int, col: int) -> tuple[int, int]:
    """(first, last) column of the cell at (row, col): a merged range spans several."""
    m = grid.merged.get((row, col))
    return (m[1], m[3]) if m else (col, col)


def _lower_names(grid: SheetGrid, row: int, table: dict[str, str]) -> dict[int, str] | None:
    """The parts a group header in ``row`` has in the row below, column -> canonical name;
    None when the row below is no part of the header (data, or nothing)."""
    below = row + 1
    out: dict[int, str] = {}
    for col in grid.cols_in(below):
        text = _own(grid, below, col)
        if not text:
            continue
        first, last = _span(grid, row, col)
        top = grid.norm(row, col)
        if last == first and top:  # a lower text under a single, filled cell: not a part of a group
            return None
        group = L.HEADER_GROUPS.get(top)
        canon = (L.GROUP_PARTS[group].get(text) if group else None) or table.get(text)
        if canon is None:
            return None  # data, or a header perfxl does not know: the row is not a continuation
        out[col] = canon
    return out or None


def header_at(grid: SheetGrid, row: int, table: dict[str, str]) -> Header | None:
    """The header starting at ``row``: its own names, and its parts in the row below."""
    top: dict[int, str] = {}
    for col in grid.cols_in(row):
        canon = table.get(grid.norm(row, col))
        group = L.HEADER_GROUPS.get(grid.norm(row, col))
        if canon or group:
            top[col] = canon or ""
    if not top:
        return None
    lower = _lower_names(grid, row, table)
    names = {col: canon for col, canon in top.items() if canon}
    if lower:
        names.update(lower)  # a column is named by its own lower cell first
        last = row + 1
    else:
        last = max([grid.merge_end_row(row, c) for c in names] + [row])
    cols: dict[str, int] = {}
    for col in sorted(names):
        cols.setdefault(names[col], col)
    _score_group(cols)
    return Header(row, last, cols)


def _score_group(cols: dict[str, int]) -> None:
    """``单项指标得分 | 权重占比 | 单项指标折算得分``: the 折算得分 is the 得分 and 单项指标得分 the score
    out of 100 beside it; alone, 单项指标得分 is the 得分."""
    if "折算得分" in cols:
        cols["得分"] = cols.pop("折算得分")
        if "单项指标得分" in cols:
            cols["百分制得分"] = cols.pop("单项指标得分")
    elif "单项指标得分" in cols:
        col = cols.pop("单项指标得分")
        cols.setdefault("得分", col)


def find_header(grid: SheetGrid, table: dict[str, str], required: list[set[str]],
                rows=None) -> Header | None:
    """The first header (one row or two) holding, for each set in ``required``, one of its names."""
    for row in rows if rows is not None else grid.rows():
        header = header_at(grid, row, table)
        if header is not None and all(header.cols.keys() & need for need in required):
            return header
    return None
