"""I: indicator rows — each entered 得分 within the range its target and actual allow (§3–§4)."""

from __future__ import annotations

from perfxl.excel import show
from perfxl.model import Indicator, Project, Rule, declare
from perfxl.rules.context import Context, filled
from perfxl.rules.results import IndicatorResult
from perfxl.scoring.adjust import deviation
from perfxl.scoring.precision import agrees
from perfxl.scoring.targets import read_target, score_indicator
from perfxl.excel.labels import normalize
from perfxl.excel.reasons import Reason

DECLARED = declare(
    Rule("I101", "error", "指标得分高于规则允许",
         "指标得分不得高于按完成情况计算的分数：定量指标按完成比例，定性指标按达成等级（财预〔2020〕10号）。",
         "得分{entered}高于规则允许的{high}（{detail}）",
         "把得分改为不超过{high}，或更正实际完成值",
         "目标≥2000平方米、完成1800平方米、分值15，得分15", "得分 13.5",
         en=("Indicator over-scored",
             "Score {entered} is above the allowed {high} ({detail})",
             "Lower the score to at most {high}, or correct the actual value")),
    Rule("I102", "warning", "指标得分低于规则计算值",
         "得分低于按规则计算的分数：比规则更严格是允许的，但请确认不是笔误。偏差原因栏写明了扣分理由时不提示"
         "（那正是本条要求的确认）；本条已要求写明原因，所以不再另报“扣分未说明原因”（I106）。",
         "得分{entered}低于规则计算的{low}（{detail}）",
         "确认扣分理由并写入偏差原因，或改为{low}",
         "全部完成却只给 8 分（分值10）", "得分 10",
         en=("Indicator under-scored",
             "Score {entered} is below the computed {low} ({detail})",
             "Confirm the deduction and give its reason, or use {low}")),
    Rule("I103", "error", "实际完成值不是数字",
         "定量指标的实际完成值必须是数字（可带单位），否则无法计算完成比例。",
         "目标“{target}”是定量指标，实际完成值“{actual}”不是数字",
         "填写数字和单位，如“1800平方米”“98%”，说明文字写在偏差原因栏",
         "目标≥95%，实际填“较好”", "实际填 98%",
         en=("Actual value not a number",
             "Target “{target}” is quantitative but the actual value “{actual}” is not a number",
             "Type a number with its unit")),
    Rule("I104", "error", "得分超过分值",
         "任何指标得分都不能超过该指标的分值（权重）。",
         "得分{entered}超过分值{weight}（{detail}）",
         "把得分改为不超过分值",
         "分值10，得分15", "得分 10",
         en=("Score above weight",
             "Score {entered} exceeds the weight {weight} ({detail})",
             "Lower the score to at most the weight")),
    Rule("I105", "warning", "实际完成值无法核对",
         "实际完成值的单位与目标不同，或文字无法判断达成程度，perfxl 无法核对得分。",
         "实际完成值“{actual}”无法核对（{detail}）",
         "使用与目标相同的单位，或写明“已完成”“部分完成”“未完成”等达成情况",
         "目标≥10个，实际“3批”", "实际“12个”",
         en=("Actual value unverifiable",
             "Actual value “{actual}” cannot be verified ({detail})",
             "Use the target's unit, or say whether it was completed, partly completed or not completed")),
    Rule("I106", "warning", "扣分未说明原因",
         "指标未得满分属于偏差，应填写偏差原因分析及改进措施。",
         "得分{entered}低于分值{weight}，但偏差原因为空",
         "在偏差原因栏说明未完成的原因和改进措施",
         "扣分行偏差原因为空", "偏差原因写明“受天气影响工期延后”",
         en=("Deduction unexplained",
             "Score {entered} is below the weight {weight} with no reason given",
             "Fill in the deviation reason")),
    Rule("I107", "info", "指标层级不在标准目录中",
         "一级、二级指标应取自标准目录（产出/效益/满意度/成本及其二级指标）；其他名称照常读取。",
         "{level}“{value}”不在标准指标目录中",
         "如属笔误请改为标准名称，如“数量指标”“社会效益指标”",
         "二级指标“项目实施”", "二级指标“质量指标”",
         en=("Non-standard indicator level",
             "{level} “{value}” is not in the standard list",
             "Use a standard name if this is a typo")),
    Rule("I108", "info", "指标没有目标值",
         "没有年度指标值的指标只能核对得分不超过分值。",
         "指标“{name}”没有年度指标值，得分只核对不超过分值",
         "补填年度指标值",
         "年度指标值为空", "年度指标值“≥95%”",
         en=("No target",
             "Indicator “{name}” has no target; only score ≤ weight is checked",
             "Fill in the annual target")),
    Rule("I109", "error", "指标得分缺失",
         "有分值的指标必须填写得分。",
         "指标“{name}”有分值{weight}，但得分未填写",
         "按完成情况填写得分",
         "得分为空", "得分 10",
         en=("Indicator score missing",
             "Indicator “{name}” has weight {weight} but no score",
             "Fill in the score")),
    Rule("I110", "info", "“其中”子项",
         "以“其中”开头、没有分值和得分的行是上一指标的子项，只读取不计分。",
         "“{name}”作为上一指标的子项读取，不计分",
         "无需处理",
         "“其中：一楼”行填了分值和得分，被重复计分", "“其中：一楼”行分值、得分留空",
         en=("Sub-item",
             "“{name}” is read as a sub-item of the row above and not scored",
             "Nothing to do")),
    Rule("I111", "warning", "子项之和超过上一指标",
         "以“其中”开头的子项是上一指标的组成部分，同一单位下各子项之和不应超过上一指标（docs/template.md §2.3）。",
         "“{name}”的各子项{which}之和为{parts}{unit}，超过本指标的{whole}{unit}",
         "核对子项与上一指标的{which}，子项应是上一指标的一部分",
         "指标≥1200平方米，其中一楼≥800平方米、二楼≥600平方米", "其中一楼≥600平方米、二楼≥600平方米",
         en=("Sub-items exceed their parent",
             "The sub-items of “{name}” add up to {parts}{unit}, more than its {whole}{unit}",
             "Check the sub-items against the row above: they are parts of it")),
)


