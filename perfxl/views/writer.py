"""Write-back (docs/template.md §7): the user's workbook plus perfxl's owned sheets and removable marks.

perfxl never rewrites a user's sheet. It owns three sheets (自评结果, 自评综述, 检查结果)
marked by the defined name ``_perfxl``, and a very hidden sheet ``_perfxl_marks`` that
records every highlight and note it added, so a rerun removes exactly those first.
"""

from __future__ import annotations

import gc
import os
import re
from collections.abc import Mapping

from openpyxl.chart import BarChart, Reference
from openpyxl.cell.cell import MergedCell
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.hyperlink import Hyperlink

from perfxl.views.files import output_path  # noqa: F401  (where results go; kept importable here)
from perfxl.views import palette
from perfxl.views.narrative import narrative
from perfxl.views.rowfit import fit_rows
from perfxl.model import SEVERITY_ZH
from perfxl.result import CheckResult
from perfxl.excel import atomic
from perfxl.excel import forget_caches
from perfxl.excel.package import single_cell, losses, write_cached_values
from perfxl.excel.textfit import row_height
from perfxl.excel import show

from perfxl.views.files import RESULT_NAME as OWNED_NAME  # noqa: E402
MARKS_SHEET = "_perfxl_marks"
RESULT, NARRATIVE, FINDINGS = "自评结果", "自评综述", "检查结果"
MARK_FORMULA = '"perfxl"<>""'  # always true, and says whose rule it is
MARKER_LINE = "—— perfxl ——"
AUTHOR = "perfxl"

# 自评结果: the grades, 需要更正 / 需要关注 ("fix" / "look", apart from the grade colours), the marks
FILLS = {name: PatternFill("solid", start_color=color, end_color=color) for name, color in palette.COLOURS.items()}
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FONT = "宋体"


def by_title(wb) -> dict:
    """Title -> worksheet: ``wb[title]`` and ``wb.sheetnames`` walk every sheet on each call,
    which a loop over a 1,500-sheet workbook's findings must not do."""
    return {ws.title: ws for ws in wb.worksheets}


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
    sheets = by_title(wb)
    by_cell: dict[tuple[str, str], list] = {}
    for f in result.findings:
        if f.sheet and f.cell and f.sheet in sheets and f.sheet not in owned and f.severity != "info":
            by_cell.setdefault((f.sheet, _anchor(sheets[f.sheet], f.cell)), []).append(f)
    records = []
    for (sheet, ref), items in by_cell.items():
        ws = sheets[sheet]
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
    """A4, fit to one page wide, any number of pages tall, centred, narrow margins."""
    if landscape:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    m = ws.page_margins
    m.left = m.right = 0.5
    m.top = m.bottom = 0.6
    m.header = m.footer = 0.3
    ws.oddFooter.center.text = "&A  第 &P 页"


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _same(a, b) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))


def _link_or_value(sheet: str, cell, figure, divisor: float = 1):
    """A formula pointing at the user's cell when recalculating it gives ``figure``, else
    ``figure`` itself: a number typed as text, a dash or an error would recalculate to
    something else than the check reports (docs/template.md §7)."""
    if figure is None or cell is None or not cell.coord:
        return figure
    if _is_number(figure) and _is_number(cell.value) and _same(cell.value / divisor, figure):
        return f"={_quote(sheet)}!{cell.coord}" + ("" if divisor == 1 else f"/{divisor:g}")
    if isinstance(figure, str) and cell.value == figure:
        return f"={_quote(sheet)}!{cell.coord}"
    return figure


RESULT_COLUMNS = {"A": 6, "B": 54, "C": 12, "D": 12, "E": 10, "F": 10, "G": 10, "H": 10, "I": 8}


