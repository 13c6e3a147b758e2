"""``--format json``: one object, keys as the rule-engine issue fixes them."""

from __future__ import annotations

from perfxl.rules.results import CheckResult


def _n(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    r = round(float(v), 6)
    return int(r) if r == int(r) and abs(r) < 1e15 else r


def _text(v) -> str | None:
    if v is None:
        return None
    return str(v).strip()


def _finding(f, lang: str) -> dict:
    from perfxl.rules.english import localize
    message, hint = localize(f, lang)
    return {"code": f.code, "severity": f.severity, "sheet": f.sheet, "cell": f.cell, "message": message, "hint": hint}


def _adjustment(a, lang: str) -> dict:
    """A step from raw_score to score (execution cap or deviation deduction), with its reason."""
    out = {"kind": a.kind, "before": _n(a.before), "after": _n(a.after), "reason": a.reason(lang)}
    if a.kind == "cap":
        out.update(execution_rate=_n(a.rate), below=_n(a.threshold), cap=_n(a.cap))
    else:
        out.update(indicators=a.count, points_each=_n(a.points))
    return out


def build(result: CheckResult, file: str, lang: str = "zh") -> dict:
    from perfxl.scoring.targets import display_text

    model = result.model
    unit = None
    if model.unit is not None:
        name = model.unit.get("单位名称")
        unit = {"name": _text(name.value.value) if name else None, "year": model.year}
    projects = []
    for p in result.projects:
        inds = []
        for r in p.indicators:
            ind = r.indicator
            head = ind.merged_into is None and not ind.sub_item
            inds.append({
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
            })
        f = p.funding
        projects.append({
            "sheet": p.project.sheet,
            "name": p.name,
            "budget": _n(f.budget),
            "executed": _n(f.executed),
            "execution_rate": _n(f.rate),
            "entered_score": _n(p.entered_total),
            "score": _n(p.score),
            "grade": p.grade,
            "raw_score": _n(p.raw_score if p.raw_score is not None else p.score),
            "adjustments": [_adjustment(a, lang) for a in p.adjustments],
            "funding": {"cell": f.cell, "weight": _n(f.weight), "entered_score": _n(f.entered),
                        "computed_score": _n(f.computed)},
            "indicators": inds,
        })
    return {
        "file": file,
        "unit": unit,
        "projects": projects,
        "summary": {
            "projects": len(result.projects),
            "grades": dict(result.grades),
            "excellent_rate": _n(result.excellent_rate),
            "budget_total": _n(result.budget_total),
            "executed_total": _n(result.executed_total),
        },
        "findings": [_finding(f, lang) for f in result.findings],
    }
