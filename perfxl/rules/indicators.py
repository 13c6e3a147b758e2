"""I: indicator rows — each entered 得分 within the range its target and actual allow (§3–§4)."""

from __future__ import annotations

from perfxl.model import Indicator, Project
from perfxl.rules.context import Context, filled
from perfxl.rules.results import IndicatorResult
from perfxl.scoring.adjust import deviation
from perfxl.scoring.precision import agrees
from perfxl.scoring.targets import read_target, score_indicator
from perfxl.excel.labels import normalize


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
            continue
        _score_row(ctx, res, year, has_weights)
        if ind.merged_into is not None and ind.merged_into in by_row:
            _merge_into(by_row[ind.merged_into], res)
    for res in results:
        if res.indicator.sub_item or res.indicator.merged_into is not None:
            continue
        _judge(ctx, res, has_weights)
    return results


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
    res.kind, res.direction = target.kind, target.direction
    if target.kind == "none":
        ctx.add("I108", ind.target, name=_s(ind.name.value))
    if res.weight is None:
        return
    score = score_indicator(target, ind.actual.value, actual_number_format=ind.actual.number_format,
                            weight=res.weight, profile=p, year=year)
    res.low, res.high, res.level = score.low, score.high, score.level
    res.detail = score.detail
    if target.kind == "quantitative" and score.status == "ok" and score.actual is not None:
        res.deviation = deviation(score.actual.direction or target.direction, target.number, score.actual.number)
    if score.status == "not_number":
        ctx.add("I103", ind.actual, target=text, actual=_s(ind.actual.value))
    elif score.status in ("unverifiable", "unit_mismatch"):
        ctx.add("I105", ind.actual, actual=_s(ind.actual.value), detail=score.detail)


def _merge_into(head: IndicatorResult, res: IndicatorResult) -> None:
    """A 得分 merged over several rows scores them together: weights, lows and highs add."""
    if res.weight is not None:
        head.weight = (head.weight or 0) + res.weight
    if res.low is not None and head.low is not None:
        head.low += res.low
        head.high += res.high
    head.detail = "合并评分的各行按规则合计"


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
    detail = res.detail or "按规则计算"
    decimals = res.decimals
    if entered > weight + 1e-9:
        ctx.add("I104", ind.score, entered=entered, weight=weight, detail=detail)
    elif entered > high and not agrees(entered, high, decimals, tolerance=tol, min_decimals=1):
        ctx.add("I101", ind.score, entered=entered, high=round(high, 2), detail=detail)
    elif entered < low and not agrees(entered, low, decimals, tolerance=tol, min_decimals=1):
        ctx.add("I102", ind.score, entered=entered, low=round(low, 2), detail=detail)
    res.accepted = max(min(entered, high), 0.0)
    if entered < weight - tol and not filled(ind.reason):
        ctx.add("I106", ind.reason if ind.reason is not None else ind.score, entered=entered, weight=weight)


def _is_plain(ind: Indicator) -> bool:
    """A target read from one cell (not joined from 指标性质 | 指标值 | 度量单位)."""
    return normalize(ind.target_text) == normalize(_display(ind))


def _display(ind: Indicator) -> str:
    from perfxl.scoring.targets import display_text
    return display_text(ind.target.value, ind.target.number_format)


def _s(value) -> str:
    return "" if value is None else str(value).strip()
