"""The roll-up of ``perfxl batch``: one row per file, its totals, the JSON lines and the
汇总 workbook (XlsxWriter).

Each file arrives as a :class:`perfxl.rollup.FileRow` built from its check (or from its
JSON line), with the totals of ``perfxl.rollup``: every figure and decision here is one that
``check`` made; this module only draws.
The workbook has four sheets: 总览 (totals, grade distribution and a chart), 单位汇总 (one
row per file), 项目明细 (one row per project) and 问题清单 (one row per finding, the same
fields as the JSON). Colours are those of the 自评结果 sheet (``views/palette.py``).

What only the batch shows (rules of family B, ``perfxl/rules/batch.py``): a file that was read
and is identical to an earlier one that was read is listed, marked 重复, and left out of every
total, 项目明细 and 问题清单 (B101; an unreadable file is never a duplicate, whatever its bytes);
units of another evaluation year are named (B102); several different workbooks of one unit and
year are named and still counted, each one (B103). All are on 总览, in the 说明 of their rows,
on the terminal and in the JSON summary line.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from datetime import date

from perfxl.excel import show
from perfxl.excel.textfit import row_height
from perfxl.rollup import GRADES, FileRow, Totals, exit_code, totals  # noqa: F401  (drawn here; JSON lines merge back)
from perfxl.views import palette
from perfxl.views.palette import xlsx

from perfxl.views.files import ROLLUP_NAME as BATCH_NAME  # noqa: E402  (a later batch skips a roll-up)
FRONT, UNITS, PROJECTS, FINDINGS = "总览", "单位汇总", "项目明细", "问题清单"
from perfxl.views.batch_text import (SEVERITY_ZH, SKIP_EN, SKIP_ZH, STATE_EN, STATE_ZH,  # noqa: F401,E402  (re-exported)
                                     text_findings, text_line, text_reviewed, text_summary, text_written)

# The colours of 自评结果 (views/palette.py): the grades, and 需要更正 / 需要关注 ("fix" /
# "look", apart from the grades' pink and yellow) for errors and warnings
COLOURS = {**{g: xlsx(c) for g, c in palette.GRADES.items()},
           "amber": xlsx(palette.LOOK), "red": xlsx(palette.FIX), "head": xlsx(palette.HEAD)}
FONT = "宋体"
URL_LIMIT = 65000  # Excel keeps at most 65,530 links per sheet


# The unit-level indicator-design warnings (rules/design.py), as 总览 and 单位汇总 name them
UNIT_DESIGN_ZH = {"D110": "均为100分", "D111": "均为“优”而执行率偏低"}



def row_notes(t: Totals) -> dict[str, str]:
    """What the batch's findings say of each file, for its 说明 in 单位汇总."""
    out: dict[str, str] = {}

    def add(file: str, note: str) -> None:
        out[file] = f"{out[file]}；{note}" if file in out else note

    for f in t.findings:
        if f.code == "B101":
            add(f.values["duplicate"], f"与“{show.path(f.values['original'])}”内容完全相同，未计入合计（B101）")
        elif f.code == "B102":
            for file in f.values["files"]:
                add(file, f"评价年度与本次汇总其他 {f.values['count']} 个工作簿（{f.values['year']}）不同（B102）")
        elif f.code == "B103":
            for file in f.values["files"]:
                others = "、".join(f"“{show.path(x)}”" for x in f.values["files"] if x != file)
                add(file, f"与{others}同为“{f.values['unit']}”{f.values['year_zh']}的工作簿，内容不同，"
                          f"都已计入合计（B103）")
    return out


def flagged(t: Totals, code: str) -> set[str]:
    """The files a batch finding (B102, B103) names."""
    return {file for f in t.findings if f.code == code for file in f.values.get("files", ())}


def order(rows: list[FileRow]) -> list[FileRow]:
    return sorted(rows, key=lambda r: r.file)


# -- the workbook -------------------------------------------------------------------------

class _Formats:
    def __init__(self, wb):
        self.wb = wb
        self._cache: dict[tuple, object] = {}

    def __call__(self, **props):
        key = tuple(props.items())  # call sites pass keywords in a fixed order
        if key not in self._cache:
            base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
            base.update(props)
            self._cache[key] = self.wb.add_format(base)
        return self._cache[key]