DECLARED.update(declare(
    Rule("I112", "error", "单项指标得分与折算得分不符",
         "系统导出的自评表在“自评得分”下分列单项指标得分（百分制）、权重占比和单项指标折算得分："
         "折算得分是计入总分的得分，单项指标得分应等于 折算得分 ÷ 分值 × 100（docs/template.md §2.4）。",
         "单项指标得分为{entered}，按 折算得分{score}÷分值{weight}×100 应为{expected}",
         "核对单项指标得分与折算得分，两者应按分值换算一致",
         "分值20、折算得分18，单项指标得分填 95", "单项指标得分 90",
         en=("Score out of 100 does not fit the weighted score",
             "The score out of 100 is {entered}; the weighted score {score} ÷ weight {weight} × 100 gives {expected}",
             "Make the two scores agree")),
))


def check_indicators(ctx: Context, project: Project, year: int | None) -> list[IndicatorResult]:
    results: list[IndicatorResult] = []
    by_row: dict[int, IndicatorResult] = {}
    has_weights = project.has_weight_column
    if not has_weights:
        ctx.add("R117", None, sheet=project.sheet)
    for ind in project.indicators:
        res = IndicatorResult(ind)
        results.append(res)
        by_row[ind.row] = res
        _check_levels(ctx, ind)
        if ind.sub_item:
            ctx.add("I110", ind.name, name=ind.name.value)
            _read_sub_item(ctx, res, year)
            continue
        _score_row(ctx, res, year, has_weights)
        if ind.merged_into is not None and ind.merged_into in by_row:
            _merge_into(by_row[ind.merged_into], res)
    for res in results:
        if res.indicator.sub_item or res.indicator.merged_into is not None:
            continue
        _judge(ctx, res, has_weights)
    _check_sub_items(ctx, results, year)
    return results


