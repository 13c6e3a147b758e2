"""S: the summary sheet agrees with its projects (TEMPLATE §2.2)."""

from __future__ import annotations

import re

from perfxl.model import SummarySheet
from perfxl.rules.context import Context, filled, pct, to_wan
from perfxl.rules.funding import _has_percent_sign
from perfxl.rules.results import ProjectResult
from perfxl.scoring.precision import agrees
from perfxl.excel.labels import nfkc

_YEAR = re.compile(r"^(?:19|20|21)\d{2}年?度?")
_SUFFIX = re.compile(r"(?:项目|费用|经费|工程|款)$")


def exact_name(text) -> str:
    return re.sub(r"\s+", "", nfkc(str(text or "")))


def loose_name(text) -> str:
    """``2025机关大院保洁费用`` and ``机关大院保洁费用项目`` both become ``机关大院保洁``."""
    s = _YEAR.sub("", exact_name(text))
    while True:
        t = _SUFFIX.sub("", s)
        if t == s or not t:
            return s
        s = t


def match_rows(ctx: Context, summary: SummarySheet, projects: list[ProjectResult]):
    """Pairs (row, project); reports rows without a project and projects without a row."""
    exact = {}
    loose = {}
    for p in projects:
        exact.setdefault(exact_name(p.name), p)
        loose.setdefault(loose_name(p.name), p)
    used: set[int] = set()
    pairs = []
    pending = []
    for row in summary.rows:
        cell = row.cells["项目名称"]
        p = exact.get(exact_name(cell.value))
        if p is not None and id(p) not in used:
            used.add(id(p))
            pairs.append((row, p))
        else:
            pending.append(row)
    for row in pending:
        cell = row.cells["项目名称"]
        p = loose.get(loose_name(cell.value))
        if p is not None and id(p) not in used:
            used.add(id(p))
            pairs.append((row, p))
            ctx.add("S103", cell, summary_name=str(cell.value).strip(), project_name=p.name)
        else:
            ctx.add("S101", cell, name=str(cell.value).strip())
    for p in projects:
        if id(p) not in used:
            where = p.project.name.value if p.project.name else None
            ctx.add("S102", where, sheet=p.project.sheet, name=p.name)
    pairs.sort(key=lambda pair: pair[0].row)
    return pairs


def check_summary(ctx: Context, summary: SummarySheet, projects: list[ProjectResult]):
    """Check every row against its project; return the (row, project) pairs."""
    profile = ctx.profile
    pairs = match_rows(ctx, summary, projects)
    for row, p in pairs:
        cells = row.cells
        over = _over_adjusted(ctx, p)
        for col, expected in (("全年预算数", p.funding.budget), ("全年执行数", p.funding.executed)):
            if col in cells and filled(cells[col]) and expected is not None:
                num = ctx.number(cells[col], col)
                value = to_wan(num.value, summary.money_unit) if num else None
                if value is not None and abs(value - expected) > 0.01 + 1e-9:
                    ctx.add("S104", cells[col], column=col, entered=num.value, project_sheet=p.project.sheet,
                            expected=expected * (10000 if summary.money_unit == "元" else 1))
        if "执行率" in cells and filled(cells["执行率"]) and p.funding.rate is not None:
            num = ctx.number(cells["执行率"], "执行率", rate=True)
            if num and num.value is not None:
                v, d = num.value, num.decimals
                if not _has_percent_sign(cells["执行率"]) and not cells["执行率"].is_percent_format and v > 2:
                    v, d = v / 100, d + 2
                if not agrees(v, p.funding.rate, d, tolerance=profile.rate_tolerance):
                    ctx.add("S105", cells["执行率"], entered=pct(v), name=p.name, expected=pct(p.funding.rate))
        if "自评得分" in cells and filled(cells["自评得分"]):
            num = ctx.number(cells["自评得分"], "自评得分")
            copied = over and num is not None and num.value is not None and agrees(
                num.value, p.entered_total, num.decimals, tolerance=profile.score_tolerance)
            if num and num.value is not None and not copied and not agrees(num.value, p.score, num.decimals,
                                                                           tolerance=profile.score_tolerance):
                ctx.add("S106", cells["自评得分"], entered=num.value, name=p.name, expected=p.score)
        if "评价等级" in cells and filled(cells["评价等级"]):
            typed = exact_name(cells["评价等级"].value)
            claimed = over and typed.rstrip("秀好等") == profile.grade(p.entered_total)
            if typed.rstrip("秀好等") != p.grade and not claimed:  # 优秀 / 良好 / 中等 are the same grades
                ctx.add("S107", cells["评价等级"], entered=str(cells["评价等级"].value).strip(), name=p.name,
                        score=p.score, expected=p.grade)
    if summary.total_row is not None:
        _check_total_row(ctx, summary)
    return pairs


def _over_adjusted(ctx: Context, p: ProjectResult) -> bool:
    """The project's 总分 is reported as above its capped or reduced score (V201): a summary row
    that copies that 总分 and its grade is a consequence, not a second problem (§4)."""
    cell = p.project.total_score
    return (p.entered_total is not None and cell is not None
            and any(f.code == "V201" and f.sheet == cell.sheet and f.cell == cell.coord for f in ctx.findings))


def _check_total_row(ctx: Context, summary: SummarySheet) -> None:
    sums = {}
    for col in ("全年预算数", "全年执行数"):
        cell = summary.total_row.cells.get(col)
        if cell is None:
            continue
        values = [ctx.number(r.cells[col], col) for r in summary.rows if col in r.cells]
        total = sum(n.value for n in values if n is not None and n.value is not None)
        sums[col] = total
        if filled(cell):
            num = ctx.number(cell, col)
            if num and num.value is not None and abs(num.value - total) > 0.01 + 1e-9:
                ctx.add("S108", cell, column=col, entered=num.value, expected=total)
    cell = summary.total_row.cells.get("执行率")
    if cell is not None and filled(cell) and sums.get("全年预算数"):
        num = ctx.number(cell, "执行率", rate=True)
        rate = sums.get("全年执行数", 0) / sums["全年预算数"]
        if num and num.value is not None:
            v, d = num.value, num.decimals
            if not _has_percent_sign(cell) and not cell.is_percent_format and v > 2:
                v, d = v / 100, d + 2
            if not agrees(v, rate, d, tolerance=ctx.profile.rate_tolerance):
                ctx.add("S108", cell, column="执行率", entered=pct(v), expected=pct(rate))
