"""Amounts as staff type them (docs/template.md §1): a number followed by 万, 万元, 元 or 亿元 in a
money cell is read and converted to the sheet's unit, with the text-number warning saying which
unit was read; an amount a thousand times off its row says which unit it was read in (F109)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from layouts import Book, Proj, build
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook

PROFILE = load_profile()


def _checked(tmp_path, value, *, layout="national", key="executed", yuan=False, sheet="项目1"):
    """A clean book (budget 13, executed 12.5) with ``value`` typed into one cell."""
    book = Book([Proj(budget=13, executed=12.5, problems="部分工程款尚未结算")])
    book.unit.update({"项目支出": 12.5, "基本支出": 987.5, "人员经费": 787.5})
    path = tmp_path / "book.xlsx"
    options = {"yuan": True} if yuan else {}
    where = build(book, path, layout, **options)
    wb = load_workbook(path)
    ref = where(sheet, key)
    wb[sheet][ref].value = value
    wb.save(path)
    return run_checks(read_workbook(str(path)), PROFILE), (sheet, ref)


# (typed, executed as read in 万元, the code at the cell, words its message must hold)
READINGS = [
    ("12.5万", 12.5, "R112", ["“12.5万”"]),
    ("12.5万元", 12.5, "R112", ["“12.5万元”"]),
    ("125000元", 12.5, "R112", ["已按元读取，即12.5万元"]),
    ("0.00125亿元", 12.5, "R112", ["已按亿元读取，即12.5万元"]),
    (" 12.5万 ", 12.5, "R112", []),
    (125000, 125000, "F109", ["按本表的金额单位万元读取", "9615倍"]),
    ("12.5元", 0.00125, "F109", ["按单元格所写的元读取", "千分之一"]),
]


@pytest.mark.parametrize("typed,read,code,words", READINGS, ids=[str(r[0]).strip() for r in READINGS])
def test_money_typed_with_a_unit_is_read_in_the_sheets_unit(tmp_path, typed, read, code, words):
    result, at = _checked(tmp_path, typed)
    p = result.projects[0]
    assert p.funding.executed == pytest.approx(read)
    here = [f for f in result.findings if (f.sheet, f.cell) == at]
    assert [f.code for f in here] == [code]  # one mistake, one finding
    for w in words:
        assert w in here[0].message
    assert "F104" not in {f.code for f in result.findings}  # the rate follows from the same mistake
    assert "U105" not in {f.code for f in result.findings}


def test_the_advice_says_the_number_to_type(tmp_path):
    result, at = _checked(tmp_path, "125000元")
    f = next(f for f in result.findings if (f.sheet, f.cell) == at)
    assert "改为数字 12.5" in f.hint and "万元" in f.hint
    result, at = _checked(tmp_path, 125000)
    f = next(f for f in result.findings if (f.sheet, f.cell) == at)
    assert f.code == "F109" and "12.5" in f.hint


def test_a_plain_number_or_words_are_what_they_were(tmp_path):
    result, at = _checked(tmp_path, 12.5)
    assert [f for f in result.findings if (f.sheet, f.cell) == at] == []
    assert result.projects[0].funding.rate == pytest.approx(12.5 / 13)
    result, at = _checked(tmp_path, "十二万五")
    assert [f.code for f in result.findings if (f.sheet, f.cell) == at] == ["R111"]
    result, at = _checked(tmp_path, "12.5万人次")  # not a money unit
    assert [f.code for f in result.findings if (f.sheet, f.cell) == at] == ["R111"]


def test_a_yuan_sheet_converts_to_yuan(tmp_path):
    result, at = _checked(tmp_path, "12.5万", layout="provincial", yuan=True)
    assert result.projects[0].funding.executed == pytest.approx(12.5)
    f = next(f for f in result.findings if (f.sheet, f.cell) == at)
    assert f.code == "R112" and "已按万元读取，即125000元" in f.message


def test_unit_and_summary_amounts_are_read_the_same_way(tmp_path):
    result, at = _checked(tmp_path, "12.5万元", key="项目支出", sheet="单位情况")
    assert result.unit.money["项目支出"] == 12.5
    assert [f.code for f in result.findings if (f.sheet, f.cell) == at] == ["R112"]
    assert "U105" not in {f.code for f in result.findings}
    result, at = _checked(tmp_path, "125000元", key=(0, "全年执行数"), sheet="汇总")
    assert [f.code for f in result.findings if (f.sheet, f.cell) == at] == ["R112"]  # and no S104: it agrees
