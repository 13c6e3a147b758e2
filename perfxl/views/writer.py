"""Write-back (docs/template.md §7): the user's workbook plus perfxl's owned sheets and removable marks.

perfxl never rewrites a user's sheet. It owns three sheets (自评结果, 自评综述, 检查结果)
marked by the defined name ``_perfxl``, and a very hidden sheet ``_perfxl_marks`` that
records every highlight and note it added, so a rerun removes exactly those first.
"""

from __future__ import annotations

import os
import warnings

from openpyxl import load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.cell.cell import MergedCell
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink

from perfxl.views.narrative import narrative
from perfxl.model import SEVERITY_ZH
from perfxl.result import CheckResult
from perfxl.excel.package import losses, write_cached_values

OWNED_NAME = "_perfxl"
MARKS_SHEET = "_perfxl_marks"
RESULT, NARRATIVE, FINDINGS = "自评结果", "自评综述", "检查结果"
MARK_FORMULA = '"perfxl"<>""'  # always true, and says whose rule it is
MARKER_LINE = "—— perfxl ——"
AUTHOR = "perfxl"

FILLS = {name: PatternFill("solid", start_color=color, end_color=color) for name, color in {
    "优": "C6EFCE", "良": "BDD7EE", "中": "FFE699", "差": "FFC7CE",
    "amber": "FFE699", "red": "FFC7CE", "head": "D9D9D9",
}.items()}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"


# -- removing what an earlier run added ------------------------------------------------

def owned_sheets(wb) -> list[str]:
    dn = wb.defined_names.get(OWNED_NAME)
    if dn is None:
        return []
    names = []
    for sheet, _ in dn.destinations:
        if sheet in wb.sheetnames and sheet not in names:
            names.append(sheet)
    return names


def remove_owned(wb) -> None:
    """Remove the owned sheets and exactly the marks an earlier run recorded."""
    if MARKS_SHEET in wb.sheetnames:
        marks = wb[MARKS_SHEET]
        for kind, sheet, ref in marks.iter_rows(min_row=2, max_col=3, values_only=True):
            if sheet not in wb.sheetnames:
                continue
            ws = wb[sheet]
            if kind == "highlight":
                _remove_rules(ws, ref)
            elif kind == "comment":
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
    by_cell: dict[tuple[str, str], list] = {}
    for f in result.findings:
        if f.sheet and f.cell and f.sheet in wb.sheetnames and f.sheet not in owned and f.severity != "info":
            by_cell.setdefault((f.sheet, _anchor(wb[f.sheet], f.cell)), []).append(f)
    records = []
    for (sheet, ref), items in by_cell.items():
        ws = wb[sheet]
        worst = "error" if any(f.severity == "error" for f in items) else "warning"
        fill = FILLS["red" if worst == "error" else "amber"]
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


# -- owned sheets -----------------------------------------------------------------------

def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _unique(wb, name: str) -> str:
    if name not in wb.sheetnames:
        return name
    i = 2
    while f"{name}{i}" in wb.sheetnames:
        i += 1
    return f"{name}{i}"


