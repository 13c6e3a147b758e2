"""T: weights, the 总分 row, the project score and its grade (docs/template.md §4)."""

from __future__ import annotations

from perfxl.excel import show
from perfxl.excel.labels import grade_word
from perfxl.model import Project, Rule, declare
from perfxl.rules.context import Context, filled
from perfxl.rules.results import FundingResult, IndicatorResult
from perfxl.rules.reviewer import report_adjustments
from perfxl.scoring.adjust import DesignDeduction, adjust, deviates
from perfxl.scoring.precision import agrees, round_half_up

DECLARED = declare(
    Rule("T101", "error", "分值合计不是100",
         "各指标分值与预算执行分值之和必须为 100 分（财预〔2020〕10号自评表）。",
         "分值合计为{total}（预算执行{funding}＋指标{indicators}），应为100",
         "调整各指标分值使合计为100",
         "指标分值合计 85、预算执行 10", "指标分值合计 90",
         en=("Weights do not sum to 100",
             "Weights sum to {total} (funding {funding} + indicators {indicators}), not 100",
             "Adjust the weights")),
    Rule("T102", "warning", "一级指标分值结构不符",
         "财预〔2020〕10号规定：产出指标50、效益指标30、满意度指标10、预算执行率10（无满意度指标时其10分可计入产出或效益）。",
         "一级指标分值为{actual}，标准为{expected}",
         "按标准结构调整分值；确有特殊规定请使用对应的评分方案（--profile）",
         "产出 40、效益 40", "产出 50、效益 30、满意度 10",
         en=("First-level split differs",
             "First-level weights are {actual}; the standard is {expected}",
             "Follow the standard split or use a profile (--profile)")),
    Rule("T103", "info", "含成本指标的分值结构未核对",
         "新版表格含一级“成本指标”，默认评分方案未规定其分值结构，故不核对一级指标分值结构。",
         "本表含一级指标“成本指标”，未核对一级指标分值结构",
         "如本省有规定，请使用含成本指标分值结构的评分方案（--profile）",
         "（提示类规则）含成本指标而未指定分值结构的评分方案", "评分方案的 cost_split 给出成本指标的分值",
         en=("Cost indicators: split not checked",
             "This sheet has first-level cost indicators; the split is not checked",
             "Use a profile with a cost split if your province has one")),
    Rule("T104", "error", "总分与各项得分之和不符",
         "总分应等于预算执行得分与各指标得分之和。",
         "总分填为{entered}，而预算执行得分{funding}＋指标得分{indicators}＝{computed}",
         "改为 =预算执行得分+SUM(指标得分) 的结果",
         "各项之和 93.33，总分填 95", "总分 93.33（或 93）",
         en=("Total does not add up",
             "Total typed {entered}; funding {funding} + indicators {indicators} = {computed}",
             "Use =funding score + SUM(indicator scores)")),
    Rule("T106", "error", "填报的评价等级与得分不符",
         "评价等级由得分决定：优≥90，良≥80，中≥60，差<60（docs/template.md §4）。有的表在总分行或表末写上等级，"
         "它应与核算得分的等级一致；等级只是跟随了写错的总分时，问题在总分，不另报。",
         "填报的评价等级为“{entered}”，核算得分{score}分应为“{expected}”",
         "改为“{expected}”，或核对各项得分",
         "总分行：总分 100 | 85 | 优", "总分 100 | 85 | 良",
         en=("Entered grade does not fit the score",
             "The grade entered is “{entered}”; the computed score {score} gives “{expected}”",
             "Type “{expected}”, or check the scores")),
    Rule("T105", "error", "总分行分值不是100",
         "总分行的分值栏应为 100。",
         "总分行分值填为{entered}，应为100",
         "改为 100",
         "总分行分值 90", "总分行分值 100",
         en=("Total weight not 100",
             "The total row's weight is {entered}, not 100",
             "Type 100")),
)


def check_totals(ctx: Context, project: Project, funding: FundingResult, indicators: list[IndicatorResult],
                 design: tuple[float, int] = (0.0, 0)) -> tuple[float | None, float, bool | None, float, list]:
    """Return (entered 总分, project score, whether the entered 总分 agrees with the score,
    the score before the profile's deductions and caps, those adjustments). ``design``: the
    points the indicator-design rules take from the project itself, and how many of their
    findings cost points (``rules.design.check_design``)."""
    scored = [r for r in indicators if not r.indicator.sub_item and r.indicator.merged_into is None]
    if project.has_weight_column:
        _check_weights(ctx, project, funding, scored)
    deviating = sum(1 for r in indicators
                    if not r.indicator.sub_item and deviates(r.deviation, ctx.profile.deviation_share))
    entered_total = None
    if project.total_row is None:
        ctx.add("R118", None, sheet=project.sheet, block="“总分”行")
    elif project.total_score is not None:
        num = ctx.number(project.total_score, "总分得分", required=True, what="总分")
        if num and num.value is not None:
            entered_total = num.value
            entered_sum = sum(r.entered or 0 for r in scored) + (funding.entered or 0)
            # under a profile that caps or deducts, a 总分 typed as the capped entered sum adds up too
            capped_sum, _ = adjust(round_half_up(entered_sum, 6), funding.rate, deviating, ctx.profile)
            tol = ctx.profile.score_tolerance
            if not agrees(entered_total, entered_sum, num.decimals, tolerance=tol) and not agrees(
                    entered_total, capped_sum, num.decimals, tolerance=tol):
                ctx.add("T104", project.total_score, entered=entered_total, funding=funding.entered or 0,
                        indicators=round(entered_sum - (funding.entered or 0), 6), computed=round(entered_sum, 6))
    raw = round_half_up(sum(r.accepted or 0 for r in scored) + funding.computed, 2)
    kept = None
    if design[1]:  # the indicators' deductions are on their rows; the project's own come off the sum
        kept = DesignDeduction(sum((r.accepted or 0) - r.deducted for r in scored) + funding.computed - design[0],
                               design[1])
    score, steps = adjust(raw, funding.rate, deviating, ctx.profile, kept)  # docs/template.md §4.1
    agrees_score = None
    if entered_total is not None:
        agrees_score = agrees(entered_total, score, num.decimals, tolerance=ctx.profile.score_tolerance)
    if steps:
        report_adjustments(ctx, project, entered_total, num.decimals if entered_total is not None else 0,
                           raw, score, steps)
    check_entered_grade(ctx, project.entered_grade, score, entered_total)
    return entered_total, score, agrees_score, raw, steps


