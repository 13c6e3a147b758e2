"""The default text report: header, findings grouped by sheet, project table, unit line."""

from __future__ import annotations

import click

from perfxl.excel import show
from perfxl.excel.textfit import text_width
from perfxl.model import SEVERITY_EN, SEVERITY_ZH
from perfxl.result import CheckResult

COLORS = {"error": "red", "warning": "yellow", "info": "cyan"}


width = text_width  # columns on a terminal: a CJK character takes two


def pad(text: str, n: int, right: bool = False) -> str:
    space = " " * max(0, n - width(text))
    return space + text if right else text + space


money = show.money
pct = show.fixed_percent


WORDS = {
    "zh": {"title": "perfxl 绩效自评检查", "unit": "单位", "year": "年度", "file": "文件", "unknown": "（未知）",
           "unnamed": "（未填写）", "clean": "没有发现问题。", "workbook": "工作簿", "table": "项目一览（金额单位：万元）",
           "head": ["序号", "项目名称", "全年预算数", "全年执行数", "执行率", "填报总分", "核算得分", "等级"],
           "line": "单位：共 {n} 个项目，{counts}；评优率 {rate}；预算合计 {budget} 万元，执行合计 {executed} 万元",
           "count": "{g} {c} 个", "sep": "，", "ungraded": "，待更正 {n} 个（未评分，不计入评优率）",
           "adjusted": "  注：序号{i}，{why}（核算{raw}分，按本方案为{score}分）", "verdict": "结论：错误 {error} 个，警告 {warning} 个，提示 {info} 个",
           "whole": "部门整体支出（{sheet}）：{name}，核算得分 {score}，等级 {grade}，填报总分 {entered}；不计入项目数和评优率"},
    "en": {"title": "perfxl self-evaluation check", "unit": "Unit", "year": "Year", "file": "File", "unknown": "(unknown)",
           "unnamed": "(not filled in)", "clean": "No problems found.", "workbook": "workbook",
           "table": "Projects (amounts in 10,000 yuan)",
           "head": ["No.", "Project", "Budget", "Executed", "Rate", "Entered", "Score", "Grade"],
           "line": "Unit: {n} projects, {counts}; excellent rate {rate}; budget {budget}, executed {executed} (10,000 yuan)",
           "count": "{g} {c}", "sep": ", ", "ungraded": ", {n} to be corrected (no score, not in the excellent rate)",
           "adjusted": "  Note: no. {i}: {why} (computed {raw}, {score} under the profile)",
           "verdict": "Result: {error} {errors}, {warning} {warnings}, {info} {infos}",
           "whole": "Whole unit ({sheet}): {name}, score {score}, grade {grade}, entered {entered}; not counted "
                    "among the projects"},
}


def render(result: CheckResult, file: str, color: bool, lang: str = "zh") -> str:
    w = WORDS["en" if lang == "en" else "zh"]
    severity_words = SEVERITY_EN if lang == "en" else SEVERITY_ZH

    def style(text, **kw):
        return click.style(text, **kw) if color else text

    lines = []
    unit_name = result.unit_name
    lines.append(style(w["title"], bold=True))
    colon = ": " if lang == "en" else "："
    lines.append(f"{w['unit']}{colon}{unit_name or w['unnamed']}    {w['year']}{colon}{result.year or w['unknown']}"
                 f"    {w['file']}{colon}{show.path(file)}")
    lines.append("")

    groups: dict[str | None, list] = {}
    for f in result.findings:
        groups.setdefault(f.sheet, []).append(f)
    if not result.findings:
        lines.append(style(w["clean"], fg="green"))
    def ref(f):
        return f"{f.sheet}!{f.cell}" if f.sheet and f.cell else (f.sheet or "—")
    ref_width = max([14] + [width(ref(f)) for f in result.findings])  # one column whatever the sheet names
    tag_width = max(width(t) for t in severity_words.values())
    brackets = ("[", "]") if lang == "en" else ("【", "】")
    for sheet, items in groups.items():
        lines.append(style(f"{brackets[0]}{sheet or w['workbook']}{brackets[1]}", bold=True))
        for f in items:
            where = ref(f)
            word = severity_words[f.severity]
            tag = style(pad(word, tag_width), fg=COLORS[f.severity], bold=f.severity == "error")
            message, hint = f.text(lang)
            lines.append(f"  {pad(where, ref_width)}  {pad(f.code, 4)}  {tag}  {message}")
            if hint:
                lines.append(style(f"  {' ' * ref_width}  {' ' * 4}  {' ' * tag_width}  → {hint}", dim=True))
        lines.append("")

    lines.append(style(w["table"], bold=True))
    head = w["head"]
    rows = []
    for i, p in enumerate(result.projects, 1):
        rows.append([str(i), p.name, money(p.funding.budget), money(p.funding.executed),
                     pct(p.funding.rate), show.num(p.entered_total),
                     show.num(p.score), p.grade])
    lines.extend(_table(head, rows, right={2, 3, 4, 5, 6}, color=color))
    for i, p in enumerate(result.projects, 1):  # why a score is not the sum: the profile's cap or deduction
        if p.adjustments:
            why = ("; " if lang == "en" else "；").join(a.reason(lang) for a in p.adjustments)
            lines.append(w["adjusted"].format(i=i, why=why, raw=show.num(p.raw_score), score=show.num(p.score)))
    w_ = result.whole_unit
    if w_ is not None:  # the unit's own table (docs/template.md §2.5), apart from the projects
        lines.append(w["whole"].format(sheet=w_.sheet, name=w_.name, score=show.num(w_.score), grade=w_.grade,
                                       entered=show.num(w_.entered_total) if w_.entered_total is not None else "—"))
    lines.append("")
    g = result.grades
    counts = w["sep"].join(w["count"].format(g=k, c=v) for k, v in g.items())
    if result.ungraded:
        counts += w["ungraded"].format(n=result.ungraded)
    rate = result.excellent_rate
    lines.append(w["line"].format(n=len(result.projects), counts=counts, rate=_whole(rate),
                                  budget=money(result.budget_total), executed=money(result.executed_total)))
    n = {s: sum(1 for f in result.findings if f.severity == s) for s in ("error", "warning", "info")}
    plural = {"errors": "error" if n["error"] == 1 else "errors", "warnings": "warning" if n["warning"] == 1 else "warnings",
              "infos": "note" if n["info"] == 1 else "notes"}
    lines.append(style(w["verdict"].format(**n, **plural), fg="red" if n["error"] else ("yellow" if n["warning"] else "green"),
                       bold=True))
    return "\n".join(lines)


def _whole(rate: float | None) -> str:
    """评优率 as a whole percentage, half up (14 of 15 -> 93%); a dash when no project is graded."""
    return "—" if rate is None else show.whole_percent(rate)


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
