"""T: weights, the 总分 row, the project score and its grade (TEMPLATE §4)."""

from __future__ import annotations

from perfxl.model import Project
from perfxl.rules.context import Context, filled
from perfxl.rules.results import FundingResult, IndicatorResult
from perfxl.rules.reviewer import report_adjustments
from perfxl.scoring.adjust import adjust, deviates
from perfxl.scoring.precision import agrees, round_half_up


def check_totals(ctx: Context, project: Project, funding: FundingResult,
                 indicators: list[IndicatorResult]) -> tuple[float | None, float, float, list]:
    """Return (entered 总分, project score, score before the profile's adjustments, adjustments)."""
    scored = [r for r in indicators if not r.indicator.sub_item and r.indicator.merged_into is None]
    if project.has_weight_column:
        _check_weights(ctx, project, funding, scored)
    entered_total = None
    decimals = 0
    if project.total_row is None:
        ctx.add("R118", None, sheet=project.sheet, block="“总分”行")
    elif project.total_score is not None:
        num = ctx.number(project.total_score, "总分得分", required=True, what="总分")
        if num and num.value is not None:
            entered_total, decimals = num.value, num.decimals
            entered_sum = sum(r.entered or 0 for r in scored) + (funding.entered or 0)
            if not agrees(entered_total, entered_sum, num.decimals, tolerance=ctx.profile.score_tolerance):
                ctx.add("T104", project.total_score, entered=entered_total, funding=funding.entered or 0,
                        indicators=round(entered_sum - (funding.entered or 0), 6), computed=round(entered_sum, 6))
    raw = round_half_up(sum(r.accepted or 0 for r in scored) + funding.computed, 2)
    deviating = sum(1 for r in indicators if not r.indicator.sub_item and deviates(r.deviation, ctx.profile.deviation_share))
    score, steps = adjust(raw, funding.rate, deviating, ctx.profile)
    if steps:
        report_adjustments(ctx, project, entered_total, decimals, raw, score, steps)
    return entered_total, score, raw, steps


def _check_weights(ctx: Context, project: Project, funding: FundingResult,
                   scored: list[IndicatorResult]) -> None:
    p = ctx.profile
    weights = sum(r.weight or 0 for r in scored)
    total = weights + funding.weight
    first = next((r.indicator.weight for r in scored if r.indicator.weight is not None), None)
    where = project.total_weight if filled(project.total_weight) else first
    if abs(total - 100) > 0.01:
        ctx.add("T101", where, sheet=project.sheet, total=total, funding=funding.weight, indicators=weights)
        return
    if project.total_weight is not None and filled(project.total_weight):
        num = ctx.number(project.total_weight, "总分分值")
        if num and num.value is not None and abs(num.value - 100) > 0.01:
            ctx.add("T105", project.total_weight, entered=num.value)
    by_level: dict[str, float] = {}
    first_cell = {}
    for r in scored:
        level = p.level1_of(str(r.indicator.level1.value or "")) or str(r.indicator.level1.value or "").strip()
        by_level[level] = by_level.get(level, 0) + (r.weight or 0)
        first_cell.setdefault(level, r.indicator.weight)
    if "成本指标" in by_level and not p.cost_split:
        ctx.add("T103", None, sheet=project.sheet)
        return
    split = dict(p.cost_split or p.split) if "成本指标" in by_level else dict(p.split)
    if not _split_ok(by_level, split):
        actual = "、".join(f"{k.replace('指标', '')}{_n(v)}" for k, v in by_level.items())
        expected = "、".join(f"{k.replace('指标', '')}{_n(v)}" for k, v in split.items())
        bad = next((k for k in by_level if abs(by_level[k] - split.get(k, 0)) > 0.01), None)
        ctx.add("T102", first_cell.get(bad) or where, sheet=project.sheet, actual=actual, expected=expected)


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
    return str(int(v)) if abs(v - round(v)) < 1e-9 else f"{v:g}"
