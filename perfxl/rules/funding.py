"""F: the funding block — parts add up, 执行率 and its score follow from the amounts."""

from __future__ import annotations

from perfxl.model import Cell, Project
from perfxl.rules.context import Context, filled, pct, to_wan
from perfxl.rules.results import FundingResult
from perfxl.scoring.precision import agrees

MONEY = ("年初预算数", "全年预算数", "全年执行数")
PARTS = ("当年财政拨款", "上年结转资金", "其他资金")


def check_funding(ctx: Context, project: Project) -> FundingResult:
    profile = ctx.profile
    result = FundingResult(weight=profile.funding_weight)
    funding = project.funding
    if funding is None or funding.total is None:
        what = "资金块（全年预算数、全年执行数表头）" if funding is None else "“年度资金总额”行"
        ctx.add("R118", None, sheet=project.sheet, block=what)
        return result
    unit = project.money_unit
    total = funding.total.cells
    amounts = {}
    for col in MONEY:
        if col in total:
            num = ctx.number(total[col], col, required=col != "年初预算数", what="金额（万元）")
            amounts[col] = num.value if num else None
            if num and num.value is not None and num.value < 0:
                ctx.add("F105", total[col], column=col, value=num.value)
    _check_parts(ctx, project, amounts)

    budget, executed = amounts.get("全年预算数"), amounts.get("全年执行数")
    result.budget, result.executed = to_wan(budget, unit), to_wan(executed, unit)
    weight_cell = total.get("分值")
    weight = ctx.number(weight_cell, "分值") if weight_cell is not None else None
    if weight is not None and weight.value is not None:
        result.weight = weight.value
    elif "分值" not in total and funding.weight_from_header is not None:
        result.weight = funding.weight_from_header

    if budget is not None and budget == 0:
        ctx.add("F106", total["全年预算数"])
    elif budget is not None and budget > 0 and executed is not None and executed >= 0:
        result.rate = executed / budget
        if executed > budget + 1e-9:
            ctx.add("F104", total["全年执行数"], executed=executed, budget=budget)
    rate = result.rate
    result.computed = round(result.weight * min(rate, 1.0), 6) if rate is not None else 0.0

    rate_cell = total.get("执行率")
    if rate_cell is not None and rate is not None:
        _check_rate(ctx, rate_cell, rate, budget, executed)
    score_cell = total.get("得分")
    if score_cell is not None:
        result.cell = score_cell.coord
        entered = ctx.number(score_cell, "预算执行得分", required=True, what="预算执行得分")
        if entered and entered.value is not None:
            result.entered = entered.value
            unreadable = rate is None and not (budget is not None and budget == 0)
            if not unreadable and not agrees(entered.value, result.computed, entered.decimals,
                          tolerance=profile.score_tolerance, min_decimals=1):
                ctx.add("F103", score_cell, entered=entered.value, weight=result.weight,
                        rate=pct(rate or 0), computed=result.computed)
    if rate is not None and rate < 1 - 1e-9 and not _gap_explained(project):
        ctx.add("F108", rate_cell if rate_cell is not None else total["全年执行数"], rate=pct(rate))
    return result


def _check_parts(ctx: Context, project: Project, amounts: dict) -> None:
    rows = project.funding.rows
    for col in MONEY:
        total_value = amounts.get(col)
        if total_value is None:
            continue
        cells = [rows[p].cells.get(col) for p in PARTS if p in rows]
        cells = [c for c in cells if filled(c)]
        if not cells:
            continue
        parts = [ctx.number(c, col) for c in cells]
        values = [p.value for p in parts if p is not None and p.value is not None]
        for p in parts:
            if p is not None and p.value is not None and p.value < 0:
                ctx.add("F105", p.cell, column=col, value=p.value)
        if abs(sum(values) - total_value) > 0.01 + 1e-9:
            ctx.add("F101", project.funding.total.cells[col], column=col, total=total_value, parts=sum(values))


def _check_rate(ctx: Context, cell: Cell, rate: float, budget, executed) -> None:
    num = ctx.number(cell, "执行率", rate=True)
    if num is None or num.value is None:
        return
    entered, decimals = num.value, num.decimals
    if not _has_percent_sign(cell) and not cell.is_percent_format and entered > 2:
        ctx.add("F107", cell, value=entered, percent=entered)
        entered, decimals = entered / 100, decimals + 2
    if not agrees(entered, rate, decimals, tolerance=ctx.profile.rate_tolerance):
        ctx.add("F102", cell, entered=pct(entered), executed=executed, budget=budget, computed=pct(rate))


def _gap_explained(project: Project) -> bool:
    return any(f is not None and filled(f.value) for f in (project.problems, project.next_steps))


def _has_percent_sign(cell: Cell) -> bool:
    return isinstance(cell.value, str) and "%" in cell.value.replace("％", "%")
