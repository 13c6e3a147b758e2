"""F: the funding block — parts add up, 执行率 and its score follow from the amounts."""

from __future__ import annotations

import math

from perfxl.excel import show
from perfxl.excel.labels import FUNDING_PARTS, WHOLE_UNIT_PARTS
from perfxl.excel.numbers import read_number
from perfxl.model import Cell, Project, Rule, declare
from perfxl.rules.context import Context, filled, pct, to_wan
from perfxl.rules.results import FundingResult
from perfxl.scoring.precision import agrees, rate_agrees

DECLARED = declare(
    Rule("F101", "error", "资金来源合计不符",
         "年度资金总额应等于当年财政拨款、上年结转资金、其他资金之和（项目支出绩效自评表资金块）。",
         "年度资金总额的{column}为{total}，而各来源之和为{parts}",
         "核对各资金来源金额，或改正年度资金总额",
         "总额 50，财政拨款 40，其他资金 5", "总额 50，财政拨款 45，其他资金 5",
         en=("Funding parts do not add up",
             "The total funding row's {column} is {total}; its parts add up to {parts}",
             "Correct the parts or the total")),
    Rule("F102", "error", "执行率计算错误",
         "执行率 = 全年执行数 ÷ 全年预算数，是预算执行得分的依据（财预〔2020〕10号）。",
         "执行率填为{entered}，按 {executed}÷{budget} 应为{computed}",
         "改为 =全年执行数/全年预算数 的公式或正确数值",
         "预算 90、执行 30，执行率填 50%", "执行率为 33.33%",
         en=("Execution rate wrong",
             "Execution rate typed {entered}; {executed}÷{budget} gives {computed}",
             "Use =executed/budget")),
    Rule("F103", "error", "预算执行得分计算错误",
         "预算执行得分 = 分值 × 执行率（执行率超过100%按100%计），财预〔2020〕10号自评表规则。",
         "预算执行得分填为{entered}，按 {weight}×{rate} 应为{computed}",
         "改为 =分值*MIN(执行率,1) 的结果",
         "分值10、执行率33.33%，得分填10", "得分 3.33",
         en=("Funding score wrong",
             "Funding score typed {entered}; {weight}×{rate} gives {computed}",
             "Use =weight*MIN(rate,1)")),
    Rule("F104", "warning", "执行数超过预算数",
         "执行数一般不应超过全年预算数；超出部分不增加得分，需核实数据或说明原因。",
         "全年执行数{executed}超过全年预算数{budget}",
         "核实执行数与预算数（是否漏记预算调整）",
         "预算 20、执行 25", "预算 25、执行 25",
         en=("Executed above budget",
             "Executed {executed} is above the budget {budget}",
             "Check the amounts")),
    Rule("F105", "error", "金额为负数",
         "预算数、执行数不能为负数。",
         "{column}为负数{value}",
         "改为正确的非负金额",
         "执行数 -5", "执行数 5",
         en=("Negative amount",
             "{column} is negative: {value}",
             "Type the correct non-negative amount")),
    Rule("F106", "warning", "全年预算数为0",
         "预算数为 0 时无法计算执行率，预算执行得分按 0 计。",
         "全年预算数为0，无法计算执行率，预算执行得分按0计",
         "填写全年预算数；确无预算的项目不应单独评价",
         "全年预算数 0", "全年预算数 19",
         en=("Budget is zero",
             "The budget is 0: no execution rate, funding score 0",
             "Fill in the budget")),
    Rule("F107", "warning", "执行率填写为不带%的数字",
         "执行率应为百分比；大于 2 的数字按漏写百分号理解（20 即 20%）。",
         "执行率填为{value}，按{percent}%理解",
         "把单元格设为百分比格式，或填 0.2 / 20%",
         "执行率 20", "执行率 20%",
         en=("Rate typed without %",
             "Execution rate typed {value}, read as {percent}%",
             "Format the cell as a percentage")),
    Rule("F108", "warning", "执行率未达100%且未说明原因",
         "预算执行率低于 100% 属于偏差，应说明原因及改进措施（自评表“偏差原因分析及改进措施”）。",
         "执行率{rate}低于100%，但没有填写偏差原因或主要问题",
         "在“主要问题及原因”或偏差原因栏说明未执行的原因及改进措施",
         "执行率 33%，主要问题栏为空", "主要问题栏写明“工程尚未结算”",
         en=("Rate below 100% unexplained",
             "Execution rate {rate} is below 100% with no reason given",
             "Explain the gap in the main-problems row or the deviation reason")),

    Rule("F109", "warning", "金额单位可能有误",
         "一行中的预算数、执行数应在同一数量级；一个金额是本行其他金额的 1000 倍以上（或不到千分之一），多半是把元当作万元"
         "填写（或反之），或数字后写错了单位（万元表中写“125000元”会换算为 12.5 万元，写“12.5元”则是 0.00125 万元）。"
         "perfxl 按单元格所写的单位（没有单位时按本表的金额单位）读取，并说明按哪个单位读的；由它算出的执行率不可信，"
         "所以该项目不再另报执行数超过预算数（F104）、执行率未说明原因（F108）和执行率与得分不相称（V101、V103）。",
         "“{column}”读作{shown}{money}（{assumed}），{relation}",
         "核对金额单位：本表金额单位为{money}，按本行其他金额，此处可能应为 {suggest}",
         "万元表中全年执行数填 125000（全年预算数 13）", "全年执行数 12.5",
         en=("Amount unit may be wrong",
             "“{column}” reads {shown} {money} ({assumed_en}), {relation_en}",
             "Check the unit: this sheet's amounts are in {money}; by the row's other amounts this may be {suggest}")),
)

