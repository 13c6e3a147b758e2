"""U: the unit sheet's identities (docs/template.md §2.1)."""

from __future__ import annotations

from perfxl.model import Rule, UnitSheet, declare
from perfxl.rules.context import Context, to_wan
from perfxl.rules.results import ProjectResult, UnitResult
from perfxl.excel import show
from perfxl.excel.years import parse_year
from perfxl.excel.labels import UNIT_COUNTS, UNIT_MONEY, UNIT_TEXTS, is_dash, split_code

DECLARED = declare(
    Rule("U101", "error", "人员合计不符",
         "人员合计 = 在编人员 + 退休人员 + 劳动聘用人员 + 其他人员。",
         "人员合计为{entered}，各类人员之和为{expected}",
         "改为各类人员之和，或补填缺少的人员类别",
         "78+53+16+9，合计填 150", "合计 156",
         en=("Staff total wrong",
             "Staff total is {entered}; the categories add up to {expected}",
             "Correct the total")),
    Rule("U102", "error", "财政拨款支出不等于基本支出与项目支出之和",
         "财政拨款支出 = 基本支出 + 项目支出（部门决算口径）。",
         "财政拨款支出为{entered}，基本支出{basic}＋项目支出{project}＝{expected}",
         "核对三项支出金额",
         "支出 2566.78，基本 1797.56＋项目 700", "基本 1797.56＋项目 769.22＝2566.78",
         en=("Spending ≠ basic + project",
             "Spending is {entered}; basic {basic} + project {project} = {expected}",
             "Check the three amounts")),
    Rule("U103", "error", "基本支出不等于人员经费与日常公用经费之和",
         "基本支出 = 人员经费 + 日常公用经费。",
         "基本支出为{entered}，人员经费{personnel}＋日常公用经费{public}＝{expected}",
         "核对三项金额",
         "基本支出 1797.56，人员 1539.42＋公用 250", "人员 1539.42＋公用 258.14",
         en=("Basic ≠ personnel + public",
             "Basic spending is {entered}; personnel {personnel} + public {public} = {expected}",
             "Check the three amounts")),
    Rule("U104", "error", "收支结余不平衡",
         "年初结转和结余 + 财政拨款收入 = 财政拨款支出 + 年末结转和结余。",
         "年末结转和结余为{entered}，按 年初结转{opening}＋收入{income}－支出{spending} 应为{expected}",
         "核对收入、支出与结转结余",
         "年初结转 0＋收入 100＝支出 90＋年末结转 0", "年末结转和结余 10",
         en=("Balance does not hold",
             "Closing balance is {entered}; opening {opening} + income {income} − spending {spending} = {expected}",
             "Check income, spending and balances")),
    Rule("U105", "error", "项目支出与各项目执行数之和不符",
         "单位的项目支出应等于各项目表全年执行数之和，否则报告中的“共涉及资金”与项目表对不上。",
         "项目支出为{entered}，而{count}个项目表的全年执行数之和为{expected}",
         "核对是否漏列项目表，或更正项目支出/各项目执行数",
         "项目支出 769.22、项目执行数合计 590.2", "两者一致",
         en=("Project spending ≠ projects",
             "Project spending is {entered}; the {count} project sheets executed {expected}",
             "Check for missing project sheets or wrong amounts")),
    Rule("U106", "error", "人数不是非负整数",
         "人员数必须是不小于 0 的整数。",
         "“{label}”为{value}，应为非负整数",
         "填写整数人数",
         "在编人员 7.5", "在编人员 78",
         en=("Staff count not a whole number",
             "“{label}” is {value}; it must be a whole number ≥ 0",
             "Type a whole number")),
    Rule("U107", "warning", "评价年度与项目表或文件名不一致",
         "评价年度决定时效指标的截止日期，并写进报告标题；它应与项目表标题中的年度（“（2025年度）”）和以年份开头的"
         "文件名（2025年自评.xlsx）一致（docs/template.md §2.1）。常见于照去年的工作簿改写时漏改了一处。",
         "评价年度为{year}，而{others}",
         "核对评价年度：改正单位情况表的评价年度，或项目表标题、文件名中的年份",
         "单位情况写 2024，项目表标题写（2025年度）", "三处都是 2025",
         en=("Evaluation year differs from the sheets or the file name",
             "The evaluation year is {year}, but {others_en}",
             "Check the year: correct the unit sheet's evaluation year, or the year in the project titles or file name")),
)

TOL = 0.01 + 1e-9


