"""The reviewer's estimate (复核预估, docs/template.md §4.2): what a 主管部门 or 财政局 that
reviews a unit's self-evaluation pre-fills in its 复核底稿, computed once from the check.

Per indicator: the unit's 自评完成值 and 自评得分 beside 复核完成值 (B as read), 复核得分 (the
score the rules allow: the accepted score less what the profile's indicator-design rules
take), 偏离度 (B/A for quantitative rows) and 备注 (the findings at that row). Per project:
the 复核预估分 — the check's project score, so both always agree — with the steps that lead
from the rows to it (design deductions of the project, the deviation deduction, the
execution cap), its grade, and the problems by priority:

- P1: errors that change a score or grade (a score above what the rules allow, totals that do
  not add up, weights, a summary score or grade that disagrees, or any error at a cell that
  holds a score or a grade);
- P2: the other errors, and the reviewer warnings (families V and D);
- P3: the rest.

Nothing here reads a cell or decides a score: views/review.py draws this, ``--format json``
prints it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from perfxl.excel import show
from perfxl.excel.labels import is_dash
from perfxl.excel.show import json_number
from perfxl.model import Finding
from perfxl.result import CheckResult
from perfxl.rules.results import IndicatorResult, ProjectResult
from perfxl.scoring.adjust import deviates
from perfxl.scoring.targets import display_text

PRIORITIES = ("P1", "P2", "P3")
# errors that change a score or grade wherever they are (and any error at a score or grade cell)
SCORE_CODES = frozenset({"I101", "I104", "I109", "F103", "T101", "T104", "S106", "S107", "V201"})
REVIEWER_FAMILIES = ("V", "D")


def priority(f: Finding, score_cells: set[tuple[str, str]]) -> str:
    if f.severity == "error" and (f.code in SCORE_CODES or (f.sheet, f.cell) in score_cells):
        return "P1"
    if f.severity == "error" or (f.severity == "warning" and f.code[0] in REVIEWER_FAMILIES):
        return "P2"
    return "P3"


@dataclass
class Row:
    """One row of a project's 复核 table: an indicator, a sub-item, a row scored with the row
    above (merged 得分), or the execution row (预算执行率, the funding score)."""

    kind: str  # indicator | sub | merged | funding
    cell: str  # where the row is in the unit's sheet (its 三级指标, or the funding 得分)
    level1: str
    level2: str
    name: str
    target: str  # 指标值 as the form shows it
    weight: float | None
    actual: str  # 自评完成值 as the form shows it
    entered: float | None  # 自评得分
    review_actual: float | str | None  # 复核完成值: B as read (a number, in ``unit``) or B's text
    unit: str | None = None  # the unit review_actual is shown in ("%" for a rate)
    review_score: float | None = None  # 复核得分 pre-filled
    target_number: float | None = None  # A in review_actual's unit: 偏离度 = 复核完成值 ÷ A
    direction: str | None = None
    ratio: float | None = None  # 偏离度 B/A
    deviates: bool = False  # beats A by the profile's deviation share (V102)
    deducted: float = 0.0  # what the profile's indicator-design rules took
    notes: list[Finding] = field(default_factory=list)  # 备注: the findings at this row
    extra: str = ""  # 备注 of perfxl's own (the funding amounts, a merged or sub-item row)
    reason: str = ""  # the unit's 偏差原因, carried into 备注 (a worksheet explains its gaps there)

    def remark(self, lang: str = "zh") -> str:
        parts = [self.extra] if self.extra else []
        if self.reason:
            parts.append(("Reason given: " if lang == "en" else "偏差原因：") + self.reason)
        parts += [f"{f.code} {f.text(lang)[0]}" for f in self.notes]
        return "；".join(parts) if lang != "en" else "; ".join(parts)

    def json(self, lang: str = "zh") -> dict:
        actual = self.review_actual
        return {"kind": self.kind, "cell": self.cell, "level1": self.level1, "level2": self.level2,
                "name": self.name, "target": self.target, "weight": json_number(self.weight),
                "entered_actual": self.actual, "entered_score": json_number(self.entered),
                "review_actual": json_number(actual) if isinstance(actual, float) else actual,
                "review_unit": self.unit, "review_score": json_number(self.review_score),
                "deviation_ratio": json_number(self.ratio), "deviates": self.deviates,
                "deducted": json_number(self.deducted), "codes": [f.code for f in self.notes],
                "remark": self.remark(lang)}


@dataclass
class ProjectEstimate:
    sheet: str
    name: str
    department: str
    implementer: str
    budget: float | None
    executed: float | None
    rate: float | None
    rows: list[Row]
    total_weight: float | None
    entered: float | None  # the 总分 as the unit typed it
    entered_grade: str | None
    score: float  # 复核预估分 (the check's project score)
    grade: str
    design_points: float  # what the indicator-design rules take from the project itself
    deviation_points: float  # the deviation deduction (points × deviating indicators)
    deviating: int
    cap: float | None  # the execution cap for the project's 执行率, None when none applies
    steps: list  # the profile's adjustments, with their reasons
    notes: list[Finding]  # findings about the project that are on no row
    texts: dict[str, str]  # 主要问题及原因, 下一步改进措施 as typed
    priorities: dict[str, int]

    @property
    def difference(self) -> float | None:
        return None if self.entered is None else round(self.score - self.entered, 2)

    def funding_text(self) -> str:
        """``全年预算数90万元，全年执行数30万元，执行率33.33%``: the amounts behind the execution row."""
        parts = []
        if self.budget is not None:
            parts.append(f"全年预算数{show.num(self.budget)}万元")
        if self.executed is not None:
            parts.append(f"全年执行数{show.num(self.executed)}万元")
        if self.rate is not None:
            parts.append(f"执行率{show.num(self.rate * 100)}%")
        return "，".join(parts) or "未填写"

    def remark(self, lang: str = "zh") -> str:
        parts = [a.reason(lang) for a in self.steps]
        parts += [f"{f.code} {f.text(lang)[0]}" for f in self.notes]
        return "；".join(parts) if lang != "en" else "; ".join(parts)

    def json(self, lang: str = "zh") -> dict:
        return {"sheet": self.sheet, "name": self.name, "execution_rate": json_number(self.rate),
                "budget": json_number(self.budget), "executed": json_number(self.executed),
                "entered_score": json_number(self.entered), "entered_grade": self.entered_grade,
                "review_score": json_number(self.score), "review_grade": self.grade,
                "difference": json_number(self.difference),
                "deductions": {"design": json_number(self.design_points),
                               "deviation": json_number(self.deviation_points), "cap": json_number(self.cap)},
                "priorities": dict(self.priorities), "remark": self.remark(lang),
                "rows": [r.json(lang) for r in self.rows]}


@dataclass
class Problem:
    priority: str
    finding: Finding
    project: str | None  # the project's sheet, None for the unit's or the workbook's problems

    def json(self, lang: str = "zh") -> dict:
        message, hint = self.finding.text(lang)
        f = self.finding
        return {"priority": self.priority, "code": f.code, "severity": f.severity, "sheet": f.sheet, "cell": f.cell,
                "project": self.project, "message": message, "hint": hint}


@dataclass
class Estimate:
    """A unit's 复核底稿, pre-filled: every figure the worksheet and ``review --format json`` show."""

    file: str
    unit: str
    year: int | None
    profile: str
    grades: list[tuple[str, float]]  # the profile's grade limits, highest first
    caps: list[tuple[float, float]]  # the profile's execution caps (执行率 below, max score)
    deviation_share: float
    deviation_each: float  # points per deviating indicator
    projects: list[ProjectEstimate]
    problems: list[Problem]

    def grade_counts(self, entered: bool = False) -> dict[str, int]:
        out = {g: 0 for g, _ in self.grades}
        for p in self.projects:
            g = p.entered_grade if entered else p.grade
            if g is not None:
                out[g] = out.get(g, 0) + 1
        return out

    def priority_counts(self) -> dict[str, int]:
        out = {p: 0 for p in PRIORITIES}
        for x in self.problems:
            out[x.priority] += 1
        return out

    @property
    def excellent_rate(self) -> float | None:
        top = self.grades[0][0] if self.grades else "优"
        return self.grade_counts()[top] / len(self.projects) if self.projects else None

    def summary(self) -> dict:
        return {"projects": len(self.projects), "entered_grades": self.grade_counts(entered=True),
                "review_grades": self.grade_counts(), "review_excellent_rate": json_number(self.excellent_rate),
                "priorities": self.priority_counts()}

    def brief(self, worksheet: str | None) -> dict:
        """What ``batch --review`` adds to a file's JSON line (its key ``review``): the worksheet and
        each project's 复核预估分, grade and problems by priority."""
        return {"worksheet": worksheet, "profile": self.profile,
                "projects": [{"sheet": p.sheet, "review_score": json_number(p.score), "review_grade": p.grade,
                              "priorities": dict(p.priorities)} for p in self.projects],
                "summary": self.summary()}

    def json(self, lang: str = "zh") -> dict:
        return {"file": self.file, "profile": self.profile, "unit": {"name": self.unit or None, "year": self.year},
                "projects": [p.json(lang) for p in self.projects], "summary": self.summary(),
                "problems": [x.json(lang) for x in self.problems]}


