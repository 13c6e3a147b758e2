"""``--format json``: one object; its keys are a public interface (never renamed; tests/test_scoring.py pins them)."""

from __future__ import annotations

from datetime import date, datetime

from perfxl.excel.show import json_number as _n
from perfxl.excel.show import path as _path
from perfxl.result import CheckResult


def _text(v) -> str | None:
    if v is None:
        return None
    return str(v).strip()


def _raw(v):
    """A finding's raw value for JSON: numbers and text as they are, dates as ISO text."""
    if isinstance(v, float) and not isinstance(v, bool):
        return float(v)  # a Rate is its fraction
    if isinstance(v, str):
        return _path(v)  # a file name that is not UTF-8 (GBK) cannot reach the JSON unencoded
    if v is None or isinstance(v, (bool, int)):
        return v
    if isinstance(v, (list, tuple)):
        return [_raw(x) for x in v]
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    return str(v)


def _finding(f, lang: str) -> dict:
    message, hint = f.text(lang)
    return {"code": f.code, "severity": f.severity, "sheet": f.sheet, "cell": f.cell, "message": message, "hint": hint,
            "values": {k: _raw(v) for k, v in f.values.items()}}


def fatal_report(exc, file: str | None, lang: str = "zh") -> dict:
    """A file or command that cannot be checked: the report's shape, its one finding, and the
    ``error`` object (``code`` as JSON always had it, e.g. ``file_not_found``)."""
    return {
        "file": None if file is None else _path(file),
        "unit": None,
        "projects": [],
        "summary": None,
        "findings": [_finding(exc.finding, lang)],
        "error": {"code": exc.key, "rule": exc.finding.code, "message": exc.line(lang)},
    }


def _adjustment(a, lang: str) -> dict:
    """A step from raw_score to score (execution cap or deviation deduction), with its reason."""
    out = {"kind": a.kind, "before": _n(a.before), "after": _n(a.after), "reason": a.reason(lang)}
    if a.kind == "cap":
        out.update(execution_rate=_n(a.rate), below=_n(a.threshold), cap=_n(a.cap))
    elif a.kind == "design":  # the indicator-design rules' deductions (D family)
        out.update(findings=a.count, points=_n(a.points))
    else:
        out.update(indicators=a.count, points_each=_n(a.points))
    return out


def _shown(cell) -> str | None:
    from perfxl.excel.show import display_text
    return None if cell is None else display_text(cell.value, cell.number_format)


def _indicator(r) -> dict:
    from perfxl.excel.show import display_text

    ind = r.indicator
    head = ind.merged_into is None and not ind.sub_item
    out = {
        "cell": ind.name.coord,
        "level1": _text(ind.level1.value),
        "level2": _text(ind.level2.value),
        "name": _text(ind.name.value),
        "target": ind.target_text,
        "actual": display_text(ind.actual.value, ind.actual.number_format),
        "weight": _n(r.weight) if head else None,
        "entered_score": _n(r.entered) if head else None,
        "computed_score": _n(r.computed) if head else None,
        "accepted_score": _n(r.accepted) if head else None,
        "score_range": [_n(r.low), _n(r.high)] if head and r.low is not None else None,
        "kind": r.kind,
        "direction": r.direction if r.kind == "quantitative" else None,
        "level": r.level if r.kind in ("qualitative", "deadline") else None,
        "sub_item": ind.sub_item,
        "deviation": _n(r.deviation),
    }
    # what only some layouts have (§2.4): keys present when the sheet holds them
    if ind.hundred_score is not None:
        out["hundred_score"] = {"cell": ind.hundred_score.coord, "value": _shown(ind.hundred_score)}
    if ind.review_actual is not None or ind.review_score is not None:
        out["review"] = {"actual": _shown(ind.review_actual), "score": _shown(ind.review_score),
                         "cell": (ind.review_score or ind.review_actual).coord}
    return out


def _project(p, lang: str) -> dict:
    f = p.funding
    proj = p.project
    out = {
        "sheet": proj.sheet,
        "name": p.name,
        "budget": _n(f.budget),
        "executed": _n(f.executed),
        "execution_rate": _n(f.rate),
        "entered_score": _n(p.entered_total),
        "entered_agrees": p.entered_agrees,
        "score": _n(p.score),
        "grade": p.grade,
        "graded": p.graded,
        "raw_score": _n(p.raw_score if p.raw_score is not None else p.score),
        "adjustments": [_adjustment(a, lang) for a in p.adjustments],
        "funding": {"cell": f.cell, "weight": _n(f.weight), "entered_score": _n(f.entered),
                    "computed_score": _n(f.computed)},
        "indicators": [_indicator(r) for r in p.indicators],
    }
    if proj.code:
        out["code"] = proj.code
    if proj.funding is not None and proj.funding.source != "block":
        out["funding"]["source"] = proj.funding.source  # sources | pairs | indicator
        if proj.funding.source == "indicator":
            total = proj.funding.total.cells
            if "复核得分" in total:
                out["funding"]["review_score"] = _shown(total["复核得分"])
    if proj.entered_grade is not None:
        out["entered_grade"] = _text(proj.entered_grade.value)
    if proj.review_total is not None:
        out["review_score"] = _shown(proj.review_total)
    return out


def _whole_unit(w, lang: str) -> dict:
    """The unit's whole-unit table (§2.5), apart from the projects."""
    if w.shape == "form":
        return {"shape": "form", **_project(w, lang)}
    rubric = w.rubric
    return {
        "shape": "rubric",
        "sheet": rubric.sheet,
        "name": w.name,
        "entered_score": _n(w.entered_total),
        "score": _n(w.score),
        "grade": w.grade,
        "entered_grade": _text(rubric.entered_grade.value) if rubric.entered_grade is not None else None,
        "rows": [{"cell": r.row.name.coord, "level1": _text(r.row.level1.value), "level2": _text(r.row.level2.value),
                  "name": _text(r.row.name.value), "weight": _n(r.weight), "entered_score": _n(r.entered),
                  "accepted_score": _n(r.accepted)} for r in w.rows],
    }


def build(result: CheckResult, file: str, lang: str = "zh") -> dict:
    unit = None
    if result.unit is not None:
        unit = {"name": result.unit.name or None, "year": result.year}
    out = {
        "file": _path(file),
        "unit": unit,
        "projects": [_project(p, lang) for p in result.projects],
        "summary": {
            "projects": len(result.projects),
            "grades": dict(result.grades),
            "ungraded": result.ungraded,
            "excellent_rate": _n(result.excellent_rate),
            "budget_total": _n(result.budget_total),
            "executed_total": _n(result.executed_total),
        },
        "findings": [_finding(f, lang) for f in result.findings],
    }
    if result.whole_unit is not None:
        out["whole_unit"] = _whole_unit(result.whole_unit, lang)
    return out