MONEY = ("年初预算数", "全年预算数", "全年执行数")
PARTS = FUNDING_PARTS


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
    amounts, typed = {}, {}
    for col in MONEY:
        if col in total:
            num = ctx.number(total[col], col, required=col != "年初预算数", what=f"金额（{unit}）", money=unit)
            amounts[col] = num.value if num else None
            typed[col] = num.unit if num else None
            if num and num.value is not None and num.value < 0:
                ctx.add("F105", total[col], column=col, value=num.value)
    off = _check_magnitudes(ctx, total, amounts, typed, unit)
    result.unit_doubt = bool(off & {"全年预算数", "全年执行数"})
    _check_parts(ctx, project, {k: v for k, v in amounts.items() if k not in off})

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
        if executed > budget + 1e-9 and not result.unit_doubt:
            ctx.add("F104", total["全年执行数"], executed=executed, budget=budget)
    rate_cell = total.get("执行率")
    rate_only = "全年预算数" not in total and "全年执行数" not in total
    if rate_only and rate_cell is not None:  # an execution row or pairs without amounts: the rate as typed
        result.rate = _typed_rate(ctx, rate_cell, as_actual=funding.source == "indicator")
    rate = result.rate
    result.computed = round(result.weight * min(rate, 1.0), 6) if rate is not None else 0.0

    if rate_cell is not None and rate is not None and not rate_only and not result.unit_doubt:  # F109 says what is wrong
        _check_rate(ctx, rate_cell, rate, budget, executed)
    score_cell = total.get("得分")
    if score_cell is not None:
        result.cell = score_cell.coord
        entered = ctx.number(score_cell, "预算执行得分", required=True, what="预算执行得分")
        if entered and entered.value is not None:
            result.entered = entered.value
            unreadable = rate is None and not (budget is not None and budget == 0) or result.unit_doubt
            if not unreadable and not agrees(entered.value, result.computed, entered.decimals,
                          tolerance=profile.score_tolerance, min_decimals=1):
                ctx.add("F103", score_cell, entered=entered.value, weight=result.weight,
                        rate=pct(rate or 0), computed=result.computed)
    if rate is not None and rate < 1 - 1e-9 and not _gap_explained(project) and not result.unit_doubt:
        ctx.add("F108", rate_cell if rate_cell is not None else total["全年执行数"], rate=pct(rate))
    return result


MAGNITUDE = 1000  # an amount this many times the row's others (or less than a thousandth of them)