# -- building it from the check ---------------------------------------------------------------

def estimate(result: CheckResult, profile, file: str) -> Estimate:
    cells = score_cells(result)
    owner = {id(f): p.project.sheet for p in reversed(result.projects) for f in result.about(p.project.sheet)}
    problems = [Problem(priority(f, cells), f, owner.get(id(f))) for f in result.findings]
    order = {p: i for i, p in enumerate(PRIORITIES)}
    sheets = {p.project.sheet: i for i, p in enumerate(result.projects)}
    place = {id(f): i for i, f in enumerate(result.findings)}
    problems.sort(key=lambda x: (order[x.priority], sheets.get(x.project, len(sheets)), place[id(x.finding)]))
    projects = [_project(result, p, profile, [x for x in problems if x.project == p.project.sheet])
                for p in result.projects]
    return Estimate(file, result.unit_name, result.year, profile.name, list(profile.grades),
                    list(profile.execution_caps), profile.deviation_share, profile.deviation_points,
                    projects, problems)


def score_cells(result: CheckResult) -> set[tuple[str, str]]:
    """The cells that hold a score or a grade: indicator and funding 得分, 执行率, 总分, and the
    summary sheet's 自评得分 and 评价等级."""
    out = set()
    for p in result.projects:
        proj = p.project
        for ind in proj.indicators:
            if ind.score is not None and ind.score.coord:
                out.add((proj.sheet, ind.score.coord))
        if p.funding.cell:
            out.add((proj.sheet, p.funding.cell))
        total = proj.funding.total.cells if proj.funding and proj.funding.total else {}
        if total.get("执行率") is not None:
            out.add((proj.sheet, total["执行率"].coord))
        if proj.total_score is not None and proj.total_score.coord:
            out.add((proj.sheet, proj.total_score.coord))
    for row in result.summary_rows:
        for column in ("自评得分", "评价等级"):
            if row.cells.get(column):
                out.add((row.sheet, row.cells[column]))
    return out


