"""Write-back (docs/template.md §7): the user's workbook plus perfxl's owned sheets and removable marks.

This module orchestrates one write: cached values of the user's formulas computed from the
check's grids (perfxl.excel.cached), the file loaded once in openpyxl, an earlier run's sheets
and marks removed (views/marks.py), the 自评结果 sheet (views/result_sheet.py), the 自评综述
and 检查结果 sheets (views/text_sheets.py) and the marks added, the workbook saved to a temp
file, its cached values written into the package, and the temp file moved over the output.
"""

from __future__ import annotations

import gc
import os
import re

from openpyxl.workbook.defined_name import DefinedName

from perfxl.excel import atomic, forget_caches
from perfxl.excel.cached import values_for_book, values_from_grids
from perfxl.excel.package import losses, write_cached_values
from perfxl.excel.textfit import fit_rows
from perfxl.result import CheckResult
from perfxl.views.files import output_path  # noqa: F401  (where results go; kept importable here)
from perfxl.views.marks import MARKS_SHEET, OWNED_NAME, add_marks, record_marks, remove_owned
from perfxl.views.result_sheet import write_result_sheet
from perfxl.views.sheets import quote
from perfxl.views.text_sheets import write_findings_sheet, write_narrative_sheet


def write_result(input_path: str, output: str, result: CheckResult) -> list[str]:
    """Write the output workbook atomically; return what openpyxl could not keep.

    The check never loads the file in openpyxl; this does, once, after the cached values of
    the user's formulas are computed and the check's per-cell grids are released, so that the
    two never take memory at the same time. The output is not read back either: its cached
    values come from the values the check already has (perfxl.excel.cached).
    Raises ReadError when openpyxl cannot load a file the check could read."""
    model = result.model
    previously_owned = set(model.owned_sheets)
    retry: dict[str, dict[str, object]] = {}
    if model.source_format == "xls":  # a new workbook from the values read (no formulas)
        from perfxl.workbook.xls import as_openpyxl
        wb = as_openpyxl(model.grids, model.sheet_names, input_path)
        user_values: dict[str, dict[str, object]] = {}
        lost = []
    else:
        from perfxl.workbook.reader import load_for_writing
        if model.released:
            raise RuntimeError("write_result: this result was written already (its grids are released)")
        grids = {n: g for n, g in model.grids.items() if n not in previously_owned}  # the old result sheets go
        user_values = values_from_grids(grids, _names(model.defined_names), retry)
        model.release_cells(keep=(MARKS_SHEET,))
        forget_caches()
        gc.collect()  # the check's cyclic leftovers: their memory goes to openpyxl's load
        wb = load_for_writing(input_path)
        lost = losses(input_path, previously_owned, model.scans or None)
    remove_owned(wb, model.grids.get(MARKS_SHEET))
    for ws in wb.worksheets:
        if ws.sheet_state == "visible":
            fit_rows(ws)
    owned = [write_result_sheet(wb, result), write_narrative_sheet(wb, result), write_findings_sheet(wb, result)]
    record_marks(wb, add_marks(wb, result, set(owned)))
    wb.defined_names[OWNED_NAME] = DefinedName(OWNED_NAME, attr_text=",".join(f"{quote(s)}!$A$1" for s in owned))
    wb.active = wb.sheetnames.index(owned[0])
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == owned[0]
    _fresh_note_drawings(wb)
    names = _names({n: d.attr_text for n, d in wb.defined_names.items()})
    values = values_for_book(wb, user_values, set(owned) | {MARKS_SHEET}, names, retry)
    forget_caches()
    with atomic.replacing(output, ".xlsx") as tmp:  # an error, Ctrl-C or SIGTERM: no temp file survives
        _save(wb, tmp, set(owned))
        del wb
        gc.collect()  # openpyxl's workbook is a web of cycles: free it before the package is rewritten
        write_cached_values(tmp, values)
    return lost


def _save(wb, path: str, skip: set[str]) -> None:
    """``wb.save``; a number no float holds (400 digits in <v>) is saved as Excel shows it.
    openpyxl's own temporary files go to a scratch folder beside ``path``, removed however the
    save ends (never left in $TMPDIR)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        with atomic.scratch(folder):
            wb.save(path)
        return
    except OverflowError:
        pass
    # Out of the except block the failed save's traceback is gone: collecting it closes that
    # save's zip (which writes its end record), and only then is the file written afresh.
    gc.collect()
    _excel_sized(wb, skip)
    with atomic.scratch(folder):
        wb.save(path)


def _names(defined: dict[str, str | None]) -> dict[str, str]:
    """The defined names a formula can read: perfxl's own marker name is none of them."""
    return {n: t for n, t in defined.items() if t and n != OWNED_NAME}


def _fresh_note_drawings(wb) -> None:
    """In a macro workbook (kept with ``keep_vba``) openpyxl rewrites a sheet's notes into the
    sheet's old VML part, and names the VML of a sheet that had no notes
    ``commentsDrawing<n>.vml`` after its count of sheets with notes — the very name an
    openpyxl-made input already uses, so the package gets two parts of one name, which Excel
    calls damaged. A sheet whose old VML part has that name and holds notes only gets fresh
    VML instead (its notes are all kept; a VML part with buttons or other controls is kept)."""
    archive = getattr(wb, "vba_archive", None)
    if archive is None:
        return
    for ws in wb.worksheets:
        path = ws.legacy_drawing
        if not path or not _COMMENTS_VML.search(path):
            continue
        try:
            kinds = set(re.findall(rb'ObjectType="(\w+)"', archive.read(path)))
        except (KeyError, OSError, ValueError):
            continue
        if kinds <= {b"Note"}:
            ws.legacy_drawing = None


_COMMENTS_VML = re.compile(r"commentsDrawing\d+\.vml$")


def _excel_sized(wb, skip: set[str]) -> None:
    """Numbers no float holds become what the reader made of them (#NUM!, or the float)."""
    from perfxl.excel.numbers import excel_value

    for ws in wb.worksheets:
        if ws.title in skip:
            continue
        for c in ws._cells.values():  # the cells the sheet holds (``iter_rows`` would make the rest)
            if type(c.value) is int and excel_value(c.value) != c.value:
                c.value = excel_value(c.value)
