"""V: reviewer checks and provincial scoring options (docs/template.md §4.1).

What 主管部门 and 财政 reviewers who spot-check self-evaluations write about every year:
scores higher than the work (自评得分虚高), execution rates that do not fit the score,
targets beaten by far, closing rows that say ``无`` while points were lost, the same
actual value for every indicator. They are warnings — the arithmetic may hold — each with
the numbers that raise the doubt, and each threshold a profile value (``[reviewer]``,
``[deviation]``).

V2xx are the profile's scoring options at work: a score capped by 执行率 or reduced for
指标偏离 is the project score, and an entered 总分 above it is over-scoring.

The rules (Chinese and English texts) are declared beside their checks; the catalogue
imports this module so the registry is complete.
"""

from __future__ import annotations

import re
import unicodedata

from perfxl.excel.labels import is_dash
from perfxl.model import Rule, declare
from perfxl.rules.results import IndicatorResult, ProjectResult
from perfxl.scoring.adjust import Adjustment, deviates, whole_pct
from perfxl.scoring.precision import agrees
from perfxl.scoring.targets import display_text
from perfxl.excel import show

DECLARED = declare(
    Rule("V101", "warning", "执行率低却自评为优",
         "财政部门抽查自评表时，把“执行率低却自评为优”列为自评得分虚高的典型问题：资金大部分没有花出去，产出和效益却按全部完成打分。执行率低于评分方案 reviewer.excellent_rate_below（默认60%）时提示。"
         "不提示：执行率不低于该值；填报总分（没有时为项目得分）够不上“优”；总分高于本方案封顶分（V201 已作为错误报告）；"
         "金额单位可能有误（F109，执行率不可信）；项目未评分（待更正）。也可 --ignore V101。",
         "执行率{rate}，自评为{grade}（{score}分）：得分与预算执行情况不相称",
         "核实各指标的实际完成值是否与资金执行情况相符，按实际完成情况打分；在主要问题及原因中说明资金未执行的原因",
         "预算19万元、执行0，总分90（优）", "执行率0%的项目按实际完成情况打分，并写明资金未支付的原因",
         en=("Low execution graded excellent",
             "Execution rate {rate}, self-graded {grade} ({score} points): the score does not fit the spending",
             "Check each indicator's actual value against the money spent; explain the unspent budget in the main-problems row")),
    Rule("V102", "warning", "指标偏离：实际完成值远超目标",
         "实际完成值大幅优于年度指标值（多出或少于目标达评分方案 deviation.share，默认30%），说明目标定得过低，审核中称“指标偏离”；有的省份对每个偏离指标扣分（deviation.points）。“不低于”和“不高于”两个方向都算。"
         "不提示：优于目标不到该比例；区间目标（1-2次/周）在上端以内；实际完成值与目标单位不同或不是数字（另有 I103、I105）；"
         "没有单位的实际完成值按目标的单位（含“万”等前缀）读取，17.4 在“≤17.4万元”下即 17.4 万元，不算偏离。也可 --ignore V102。",
         "实际完成值“{actual}”优于年度指标值“{target}”达{share}（偏离标准{limit}），年度目标可能定得过低{penalty}",
         "在偏差原因栏说明超额完成的原因；下一年度按实际能力设定目标值",
         "目标≥10个、完成13个", "目标≥12个、完成13个",
         en=("Indicator deviation: target beaten by far",
             "Actual “{actual}” beats the target “{target}” by {share} (deviation share {limit}); the target may have been set too low{penalty_en}",
             "Explain the over-achievement; set next year's target to what can really be done")),
    Rule("V103", "warning", "全部指标满分但执行不到位",
         "执行率低于评分方案 reviewer.full_marks_rate_below（默认90%），或主要问题及原因写明了问题，全部指标却都是满分：审核中常被认为自评得分虚高。"
         "不提示：有指标未得满分；执行率不低于该值且主要问题及原因为空或只写“无”等词（reviewer.empty_words）；"
         "已提示“执行率低却自评为优”（V101）或总分高于封顶分（V201）；金额单位可能有误（F109）。"
         "主要问题及原因说明了资金执行情况（含 reviewer.execution_words 中的词，如“执行”“未支付”“结转”“资金”）时，"
         "改为提示 V106。也可 --ignore V103。",
         "全部{count}个指标均为满分，但{why}",
         "逐项核实实际完成值，未完成或有问题的指标按规则扣分并在偏差原因栏说明",
         "执行率76.8%，各指标均满分", "未完成的指标扣分并说明原因",
         en=("Full marks despite shortfall",
             "All {count} indicators have full marks, but {why_en}",
             "Check each actual value; deduct points where targets were missed and explain why")),
    Rule("V104", "warning", "有扣分却写“无”问题",
         "项目有扣分（指标未得满分、执行率未达100%或按评分方案调整），主要问题及原因、下一步改进措施却写“无”“暂无”“没有”或短横线：审核要求说明扣分的原因和改进措施。这些词见评分方案 reviewer.empty_words。"
         "不提示：项目没有扣分；这两栏写了实际内容或留空；只有预算执行扣分而“执行率未说明原因”（F108）已报告。也可 --ignore V104。",
         "项目扣了{lost}分（{why}），“{label}”却填写“{value}”",
         "写明扣分的原因（如“工程款尚未结算”）和具体的改进措施",
         "指标扣5分，主要问题及原因填“无”", "主要问题及原因填“受天气影响，工期延后一个月”",
         en=("Points lost but no problem named",
             "The project lost {lost} points ({why_en}), yet “{label}” reads “{value}”",
             "Name the reason for the lost points and concrete improvements")),
    Rule("V105", "warning", "各指标实际完成值相同",
         "每个指标的实际完成值都写同一句话（如“达成预期指标”“已完成”），看不出各指标完成了多少，得分无从核对；审核中常被指出。指标数不少于评分方案 reviewer.same_actual_min（默认3）时提示。"
         "不提示：指标少于该数；有一个实际完成值不同；实际完成值含数字；各指标的目标值也都是同一句话。也可 --ignore V105。",
         "全部{count}个指标的实际完成值都是“{value}”，看不出各指标的完成情况",
         "逐项填写实际完成的数量、质量、时间和效果，如“完成维修1250平方米”“验收合格率100%”",
         "五个指标的实际完成值都是“已完成”", "“完成维修1250平方米”“验收合格率100%”……",
         en=("Same actual value for every indicator",
             "All {count} indicators have the actual value “{value}”; what was achieved cannot be told",
             "Give each indicator's achieved quantity, quality, time and effect")),
    Rule("V106", "info", "全部指标满分，执行情况已说明",
         "V103 的提示形式：全部指标满分，执行率低于 reviewer.full_marks_rate_below（或主要问题及原因写有问题），"
         "而主要问题及原因说明了资金执行情况（含 reviewer.execution_words 中的词，如“执行”“未支付”“结转”“资金”）"
         "——正是“执行率未说明原因”（F108）所要求的，所以只作提示，不算警告。"
         "不提示：V103 不提示的情形（有指标未得满分、执行率不低于该值且未写问题等）。也可 --ignore V106。",
         "全部{count}个指标均为满分，{why}；主要问题及原因已说明执行情况（“{text}”）",
         "无需处理；如有指标实际未完成，按规则扣分并在偏差原因栏说明",
         "执行率85%，各指标满分，主要问题及原因写“部分工程款尚未支付，结转下年”", "主要问题及原因为空时为 V103 警告",
         en=("Full marks, execution explained",
             "All {count} indicators have full marks, but {why_en}; the main-problems row explains the spending (“{text}”)",
             "Nothing to do; deduct points where a target was in fact missed")),
    Rule("V201", "error", "总分高于本方案允许的得分",
         "评分方案规定了执行率封顶（execution_caps）或指标偏离扣分（deviation.points）时，调整后的得分就是项目得分；填报的总分高于它属于多打分。national-2020 不封顶、不扣分。"
         "不提示：方案不封顶、不扣分；填报总分不高于调整后的得分（按精度规则一致也算）。",
         "总分填为{entered}，而{reason}，项目得分应为{score}",
         "把总分改为不高于{score}（各指标得分按实际完成情况调减），或核实执行数和实际完成值",
         "执行率33%（封顶59分），总分填93", "总分 59",
         en=("Total above what the profile allows",
             "Total entered {entered}, but {reason_en}; the project score is {score}",
             "Lower the total to at most {score}, or check the spending and actual values")),
    Rule("V202", "info", "项目得分按评分方案调整",
         "评分方案的执行率封顶或指标偏离扣分改变了项目得分；等级、自评结果、综述和 JSON 都使用调整后的得分。"
         "不提示：方案没有改变项目得分；填报总分高于调整后的得分（V201 报告）。",
         "{reason}：项目得分由{raw}调整为{score}",
         "无需处理；如对调整有疑问，可用 perfxl check 文件 --explain 工作表名 查看得分推导",
         "（提示类规则）执行率33%，核算93.33分", "项目得分 59",
         en=("Project score adjusted by the profile",
             "{reason_en}: project score {raw} becomes {score}",
             "Nothing to do; perfxl check FILE --explain SHEET shows the derivation")),
)

