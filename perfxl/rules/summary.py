"""S: the summary sheet agrees with its projects (docs/template.md §2.2)."""

from __future__ import annotations

import re

from perfxl.model import Rule, SummarySheet, declare
from perfxl.rules.context import Context, filled, pct
from perfxl.rules.funding import _has_percent_sign
from perfxl.rules.results import ProjectResult, SummaryRowResult
from perfxl.scoring.precision import agrees, rate_agrees
from perfxl.excel.labels import split_code, nfkc

DECLARED = declare(
    Rule("S101", "error", "汇总表中的项目没有对应的项目表",
         "汇总表每一行都应对应一张项目表，否则其数据无从核对。",
         "汇总表中的“{name}”找不到对应的项目表",
         "检查项目名称是否与项目表的“项目名称”一致，或补上该项目表",
         "汇总表有“食堂改造”，无对应项目表", "名称与项目表一致",
         en=("Summary row without project",
             "Summary row “{name}” has no project sheet",
             "Make the name match the project sheet's project name")),
    Rule("S102", "warning", "项目表未列入汇总表",
         "每个项目都应出现在汇总表（评价结论表）中。",
         "项目“{name}”（工作表“{sheet}”）未列入汇总表",
         "在汇总表中增加该项目一行",
         "15 个项目表、汇总表 14 行", "汇总表 15 行",
         en=("Project missing from summary",
             "Project “{name}” (sheet “{sheet}”) is not in the summary",
             "Add a summary row for it")),
    Rule("S103", "warning", "项目名称不完全一致",
         "汇总表与项目表的项目名称只在去掉年份、“项目”“费用”等字样后才一致，或者名称不同而本行其他单元格的公式都引用"
         "同一张项目表（名称是在 perfxl init 的公式上直接输入的）：按该项目表核对本行，只报这一条，建议统一名称或恢复公式。",
         "汇总表名称“{summary_name}”与项目表名称“{project_name}”不完全一致",
         "把两处名称改为完全一致",
         "“2025机关大院保洁费用”与“机关大院保洁费用项目”", "两处均为“机关大院保洁费用项目”",
         en=("Names match only loosely",
             "Summary name “{summary_name}” and project name “{project_name}” differ",
             "Use the same name in both places")),
    Rule("S104", "error", "汇总表金额与项目表不符",
         "汇总表的预算数、执行数必须与项目表一致。",
         "{column}为{entered}，项目表“{project_sheet}”为{expected}",
         "改为与项目表一致，或用公式引用项目表单元格",
         "汇总预算 90、项目表 80", "两处均为 90",
         en=("Summary amount differs",
             "{column} is {entered}; project sheet “{project_sheet}” has {expected}",
             "Copy or reference the project sheet's value")),
    Rule("S105", "error", "汇总表执行率与项目表不符",
         "汇总表的执行率必须与项目的执行数÷预算数一致。",
         "执行率为{entered}，项目“{name}”应为{expected}",
         "改为 =执行数/预算数，或引用项目表",
         "项目执行 30/90，汇总执行率填 50%", "汇总执行率 33.33%",
         en=("Summary rate differs",
             "Rate is {entered}; project “{name}” has {expected}",
             "Use =executed/budget or reference the project sheet")),
    Rule("S106", "error", "汇总表得分与项目得分不符",
         "汇总表的自评得分必须等于项目得分（按规则核算：指标认可得分＋预算执行得分）。",
         "自评得分为{entered}，项目“{name}”核算得分为{expected}",
         "改为{expected}（或按规则修正项目表的得分）",
         "汇总 98，核算 98.68", "汇总 98.68（或 99）",
         en=("Summary score differs",
             "Score is {entered}; project “{name}” scores {expected}",
             "Use {expected}")),
    Rule("S107", "error", "汇总表评价等级与得分不符",
         "评价等级由项目得分决定：优≥90，良≥80，中≥60，差<60。",
         "评价等级为“{entered}”，项目“{name}”核算得分{score}应为“{expected}”",
         "改为“{expected}”",
         "得分 85、等级“优”", "等级“良”",
         en=("Summary grade differs",
             "Grade “{entered}”, but project “{name}” scoring {score} is “{expected}”",
             "Use “{expected}”")),
    Rule("S108", "error", "汇总表合计行不符",
         "合计行应等于各行之和。",
         "合计行的{column}为{entered}，各行之和为{expected}",
         "改为 {formula}（各行之和），或填写正确数值",
         "各行预算之和 150，合计行填 140", "合计行 =SUM(C3:C4)",
         en=("Summary total row wrong",
             "The total row's {column} is {entered}; the rows add up to {expected}",
             "Use {formula} (the sum of the rows), or type the right amount")),
    Rule("S109", "error", "汇总表合计行执行率不符",
         "合计行的执行率是合计执行数÷合计预算数，不是各行执行率之和或平均。",
         "合计行的执行率为{entered}，按合计执行数{executed}÷合计预算数{budget}应为{expected}",
         "改为 {formula}（合计执行数÷合计预算数）",
         "合计预算 150、执行 120，执行率填 160%（各行相加）", "执行率 80%",
         en=("Summary total rate wrong",
             "The total row's rate is {entered}; total executed {executed} ÷ total budget {budget} gives {expected}",
             "Use {formula} (total executed ÷ total budget)")),
)

