"""D: how the indicators were set (docs/template.md §4.1) — what published 复核口径 deduct for.

Reviewers score the indicator design as well as the arithmetic: a cost target that reads
"at least", money or spending progress counted as an output, the same indicator twice, a
quantity with a qualitative target, a percentage on something that is no rate, an actual
value copied from its target, a satisfaction without a number, too few indicators, no 产出
or no 效益; and, across a unit, every project at 100 or every project 优 while little was
spent. Each is a warning at the indicator's cell (the project's or the unit's for the last
four); the profile (``[design]``) turns each off, or into a deduction: ``"zero"`` (the
indicator is not counted) or a number of points — from the indicator, or for D108/D109 from
the project. Deductions are recorded on the rows (``IndicatorResult.deducted``) and taken in
the project score (``scoring.adjust``, step ``design``), so the check and the reviewer's
estimate agree.
"""

from __future__ import annotations

from perfxl.excel import show
from perfxl.excel.labels import is_dash, normalize
from perfxl.model import Cell, Project, Rule, declare
from perfxl.rules.context import Context
from perfxl.rules.results import IndicatorResult, ProjectResult
from perfxl.scoring.adjust import whole_pct

_PENALTY = "{penalty}"
_PENALTY_EN = "{penalty_en}"

DECLARED = declare(
    Rule("D101", "warning", "成本指标的目标写成“不低于”",
         "成本指标衡量花了多少钱，目标应是上限（≤）；写成“≥17.4万元”等于要求多花钱，复核中按指标设置不当扣分。"
         "评分方案 design.cost_at_least 可关闭本检查或改为扣分。",
         "成本指标“{name}”的年度指标值“{target}”是“不低于”，成本目标应为上限" + _PENALTY,
         "改为“不高于”，如“≤17.4万元”",
         "经济成本指标 维修成本 ≥17.4万元", "≤17.4万元",
         en=("Cost target reads “at least”",
             "Cost indicator “{name}” has the target “{target}”, an “at least”: a cost target is a cap" + _PENALTY_EN,
             "Write it as “at most”, such as “≤17.4” in its unit")),
    Rule("D102", "warning", "资金或支出进度作为产出",
         "数量、质量指标应写项目做了什么；资金支付率、预算执行率或以万元计的“数量”只是花钱的进度，已由预算执行率（10分）体现，"
         "复核中按指标设置不当扣分（常见做法是该指标不得分）。名称和单位的词见评分方案 design.money_words、spending_words。",
         "{level2}“{name}”（{why}）衡量的是资金支出，不是项目的产出" + _PENALTY,
         "改为项目的实际产出，如“维修面积≥1200平方米”“验收合格率100%”；资金支付进度由预算执行率体现",
         "数量指标 资金支付率 ≥95%", "数量指标 维修面积 ≥1200平方米",
         en=("Money or spending counted as an output",
             "{level2} “{name}” ({why_en}) measures spending, not what the project produced" + _PENALTY_EN,
             "Measure the output itself (area repaired, acceptance rate); spending is scored by the execution rate")),
    Rule("D103", "warning", "同一指标出现两次",
         "同一个三级指标（名称相同，不计空格、全角半角和编号）在产出和效益下各写一次，或在一个项目中写了两次，同一件事计了两次分；"
         "复核中只计一次。评分方案 design.duplicate 为 zero 时第二次出现的指标不得分。",
         "指标“{name}”重复：{first}已有同名指标（{first_level}）" + _PENALTY,
         "删去重复的一个，或改为衡量另一方面的指标（产出写做了什么，效益写带来的变化）",
         "产出指标和效益指标下都有“办公条件改善”", "效益指标改为“干部职工满意度”等",
         en=("Indicator repeated",
             "Indicator “{name}” repeats the one at {first} ({first_level})" + _PENALTY_EN,
             "Drop the repeat, or measure something else")),
    Rule("D104", "warning", "数量指标的目标是定性的",
         "数量指标要回答“完成了多少”，目标应是数字和单位；“按要求完成”无法衡量，复核中按指标设置不当扣分。",
         "数量指标“{name}”的年度指标值“{target}”不是数量，无法衡量完成了多少" + _PENALTY,
         "写明数量和单位，如“≥12套”“1200平方米”",
         "数量指标 维修项目 按要求完成", "≥3项",
         en=("Quantity indicator with a qualitative target",
             "Quantity indicator “{name}” has the target “{target}”, which is no quantity" + _PENALTY_EN,
             "Give a number and a unit, such as “≥12” sets")),
    Rule("D105", "warning", "百分比目标用在不是比率的指标上",
         "百分比只能衡量比率、比例或程度（合格率、覆盖率、满意度）；“社会效益≥95%”没有分子分母，无法核实，复核中视为不可衡量。"
         "名称含评分方案 design.rate_words 中的字词（率、度、比例……）时不提示。",
         "“{name}”不是比率、比例或程度，年度指标值“{target}”的百分比无从衡量" + _PENALTY,
         "改为可计算的比率（如“群众满意度≥95%”“验收合格率100%”），或写明具体的数量或效果",
         "社会效益指标 社会效益 ≥95%", "社会效益指标 群众知晓率 ≥95%",
         en=("Percentage on something that is no rate",
             "“{name}” is no rate, share or degree: the percentage “{target}” cannot be measured" + _PENALTY_EN,
             "Use a rate that can be computed, or a concrete quantity or effect")),
    Rule("D106", "warning", "实际完成值照抄目标",
         "实际完成值与带比较符号的目标一字不差（目标“≥95%”，实际也填“≥95%”）：按约定视为完成，但没有给出实际达到的数值，"
         "复核无从核实。",
         "实际完成值“{actual}”照抄了年度指标值，没有给出实际达到的数值" + _PENALTY,
         "填写实际达到的数值，如目标“≥95%”、实际“97.5%”",
         "目标≥95%，实际完成值≥95%", "实际完成值 97.5%",
         en=("Actual value copied from the target",
             "The actual value “{actual}” copies the target: what was achieved is not given" + _PENALTY_EN,
             "Give the value achieved, such as 97.5% under ≥95%")),
    Rule("D107", "warning", "满意度没有数字",
         "满意度应来自调查，实际完成值写调查得到的比例；只写“满意”“较好”无法核实，复核中按佐证不足扣分。",
         "满意度指标“{name}”的实际完成值“{actual}”没有数字，看不出满意度是多少" + _PENALTY,
         "填写调查得到的满意度，如“96.5%”，并保存问卷或统计表备查",
         "干部职工满意度：满意", "干部职工满意度：96.5%",
         en=("Satisfaction without a number",
             "Satisfaction indicator “{name}” has the actual value “{actual}” with no number" + _PENALTY_EN,
             "Give the surveyed satisfaction, such as 96.5%, and keep the survey")),
    Rule("D108", "warning", "项目的指标太少",
         "指标少于评分方案 design.min_indicators（默认3）个时，不足以反映项目的产出和效益，复核中按目标不完整扣分。",
         "项目“{project}”只有{count}个绩效指标，少于{minimum}个" + _PENALTY,
         "按产出、效益、满意度分别设置指标，每个一级指标至少一个",
         "只有“完成率100%”一个指标", "产出、效益、满意度各有指标",
         en=("Too few indicators",
             "Project “{project}” has {count} indicator(s), fewer than {minimum}" + _PENALTY_EN,
             "Set indicators for output, effect and satisfaction")),
    Rule("D109", "warning", "缺少产出或效益指标",
         "绩效目标至少要说明做了什么（产出指标）和带来了什么（效益指标）；缺少其一，复核中按目标不完整扣分。",
         "项目“{project}”没有{missing}" + _PENALTY,
         "补设{missing}",
         "只有产出指标和满意度指标", "增设效益指标（如“办公条件明显改善”）",
         en=("No output or no effect indicator",
             "Project “{project}” has no {missing_en}" + _PENALTY_EN,
             "Add the missing indicators")),
    Rule("D110", "warning", "全部项目均为满分",
         "单位的全部项目自评都是100分，复核中通常认为自评流于形式、得分虚高。",
         "全部{count}个项目自评均为100分",
         "逐项核实各项目的实际完成情况，未完成或有问题的指标按规则扣分并说明原因",
         "15个项目都是100分", "按实际完成情况打分",
         en=("Every project at 100",
             "All {count} projects are self-scored 100",
             "Check each project's actual results and deduct where targets were missed")),
    Rule("D111", "warning", "全部项目为优而执行率低",
         "单位的全部项目自评为最高等级，而项目资金执行率低于评分方案 design.all_excellent_rate_below（默认80%）："
         "资金大部分没有花出去，得分却都是优，复核中常被认为自评得分虚高。",
         "全部{count}个项目自评均为“{grade}”，而项目资金执行率为{rate}（全年执行数{executed}万元÷全年预算数{budget}万元）",
         "核实各项目的实际完成情况与资金执行是否相符，按实际完成情况打分",
         "执行率59.7%，15个项目都是优", "按实际完成情况打分",
         en=("Every project excellent while spending is low",
             "All {count} projects are self-graded {grade}, yet only {rate} of the project budget was spent",
             "Check each project's results against its spending and score what was done")),
)