def write_result_sheet(wb, result: CheckResult) -> str:
    from openpyxl.worksheet.pagebreak import Break

    ws = wb.create_sheet(_unique(wb, RESULT), 0)
    ws.merge_cells("A1:I1")
    ws["A1"] = f"{result.unit_name}{result.year or ''}年度项目支出绩效自评结果"
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 26
    ws.merge_cells("A2:I2")
    ws["A2"] = ("由 perfxl 生成：金额单位万元；核算得分按财预〔2020〕10号规则计算（指标认可得分＋预算执行得分），"
                "问题明细见“检查结果”表。重新检查时本表会被替换。")
    if any(p.adjustments for p in result.projects):
        ws["A2"] = ws["A2"].value.replace("预算执行得分）", "预算执行得分，并按评分方案封顶或扣分，原因见该得分单元格的批注）")
    ws["A2"].font = Font(name=FONT, size=9, color="595959")
    ws["A2"].alignment = Alignment(wrap_text=True, vertical="center")
    ws.row_dimensions[2].height = row_height([(ws["A2"].value, sum(RESULT_COLUMNS.values()))], font_size=9)
    _head(ws, 3, ["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "填报得分", "核算得分", "评价等级", "问题数"])
    ws.row_dimensions[3].height = 20
    first = 4
    for i, p in enumerate(result.projects):
        r = first + i
        proj = p.project
        divisor = 10000 if proj.money_unit == "元" else 1
        total = proj.funding.total.cells if proj.funding and proj.funding.total else {}
        mine = result.about(proj.sheet)  # its sheet and its summary row (docs/template.md §7)
        values = [
            i + 1,
            _link_or_value(proj.sheet, proj.name.value if proj.name else None, p.name),
            _link_or_value(proj.sheet, total.get("全年预算数"), p.funding.budget, divisor),
            _link_or_value(proj.sheet, total.get("全年执行数"), p.funding.executed, divisor),
            f"=IF(C{r}>0,D{r}/C{r},0)" if p.funding.rate is not None else None,
            _link_or_value(proj.sheet, proj.total_score, p.entered_total),
            p.score,
            p.grade,
            len(mine),
        ]
        for j, v in enumerate(values, 1):
            c = ws.cell(row=r, column=j, value=v)
            c.border = BOX
            c.font = Font(name=FONT)
            c.alignment = Alignment(vertical="center", wrap_text=j == 2, horizontal="left" if j == 2 else "center")
        ws.row_dimensions[r].height = row_height([(p.name, RESULT_COLUMNS["B"])], minimum=17)
        for j in (3, 4):
            ws.cell(row=r, column=j).number_format = "#,##0.00"
        ws.cell(row=r, column=5).number_format = "0.00%"
        for j in (6, 7):
            ws.cell(row=r, column=j).number_format = "0.##"
        ws.cell(row=r, column=8).fill = FILLS[p.grade]
        if p.adjustments:  # why the score is not the sum: the profile's cap or deduction
            why = "；".join(a.reason() for a in p.adjustments)
            note = Comment(f"按评分方案调整：{why}（核算{_num(p.raw_score)}分，调整后{_num(p.score)}分）", AUTHOR)
            note.width, note.height = 300, 90
            ws.cell(row=r, column=7).comment = note
        rate = p.funding.rate
        if rate is not None and rate < 0.6:
            ws.cell(row=r, column=5).fill = FILLS["fix"]
        elif rate is not None and rate < 1 - 1e-9:
            ws.cell(row=r, column=5).fill = FILLS["look"]
        if p.entered_agrees is False:  # decided by the checks, with the profile's precision rule
            ws.cell(row=r, column=6).fill = FILLS["fix"]
        if any(f.severity == "error" for f in mine):
            ws.cell(row=r, column=9).fill = FILLS["fix"]
            ws.cell(row=r, column=9).font = Font(name=FONT, bold=True, color="9C0006")
        elif mine:
            ws.cell(row=r, column=9).fill = FILLS["look"]
    last = first + len(result.projects) - 1
    t = last + 1
    total_row = ["合计", "", f"=SUM(C{first}:C{last})", f"=SUM(D{first}:D{last})",
                 f"=IF(C{t}>0,D{t}/C{t},0)" if result.budget_total > 0 else None,
                 "", "", "", len(result.findings)]
    for j, v in enumerate(total_row, 1):
        c = ws.cell(row=t, column=j, value=v if v != "" else None)
        c.border = BOX
        c.font = Font(name=FONT, bold=True)
        c.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[t].height = 18
    ws.cell(row=t, column=3).number_format = ws.cell(row=t, column=4).number_format = "#,##0.00"
    ws.cell(row=t, column=5).number_format = "0.00%"
    if result.errors:
        ws.cell(row=t, column=9).fill = FILLS["fix"]
        ws.cell(row=t, column=9).font = Font(name=FONT, bold=True, color="9C0006")
    elif result.findings:
        ws.cell(row=t, column=9).fill = FILLS["look"]
    r = t + 2
    grade_rows = (r, r + len(result.grades) - 1)
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
    r = _legend(ws, r + 2)
    for col, w in RESULT_COLUMNS.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C4"
    table = sum(ws.row_dimensions[i].height or 15 for i in range(1, t + 1))
    if table > 500:  # the table runs over one A4 landscape page: repeat its header there
        ws.print_title_rows = "3:3"  # (not when it fits: the chart's page needs no table header)
    _print_setup(ws, landscape=True)
    if result.projects:
        # the chart gets a page of its own (never cut by a page break) and fits on it
        ws.row_breaks.append(Break(id=r))
        if len(result.projects) > CHART_MAX_PROJECTS:
            _grade_chart(ws, grade_rows, r)
            return ws.title
        chart = BarChart()
        chart.type = "bar"
        chart.title = "各项目核算得分"
        chart.y_axis.crosses = "max"  # the score axis below the bars, where a reader looks for it
        chart.x_axis.tickLblSkip = 1  # every project's name, however many
        if len(result.projects) > 20:  # smaller names, so that each has room beside its bar
            size = CharacterProperties(sz=max(700, 1000 - 10 * len(result.projects)))
            chart.x_axis.txPr = RichText(p=[Paragraph(pPr=ParagraphProperties(defRPr=size), endParaRPr=size)])
        if len(result.projects) <= 20:  # each score printed at the end of its bar (more would overlap)
            chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False,
                                             showPercent=False, showBubbleSize=False, dLblPos="inEnd")
        chart.y_axis.scaling.min = 0
        chart.y_axis.scaling.max = 100
        chart.legend = None
        chart.gapWidth = 60  # bars as thick as the gaps between them
        chart.x_axis.scaling.orientation = "maxMin"  # projects top-down, in sheet order
        chart.add_data(Reference(ws, min_col=7, min_row=3, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=2, min_row=first, max_row=last))
        # one A4 landscape page: about 18 cm free below the repeated header at Excel's scale
        chart.height = min(17.5, max(7.5, 0.7 * len(result.projects) + 3))
        chart.width = round(sum(RESULT_COLUMNS.values()) * 0.22, 1)  # about the table's width, in cm
        ws.add_chart(chart, f"A{r + 2}")  # a blank row first: no sliver of the chart above the break
    return ws.title


CHART_MAX_PROJECTS = 60  # more bars than a page can name: the chart counts projects per grade instead


def _grade_chart(ws, rows: tuple[int, int], r: int) -> None:
    """Projects per grade, from the count cells above: a bar a grade, readable however many
    projects the unit has (a bar a project is not, past a page's worth of names)."""
    chart = BarChart()
    chart.type = "col"
    chart.title = "各评价等级的项目数"
    chart.legend = None
    chart.y_axis.scaling.min = 0
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False,
                                     showPercent=False, showBubbleSize=False)
    chart.add_data(Reference(ws, min_col=3, min_row=rows[0], max_row=rows[1]), titles_from_data=False)
    chart.set_categories(Reference(ws, min_col=2, min_row=rows[0], max_row=rows[1]))
    chart.height = 9
    chart.width = round(sum(RESULT_COLUMNS.values()) * 0.22, 1)
    ws.add_chart(chart, f"A{r + 2}")


