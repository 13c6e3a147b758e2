"""The narrative (自评综述) of docs/template.md §5, in the style of the 2025 report.

Numbers in prose: 万元 with at most 2 decimals and no trailing zeros, execution rates as
whole percentages, scores with at most 2 decimals, shares of a total with 2 decimals.
"""

from __future__ import annotations

from perfxl.excel import show
from perfxl.result import CheckResult
from perfxl.rules.results import ProjectResult

num = show.num
share = show.share
whole_pct = show.whole_percent


def project_paragraph(i: int, p: ProjectResult, fill: dict[str, str] | None = None) -> str:
    """``fill``: text for the parts the sheet leaves empty (``实际完成情况``, ``主要问题及原因``,
    ``下一步改进措施``), such as the Word report's placeholders."""
    fill = fill or {}
    f = p.funding
    if not p.graded:  # no score: say so rather than print one
        return f"（{i}）{p.name}绩效自评综述：该项目的全年预算数或执行数尚未正确填写，待更正后评分。"
    out = f"（{i}）{p.name}绩效自评综述：根据年初设定的绩效目标，该项目绩效自评得分为{num(p.stated_score)}分"
    if p.adjustments:  # capped or reduced by the profile: say why, once
        out += "（" + "；".join(a.reason() for a in p.adjustments) + "）"
    out += "。"
    if f.budget is not None and f.executed is not None:
        out += f"全年预算数为{num(f.budget)}万元，执行数为{num(f.executed)}万元，"
        out += f"完成预算的{whole_pct(f.rate)}。" if f.rate is not None else "全年预算数为0，无法计算执行率。"
    actual = p.texts.get("实际完成情况", "") or fill.get("实际完成情况", "")
    if actual:
        out += actual if actual.endswith(("。", "！", "；")) else actual + "。"
    for label, key in (("发现的主要问题及原因", "主要问题及原因"), ("下一步改进措施", "下一步改进措施")):
        text = p.texts.get(key, "") or fill.get(key, "")
        if text:
            out += f"{label}：{text}" + ("" if text.endswith("。") else "。")
    return out


def grades_sentence(result: CheckResult) -> str:
    year = result.year
    n = len(result.projects)
    parts = "，".join(f"“{g}”项目{c}个" for g, c in result.grades.items() if c)
    rate = whole_pct(result.excellent_rate) if result.excellent_rate is not None else "0%"
    prefix = f"{year}年" if year else ""
    if result.ungraded and not parts:
        return f"{prefix}本部门绩效自评项目共{n}个，均待更正、未评定等级。"
    if result.ungraded:  # counted apart, and not in 评优率
        return (f"{prefix}本部门绩效自评项目共{n}个，其中评价等级{parts}，{result.ungraded}个项目待更正、未评定等级，"
                f"评优率为{rate}（不含待更正的项目）。")
    return f"{prefix}本部门绩效自评项目共{n}个，其中评价等级{parts}，评优率为{rate}。"


def unit_paragraph(result: CheckResult, reason: str = "") -> str | None:
    """``reason``: why income differs from 年初预算数, said right after the difference."""
    unit = result.unit
    if unit is None:
        return None
    values = unit.money
    if "财政拨款收入" not in values and "财政拨款支出" not in values:
        return None
    name = unit.name or "本单位"
    year = result.year
    out = f"{name}{year or ''}年度"
    v = values
    if "财政拨款收入" in v:
        out += f"财政拨款决算收入{num(v['财政拨款收入'])}万元"
        if unit.income_change is not None:
            diff = unit.income_change
            out += f"，比年初预算{'增加' if diff >= 0 else '减少'}{num(abs(diff))}万元" if abs(diff) > 1e-9 else "，与年初预算持平"
            if reason and abs(diff) > 1e-9:
                out += f"，决算数{'大于' if diff > 0 else '小于'}预算数的主要原因是{reason.rstrip('。；;')}"
        out += "；"
    if "年初结转和结余" in v:
        out += f"年初结转和结余{num(v['年初结转和结余'])}万元；"
    if "财政拨款支出" in v:
        total = v["财政拨款支出"]
        out += f"财政拨款决算支出{num(total)}万元"
        if "基本支出" in v and "项目支出" in v:
            shares = unit.shares
            out += (f"，其中基本支出{num(v['基本支出'])}万元，占总支出{_share(shares.get('基本支出'))}，"
                    f"项目支出{num(v['项目支出'])}万元，占总支出{_share(shares.get('项目支出'))}")
        out += "。"
    if {"基本支出", "人员经费", "日常公用经费"} <= v.keys():
        shares = unit.shares
        out += (f"基本支出中人员经费{num(v['人员经费'])}万元，占基本支出{_share(shares.get('人员经费'))}，"
                f"日常公用经费{num(v['日常公用经费'])}万元，占基本支出{_share(shares.get('日常公用经费'))}。")
    if "年末结转和结余" in v:
        out += f"年末结转和结余{num(v['年末结转和结余'])}万元。"
    return out


def _share(fraction: float | None) -> str:
    return "—" if fraction is None else show.share(fraction, 1)


def narrative(result: CheckResult) -> list[str]:
    """Paragraphs in report order: unit budget, grades, one per project in sheet order."""
    paragraphs = []
    unit = unit_paragraph(result)
    if unit:
        paragraphs.append(unit)
    paragraphs.append(grades_sentence(result))
    paragraphs.extend(project_paragraph(i, p) for i, p in enumerate(result.projects, 1))
    return paragraphs