def _fill(name: str | None) -> dict:
    return {"bg_color": COLOURS[name], "pattern": 1} if name else {}


def _rate_fill(rate) -> str | None:
    if rate is None:
        return None
    return "red" if rate < 0.6 else "amber" if rate < 1 - 1e-9 else None


def state_fill(state: str) -> str | None:
    return {"passed": None, "warnings": "amber", "duplicate": "amber"}.get(state, "red")


def _text(ws, row, col, value, fmt) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_string(row, col, str(value)[:32767], fmt)


def _num(ws, row, col, value, fmt) -> None:
    if value is None:
        ws.write_blank(row, col, None, fmt)
    else:
        ws.write_number(row, col, value, fmt)


def _link_target(output: str, file: str) -> str | None:
    """The input file, relative to the roll-up's folder when it can be; None when a name on
    the way is not UTF-8 (no text names the file: a link to its shown name would lead nowhere)."""
    folder = os.path.dirname(os.path.abspath(output))
    try:
        target = os.path.relpath(os.path.abspath(file), folder)
    except ValueError:  # another drive on Windows
        target = os.path.abspath(file)
    return target if show.path(target) == target else None


def _fit_row(ws, row: int, cells: list[tuple[str | None, float]]) -> None:
    """Give a row the height its wrapped texts need (XlsxWriter cannot measure text, and
    LibreOffice does not grow a row it did not lay out); a row of one line keeps the default."""
    height = row_height([(text, width) for text, width in cells if text], font_size=10)
    if height > row_height([], font_size=10) + 0.5:
        ws.set_row(row, height)


def _link(ws, row: int, col: int, url: str, text: str, fmt) -> bool:
    """A link to the input file (and cell); False when Excel could not keep it (too long)."""
    if len(url) > 2000:
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ws.write_url(row, col, url, fmt, string=text) == 0


def _quote(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def _print(ws, *, landscape: bool, header_row: int | None = None) -> None:
    ws.set_paper(9)  # A4
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer("&C&\"宋体\"&9第 &P 页，共 &N 页")
    if header_row is not None:
        ws.repeat_rows(header_row)


def _header(ws, f, row: int, names: list[str]) -> None:
    fmt = f(bold=True, border=1, align="center", text_wrap=True, **_fill("head"))
    for j, name in enumerate(names):
        ws.write_string(row, j, name, fmt)


def write_rollup(path: str, rows: list[FileRow], t: Totals, *, links: bool = True) -> None:
    """Write the 汇总 workbook to ``path`` (through a temporary file, so a failed write
    leaves no half a workbook)."""
    import xlsxwriter
    import xlsxwriter.exceptions

    from perfxl.excel import atomic

    with atomic.replacing(path, ".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_urls": False,
                                       "strings_to_numbers": False, "in_memory": True})
        wb.set_properties({"title": "预算绩效自评汇总", "author": "perfxl", "comments": "perfxl batch"})
        f = _Formats(wb)
        rows = order(rows)
        front = wb.add_worksheet(FRONT)
        units = wb.add_worksheet(UNITS)
        projects = wb.add_worksheet(PROJECTS)
        findings = wb.add_worksheet(FINDINGS)
        _front(wb, front, f, rows, t)
        _units(units, f, rows, path if links else None, row_notes(t), flagged(t, "B102"), flagged(t, "B103"))
        _projects(projects, f, rows)
        _findings(findings, f, rows, path if links else None)
        wb.define_name(BATCH_NAME, f"={_quote(FRONT)}!$A$1")
        front.activate()
        try:
            wb.close()
        except xlsxwriter.exceptions.FileCreateError as exc:  # the system's refusal, as every writer gives it
            cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else OSError(str(exc))
            raise cause from None


