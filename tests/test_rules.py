"""One bad and one good case per rule, across the three layouts: a table, one runner.

A case edits the default (clean) ``Book`` and/or the built workbook, and names the cell
the finding must point at (a key of the builder's ``Where``, or a literal address).
The good case is the same layout without the edit: the rule must stay silent there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
from openpyxl import load_workbook

from asserted_codes import asserted_codes
from layouts import LAYOUTS, Book, Ind, Proj, build
from perfxl.rules.catalogue import RULES
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook

PROFILE = load_profile()


@dataclass
class Case:
    code: str
    edit: Callable[[Book], None] | None = None
    post: Callable | None = None  # (openpyxl workbook, where) -> None
    cell: object = None  # (sheet, key) resolved through Where, or (sheet, "A1"), or None for workbook level
    layouts: tuple[str, ...] = LAYOUTS
    options: dict | None = None


def p0(book: Book) -> Proj:
    return book.projects[0]


def ind(book: Book, i: int) -> Ind:
    return book.projects[0].indicators[i]


def _set(**kw):
    def edit(book):
        for k, v in kw.items():
            setattr(p0(book), k, v)
    return edit


def _ind(i, **kw):
    def edit(book):
        for k, v in kw.items():
            setattr(ind(book, i), k, v)
    return edit


def _unit(**kw):
    def edit(book):
        book.unit.update(kw)
    return edit


def _summary(i, **kw):
    def edit(book):
        rows = book.summary_rows()
        rows[i].update(kw)
        book.summary = rows
    return edit


def _two_projects(book: Book) -> None:
    book.projects.append(Proj(sheet="项目2", name="食堂改造工程", budget=50, executed=50))
    book.unit["项目支出"] = 150
    book.unit["财政拨款支出"] = 1050
    book.unit["基本支出"] = 900
    book.unit["财政拨款收入"] = 1050


def _both(*edits):
    def edit(book):
        for e in edits:
            e(book)
    return edit


CASES = [
    Case("F101", _set(parts={"当年财政拨款": (80, 80), "其他资金": (10, 10)}), cell=("项目1", "budget"),
         layouts=("national", "provincial")),
    Case("F102", _set(rate=0.5), cell=("项目1", "rate")),
    Case("F103", _both(_set(fscore=5.0), _set(total=95.0)), cell=("项目1", "fscore")),
    Case("F104", _set(executed=120.0), cell=("项目1", "executed")),
    Case("F105", _set(executed=-5.0, problems="工程款退回"), cell=("项目1", "executed")),
    Case("F106", _set(budget=0.0, executed=0.0), cell=("项目1", "budget")),
    Case("F107", post=lambda wb, w: _plain_rate(wb, w), cell=("项目1", "rate"), layouts=("national",)),
    Case("F108", _set(executed=50.0), cell=("项目1", "rate")),
    Case("F109", _set(executed=125000.0), cell=("项目1", "executed")),  # 元 typed in a 万元 sheet
    Case("I101", _ind(0, actual="1000平方米"), cell=("项目1", (0, "score"))),
    Case("I102", _ind(0, score=15), cell=("项目1", (0, "score"))),  # with a 偏差原因 it is silent
    Case("I103", _ind(0, actual="较好"), cell=("项目1", (0, "actual"))),
    Case("I104", _ind(0, score=25), cell=("项目1", (0, "score"))),
    Case("I105", _ind(0, actual="1200个"), cell=("项目1", (0, "actual"))),
    Case("I106", _ind(0, actual="1080平方米", score=18), cell=("项目1", (0, "reason"))),
    Case("I107", _ind(3, l2="项目实施"), cell=None, layouts=("national", "provincial")),
    Case("I108", _ind(3, target=None), cell=("项目1", (3, "target")), layouts=("national", "messy")),
    Case("I109", _ind(1, score=None), cell=("项目1", (1, "score"))),
    Case("I110", lambda b: ind(b, 0) and p0(b).indicators.insert(1, Ind("产出指标", "数量指标", "其中：一楼", "≥600平方米", "650平方米", None, None)),
         cell=("项目1", (1, "name"))),
    Case("I111", lambda b: p0(b).indicators.__setitem__(slice(1, 1), [
        Ind("产出指标", "数量指标", "其中：一楼", "≥800平方米", "800平方米", None, None),
        Ind("产出指标", "数量指标", "其中：二楼", "≥600平方米", "600平方米", None, None)]),
         cell=("项目1", (0, "target"))),
    Case("T101", _ind(0, weight=15, score=15), cell=("项目1", "total_weight")),
    Case("T102", _both(_ind(1, weight=5, score=5), _ind(3, weight=40, score=40)), cell=None),
    Case("T103", _both(_ind(2, l1="成本指标", l2="经济成本指标", target="≤100万元", actual="98万元")), cell=None),
    Case("T104", _set(total=95.0), cell=("项目1", "total")),
    Case("T105", _set(total_weight=90), cell=("项目1", "total_weight")),
    Case("S101", _summary(0, 项目名称="不存在的项目"), cell=("汇总", (0, "项目名称"))),
    Case("S102", _both(_two_projects, lambda b: setattr(b, "summary", b.summary_rows()[:1])), cell=None),
    Case("S103", _summary(0, 项目名称="2025办公楼维修"), cell=("汇总", (0, "项目名称"))),
    Case("S104", _summary(0, 全年预算数=90), cell=("汇总", (0, "全年预算数")), layouts=("national", "messy")),
    Case("S105", _summary(0, 执行率=0.5), cell=("汇总", (0, "执行率")), layouts=("national", "messy")),
    Case("S106", _summary(0, 自评得分=95), cell=("汇总", (0, "自评得分"))),
    Case("S107", _summary(0, 评价等级="良"), cell=("汇总", (0, "评价等级"))),
    Case("S108", post=lambda wb, w: _cell_at(wb, "汇总", w("汇总", ("合计", "全年预算数")), 999),
         cell=("汇总", ("合计", "全年预算数")), layouts=("messy",)),
    Case("S109", post=lambda wb, w: _cell_at(wb, "汇总", w("汇总", ("合计", "执行率")), 1.6),
         cell=("汇总", ("合计", "执行率")), layouts=("messy",)),
    Case("U101", _unit(人员合计=50), cell=("单位情况", "人员合计")),
    Case("U102", _unit(财政拨款支出=1010, 年末结转和结余=-10), cell=("单位情况", "财政拨款支出")),
    Case("U103", _unit(基本支出=850, 财政拨款支出=950, 年末结转和结余=50), cell=("单位情况", "基本支出")),
    Case("U104", _unit(年末结转和结余=5), cell=("单位情况", "年末结转和结余")),
    Case("U105", _unit(项目支出=120, 基本支出=880, 人员经费=680), cell=("单位情况", "项目支出")),
    Case("U106", _unit(在编人员=-1, 人员合计=15), cell=("单位情况", "在编人员"), layouts=("national", "provincial")),
    Case("R101", lambda b: setattr(b, "unit", None), cell=None),
    Case("R102", lambda b: setattr(b, "summary", None), cell=None),
    Case("R103", post=lambda wb, w: wb.copy_worksheet(wb["单位情况"]), cell=None),
    Case("R104", post=lambda wb, w: setattr(wb["项目1"], "sheet_state", "hidden"), cell=None),
    Case("R110", _set(name=""), cell=("项目1", "name"), layouts=("national", "provincial")),
    Case("R111", _ind(0, score="十分"), cell=("项目1", (0, "score"))),
    Case("R112", _ind(0, score="20"), cell=("项目1", (0, "score")), layouts=("national", "provincial")),
    Case("R122", post=lambda wb, w: _date_format(wb, "项目1", w("项目1", (0, "score"))), cell=("项目1", (0, "score"))),
    Case("R113", post=lambda wb, w: _cell_at(wb, "项目1", w("项目1", "fscore"), f"=ROUND({w('项目1', 'fweight')}*1,2)"),
         cell=None),
    Case("R114", post=lambda wb, w: _cell_at(wb, "项目1", w("项目1", "fscore"), "=FOOBAR(1)"),
         cell=("项目1", "fscore")),
    Case("R115", _unit(评价年度="二〇二五"), cell=("单位情况", "评价年度")),
    Case("R116", _unit(评价年度=None), post=lambda wb, w: _no_title_year(wb), cell=None, layouts=("national",)),
    Case("R117", cell=None, layouts=("provincial",), options={"no_weight": True}),
    Case("R118", post=lambda wb, w: _cell_at(wb, "项目1", "A" + w("项目1", "total")[1:], "小计"), cell=None,
         layouts=("national",)),
]


def _cell_at(wb, sheet, ref, value):
    wb[sheet][ref].value = value


def _date_format(wb, sheet, ref):
    wb[sheet][ref].number_format = "yyyy/m/d"  # the number stays; Excel shows a date


def _plain_rate(wb, where):
    c = wb["项目1"][where("项目1", "rate")]
    c.value = 100
    c.number_format = "General"


def _no_title_year(wb):
    wb["项目1"]["A2"].value = None


def _resolve(where, cell):
    if cell is None:
        return None
    sheet, key = cell
    return sheet, where(sheet, key)


def _check(tmp_path, book: Book, layout: str, case: Case):
    path = tmp_path / f"{layout}.xlsx"
    options = case.options or {}
    where = build(book, path, layout, **options) if layout == "provincial" else build(book, path, layout)
    if case.post:
        wb = load_workbook(path)
        case.post(wb, where)
        wb.save(path)
    model = read_workbook(str(path))
    return run_checks(model, PROFILE), where


PARAMS = [(c, layout) for c in CASES for layout in c.layouts]


@pytest.mark.parametrize("case,layout", PARAMS, ids=[f"{c.code}-{layout}" for c, layout in PARAMS])
def test_rule_bad_case_is_reported_at_its_cell(tmp_path, case, layout):
    book = Book()
    if case.edit:
        case.edit(book)
    result, where = _check(tmp_path, book, layout, case)
    hits = [f for f in result.findings if f.code == case.code]
    assert hits, f"{case.code} not reported; got {[(f.code, f.sheet, f.cell, f.message) for f in result.findings]}"
    assert all(f.severity == RULES[case.code].severity for f in hits)
    expected = _resolve(where, case.cell)
    if expected is not None:
        assert expected in {(f.sheet, f.cell) for f in hits}, [(f.sheet, f.cell, f.message) for f in hits]
    for f in hits:
        assert f.message and "{" not in f.message and "{" not in f.hint


def _good_key(case: Case, layout: str) -> tuple:
    """The good case of a rule is the unedited book; only these differ between rules."""
    options = None if case.code == "R117" else case.options
    return (layout, case.code == "S102", tuple(sorted((options or {}).items())))


GOOD: dict[tuple, list[str]] = {}
for _c, _layout in PARAMS:
    GOOD.setdefault(_good_key(_c, _layout), []).append(_c.code)


@pytest.mark.parametrize("key", sorted(GOOD), ids=[f"{k[0]}{'-two' if k[1] else ''}{'-' + str(dict(k[2])) if k[2] else ''}"
                                                   for k in sorted(GOOD)])
def test_rule_good_cases_are_silent(tmp_path, key):
    """One run per distinct good book; none of the rules whose good case it is may speak."""
    layout, two, options = key
    book = Book()
    if two:
        _two_projects(book)
    result, _ = _check(tmp_path, book, layout, Case("-", options=dict(options) or None))
    codes = set(GOOD[key])
    assert [f.flat() for f in result.findings if f.code in codes] == []


def _tested_codes() -> set[str]:
    """Codes some test asserts in a finding (asserted_codes: an assert, or a table of expected
    findings an asserting test reads; never a test's name)."""
    from pathlib import Path
    return set().union(*(asserted_codes(path.read_text(encoding="utf-8"))
                         for path in Path(__file__).parent.glob("test_*.py")))


def test_every_rule_has_a_test():
    missing = set(RULES) - _tested_codes()
    assert not missing, sorted(missing)


def test_a_code_in_a_test_name_or_an_absence_is_no_test():
    """The guard above, fed fake test modules: only a code a test can fail on counts."""
    source = '''
CASES = [("F101", "项目1", "D6")]
UNUSED = ["F102"]
PARAMS = [c for c in CASES]

@pytest.mark.parametrize("case", PARAMS)
def test_table(case):
    assert case in run()

@pytest.mark.parametrize("code", ["F103"])
def test_literal_table(code):
    assert code in run()

def test_f104_named_only():
    run("F104")

def test_asserted():
    assert ("项目1", "G6", "F105") in flat() and f.code == "F106"

def test_absent():
    assert "F107" not in codes() and not [f for f in run() if f.code == "F108"] and "F109" != code

def _helper():
    assert "F110" in codes()  # a helper's assert counts too

def test_reads_a_table_but_asserts_nothing():
    print(UNUSED, "F111")
'''
    assert asserted_codes(source) == {"F101", "F103", "F105", "F106", "F110"}


@pytest.mark.parametrize("layout", ("national", "provincial"))
def test_default_book_is_clean(tmp_path, layout):
    result, _ = _check(tmp_path, Book(), layout, Case("-"))
    assert [(f.code, f.sheet, f.cell, f.message) for f in result.findings if f.severity != "info"] == []


def test_messy_book_only_warns_about_text_numbers(tmp_path):
    result, where = _check(tmp_path, Book(), "messy", Case("-"))
    serious = [(f.code, f.sheet, f.cell) for f in result.findings if f.severity != "info"]
    assert {code for code, _, _ in serious} == {"R112"}
    assert ("单位情况", where("单位情况", "在编人员")) in {(s, c) for _, s, c in serious}
