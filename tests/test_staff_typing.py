"""Smaller things staff type, each with its bad and good case: a year left from last year (U107),
weights off by a level (T101/T102 name it), a deduction with its reason (I102), values with
invisible spaces, a 总分 or a summary name typed over the template's formula, and the typed
figures the narrative and the Word report restate."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

import newuser
from layouts import Book, Proj, build
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.views.docx_report import outline
from perfxl.views.narrative import narrative
from perfxl.workbook.reader import read_workbook

PROFILE = load_profile()


def _check(tmp_path, book: Book, name="book.xlsx", layout="national", post=None):
    path = tmp_path / name
    where = build(book, path, layout)
    if post:
        wb = load_workbook(path)
        post(wb, where)
        wb.save(path)
    return run_checks(read_workbook(str(path)), PROFILE), where


# -- U107: the evaluation year against the project titles and the file name -------------------------

def test_u107_a_year_left_from_last_year(tmp_path):
    book = Book()
    book.unit["评价年度"] = 2024  # the titles say （2025年度）
    result, where = _check(tmp_path, book)
    hits = [f for f in result.findings if f.code == "U107"]
    assert [(f.code, f.sheet, f.cell) for f in hits] == [("U107", "单位情况", where("单位情况", "评价年度"))]
    assert "评价年度为2024" in hits[0].message and "（2025年度）（项目1）" in hits[0].message
    result, _ = _check(tmp_path, Book(), name="2024年自评.xlsx")
    hits = [f for f in result.findings if f.code == "U107"]
    assert len(hits) == 1 and "文件名“2024年自评.xlsx”以2024开头" in hits[0].message


def test_u107_silent_when_the_years_agree(tmp_path):
    for name in ("book.xlsx", "2025年自评.xlsx", "20250301报送.xlsx"):  # a date is not a year prefix
        result, _ = _check(tmp_path, Book(), name=name)
        assert "U107" not in {f.code for f in result.findings}, name


# -- T101/T102: the level that is short -------------------------------------------------------------

def _weights(**rows):
    def edit(book):
        for i, (w, s) in rows.items():
            ind = book.projects[0].indicators[int(i[1:])]
            ind.weight, ind.score = w, s
    return edit


def test_t101_names_the_short_level_and_t102_does_not_repeat_it(tmp_path):
    book = Book()
    _weights(i1=(10, 10))(book)  # 产出 45: the weights add up to 95
    result, where = _check(tmp_path, book)
    assert [(f.code, f.cell) for f in result.findings if f.code.startswith("T")] == [
        ("T101", where("项目1", "total_weight"))]
    assert "产出指标45分，标准50分（少5分）" in next(f.message for f in result.findings if f.code == "T101")


def test_t102_names_the_short_level_when_the_sum_is_100(tmp_path):
    book = Book()
    _weights(i1=(10, 10), i3=(35, 35))(book)  # 产出 45, 效益 35
    result, where = _check(tmp_path, book)
    hits = [f for f in result.findings if f.code.startswith("T")]
    assert [(f.code, f.cell) for f in hits] == [("T102", where("项目1", (0, "weight")))]  # the short level's
    assert "产出指标45分，标准50分（少5分）；效益指标35分，标准30分（多5分）" in hits[0].message
    result, _ = _check(tmp_path, Book())
    assert not [f for f in result.findings if f.code.startswith("T")]


# -- I102: a deduction with its reason ----------------------------------------------------------------

def test_i102_is_silent_when_the_reason_is_written(tmp_path):
    book = Book()
    book.projects[0].indicators[0].score = 15
    result, where = _check(tmp_path, book)
    assert [(f.code, f.cell) for f in result.findings if f.code.startswith("I")] == [
        ("I102", where("项目1", (0, "score")))]  # and not I106 beside it: I102 asks for the reason
    book.projects[0].indicators[0].reason = "面积按审计核定数计，从严扣分"
    result, _ = _check(tmp_path, book)
    assert not [f for f in result.findings if f.code.startswith("I")]


# -- invisible characters in quoted values ---------------------------------------------------------------

@pytest.mark.parametrize("typed,shown,code", [
    ("100 ", "“100␣”", "R112"), (" 100", "“␣100”", "R112"), ("100\u3000", "“100␣”", "R112"),
    ("100", "“100”", "R112"), ("一百 ", "“一百␣”", "R111"),
])
def test_messages_show_spaces_around_a_typed_value(tmp_path, typed, shown, code):
    def post(wb, where):
        wb["项目1"][where("项目1", "initial")] = typed
    result, where = _check(tmp_path, Book(), post=post)
    f = next(f for f in result.findings if (f.sheet, f.cell) == ("项目1", where("项目1", "initial")))
    assert f.code == code and shown in f.message


# -- formulas of perfxl init typed over ------------------------------------------------------------------

def test_t104_advice_restores_the_templates_own_range(run, tmp_path):
    path = newuser.build(tmp_path / "2025.xlsx", [newuser.MISTAKES[0]])
    result = run_checks(read_workbook(path), PROFILE)
    f = next(f for f in result.findings if f.code == "T104")
    assert "=H6+SUM(G13:G24)" in f.hint and "G13:G17" not in f.hint + f.message  # rows inserted later count


def test_a_name_typed_over_the_summary_formula_is_one_finding(tmp_path):
    mistake = next(m for m in newuser.MISTAKES if m.finding and m.finding[0] == "汇总")
    path = newuser.build(tmp_path / "2025.xlsx", [mistake])
    result = run_checks(read_workbook(path), PROFILE)
    hits = [f for f in result.findings if f.code.startswith("S")]
    assert [f.flat() for f in hits] == [("汇总", "B10", "S103")]
    assert "恢复公式 =IF('项目8'!B3=\"\",\"\",'项目8'!B3)" in hits[0].hint
    assert result.summary_rows[-1].project_sheet == "项目8"  # the row is still compared with its project


def test_without_formulas_a_stray_name_and_its_project_point_at_each_other(tmp_path):
    book = Book([Proj(), Proj(sheet="项目2", name="节能改造项目", budget=10, executed=10)])
    book.unit.update({"项目支出": 110, "基本支出": 890, "人员经费": 690})
    rows = book.summary_rows()
    rows[1]["项目名称"] = "LED灯具更换"
    book.summary = rows
    result, where = _check(tmp_path, book)
    s101 = next(f for f in result.findings if f.code == "S101")
    s102 = next(f for f in result.findings if f.code == "S102")
    assert "节能改造项目" in s101.hint
    assert f"汇总!{where('汇总', (1, '项目名称'))}" in s102.hint and "改为“节能改造项目”" in s102.hint


# -- what the narrative and the Word report restate ----------------------------------------------------------

def test_the_report_says_the_typed_total_where_the_check_agrees(tmp_path):
    # 30 of 90 spent: 3.33 + 90 = 93.33; typed 93 agrees at its precision
    book = Book([Proj(budget=90, executed=30, total=93, problems="工程款尚未结算")])
    book.unit.update({"项目支出": 30, "基本支出": 970, "人员经费": 770})
    result, _ = _check(tmp_path, book)
    p = result.projects[0]
    assert (p.score, p.stated_score) == (93.33, 93)
    assert "该项目绩效自评得分为93分" in narrative(result)[-1]
    table = next(b for b in outline(result).blocks if b.kind == "table")
    assert table.rows[1][5] == "93"


def test_the_report_keeps_the_checks_score_where_the_typed_one_differs(tmp_path):
    # 9.6 + 80 = 89.6 (良); a typed 90 agrees when rounded to whole points, but it is 优: the check's
    # figure stays, so the report never prints a score beside a grade it does not have
    book = Book([Proj(budget=100, executed=96, total=90, problems="结余资金4万元已上缴")])
    book.projects[0].indicators[3].score = 20
    book.projects[0].indicators[3].reason = "效果有待观察"
    book.unit.update({"项目支出": 96, "基本支出": 904, "人员经费": 704})
    result, _ = _check(tmp_path, book)
    p = result.projects[0]
    assert (p.score, p.grade, p.entered_total, p.entered_agrees) == (89.6, "良", 90, True)
    assert p.stated_score == 89.6 and "该项目绩效自评得分为89.6分" in narrative(result)[-1]
    result, _ = _check(tmp_path, Book([Proj(total=95)]))  # 95 does not agree with 100
    assert result.projects[0].stated_score == 100