def _reading(ctx: Context, ind: Indicator, year: int | None):
    raw = ind.target.value if _is_plain(ind) else ind.target_text
    return read_target(raw, number_format=ind.target.number_format if _is_plain(ind) else "General",
                       year=year, level1=_s(ind.level1.value), level2=_s(ind.level2.value),
                       name=_s(ind.name.value), profile=ctx.profile)


def _read_sub_item(ctx: Context, res: IndicatorResult, year: int | None) -> None:
    """A 其中 row is read like any row (kind, direction, unit), and not scored."""
    target = _reading(ctx, res.indicator, year)
    res.kind, res.direction, res.target = target.kind, target.direction, target


def _check_sub_items(ctx: Context, results: list[IndicatorResult], year: int | None) -> None:
    """Sub-items whose A (or B) add up to more than their parent's: a warning at the parent's cell."""
    from perfxl.scoring.targets import read_actual_number
    parent = None
    groups: list[tuple[IndicatorResult, list[IndicatorResult]]] = []
    for res in results:
        if not res.indicator.sub_item:
            parent = res
            groups.append((res, []))
        elif parent is not None:
            groups[-1][1].append(res)
    for head, subs in groups:
        if not subs:
            continue
        a = _reading(ctx, head.indicator, year)
        readings = [_reading(ctx, s.indicator, year) for s in subs]
        if a.kind != "quantitative" or a.number is None or any(
                r.kind != "quantitative" or r.number is None or r.unit != a.unit for r in readings):
            continue
        total = sum(r.number for r in readings)
        if total > a.number + 1e-9:
            ctx.add("I111", head.indicator.target, name=_s(head.indicator.name.value), which="年度指标值",
                    parts=total, whole=a.number, unit=a.unit or "")
            continue
        p = ctx.profile
        b, status = read_actual_number(a, head.indicator.actual.value, head.indicator.actual.number_format, p)
        values = [read_actual_number(r, s.indicator.actual.value, s.indicator.actual.number_format, p)
                  for r, s in zip(readings, subs)]
        if status == "ok" and b is not None and all(st == "ok" and v is not None for v, st in values):
            parts = sum(v for v, _ in values)
            if parts > b + 1e-9:
                ctx.add("I111", head.indicator.actual, name=_s(head.indicator.name.value), which="实际完成值",
                        parts=parts, whole=b, unit=a.unit or "")


def _check_levels(ctx: Context, ind: Indicator) -> None:
    p = ctx.profile
    l1, l2 = ind.level1, ind.level2
    if filled(l1) and p.level1_of(str(l1.value)) is None:
        ctx.add("I107", l1, level="一级指标", value=str(l1.value).strip())
    if filled(l2) and not p.is_level2(str(l2.value)):
        ctx.add("I107", l2, level="二级指标", value=str(l2.value).strip())


def _score_row(ctx: Context, res: IndicatorResult, year: int | None, has_weights: bool) -> None:
    ind = res.indicator
    p = ctx.profile
    weight = ctx.number(ind.weight, "分值") if has_weights and ind.weight is not None else None
    res.weight = weight.value if weight is not None else None
    entered = ctx.number(ind.score, "得分") if ind.score is not None else None
    res.entered = entered.value if entered is not None else None
    res.decimals = entered.decimals if entered is not None else 0
    text = ind.target_text
    raw = ind.target.value if _is_plain(ind) else text
    target = read_target(raw, number_format=ind.target.number_format if _is_plain(ind) else "General",
                         year=year, level1=_s(ind.level1.value), level2=_s(ind.level2.value),
                         name=_s(ind.name.value), profile=p)
    res.kind, res.direction, res.target = target.kind, target.direction, target
    if target.kind == "none":
        ctx.add("I108", ind.target, name=_s(ind.name.value))
    if res.weight is None:
        return
    score = score_indicator(target, ind.actual.value, actual_number_format=ind.actual.number_format,
                            weight=res.weight, profile=p, year=year)
    res.low, res.high, res.level = score.low, score.high, score.level
    res.detail = score.detail
    if target.kind == "quantitative" and score.status == "ok" and score.actual is not None:
        # a range a-b is beaten only beyond its upper end (1-2次/周 met by 2次/周 is no deviation)
        direction = score.actual.direction or target.direction
        a = target.upper if target.upper is not None and direction in ("at_least", "more_than") else target.number
        res.deviation = deviation(direction, a, score.actual.number)
        res.actual_number = score.actual.number
    if score.status == "not_number":
        ctx.add("I103", ind.actual, target=text, actual=show.visible(ind.actual.value))
    elif score.status in ("unverifiable", "unit_mismatch"):
        ctx.add("I105", ind.actual, actual=show.visible(ind.actual.value), detail=score.detail)


