"""The 复核底稿 of ``perfxl review`` (XlsxWriter): a new workbook per unit, drawn from its
:class:`perfxl.review.Estimate` only.

- one sheet per project, named as in the unit's workbook: the project's identity, then the
  table ``一级 | 二级 | 三级 | 指标值 | 权重 | 自评完成值 | 自评得分 | 复核完成值 | 复核得分 | 偏离度 |
  备注`` with the execution row (预算执行率) first, the 总分 row, the closing rows, and the
  复核结论 below (the project's deductions, cap, 复核预估分 and grades). The headers follow
  docs/template.md §4.2, so that ``perfxl check`` reads the sheet as a project sheet with a
  reviewer's columns: the unit's 自评 columns are checked, the 复核 columns shown;
- 复核汇总: per project 自评得分, 复核预估分, the difference, both grades and the problems by
  priority, grade counts and 评优率;
- 问题清单: every finding by priority (P1, P2, P3), linked to its cell in the unit's workbook.

What the reviewer edits (复核完成值, 复核得分, the deductions) drives formulas: 偏离度, the
execution row's score, the cap, the project's 复核预估分 and grade, and the summary. Each
formula is written with its value, so a preview shows the figures; after recalculation in
Excel, WPS or LibreOffice every figure equals ``perfxl review --format json``'s. Colours are
those of 自评结果 (views/palette.py), with a legend on every sheet; A4 landscape, headers
repeated.
"""

from __future__ import annotations

import os
import warnings
from datetime import date

from perfxl.excel import show
from perfxl.excel.textfit import row_height
from perfxl.review import PRIORITIES, Estimate, ProjectEstimate, Row
from perfxl.views import palette
from perfxl.views.files import REVIEW_NAME
from perfxl.views.palette import xlsx

SUMMARY, PROBLEMS = "复核汇总", "问题清单"
FONT = "宋体"
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
HEAD = ["一级指标", "二级指标", "三级指标", "指标值", "权重", "自评完成值", "自评得分", "复核完成值", "复核得分", "偏离度",
        "备注"]
WIDTHS = [10, 12, 20, 14, 7, 14, 9, 13, 9, 9, 46]
# A hidden column after 备注 holds A as a number, so that every 偏离度 is the same formula (复核完成值 ÷ it)
HELPER, HELPER_HEAD = len(HEAD), "指标值（数值，偏离度用）"
BIG = "1E+9"  # no cap
NO_CAP = "不封顶"
FIRST = 6  # the execution row (0-based): the table's header is the row above


# -- formats ------------------------------------------------------------------------------------

class _Formats:
    def __init__(self, wb):
        self.wb = wb
        self._cache: dict[tuple, object] = {}
        self._fills: dict[str, object] = {}

    def __call__(self, **props):
        key = tuple(sorted(props.items()))
        if key not in self._cache:
            base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
            base.update(props)
            self._cache[key] = self.wb.add_format(base)
        return self._cache[key]

    def fill(self, name: str) -> object:
        """A fill for conditional formats (one per colour, shared by every rule)."""
        if name not in self._fills:
            self._fills[name] = self.wb.add_format({"bg_color": xlsx(palette.COLOURS[name]), "pattern": 1})
        return self._fills[name]


def _cell(col: int, row: int) -> str:
    """0-based column and row -> ``A1``."""
    name = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        name = chr(65 + rem) + name
    return f"{name}{row + 1}"


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _put(ws, row: int, col: int, value, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value)[:32767], fmt)


def grade_formula(ref: str, grades: list[tuple[str, float]]) -> str:
    """The grade of the number in ``ref`` by the profile's limits (as ``Profile.grade``), or ""."""
    expr = '"差"'
    for name, limit in reversed(grades):
        expr = f'IF({ref}>={show.exact(limit)}-0.000000001,"{name}",{expr})'
    return f'IF(ISNUMBER({ref}),{expr},"")'