_YEAR = re.compile(r"^(?:19|20|21)\d{2}年?度?")
_SUFFIX = re.compile(r"(?:项目|费用|经费|工程|款)$")


def exact_name(text) -> str:
    """A name as compared: no spaces, half width, no system code in front (§2.4)."""
    return re.sub(r"\s+", "", nfkc(split_code(str(text or ""))[1]))


def loose_name(text) -> str:
    """``2025机关大院保洁费用`` and ``机关大院保洁费用项目`` both become ``机关大院保洁``."""
    s = _YEAR.sub("", exact_name(text))
    while True:
        t = _SUFFIX.sub("", s)
        if t == s or not t:
            return s
        s = t


def match_rows(ctx: Context, summary: SummarySheet, projects: list[ProjectResult], extra=()):
    """Pairs (row, project); reports rows without a project and projects without a row.

    A row matches by its name (exactly, then loosely), or — where a name was typed over the
    row's formula — by the one project sheet its other formulas point at: one finding (S103)
    at the name, not a row without a project (S101) plus a project without a row (S102).
    ``extra`` (a whole-unit table, §2.5) may have a row, and needs none."""
    exact = {}
    loose = {}
    for p in [*projects, *extra]:
        exact.setdefault(exact_name(p.name), p)
        loose.setdefault(loose_name(p.name), p)
    used: set[int] = set()
    pairs = []
    pending = []
    for row in summary.rows:
        cell = row.cells["项目名称"]
        p = exact.get(exact_name(cell.value))
        if p is not None and id(p) not in used:
            used.add(id(p))
            pairs.append((row, p))
        else:
            pending.append(row)
    orphans = []
    for row in pending:
        cell = row.cells["项目名称"]
        p = loose.get(loose_name(cell.value))
        if p is not None and id(p) not in used:
            used.add(id(p))
            pairs.append((row, p))
            ctx.add("S103", cell, summary_name=str(cell.value).strip(), project_name=p.name)
            continue
        p = _formula_project(row, projects, used)
        if p is None:
            orphans.append(row)
            continue
        used.add(id(p))
        f = ctx.add("S103", cell, summary_name=str(cell.value).strip(), project_name=p.name)
        if f is not None:
            f.add_note("；本行其他单元格的公式都引用工作表“{project_sheet}”", " (the row's other formulas refer to "
                       "sheet “{project_sheet}”)", project_sheet=p.project.sheet)
            formula = _name_formula(summary, row, pairs, p)
            if formula:
                f.set_hint("恢复公式 {formula}（名称随项目表自动更新），或改为与项目表一致的“{project_name}”",
                           "Restore the formula {formula} (it follows the project sheet), or type “{project_name}” "
                           "as on the project sheet", formula=formula)
        pairs.append((row, p))
    missing = [p for p in projects if id(p) not in used
               and p.project.name is not None and str(p.project.name.value.value or "").strip()]
    for row in orphans:
        cell = row.cells["项目名称"]
        f = ctx.add("S101", cell, name=str(cell.value).strip())
        if f is not None and missing:  # a name typed differently is as likely as a missing sheet
            f.set_hint("检查项目名称是否与项目表的“项目名称”一致（未列入汇总表的项目：{missing}），或补上该项目表",
                       "Make the name match a project sheet's project name (projects not in the summary: "
                       "{missing}), or add that project sheet", missing=tuple(p.name for p in missing))
    for p in missing:  # a project without a name has its own finding (R110)
        f = ctx.add("S102", p.project.name.value, sheet=p.project.sheet, name=p.name)
        if f is not None and orphans:  # adding a row could duplicate one typed with another name
            f.set_hint("如果汇总表中名称不符的行（{rows}）就是该项目，把那一行的项目名称改为“{name}”；否则在汇总表中增加该项目一行",
                       "If a summary row with a name that matches nothing ({rows}) is this project, give it the "
                       "name “{name}”; otherwise add a summary row for it",
                       rows=tuple(f"{summary.sheet}!{r.cells['项目名称'].coord}" for r in orphans))
    pairs.sort(key=lambda pair: pair[0].row)
    return pairs