_TOL = 0.01


def _norm(text) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or "")))


def _n(v: float) -> str:
    return show.num(v)


def reasons(steps: list[Adjustment], lang: str = "zh") -> str:
    return ("；" if lang != "en" else "; ").join(s.reason(lang) for s in steps)


# -- V2xx: the profile's options, called where the project score is computed -------------------


def report_adjustments(ctx, project, entered_total: float | None, decimals: int, raw: float, score: float,
                       steps: list[Adjustment]) -> None:
    """An entered 总分 above the adjusted score is over-scoring (V201); otherwise say why (V202)."""
    cell = project.total_score if project.total_score is not None and project.total_score.coord else None
    values = dict(sheet=project.sheet, reason=reasons(steps), reason_en=reasons(steps, "en"),
                  raw=_n(raw), score=_n(score))
    if entered_total is not None and entered_total > score + 1e-9 and not agrees(
            entered_total, score, decimals, tolerance=ctx.profile.score_tolerance):
        ctx.add("V201", cell, entered=entered_total, **values)
    else:
        ctx.add("V202", cell, **values)


# -- V1xx: reviewer checks, after the project score is known -----------------------------------


def check_reviewer(ctx, p: ProjectResult) -> None:
    scored = [r for r in p.indicators if not r.indicator.sub_item and r.indicator.merged_into is None]
    low_excellent = _excellent_but_unspent(ctx, p)
    _deviations(ctx, p)
    if not low_excellent and not _has(ctx, "V201", p.project.sheet):  # the cap error already says it
        _full_marks(ctx, p, scored)
    _nothing_to_report(ctx, p, scored)
    _same_actuals(ctx, p)