def _head(ws, row: int, values: list[str]) -> None:
    for j, v in enumerate(values, 1):
        c = ws.cell(row=row, column=j, value=v)
        c.font = Font(name=FONT, bold=True)
        c.fill = FILLS["head"]
        c.border = BOX
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _print_setup(ws, *, landscape: bool) -> None:
    """A4, fit to one page wide."""
    if landscape:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def write_result_sheet(wb, result: CheckResult) -> str:
    ws = wb.create_sheet(_unique(wb, RESULT), 0)
    ws.merge_cells("A1:I1")
    ws["A1"] = f"{result.unit_name}{result.year or ''}年度项目支出绩效自评结果"
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells("A2:I2")
    ws["A2"] = "由 perfxl 生成：金额单位万元；核算得分按财预〔2020〕10号规则计算（指标认可得分＋预算执行得分）。重新检查时本表会被替换。"
    ws["A2"].font = Font(name=FONT, size=9, color="595959")
    _head(ws, 3, ["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "填报得分", "核算得分", "评价等级", "问题数"])
    problems: dict[str, list] = {}
    for f in result.findings:
        if f.severity in ("error", "warning") and f.sheet:
            problems.setdefault(f.sheet, []).append(f)
    first = 4
    for i, p in enumerate(result.projects):
        r = first + i
        proj = p.project
        q = _quote(proj.sheet)
        k = "/10000" if proj.money_unit == "元" else ""
        total = proj.funding.total.cells if proj.funding and proj.funding.total else {}
        values = [
            i + 1,
            f"={q}!{proj.name.value.coord}" if proj.name and proj.name.value.value is not None and proj.name.value.coord != proj.name.label.coord else p.name,
            f"={q}!{total['全年预算数'].coord}{k}" if "全年预算数" in total and p.funding.budget is not None else p.funding.budget,
            f"={q}!{total['全年执行数'].coord}{k}" if "全年执行数" in total and p.funding.executed is not None else p.funding.executed,
            f"=IF(C{r}>0,D{r}/C{r},0)" if p.funding.rate is not None else None,
            f"={q}!{proj.total_score.coord}" if proj.total_score is not None and p.entered_total is not None else None,
            p.score,
            p.grade,
            len(problems.get(proj.sheet, [])),
        ]
        for j, v in enumerate(values, 1):
            c = ws.cell(row=r, column=j, value=v)
            c.border = BOX
            c.font = Font(name=FONT)
            c.alignment = Alignment(vertical="center", wrap_text=j == 2, horizontal="left" if j == 2 else "center")
        for j in (3, 4):
            ws.cell(row=r, column=j).number_format = "#,##0.00"
        ws.cell(row=r, column=5).number_format = "0.00%"
        for j in (6, 7):
            ws.cell(row=r, column=j).number_format = "0.##"
        ws.cell(row=r, column=8).fill = FILLS[p.grade]
        rate = p.funding.rate
        if rate is not None and rate < 0.6:
            ws.cell(row=r, column=5).fill = FILLS["red"]
        elif rate is not None and rate < 1 - 1e-9:
            ws.cell(row=r, column=5).fill = FILLS["amber"]
        if p.entered_agrees is False:  # decided by the checks, with the profile's precision rule
            ws.cell(row=r, column=6).fill = FILLS["red"]
        if any(f.severity == "error" for f in problems.get(proj.sheet, [])):
            ws.cell(row=r, column=9).fill = FILLS["red"]
            ws.cell(row=r, column=9).font = Font(name=FONT, bold=True, color="9C0006")
        elif problems.get(proj.sheet):
            ws.cell(row=r, column=9).fill = FILLS["amber"]
    last = first + len(result.projects) - 1
    t = last + 1
    project_problems = sum(len(problems.get(p.project.sheet, [])) for p in result.projects)
    total_row = ["合计", "", f"=SUM(C{first}:C{last})", f"=SUM(D{first}:D{last})", f"=IF(C{t}>0,D{t}/C{t},0)",
                 "", "", "", project_problems]
    for j, v in enumerate(total_row, 1):
        c = ws.cell(row=t, column=j, value=v if v != "" else None)
        c.border = BOX
        c.font = Font(name=FONT, bold=True)
        c.alignment = Alignment(horizontal="center")
    ws.cell(row=t, column=3).number_format = ws.cell(row=t, column=4).number_format = "#,##0.00"
    ws.cell(row=t, column=5).number_format = "0.00%"
    r = t + 2
    for g, n in result.grades.items():
        label = ws.cell(row=r, column=2, value=f"评价等级“{g}”的项目数")
        label.font = Font(name=FONT)
        label.alignment = Alignment(horizontal="right")
        c = ws.cell(row=r, column=3, value=n)
        c.fill = FILLS[g]
        c.border = BOX
        c.alignment = Alignment(horizontal="center")
        r += 1
    label = ws.cell(row=r, column=2, value="评优率（“优”÷项目总数）")
    label.font = Font(name=FONT, bold=True)
    label.alignment = Alignment(horizontal="right")
    rate = result.excellent_rate or 0
    c = ws.cell(row=r, column=3, value=round(rate, 4))
    c.number_format = "0%"
    c.border = BOX
    c.font = Font(name=FONT, bold=True)
    c.alignment = Alignment(horizontal="center")
    widths = {"A": 8, "B": 46, "C": 13, "D": 13, "E": 10, "F": 10, "G": 10, "H": 10, "I": 8}
    for col, w in widths.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C4"
    ws.print_title_rows = "3:3"
    _print_setup(ws, landscape=True)
    if result.projects:
        chart = BarChart()
        chart.type = "bar"
        chart.title = "各项目核算得分"
        chart.y_axis.title = "得分"
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.legend = None
        chart.x_axis.scaling.orientation = "maxMin"  # projects top-down, in sheet order
        chart.add_data(Reference(ws, min_col=7, min_row=3, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
        chart.height = max(7.5, 0.9 * len(result.projects) + 3)
        chart.width = 24
        ws.add_chart(chart, f"A{r + 2}")
    return ws.title


def write_narrative_sheet(wb, result: CheckResult) -> str:
    ws = wb.create_sheet(_unique(wb, NARRATIVE), 1)
    ws["A1"] = "自评综述"
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    ws.column_dimensions["A"].width = 66  # about 32 Chinese characters: fits A4 portrait at 100%
    for i, text in enumerate(narrative(result), 3):
        c = ws.cell(row=i, column=1, value=text)
        c.font = Font(name=FONT, size=11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        lines = sum(max(1, -(-len(part) // 31)) for part in text.split("\n"))
        ws.row_dimensions[i].height = 16 * lines + 6
    _print_setup(ws, landscape=False)
    return ws.title


def write_findings_sheet(wb, result: CheckResult) -> str:
    ws = wb.create_sheet(_unique(wb, FINDINGS), 2)
    _head(ws, 1, ["严重程度", "代码", "工作表", "单元格", "问题", "修改建议"])
    for i, f in enumerate(result.findings, 2):
        values = [SEVERITY_ZH[f.severity], f.code, f.sheet, f.cell, f.message, f.hint]
        for j, v in enumerate(values, 1):
            c = ws.cell(row=i, column=j, value=v)
            c.font = Font(name=FONT)
            c.alignment = Alignment(wrap_text=j >= 5, vertical="top")
            c.border = BOX
        fill = {"error": FILLS["red"], "warning": FILLS["amber"]}.get(f.severity)
        if fill:
            ws.cell(row=i, column=1).fill = fill
        if f.sheet and f.cell and f.sheet in wb.sheetnames:
            c = ws.cell(row=i, column=4)
            c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{_quote(f.sheet)}!{f.cell}", display=f.cell)
            c.font = Font(name=FONT, color="0563C1", underline="single")
    for col, w in {"A": 9, "B": 7, "C": 16, "D": 8, "E": 60, "F": 50}.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:F{max(1, len(result.findings) + 1)}"
    _print_setup(ws, landscape=True)
    return ws.title


def _record(wb, records: list[tuple[str, str, str]]) -> None:
    ws = wb.create_sheet(MARKS_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append(["kind", "sheet", "ref"])
    for rec in records:
        ws.append(list(rec))


# -- the whole write ----------------------------------------------------------------------

def output_path(input_path: str) -> str:
    base, ext = os.path.splitext(input_path)
    if ext.lower() not in (".xlsx", ".xlsm"):  # .xls, .et and the rest are written as .xlsx
        ext = ".xlsx"
    return f"{base}.perfxl{ext}"


def write_result(input_path: str, output: str, result: CheckResult) -> list[str]:
    """Write the output workbook atomically; return what openpyxl could not keep.

    Works on the workbook the reader loaded (``result.model.workbook``): the input is not
    loaded again, and the output is not read back either — its cached values come from
    the values the check already has (see ``cached_values``)."""
    model = result.model
    wb = model.workbook
    if wb is None and model.source_format == "xls":  # a new workbook from the values read
        from perfxl.workbook.xls import as_openpyxl
        wb = as_openpyxl(model.grids, model.sheet_names, input_path)
    if wb is None:  # a model built without the reader (never on the command line)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(input_path, keep_vba=input_path.lower().endswith(".xlsm"), keep_links=True)
    previously_owned = set(owned_sheets(wb)) | ({MARKS_SHEET} if MARKS_SHEET in wb.sheetnames else set())
    lost = [] if model.source_format == "xls" else losses(input_path, previously_owned, model.scans or None)
    remove_owned(wb)
    owned = [write_result_sheet(wb, result), write_narrative_sheet(wb, result), write_findings_sheet(wb, result)]
    records = add_marks(wb, result, set(owned))
    _record(wb, records)
    wb.defined_names[OWNED_NAME] = DefinedName(OWNED_NAME, attr_text=",".join(f"{_quote(s)}!$A$1" for s in owned))
    wb.active = wb.sheetnames.index(owned[0])
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == owned[0]
    values = cached_values(wb, result, set(owned) | {MARKS_SHEET}, previously_owned)
    folder = os.path.dirname(os.path.abspath(output))
    # The temp file's name is known before the file exists, so a signal at any moment leaves
    # nothing the cleanup below does not know about (mkstemp names it only once it is made).
    tmp = _temp_name(folder)
    try:
        try:
            wb.save(tmp)
        except OverflowError:  # a number no float holds (400 digits in <v>): save it as Excel shows it
            _excel_sized(wb, model.grids)
            failed = tmp  # the failed save may still hold its file open: start afresh
            tmp = _temp_name(folder)
            import gc
            gc.collect()  # closes the failed save's zip handle
            try:
                os.remove(failed)
            except OSError:
                pass
            wb.save(tmp)
        write_cached_values(tmp, values)
        os.replace(tmp, output)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no temp file survives
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return lost


def _temp_name(folder: str) -> str:
    import secrets
    return os.path.join(folder, f".perfxl-{os.getpid()}-{secrets.token_hex(6)}.xlsx")


def _excel_sized(wb, grids) -> None:
    """Numbers no float holds become what the reader made of them (#NUM!, or the float)."""
    from perfxl.excel.numbers import excel_value

    for name, grid in grids.items():
        if name not in wb.sheetnames:
            continue
        ws = wb[name]
        for (row, col), cell in grid.cells.items():
            if cell.formula or not isinstance(cell.value, (float, str)):
                continue
            c = ws.cell(row=row, column=col)
            if type(c.value) is int and excel_value(c.value) != c.value:
                c.value = excel_value(c.value)


def _formula_or_value(v):
    if v is not None and not isinstance(v, (str, int, float, bool)) and hasattr(v, "text"):
        return "=" + str(v.text).lstrip("=")  # ArrayFormula
    return v


def cached_values(wb, result: CheckResult, written: set[str], removed: set[str] = frozenset()
                  ) -> dict[str, dict[str, object]]:
    """A value for every formula of the workbook about to be saved: computed by the
    evaluator, else the value the reader had (the input's cache, or what it computed).

    The user's sheets come from the reader's grids (only the cells they hold); the sheets
    perfxl just wrote (``written``, small and dense) are read from the workbook."""
    from perfxl.excel.formula import CircularReference, Unsupported, WorkbookEvaluator

    model = result.model
    cells: dict[tuple[str, str], object] = {}
    formulas: list[tuple[str, str]] = []
    known: dict[tuple[str, str], object] = {}
    present = set(wb.sheetnames)
    for g in model.grids.values():
        if g.name in removed or g.name in written or g.name not in present:
            continue
        for cell in g.cells.values():
            key = (g.name, cell.coord)
            if cell.formula:
                cells[key] = cell.formula
                formulas.append(key)
                known[key] = cell.value
            else:
                cells[key] = cell.value
    for title in written:
        if title not in present:
            continue
        for row in wb[title].iter_rows():
            for c in row:
                v = _formula_or_value(c.value)
                if v is None:
                    continue
                cells[(title, c.coordinate)] = v
                if isinstance(v, str) and v.startswith("=") and len(v) > 1:
                    formulas.append((title, c.coordinate))
    names = {n: d.attr_text for n, d in wb.defined_names.items() if d.attr_text and n != OWNED_NAME}
    ev = WorkbookEvaluator(cells, names)
    out: dict[str, dict[str, object]] = {}
    for sheet, coord in formulas:
        try:
            value = ev.value(sheet, coord)
        except (Unsupported, CircularReference, RecursionError):
            value = known.get((sheet, coord))
        if value is not None:
            out.setdefault(sheet, {})[coord] = value
    return out