def cap_formula(rate: str, caps: list[tuple[float, float]]) -> str | None:
    """The lowest cap whose 执行率 threshold ``rate`` is below (as ``Profile.cap_for``), else 不封顶."""
    if not caps:
        return None
    top = max(t for t, _ in caps)
    lows = ",".join(f"IF({rate}<{show.exact(t)},{show.exact(c)},{BIG})" for t, c in caps)
    return f'IF(AND(ISNUMBER({rate}),{rate}<{show.exact(top)}),MIN({lows}),"{NO_CAP}")'


def _print(ws, header_row: int | None) -> None:
    """As 自评结果: A4 landscape, one page wide, centred, narrow margins, the sheet and page in the footer."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C&A  第 &P 页", {"margin": 0.3})
    ws.set_header("", {"margin": 0.3})
    if header_row is not None:
        ws.repeat_rows(header_row)


LEGEND = [
    ("fix", "需要更正：复核得分（或复核预估分）低于自评得分；执行率低于60%；备注中有 P1 问题（改变得分或等级的错误）"),
    ("look", "需要关注：指标偏离（偏离度达到评分方案的标准）；执行率低于100%；备注中有 P2 问题（其他错误和审核提示）"),
]


def _legend(ws, f, row: int, last_col: int) -> int:
    """Every colour the sheet uses, explained; returns the row after the legend."""
    ws.write_string(row, 0, "图例", f(bold=True, align="center"))
    grades = "评价等级的颜色：" + "、".join(palette.GRADES)
    ws.merge_range(row, 1, row, last_col, grades + "（随复核得分重新计算）。灰色为表头。", f(font_size=9, text_wrap=True))
    row += 1
    for i, g in enumerate(palette.GRADES):
        ws.write_string(row, 1 + i, g, f(border=1, align="center", bg_color=xlsx(palette.GRADES[g]), pattern=1))
    row += 1
    for key, text in LEGEND:
        ws.write_blank(row, 0, None, f(border=1, bg_color=xlsx(palette.COLOURS[key]), pattern=1))
        ws.merge_range(row, 1, row, last_col, text, f(font_size=9, text_wrap=True))
        row += 1
    return row


def _grade_colours(ws, f, ref: str) -> None:
    for g in palette.GRADES:
        ws.conditional_format(ref, {"type": "cell", "criteria": "equal to", "value": f'"{g}"', "format": f.fill(g)})


# -- the workbook ---------------------------------------------------------------------------------

def write_worksheet(path: str, est: Estimate, *, source: str | None = None) -> None:
    """Write the 复核底稿 of ``est`` to ``path`` (through a temporary file). ``source``: the unit's
    workbook, for the links of 问题清单 (relative to the worksheet's folder)."""
    import xlsxwriter
    import xlsxwriter.exceptions

    from perfxl.excel import atomic

    folder = os.path.dirname(os.path.abspath(path))
    tmp = atomic.new_temp(folder, ".xlsx")
    try:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False})
        wb.set_properties({"title": "绩效自评复核底稿", "author": "perfxl", "comments": "perfxl review"})
        f = _Formats(wb)
        names = _sheet_names(est)
        summary = wb.add_worksheet(names[SUMMARY])
        totals = {}
        for p in est.projects:
            totals[p.sheet] = _project_sheet(wb.add_worksheet(names[p.sheet]), f, est, p)
        problems = wb.add_worksheet(names[PROBLEMS])
        _summary(summary, f, est, names, totals)
        _problems(problems, f, est, names, _link_base(path, source or est.file))
        wb.define_name(REVIEW_NAME, f"={_quote(names[SUMMARY])}!$A$1")
        summary.activate()
        try:
            wb.close()
        except xlsxwriter.exceptions.FileCreateError as exc:
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise cause from None
        atomic.replace(tmp, path)
    except BaseException:
        atomic.discard(tmp)
        raise


def _sheet_names(est: Estimate) -> dict[str, str]:
    """The project sheets keep their names; 复核汇总 and 问题清单 give way to a project of that name."""
    taken = {p.sheet for p in est.projects}
    out = {p.sheet: p.sheet for p in est.projects}
    for own in (SUMMARY, PROBLEMS):
        name, n = own, 2
        while name in taken:
            name, n = f"{own}{n}", n + 1
        taken.add(name)
        out[own] = name
    return out