def _s(value) -> str:
    return "" if value is None else str(value).strip()


def _field(f) -> str:
    return _s(f.value.value) if f is not None and not is_dash(f.value.value) else ""


def _row_of(coord: str | None) -> int | None:
    digits = "".join(ch for ch in coord or "" if ch.isdigit())
    return int(digits) if digits else None


def _project(result: CheckResult, p: ProjectResult, profile, problems: list[Problem]) -> ProjectEstimate:
    proj = p.project
    funding = _funding_row(p)
    rows = [funding] + [_indicator_row(r, profile) for r in p.indicators]
    by_row: dict[int, Row] = {}
    for r, res in zip(rows[1:], p.indicators):
        for n in [res.indicator.row, *res.indicator.merged_rows]:
            by_row.setdefault(n, r)
    funding_rows = {fr.row for fr in proj.funding.rows.values()} if proj.funding else set()
    notes = []
    for x in problems:
        f = x.finding
        n = _row_of(f.cell) if f.sheet == proj.sheet else None
        if n is not None and n in by_row:
            by_row[n].notes.append(f)
        elif n is not None and n in funding_rows:
            funding.notes.append(f)
        else:
            notes.append(f)
    deviating = sum(1 for r in p.indicators if not r.indicator.sub_item
                    and deviates(r.deviation, profile.deviation_share))
    steps = list(p.adjustments)
    cap = profile.cap_for(p.funding.rate)
    counts = {k: 0 for k in PRIORITIES}
    for x in problems:
        counts[x.priority] += 1
    entered_grade = profile.grade(p.entered_total) if p.entered_total is not None else None
    tw = proj.total_weight
    total_weight = tw.value if tw is not None and isinstance(tw.value, (int, float)) and not isinstance(
        tw.value, bool) else None
    return ProjectEstimate(
        proj.sheet, p.name, _field(proj.department), _field(proj.implementer), p.funding.budget,
        p.funding.executed, p.funding.rate, rows, total_weight, p.entered_total, entered_grade, p.score, p.grade,
        p.design_points, profile.deviation_points * deviating if profile.deviation_points > 0 else 0.0, deviating,
        cap[1] if cap is not None else None, steps, notes, dict(p.texts), counts)


