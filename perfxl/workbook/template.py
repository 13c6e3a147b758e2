"""``perfxl init``: the standard workbook, written with XlsxWriter (docs/template.md §2).

It looks like the paper form 项目支出绩效自评表: merged headers, borders, a CJK font
(宋体, titles 黑体, GB2312 charset so Excel picks the East Asian font), 万元 and percentage
formats, A4 landscape. Input cells are unlocked and tinted, formula cells locked; sheets
are protected without a password so staff can still insert rows and format cells. Every
formula carries its cached value for the blank form, so previews that never recalculate
show numbers.

Layout of a project sheet (1-based rows, columns A–H)::

    1  项目支出绩效自评表 (A1:H1)          2  （{year}年度） (A2:H2)
    3  项目名称 | B3:H3                    4  主管部门 | B4:D4 | 实施单位 | F4:H4
    5  项目资金（万元） (A5:A9) | header C 年初预算数 D 全年预算数 E 全年执行数 F 分值 G 执行率 H 得分
    6  年度资金总额: C6:E6 amounts, F6 10, G6 =IF(D6>0,E6/D6,0), H6 =ROUND(F6*MIN(G6,1),2)
    7–9 其中：当年财政拨款 / 上年结转资金 / 其他资金 (F:H —)
    10–11 年度总体目标 (A10:A11) | 预期目标 B:E | 实际完成情况 F:H, texts in row 11
    12 indicator header, 13–24 indicator rows, 25 总分 (F25 =F6+SUM(F13:F24), G25 =H6+SUM(G13:G24))
    26 主要问题及原因 | B26:H26          27 下一步改进措施 | B27:H27
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import xlsxwriter

from perfxl import __version__
from perfxl.excel.textfit import row_height

MARKER_NAME = "_perfxl_template"
INDICATOR_ROWS = 12
HEADER_ROW = 12  # 1-based: the indicator header row
FIRST_INDICATOR_ROW = HEADER_ROW + 1  # 13
TOTAL_ROW = FIRST_INDICATOR_ROW + INDICATOR_ROWS  # 25
COLUMNS = "ABCDEFGH"
FUNDING_WEIGHT = 10

LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标"]
LEVEL2 = ["数量指标", "质量指标", "时效指标", "成本指标", "经济成本指标", "社会成本指标", "生态环境成本指标",
          "经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"]

# (label, kind) in docs/template.md §2.1 order. Kinds: text, long (tall text), year, count, total, money.
# The long texts are the parts of the Word report a person writes (``perfxl report``).
UNIT_LABELS = [
    ("单位名称", "text"), ("评价年度", "year"), ("主管部门", "text"), ("部门概况", "long"), ("机构设置", "long"),
    ("在编人员", "count"), ("退休人员", "count"), ("劳动聘用人员", "count"), ("其他人员", "count"),
    ("人员合计", "total"), ("年初预算数（万元）", "money"), ("年初结转和结余（万元）", "money"),
    ("财政拨款收入（万元）", "money"), ("财政拨款支出（万元）", "money"), ("基本支出（万元）", "money"),
    ("人员经费（万元）", "money"), ("日常公用经费（万元）", "money"), ("项目支出（万元）", "money"),
    ("年末结转和结余（万元）", "money"), ("预决算差异原因", "long"), ("总体绩效目标", "long"),
    ("总体绩效目标完成情况", "long"), ("自评工作开展情况", "long"), ("存在的问题", "long"), ("改进措施", "long"),
]

SUMMARY_HEADS = ("序号", "项目名称", "全年预算数\n（万元）", "全年执行数\n（万元）", "执行率", "自评得分", "评价等级")

# Lines of the 填报说明 sheet: a line starting with "#" is a heading.
INSTRUCTIONS = [
    "# 一、工作簿的组成",
    "1. 本工作簿由 perfxl 生成，包括：填报说明、单位情况、汇总，以及每个项目一张“项目支出绩效自评表”（项目1、项目2……）。",
    "2. 项目表可以改名（例如改为项目简称）；汇总表的公式会随之更新。各表的保护没有密码，需要增加项目或修改公式时，"
    "可在“审阅 → 撤销工作表保护”后操作。",
    "# 二、怎样填写",
    "3. 浅黄色单元格是填写区；白色和灰色单元格是标签或公式，已锁定，请勿覆盖。",
    "4. 金额单位均为万元，保留两位小数；人数填整数；评价年度填四位年份（如 2025）。",
    "5. 一级指标、二级指标可从下拉列表中选择，三级指标写具体的指标名称。指标行不够时，在指标表中间的行上"
    "右键“插入”整行（不要插在第一行指标之上或“总分”行紧上方），总分公式会自动包含新行。文字较多时，双击行号下边线可自动调整行高。",
    "6. 年度指标值的写法：定量指标写比较符、数字和单位，如“≥95%”“≥1200平方米”“≤500万元”“100%覆盖”；"
    "时效指标写截止时间，如“2025年12月底前”；定性指标写预期效果，如“明显改善”。实际完成值写实际数字"
    "（如“98%”“1260平方米”）或达成情况（“已完成”“部分完成”“未完成”）。",
    "# 三、自动计算的公式",
    "7. 项目表：执行率 = 全年执行数 ÷ 全年预算数；预算执行得分 = 分值（10 分）× 执行率（超过 100% 按 100% 计，"
    "保留两位小数）；总分行 = 预算执行的分值、得分 + 各指标分值、得分之和。",
    "8. 单位情况：人员合计 = 在编人员 + 退休人员 + 劳动聘用人员 + 其他人员。",
    "9. 汇总：项目名称、全年预算数、全年执行数、自评得分取自各项目表，执行率和评价等级自动计算；合计行为各项目之和。",
    "# 四、评分规则（财预〔2020〕10号）",
    "10. 权重：产出指标 50 分、效益指标 30 分、满意度指标 10 分、预算执行率 10 分，合计 100 分"
    "（没有满意度指标时，其 10 分可计入产出或效益指标）。",
    "11. 定量指标按完成比例计分：正向指标得分 = 分值 × 实际值 ÷ 目标值（最高为分值），反向指标不超过目标值得满分；"
    "时效指标按时完成得满分；定性指标达成年度指标得分值的 80%–100%，部分达成并具有一定效果得 60%–80%，"
    "未达成且效果较差得 0–60%。",
    "12. 评价等级：90 分（含）以上为“优”，80 分（含）至 90 分为“良”，60 分（含）至 80 分为“中”，60 分以下为“差”。",
    "13. 未得满分的指标，请在“偏差原因分析及改进措施”中说明原因；执行率低于 100% 时，请在“主要问题及原因”中说明。",
    "# 五、检查",
    "14. 填好后在命令行运行：perfxl check 文件.xlsx —— 核对每个公式、合计、分值、得分和等级，"
    "并指出问题所在的工作表和单元格。",
]

PROTECT = {"insert_rows": True, "delete_rows": True, "format_cells": True, "format_columns": True,
           "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True, "sort": False,
           "autofilter": False}

BODY_FONT, TITLE_FONT, GB2312 = "宋体", "黑体", 134
GREY, HEAD_GREY, TINT = "#F2F2F2", "#D9D9D9", "#FFF9E1"


def project_sheet_name(i: int) -> str:
    return f"项目{i}"


@dataclass
class _Formats:
    title: object
    subtitle: object
    heading: object
    note: object
    label: object
    head: object
    input: object
    input_left: object
    input_long: object
    money_in: object
    count_in: object
    score_in: object
    formula: object
    count_f: object
    money_f: object
    pct_f: object
    score_f: object
    dash: object


def _formats(wb) -> _Formats:
    font = {"font_name": BODY_FONT, "font_charset": GB2312, "font_size": 11}
    base = {**font, "border": 1, "valign": "vcenter", "text_wrap": True}
    tint = {"bg_color": TINT, "locked": False}

    def f(**kw):
        return wb.add_format({**base, **kw})

    return _Formats(
        title=wb.add_format({**font, "font_name": TITLE_FONT, "font_size": 18, "align": "center",
                             "valign": "vcenter"}),
        subtitle=wb.add_format({**font, "align": "center", "valign": "vcenter"}),
        heading=wb.add_format({**font, "font_name": TITLE_FONT, "font_size": 12, "valign": "vcenter"}),
        note=wb.add_format({**font, "text_wrap": True, "valign": "top"}),
        label=f(bold=True, align="center", bg_color=GREY),
        head=f(bold=True, align="center", bg_color=HEAD_GREY),
        input=f(align="center", **tint),
        input_left=f(align="left", **tint),
        input_long=f(align="left", valign="top", **tint),
        money_in=f(align="right", num_format="0.00", **tint),
        count_in=f(align="center", num_format="0", **tint),
        score_in=f(align="center", num_format="0.00", **tint),
        formula=f(align="center"),
        count_f=f(align="center", num_format="0"),
        money_f=f(align="right", num_format="0.00"),
        pct_f=f(align="center", num_format="0.00%"),
        score_f=f(align="center", num_format="0.00"),
        dash=f(align="center", bg_color=GREY),
    )


def _columns(ws, widths) -> None:
    for i, w in enumerate(widths):
        ws.set_column(i, i, w)


def _print(ws, *, landscape: bool, repeat: tuple[int, int] | None = None) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)  # one page wide, as many tall as needed
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if repeat:
        ws.repeat_rows(repeat[0] - 1, repeat[1] - 1)


# --- 填报说明 -------------------------------------------------------------------------------

def _instructions(wb, fm: _Formats) -> None:
    ws = wb.add_worksheet("填报说明")
    ws.set_column(0, 0, 96)  # about 44 CJK characters at 11 pt
    ws.write(0, 0, "填报说明", fm.title)
    ws.set_row(0, 36)
    ws.write(1, 0, f"（perfxl {__version__} 生成的预算绩效自评工作簿）", fm.subtitle)
    for r, text in enumerate(INSTRUCTIONS, 2):
        if text.startswith("#"):
            ws.write(r, 0, text[1:].strip(), fm.heading)
            ws.set_row(r, 24)
        else:
            ws.write(r, 0, text, fm.note)
            ws.set_row(r, row_height([(text, 96)]))  # LibreOffice does not fit rows on opening
    ws.protect("", PROTECT)
    _print(ws, landscape=False)


# --- 单位情况 -------------------------------------------------------------------------------

def _unit(wb, fm: _Formats, unit: str, year: int) -> None:
    ws = wb.add_worksheet("单位情况")
    _columns(ws, (26, 22, 22, 22))
    ws.merge_range("A1:D1", "单位基本情况", fm.title)
    ws.set_row(0, 36)
    counts = []
    for r, (label, kind) in enumerate(UNIT_LABELS, 2):
        ws.write(f"A{r}", label, fm.label)
        span = f"B{r}:D{r}"
        ws.set_row(r - 1, 60 if kind == "long" else 20)
        if kind == "long":
            ws.merge_range(span, "", fm.input_long)
        elif kind == "text":
            ws.merge_range(span, unit if label == "单位名称" else "", fm.input_left)
        elif kind == "year":
            ws.merge_range(span, "", fm.input)
            ws.write_number(f"B{r}", year, fm.input)
        elif kind == "count":
            ws.merge_range(span, "", fm.count_in)
            counts.append(r)
        elif kind == "money":
            ws.merge_range(span, "", fm.money_in)
        elif kind == "total":
            ws.merge_range(span, "", fm.count_f)
            ws.write_formula(f"B{r}", f"=SUM(B{counts[0]}:B{counts[-1]})", fm.count_f, 0)
    ws.protect("", PROTECT)
    _print(ws, landscape=False)


# --- 汇总 -----------------------------------------------------------------------------------

def _grade(score: str) -> str:
    return f'IF({score}>=90,"优",IF({score}>=80,"良",IF({score}>=60,"中","差")))'


def _summary(wb, fm: _Formats, names: list[str]) -> None:
    ws = wb.add_worksheet("汇总")
    _columns(ws, (7, 46, 15, 15, 11, 11, 11))
    ws.merge_range("A1:G1", "项目支出绩效自评结果汇总表", fm.title)
    ws.set_row(0, 36)
    ws.set_row(1, 32)
    for c, head in enumerate(SUMMARY_HEADS):
        ws.write(1, c, head, fm.head)
    for i, sheet in enumerate(names):
        r = 3 + i
        q = f"'{sheet}'"
        ws.set_row(r - 1, 20)
        ws.write_number(f"A{r}", i + 1, fm.formula)
        # a blank name shows blank (a bare reference would show 0), and so does its grade
        ws.write_formula(f"B{r}", f'=IF({q}!B3="","",{q}!B3)', fm.formula, "")
        ws.write_formula(f"C{r}", f"={q}!D6", fm.money_f, 0)
        ws.write_formula(f"D{r}", f"={q}!E6", fm.money_f, 0)
        ws.write_formula(f"E{r}", f"=IF(C{r}>0,D{r}/C{r},0)", fm.pct_f, 0)
        ws.write_formula(f"F{r}", f"={q}!G{TOTAL_ROW}", fm.score_f, 0)
        ws.write_formula(f"G{r}", f'=IF(B{r}="","",{_grade(f"F{r}")})', fm.formula, "")
    t = 3 + len(names)
    ws.set_row(t - 1, 20)
    ws.write(f"A{t}", "", fm.label)
    ws.write(f"B{t}", "合计", fm.label)
    ws.write_formula(f"C{t}", f"=SUM(C3:C{t - 1})", fm.money_f, 0)
    ws.write_formula(f"D{t}", f"=SUM(D3:D{t - 1})", fm.money_f, 0)
    ws.write_formula(f"E{t}", f"=IF(C{t}>0,D{t}/C{t},0)", fm.pct_f, 0)
    ws.write(f"F{t}", "", fm.formula)
    ws.write(f"G{t}", "", fm.formula)
    ws.freeze_panes(2, 0)
    ws.protect("", PROTECT)
    _print(ws, landscape=True, repeat=(1, 2))


# --- 项目表 ---------------------------------------------------------------------------------

def _identity(ws, fm: _Formats, year: int, *, unit: str | None = None) -> None:
    """Title and name rows; ``unit`` (a whole-unit sheet) names the unit where a project form
    names its project (docs/template.md §2.5)."""
    title = "项目支出绩效自评表" if unit is None else "部门整体支出绩效自评表"
    ws.merge_range("A1:H1", title, fm.title)
    ws.set_row(0, 30)
    ws.merge_range("A2:H2", f"（{year}年度）", fm.subtitle)
    ws.set_row(1, 18)
    ws.write("A3", "项目名称" if unit is None else "部门（单位）名称", fm.label)
    ws.merge_range("B3:H3", unit or "", fm.input_left)
    ws.write("A4", "主管部门", fm.label)
    ws.merge_range("B4:D4", "", fm.input_left)
    ws.write("E4", "实施单位", fm.label)
    ws.merge_range("F4:H4", "", fm.input_left)
    for r in (3, 4):
        ws.set_row(r - 1, 20)


PROJECT_FUNDING = ("项目资金\n（万元）", "年度资金总额", ("其中：当年财政拨款", "上年结转资金", "其他资金"))
# a whole-unit sheet splits its total into basic and project spending (docs/template.md §2.5)
WHOLE_UNIT_FUNDING = ("部门整体支出\n（万元）", "年度总预算", ("其中：基本支出", "项目支出", ""))


def _funding(ws, fm: _Formats, labels=PROJECT_FUNDING) -> None:
    block, total, parts = labels
    ws.merge_range("A5:A9", block, fm.label)
    ws.write("B5", "", fm.head)
    for col, head in zip("CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        ws.write(f"{col}5", head, fm.head)
    ws.write("B6", total, fm.label)
    for col in "CDE":
        ws.write_blank(f"{col}6", None, fm.money_in)
    ws.write_number("F6", FUNDING_WEIGHT, fm.score_in)
    ws.write_formula("G6", "=IF(D6>0,E6/D6,0)", fm.pct_f, 0)
    ws.write_formula("H6", "=ROUND(F6*MIN(G6,1),2)", fm.score_f, 0)
    for r, label in zip((7, 8, 9), parts):
        ws.write(f"B{r}", label, fm.label)
        for col in "CDE":
            ws.write(f"{col}{r}", "", fm.money_in) if label else ws.write(f"{col}{r}", "—", fm.dash)
        for col in "FGH":
            ws.write(f"{col}{r}", "—", fm.dash)
    for r in range(5, 10):
        ws.set_row(r - 1, 20)


def _goal(ws, fm: _Formats) -> None:
    ws.merge_range("A10:A11", "年度总体目标", fm.label)
    ws.merge_range("B10:E10", "预期目标", fm.head)
    ws.merge_range("F10:H10", "实际完成情况", fm.head)
    ws.merge_range("B11:E11", "", fm.input_long)
    ws.merge_range("F11:H11", "", fm.input_long)
    ws.set_row(9, 20)
    ws.set_row(10, 54)


def _indicators(ws, fm: _Formats) -> None:
    heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    h, first, last = HEADER_ROW, FIRST_INDICATOR_ROW, TOTAL_ROW - 1
    for col, head in zip(COLUMNS, heads):
        ws.write(f"{col}{h}", head, fm.head)
    ws.set_row(h - 1, 28)
    for r in range(first, last + 1):
        for col in COLUMNS:
            fmt = fm.score_in if col in "FG" else fm.input if col in "AB" else fm.input_left
            ws.write_blank(f"{col}{r}", None, fmt)
    # no fixed height on indicator rows: Excel/WPS/LibreOffice grow them to fit wrapped text
    other = {"error_type": "warning", "error_title": "不在列表中",
             "error_message": "不在列表中的名称也可以保留；perfxl check 会提示。"}
    ws.data_validation(f"A{first}:A{last}", {
        "validate": "list", "source": LEVEL1, "input_title": "一级指标",
        "input_message": "从列表中选择：产出指标、效益指标、满意度指标（或成本指标）", **other})
    ws.data_validation(f"B{first}:B{last}", {
        "validate": "list", "source": LEVEL2, "input_title": "二级指标",
        "input_message": "从列表中选择，如数量指标、质量指标、时效指标、社会效益指标、服务对象满意度指标", **other})
    ws.data_validation(f"F{first}:F{last}", {
        "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 100, "input_title": "分值",
        "input_message": "指标分值（权重）：产出50、效益30、满意度10，指标合计90分", "error_title": "分值",
        "error_message": "分值应为 0 到 100 之间的数字"})
    ws.data_validation(f"G{first}:G{last}", {
        "validate": "decimal", "criteria": ">=", "value": 0, "input_title": "得分",
        "input_message": "按完成情况计分，不超过分值；未得满分请在右侧写明原因", "error_title": "得分",
        "error_message": "得分应为不小于 0 的数字"})


def _closing(ws, fm: _Formats) -> None:
    first, last, t = FIRST_INDICATOR_ROW, TOTAL_ROW - 1, TOTAL_ROW
    ws.merge_range(f"A{t}:E{t}", "总分", fm.label)
    ws.write_formula(f"F{t}", f"=F6+SUM(F{first}:F{last})", fm.score_f, FUNDING_WEIGHT)
    ws.write_formula(f"G{t}", f"=H6+SUM(G{first}:G{last})", fm.score_f, 0)
    ws.write(f"H{t}", "", fm.formula)
    ws.set_row(t - 1, 20)
    for r, label in ((t + 1, "主要问题及原因"), (t + 2, "下一步改进措施")):
        ws.write(f"A{r}", label, fm.label)
        ws.merge_range(f"B{r}:H{r}", "", fm.input_long)
        ws.set_row(r - 1, 40)


def _project(wb, fm: _Formats, name: str, year: int, *, unit: str | None = None) -> None:
    """A project sheet; with ``unit`` (possibly empty), the whole-unit sheet in the same shape."""
    ws = wb.add_worksheet(name)
    _columns(ws, (13, 20, 28, 20, 20, 10, 10, 40))
    _identity(ws, fm, year, unit=unit)
    _funding(ws, fm, PROJECT_FUNDING if unit is None else WHOLE_UNIT_FUNDING)
    _goal(ws, fm)
    _indicators(ws, fm)
    _closing(ws, fm)
    ws.protect("", PROTECT)
    _print(ws, landscape=True, repeat=(1, 2))


WHOLE_UNIT_SHEET = "部门整体"


def write_template(path: str, *, projects: int = 3, unit: str = "", year: int | None = None,
                   whole_unit: bool = False) -> None:
    """Write a new standard workbook at ``path`` (the caller decides about overwriting);
    ``whole_unit`` adds the unit's whole-unit sheet (部门整体支出绩效自评表) after the unit sheet."""
    if projects < 1:
        raise ValueError("projects must be at least 1")
    if year is None:
        year = date.today().year - 1
    names = [project_sheet_name(i) for i in range(1, projects + 1)]
    wb = xlsxwriter.Workbook(path, {"default_format_properties": {  # in_memory: no parts left in $TMPDIR on failure
        "font_name": BODY_FONT, "font_size": 11, "font_charset": GB2312}, "in_memory": True})
    wb.set_properties({"title": f"{year}年度预算绩效自评", "comments": f"perfxl {__version__}"})
    fm = _formats(wb)
    _instructions(wb, fm)
    _unit(wb, fm, unit, year)
    if whole_unit:
        _project(wb, fm, WHOLE_UNIT_SHEET, year, unit=unit)
    _summary(wb, fm, names)
    for name in names:
        _project(wb, fm, name, year)
    wb.define_name(MARKER_NAME, f'="perfxl {__version__}"')
    try:
        wb.close()
    except xlsxwriter.exceptions.FileCreateError as exc:  # XlsxWriter's wrapping of an OSError (disk full)
        raise exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc)) from None
