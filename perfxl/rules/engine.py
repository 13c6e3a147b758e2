"""Run every check over a read workbook: one pass, one list of findings."""

from __future__ import annotations

import os

from perfxl.excel.labels import is_dash
from perfxl.excel.refs import split
from perfxl.model import Project, Rubric, WorkbookModel, finding
from perfxl.rules.catalogue import RULES, select
from perfxl.rules.causes import attribute
from perfxl.rules.context import Context
from perfxl.rules.design import check_design, check_design_unit
from perfxl.rules.formulas import audit_formulas
from perfxl.rules.funding import check_funding
from perfxl.rules.indicators import check_indicators
from perfxl.rules.results import UNGRADED, FundingResult, Outcome, ProjectResult
from perfxl.rules.reviewer import check_reviewer
from perfxl.rules.rubric import check_rubric
from perfxl.rules.summary import check_summary
from perfxl.rules.totals import check_totals
from perfxl.rules.unit import check_unit, check_years

GRADES = ("优", "良", "中", "差")


def check_model(model: WorkbookModel, profile, *, select_codes=(), ignore_codes=(), losses=()) -> Outcome:
    """Every check over a read workbook; ``perfxl.result.run_checks`` wraps this into a CheckResult.
    ``losses``: what the result workbook cannot keep (R119, one finding each, after the others)."""
    enabled = select(list(RULES), tuple(select_codes), tuple(ignore_codes))
    ctx = Context(profile, enabled)
    for f in model.findings:  # found while reading
        ctx.adopt(f)
    year = model.year
    projects = [_check_project(ctx, project, year) for project in model.projects]
    whole = None  # the unit's whole-unit table: checked like a project, counted apart (§2.5)
    if isinstance(model.whole_unit, Rubric):
        whole = check_rubric(ctx, model.whole_unit)
    elif model.whole_unit is not None:
        whole = _check_project(ctx, model.whole_unit, year)
    scored = projects + ([whole] if isinstance(whole, ProjectResult) else [])
    if year is None and any(r.kind == "deadline" for p in scored for r in p.indicators):
        ctx.add("R116", None)
    unit = None
    if model.unit is None:
        ctx.add("R101", None)
    else:
        unit = check_unit(ctx, model.unit, projects)
        check_years(ctx, model.unit, unit, projects, model.path)
    check_design_unit(ctx, model.unit, projects)
    pairs, rows = [], []
    if model.summary is None:
        if projects:  # a whole-unit table alone needs no summary of projects
            ctx.add("R102", None)
    else:
        pairs, rows = check_summary(ctx, model.summary, projects,
                                    [whole] if isinstance(whole, ProjectResult) else [])
    if model.source_format == "xls":  # values only: no formula text to audit
        ctx.add("R121", None, name=os.path.basename(model.path))
    elif any(code.startswith("X") for code in enabled):
        _audit(ctx, model, pairs)
    grades = {g: 0 for g in GRADES}
    for p in projects:
        if p.graded:  # a project without a score is counted apart (CheckResult.ungraded)
            grades[p.grade] = grades.get(p.grade, 0) + 1
    findings = sorted(attribute(ctx.findings, model), key=_order(model))
    if "R119" in enabled:
        findings += [finding("R119", None, None, part=part) for part in losses]
    return Outcome(model, projects, findings, grades, unit, rows, whole)


def _check_project(ctx: Context, project: Project, year: int | None) -> ProjectResult:
    """Every project rule over one project sheet (or a whole-unit table in its shape)."""
    profile = ctx.profile
    if not_filled_in(project):  # one finding for the sheet, not one per empty cell
        total = project.funding.total if project.funding is not None else None
        ctx.add("R130", total.cells.get("全年预算数") if total is not None else None, sheet=project.sheet)
        return ProjectResult(project, FundingResult(weight=profile.funding_weight), score=None,
                             grade=UNGRADED, entered_agrees=None, texts=_texts(project))
    if project.name is None or not str(project.name.value.value or "").strip():
        cell = project.name.value if project.name else None
        label, what = ("单位名称", "单位全称") if project.whole_unit else ("项目名称", "项目全称")
        ctx.add("R110", cell, sheet=project.sheet, label=label, what=what)
    funding = check_funding(ctx, project)
    indicators = check_indicators(ctx, project, year)
    design = check_design(ctx, project, indicators)
    entered, score, agrees, raw, steps = check_totals(ctx, project, funding, indicators, design)
    if funding.rate is None and (funding.budget is None or funding.executed is None):  # no score, not a wrong one
        # (a form that gives only the rate — an execution row, label–value pairs — is scored from it)
        # the reviewer's doubts are about a score: there is none yet
        return ProjectResult(project, funding, indicators, entered, None, UNGRADED, None, _texts(project), raw, steps)
    grade = profile.grade(score)
    stated = entered if agrees and profile.grade(entered) == grade else None
    result = ProjectResult(project, funding, indicators, entered, score, grade, agrees, _texts(project), raw, steps,
                           stated, design_points=design[0])
    check_reviewer(ctx, result)
    return result


def not_filled_in(project) -> bool:
    """No amount in the funding block and no target, actual value or score in any indicator row:
    a sheet as ``perfxl init`` left it (a name or 分值 alone do not make it filled in)."""
    funding = project.funding
    rows = funding.rows.values() if funding is not None else ()
    if any(not is_dash(c.value) for row in rows for k, c in row.cells.items()
           if k in ("年初预算数", "全年预算数", "全年执行数")):
        return False
    return all(c is None or is_dash(c.value) for ind in project.indicators for c in (ind.target, ind.actual, ind.score))


def _texts(project) -> dict[str, str]:
    out = {}
    for key, cell in (("实际完成情况", project.goal_actual),
                      ("主要问题及原因", project.problems.value if project.problems else None),
                      ("下一步改进措施", project.next_steps.value if project.next_steps else None)):
        if cell is not None and not is_dash(cell.value):
            out[key] = str(cell.value).strip()
    return out


STALE_SENSITIVE = ("F", "T", "S", "U")


def _audit(ctx: Context, model: WorkbookModel, pairs) -> None:
    """The formula audit; a stale cached value is the cause of any arithmetic finding at its cell."""
    from perfxl.workbook.reader import make_evaluator

    evaluator = make_evaluator(model.grids.values(), model.defined_names)
    data = {p.sheet for p in model.projects}
    if model.whole_unit is not None:
        data.add(model.whole_unit.sheet)
    data |= {s.sheet for s in (model.unit, model.summary) if s is not None}
    rows = [(row.cells, p.project.sheet, p.name) for row, p in pairs]
    audit_formulas(ctx, model, evaluator, data, rows)
    stale = {(f.sheet, f.cell) for f in ctx.findings if f.code == "X109"}
    if stale:
        ctx.findings = [f for f in ctx.findings
                        if not ((f.sheet, f.cell) in stale and f.code.startswith(STALE_SENSITIVE))]


def _order(model: WorkbookModel):
    sheets = {name: i for i, name in enumerate(model.sheet_names)}

    def key(f):
        row, col = _split(f.cell)
        return (f.sheet is not None, sheets.get(f.sheet, -1), row, col, f.code)
    return key


def _split(cell: str | None) -> tuple[int, int]:
    """(row, column) of a finding's cell, (0, 0) when it names none."""
    return (split(cell) if cell else None) or (0, 0)
