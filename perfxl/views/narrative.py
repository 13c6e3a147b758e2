"""The narrative (自评综述) of TEMPLATE §5, in the style of the 2025 report.

Numbers in prose: 万元 with at most 2 decimals and no trailing zeros, execution rates as
whole percentages, scores with at most 2 decimals, shares of a total with 2 decimals.
"""

from __future__ import annotations

from perfxl.rules.context import to_wan
from perfxl.rules.results import CheckResult, ProjectResult
from perfxl.scoring.precision import round_half_up
from perfxl.excel.labels import is_dash
from perfxl.excel.numbers import read_number


def num(value: float) -> str:
    """``19``, ``46.8``, ``46.76``: at most 2 decimals, no trailing zeros."""
    text = f"{round_half_up(value, 2):.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def share(part: float, whole: float) -> str:
    return f"{round_half_up(part / whole * 100, 2):.2f}%" if whole else "—"


def whole_pct(rate: float) -> str:
    return f"{int(round_half_up(rate * 100, 0))}%"


def _text(cell) -> str:
    if cell is None or is_dash(cell.value):
        return ""
    return str(cell.value).strip()


def project_paragraph(i: int, p: ProjectResult) -> str:
    f = p.funding
    out = f"（{i}）{p.name}绩效自评综述：根据年初设定的绩效目标，该项目绩效自评得分为{num(p.score)}分"
    if p.adjustments:  # capped or reduced by the profile: say why, once
        out += "（" + "；".join(a.reason() for a in p.adjustments) + "）"
    out += "。"
    if f.budget is not None and f.executed is not None:
        out += f"全年预算数为{num(f.budget)}万元，执行数为{num(f.executed)}万元，"
        out += f"完成预算的{whole_pct(f.rate)}。" if f.rate is not None else "全年预算数为0，无法计算执行率。"
    actual = _text(p.project.goal_actual)
    if actual:
        out += actual if actual.endswith(("。", "！", "；")) else actual + "。"
    for label, field in (("发现的主要问题及原因", p.project.problems), ("下一步改进措施", p.project.next_steps)):
        text = _text(field.value) if field else ""
        if text:
            out += f"{label}：{text}" + ("" if text.endswith("。") else "。")
    return out


def grades_sentence(result: CheckResult) -> str:
    year = result.model.year
    n = len(result.projects)
    parts = "，".join(f"“{g}”项目{c}个" for g, c in result.grades.items() if c)
    rate = whole_pct(result.excellent_rate) if result.excellent_rate is not None else "0%"
    prefix = f"{year}年" if year else ""
    return f"{prefix}本部门绩效自评项目共{n}个，其中评价等级{parts}，评优率为{rate}。"


def unit_paragraph(result: CheckResult) -> str | None:
    unit = result.model.unit
    if unit is None:
        return None
    values = {}
    for name in ("年初预算数", "年初结转和结余", "财政拨款收入", "财政拨款支出", "基本支出", "人员经费",
                 "日常公用经费", "项目支出", "年末结转和结余"):
        f = unit.get(name)
        if f is not None:
            v = read_number(f.value).value
            if v is not None:
                values[name] = to_wan(v, unit.money_unit)
    if "财政拨款收入" not in values and "财政拨款支出" not in values:
        return None
    name = _text(unit.get("单位名称").value) if unit.get("单位名称") else "本单位"
    year = result.model.year
    out = f"{name}{year or ''}年度"
    v = values
    if "财政拨款收入" in v:
        out += f"财政拨款决算收入{num(v['财政拨款收入'])}万元"
        if "年初预算数" in v:
            diff = v["财政拨款收入"] - v["年初预算数"]
            out += f"，比年初预算{'增加' if diff >= 0 else '减少'}{num(abs(diff))}万元" if abs(diff) > 1e-9 else "，与年初预算持平"
        out += "；"
    if "年初结转和结余" in v:
        out += f"年初结转和结余{num(v['年初结转和结余'])}万元；"
    if "财政拨款支出" in v:
        total = v["财政拨款支出"]
        out += f"财政拨款决算支出{num(total)}万元"
        if "基本支出" in v and "项目支出" in v:
            out += (f"，其中基本支出{num(v['基本支出'])}万元，占总支出{share(v['基本支出'], total)}，"
                    f"项目支出{num(v['项目支出'])}万元，占总支出{share(v['项目支出'], total)}")
        out += "。"
    if {"基本支出", "人员经费", "日常公用经费"} <= v.keys():
        basic = v["基本支出"]
        out += (f"基本支出中人员经费{num(v['人员经费'])}万元，占基本支出{share(v['人员经费'], basic)}，"
                f"日常公用经费{num(v['日常公用经费'])}万元，占基本支出{share(v['日常公用经费'], basic)}。")
    if "年末结转和结余" in v:
        out += f"年末结转和结余{num(v['年末结转和结余'])}万元。"
    return out


def narrative(result: CheckResult) -> list[str]:
    """Paragraphs in report order: unit budget, grades, one per project in sheet order."""
    paragraphs = []
    unit = unit_paragraph(result)
    if unit:
        paragraphs.append(unit)
    paragraphs.append(grades_sentence(result))
    paragraphs.extend(project_paragraph(i, p) for i, p in enumerate(result.projects, 1))
    return paragraphs