LEGEND = [
    ("fix", "需要更正：执行率低于60%；填报得分与核算得分不一致（以核算得分为准）；问题数中有错误（深红粗体）"),
    ("look", "需要关注：执行率低于100%；问题数中只有警告或提示"),
]


def _legend(ws, r: int) -> int:
    """The meaning of every colour of the sheet; returns the row after it."""
    head = ws.cell(row=r, column=1, value="图例")
    head.font = Font(name=FONT, bold=True)
    head.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=9)
    note = ws.cell(row=r, column=2, value="评价等级列的颜色与上方等级统计相同（优、良、中、差）。问题数：该项目表及其在汇总表中的行"
                                         "的全部检查结果；合计为整个工作簿的全部检查结果（含单位情况等不属于单个项目的问题）。")
    note.font = Font(name=FONT, size=9)
    note.alignment = Alignment(wrap_text=True, vertical="center")
    width = sum(w for c, w in RESULT_COLUMNS.items() if c != "A")
    ws.row_dimensions[r].height = row_height([(note.value, width)], font_size=9)
    for key, text in LEGEND:
        r += 1
        swatch = ws.cell(row=r, column=1)
        swatch.fill = FILLS[key]
        swatch.border = BOX
        ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=9)
        c = ws.cell(row=r, column=2, value=text)
        c.font = Font(name=FONT, size=9)
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.row_dimensions[r].height = row_height([(text, width)], font_size=9)
    return r + 1