def _check_magnitudes(ctx: Context, total: dict, amounts: dict, typed: dict, money: str) -> set[str]:
    """F109 for an amount of the 年度资金总额 row a thousand times off the row's others: 元 typed
    in a 万元 sheet, or a unit typed wrong. Returns the columns it names: what follows from them
    (parts that do not add up, the rate, the funding score) is not a problem of its own."""
    present = {c: v for c, v in amounts.items() if v is not None and v > 0}
    off = {}
    for col, v in present.items():
        others = [o for o in present if o != col]
        named = next((o for o in ("全年预算数", "全年执行数") if o in others), others[0] if others else None)
        if others and (all(v > present[o] * MAGNITUDE for o in others)
                       or all(v * MAGNITUDE < present[o] for o in others)):
            off[col] = named
    if len(present) == 2 and len(off) == 2:  # two amounts apart: the one typed in another unit, else 执行数
        odd = [c for c in off if typed.get(c) and typed[c] != money] or ["全年执行数" if "全年执行数" in off else
                                                                          list(off)[-1]]
        off = {odd[0]: off[odd[0]]}
    for col, other in off.items():
        v, o = present[col], present[other]
        big = v > o
        orders = abs(math.log10(v) - math.log10(o))  # logs: 5E-324 against 13 must not overflow
        ratio = 10 ** min(orders, 300)
        step = max(1, min(round(orders / 4), 75))  # powers of 万 apart (万元 and 元 are one step)
        suggest = math.log10(v) + (-4 if big else 4) * step
        unit = typed.get(col)
        ctx.add("F109", total[col], column=col, value=v, shown=show.exact(v), money=money,
                suggest=show.exact(10 ** suggest) if -300 < suggest < 300 else "—",
                assumed=f"按单元格所写的{unit}读取" if unit else f"按本表的金额单位{money}读取",
                assumed_en=f"read in {unit}, as typed" if unit else f"read in this sheet's unit, {money}",
                relation=(f"是本行{other}{show.num(o)}{money}的{show.num(ratio, 0)}倍" if big
                          else f"不到本行{other}{show.num(o)}{money}的千分之一"),
                relation_en=(f"{show.num(ratio, 0)} times the row's {other} of {show.num(o)} {money}" if big
                             else f"less than a thousandth of the row's {other} of {show.num(o)} {money}"))
        # one mistake, one finding: the text-number warning at the same cell says less
        ctx.findings = [f for f in ctx.findings if not (f.code == "R112" and (f.sheet, f.cell) ==
                                                       (total[col].sheet, total[col].coord))]
    return set(off)


def _check_parts(ctx: Context, project: Project, amounts: dict) -> None:
    for parts in (PARTS, WHOLE_UNIT_PARTS):  # sources, and a whole-unit table's 基本支出 + 项目支出
        _check_split(ctx, project, amounts, parts)


def _check_split(ctx: Context, project: Project, amounts: dict, parts_of: tuple[str, ...]) -> None:
    rows = project.funding.rows
    for col in MONEY:
        total_value = amounts.get(col)
        if total_value is None:
            continue
        cells = [rows[p].cells.get(col) for p in parts_of if p in rows]
        cells = [c for c in cells if filled(c)]
        if not cells:
            continue
        parts = [ctx.number(c, col, money=project.money_unit) for c in cells]
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
    if not rate_agrees(entered, rate, decimals, tolerance=ctx.profile.rate_tolerance):
        ctx.add("F102", cell, entered=pct(entered), executed=executed, budget=budget, computed=pct(rate))


def _typed_rate(ctx: Context, cell: Cell, *, as_actual: bool) -> float | None:
    """The 执行率 where no amounts give it. An execution row's B is an actual value (§3: text
    by nature, a bare number above 2 is percent, as under its ``100%`` target)."""
    num = read_number(cell, rate=True) if as_actual else ctx.number(cell, "执行率", rate=True)
    if num is None or num.value is None:
        if as_actual and num is not None and num.invalid:
            ctx.add("R111", cell, label="执行率", value=str(cell.value).strip())
        return None
    value = num.value
    if not _has_percent_sign(cell) and not cell.is_percent_format and value > 2:
        if not as_actual:
            ctx.add("F107", cell, value=value, percent=value)
        value = value / 100
    return value


def _gap_explained(project: Project) -> bool:
    reason = project.funding.total.cells.get("偏差原因") if project.funding and project.funding.total else None
    return any(f is not None and filled(f.value) for f in (project.problems, project.next_steps)) or filled(reason)


def _has_percent_sign(cell: Cell) -> bool:
    return isinstance(cell.value, str) and "%" in cell.value.replace("％", "%")