def _merge_into(head: IndicatorResult, res: IndicatorResult) -> None:
    """A 得分 merged over several rows scores them together: weights, lows and highs add."""
    if res.weight is not None:
        head.weight = (head.weight or 0) + res.weight
    if res.low is not None and head.low is not None:
        head.low += res.low
        head.high += res.high
    head.detail = Reason("merged_rows")


def _judge(ctx: Context, res: IndicatorResult, has_weights: bool) -> None:
    ind = res.indicator
    tol = ctx.profile.score_tolerance
    entered, weight = res.entered, res.weight
    if not has_weights:
        res.accepted = max(entered or 0.0, 0.0)
        return
    if weight is None:
        if entered is not None and ind.score is not None and filled(ind.score) and not ctx.has_problem_at(ind.weight):
            ctx.add("R110", ind.weight, label="分值", what="该指标的分值")
        res.accepted = 0.0
        return
    if entered is None:
        if weight > 0 and ind.score is not None and not ctx.has_problem_at(ind.score):
            ctx.add("I109", ind.score, name=_s(ind.name.value), weight=weight)
        res.accepted = 0.0
        return
    high = res.high if res.high is not None else weight
    low = res.low if res.low is not None else 0.0
    detail = res.detail or Reason("by_rules")
    decimals = res.decimals
    if entered > weight + 1e-9:
        ctx.add("I104", ind.score, entered=entered, weight=weight, detail=detail)
    elif entered > high and not agrees(entered, high, decimals, tolerance=tol, min_decimals=1):
        ctx.add("I101", ind.score, entered=entered, high=round(high, 2), detail=detail)
    elif entered < low and not agrees(entered, low, decimals, tolerance=tol, min_decimals=1):
        if not filled(ind.reason):  # a written 偏差原因 is the confirmation I102 asks for
            ctx.add("I102", ind.score, entered=entered, low=round(low, 2), detail=detail)
        res.accepted = max(min(entered, high), 0.0)
        return  # I102 asks for the reason as well: no I106 beside it
    res.accepted = max(min(entered, high), 0.0)
    if entered < weight - tol and not filled(ind.reason):
        ctx.add("I106", ind.reason if ind.reason is not None else ind.score, entered=entered, weight=weight)
    _check_hundred(ctx, res)


def _check_hundred(ctx: Context, res: IndicatorResult) -> None:
    """单项指标得分 (out of 100) beside the 折算得分: it must be 折算得分 ÷ 分值 × 100."""
    cell = res.indicator.hundred_score
    if not filled(cell) or not res.weight or res.entered is None:
        return
    num = ctx.number(cell, "单项指标得分")
    if num is None or num.value is None:
        return
    expected = res.entered / res.weight * 100
    if not agrees(num.value, expected, num.decimals, tolerance=ctx.profile.score_tolerance):
        ctx.add("I112", cell, entered=num.value, score=res.entered, weight=res.weight, expected=round(expected, 2))


def _is_plain(ind: Indicator) -> bool:
    """A target read from one cell (not joined from 指标性质 | 指标值 | 度量单位)."""
    return normalize(ind.target_text) == normalize(_display(ind))


def _display(ind: Indicator) -> str:
    from perfxl.excel.show import display_text
    return display_text(ind.target.value, ind.target.number_format)


def _s(value) -> str:
    return "" if value is None else str(value).strip()
