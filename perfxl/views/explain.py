"""``perfxl check FILE --explain 项目3``: how one project's score comes about, line by line.

What a reviewer asks when a number surprises: the funding score, each indicator's allowed
range and accepted score, the profile's deductions and caps, the total and the grade.
Rendered from the CheckResult only — nothing here reads a cell or re-decides a score.
"""

from __future__ import annotations

import re
import unicodedata

from perfxl.result import CheckResult
from perfxl.rules.results import IndicatorResult, ProjectResult
from perfxl.excel import show


class NoSuchProject(Exception):
    """The --explain argument names no project (or several); ``values`` fill rule E150."""

    def __init__(self, **values):
        super().__init__(values.get("what", ""))
        self.values = values


def _key(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


def find_project(result: CheckResult, wanted: str) -> ProjectResult:
    """A project by sheet name, project name, number (``3``, ``项目3``, ``第3个``) or a unique part of
    a name. Raises :class:`NoSuchProject`."""
    projects = result.projects
    key = _key(wanted)
    for get in (lambda p: p.project.sheet, lambda p: p.name):
        hits = [p for p in projects if _key(get(p)) == key]
        if len(hits) == 1:
            return hits[0]
    whole = result.whole_unit  # the whole-unit table in the project form's shape, by its sheet or name
    if whole is not None and whole.shape == "form" and key in (_key(whole.sheet), _key(whole.name)):
        return whole
    m = re.fullmatch(r"(?:项目|第|no\.?|#)?(\d+)(?:个|号|个项目)?", key)
    if m:
        n = int(m.group(1))
        if 1 <= n <= len(projects):
            return projects[n - 1]
    hits = [p for p in projects if key and (key in _key(p.project.sheet) or key in _key(p.name))]
    if len(hits) == 1:
        return hits[0]
    shown = hits if len(hits) > 1 else projects
    names = "、".join(f"{projects.index(p) + 1}. {p.project.sheet}" for p in shown)
    raise NoSuchProject(key=wanted, what="对应多个项目" if hits else "找不到对应的项目",
                        what_en="matches several projects" if hits else "matches no project",
                        count=len(projects), names=names)


def _n(v) -> str:
    return "—" if v is None else show.num(v)


def _pct(rate: float) -> str:
    return _n(rate * 100) + "%"


def _range(low, high) -> str:
    if low is None or high is None:
        return "—"
    return _n(low) if abs(low - high) < 1e-9 else f"{_n(low)}–{_n(high)}"


W = {
    "zh": {
        "head": "项目“{name}”（工作表 {sheet}）的得分推导，评分方案 {profile}",
        "funding": "一、预算执行得分（{cell}）",
        "funding_rate": "  执行率 = 全年执行数 ÷ 全年预算数 = {executed} ÷ {budget} = {rate}",
        "funding_none": "  全年预算数为0（或未填写），没有执行率，预算执行得分按0计",
        "funding_unread": "  全年执行数未填写或不是数字，没有执行率，预算执行得分按0计（见检查结果中该单元格的问题）",
        "funding_score": "  得分 = 分值{weight} × min(执行率, 100%) = {computed}分（填报{entered}）",
        "funding_row": "  本表没有资金块：预算执行取指标表第{row}行，其分值为预算执行分值，实际完成值即执行率{rate}",
        "review": "        复核：完成值“{actual}”，得分{score}（{cell}，只列示，不核对）",
        "review_total": "  复核得分：{score}（{cell}）",
        "indicators": "二、绩效指标（认可得分 = 填报得分，但不高于允许上限、不低于0）",
        "row": "  {cell} {name}：目标“{target}”，实际“{actual}”，分值{weight}，允许{range}，填报{entered}，认可{accepted}",
        "why": "        依据：{detail}",
        "sub": "  {cell} {name}：“其中”子项，不计分",
        "merged": "  {cell} {name}：与第{row}行合并评分，计入该行",
        "no_weight": "  {cell} {name}：表格没有分值列，按填报得分{accepted}认可",
        "deviation": "        指标偏离：实际完成值优于目标{share}（标准{limit}）",
        "deducted": "        指标设置：按本方案扣{points}分（在第四步扣除）",
        "ind_total": "  指标认可得分合计：{total}分",
        "raw": "三、核算得分 = 预算执行{funding} + 指标{indicators} = {raw}分",
        "adjust": "四、按评分方案调整：",
        "step": "  {reason}：{before} → {after}",
        "no_adjust": "四、评分方案没有封顶或扣分（或均不适用）",
        "score": "五、项目得分：{score}分，等级“{grade}”（{limits}）",
        "ungraded": "五、项目得分：无（全年预算数或全年执行数无法读取，或项目表未填写），等级“待更正”，不计入评优率",
        "entered": "  填报总分：{entered}（{cell}）{verdict}",
        "agrees": "，与项目得分一致", "above": "，高于项目得分", "below": "，低于项目得分",
        "no_entered": "  填报总分：未填写",
        "limit": "{g}≥{v}", "sep": "，", "else": "其余为“{g}”",
    },
    "en": {
        "head": "Score of project “{name}” (sheet {sheet}), profile {profile}",
        "funding": "1. Funding score ({cell})",
        "funding_rate": "  execution rate = executed ÷ budget = {executed} ÷ {budget} = {rate}",
        "funding_none": "  budget is 0 (or empty): no execution rate, funding score 0",
        "funding_unread": "  the executed amount is empty or not a number: no execution rate, funding score 0 (see that cell's finding)",
        "funding_score": "  score = weight {weight} × min(rate, 100%) = {computed} (entered {entered})",
        "funding_row": "  no funding block: the execution row {row} of the indicator table gives the weight, and its "
                       "actual value the execution rate {rate}",
        "review": "        reviewer: actual “{actual}”, score {score} ({cell}; shown, not checked)",
        "review_total": "  reviewer's total: {score} ({cell})",
        "indicators": "2. Indicators (accepted = entered, but not above the allowed maximum nor below 0)",
        "row": "  {cell} {name}: target “{target}”, actual “{actual}”, weight {weight}, allowed {range}, entered {entered}, accepted {accepted}",
        "why": "        because: {detail}",
        "sub": "  {cell} {name}: sub-item (其中), not scored",
        "merged": "  {cell} {name}: scored together with row {row}",
        "no_weight": "  {cell} {name}: no weight column, entered score {accepted} accepted",
        "deviation": "        deviation: actual beats target by {share} (share {limit})",
        "deducted": "        indicator design: {points} point(s) off under this profile (taken in step 4)",
        "ind_total": "  indicators accepted in all: {total}",
        "raw": "3. Computed score = funding {funding} + indicators {indicators} = {raw}",
        "adjust": "4. Profile adjustments:",
        "step": "  {reason}: {before} → {after}",
        "no_adjust": "4. No cap or deduction applies under this profile",
        "score": "5. Project score: {score}, grade “{grade}” ({limits})",
        "ungraded": "5. Project score: none (the budget or executed amount cannot be read, or the sheet is not filled "
                    "in); grade “待更正” (to be corrected), not in the excellent rate",
        "entered": "  entered total: {entered} ({cell}){verdict}",
        "agrees": ", agrees with the project score", "above": ", above the project score",
        "below": ", below the project score",
        "no_entered": "  entered total: empty",
        "limit": "{g} ≥ {v}", "sep": ", ", "else": "else “{g}”",
    },
}


def explain(result: CheckResult, p: ProjectResult, profile, lang: str = "zh") -> list[str]:
    """The derivation of one project's score, one line per step."""
    w = W["en" if lang == "en" else "zh"]
    proj = p.project
    f = p.funding
    out = [w["head"].format(name=p.name, sheet=proj.sheet, profile=profile.name), ""]
    out.append(w["funding"].format(cell=_ref(proj.sheet, f.cell)))
    block = proj.funding
    if block is not None and block.source == "indicator" and block.total is not None:
        out.append(w["funding_row"].format(row=block.total.row, rate=_pct(f.rate) if f.rate is not None else "—"))
    elif f.rate is not None:
        out.append(w["funding_rate"].format(executed=_n(f.executed), budget=_n(f.budget), rate=_pct(f.rate)))
    elif f.budget and f.executed is None:
        out.append(w["funding_unread"])
    else:
        out.append(w["funding_none"])
    out.append(w["funding_score"].format(weight=_n(f.weight), computed=_n(f.computed), entered=_n(f.entered)))
    out.append(w["indicators"])
    total = 0.0
    for r in p.indicators:
        out.extend(_indicator(w, r, proj, profile, lang))
        if not r.indicator.sub_item and r.indicator.merged_into is None:
            total += r.accepted or 0
    out.append(w["ind_total"].format(total=_n(total)))
    raw = p.raw_score if p.raw_score is not None else p.score
    out.append(w["raw"].format(funding=_n(f.computed), indicators=_n(total), raw=_n(raw)))
    if p.adjustments:
        out.append(w["adjust"])
        out.extend(w["step"].format(reason=a.reason(lang), before=_n(a.before), after=_n(a.after))
                   for a in p.adjustments)
    else:
        out.append(w["no_adjust"])
    limits = w["sep"].join(w["limit"].format(g=g, v=_n(v)) for g, v in profile.grades if v > 0)
    last = [g for g, v in profile.grades if v <= 0]
    if last:
        limits += w["sep"] + w["else"].format(g=last[0])
    out.append(w["score"].format(score=_n(p.score), grade=p.grade, limits=limits) if p.graded else w["ungraded"])
    if p.entered_total is not None:
        verdict = "" if p.entered_agrees is None else w["agrees"] if p.entered_agrees else \
            w["above"] if p.entered_total > p.score else w["below"]
        out.append(w["entered"].format(entered=_n(p.entered_total), cell=_ref(proj.sheet, _coord(proj.total_score)),
                                       verdict=verdict))
    else:
        out.append(w["no_entered"])
    if proj.review_total is not None and proj.review_total.value is not None:
        out.append(w["review_total"].format(score=_shown(proj.review_total), cell=_ref(proj.sheet, proj.review_total.coord)))
    return out


def _shown(cell) -> str:
    from perfxl.excel.show import display_text
    return display_text(cell.value, cell.number_format) or "—"


def _indicator(w, r: IndicatorResult, proj, profile, lang) -> list[str]:
    from perfxl.excel.show import display_text
    ind = r.indicator
    name = "/".join(x for x in (_s(ind.level2.value), _s(ind.name.value)) if x) or "—"
    cell = _ref(proj.sheet, _coord(ind.score) or ind.name.coord)
    if ind.sub_item:
        return [w["sub"].format(cell=cell, name=name)]
    if ind.merged_into is not None:
        return [w["merged"].format(cell=cell, name=name, row=ind.merged_into)]
    if r.weight is None and not proj.has_weight_column:
        return [w["no_weight"].format(cell=cell, name=name, accepted=_n(r.accepted))]
    lines = [w["row"].format(cell=cell, name=name, target=ind.target_text or "—",
                             actual=display_text(ind.actual.value, ind.actual.number_format) or "—",
                             weight=_n(r.weight), range=_range(r.low, r.high), entered=_n(r.entered),
                             accepted=_n(r.accepted))]
    if r.detail and lang != "en":
        lines.append(w["why"].format(detail=r.detail))
    review = ind.review_score or ind.review_actual
    if review is not None:
        lines.append(w["review"].format(actual=_shown(ind.review_actual) if ind.review_actual else "—",
                                        score=_shown(ind.review_score) if ind.review_score else "—",
                                        cell=_ref(proj.sheet, review.coord)))
    if r.deducted:
        lines.append(w["deducted"].format(points=_n(r.deducted)))
    if r.deviation is not None and r.deviation >= profile.deviation_share - 1e-9:
        lines.append(w["deviation"].format(share=_pct(r.deviation), limit=_pct(profile.deviation_share)))
    return lines


def _s(v) -> str:
    return "" if v is None else str(v).strip()


def _coord(cell) -> str | None:
    return cell.coord if cell is not None and cell.coord else None


def _ref(sheet: str, coord: str | None) -> str:
    return f"{sheet}!{coord}" if coord else sheet
