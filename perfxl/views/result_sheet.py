"""The 自评结果 sheet (docs/template.md §7): one row per project, coloured by grade and by what
needs fixing, the unit's totals and grade counts, a legend of every colour, and a chart of
the scores on a page of its own. Its figures link to the user's cells wherever recalculating
them gives what the check reports."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.text import RichText
from openpyxl.comments import Comment
from openpyxl.drawing.text import CharacterProperties, Paragraph, ParagraphProperties
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.pagebreak import Break

from perfxl.excel import show
from perfxl.excel.textfit import row_height
from perfxl.result import CheckResult
from perfxl.views import palette
from perfxl.views.marks import AUTHOR
from perfxl.views.sheets import BOX, FILLS, FONT, head, print_setup, quote, unique

RESULT = "自评结果"


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
        return f"={quote(sheet)}!{cell.coord}" + ("" if divisor == 1 else f"/{divisor:g}")
    if isinstance(figure, str) and cell.value == figure:
        return f"={quote(sheet)}!{cell.coord}"
    return figure


RESULT_COLUMNS = {"A": 6, "B": 54, "C": 12, "D": 12, "E": 10, "F": 10, "G": 10, "H": 10, "I": 8}


def write_result_sheet(wb, result: CheckResult) -> str:
    ws = wb.create_sheet(unique(wb, RESULT), 0)
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
    head(ws, 3, ["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "填报得分", "核算得分", "评价等级", "问题数"])
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
        ws.cell(row=r, column=8).fill = FILLS[p.grade if p.graded else "fix"]  # 待更正: no score
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
    if result.whole_unit is not None:  # the unit's own table (§2.5): a row of its own, not a project
        _whole_unit_row(ws, result, t + 1)
        r += 1
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
    if result.ungraded:  # counted apart from the grades and left out of 评优率 (docs/template.md §1)
        ws.cell(row=r, column=2, value="待更正（未评分，不计入评优率）的项目数").alignment = Alignment(horizontal="right")
        ws.cell(row=r, column=2).font = Font(name=FONT)
        c = ws.cell(row=r, column=3, value=result.ungraded)
        c.fill, c.border, c.alignment = FILLS["fix"], BOX, Alignment(horizontal="center")
        r += 1
    label = ws.cell(row=r, column=2, value="评优率（“优”÷已评等级的项目数）" if result.ungraded else "评优率（“优”÷项目总数）")
    label.font = Font(name=FONT, bold=True)
    label.alignment = Alignment(horizontal="right")
    rate = result.excellent_rate or 0
    c = ws.cell(row=r, column=3, value=round(rate, 4))
    c.number_format = "0%"
    c.border = BOX
    c.font = Font(name=FONT, bold=True)
    c.alignment = Alignment(horizontal="center")
    r = _legend(ws, r + 2, ungraded=bool(result.ungraded))
    for col, w in RESULT_COLUMNS.items():
        ws.column_dimensions[col].width = w
    ws.freeze_panes = "C4"
    table = sum(ws.row_dimensions[i].height or 15 for i in range(1, t + 1))
    if table > 500:  # the table runs over one A4 landscape page: repeat its header there
        ws.print_title_rows = "3:3"  # (not when it fits: the chart's page needs no table header)
    print_setup(ws, landscape=True)
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
        _colour_bars(chart, [p.grade if p.graded else None for p in result.projects])  # each bar its grade's colour
        # one A4 landscape page: about 18 cm free below the repeated header at Excel's scale
        chart.height = min(17.5, max(7.5, 0.7 * len(result.projects) + 3))
        chart.width = round(sum(RESULT_COLUMNS.values()) * 0.22, 1)  # about the table's width, in cm
        ws.add_chart(chart, f"A{r + 2}")  # a blank row first: no sliver of the chart above the break
    return ws.title


def _whole_unit_row(ws, result: CheckResult, r: int) -> None:
    w = result.whole_unit
    f = w.funding
    values = ["部门整体", w.name, f.budget, f.executed, f.rate, w.entered_total, w.score, w.grade,
              len(result.about(w.sheet))]
    for j, v in enumerate(values, 1):
        c = ws.cell(row=r, column=j, value=v)
        c.border = BOX
        c.font = Font(name=FONT, italic=j <= 2)
        c.alignment = Alignment(vertical="center", wrap_text=j == 2, horizontal="left" if j == 2 else "center")
    ws.cell(row=r, column=3).number_format = ws.cell(row=r, column=4).number_format = "#,##0.00"
    ws.cell(row=r, column=5).number_format = "0.00%"
    for j in (6, 7):
        ws.cell(row=r, column=j).number_format = "0.##"
    ws.cell(row=r, column=8).fill = FILLS[w.grade] if w.grade in FILLS else PatternFill()
    ws.row_dimensions[r].height = row_height([(w.name, RESULT_COLUMNS["B"])], minimum=17)


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
    _colour_bars(chart, list(palette.GRADES)[: rows[1] - rows[0] + 1])  # the grade rows: 优 良 中 差
    chart.height = 9
    chart.width = round(sum(RESULT_COLUMNS.values()) * 0.22, 1)
    ws.add_chart(chart, f"A{r + 2}")


def _colour_bars(chart, grades: list[str | None]) -> None:
    """Each bar in its grade's colour (the colours of the 评价等级 column); a project without a
    grade (待更正) in 需要更正's."""
    from openpyxl.chart.marker import DataPoint
    from openpyxl.chart.shapes import GraphicalProperties

    series = chart.series[0]
    for i, grade in enumerate(grades):
        colour = palette.GRADES.get(grade, palette.FIX) if grade is not None else palette.FIX
        point = DataPoint(idx=i, spPr=GraphicalProperties(solidFill=colour))
        point.graphicalProperties.line.solidFill = "808080"
        series.dPt.append(point)


LEGEND = [
    ("fix", "需要更正：执行率低于60%；填报得分与核算得分不一致（以核算得分为准）；问题数中有错误（深红粗体）"),
    ("look", "需要关注：执行率低于100%；问题数中只有警告或提示"),
]


def _legend(ws, r: int, *, ungraded: bool = False) -> int:
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
        if key == "fix" and ungraded:
            text += "；评价等级“待更正”（全年预算数或执行数无法读取，或项目表未填写：未评分）"
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


def _num(v) -> str:
    """A score in a note: at most 2 decimals, no trailing zeros."""
    return show.num(v or 0)
