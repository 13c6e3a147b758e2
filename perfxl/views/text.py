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

    groups = by_sheet(result.findings)
    if not result.findings:
        lines.append(style(w["clean"], fg="green"))
    ref_width = max([14] + [width(ref(f.sheet, f.cell)) for f in result.findings])  # one column whatever the sheet names
    tag_width = max(width(t) for t in severity_words.values())
    brackets = ("[", "]") if lang == "en" else ("【", "】")
    for sheet, items in groups.items():
        lines.append(style(f"{brackets[0]}{sheet or w['workbook']}{brackets[1]}", bold=True))
        for f in items:
            where = ref(f.sheet, f.cell)
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
        rows.append(project_cells(i, p.name, p.funding.budget, p.funding.executed, p.funding.rate, p.entered_total,
                                  p.score, p.grade))
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
    lines.append(unit_line(len(result.projects), result.grades, result.excellent_rate, result.budget_total,
                           result.executed_total, lang, ungraded=result.ungraded))
    n = severities(f.severity for f in result.findings)
    lines.append(style(verdict(n, lang), fg="red" if n["error"] else ("yellow" if n["warning"] else "green"),
                       bold=True))
    return "\n".join(lines)


def ref(sheet: str | None, cell: str | None) -> str:
    """Where a finding is: ``项目3!H17``, a sheet alone, or a dash for the workbook."""
    return f"{sheet}!{cell}" if sheet and cell else (sheet or "—")


def by_sheet(findings, sheet=lambda f: f.sheet) -> dict:
    """Findings grouped by sheet, each sheet where its first finding is: the report's sections
    (the web page groups the JSON findings with ``sheet=lambda f: f["sheet"]``)."""
    groups: dict[str | None, list] = {}
    for f in findings:
        groups.setdefault(sheet(f), []).append(f)
    return groups


def unit_line(n: int, grades: dict, rate: float | None, budget, executed, lang: str = "zh", *,
              ungraded: int = 0) -> str:
    """单位：共 15 个项目，优 14 个，…（，待更正 1 个…）；评优率 93%；预算合计 …"""
    w = WORDS["en" if lang == "en" else "zh"]
    counts = w["sep"].join(w["count"].format(g=k, c=v) for k, v in grades.items())
    if ungraded:
        counts += w["ungraded"].format(n=ungraded)
    return w["line"].format(n=n, counts=counts, rate=_whole(rate), budget=money(budget), executed=money(executed))


def severities(found) -> dict[str, int]:
    """How many findings of each severity (``found``: their severities)."""
    n = {"error": 0, "warning": 0, "info": 0}
    for s in found:
        n[s] += 1
    return n


def verdict(n: dict[str, int], lang: str = "zh") -> str:
    """结论：错误 2 个，警告 13 个，提示 0 个"""
    w = WORDS["en" if lang == "en" else "zh"]
    plural = {"errors": "error" if n["error"] == 1 else "errors", "warnings": "warning" if n["warning"] == 1 else "warnings",
              "infos": "note" if n["info"] == 1 else "notes"}
    return w["verdict"].format(**n, **plural)


def project_cells(i: int, name, budget, executed, rate, entered, score, grade) -> list[str]:
    """One row of the project table as shown: 序号, 名称, amounts, 执行率, 填报总分, 核算得分, 等级."""
    return [str(i), name or "", money(budget), money(executed), pct(rate), show.num(entered), show.num(score),
            grade or ""]


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