def write_narrative_sheet(wb, result: CheckResult) -> str:
    ws = wb.create_sheet(_unique(wb, NARRATIVE), 1)
    ws["A1"] = "自评综述"
    ws["A1"].font = Font(name=FONT, bold=True, size=14)
    ws.column_dimensions["A"].width = 66  # about 32 Chinese characters: fits A4 portrait at 100%
    for i, text in enumerate(narrative(result), 3):
        c = ws.cell(row=i, column=1, value=text)
        c.font = Font(name=FONT, size=11)
        c.alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[i].height = row_height([(text, 66)], font_size=11)
    _print_setup(ws, landscape=False)
    return ws.title


FINDINGS_COLUMNS = {"A": 9, "B": 7, "C": 16, "D": 9, "E": 60, "F": 50}


def write_findings_sheet(wb, result: CheckResult) -> str:
    ws = wb.create_sheet(_unique(wb, FINDINGS), 2)
    present = set(wb.sheetnames)
    _head(ws, 1, ["严重程度", "代码", "工作表", "单元格", "问题", "修改建议"])
    ws.row_dimensions[1].height = 20
    for i, f in enumerate(result.findings, 2):
        values = [SEVERITY_ZH[f.severity], f.code, f.sheet, f.cell, f.message, f.hint]
        for j, v in enumerate(values, 1):
            c = ws.cell(row=i, column=j, value=v)
            c.font = Font(name=FONT)
            c.alignment = Alignment(wrap_text=j >= 5 or j == 3, vertical="top")
            c.border = BOX
        ws.row_dimensions[i].height = row_height([(f.sheet, FINDINGS_COLUMNS["C"]), (f.message, FINDINGS_COLUMNS["E"]),
                                                  (f.hint, FINDINGS_COLUMNS["F"])])
        fill = {"error": FILLS["fix"], "warning": FILLS["look"]}.get(f.severity)
        if fill:
            ws.cell(row=i, column=1).fill = fill
        # wrapped text needs its height: a reader (and a printout) sees the whole message and hint
        lines = max(_lines(f.message, 60), _lines(f.hint, 50))
        if lines > 1:
            ws.row_dimensions[i].height = 15 * lines + 3
        if f.sheet and f.cell and f.sheet in present:
            c = ws.cell(row=i, column=4)
            c.hyperlink = Hyperlink(ref=c.coordinate, location=f"{_quote(f.sheet)}!{f.cell}", display=f.cell)
            c.font = Font(name=FONT, color="0563C1", underline="single")
    for col, w in FINDINGS_COLUMNS.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    ws.auto_filter.ref = f"A1:F{max(1, len(result.findings) + 1)}"
    _print_setup(ws, landscape=True)
    return ws.title