def _link_base(path: str, source: str) -> str | None:
    if not source:
        return None
    folder = os.path.dirname(os.path.abspath(path))
    try:
        return os.path.relpath(os.path.abspath(source), folder)
    except ValueError:  # another drive on Windows
        return os.path.abspath(source)


# -- a project's sheet ------------------------------------------------------------------------------

def _project_sheet(ws, f, est: Estimate, p: ProjectEstimate) -> dict[str, str]:
    """Draw one project; returns the addresses the summary points at."""
    last = len(HEAD) - 1
    for j, w in enumerate(WIDTHS):
        ws.set_column(j, j, w)
    ws.merge_range(0, 0, 0, last, "项目支出绩效复核底稿", f(bold=True, font_size=14, align="center"))
    ws.set_row(0, 24)
    year = f"（{est.year}年度）" if est.year else ""
    source = f"{year}　单位：{est.unit or '—'}　来源：{os.path.basename(est.file)} 工作表“{p.sheet}”　评分方案：{est.profile}"
    ws.merge_range(1, 0, 1, last, source, f(font_size=9, font_color="#595959", align="center"))
    label = f(bold=True, border=1, align="center", text_wrap=True, bg_color=xlsx(palette.HEAD), pattern=1)
    text = f(border=1, text_wrap=True)
    ws.write_string(2, 0, "项目名称", label)
    ws.merge_range(2, 1, 2, last, p.name, text)
    ws.write_string(3, 0, "主管部门", label)
    ws.merge_range(3, 1, 3, 4, p.department or "", text)
    ws.write_string(3, 5, "实施单位", label)
    ws.merge_range(3, 6, 3, last, p.implementer or "", text)
    ws.write_string(4, 0, "资金情况", label)  # as text: the execution row below is the funding (§4.2)
    ws.merge_range(4, 1, 4, last, p.funding_text(), text)
    ws.set_row(2, row_height([(p.name, sum(WIDTHS[1:]))], font_size=10, minimum=18))
    for j, name in enumerate(HEAD):
        ws.write_string(FIRST - 1, j, name, label)
    ws.write_string(FIRST - 1, HELPER, HELPER_HEAD, f(font_size=9, font_color="#808080"))
    ws.set_column(HELPER, HELPER, 10, None, {"hidden": True})
    ws.set_row(FIRST - 1, 28)
    rows = p.rows
    total = FIRST + len(rows)  # the 总分 row (0-based)
    # the conclusion block's cells the formulas use (0-based rows; values in column D)
    closing = [(k, p.texts.get(k, "")) for k in ("主要问题及原因", "下一步改进措施")]
    block = total + 1 + len(closing) + 1
    at = {key: _cell(3, block + 1 + i) for i, key in enumerate(
        ("design", "deviation", "cap", "score", "entered", "difference", "grade", "entered_grade"))}
    rate_ref = _cell(7, FIRST)
    for i, r in enumerate(rows):
        _table_row(ws, f, FIRST + i, r, est, rate_ref)
    # the 总分 row
    score_ref, entered_ref = _cell(8, total), _cell(6, total)
    bold = f(bold=True, border=1, align="center")
    ws.merge_range(total, 0, total, 3, "总分", bold)
    _put(ws, total, 4, p.total_weight, f(bold=True, border=1, align="center"))
    ws.write_blank(total, 5, None, bold)
    _put(ws, total, 6, p.entered, f(bold=True, border=1, align="center", num_format="0.00"))
    ws.write_blank(total, 7, None, bold)
    scores = f"{_cell(8, FIRST)}:{_cell(8, total - 1)}"
    formula = (f"=ROUND(MIN(MAX(ROUND(MAX(SUM({scores})-{at['design']},0),2)-{at['deviation']},0),"
               f"IF(ISNUMBER({at['cap']}),{at['cap']},{BIG})),2)")
    ws.write_formula(total, 8, formula, f(bold=True, border=1, align="center", num_format="0.00"), p.score)
    ws.write_blank(total, 9, None, bold)
    remark = p.remark()
    ws.write_string(total, 10, remark, f(border=1, text_wrap=True, valign="top", **_priority_fill(p.notes, est)))
    ws.set_row(total, row_height([(remark, WIDTHS[10])], font_size=10, minimum=18))
    ws.conditional_format(score_ref, {"type": "formula", "format": f.fill("fix"),
                                      "criteria": f"=AND(ISNUMBER({score_ref}),ISNUMBER({entered_ref}),"
                                                  f"{score_ref}<{entered_ref}-0.005)"})
    for i, (key, value) in enumerate(closing, 1):
        ws.write_string(total + i, 0, key, label)
        ws.merge_range(total + i, 1, total + i, last, value, text)
        ws.set_row(total + i, row_height([(value, sum(WIDTHS[1:]))], font_size=10, minimum=18))
    _conclusion(ws, f, est, p, block, at, score_ref, entered_ref, rate_ref)
    _legend(ws, f, block + 1 + len(at) + 1, last)
    ws.freeze_panes(FIRST, 3)
    _print(ws, FIRST - 1)
    return {"score": score_ref, "entered": entered_ref, "rate": rate_ref, "grade": at["grade"],
            "entered_grade": at["entered_grade"]}