def _formula_project(row, projects: list[ProjectResult], used: set[int]) -> ProjectResult | None:
    """The one project sheet every cross-sheet formula of the row refers to (``='项目8'!D6``,
    ``='项目8'!G25``), when that project has no row yet; else None."""
    from perfxl.excel.refs import references
    sheets = set()
    for key, cell in row.cells.items():
        if key != "项目名称" and cell.formula:
            sheets |= {r.sheet.casefold() for r in references(cell.formula) if r.sheet}
    if len(sheets) != 1:
        return None
    found = sheets.pop()
    p = next((p for p in projects if p.project.sheet.casefold() == found), None)
    return p if p is not None and id(p) not in used else None


def _name_formula(summary: SummarySheet, row, pairs, p: ProjectResult) -> str | None:
    """The name formula of a neighbouring row, pointed at ``p``'s name cell: what was typed over.
    None when no neighbour holds such a formula."""
    from perfxl.excel.refs import parse_ref, tokens
    if p.project.name is None:
        return None
    paired = {id(r): q for r, q in pairs}
    rows = summary.rows
    i = next(k for k, r in enumerate(rows) if r is row)
    for other in (rows[i - 1] if i else None, rows[i + 1] if i + 1 < len(rows) else None):
        q = paired.get(id(other)) if other is not None else None
        formula = other.cells["项目名称"].formula if other is not None else None
        if q is None or not formula or q.project.name is None:
            continue
        out = []
        for value, kind, sub in tokens(formula):
            if kind == "OPERAND" and sub == "RANGE":
                ref = parse_ref(value)
                addr = value.rsplit("!", 1)[-1].replace("$", "")
                if ref is None or ref.sheet is None or ref.sheet.casefold() != q.project.sheet.casefold() \
                        or addr != q.project.name.value.coord:
                    out = None
                    break
                value = "'" + p.project.sheet.replace("'", "''") + "'!" + p.project.name.value.coord
            out.append(value)
        if out:
            text = "".join(out)
            return text if text.startswith("=") else "=" + text
    return None


def check_summary(ctx: Context, summary: SummarySheet, projects: list[ProjectResult], extra=()):
    """Check every row against its project; return the (row, project) pairs and each row's decisions."""
    profile = ctx.profile
    pairs = match_rows(ctx, summary, projects, extra)
    results = []
    consequences = set()  # summary cells that copy an over-capped 总分 (V201 reports the cause)
    for row, p in pairs:
        cells = row.cells
        over = _over_adjusted(ctx, p)
        res = SummaryRowResult(row.row, summary.sheet, p.project.sheet, p.name,
                               {k: c.coord for k, c in cells.items()})
        results.append(res)
        for col, expected in (("全年预算数", p.funding.budget), ("全年执行数", p.funding.executed)):
            if col in cells and filled(cells[col]) and expected is not None:
                num = ctx.number(cells[col], col, money=summary.money_unit)
                shown = expected * (10000 if summary.money_unit == "元" else 1)  # in the sheet's own unit
                if num and num.value is not None and not agrees(num.value, shown, num.decimals, tolerance=0.01):
                    ctx.add("S104", cells[col], column=col, entered=num.value, project_sheet=p.project.sheet,
                            expected=shown)
        if "执行率" in cells and filled(cells["执行率"]) and p.funding.rate is not None:
            num = ctx.number(cells["执行率"], "执行率", rate=True)
            if num and num.value is not None:
                v, d = num.value, num.decimals
                if not _has_percent_sign(cells["执行率"]) and not cells["执行率"].is_percent_format and v > 2:
                    v, d = v / 100, d + 2
                if not rate_agrees(v, p.funding.rate, d, tolerance=profile.rate_tolerance):
                    ctx.add("S105", cells["执行率"], entered=pct(v), name=p.name, expected=pct(p.funding.rate))
        if not p.graded:  # no score to compare with: the project's own finding says why (a formula
            if "自评得分" in cells and filled(cells["自评得分"]):  # showing its error is named there)
                ctx.number(cells["自评得分"], "自评得分")
        elif "自评得分" in cells and filled(cells["自评得分"]):
            num = ctx.number(cells["自评得分"], "自评得分")
            copied = over and num is not None and num.value is not None and agrees(
                num.value, p.entered_total, num.decimals, tolerance=profile.score_tolerance)
            if copied and not agrees(num.value, p.score, num.decimals, tolerance=profile.score_tolerance):
                consequences.add(cells["自评得分"].coord)
            elif num and num.value is not None and not agrees(num.value, p.score, num.decimals,
                                                              tolerance=profile.score_tolerance):
                ctx.add("S106", cells["自评得分"], entered=num.value, name=p.name, expected=p.score)
        if "评价等级" in cells and filled(cells["评价等级"]) and p.graded:
            typed = exact_name(cells["评价等级"].value)
            claimed = over and typed.rstrip("秀好等") == profile.grade(p.entered_total)
            if typed.rstrip("秀好等") != p.grade and claimed:
                consequences.add(cells["评价等级"].coord)
            elif typed.rstrip("秀好等") != p.grade:  # 优秀 / 良好 / 中等 are the same grades
                ctx.add("S107", cells["评价等级"], entered=str(cells["评价等级"].value).strip(), name=p.name,
                        score=p.score, expected=p.grade)
    # the decisions, whatever --select/--ignore shows: a column agrees unless a check objected to it
    wrong = {k[2] for k in ctx._seen if k[1] == summary.sheet and k[0] in ("S104", "S105", "S106", "S107", "R111")}
    wrong |= consequences
    for res in results:
        res.agrees = {k: a not in wrong for k, a in res.cells.items() if k not in ("项目名称", "序号")}
    if summary.total_row is not None:
        _check_total_row(ctx, summary)
    return pairs, results


