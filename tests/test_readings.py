"""The readings docs/template.md §2–§3 adds: harm answers under at-most-0 targets, 其中 sub-items,
a 评价年度 typed as a date, a funding block below the indicators, summary amounts at the typed
precision, a note under the summary table, an empty cached string."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from layouts import Book, Ind, build
from perfxl.excel.years import parse_year
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.scoring.targets import read_target, score_indicator
from perfxl.workbook.reader import read_workbook

PROFILE = load_profile()


@pytest.mark.parametrize("target,actual,full", [
    ("0起", "无安全事故", True),
    ("0起", "未发生安全事故", True),
    ("0起", "零事故", True),
    ("≤0次", "无投诉", True),
    ("0", "杜绝", True),
    ("0起", "未出现", True),
    ("0起", "0", True),
    ("0起", "发生1起", False),
    ("≤0次", "发生2次", False),
])
def test_harm_answers_under_an_at_most_zero_target(target, actual, full):
    a = read_target(target, profile=PROFILE, year=2025, level1="效益指标", level2="社会效益指标", name="安全事故")
    s = score_indicator(a, actual, weight=10, profile=PROFILE, year=2025)
    assert s.status == "ok"
    assert (s.low, s.high) == ((10, 10) if full else (0, 0))


@pytest.mark.parametrize("target,actual", [("≥95%", "无投诉"), ("≥10个", "未发生")])
def test_a_negation_under_another_target_is_still_not_a_number(target, actual):
    a = read_target(target, profile=PROFILE, year=2025)
    assert score_indicator(a, actual, weight=10, profile=PROFILE, year=2025).status == "not_number"


@pytest.mark.parametrize("value,year", [
    (2025, 2025), (2025.0, 2025), ("2025", 2025), ("2025年", 2025), ("2025年度", 2025), ("２０２５", 2025),
    (datetime(2025, 1, 1), 2025), (date(2024, 12, 31), 2024), ("二〇二五", None), (1999, None), (2025.5, None),
    ("", None), (None, None),
])
def test_one_year_parser(value, year):
    assert parse_year(value) == year


def _check(tmp_path, book=None, post=None, layout="national"):
    path = tmp_path / "b.xlsx"
    where = build(book or Book(), path, layout)
    if post:
        wb = load_workbook(path)
        post(wb, where)
        wb.save(path)
    return run_checks(read_workbook(str(path)), PROFILE), where


def test_year_typed_as_a_date_cell(tmp_path):
    book = Book()
    book.unit["评价年度"] = datetime(2025, 1, 1)
    result, _ = _check(tmp_path, book)
    assert result.year == 2025
    assert not [f for f in result.findings if f.code in ("R115", "R116")]


def test_sub_items_are_read_like_any_row(tmp_path):
    book = Book()
    book.projects[0].indicators.insert(1, Ind("产出指标", "数量指标", "其中：一楼", "≥600平方米", "650平方米", None, None))
    result, _ = _check(tmp_path, book)
    sub = result.projects[0].indicators[1]
    assert sub.indicator.sub_item and (sub.kind, sub.direction) == ("quantitative", "at_least")
    assert sub.accepted is None
    assert [f.code for f in result.findings if f.severity != "info"] == []


def test_funding_block_below_the_indicator_table(tmp_path):
    def move(wb, where):
        ws = wb["项目1"]
        for rng in [r for r in ws.merged_cells.ranges if r.min_row >= 5 and r.max_row <= 9]:
            ws.unmerge_cells(str(rng))
        ws.move_range("A5:H9", rows=40)
    result, _ = _check(tmp_path, post=move)
    p = result.projects[0]
    assert (p.funding.budget, p.funding.executed, p.funding.cell) == (100, 100, "H46")
    assert [f.flat() for f in result.findings if f.severity != "info"] == []


@pytest.mark.parametrize("typed,agrees", [(13.5, True), (13, True), (13.49, True), (13.4, False), (14, False)])
def test_summary_amounts_agree_at_the_typed_precision(tmp_path, typed, agrees):
    book = Book()
    book.projects[0].budget = 13.49
    book.projects[0].executed = 13.49
    book.unit.update({"项目支出": 13.49, "基本支出": 986.51, "人员经费": 786.51})
    rows = book.summary_rows()
    rows[0]["全年预算数"] = typed
    book.summary = rows
    result, _ = _check(tmp_path, book)
    assert bool([f for f in result.findings if f.code == "S104"]) is not agrees


def test_a_note_under_the_summary_table_is_not_a_project(tmp_path):
    def note(wb, where):
        ws = wb["汇总"]
        ws.cell(row=ws.max_row + 2, column=2, value="注：金额单位为万元，得分按财预〔2020〕10号计算。")
    result, _ = _check(tmp_path, post=note)
    assert [f.flat() for f in result.findings if f.code in ("S101", "R110")] == []


def test_blank_init_workbook_has_no_r113(run, tmp_path):
    path = tmp_path / "blank.xlsx"
    assert run("init", path).exit_code == 0
    result = run("check", path, "--no-write")
    assert "R113" not in result.output