def _priority_fill(findings, est: Estimate) -> dict:
    worst = None
    by_finding = {id(x.finding): x.priority for x in est.problems}
    for fd in findings:
        pr = by_finding.get(id(fd))
        if pr == "P1":
            worst = "fix"
            break
        if pr == "P2":
            worst = "look"
    return {"bg_color": xlsx(palette.COLOURS[worst]), "pattern": 1} if worst else {}


def _table_row(ws, f, row: int, r: Row, est: Estimate, rate_ref: str) -> None:
    box = f(border=1, text_wrap=True)
    centre = f(border=1, align="center", text_wrap=True)
    for j, v in enumerate((r.level1, r.level2, r.name, r.target)):
        _put(ws, row, j, v, box if j < 3 else centre)
    _put(ws, row, 4, r.weight, centre)
    _put(ws, row, 5, r.actual, centre)
    _put(ws, row, 6, r.entered, f(border=1, align="center", num_format="0.00"))
    actual_fmt = _actual_format(r)
    _put(ws, row, 7, r.review_actual, f(border=1, align="center", text_wrap=True, num_format=actual_fmt))
    h, e, i, g, j = (_cell(c, row) for c in (7, 4, 8, 6, 9))
    if r.kind == "funding":
        ws.write_formula(row, 8, f"=IF(ISNUMBER({h}),ROUND({e}*MIN({h},1),6),0)",
                         f(border=1, align="center", num_format="0.00"), r.review_score)
        ws.conditional_format(h, {"type": "formula", "criteria": f"=AND(ISNUMBER({h}),{h}<0.6)", "format": f.fill("fix")})
        ws.conditional_format(h, {"type": "formula", "criteria": f"=AND(ISNUMBER({h}),{h}<1-0.000000001)",
                                  "format": f.fill("look")})
    else:
        _put(ws, row, 8, r.review_score, f(border=1, align="center", num_format="0.00"))
    ws.conditional_format(i, {"type": "formula", "format": f.fill("fix"),
                              "criteria": f"=AND(ISNUMBER({i}),ISNUMBER({g}),{i}<{g}-0.005)"})
    if r.kind != "funding":  # one formula down the column: 复核完成值 ÷ A where both are numbers
        a = _cell(HELPER, row)
        ratio = r.ratio if isinstance(r.review_actual, float) and r.ratio is not None else ""
        _put(ws, row, HELPER, r.target_number, f(font_color="#808080"))
        ws.write_formula(row, 9, f'=IF(AND(ISNUMBER({h}),ISNUMBER({a})),IF({a}>0,{h}/{a},""),"")',
                         f(border=1, align="center", num_format="0.00%"), ratio)
    else:
        ws.write_blank(row, 9, None, f(border=1))
    if r.target_number is not None:
        share = est.deviation_share
        test = (f"{j}>={show.exact(1 + share)}-0.000000001" if r.direction in ("at_least", "more_than")
                else f"{j}<={show.exact(1 - share)}+0.000000001" if r.direction in ("at_most", "less_than") else None)
        if test:
            ws.conditional_format(j, {"type": "formula", "criteria": f"=AND(ISNUMBER({j}),{test})",
                                      "format": f.fill("look")})
    remark = r.remark()
    ws.write_string(row, 10, remark, f(border=1, text_wrap=True, valign="top", **_priority_fill(r.notes, est)))
    ws.set_row(row, row_height([(remark, WIDTHS[10]), (r.level1, WIDTHS[0]), (r.level2, WIDTHS[1]), (r.name, WIDTHS[2]),
                                (r.target, WIDTHS[3]), (r.actual, WIDTHS[5])], font_size=10, minimum=18))


