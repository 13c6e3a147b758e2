"""A new user's workbook: ``perfxl init`` with 8 projects, filled in as staff do (values typed into
the tinted cells, the template's formulas left in place), and the mistakes a trial found them make.

``build(path)`` writes the clean workbook; ``build(path, MISTAKES)`` (or any subset) adds mistakes.
Each mistake is an edit of the openpyxl workbook and the one finding it must give (sheet, cell,
code) — or None for a value staff type that is right and must raise nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from openpyxl import load_workbook

from perfxl.workbook.template import write_template

NAMES = ["办公楼维修项目", "职工食堂改造工程", "办公用房租赁费项目", "机关大院保安费用项目",
         "机关大院保洁费用项目", "公务用车运行维护费", "档案数字化项目", "节能改造项目"]
BUDGETS = [50, 13, 48.6, 40, 30, 20, 100, 10]
EXECUTED = [50, 12.5, 48.6, 40, 30, 20, 30, 10]
INDICATORS = [  # rows 13–17 of every project sheet: all met, full marks (90)
    ("产出指标", "数量指标", "维修面积", "≥12000平方米", "12500平方米", 20, 20),
    ("产出指标", "质量指标", "验收合格率", "100%", "100%", 15, 15),
    ("产出指标", "时效指标", "完成时间", "2025年12月底前", "2025年11月", 15, 15),
    ("效益指标", "社会效益指标", "办公条件", "明显改善", "明显改善", 30, 30),
    ("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "96%", 10, 10),
]
# 项目7 spent 30 of 100 万元 and says so: a third of the area done, the works late (69.67, 中)
PARTLY = {13: ("4000平方米", 6.67, "资金未全部到位，完成三分之一"), 15: ("未完成", 5, "工程延期至下年")}


@dataclass
class Mistake:
    what: str
    edit: Callable
    finding: tuple[str, str, str] | None  # the one finding it gives, or None: right as typed


def _set(sheet: str, **cells):
    def edit(wb):
        for ref, value in cells.items():
            wb[sheet][ref] = value
    return edit


MISTAKES = [
    Mistake("总分 typed over its formula", _set("项目1", G25=95), ("项目1", "G25", "T104")),
    Mistake("12.5万 in 全年执行数", _set("项目2", E6="12.5万"), ("项目2", "E6", "R120")),
    Mistake("“48.6 ” in 年初预算数", _set("项目3", C6="48.6 "), ("项目3", "C6", "R112")),
    Mistake("“48.6 ” in 全年预算数", _set("项目3", D6="48.6 "), ("项目3", "D6", "R120")),
    Mistake("95 under ≥90%", _set("项目4", E17=95), None),  # 95 is 95%: met, nothing to say
    Mistake("11000 under ≥12000 at full marks", _set("项目5", E13=11000), ("项目5", "G13", "I101")),
    Mistake("30% executed, graded 优", _set("项目7", E13="12500平方米", G13=20, E15="2025年11月", G15=15),
            ("项目7", "G25", "V101")),
    Mistake("weights add up to 95", _set("项目6", F15=10, G15=10), ("项目6", "F25", "T101")),
    Mistake("a name typed over the 汇总 formula", _set("汇总", B10="LED灯具更换"), ("汇总", "B10", "S103")),
    Mistake("较满意 at full marks", _set("项目8", E17="较满意"), ("项目8", "E17", "I103")),
]


def build(path, mistakes=()) -> str:
    """The 8-project init workbook, filled in; then ``mistakes`` applied. Returns ``path``."""
    path = str(path)
    write_template(path, projects=8, unit="某某区机关事务管理中心", year=2025)
    wb = load_workbook(path)
    unit = wb["单位情况"]
    row = {unit.cell(r, 1).value: r for r in range(2, unit.max_row + 1) if unit.cell(r, 1).value}
    project_spending = sum(EXECUTED)
    for label, value in (("在编人员", 30), ("退休人员", 10), ("劳动聘用人员", 5), ("其他人员", 1),
                         ("年初预算数（万元）", 1000), ("年初结转和结余（万元）", 0), ("财政拨款收入（万元）", 1000),
                         ("财政拨款支出（万元）", 1000), ("基本支出（万元）", 1000 - project_spending),
                         ("人员经费（万元）", 600), ("日常公用经费（万元）", 400 - project_spending),
                         ("项目支出（万元）", project_spending), ("年末结转和结余（万元）", 0)):
        unit.cell(row[label], 2).value = value
    for i, name in enumerate(NAMES):
        ws = wb[f"项目{i + 1}"]
        ws["B3"], ws["B4"], ws["F4"] = name, "某某区人民政府", "某某区机关事务管理中心"
        for col, value in zip("CDE", (BUDGETS[i], BUDGETS[i], EXECUTED[i])):
            ws[f"{col}6"] = ws[f"{col}7"] = value  # 年度资金总额 = 其中：当年财政拨款
        ws["B11"], ws["F11"] = "按计划完成项目。", "已按计划完成，验收合格。"
        for r, values in enumerate(INDICATORS, 13):
            for col, value in zip("ABCDEFG", values):
                ws[f"{col}{r}"] = value
            if name == "档案数字化项目" and r in PARTLY:
                ws[f"E{r}"], ws[f"G{r}"], ws[f"H{r}"] = PARTLY[r]
        if EXECUTED[i] < BUDGETS[i]:  # the reason F108 asks for
            ws["B26"] = "部分工程款尚未支付，结转下年使用。"
        ws["B27"] = "加快项目实施和资金支付进度。"
    for m in mistakes:
        m.edit(wb)
    wb.save(path)
    return path