_TOL = 0.01


def _s(value) -> str:
    return "" if value is None else str(value).strip()


def _level2_is(ind, *names: str) -> bool:
    key = normalize(_s(ind.level2.value)).removesuffix("指标")
    return bool(key) and key in {n.removesuffix("指标") for n in names}


def _counted(results: list[IndicatorResult]) -> list[IndicatorResult]:
    """The indicators of a project (sub-items are parts of the row above, not indicators)."""
    return [r for r in results if not r.indicator.sub_item and filled_name(r)]


def filled_name(r: IndicatorResult) -> bool:
    return not is_dash(r.indicator.name.value)


# -- deductions --------------------------------------------------------------------------------

def _take(res: IndicatorResult, action) -> float:
    """Take what ``action`` costs from the row (``"zero"``: all of it; a number: that many points);
    returns the points taken (none from a row whose score another row carries)."""
    if action is None or res.accepted is None:
        return 0.0
    left = max(res.accepted - res.deducted, 0.0)
    taken = left if action == "zero" else min(float(action), left)
    res.deducted = round(res.deducted + taken, 6)
    return taken


def _penalty(action, taken: float) -> dict:
    if action is None or taken <= 0:
        return {"penalty": "", "penalty_en": "", "deducted": 0}
    n = show.num(taken)
    if action == "zero":
        return {"penalty": f"，按本方案该指标不得分（扣{n}分）",
                "penalty_en": f"; this profile does not count the indicator ({n} point(s) off)", "deducted": taken}
    return {"penalty": f"，按本方案扣{n}分", "penalty_en": f"; this profile takes {n} point(s) off", "deducted": taken}


