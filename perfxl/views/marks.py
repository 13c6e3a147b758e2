"""Marks on the user's sheets (docs/template.md §7): a highlight and a note on every cell a
finding names, and what tells perfxl's own work apart on a rerun.

perfxl never rewrites a user's sheet. It owns its sheets, marked by the defined name
``_perfxl``, and a very hidden sheet ``_perfxl_marks`` that records every highlight and note it
added, so a rerun removes exactly those first (a note the user wrote keeps its text; perfxl's
part follows a marker line).
"""

from __future__ import annotations

from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule

from perfxl.excel.package import single_cell
from perfxl.model import SEVERITY_ZH
from perfxl.result import CheckResult
from perfxl.views.sheets import FILLS

from perfxl.views.files import RESULT_NAME as OWNED_NAME  # noqa: E402  (the name that marks a result)
MARKS_SHEET = "_perfxl_marks"
MARK_FORMULA = '"perfxl"<>""'  # always true, and says whose rule it is
MARKER_LINE = "—— perfxl ——"
AUTHOR = "perfxl"


def by_title(wb) -> dict:
    """Title -> worksheet: ``wb[title]`` and ``wb.sheetnames`` walk every sheet on each call,
    which a loop over a 1,500-sheet workbook's findings must not do."""
    return {ws.title: ws for ws in wb.worksheets}


# -- removing what an earlier run added ------------------------------------------------

def owned_sheets(wb) -> list[str]:
    """The sheets an earlier run wrote (the destinations of the defined name ``_perfxl``)."""
    dn = wb.defined_names.get(OWNED_NAME)
    if dn is None:
        return []
    names = []
    for sheet, _ in dn.destinations:
        if sheet in wb.sheetnames and sheet not in names:
            names.append(sheet)
    return names


def _recorded_marks(wb, grid=None) -> list[tuple]:
    """(kind, sheet, ref) rows of the marks sheet: from the reader's grid of it when there is
    one (only the cells it holds: a hand-edited far cell costs nothing), else from the sheet."""
    if grid is not None:
        return [tuple(grid.cell(r, c).value for c in (1, 2, 3)) for r in grid.rows() if r >= 2]
    return list(wb[MARKS_SHEET].iter_rows(min_row=2, max_col=3, values_only=True))


def remove_owned(wb, marks_grid=None) -> None:
    """Remove the owned sheets and exactly the marks an earlier run recorded."""
    if MARKS_SHEET in wb.sheetnames:
        sheets = by_title(wb)
        for kind, sheet, ref in _recorded_marks(wb, marks_grid):
            ws = sheets.get(sheet)
            if ws is None or not isinstance(ref, str):
                continue
            if kind == "highlight":
                _remove_rules(ws, ref)
            elif kind == "comment" and single_cell(ref):  # never a range: ws[range] builds every cell
                _remove_note(ws[ref])
        del wb[MARKS_SHEET]
    for name in owned_sheets(wb):
        del wb[name]
    if OWNED_NAME in wb.defined_names:
        del wb.defined_names[OWNED_NAME]


def _remove_rules(ws, ref: str) -> None:
    cf = ws.conditional_formatting
    for key in list(cf._cf_rules):
        if str(key.sqref) != ref:
            continue
        rules = [r for r in cf._cf_rules[key] if list(r.formula or []) != [MARK_FORMULA]]
        if rules:
            cf._cf_rules[key] = rules
        else:
            del cf._cf_rules[key]


def _remove_note(cell) -> None:
    c = cell.comment
    if c is None:
        return
    if c.author == AUTHOR:
        cell.comment = None
        return
    text = c.text or ""
    if MARKER_LINE in text:
        kept = text.split("\n" + MARKER_LINE, 1)[0].split(MARKER_LINE, 1)[0]
        new = Comment(kept, c.author)
        new.width, new.height = c.width, c.height
        cell.comment = new


# -- marks on the user's sheets -----------------------------------------------------------

def _anchor(ws, ref: str) -> str:
    """Where a mark on ``ref`` goes: a cell inside a merged range carries no comment of its
    own (openpyxl's MergedCell is read-only), so the range's top-left cell takes it. With
    overlapping merges (a damaged file) the first top-left cell that can hold one."""
    try:
        if not isinstance(ws[ref], MergedCell):
            return ref
        for rng in ws.merged_cells.ranges:
            if ref in rng and not isinstance(ws[rng.start_cell.coordinate], MergedCell):
                return rng.start_cell.coordinate
    except (ValueError, KeyError, IndexError):  # not a single cell's address
        pass
    return ref


def add_marks(wb, result: CheckResult, owned: set[str]) -> list[tuple[str, str, str]]:
    """A highlight (red for an error, amber else) and a note on every cell a finding names,
    one per cell for all its findings; returns the (kind, sheet, ref) records of the marks."""
    sheets = by_title(wb)
    by_cell: dict[tuple[str, str], list] = {}
    for f in result.findings:
        if f.sheet and f.cell and f.sheet in sheets and f.sheet not in owned and f.severity != "info":
            by_cell.setdefault((f.sheet, _anchor(sheets[f.sheet], f.cell)), []).append(f)
    records = []
    for (sheet, ref), items in by_cell.items():
        ws = sheets[sheet]
        worst = "error" if any(f.severity == "error" for f in items) else "warning"
        fill = FILLS[f"mark_{worst}"]
        ws.conditional_formatting.add(ref, FormulaRule(formula=[MARK_FORMULA], fill=fill, stopIfTrue=False))
        records.append(("highlight", sheet, ref))
        text = "\n".join(f"[{f.code} {SEVERITY_ZH[f.severity]}] {f.message}" + (f"\n→ {f.hint}" if f.hint else "")
                         for f in items)
        cell = ws[ref]
        if isinstance(cell, MergedCell):  # inside overlapping merges: the highlight must do
            continue
        if cell.comment is not None:
            old = cell.comment
            new = Comment(f"{old.text}\n{MARKER_LINE}\n{text}", old.author)
            new.width, new.height = old.width, old.height
            cell.comment = new
        else:
            note = Comment(text, AUTHOR)
            note.width, note.height = 320, 120
            cell.comment = note
        records.append(("comment", sheet, ref))
    return records


def record_marks(wb, records: list[tuple[str, str, str]]) -> None:
    """The very hidden sheet that lists every mark, for the next run to remove."""
    ws = wb.create_sheet(MARKS_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append(["kind", "sheet", "ref"])
    for rec in records:
        ws.append(list(rec))