def _actual_format(r: Row) -> str:
    if not isinstance(r.review_actual, float):
        return "@" if isinstance(r.review_actual, str) else "General"
    if r.unit == "%":
        return "0.00%"
    if r.unit:
        return 'General"' + r.unit.replace('"', "") + '"'
    return "General"


def _conclusion(ws, f, est: Estimate, p: ProjectEstimate, block: int, at: dict, score_ref: str, entered_ref: str,
                rate_ref: str) -> None:
    last = len(HEAD) - 1
    ws.merge_range(block, 0, block, last, "复核结论（可修改复核完成值、复核得分和下列扣分，复核预估分和等级随之重新计算）",
                   f(bold=True, border=1, align="left", bg_color=xlsx(palette.HEAD), pattern=1))
    label = f(bold=True, border=1, align="left")
    value = f(border=1, align="center", num_format="0.00")
    note = f(border=1, text_wrap=True, font_size=9)
    caps = "、".join(f"低于{show.num(t * 100)}%最高{show.num(c)}分" for t, c in sorted(est.caps))
    deviation = (f"{p.deviating}个指标偏离（实际完成值优于目标{show.num(est.deviation_share * 100)}%及以上），"
                 f"每个扣{show.num(est.deviation_each)}分" if est.deviation_each > 0 else "本评分方案不因指标偏离扣分")
    cap = cap_formula(rate_ref, est.caps)
    lines = [
        ("指标设置扣分", p.design_points, None, "评分方案对指标设置问题从项目得分中扣的分（D108、D109）；指标上的扣分已计入各行复核得分"),
        ("指标偏离扣分", p.deviation_points, None, deviation),
        ("执行率封顶", p.cap if p.cap is not None else NO_CAP, cap,
         f"按评分方案执行率{caps}；随预算执行率的复核完成值重新计算" if caps else "本评分方案不按执行率封顶"),
        ("复核预估分", p.score, f"={score_ref}", "＝复核得分合计－指标设置扣分－指标偏离扣分（不低于0），不高于封顶分"),
        ("自评得分", p.entered if p.entered is not None else "", f'=IF(ISNUMBER({entered_ref}),{entered_ref},"")',
         "单位填报的总分"),
        ("差异（复核－自评）", p.difference if p.difference is not None else "",
         f'=IF(ISNUMBER({at["entered"]}),{at["score"]}-{at["entered"]},"")', "负数为复核预估分低于自评得分"),
        ("复核等级", p.grade, "=" + grade_formula(at["score"], est.grades), "按评分方案的等级线，由复核预估分得出"),
        ("自评等级", p.entered_grade or "", "=" + grade_formula(at["entered"], est.grades), "由自评得分得出"),
    ]
    for i, (name, val, formula, why) in enumerate(lines, 1):
        r = block + i
        ws.merge_range(r, 0, r, 2, name, label)
        fmt = value if name not in ("复核等级", "自评等级") else f(border=1, align="center", bold=True)
        if formula:
            ws.write_formula(r, 3, formula, fmt, val)
        else:
            _put(ws, r, 3, val, fmt)
        ws.merge_range(r, 4, r, last, why, note)
    _grade_colours(ws, f, at["grade"])
    _grade_colours(ws, f, at["entered_grade"])
    s, e = at["score"], at["entered"]
    ws.conditional_format(s, {"type": "formula", "format": f.fill("fix"),
                              "criteria": f"=AND(ISNUMBER({s}),ISNUMBER({e}),{s}<{e}-0.005)"})