def _charge(ctx: Context, check: str, res: IndicatorResult, costly: list) -> dict:
    """Take what ``check`` costs under the profile from the row; the penalty values for its message."""
    action = ctx.profile.design_points(check)
    taken = _take(res, action)
    if taken > 0:
        costly.append(check)
    return _penalty(action, taken)


# -- per project ------------------------------------------------------------------------------

def check_design(ctx: Context, project: Project, results: list[IndicatorResult]) -> tuple[float, int]:
    """The indicator-design checks of one project; returns the points its profile takes from the
    project itself (D108, D109) and how many findings cost points (rows and project)."""
    p = ctx.profile
    rows = _counted(results)
    costly: list[str] = []
    seen: dict[str, IndicatorResult] = {}
    for res in rows:
        ind = res.indicator
        name = _s(ind.name.value)
        target = res.target
        quantitative = target is not None and target.kind == "quantitative"
        if p.design_on("cost_at_least") and quantitative and target.stated and target.direction in (
                "at_least", "more_than") and (p.is_cost_level(_s(ind.level1.value)) or p.is_cost_level(_s(ind.level2.value))):
            ctx.add("D101", ind.target, **_charge(ctx, "cost_at_least", res, costly), name=name, target=ind.target_text)
        if p.design_on("money_as_output") and _level2_is(ind, "数量指标", "质量指标"):
            why = _spending(name, target, p)
            if why:
                ctx.add("D102", ind.name, **_charge(ctx, "money_as_output", res, costly), name=name,
                      level2=_s(ind.level2.value), why=why[0], why_en=why[1])
        key = normalize(name)
        if p.design_on("duplicate") and key in seen:
            first = seen[key].indicator
            ctx.add("D103", ind.name, **_charge(ctx, "duplicate", res, costly), name=name, first=first.name.coord,
                  first_level="/".join(x for x in (_s(first.level1.value), _s(first.level2.value)) if x))
        seen.setdefault(key, res)
        if p.design_on("quantity_qualitative") and _level2_is(ind, "数量指标") and target is not None \
                and target.kind == "qualitative":
            ctx.add("D104", ind.target, **_charge(ctx, "quantity_qualitative", res, costly), name=name, target=ind.target_text)
        if p.design_on("percent_not_rate") and quantitative and target.percent and name and \
                not any(w in normalize(name) for w in p.design_words.get("rate_words", [])):
            ctx.add("D105", ind.target, **_charge(ctx, "percent_not_rate", res, costly), name=name, target=ind.target_text)
        actual = _shown(ind.actual)
        if p.design_on("copied_actual") and quantitative and target.stated and actual and \
                normalize(actual) == normalize(ind.target_text):
            ctx.add("D106", ind.actual, **_charge(ctx, "copied_actual", res, costly), actual=actual)
        if p.design_on("satisfaction_no_number") and _satisfaction(ind, p) and actual and not is_dash(actual) \
                and not any(ch.isdigit() for ch in actual) and not ctx.has_problem_at(ind.actual):
            ctx.add("D107", ind.actual, **_charge(ctx, "satisfaction_no_number", res, costly), name=name, actual=actual)
    points = _project_checks(ctx, project, rows, costly)
    return points, len(costly)