def _front(wb, ws, f, rows: list[FileRow], t: Totals) -> None:
    year = f"{t.years[0]}年度" if len(t.years) == 1 else ""
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 10)
    ws.set_column(3, 3, 4)
    ws.set_column(4, 4, 12)
    ws.set_column(5, 5, 40)
    ws.merge_range(0, 0, 0, 5, f"{year}项目支出绩效自评汇总", f(bold=True, font_size=14, align="center"))
    ws.merge_range(1, 0, 1, 5, f"由 perfxl batch 生成（{date.today().isoformat()}）：金额单位万元；每个工作簿的数字、"
                               "得分和问题与 perfxl check 相同。各表见 单位汇总、项目明细、问题清单。",
                   f(font_size=9, font_color="#595959", text_wrap=True))
    ws.set_row(1, 28)
    label = f(border=1, align="left")
    bold_label = f(border=1, align="left", bold=True)
    r = 3
    ws.merge_range(r, 0, r, 1, "总体情况", f(bold=True, border=1, align="center", **_fill("head")))
    r += 1
    lines = [
        ("检查的工作簿", t.files, "0", None),
        ("其中：无问题", t.states.get("passed", 0), "0", None),
        ("　　　只有警告", t.states.get("warnings", 0), "0", "amber" if t.states.get("warnings") else None),
        ("　　　有错误", t.states.get("errors", 0), "0", "red" if t.states.get("errors") else None),
        ("　　　无法检查（无法读取、超时、异常）", t.failed, "0", "red" if t.failed else None),
        *((("　　　重复（未计入合计）", t.duplicates, "0", "amber"),) if t.duplicates else ()),
        ("跳过的文件", sum(t.skipped.values()), "0", None),
        *((f"其中：{SKIP_ZH[k]}" if i == 0 else f"　　　{SKIP_ZH[k]}", t.skipped.get(k, 0), "0", None)
          for i, k in enumerate(SKIP_ZH)),
        ("项目数", t.projects, "0", None),
        *((("其中：待更正（未评分，不计入评优率）", t.ungraded, "0", "red"),) if t.ungraded else ()),
        ("全年预算数合计（万元）", t.budget, "#,##0.00", None),
        ("全年执行数合计（万元）", t.executed, "#,##0.00", None),
        ("执行率", t.rate, "0.00%", _rate_fill(t.rate)),
        ("评优率（“优”÷已评等级的项目数）" if t.ungraded else "评优率（“优”÷项目数）", t.excellent_rate, "0.00%", None),
        *((f"全部项目{UNIT_DESIGN_ZH[code]}的单位（{code}）", n, "0", "amber")
          for code, n in t.unit_design.items() if n),
        *((("复核预估评优率（--review）", t.review_excellent_rate, "0.00%", None),
           ("P1 问题合计（改变得分或等级的错误）", t.p1, "0", "red" if t.p1 else None)) if t.reviewed else ()),
        ("错误合计", t.errors, "0", "red" if t.errors else None),
        ("警告合计", t.warnings, "0", "amber" if t.warnings else None),
    ]
    for name, value, fmt, fill in lines:
        ws.write_string(r, 0, name, label if name.startswith(("其中", "　")) else bold_label)
        _num(ws, r, 1, value, f(border=1, align="right", num_format=fmt, **_fill(fill)))
        r += 1

    # grade distribution, then its chart
    r += 1
    g0 = r
    _header(ws, f, r, ["评价等级", "项目数", "占比"])
    graded = t.projects - t.ungraded  # 待更正 projects are counted above, apart from the grades
    for i, g in enumerate(GRADES, 1):
        n = t.grades.get(g, 0)
        ws.write_string(r + i, 0, f"“{g}”", f(border=1, align="center", **_fill(g)))
        ws.write_number(r + i, 1, n, f(border=1, align="right"))
        _num(ws, r + i, 2, n / graded if graded else None, f(border=1, align="right", num_format="0.0%"))
    r += len(GRADES) + 1
    ws.write_string(r, 0, "合计", f(border=1, align="center", bold=True))
    ws.write_number(r, 1, graded, f(border=1, align="right", bold=True))
    _num(ws, r, 2, 1 if graded else None, f(border=1, align="right", bold=True, num_format="0.0%"))

    # legend: the colours of 自评结果
    ws.merge_range(3, 4, 3, 5, "颜色说明（与自评结果表相同）", f(bold=True, border=1, align="center", **_fill("head")))
    legend = [(g, f"评价等级“{g}”") for g in GRADES] + [
        ("red", "错误；执行率低于 60%；无法检查的文件" + ("；复核预估分低于填报得分；P1 问题" if t.reviewed else "")),
        ("amber", "警告；执行率未达 100%"),
    ]
    for i, (fill, text) in enumerate(legend, 4):
        ws.write_blank(i, 4, None, f(border=1, **_fill(fill)))
        ws.write_string(i, 5, text, f(border=1, text_wrap=True))

    chart = wb.add_chart({"type": "column"})
    chart.add_series({
        "name": "项目数",
        "categories": [FRONT, g0 + 1, 0, g0 + len(GRADES), 0],
        "values": [FRONT, g0 + 1, 1, g0 + len(GRADES), 1],
        "points": [{"fill": {"color": COLOURS[g]}, "border": {"color": "#808080"}} for g in GRADES],
        "data_labels": {"value": True},
        "gap": 60,
    })
    chart.set_title({"name": "项目评价等级分布", "name_font": {"name": FONT, "size": 12, "bold": True}})
    chart.set_legend({"none": True})
    chart.set_x_axis({"num_font": {"name": FONT}})
    chart.set_y_axis({"name": "项目数", "name_font": {"name": FONT, "bold": False}, "min": 0,
                      "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    chart.set_size({"width": 360, "height": 250})
    ws.insert_chart(11, 4, chart, {"x_offset": 8, "y_offset": 4})

    # the batch's own findings (B101, B102, B103): what no single workbook shows
    r += 3
    if t.findings:
        ws.merge_range(r, 0, r, 5, f"汇总提示（{len(t.findings)} 条）", f(bold=True, border=1, align="left", **_fill("amber")))
        for x in t.findings:
            r += 1
            text = f"{x.message}。{x.hint}。"
            ws.write_string(r, 0, f"{SEVERITY_ZH[x.severity]} {x.code}", f(border=1, valign="top"))
            ws.merge_range(r, 1, r, 5, text, f(border=1, text_wrap=True, valign="top"))
            _fit_row(ws, r, [(text, 72)])
        r += 2

    # files that could not be checked: the reviewer's first call
    failed = [row for row in rows if not row.checked and not row.duplicate_of]
    if failed:
        ws.merge_range(r, 0, r, 5, f"无法检查的文件（{len(failed)} 个，见单位汇总的“说明”列）",
                       f(bold=True, border=1, align="left", **_fill("red")))
        for row in failed[:20]:
            r += 1
            message = f"{STATE_ZH[row.state()]}：{row.stop.line()}"
            ws.write_string(r, 0, row.shown, f(border=1, text_wrap=True, valign="top"))
            ws.merge_range(r, 1, r, 5, message, f(border=1, text_wrap=True, valign="top"))
            _fit_row(ws, r, [(row.shown, 28), (message, 72)])
        if len(failed) > 20:
            r += 1
            ws.merge_range(r, 0, r, 5, f"……另有 {len(failed) - 20} 个，见单位汇总。", f(border=1))
    ws.hide_gridlines(2)
    _print(ws, landscape=False)


UNIT_WIDTHS = [5, 20, 16, 6, 6, 11, 11, 8, 4, 4, 4, 4, 7, 5, 5, 9, 30]  # ~150 units: A4 landscape at ~90%
UNIT_HEAD = ["序号", "文件", "单位", "年度", "项目数", "全年预算数", "全年执行数", "执行率",
             "优", "良", "中", "差", "评优率", "错误", "警告", "状态", "说明"]


REVIEW_UNIT_HEAD, REVIEW_UNIT_WIDTHS = ["复核评优率", "P1"], [9, 5]  # --review: after 说明


def _units(ws, f, rows: list[FileRow], output: str | None, notes: dict[str, str] | None = None,
           odd_years: set[str] = frozenset(), same_unit: set[str] = frozenset()) -> None:
    notes = notes or {}
    reviewed = any(r.reviewed for r in rows)
    _header(ws, f, 0, UNIT_HEAD + (REVIEW_UNIT_HEAD if reviewed else []))
    for j, g in enumerate(GRADES, 8):
        ws.write_string(0, j, g, f(bold=True, border=1, align="center", **_fill(g)))
    links = 0
    for i, row in enumerate(rows, 1):
        state = row.state()
        rate = (row.executed_total / row.budget_total) if row.checked and row.budget_total else None
        right = f(border=1, align="right")
        ws.write_number(i, 0, i, f(border=1, align="center"))
        target = _link_target(output, row.file) if output else None
        if target and links < URL_LIMIT and _link(ws, i, 1, "external:" + target, row.shown,
                                                  f(border=1, font_color="#0563C1", underline=1)):
            links += 1
        else:
            _text(ws, i, 1, row.shown, f(border=1, text_wrap=True))
        _text(ws, i, 2, row.unit, f(border=1, text_wrap=True, **_fill("amber" if row.file in same_unit else None)))  # B103
        _num(ws, i, 3, row.year if isinstance(row.year, (int, float)) else None,
             f(border=1, align="right", num_format="0", **_fill("amber" if row.file in odd_years else None)))
        if row.checked:
            ws.write_number(i, 4, len(row.projects), right)
            _num(ws, i, 5, row.budget_total, f(border=1, align="right", num_format="#,##0.00"))
            _num(ws, i, 6, row.executed_total, f(border=1, align="right", num_format="#,##0.00"))
            _num(ws, i, 7, rate, f(border=1, align="right", num_format="0.00%", **_fill(_rate_fill(rate))))
            for j, g in enumerate(GRADES, 8):
                ws.write_number(i, j, row.grades.get(g, 0), right)
            _num(ws, i, 12, row.excellent_rate, f(border=1, align="right", num_format="0%"))
        else:
            for j in range(4, 13):
                ws.write_blank(i, j, None, f(border=1))
        if row.checked or row.status == "unreadable":
            ws.write_number(i, 13, row.errors, f(border=1, align="right", **_fill("red" if row.errors else None),
                                                 **({"bold": True, "font_color": "#9C0006"} if row.errors else {})))
            ws.write_number(i, 14, row.warnings, f(border=1, align="right", **_fill("amber" if row.warnings else None)))
        else:
            ws.write_blank(i, 13, None, f(border=1))
            ws.write_blank(i, 14, None, f(border=1))
        _text(ws, i, 15, STATE_ZH[state], f(border=1, align="center", **_fill(state_fill(state))))
        note = row.stop.line() if not row.checked else (row.note or (f"结果：{show.path(row.written)}" if row.written else ""))
        if row.file in notes:
            note = "；".join(n for n in (notes[row.file], note) if n)
        design = "；".join(f"全部项目{UNIT_DESIGN_ZH[c]}（{c}）" for c in dict.fromkeys(row.unit_design()))
        note = "；".join(n for n in (design, note) if n)
        _text(ws, i, 16, note, f(border=1, text_wrap=True, valign="top"))
        _fit_row(ws, i, [(note, UNIT_WIDTHS[16]), (row.shown, UNIT_WIDTHS[1]), (row.unit, UNIT_WIDTHS[2])])
        if reviewed:
            n = sum(row.review_grades.values())
            _num(ws, i, 17, row.review_grades.get("优", 0) / n if row.reviewed and n else None,
                 f(border=1, align="right", num_format="0%"))
            _num(ws, i, 18, row.p1, f(border=1, align="right", **_fill("red" if row.p1 else None)))
    _finish_table(ws, UNIT_WIDTHS + (REVIEW_UNIT_WIDTHS if reviewed else []), len(rows), frozen_columns=2)


PROJECT_WIDTHS = [5, 18, 16, 12, 30, 11, 11, 8, 8, 8, 7, 5, 5]
PROJECT_HEAD = ["序号", "文件", "单位", "工作表", "项目名称", "全年预算数", "全年执行数", "执行率",
                "填报得分", "核算得分", "评价等级", "错误", "警告"]


REVIEW_PROJECT_HEAD, REVIEW_PROJECT_WIDTHS = ["复核预估分", "复核等级", "P1"], [10, 8, 5]  # --review


def _projects(ws, f, rows: list[FileRow]) -> None:
    reviewed = any(r.reviewed for r in rows)
    _header(ws, f, 0, PROJECT_HEAD + (REVIEW_PROJECT_HEAD if reviewed else []))
    i = 0
    for row in rows:
        if not row.checked or row.duplicate_of:
            continue
        for p in row.projects:
            i += 1
            rate = p.rate
            bad_total = p.entered_agrees is False  # decided by the checks, with the profile's tolerance
            ws.write_number(i, 0, i, f(border=1, align="center"))
            _text(ws, i, 1, row.shown, f(border=1, text_wrap=True))
            _text(ws, i, 2, row.unit, f(border=1, text_wrap=True))
            _text(ws, i, 3, p.sheet, f(border=1, text_wrap=True))
            name = f"{p.name}（{p.code}）" if p.code else p.name  # a system code, kept (§2.4)
            _text(ws, i, 4, name, f(border=1, text_wrap=True))
            _num(ws, i, 5, p.budget, f(border=1, align="right", num_format="#,##0.00"))
            _num(ws, i, 6, p.executed, f(border=1, align="right", num_format="#,##0.00"))
            _num(ws, i, 7, rate, f(border=1, align="right", num_format="0.00%", **_fill(_rate_fill(rate))))
            _num(ws, i, 8, p.entered, f(border=1, align="right", num_format="0.00", **_fill("red" if bad_total else None)))
            _num(ws, i, 9, p.score, f(border=1, align="right", num_format="0.00"))
            _text(ws, i, 10, p.grade, f(border=1, align="center", **_fill(p.grade if p.grade in COLOURS else None)))
            ws.write_number(i, 11, p.errors, f(border=1, align="right", **_fill("red" if p.errors else None)))
            ws.write_number(i, 12, p.warnings, f(border=1, align="right", **_fill("amber" if p.warnings else None)))
            if reviewed:
                lower = p.review is not None and p.entered is not None and p.review < p.entered - 0.005
                _num(ws, i, 13, p.review, f(border=1, align="right", num_format="0.00", **_fill("red" if lower else None)))
                _text(ws, i, 14, p.review_grade, f(border=1, align="center",
                                                   **_fill(p.review_grade if p.review_grade in COLOURS else None)))
                _num(ws, i, 15, p.p1, f(border=1, align="right", **_fill("red" if p.p1 else None)))
            _fit_row(ws, i, [(name, PROJECT_WIDTHS[4]), (row.file, PROJECT_WIDTHS[1]), (row.unit, PROJECT_WIDTHS[2]),
                             (p.sheet, PROJECT_WIDTHS[3])])
    _finish_table(ws, PROJECT_WIDTHS + (REVIEW_PROJECT_WIDTHS if reviewed else []), i)


def _finish_table(ws, widths: list[float], last_row: int, *, frozen_columns: int = 0) -> None:
    """Column widths, a frozen header (and first columns), a filter over the table, A4 landscape."""
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.freeze_panes(1, frozen_columns)
    ws.autofilter(0, 0, max(1, last_row), len(widths) - 1)
    _print(ws, landscape=True, header_row=0)


FINDING_WIDTHS = [5, 18, 16, 6, 6, 12, 7, 46, 36]
FINDING_HEAD = ["序号", "文件", "单位", "严重程度", "代码", "工作表", "单元格", "问题", "修改建议"]


def _findings(ws, f, rows: list[FileRow], output: str | None) -> None:
    _header(ws, f, 0, FINDING_HEAD)
    i = 0
    links = 0
    for row in rows:
        if row.duplicate_of:
            continue
        target = _link_target(output, row.file) if output else None
        for x in row.problems:
            i += 1
            sev = x.severity
            ws.write_number(i, 0, i, f(border=1, align="center", valign="top"))
            _text(ws, i, 1, row.shown, f(border=1, valign="top", text_wrap=True))
            _text(ws, i, 2, row.unit, f(border=1, valign="top", text_wrap=True))
            _text(ws, i, 3, SEVERITY_ZH.get(sev, sev), f(border=1, align="center", valign="top",
                                                         **_fill({"error": "red", "warning": "amber"}.get(sev))))
            _text(ws, i, 4, x.code, f(border=1, align="center", valign="top"))
            _text(ws, i, 5, x.sheet, f(border=1, valign="top", text_wrap=True))
            if target and x.sheet and x.cell and links < URL_LIMIT and _link(
                    ws, i, 6, f"external:{target}#{_quote(x.sheet)}!{x.cell}", x.cell,
                    f(border=1, valign="top", font_color="#0563C1", underline=1)):
                links += 1
            else:
                _text(ws, i, 6, x.cell, f(border=1, valign="top"))
            _text(ws, i, 7, x.message, f(border=1, text_wrap=True, valign="top"))
            _text(ws, i, 8, x.hint, f(border=1, text_wrap=True, valign="top"))
            _fit_row(ws, i, [(x.message, FINDING_WIDTHS[7]), (x.hint, FINDING_WIDTHS[8]), (row.file, FINDING_WIDTHS[1]),
                             (row.unit, FINDING_WIDTHS[2]), (x.sheet, FINDING_WIDTHS[5])])
    _finish_table(ws, FINDING_WIDTHS, i)
