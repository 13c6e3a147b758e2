"""The model read through openpyxl (one load for formulas and styles, one ``data_only`` load for
cached values): an independent reading that perfxl's expat reader is compared with, cell for cell.

perfxl itself never reads a workbook this way (it parses each part once with expat); this is
the oracle of tests/test_expat_reader.py."""

from __future__ import annotations

import warnings

from openpyxl import load_workbook

from perfxl.excel.grid import SheetGrid, coord
from perfxl.excel.numbers import excel_value
from perfxl.model import Cell, WorkbookModel
from perfxl.workbook import reader


def _formula(value) -> str | None:
    if isinstance(value, str) and value.startswith("=") and len(value) > 1:
        return value
    text = getattr(value, "text", None)  # ArrayFormula
    if isinstance(text, str):
        return text if text.startswith("=") else "=" + text
    return None


def _number_format(c) -> str:
    try:
        return c.number_format or "General"
    except (IndexError, KeyError, TypeError, ValueError, AttributeError):  # a numFmtId styles.xml lacks
        return "General"


def _grid(ws, wv) -> SheetGrid:
    grid = SheetGrid(ws.title, hidden=ws.sheet_state != "visible")
    for (row, col), c in list(ws._cells.items()):  # document order; cells with a value only
        if c.value is None:
            continue
        f = _formula(c.value)
        fmt = _number_format(c)
        if f:
            cached = wv._cells.get((row, col))
            value = excel_value(cached.value) if cached is not None and cached.value is not None else None
        else:
            value = excel_value(c.value)
        cell = Cell(ws.title, coord(row, col), value, formula=f, number_format=fmt)
        if f:
            cell.locked = bool(c.protection.locked) if c.has_style else True
        grid.add(row, col, cell)
    for rng in ws.merged_cells.ranges:
        grid.add_merge(rng.min_row, rng.min_col, rng.max_row, rng.max_col)
    grid.finish()
    return grid


def read_with_openpyxl(path: str) -> WorkbookModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = load_workbook(path, keep_links=True)
        wv = load_workbook(path, data_only=True)
    grids = [_grid(ws, wv[ws.title]) for ws in wb.worksheets]
    model = WorkbookModel(path=path, sheet_names=list(wb.sheetnames))
    model.made_by_perfxl = reader.TEMPLATE_MARKER in wb.defined_names
    model.formula_cells = [c for g in grids for c in g.cells.values() if c.formula]
    model.grids = {g.name: g for g in grids}
    model.validations = {}
    for ws in wb.worksheets:
        items = [(str(dv.sqref), dv.type or "", dv.formula1 or "") for dv in ws.data_validations.dataValidation]
        if items:
            model.validations[ws.title] = items
    model.defined_names = {name: dn.attr_text or "" for name, dn in wb.defined_names.items()}
    reader._compute_missing(model, grids, model.defined_names)
    owned = {"_perfxl_marks"} & set(wb.sheetnames)
    dn = wb.defined_names.get("_perfxl")
    if dn is not None:
        owned |= {sheet for sheet, _ in dn.destinations}
    model.owned_sheets = owned
    return reader._read_sheets(model, grids, owned)
