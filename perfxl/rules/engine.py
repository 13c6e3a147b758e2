"""Run every check over a read workbook: one pass, one list of findings."""

from __future__ import annotations

import os

from perfxl.excel.labels import is_dash
from perfxl.model import WorkbookModel, finding
from perfxl.rules.catalogue import RULES, select
from perfxl.rules.causes import attribute
from perfxl.rules.context import Context
from perfxl.rules.design import check_design, check_design_unit
from perfxl.rules.formulas import audit_formulas
from perfxl.rules.funding import check_funding
from perfxl.rules.indicators import check_indicators
from perfxl.rules.results import Outcome, ProjectResult
from perfxl.rules.reviewer import check_reviewer
from perfxl.rules.summary import check_summary
from perfxl.rules.totals import check_totals
from perfxl.rules.unit import check_unit

GRADES = ("优", "良", "中", "差")


def check_model(model: WorkbookModel, profile, *, select_codes=(), ignore_codes=(), losses=()) -> Outcome:
    """Every check over a read workbook; ``perfxl.result.run_checks`` wraps this into a CheckResult.
    ``losses``: what the result workbook cannot keep (R119, one finding each, after the others)."""
    enabled = select(list(RULES), tuple(select_codes), tuple(ignore_codes))
    ctx = Context(profile, enabled)
    for f in model.findings:  # found while reading
        ctx.adopt(f)
    year = model.year
    projects: list[ProjectResult] = []
    for project in model.projects:
        if project.name is None or not str(project.name.value.value or "").strip():
            cell = project.name.value if project.name else None
            ctx.add("R110", cell, sheet=project.sheet, label="项目名称", what="项目全称")
        funding = check_funding(ctx, project)
        indicators = check_indicators(ctx, project, year)
        design = check_design(ctx, project, indicators)
        entered, score, agrees, raw, steps = check_totals(ctx, project, funding, indicators, design)
        projects.append(ProjectResult(project, funding, indicators, entered, score, profile.grade(score), agrees,
                                      _texts(project), raw, steps, design[0]))
        check_reviewer(ctx, projects[-1])
    if year is None and any(r.kind == "deadline" for p in projects for r in p.indicators):
        ctx.add("R116", None)
    unit = None
    if model.unit is None:
        ctx.add("R101", None)
    else:
        unit = check_unit(ctx, model.unit, projects)
    check_design_unit(ctx, model.unit, projects)
    pairs, rows = [], []
    if model.summary is None:
        ctx.add("R102", None)
    else:
        pairs, rows = check_summary(ctx, model.summary, projects)
    if model.source_format == "xls":  # values only: no formula text to audit
        ctx.add("R121", None, name=os.path.basename(model.path))
    elif any(code.startswith("X") for code in enabled):
        _audit(ctx, model, pairs)
    grades = {g: 0 for g in GRADES}
    for p in projects:
        grades[p.grade] = grades.get(p.grade, 0) + 1
    findings = sorted(attribute(ctx.findings, model), key=_order(model))
    if "R119" in enabled:
        findings += [finding("R119", None, None, part=part) for part in losses]
    return Outcome(model, projects, findings, grades, unit, rows)


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


def _split(cell: str | None) -> tuple[int, str]:
    if not cell:
        return (0, "")
    letters = "".join(ch for ch in cell if ch.isalpha())
    digits = "".join(ch for ch in cell if ch.isdigit())
    return (int(digits or 0), letters.rjust(3))