def check_unit(ctx: Context, unit: UnitSheet, projects: list[ProjectResult]) -> UnitResult:
    result = UnitResult(unit.sheet, money_unit=unit.money_unit)
    for name, what in (("单位名称", "单位全称"), ("评价年度", "四位年份，如 2025")):
        f = unit.get(name)
        if f is None or is_dash(f.value.value):
            cell = f.value if f else None
            ctx.add("R110", cell, sheet=unit.sheet, label=name, what=what)
    name = unit.get("单位名称")
    if name is not None and not is_dash(name.value.value):
        result.name = split_code(str(name.value.value))[1]  # a system code in front is no part of the name
    year = unit.get("评价年度")
    if year is not None and not is_dash(year.value.value):
        result.year = parse_year(year.value.value)
        if result.year is None:
            ctx.add("R115", year.value, value=show.visible(year.value.value))
    result.cells = {k: f.value.coord for k, f in unit.fields.items()}
    result.texts = {k: show.value(f.value.value).strip() for k, f in unit.fields.items()
                    if k in UNIT_TEXTS and not is_dash(f.value.value)}

    counts = _numbers(ctx, unit, UNIT_COUNTS)
    result.counts = dict(counts)
    for name, value in counts.items():
        if value < 0 or value != int(value):
            ctx.add("U106", unit.get(name).value, label=name, value=value)
    parts = [counts[n] for n in UNIT_COUNTS[:-1] if n in counts]
    if "人员合计" in counts and parts and abs(sum(parts) - counts["人员合计"]) > 1e-9:
        ctx.add("U101", unit.get("人员合计").value, entered=counts["人员合计"], expected=sum(parts))

    money = {k: to_wan(v, unit.money_unit) for k, v in _numbers(ctx, unit, UNIT_MONEY, unit.money_unit).items()}
    result.money = dict(money)

    def cell(name):
        return unit.get(name).value

    m = money
    if {"财政拨款支出", "基本支出", "项目支出"} <= m.keys():
        expected = m["基本支出"] + m["项目支出"]
        if abs(m["财政拨款支出"] - expected) > TOL:
            ctx.add("U102", cell("财政拨款支出"), entered=m["财政拨款支出"], basic=m["基本支出"],
                    project=m["项目支出"], expected=expected)
    if {"基本支出", "人员经费", "日常公用经费"} <= m.keys():
        expected = m["人员经费"] + m["日常公用经费"]
        if abs(m["基本支出"] - expected) > TOL:
            ctx.add("U103", cell("基本支出"), entered=m["基本支出"], personnel=m["人员经费"],
                    public=m["日常公用经费"], expected=expected)
    if {"年初结转和结余", "财政拨款收入", "财政拨款支出", "年末结转和结余"} <= m.keys():
        expected = m["年初结转和结余"] + m["财政拨款收入"] - m["财政拨款支出"]
        if abs(m["年末结转和结余"] - expected) > TOL:
            ctx.add("U104", cell("年末结转和结余"), entered=m["年末结转和结余"], opening=m["年初结转和结余"],
                    income=m["财政拨款收入"], spending=m["财政拨款支出"], expected=expected)
    executed = [p.funding.executed for p in projects if p.funding.executed is not None and not p.funding.unit_doubt]
    # A project whose 全年执行数 is missing, unreadable or a thousand times off its budget (F109) has
    # its own finding; a sum without it, or with it, would be a second finding of the same mistake.
    if "项目支出" in m and executed and len(executed) == len(projects) and abs(sum(executed) - m["项目支出"]) > TOL:
        ctx.add("U105", cell("项目支出"), entered=m["项目支出"], count=len(executed), expected=sum(executed))
    return result


def _numbers(ctx: Context, unit: UnitSheet, names, money: str | None = None) -> dict[str, float]:
    """The unit sheet's numbers among ``names`` that are present and readable (``money``: amounts
    in this unit, a unit typed after the number converted to it)."""
    out = {}
    for name in names:
        f = unit.get(name)
        num = ctx.number(f.value, name, money=money) if f is not None else None
        if num is not None and num.value is not None:
            out[name] = num.value
    return out


def check_years(ctx: Context, unit: UnitSheet, result: UnitResult, projects: list[ProjectResult], path: str) -> None:
    """U107: the unit's 评价年度 against the project sheets' title years and a year starting the
    file name — one warning at the year cell, naming every other year and where it is."""
    import os
    import re

    if result.year is None:
        return
    titles: dict[int, list[str]] = {}
    for p in projects:
        if p.project.year and p.project.year != result.year:
            titles.setdefault(p.project.year, []).append(p.project.sheet)
    others, others_en = [], []
    for year, sheets in titles.items():
        named = "、".join(sheets[:3]) + (f"等{len(sheets)}张" if len(sheets) > 3 else "")
        others.append(f"项目表标题为（{year}年度）（{named}）")
        others_en.append(f"the project titles say {year} ({', '.join(sheets[:3])}{' …' if len(sheets) > 3 else ''})")
    name = os.path.basename(path or "")
    m = re.match(r"(20\d{2}|21\d{2})(?!\d)", name)
    if m and int(m.group(1)) != result.year:
        others.append(f"文件名“{name}”以{m.group(1)}开头")
        others_en.append(f"the file name “{name}” starts with {m.group(1)}")
    if others:
        ctx.add("U107", unit.get("评价年度").value, year=result.year, others="，".join(others),
                others_en="; ".join(others_en))