# -- 复核汇总 -----------------------------------------------------------------------------------------

SUMMARY_HEAD = ["序号", "项目名称", "执行率", "自评得分", "复核预估分", "差异", "自评等级", "复核等级", "P1", "P2", "P3"]
SUMMARY_WIDTHS = [6, 46, 10, 10, 11, 9, 9, 9, 6, 6, 6]


def _summary(ws, f, est: Estimate, names: dict[str, str], at: dict[str, dict[str, str]]) -> None:
    last = len(SUMMARY_HEAD) - 1
    for j, w in enumerate(SUMMARY_WIDTHS):
        ws.set_column(j, j, w)
    year = f"{est.year}年度" if est.year else ""
    ws.merge_range(0, 0, 0, last, f"{est.unit}{year}项目支出绩效复核汇总", f(bold=True, font_size=14, align="center"))
    ws.set_row(0, 24)
    intro = (f"由 perfxl review 生成（{date.today().isoformat()}）：来源 {os.path.basename(est.file)}，评分方案 {est.profile}。"
             "复核预估分＝各指标复核得分与预算执行得分之和，按评分方案扣分、封顶；在各项目表中修改复核完成值、复核得分或扣分后，"
             "本表随之重新计算。问题按优先级列在“问题清单”：P1 改变得分或等级的错误，P2 其他错误和审核提示，P3 其余。")
    ws.merge_range(1, 0, 1, last, intro, f(font_size=9, font_color="#595959", text_wrap=True))
    ws.set_row(1, row_height([(intro, sum(SUMMARY_WIDTHS))], font_size=9))
    head = f(bold=True, border=1, align="center", text_wrap=True, bg_color=xlsx(palette.HEAD), pattern=1)
    for j, name in enumerate(SUMMARY_HEAD):
        ws.write_string(2, j, name, head)
    first = 3
    for i, p in enumerate(est.projects):
        r = first + i
        ref = at[p.sheet]
        sheet = _quote(names[p.sheet])
        c, d, e = (_cell(j, r) for j in (2, 3, 4))
        ws.write_number(r, 0, i + 1, f(border=1, align="center"))
        ws.write_string(r, 1, p.name, f(border=1, text_wrap=True))
        ws.write_formula(r, 2, f'=IF(ISNUMBER({sheet}!{ref["rate"]}),{sheet}!{ref["rate"]},"")',
                         f(border=1, align="center", num_format="0.00%"), p.rate if p.rate is not None else "")
        ws.write_formula(r, 3, f'=IF(ISNUMBER({sheet}!{ref["entered"]}),{sheet}!{ref["entered"]},"")',
                         f(border=1, align="center", num_format="0.00"), p.entered if p.entered is not None else "")
        ws.write_formula(r, 4, f"={sheet}!{ref['score']}", f(border=1, align="center", num_format="0.00"), p.score)
        ws.write_formula(r, 5, f'=IF(ISNUMBER({d}),{e}-{d},"")', f(border=1, align="center", num_format="0.00"),
                         p.difference if p.difference is not None else "")
        ws.write_formula(r, 6, "=" + grade_formula(d, est.grades), f(border=1, align="center"), p.entered_grade or "")
        ws.write_formula(r, 7, "=" + grade_formula(e, est.grades), f(border=1, align="center", bold=True), p.grade)
        for j, key in enumerate(PRIORITIES, 8):
            n = p.priorities[key]
            fill = {"P1": "fix", "P2": "look"}.get(key) if n else None
            ws.write_number(r, j, n, f(border=1, align="center",
                                       **({"bg_color": xlsx(palette.COLOURS[fill]), "pattern": 1} if fill else {})))
        ws.set_row(r, row_height([(p.name, SUMMARY_WIDTHS[1])], font_size=10, minimum=18))
        ws.conditional_format(c, {"type": "formula", "criteria": f"=AND(ISNUMBER({c}),{c}<0.6)", "format": f.fill("fix")})
        ws.conditional_format(c, {"type": "formula", "criteria": f"=AND(ISNUMBER({c}),{c}<1-0.000000001)",
                                  "format": f.fill("look")})
        ws.conditional_format(e, {"type": "formula", "format": f.fill("fix"),
                                  "criteria": f"=AND(ISNUMBER({e}),ISNUMBER({d}),{e}<{d}-0.005)"})
    end = first + len(est.projects) - 1
    if est.projects:
        _grade_colours(ws, f, f"G{first + 1}:H{end + 1}")
    t = end + 1
    bold = f(bold=True, border=1, align="center")
    ws.write_string(t, 0, "合计", bold)
    for j in range(1, 8):
        ws.write_blank(t, j, None, bold)
    counts = est.priority_counts()
    for j, key in enumerate(PRIORITIES, 8):
        ws.write_formula(t, j, f"=SUM({_cell(j, first)}:{_cell(j, end)})" if est.projects else "=0", bold,
                         sum(p.priorities[key] for p in est.projects))
    r = t + 2
    ws.write_string(r, 1, "评价等级", head)
    ws.write_string(r, 2, "自评", head)
    ws.write_string(r, 3, "复核预估", head)
    entered, review = est.grade_counts(entered=True), est.grade_counts()
    rows = []
    for g, _limit in est.grades:
        r += 1
        rows.append(r)
        ws.write_string(r, 1, f"“{g}”的项目数", f(border=1, align="right"))
        for j, col, cached in ((2, "G", entered.get(g, 0)), (3, "H", review.get(g, 0))):
            ws.write_formula(r, j, f'=COUNTIF({col}{first + 1}:{col}{end + 1},"{g}")' if est.projects else "=0",
                             f(border=1, align="center", bg_color=xlsx(palette.GRADES.get(g, palette.HEAD)), pattern=1),
                             cached)
    r += 1
    n = len(est.projects)
    top = est.grades[0][0] if est.grades else "优"
    ws.write_string(r, 1, f"评优率（“{top}”÷项目数）", f(border=1, align="right", bold=True))
    for j, col, cached in ((2, "C", entered.get(top, 0)), (3, "D", review.get(top, 0))):
        ws.write_formula(r, j, f"={col}{rows[0] + 1}/{n}" if n and rows else "=0",
                         f(border=1, align="center", bold=True, num_format="0%"), cached / n if n else 0)
    r += 2
    unit_level = [x for x in est.problems if x.project is None]
    text = (f"不属于单个项目的问题（单位情况、汇总表、工作簿）共 {len(unit_level)} 条，合计行的 P1/P2/P3 之外另计，见“问题清单”："
            f"P1 {counts['P1'] - sum(p.priorities['P1'] for p in est.projects)} 条，"
            f"P2 {counts['P2'] - sum(p.priorities['P2'] for p in est.projects)} 条，"
            f"P3 {counts['P3'] - sum(p.priorities['P3'] for p in est.projects)} 条。")
    ws.merge_range(r, 0, r, last, text, f(font_size=9, text_wrap=True))
    ws.set_row(r, row_height([(text, sum(SUMMARY_WIDTHS))], font_size=9))
    _legend(ws, f, r + 2, last)
    ws.freeze_panes(first, 2)
    _print(ws, 2)