def _shown(cell: Cell) -> str:
    from perfxl.scoring.targets import display_text
    return display_text(cell.value, cell.number_format)


def _spending(name: str, target, profile) -> tuple[str, str] | None:
    """Why an output is money: its unit (元, 万元, 亿元) or its name (资金 … 支付率)."""
    if target is not None and target.kind == "quantitative" and target.unit == "元":
        return "单位为货币", "its unit is money"
    key = normalize(name)
    words = profile.design_words
    if any(w in key for w in words.get("money_words", [])) and any(w in key for w in words.get("spending_words", [])):
        return "资金支付或执行进度", "spending progress"
    return None


def _satisfaction(ind, profile) -> bool:
    return profile.level1_of(_s(ind.level1.value)) == "满意度指标" or "满意度" in normalize(_s(ind.level2.value))


def _table_cell(project: Project) -> Cell | None:
    """The indicator table's 三级指标 header: where a project's indicators as a whole are named."""
    col = project.indicator_columns.get("三级指标")
    if not col or not project.indicator_header_row:
        return None
    return Cell(project.sheet, f"{col}{project.indicator_header_row}", "三级指标")


def _project_checks(ctx: Context, project: Project, rows: list[IndicatorResult], costly: list[str]) -> float:
    p = ctx.profile
    if not rows:  # a sheet without indicators is reported as not filled in, not as badly designed
        return 0.0
    points = 0.0
    cell = _table_cell(project)
    if p.design_on("few_indicators") and len(rows) < p.min_indicators:
        action = p.design_points("few_indicators")
        taken = float(action) if action is not None else 0.0
        points += taken
        if taken:
            costly.append("D108")
        ctx.add("D108", cell, sheet=project.sheet, project=project.title, count=len(rows), minimum=p.min_indicators,
                **_penalty(action, taken))
    if p.design_on("missing_level"):
        levels = {p.level1_of(_s(r.indicator.level1.value)) for r in rows}
        missing = [(zh, en) for key, zh, en in (("产出指标", "产出指标", "output indicator"),
                                                ("效益指标", "效益指标", "effect indicator")) if key not in levels]
        if missing:
            action = p.design_points("missing_level")
            taken = float(action) if action is not None else 0.0
            points += taken
            if taken:
                costly.append("D109")
            ctx.add("D109", cell, sheet=project.sheet, project=project.title,
                    missing="、".join(zh for zh, _ in missing), missing_en=" or ".join(en for _, en in missing),
                    **_penalty(action, taken))
    return points


# -- the unit -----------------------------------------------------------------------------------

def check_design_unit(ctx: Context, unit, projects: list[ProjectResult]) -> None:
    """Across the unit's projects (two at least): every one at 100 (D110), every one graded 优
    while the projects spent less than the profile's share of their budget (D111)."""
    p = ctx.profile
    projects = [x for x in projects if x.graded]  # a project without a score (待更正) claims nothing
    if len(projects) < 2:
        return
    field = unit.get("单位名称") if unit is not None else None
    cell = field.value if field is not None else None
    # what each project claims: its typed 总分 where the check agrees with it (a typed total that
    # disagrees is its own finding, T104, and not a claim of 100 to doubt again)
    claimed = [x.entered_total if x.entered_total is not None and x.entered_agrees else x.score for x in projects]
    if p.design_on("all_full_marks") and all(c >= 100 - _TOL for c in claimed):
        ctx.add("D110", cell, sheet=unit.sheet if unit is not None else None, count=len(projects))
        return  # all at 100 says it: D111 would repeat it
    top = p.grades[0][0] if p.grades else "优"
    if any(x.funding.budget is None or x.funding.executed is None for x in projects):
        return  # an amount that cannot be read is its own finding; the unit's rate is not known
    budget = sum(x.funding.budget for x in projects)
    executed = sum(x.funding.executed for x in projects)
    if p.design_on("all_excellent") and budget > 0 and all(p.grade(c) == top for c in claimed):
        rate = executed / budget
        if rate < p.all_excellent_rate_below - 1e-12:
            ctx.add("D111", cell, sheet=unit.sheet if unit is not None else None, count=len(projects), grade=top,
                    rate=whole_pct(rate, below=p.all_excellent_rate_below), executed=round(executed, 2),
                    budget=round(budget, 2))
