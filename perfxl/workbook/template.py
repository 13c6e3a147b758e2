"""``perfxl init``: the standard workbook, written with XlsxWriter (TEMPLATE §2).

It looks like the paper form 项目支出绩效自评表: merged headers, borders, a CJK font,
万元 and percentage formats, A4 landscape. Input cells are unlocked and tinted, formula
cells locked; sheets are protected without a password so staff can still insert rows
and format cells. Every formula carries its cached value for the blank form, so previews
that never recalculate show numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import xlsxwriter

from perfxl import __version__

MARKER_NAME = "_perfxl_template"
INDICATOR_ROWS = 12
FIRST_INDICATOR_ROW = 13  # 1-based, the row under the indicator header
TOTAL_ROW = FIRST_INDICATOR_ROW + INDICATOR_ROWS  # 25
COLUMNS = "ABCDEFGH"

LEVEL1 = ["产出指标", "效益指标", "满意度指标", "成本指标"]
LEVEL2 = ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标", "社会效益指标", "生态效益指标",
          "可持续影响指标", "服务对象满意度指标", "经济成本指标", "社会成本指标", "生态环境成本指标"]

UNIT_LABELS = [
    ("单位名称", "text"), ("评价年度", "year"), ("主管部门", "text"), ("部门概况", "long"), ("机构设置", "long"),
    ("在编人员", "count"), ("退休人员", "count"), ("劳动聘用人员", "count"), ("其他人员", "count"),
    ("人员合计", "total"), ("年初预算数（万元）", "money"), ("年初结转和结余（万元）", "money"),
    ("财政拨款收入（万元）", "money"), ("财政拨款支出（万元）", "money"), ("基本支出（万元）", "money"),
    ("人员经费（万元）", "money"), ("日常公用经费（万元）", "money"), ("项目支出（万元）", "money"),
    ("年末结转和结余（万元）", "money"), ("总体绩效目标", "long"), ("自评工作开展情况", "long"),
    ("存在的问题", "long"), ("改进措施", "long"),
]

INSTRUCTIONS = [
    "填报说明",
    "1. 本工作簿由 perfxl 生成，包括：单位情况、汇总、每个项目一张“项目支出绩效自评表”。浅黄色单元格为填写区，白色单元格为公式，已锁定。",
    "2. 金额单位均为万元，保留两位小数。执行率、得分、总分、汇总表由公式自动计算，请勿覆盖。",
    "3. 评分规则（财预〔2020〕10号）：产出指标 50 分、效益指标 30 分、满意度指标 10 分、预算执行率 10 分，合计 100 分。"
    "预算执行得分 = 10 × 执行率（超过 100% 按 100% 计）。",
    "4. 评价等级：90 分（含）以上为“优”，80–90 分为“良”，60–80 分为“中”，60 分以下为“差”。",
    "5. 年度指标值的写法：定量指标写比较符、数字和单位，如“≥95%”“≥1200平方米”“≤500万元”；时效指标写截止时间，"
    "如“2025年12月底前”；定性指标写预期效果，如“明显改善”。实际完成值写实际数字或达成情况（“已完成”“部分完成”）。",
    "6. 定量指标按完成比例计分；定性指标达成的得分为分值的 80%–100%，部分达成 60%–80%，未达成 0–60%。"
    "未得满分的指标请填写“偏差原因分析及改进措施”；执行率低于 100% 时请填写“主要问题及原因”。",
    "7. 指标行不够时，可在指标表中间插入行（总分公式会自动包含新行）；项目表可以改名、复制。",
    "8. 填好后运行：perfxl check 本文件.xlsx —— 检查每个公式、合计、得分和等级，并指出问题所在的单元格。",
]


def project_sheet_name(i: int) -> str:
    return f"项目{i}"


@dataclass
class _Formats:
    title: object
    subtitle: object
    label: object
    head: object
    input: object
    input_left: object
    input_long: object
    money_in: object
    count_in: object
    formula: object
    money_f: object
    pct_f: object
    score_f: object
    dash: object
    note: object


def _formats(wb) -> _Formats:
    base = {"font_name": "宋体", "font_size": 10, "border": 1, "valign": "vcenter", "text_wrap": True}
    tint = {"bg_color": "#FFF9E1", "locked": False}

    def f(**kw):
        return wb.add_format({**base, **kw})

    return _Formats(
        title=wb.add_format({"font_name": "黑体", "font_size": 16, "bold": True, "align": "center", "valign": "vcenter"}),
        subtitle=wb.add_format({"font_name": "宋体", "font_size": 11, "align": "center", "valign": "vcenter"}),
        label=f(bold=True, align="center", bg_color="#F2F2F2"),
        head=f(bold=True, align="center", bg_color="#D9E1F2"),
        input=f(align="center", **tint),
        input_left=f(align="left", **tint),
        input_long=f(align="left", valign="top", **tint),
        money_in=f(align="right", num_format="0.00", **tint),
        count_in=f(align="right", num_format="0", **tint),
        formula=f(align="center"),
        money_f=f(align="right", num_format="0.00"),
        pct_f=f(align="center", num_format="0.00%"),
        score_f=f(align="center", num_format="0.00"),
        dash=f(align="center", bg_color="#F2F2F2"),
        note=wb.add_format({"font_name": "宋体", "font_size": 11, "text_wrap": True, "valign": "top"}),
    )


PROTECT = {"insert_rows": True, "delete_rows": True, "format_cells": True, "format_columns": True,
           "format_rows": True, "select_locked_cells": True, "select_unlocked_cells": True, "sort": False,
           "autofilter": False}


def _print(ws, *, landscape: bool, repeat: str | None = None) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    if repeat:
        ws.repeat_rows(*[int(x) - 1 for x in repeat.split(":")])


def _instructions(wb, fm: _Formats) -> None:
    ws = wb.add_worksheet("填报说明")
    ws.set_column("A:A", 110)
    ws.write("A1", INSTRUCTIONS[0], fm.title)
    ws.set_row(0, 30)
    for i, text in enumerate(INSTRUCTIONS[1:], 2):
        ws.write(f"A{i + 1}", text, fm.note)
        ws.set_row(i, 16 * (len(text) // 52 + 1) + 6)
    _print(ws, landscape=False)


def _unit(wb, fm: _Formats, unit: str, year: int) -> dict[str, str]:
    ws = wb.add_worksheet("单位情况")
    ws.set_column("A:A", 24)
    ws.set_column("B:D", 26)
    ws.merge_range("A1:D1", "单位基本情况", fm.title)
    ws.set_row(0, 30)
    cells = {}
    counts = []
    for i, (label, kind) in enumerate(UNIT_LABELS, 2):
        ws.write(f"A{i}", label, fm.label)
        ref = f"B{i}"
        cells[label.split("（")[0]] = ref
        if kind == "long":
            ws.merge_range(f"B{i}:D{i}", "", fm.input_long)
            ws.set_row(i - 1, 48)
        elif kind == "text":
            ws.merge_range(f"B{i}:D{i}", unit if label == "单位名称" else "", fm.input_left)
        elif kind == "year":
            ws.write_number(ref, year, fm.input)
        elif kind == "count":
            ws.write_blank(ref, None, fm.count_in)
            counts.append(ref)
        elif kind == "money":
            ws.write_blank(ref, None, fm.money_in)
        elif kind == "total":
            ws.write_formula(ref, f"=SUM({','.join(counts)})", fm.formula, 0)
    ws.protect("", PROTECT)
    _print(ws, landscape=False)
    return cells


def _project(wb, fm: _Formats, name: str, year: int) -> None:
    ws = wb.add_worksheet(name)
    widths = [12, 16, 22, 18, 18, 9, 10, 30]
    for col, w in zip(COLUMNS, widths):
        ws.set_column(f"{col}:{col}", w)
    ws.merge_range("A1:H1", "项目支出绩效自评表", fm.title)
    ws.set_row(0, 32)
    ws.merge_range("A2:H2", f"（{year}年度）", fm.subtitle)
    ws.write("A3", "项目名称", fm.label)
    ws.merge_range("B3:H3", "", fm.input_left)
    ws.write("A4", "主管部门", fm.label)
    ws.merge_range("B4:D4", "", fm.input_left)
    ws.write("E4", "实施单位", fm.label)
    ws.merge_range("F4:H4", "", fm.input_left)
    ws.merge_range("A5:A9", "项目资金（万元）", fm.label)
    ws.write("B5", "", fm.head)
    for col, head in zip("CDEFGH", ("年初预算数", "全年预算数", "全年执行数", "分值", "执行率", "得分")):
        ws.write(f"{col}5", head, fm.head)
    ws.write("B6", "年度资金总额", fm.label)
    for col in "CDE":
        ws.write_blank(f"{col}6", None, fm.money_in)
    ws.write_number("F6", 10, fm.input)
    ws.write_formula("G6", "=IF(D6>0,E6/D6,0)", fm.pct_f, 0)
    ws.write_formula("H6", "=ROUND(F6*MIN(G6,1),2)", fm.score_f, 0)
    for r, label in ((7, "其中：当年财政拨款"), (8, "上年结转资金"), (9, "其他资金")):
        ws.write(f"B{r}", label, fm.label)
        for col in "CDE":
            ws.write_blank(f"{col}{r}", None, fm.money_in)
        for col in "FGH":
            ws.write(f"{col}{r}", "—", fm.dash)
    ws.merge_range("A10:A11", "年度总体目标", fm.label)
    ws.merge_range("B10:E10", "预期目标", fm.head)
    ws.merge_range("F10:H10", "实际完成情况", fm.head)
    ws.merge_range("B11:E11", "", fm.input_long)
    ws.merge_range("F11:H11", "", fm.input_long)
    ws.set_row(10, 60)
    heads = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    for col, head in zip(COLUMNS, heads):
        ws.write(f"{col}12", head, fm.head)
    first, last = FIRST_INDICATOR_ROW, TOTAL_ROW - 1
    for r in range(first, last + 1):
        for col in COLUMNS:
            fmt = fm.input if col in "ABFG" else fm.input_left
            ws.write_blank(f"{col}{r}", None, fmt)
        ws.set_row(r - 1, 20)
    ws.data_validation(f"A{first}:A{last}", {"validate": "list", "source": LEVEL1, "input_title": "一级指标",
                                             "input_message": "从列表中选择：产出、效益、满意度（或成本）指标"})
    ws.data_validation(f"B{first}:B{last}", {"validate": "list", "source": LEVEL2, "input_title": "二级指标",
                                             "input_message": "从列表中选择二级指标"})
    ws.data_validation(f"F{first}:F{last}", {"validate": "decimal", "criteria": "between", "minimum": 0,
                                             "maximum": 100, "input_title": "分值",
                                             "input_message": "指标分值（权重），全部指标合计 90 分",
                                             "error_message": "分值应在 0 到 100 之间"})
    ws.data_validation(f"G{first}:G{last}", {"validate": "decimal", "criteria": ">=", "value": 0,
                                             "input_title": "得分", "input_message": "不超过分值；按完成情况计分",
                                             "error_message": "得分不能为负数"})
    t = TOTAL_ROW
    ws.merge_range(f"A{t}:E{t}", "总分", fm.label)
    ws.write_formula(f"F{t}", f"=F6+SUM(F{first}:F{last})", fm.score_f, 10)
    ws.write_formula(f"G{t}", f"=H6+SUM(G{first}:G{last})", fm.score_f, 0)
    ws.write(f"H{t}", "", fm.formula)
    for r, label in ((t + 1, "主要问题及原因"), (t + 2, "下一步改进措施")):
        ws.write(f"A{r}", label, fm.label)
        ws.merge_range(f"B{r}:H{r}", "", fm.input_long)
        ws.set_row(r - 1, 40)
    ws.protect("", PROTECT)
    _print(ws, landscape=True, repeat="1:2")


def _summary(wb, fm: _Formats, names: list[str]) -> None:
    ws = wb.add_worksheet("汇总")
    for col, w in zip("ABCDEFG", (6, 44, 14, 14, 10, 10, 10)):
        ws.set_column(f"{col}:{col}", w)
    ws.merge_range("A1:G1", "项目支出绩效自评结果汇总表", fm.title)
    ws.set_row(0, 30)
    heads = ("序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "自评得分", "评价等级")
    for col, head in zip("ABCDEFG", heads):
        ws.write(f"{col}2", head, fm.head)
    for i, sheet in enumerate(names):
        r = 3 + i
        q = f"'{sheet}'"
        ws.write_number(f"A{r}", i + 1, fm.formula)
        ws.write_formula(f"B{r}", f'=IF({q}!B3="","",{q}!B3)', fm.formula, "")
        ws.write_formula(f"C{r}", f"={q}!D6", fm.money_f, 0)
        ws.write_formula(f"D{r}", f"={q}!E6", fm.money_f, 0)
        ws.write_formula(f"E{r}", f"=IF(C{r}>0,D{r}/C{r},0)", fm.pct_f, 0)
        ws.write_formula(f"F{r}", f"={q}!G{TOTAL_ROW}", fm.score_f, 0)
        grade = f'IF(F{r}>=90,"优",IF(F{r}>=80,"良",IF(F{r}>=60,"中","差")))'
        ws.write_formula(f"G{r}", f'=IF(B{r}="","",{grade})', fm.formula, "")
    t = 3 + len(names)
    ws.write(f"A{t}", "", fm.label)
    ws.write(f"B{t}", "合计", fm.label)
    ws.write_formula(f"C{t}", f"=SUM(C3:C{t - 1})", fm.money_f, 0)
    ws.write_formula(f"D{t}", f"=SUM(D3:D{t - 1})", fm.money_f, 0)
    ws.write_formula(f"E{t}", f"=IF(C{t}>0,D{t}/C{t},0)", fm.pct_f, 0)
    ws.write(f"F{t}", "", fm.formula)
    ws.write(f"G{t}", "", fm.formula)
    ws.freeze_panes(2, 0)
    ws.protect("", PROTECT)
    _print(ws, landscape=True, repeat="2:2")


def write_template(path: str, *, projects: int = 3, unit: str = "", year: int = 2025) -> None:
    if projects < 1:
        raise ValueError("projects must be at least 1")
    names = [project_sheet_name(i) for i in range(1, projects + 1)]
    wb = xlsxwriter.Workbook(path)
    wb.set_properties({"title": f"{year}年度预算绩效自评", "comments": f"perfxl {__version__}"})
    fm = _formats(wb)
    _instructions(wb, fm)
    _unit(wb, fm, unit, year)
    _summary(wb, fm, names)
    for name in names:
        _project(wb, fm, name, year)
    wb.define_name(MARKER_NAME, f'="perfxl {__version__}"')
    wb.close()