# -- 问题清单 ---------------------------------------------------------------------------------------------

PROBLEM_HEAD = ["序号", "优先级", "项目", "严重程度", "代码", "工作表", "单元格", "问题", "修改建议"]
PROBLEM_WIDTHS = [6, 7, 26, 8, 7, 14, 8, 60, 44]
PRIORITY_ZH = {"P1": "P1 改变得分或等级的错误", "P2": "P2 其他错误和审核提示", "P3": "P3 其余"}


def _problems(ws, f, est: Estimate, names: dict[str, str], source: str | None) -> None:
    head = f(bold=True, border=1, align="center", text_wrap=True, bg_color=xlsx(palette.HEAD), pattern=1)
    for j, name in enumerate(PROBLEM_HEAD):
        ws.write_string(0, j, name, head)
        ws.set_column(j, j, PROBLEM_WIDTHS[j])
    project = {p.sheet: p.name for p in est.projects}
    for i, x in enumerate(est.problems, 1):
        fd = x.finding
        message, hint = fd.text("zh")
        fill = {"P1": "fix", "P2": "look"}.get(x.priority)
        top = f(border=1, valign="top", text_wrap=True)
        ws.write_number(i, 0, i, f(border=1, align="center", valign="top"))
        ws.write_string(i, 1, x.priority, f(border=1, align="center", valign="top", bold=x.priority == "P1",
                                            **({"bg_color": xlsx(palette.COLOURS[fill]), "pattern": 1} if fill else {})))
        _put(ws, i, 2, project.get(x.project, "（单位、汇总表或工作簿）"), top)
        _put(ws, i, 3, SEVERITY_ZH.get(fd.severity, fd.severity), f(border=1, align="center", valign="top"))
        _put(ws, i, 4, fd.code, f(border=1, align="center", valign="top"))
        _put(ws, i, 5, fd.sheet, top)
        if source and fd.sheet and fd.cell and len(source) < 1800:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ws.write_url(i, 6, f"external:{source}#{_quote(fd.sheet)}!{fd.cell}",
                             f(border=1, valign="top", font_color="#0563C1", underline=1), string=fd.cell)
        else:
            _put(ws, i, 6, fd.cell, top)
        _put(ws, i, 7, message, top)
        _put(ws, i, 8, hint, top)
        ws.set_row(i, row_height([(message, PROBLEM_WIDTHS[7]), (hint, PROBLEM_WIDTHS[8]),
                                  (project.get(x.project, ""), PROBLEM_WIDTHS[2])], font_size=10, minimum=18))
    r = len(est.problems) + 2
    ws.write_string(r, 0, "说明", f(bold=True, align="center"))
    text = "；".join(PRIORITY_ZH[k] for k in PRIORITIES) + "。单元格链接打开单位的自评工作簿。"
    ws.merge_range(r, 1, r, len(PROBLEM_HEAD) - 1, text, f(font_size=9, text_wrap=True))
    _legend(ws, f, r + 1, len(PROBLEM_HEAD) - 1)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(1, len(est.problems)), len(PROBLEM_HEAD) - 1)
    _print(ws, 0)