def check_entered_grade(ctx: Context, cell, score: float, entered_total: float | None) -> None:
    """A grade typed on the form (in the 总分 row, or below a rubric) is the grade of the score;
    one that follows a wrong typed total is that total's consequence (§4: one problem, one finding)."""
    typed = grade_word(cell.value) if cell is not None else None
    if typed is None:
        return
    expected = ctx.profile.grade(score)
    if typed != expected and (entered_total is None or typed != ctx.profile.grade(entered_total)):
        ctx.add("T106", cell, entered=str(cell.value).strip(), score=score, expected=expected)


def _check_weights(ctx: Context, project: Project, funding: FundingResult,
                   scored: list[IndicatorResult]) -> None:
    p = ctx.profile
    weights = sum(r.weight or 0 for r in scored)
    total = weights + funding.weight
    first = next((r.indicator.weight for r in scored if r.indicator.weight is not None), None)
    where = project.total_weight if filled(project.total_weight) else first
    by_level: dict[str, float] = {}
    first_cell = {}
    for r in scored:
        level = p.level1_of(str(r.indicator.level1.value or "")) or str(r.indicator.level1.value or "").strip()
        by_level[level] = by_level.get(level, 0) + (r.weight or 0)
        first_cell.setdefault(level, r.indicator.weight)
    cost = "成本指标" in by_level
    split = dict(p.cost_split or p.split) if cost else dict(p.split)
    differ = _differences(by_level, split) if (p.cost_split or not cost) and not _split_ok(by_level, split) else []
    if abs(total - 100) > 0.01:
        f = ctx.add("T101", where, sheet=project.sheet, total=total, funding=funding.weight, indicators=weights)
        if f is not None and differ:  # which level is short (or over): one finding says both (no T102)
            f.add_note("；{levels}", "; {levels_en}", levels=_said(differ), levels_en=_said(differ, "en"))
        return
    if project.total_weight is not None and filled(project.total_weight):
        num = ctx.number(project.total_weight, "总分分值")
        if num and num.value is not None and abs(num.value - 100) > 0.01:
            ctx.add("T105", project.total_weight, entered=num.value)
    if cost and not p.cost_split:
        ctx.add("T103", None, sheet=project.sheet)
        return
    if differ:
        actual = "、".join(f"{k.replace('指标', '')}{_n(v)}" for k, v in by_level.items())
        expected = "、".join(f"{k.replace('指标', '')}{_n(v)}" for k, v in split.items())
        bad = next((k for k, _a, e in differ if e > _a), differ[0][0])  # the short level first
        f = ctx.add("T102", first_cell.get(bad) or where, sheet=project.sheet, actual=actual, expected=expected)
        if f is not None:
            f.add_note("：{levels}", ": {levels_en}", levels=_said(differ), levels_en=_said(differ, "en"))


def _differences(by_level: dict[str, float], split: dict[str, float]) -> list[tuple[str, float, float]]:
    """(level, actual, standard) for each first-level indicator off the standard split, in the
    standard's order; a missing 满意度 whose points sit in 产出 or 效益 is not off."""
    out = []
    for k in dict.fromkeys([*split, *by_level]):
        a, e = by_level.get(k, 0.0), split.get(k, 0.0)
        if abs(a - e) > 0.01:
            out.append((k, a, e))
    return out


def _said(differ, lang: str = "zh") -> str:
    """``产出指标45分，标准50分（少5分）``, each level that differs."""
    if lang == "en":
        return "; ".join(f"{k} {_n(a)} against the standard {_n(e)} ({'short by' if a < e else 'over by'} {_n(abs(e - a))})"
                         for k, a, e in differ)
    return "；".join(f"{k}{_n(a)}分，标准{_n(e)}分（{'少' if a < e else '多'}{_n(abs(e - a))}分）" for k, a, e in differ)


def _split_ok(actual: dict[str, float], split: dict[str, float]) -> bool:
    def same(a, b):
        keys = set(a) | set(b)
        return all(abs(a.get(k, 0) - b.get(k, 0)) <= 0.01 for k in keys)
    if same(actual, split):
        return True
    sat = "满意度指标"
    if actual.get(sat, 0) == 0 and sat in split:  # no 满意度 rows: its points may sit in 产出 or 效益
        rest = {k: v for k, v in split.items() if k != sat}
        for k in ("产出指标", "效益指标"):
            if k in rest:
                moved = dict(rest)
                moved[k] += split[sat]
                if same(actual, moved):
                    return True
    return False


def _n(v: float) -> str:
    return show.exact(v)
