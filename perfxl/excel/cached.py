"""Cached values for a workbook about to be saved: formulas in, values out.

openpyxl drops every formula's cached value on save, and a phone or mail preview shows what
the file caches, not what it would compute. These compute them with the evaluator
(perfxl.excel.formula): first from the reader's per-cell grids, before openpyxl loads the
file (the two never take memory at once), then over the loaded workbook for the formulas
that read sheets replaced since (``values_for_book``). ``package.write_cached_values`` then
writes them into the saved package.
"""

from __future__ import annotations

from collections.abc import Mapping

from perfxl.excel.formula import CircularReference, Unsupported, WorkbookEvaluator
from perfxl.excel.grid import coord
from perfxl.excel.refs import split


def _formula_or_value(v):
    """An openpyxl value as the evaluator reads it: an array formula as its text."""
    if v is not None and not isinstance(v, (str, int, float, bool)) and hasattr(v, "text"):
        return "=" + str(v.text).lstrip("=")  # ArrayFormula
    return v


def _position(text) -> tuple[int, int] | None:
    """'B7' -> (7, 2); None for anything that is not one cell's address as a grid keys it
    ("A01", "$B$7" and "b7" are none)."""
    rc = split(text) if isinstance(text, str) else None
    return rc if rc is not None and rc[0] >= 1 and coord(*rc) == text else None


class _GridCells(Mapping):
    """(sheet, 'A1') -> a formula's text or a constant, read straight from the reader's grids:
    the same mapping as a dict of every cell, without building one more key and entry per
    cell of a big workbook."""

    def __init__(self, grids: dict):
        self._grids = grids

    def _cell(self, key):
        grid = self._grids.get(key[0])
        rc = None if grid is None else _position(key[1])
        return None if rc is None else grid.cells.get(rc)

    def __getitem__(self, key):
        cell = self._cell(key)
        if cell is None:
            raise KeyError(key)
        return cell.formula if cell.formula else cell.value

    def get(self, key, default=None):
        cell = self._cell(key)
        return default if cell is None else (cell.formula if cell.formula else cell.value)

    def __contains__(self, key):
        return self._cell(key) is not None

    def sheet_names(self) -> set[str]:
        return set(self._grids)

    def __iter__(self):
        for name, grid in self._grids.items():
            for cell in grid.cells.values():
                yield (name, cell.coord)

    def __len__(self):
        return sum(len(g.cells) for g in self._grids.values())


def values_from_grids(grids: dict, names: dict[str, str], retry: dict[str, dict[str, object]]
                      ) -> dict[str, dict[str, object]]:
    """A value for every formula of ``grids`` (sheet name -> the reader's SheetGrid; only the
    cells the sheets hold), ``names`` the defined names (name -> text). A formula it cannot
    compute here (one reading a sheet that is not in ``grids``) goes into ``retry`` with the
    value the reader had, for ``values_for_book`` to compute over the workbook about to be saved."""
    ev = WorkbookEvaluator(_GridCells(grids), names)
    out: dict[str, dict[str, object]] = {}
    for g in grids.values():
        for cell in g.cells.values():
            if not cell.formula:
                continue
            try:
                value = ev.value(g.name, cell.coord)
            except (Unsupported, CircularReference, RecursionError):
                retry.setdefault(g.name, {})[cell.coord] = cell.value
                continue
            if value is not None:
                out.setdefault(g.name, {})[cell.coord] = value
    return out


class _BookCells(Mapping):
    """(sheet, 'A1') -> what the evaluator reads in the workbook about to be saved: a formula
    cell whose value is known already (``computed``) gives that value, any other cell its
    content. Reads openpyxl's cells in place: no copy of a sheet, no cell made."""

    def __init__(self, wb, computed: dict[str, dict[str, object]]):
        self._computed = computed
        self._sheets = {ws.title: ws for ws in wb.worksheets}

    def __getitem__(self, key):
        sheet, ref = key
        done = self._computed.get(sheet)
        if done is not None and ref in done:
            return done[ref]
        ws = self._sheets.get(sheet)
        rc = None if ws is None else _position(ref)
        c = None if rc is None else ws._cells.get(rc)
        if c is None or c.value is None:
            raise KeyError(key)
        return _formula_or_value(c.value)

    def get(self, key, default=None):
        try:
            return self[key]
        except KeyError:
            return default

    def sheet_names(self) -> set[str]:
        return set(self._sheets)

    def __iter__(self):
        for ws in self._sheets.values():
            for c in ws._cells.values():
                if c.value is not None:
                    yield (ws.title, c.coordinate)

    def __len__(self):
        return sum(1 for _ in self)


def values_for_book(wb, user_values: dict[str, dict[str, object]], written: set[str], names: dict[str, str],
                    retry: dict[str, dict[str, object]] | None = None) -> dict[str, dict[str, object]]:
    """A value for every formula of the openpyxl workbook ``wb`` about to be saved: the user's
    sheets' from ``user_values`` (``values_from_grids`` before the load); the sheets just
    written (``written``) and the formulas in ``retry`` (they read a replaced sheet) by the
    evaluator over the workbook, reading the user's other formulas from ``user_values``.
    ``names``: the defined names (name -> text). A ``retry`` formula that still cannot be
    computed keeps the value the reader had."""
    sheets = {ws.title: ws for ws in wb.worksheets}
    out = {sheet: values for sheet, values in user_values.items() if sheet in sheets and sheet not in written}
    formulas = []
    for title in written:
        if title in sheets:
            for c in sheets[title]._cells.values():
                v = _formula_or_value(c.value)
                if isinstance(v, str) and v.startswith("=") and len(v) > 1:
                    formulas.append((title, c.coordinate))
    fallback = {}
    for sheet, cells in (retry or {}).items():
        if sheet in sheets and sheet not in written:
            for ref, value in cells.items():
                formulas.append((sheet, ref))
                fallback[(sheet, ref)] = value
    ev = WorkbookEvaluator(_BookCells(wb, out), names, reuse_parsed=False)
    for sheet, ref in formulas:
        try:
            value = ev.value(sheet, ref)
        except (Unsupported, CircularReference, RecursionError):
            value = fallback.get((sheet, ref))
        if value is not None:
            out.setdefault(sheet, {})[ref] = value
    return out