# -- the terminal ----------------------------------------------------------------------------------------

def text_lines(est: Estimate, written: str | None, lang: str = "zh") -> list[str]:
    """What ``perfxl review`` prints for one unit: each project's 自评 and 复核预估, then the totals."""
    en = lang == "en"
    out = [f"{est.file}: {est.unit or '—'} {est.year or ''}, profile {est.profile}" if en else
           f"{est.file}：{est.unit or '—'} {est.year or ''}年度，评分方案 {est.profile}"]
    out.append("  No.  self  review  diff  grade    P1 P2 P3  project" if en else
               "  序号  自评  复核预估  差异  等级      P1 P2 P3  项目")
    for i, p in enumerate(est.projects, 1):
        diff = "" if p.difference is None else show.num(p.difference)
        grades = f"{p.entered_grade or '—'}→{p.grade}"
        pr = p.priorities
        out.append(f"  {i:<4} {_n(p.entered):>5} {_n(p.score):>8} {diff:>6}  {grades:<6} "
                   f"{pr['P1']:>3}{pr['P2']:>3}{pr['P3']:>3}  {p.name}")
    s, e, c = est.grade_counts(), est.grade_counts(entered=True), est.priority_counts()
    if en:
        out.append("  self: " + ", ".join(f"{g} {n}" for g, n in e.items()) + "; review: " +
                   ", ".join(f"{g} {n}" for g, n in s.items()) + f"; problems P1 {c['P1']}, P2 {c['P2']}, P3 {c['P3']}")
        if written:
            out.append(f"  Worksheet written to: {written}")
    else:
        out.append("  自评：" + "，".join(f"{g} {n} 个" for g, n in e.items()) + "；复核预估：" +
                   "，".join(f"{g} {n} 个" for g, n in s.items()) + f"；问题 P1 {c['P1']} 条，P2 {c['P2']} 条，P3 {c['P3']} 条")
        if written:
            out.append(f"  复核底稿已写入：{written}")
    return out


def _n(v) -> str:
    return "—" if v is None else show.num(v)