def _funding_row(p: ProjectResult) -> Row:
    """The execution row: 预算执行率 against 100%, its 分值 the funding weight, its B the rate."""
    f = p.funding
    proj = p.project
    total = proj.funding.total.cells if proj.funding and proj.funding.total else {}
    typed = total.get("执行率")
    shown = display_text(typed.value, typed.number_format) if typed is not None and not is_dash(typed.value) else ""
    if not shown and f.rate is not None:
        shown = show.num(f.rate * 100) + "%"
    reason = total.get("偏差原因")
    return Row("funding", f.cell or "", "预算执行", "预算执行率", "预算执行率", "100%", f.weight, shown, f.entered,
               f.rate, "%", f.computed, None, None,
               reason=_s(reason.value) if reason is not None and not is_dash(reason.value) else "")


def _indicator_row(r: IndicatorResult, profile) -> Row:
    ind = r.indicator
    kind = "sub" if ind.sub_item else "merged" if ind.merged_into is not None else "indicator"
    head = kind == "indicator"
    actual = display_text(ind.actual.value, ind.actual.number_format)
    row = Row(kind, ind.name.coord, _s(ind.level1.value), _s(ind.level2.value), _s(ind.name.value), ind.target_text,
              r.weight if head else None, actual, r.entered if head else None, actual or None,
              direction=r.direction, deducted=r.deducted,
              reason=_s(ind.reason.value) if ind.reason is not None and not is_dash(ind.reason.value) else "")
    if head:
        row.review_score = round((r.accepted or 0.0) - r.deducted, 6) if r.accepted is not None else None
    if kind == "sub":
        row.extra = "“其中”子项，不计分"
    elif kind == "merged":
        row.extra = f"与第{ind.merged_into}行合并评分"
    target = r.target
    if target is not None and target.kind == "quantitative" and r.actual_number is not None:
        a = target.upper if target.upper is not None and r.direction in ("at_least", "more_than") else target.number
        scale, unit = 1.0, target.unit
        if target.percent:
            scale = 100.0
        elif target.unit == "元" and "万元" in ind.target_text:
            scale, unit = 10000.0, "万元"
        elif target.unit == "元" and "亿元" in ind.target_text:
            scale, unit = 1e8, "亿元"
        row.review_actual = r.actual_number / scale
        row.unit = unit
        if a is not None and a > 0:
            row.target_number = a / scale
            row.ratio = r.actual_number / a
        row.deviates = deviates(r.deviation, profile.deviation_share)
    return row