def _total_cell(p: ProjectResult):
    cell = p.project.total_score
    return cell if cell is not None and cell.coord else None


def _has(ctx, code: str, sheet: str) -> bool:
    """Whether ``code`` saw a problem on ``sheet`` (reported or not: --ignore hides, it does not decide)."""
    return any(k[0] == code and k[1] == sheet for k in ctx._seen)


def _excellent_but_unspent(ctx, p: ProjectResult) -> bool:
    prof = ctx.profile
    rate = p.funding.rate
    if rate is None or rate >= prof.excellent_rate_below - 1e-12 or p.funding.unit_doubt:  # F109 says why
        return False
    claimed = p.entered_total if p.entered_total is not None else p.score
    top = prof.grades[0][0] if prof.grades else "优"
    grade = prof.grade(claimed)
    if grade != top:
        return False
    if _has(ctx, "V201", p.project.sheet):  # the cap already says it, as an error
        return True
    cell = _total_cell(p) or _rate_cell(p)
    ctx.add("V101", cell, sheet=p.project.sheet, rate=whole_pct(rate, below=prof.excellent_rate_below),
            grade=grade, score=claimed)
    return True


def _rate_cell(p: ProjectResult):
    f = p.project.funding
    if f is not None and f.total is not None:
        return f.total.cells.get("执行率")
    return None


def _deviations(ctx, p: ProjectResult) -> None:
    prof = ctx.profile
    points = prof.deviation_points
    for r in p.indicators:
        if r.indicator.sub_item or not deviates(r.deviation, prof.deviation_share):
            continue
        ind = r.indicator
        ctx.add("V102", ind.actual, actual=display_text(ind.actual.value, ind.actual.number_format),
                target=ind.target_text, share=_share(r.deviation), limit=_share(prof.deviation_share),
                penalty=f"，按本方案扣{_n(points)}分" if points > 0 else "",
                penalty_en=f"; this profile takes {_n(points)} point(s) off" if points > 0 else "")


def _share(v: float) -> str:
    return f"{_n(v * 100)}%"


def _full(r: IndicatorResult) -> bool:
    return r.weight is not None and r.entered is not None and r.entered >= r.weight - _TOL