def _lines(text: str, width: int) -> int:
    """Lines a wrapped cell of ``width`` characters (Excel's unit) needs; a Chinese character is two."""
    import unicodedata
    n = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text or "")
    return max(1, -(-n // max(1, width - 2)))


def _record(wb, records: list[tuple[str, str, str]]) -> None:
    ws = wb.create_sheet(MARKS_SHEET)
    ws.sheet_state = "veryHidden"
    ws.append(["kind", "sheet", "ref"])
    for rec in records:
        ws.append(list(rec))


# -- the whole write ----------------------------------------------------------------------

def write_result(input_path: str, output: str, result: CheckResult) -> list[str]:
    """Write the output workbook atomically; return what openpyxl could not keep.

    The check never loads the file in openpyxl; this does, once, after the cached values of
    the user's formulas are computed and the check's per-cell grids are released, so that the
    two never take memory at the same time. The output is not read back either: its cached
    values come from the values the check already has (see ``cached_values``).
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
        user_values = user_cached_values(model, previously_owned, retry)
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
    records = add_marks(wb, result, set(owned))
    _record(wb, records)
    wb.defined_names[OWNED_NAME] = DefinedName(OWNED_NAME, attr_text=",".join(f"{_quote(s)}!$A$1" for s in owned))
    wb.active = wb.sheetnames.index(owned[0])
    for ws in wb.worksheets:
        ws.sheet_view.tabSelected = ws.title == owned[0]
    _fresh_note_drawings(wb)
    values = cached_values(wb, user_values, set(owned) | {MARKS_SHEET}, retry)
    forget_caches()
    folder = os.path.dirname(os.path.abspath(output))
    tmp = None
    try:
        tmp = atomic.new_temp(folder, ".xlsx")
        try:
            wb.save(tmp)
        except OverflowError:  # a number no float holds (400 digits in <v>): save it as Excel shows it
            _excel_sized(wb, set(owned))
            failed, tmp = tmp, None  # the failed save may still hold its file open: start afresh
            tmp = atomic.new_temp(folder, ".xlsx")
            gc.collect()  # closes the failed save's zip handle
            atomic.discard(failed)
            wb.save(tmp)
        del wb
        gc.collect()  # openpyxl's workbook is a web of cycles: free it before the package is rewritten
        write_cached_values(tmp, values)
        atomic.replace(tmp, output)
    except BaseException:  # an error, Ctrl-C or SIGTERM: no temp file survives
        atomic.discard(tmp)
        raise
    return lost


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


def _formula_or_value(v):
    if v is not None and not isinstance(v, (str, int, float, bool)) and hasattr(v, "text"):
        return "=" + str(v.text).lstrip("=")  # ArrayFormula
    return v


def _position(text) -> tuple[int, int] | None:
    """'B7' -> (7, 2); None for anything that is not one cell's address as a grid keys it."""
    rc = _RC.get(text, False)
    if rc is False:
        try:
            col, row = coordinate_from_string(text)
            rc = (row, column_index_from_string(col))
        except (ValueError, TypeError, AttributeError):
            rc = None
        if rc is not None and f"{col}{row}" != text:  # "A01" is no key of a grid either
            rc = None
        if len(_RC) < 100_000:
            _RC[text] = rc
    return rc


_RC: dict[str, tuple[int, int] | None] = {}


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


def user_cached_values(model, skip: set[str], retry: dict[str, dict[str, object]]
                       ) -> dict[str, dict[str, object]]:
    """A value for every formula of the user's sheets (but ``skip``, perfxl's own sheets of an
    earlier run, which are replaced), computed by the evaluator from the check's grids (only the
    cells the sheets hold). A formula it cannot compute here (one reading a replaced sheet)
    goes into ``retry`` with the value the reader had, for ``cached_values`` to compute over
    the workbook about to be saved."""
    from perfxl.excel.formula import CircularReference, Unsupported, WorkbookEvaluator

    names = {n: t for n, t in model.defined_names.items() if t and n != OWNED_NAME}
    grids = {name: g for name, g in model.grids.items() if name not in skip}  # the old result sheets are gone
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
        self._sheets = by_title(wb)

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


def cached_values(wb, user_values: dict[str, dict[str, object]], written: set[str],
                  retry: dict[str, dict[str, object]] | None = None) -> dict[str, dict[str, object]]:
    """A value for every formula of the workbook about to be saved: the user's sheets' from
    ``user_values`` (computed before the load); the sheets perfxl just wrote (``written``) and
    the user's formulas in ``retry`` (they read a replaced sheet) by the evaluator over the
    workbook, reading the user's other formulas from ``user_values``. A ``retry`` formula that
    still cannot be computed keeps the value the reader had."""
    from perfxl.excel.formula import CircularReference, Unsupported, WorkbookEvaluator

    sheets = by_title(wb)
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
            for coord, value in cells.items():
                formulas.append((sheet, coord))
                fallback[(sheet, coord)] = value
    names = {n: d.attr_text for n, d in wb.defined_names.items() if d.attr_text and n != OWNED_NAME}
    ev = WorkbookEvaluator(_BookCells(wb, out), names, reuse_parsed=False)
    for sheet, coord in formulas:
        try:
            value = ev.value(sheet, coord)
        except (Unsupported, CircularReference, RecursionError):
            value = fallback.get((sheet, coord))
        if value is not None:
            out.setdefault(sheet, {})[coord] = value
    return out


def _num(v) -> str:
    """A score in a note: at most 2 decimals, no trailing zeros."""
    return show.num(v or 0)