def _over_adjusted(ctx: Context, p: ProjectResult) -> bool:
    """The project's 总分 is reported as above its capped or reduced score (V201): a summary row
    that copies that 总分 and its grade is a consequence, not a second problem (§4)."""
    cell = p.project.total_score
    return p.entered_total is not None and cell is not None and ("V201", cell.sheet, cell.coord) in ctx._seen


def _check_total_row(ctx: Context, summary: SummarySheet) -> None:
    sums = {}
    rows = [r.row for r in summary.rows]
    letters = summary.columns
    for col in ("全年预算数", "全年执行数"):
        cell = summary.total_row.cells.get(col)
        if cell is None:
            continue
        values = [ctx.number(r.cells[col], col, money=summary.money_unit) for r in summary.rows if col in r.cells]
        total = sum(n.value for n in values if n is not None and n.value is not None)
        sums[col] = total
        if filled(cell):
            num = ctx.number(cell, col, money=summary.money_unit)
            if num and num.value is not None and abs(num.value - total) > 0.01 + 1e-9:
                letter = letters.get(col, "")
                formula = f"=SUM({letter}{min(rows)}:{letter}{max(rows)})" if rows else "=SUM(...)"
                ctx.add("S108", cell, column=col, entered=num.value, expected=total, formula=formula)
                if cell.formula:
                    _explain_sum(ctx, cell, rows, letter)
    cell = summary.total_row.cells.get("执行率")
    if cell is not None and filled(cell) and sums.get("全年预算数"):
        num = ctx.number(cell, "执行率", rate=True)
        rate = sums.get("全年执行数", 0) / sums["全年预算数"]
        if num and num.value is not None:
            v, d = num.value, num.decimals
            if not _has_percent_sign(cell) and not cell.is_percent_format and v > 2:
                v, d = v / 100, d + 2
            if not rate_agrees(v, rate, d, tolerance=ctx.profile.rate_tolerance):
                b = summary.total_row.cells.get("全年预算数")
                e = summary.total_row.cells.get("全年执行数")
                formula = f"=IF({b.coord}>0,{e.coord}/{b.coord},0)" if b is not None and e is not None else "=执行数/预算数"
                ctx.add("S109", cell, entered=pct(v), expected=pct(rate), executed=sums.get("全年执行数", 0),
                        budget=sums["全年预算数"], formula=formula)


def _explain_sum(ctx: Context, cell, rows: list[int], letter: str) -> None:
    """A 合计 that already is a formula: say why it differs instead of advising =SUM(...)."""
    from perfxl.excel.refs import references
    found = [f for f in ctx.findings if f.code == "S108" and (f.sheet, f.cell) == (cell.sheet, cell.coord)]
    if not found:
        return
    spans = [(ref.r1, ref.r2) for ref in references(cell.formula) if ref.sheet is None]  # a whole column is one span
    outside = [r for r in rows if not any(r1 <= r <= r2 for r1, r2 in spans)]
    f = found[0]
    if outside:
        f.add_note("；第{outside}行不在公式 {sum_formula} 的求和区域内", "; row(s) {outside} lie outside the range of "
                   "{sum_formula}", outside=tuple(outside), sum_formula=cell.formula)
        f.set_hint("把求和区域扩展到全部项目行：{formula}", "Extend the range to every project row: {formula}")
    else:
        f.set_hint("公式 {sum_formula} 只把数字相加：检查区域内以文本存储的数字（Excel 的 SUM 会跳过它们）和错误值",
                   "{sum_formula} adds numbers only: look for numbers stored as text in its range (Excel's SUM skips "
                   "them) and for error values", sum_formula=cell.formula)
