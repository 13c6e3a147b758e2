"""The funding block of a project sheet (docs/template.md §2.3 b and §2.4).

Three shapes: the national block (a header row, or two, over 年度资金总额 and its sources),
a 资金来源 table whose 合计 row is the total, and label–value pairs (``预算数：50``,
``执行数：48``, ``执行率：96%``) in one row or one column.
"""

from __future__ import annotations

from perfxl.excel import labels as L
from perfxl.excel.grid import SheetGrid, split_inline
from perfxl.excel.labels import nfkc, normalize
from perfxl.model import Cell, Funding, FundingRow
from perfxl.workbook.headers import find_header

_NEED = [{"全年预算数"}, {"全年执行数"}]
_SCAN = 12  # rows below the header where the funding rows may be


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter
    return get_column_letter(col)


def read_funding(grid: SheetGrid, table_row: int) -> Funding | None:
    """The funding block above the indicator table at ``table_row`` (or, failing that, below it).
    Of several tables with budget and execution columns (a whole-unit form's 年度主要任务 table
    comes first), the first with a total row is the funding block."""
    pairs = _read_pairs(grid)
    if pairs is not None:
        return pairs
    first = None
    for rows, stop in (([r for r in grid.rows() if r < table_row], table_row),
                       ([r for r in grid.rows() if r > table_row], grid.max_row + 1)):
        while rows:
            header = find_header(grid, L.FUNDING_COLUMNS, _NEED, rows)
            if header is None:
                break
            funding = _block(grid, header, stop)
            if funding.total is not None:
                return funding
            first = first or funding
            rows = [r for r in rows if r > header.last]
        if first is not None:
            return first
    return None


def _block(grid: SheetGrid, header, stop: int) -> Funding:
    """The rows under a funding header: 年度资金总额 and its sources, or a 合计 row."""
    cols = header.cols
    funding = Funding(header.row, {k: _letter(c) for k, c in cols.items()})
    if "得分" in cols:
        funding.weight_from_header = L.points_in_header(str(grid.cell(header.row, cols["得分"]).value))
    first_value_col = min(cols.values())
    total = None
    sources = any(grid.norm(r, c) in L.FUNDING_SOURCES for r in (header.row, header.last)
                  for c in range(1, first_value_col))
    for r in range(header.last + 1, min(header.last + 1 + _SCAN, stop, grid.max_row + 1)):
        if find_header(grid, L.FUNDING_COLUMNS, _NEED, [r]) is not None:
            break  # the next table's header: its rows are not this one's
        name = None
        for c in grid.cols_in(r) + [c for c in range(1, first_value_col) if (r, c) in grid.merged]:
            if c >= first_value_col:
                continue
            label = grid.norm(r, c)
            canon = L.FUNDING_ROWS.get(label) or L.FUNDING_ROWS.get(label.removeprefix("其中:"))
            if canon is None and L.TOTAL_ROW.get(label):
                canon = "合计"
            if canon:
                name = canon
                break
        if name == "合计":  # a 资金来源 table's 合计 row is its total
            if total is None:
                total = FundingRow("年度资金总额", r, {k: grid.cell(r, c) for k, c in cols.items()})
            continue
        if name and name not in funding.rows:
            funding.rows[name] = FundingRow(name, r, {k: grid.cell(r, c) for k, c in cols.items()})
    if "年度资金总额" not in funding.rows and total is not None:
        funding.rows["年度资金总额"] = total
        funding.source = "sources"
    elif sources and "年度资金总额" in funding.rows:
        funding.source = "sources"
    return funding


def _pair_at(grid: SheetGrid, row: int, col: int, raw: str, norm: str) -> tuple[str, Cell] | None:
    """A funding pair starting at this cell: ``预算数：50`` in one cell, ``预算数： | 50``, or
    ``预算数 | 50`` where the value is a number."""
    parts = split_inline(raw)
    if parts is not None:
        canon = L.FUNDING_PAIRS.get(normalize(parts[0]))
        if canon is None:
            return None
        label = grid.cell(row, col)
        return canon, Cell(grid.name, label.coord, parts[1], number_format=label.number_format, inline=True)
    canon = L.FUNDING_PAIRS.get(norm)
    if canon is None:
        return None
    value = grid.value_right_of(row, col, set(L.FUNDING_PAIRS))
    colon = nfkc(raw).strip().endswith(":")
    if value.value is None or (not colon and not isinstance(value.value, (int, float))):
        return None
    return canon, value


def _read_pairs(grid: SheetGrid) -> Funding | None:
    """Funding written as label–value pairs in one row or one column, or None."""
    found: dict[str, tuple[int, int, Cell]] = {}
    for row, col, raw, norm in grid.text_cells():
        hit = _pair_at(grid, row, col, raw, norm)
        if hit and hit[0] not in found:
            found[hit[0]] = (row, col, hit[1])
    if not {"全年预算数", "全年执行数"} <= found.keys():
        return None
    (r1, c1, _), (r2, c2, _) = found["全年预算数"], found["全年执行数"]
    if r1 != r2 and c1 != c2:
        return None
    line = [(k, v) for k, v in found.items() if (v[0] == r1 if r1 == r2 else v[1] == c1)]
    cells = {k: cell for k, (_r, _c, cell) in line}
    columns = {k: "".join(ch for ch in cell.coord if ch.isalpha()) for k, cell in cells.items()}
    row = min(r for _k, (r, _c, _cell) in line)
    return Funding(row, columns, {"年度资金总额": FundingRow("年度资金总额", row, cells)}, source="pairs")
