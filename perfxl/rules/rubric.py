"""The whole-unit rubric (docs/template.md §2.5): each score between 0 and its 分值, weights
summing to 100, the 总分 adding up, and the grade of the total."""

from __future__ import annotations

from perfxl.model import Rubric, Rule, declare
from perfxl.rules.context import Context, filled
from perfxl.rules.results import RubricResult, RubricRowResult
from perfxl.rules.totals import check_entered_grade
from perfxl.scoring.precision import agrees, round_half_up

DECLARED = declare(
    Rule("T107", "error", "部门整体评分表分值合计不是100",
         "部门整体支出绩效自评的评分表（决策、过程、产出、效益等）各项分值合计应为 100 分（docs/template.md §2.5）。",
         "评分表各项分值合计为{total}，应为100",
         "调整各项分值使合计为100",
         "决策20、过程20、产出40、效益30", "决策20、过程20、产出30、效益30",
         en=("Rubric weights do not sum to 100",
             "The rubric's weights sum to {total}, not 100",
             "Adjust the weights")),
    Rule("T108", "error", "部门整体评分表总分与各项得分之和不符",
         "评分表的总分应等于各项得分之和。",
         "总分填为{entered}，而各项得分之和为{computed}",
         "改为各项得分之和（=SUM(得分列)）",
         "各项得分之和 92，总分填 95", "总分 92",
         en=("Rubric total does not add up",
             "The total is {entered}; the scores add up to {computed}",
             "Use the sum of the scores")),
    Rule("I113", "error", "得分为负数",
         "评分表的每项得分应在 0 与该项分值之间。",
         "得分{entered}为负数",
         "改为 0 至分值之间的得分",
         "得分 -2", "得分 0",
         en=("Negative score",
             "Score {entered} is negative",
             "Type a score between 0 and the weight")),
)


def check_rubric(ctx: Context, rubric: Rubric) -> RubricResult:
    result = RubricResult(rubric)
    tol = ctx.profile.score_tolerance
    for row in rubric.rows:
        res = RubricRowResult(row)
        result.rows.append(res)
        if row.weight is not None:
            w = ctx.number(row.weight, "分值")
            res.weight = w.value if w is not None else None
        else:
            res.weight = row.weight_in_name
        entered = ctx.number(row.score, "得分") if row.score is not None else None
        res.entered = entered.value if entered is not None else None
        if res.entered is None:
            if res.weight and row.score is not None and not ctx.has_problem_at(row.score):
                ctx.add("I109", row.score, name=str(row.name.value).strip(), weight=res.weight)
            continue
        if res.entered < 0:
            ctx.add("I113", row.score, entered=res.entered)
        elif res.weight is not None and res.entered > res.weight + 1e-9:
            ctx.add("I104", row.score, entered=res.entered, weight=res.weight, detail="部门整体评分表")
        res.accepted = max(min(res.entered, res.weight if res.weight is not None else res.entered), 0.0)
    weights = [r.weight for r in result.rows if r.weight is not None]
    total_weight = sum(weights)
    if weights and abs(total_weight - 100) > 0.01:
        first = result.rows[0].row
        where = rubric.total_weight if filled(rubric.total_weight) else (first.weight or first.name)
        ctx.add("T107", where, sheet=rubric.sheet, total=round(total_weight, 6))
    elif filled(rubric.total_weight):
        num = ctx.number(rubric.total_weight, "总分分值")
        if num and num.value is not None and abs(num.value - 100) > 0.01:
            ctx.add("T105", rubric.total_weight, entered=num.value)
    decimals = 2
    if rubric.total_row is None:
        ctx.add("R118", None, sheet=rubric.sheet, block="“总分”行")
    elif filled(rubric.total_score):
        num = ctx.number(rubric.total_score, "总分得分", required=True, what="总分")
        if num and num.value is not None:
            result.entered_total, decimals = num.value, num.decimals
            entered_sum = sum(r.entered or 0 for r in result.rows)
            if not agrees(num.value, entered_sum, num.decimals, tolerance=tol):
                ctx.add("T108", rubric.total_score, entered=num.value, computed=round(entered_sum, 6))
    result.score = result.raw_score = round_half_up(sum(r.accepted for r in result.rows), 2)
    result.grade = ctx.profile.grade(result.score)
    if result.entered_total is not None:
        result.entered_agrees = agrees(result.entered_total, result.score, decimals, tolerance=tol)
    check_entered_grade(ctx, rubric.entered_grade, result.score, result.entered_total)
    return result
