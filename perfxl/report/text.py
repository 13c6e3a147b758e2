"""The default text report: header, findings grouped by sheet, project table, unit line."""

from __future__ import annotations

import unicodedata

import click

from perfxl.rules.catalogue import SEVERITY_ZH, fmt
from perfxl.rules.results import CheckResult

COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, n: int, right: bool = False) -> str:
    space = " " * max(0, n - width(text))
    return space + text if right else text + space


def money(v: float | None) -> str:
    return "" if v is None else f"{v:,.2f}"


def pct(v: float | None, decimals: int = 1) -> str:
    return "" if v is None else f"{v * 100:.{decimals}f}%"


def render(result: CheckResult, file: str, color: bool) -> str:
    def style(text, **kw):
        return click.style(text, **kw) if color else text

    model = result.model
    lines = []
    unit_name = ""
    if model.unit and model.unit.get("单位名称"):
        unit_name = str(model.unit.get("单位名称").value.value or "").strip()
    lines.append(style("perfxl 绩效自评检查", bold=True))
    lines.append(f"单位：{unit_name or '（未填写）'}    年度：{model.year or '（未知）'}    文件：{file}")
    lines.append("")

    groups: dict[str | None, list] = {}
    for f in result.findings:
        groups.setdefault(f.sheet, []).append(f)
    if not result.findings:
        lines.append(style("没有发现问题。", fg="green"))
    for sheet, items in groups.items():
        lines.append(style(f"【{sheet or '工作簿'}】", bold=True))
        for f in items:
            where = f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "—")
            tag = style(f"{SEVERITY_ZH[f.severity]}", fg=COLORS[f.severity], bold=f.severity == "error")
            lines.append(f"  {pad(where, 14)}  {f.code}  {tag}  {f.message}")
            if f.hint:
                lines.append(style(f"  {' ' * 14}        → {f.hint}", dim=True))
        lines.append("")

    lines.append(style("项目一览（金额单位：万元）", bold=True))
    head = ["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "填报总分", "核算得分", "等级"]
    rows = []
    for i, p in enumerate(result.projects, 1):
        rows.append([str(i), p.name, money(p.funding.budget), money(p.funding.executed),
                     pct(p.funding.rate), fmt(p.entered_total) if p.entered_total is not None else "",
                     fmt(p.score), p.grade])
    lines.extend(_table(head, rows, right={2, 3, 4, 5, 6}, color=color))
    lines.append("")
    g = result.grades
    counts = "，".join(f"{k} {v} 个" for k, v in g.items())
    rate = result.excellent_rate
    lines.append(f"单位：共 {len(result.projects)} 个项目，{counts}；评优率 {round(rate * 100) if rate is not None else 0}%；"
                 f"预算合计 {money(result.budget_total)} 万元，执行合计 {money(result.executed_total)} 万元")
    n = {s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")}
    verdict = f"错误 {n['error']} 个，警告 {n['warning']} 个，提示 {n['info']} 个"
    lines.append(style(f"结论：{verdict}", fg="red" if n["error"] else ("yellow" if n["warning"] else "green"), bold=True))
    return "\n".join(lines)


def _table(head: list[str], rows: list[list[str]], right: set[int], color: bool) -> list[str]:
    widths = [max(width(r[i]) for r in [head, *rows]) for i in range(len(head))]
    widths[1] = min(widths[1], 44)
    out = []
    for r in [head, *rows]:
        cells = []
        for i, text in enumerate(r):
            if i == 1 and width(text) > widths[1]:
                while width(text) > widths[1] - 1:
                    text = text[:-1]
                text += "…"
            cells.append(pad(text, widths[i], right=i in right))
        out.append("  " + "  ".join(cells))
    return out