def _problem_text(p: ProjectResult, empty: set[str]) -> str:
    field = p.project.problems
    if field is None or is_dash(field.value.value):
        return ""
    text = str(field.value.value).strip()
    return "" if _norm(text) in empty else text


def _full_marks(ctx, p: ProjectResult, scored: list[IndicatorResult]) -> None:
    weighted = [r for r in scored if r.weight is not None and r.weight > 0]
    if not weighted or not all(_full(r) for r in weighted):
        return
    prof = ctx.profile
    rate = p.funding.rate if not p.funding.unit_doubt else None  # F109: the rate is in doubt
    empty = {_norm(w) for w in prof.empty_words}
    problem = _problem_text(p, empty)
    short = problem if len(problem) <= 24 else problem[:23] + "…"
    if rate is not None and rate < prof.full_marks_rate_below - 1e-9:
        below = whole_pct(rate, below=prof.full_marks_rate_below)
        why, why_en = f"执行率为{below}", f"the execution rate is {below}"
    elif problem:
        why, why_en = f"主要问题及原因写有“{short}”", f"主要问题及原因 names a problem: “{short}”"
    else:
        return
    explained = problem and any(_norm(w) in _norm(problem) for w in prof.execution_words if _norm(w))
    if explained:  # the reason F108 asks for is there: a note, not a doubt (docs/template.md §4.1)
        if rate is not None and rate < 1 - 1e-9:
            why, why_en = f"执行率为{whole_pct(rate, below=1)}", f"the execution rate is {whole_pct(rate, below=1)}"
        else:
            why, why_en = "主要问题及原因写有问题", "主要问题及原因 names a problem"
        ctx.add("V106", _total_cell(p), sheet=p.project.sheet, count=len(weighted), why=why, why_en=why_en, text=short)
    else:
        ctx.add("V103", _total_cell(p), sheet=p.project.sheet, count=len(weighted), why=why, why_en=why_en)


def _nothing_to_report(ctx, p: ProjectResult, scored: list[IndicatorResult]) -> None:
    indicator_loss = sum(max((r.weight or 0) - (r.entered or 0), 0) for r in scored
                         if r.weight is not None and r.entered is not None)
    funding_loss = max(p.funding.weight - p.funding.computed, 0) if p.funding.rate is not None else 0
    lost = max((p.raw_score if p.raw_score is not None else p.score) - p.score, 0) + indicator_loss + funding_loss
    if lost < _TOL:
        return
    parts, parts_en = [], []
    if indicator_loss >= _TOL:
        parts.append(f"指标扣{_n(indicator_loss)}分")
        parts_en.append(f"indicators {_n(indicator_loss)}")
    if funding_loss >= _TOL:
        parts.append(f"执行率{whole_pct(p.funding.rate, below=1)}，预算执行扣{_n(funding_loss)}分")
        parts_en.append(f"execution rate {whole_pct(p.funding.rate, below=1)}, funding {_n(funding_loss)}")
    if p.adjustments:
        parts.append(reasons(p.adjustments))
        parts_en.append(reasons(p.adjustments, "en"))
    empty = {_norm(w) for w in ctx.profile.empty_words}
    only_funding = indicator_loss < _TOL and not p.adjustments
    for label, field in (("主要问题及原因", p.project.problems), ("下一步改进措施", p.project.next_steps)):
        if field is None or field.value.value is None or not field.value.coord:
            continue
        text = str(field.value.value).strip()
        if not text or not (_norm(text) in empty or is_dash(text)):
            continue
        if only_funding and label == "主要问题及原因" and _has(ctx, "F108", p.project.sheet):
            continue  # F108 already asks for the reason of the unspent budget
        ctx.add("V104", field.value, lost=_n(lost), why="；".join(parts), why_en="; ".join(parts_en),
                label=label, value=text)


def _same_actuals(ctx, p: ProjectResult) -> None:
    rows = [r.indicator for r in p.indicators if not r.indicator.sub_item]
    if len(rows) < ctx.profile.same_actual_min:
        return
    texts = {_norm(ind.actual.value) if isinstance(ind.actual.value, str) else None for ind in rows}
    if len(texts) != 1:
        return
    text = texts.pop()
    if not text or is_dash(text) or any(ch.isdigit() for ch in text):
        return
    targets = {_norm(ind.target_text) for ind in rows}
    if targets == {text}:  # every target the same words as well: nothing to tell apart
        return
    ctx.add("V105", rows[0].actual, count=len(rows), value=str(rows[0].actual.value).strip())
