"""U: the unit sheet's identities (TEMPLATE §2.1)."""

from __future__ import annotations

from perfxl.model import UnitSheet
from perfxl.rules.context import Context, to_wan
from perfxl.rules.results import ProjectResult
from perfxl.excel.labels import UNIT_COUNTS, UNIT_MONEY, is_dash

TOL = 0.01 + 1e-9


def check_unit(ctx: Context, unit: UnitSheet, projects: list[ProjectResult]) -> None:
    for name, what in (("单位名称", "单位全称"), ("评价年度", "四位年份，如 2025")):
        f = unit.get(name)
        if f is None or is_dash(f.value.value):
            cell = f.value if f else None
            ctx.add("R110", cell, sheet=unit.sheet, label=name, what=what)
    year = unit.get("评价年度")
    if year is not None and not is_dash(year.value.value):
        try:
            y = float(str(year.value.value).strip().rstrip("年度").rstrip("年"))
            ok = y == int(y) and 2000 <= y <= 2100
        except ValueError:
            ok = False
        if not ok:
            ctx.add("R115", year.value, value=str(year.value.value).strip())

    counts = _numbers(ctx, unit, UNIT_COUNTS)
    for name, value in counts.items():
        if value < 0 or value != int(value):
            ctx.add("U106", unit.get(name).value, label=name, value=value)
    parts = [counts[n] for n in UNIT_COUNTS[:-1] if n in counts]
    if "人员合计" in counts and parts and abs(sum(parts) - counts["人员合计"]) > 1e-9:
        ctx.add("U101", unit.get("人员合计").value, entered=counts["人员合计"], expected=sum(parts))

    money = {k: to_wan(v, unit.money_unit) for k, v in _numbers(ctx, unit, UNIT_MONEY).items()}

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
    executed = [p.funding.executed for p in projects if p.funding.executed is not None]
    if "项目支出" in m and executed and abs(sum(executed) - m["项目支出"]) > TOL:
        ctx.add("U105", cell("项目支出"), entered=m["项目支出"], count=len(executed), expected=sum(executed))


def _numbers(ctx: Context, unit: UnitSheet, names) -> dict[str, float]:
    """The unit sheet's numbers among ``names`` that are present and readable."""
    out = {}
    for name in names:
        f = unit.get(name)
        num = ctx.number(f.value, name) if f is not None else None
        if num is not None and num.value is not None:
            out[name] = num.value
    return out
