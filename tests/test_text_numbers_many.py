"""Several numbers stored as text read by one SUM: each is its own mistake (R120), each names the
total it puts wrong — correcting one alone leaves the total wrong (docs/template.md §4, "Severity
and the cell a finding names"). A text number nothing skips stays the warning R112.

The books are built from scratch (tests/layouts.py): three projects, 汇总 rows that read each
project's 全年预算数/全年执行数 (='项目1'!E6) and a 合计 row =SUM(D3:D5)."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from layouts import Book, Proj, build, default_unit
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.views.text_sheets import FINDINGS
from perfxl.workbook.reader import read_workbook

EXECUTED = {1: 90, 2: 95, 3: 92}
TOTAL = "汇总!D6"  # the 合计 of 全年执行数


def _book(tmp_path, texts, *, total="=SUM(D3:D5)", read=(1, 2, 3), also=None) -> str:
    """Projects 1-3 with ``texts`` ({project: text}) typed over their 全年执行数 (E6); the 汇总
    rows of the projects in ``read`` take 全年执行数 from the project sheet, the others hold it;
    ``also`` ({(sheet, cell): value}) is typed last."""
    unit = default_unit()
    unit.update({"项目支出": sum(EXECUTED.values()), "基本支出": 1000 - sum(EXECUTED.values()),
                 "人员经费": 800 - sum(EXECUTED.values())})
    projects = [Proj(sheet=f"项目{i}", name=f"办公楼维修项目{i}", executed=e) for i, e in EXECUTED.items()]
    path = tmp_path / "texts.xlsx"
    where = build(Book(projects, unit=unit), path)
    wb = load_workbook(path)
    s = wb["汇总"]
    for i in read:
        assert where("项目%d" % i, "executed") == "E6"
        s[where("汇总", (i - 1, "全年预算数"))] = f"='项目{i}'!D6"
        s[where("汇总", (i - 1, "全年执行数"))] = f"='项目{i}'!E6"
    assert [where("汇总", (i, "全年执行数")) for i in range(3)] == ["D3", "D4", "D5"]
    s["B6"], s["C6"], s["D6"] = "合计", "=SUM(C3:C5)", total
    for i, text in texts.items():
        wb[f"项目{i}"]["E6"] = text
    for (sheet, cell), value in (also or {}).items():
        wb[sheet][cell] = value
    wb.save(path)
    return str(path)


def _text_findings(result):
    return sorted((f.sheet, f.cell, f.code, f.severity) for f in result.findings if f.code in ("R112", "R120"))


def _check(path):
    return run_checks(read_workbook(path), load_profile())


def _named(result, sheet, cell):
    [f] = [f for f in result.findings if (f.sheet, f.cell) == (sheet, cell) and f.code in ("R112", "R120")]
    return f


def test_two_text_numbers_into_one_sum_are_two_errors_each_naming_the_total(tmp_path):
    result = _check(_book(tmp_path, {1: "90", 3: "92"}))
    assert _text_findings(result) == [("项目1", "E6", "R120", "error"), ("项目3", "E6", "R120", "error")]
    for sheet in ("项目1", "项目3"):
        f = _named(result, sheet, "E6")
        assert "SUM 公式把它漏算了" in f.message and TOTAL in f.message, f.message
        assert TOTAL in f.values["consequences"]
        assert "the SUM formula reading it leaves out" in f.text("en")[0]
    # the total itself is not reported again: it follows from the two texts
    assert not [f for f in result.findings if f.ref == TOTAL]


def test_n_text_numbers_into_one_sum_are_n_errors(tmp_path):
    result = _check(_book(tmp_path, {i: str(e) for i, e in EXECUTED.items()}))
    assert _text_findings(result) == [(f"项目{i}", "E6", "R120", "error") for i in (1, 2, 3)]
    assert all(TOTAL in _named(result, f"项目{i}", "E6").message for i in (1, 2, 3))


def test_one_text_number_into_a_sum_is_one_error(tmp_path):
    result = _check(_book(tmp_path, {1: "90"}))
    assert _text_findings(result) == [("项目1", "E6", "R120", "error")]
    assert TOTAL in _named(result, "项目1", "E6").message
    assert not [f for f in result.findings if f.ref == TOTAL]


def test_a_text_number_nothing_skips_stays_a_warning_beside_two_that_are_skipped(tmp_path):
    """项目2's 年初预算数 (C6) as text: no formula reads it, so R112 (a warning) with nothing
    that follows from it, beside the two R120 of the texts the 合计 skips."""
    result = _check(_book(tmp_path, {1: "90", 3: "92"}, also={("项目2", "C6"): "100"}))
    assert _text_findings(result) == [("项目1", "E6", "R120", "error"), ("项目2", "C6", "R112", "warning"),
                                      ("项目3", "E6", "R120", "error")]
    assert "随之出错" not in _named(result, "项目2", "C6").message
    assert "项目2" not in _named(result, "项目1", "E6").message + _named(result, "项目3", "E6").message


def test_a_text_number_alone_nothing_skips_is_a_warning(tmp_path):
    result = _check(_book(tmp_path, {}, also={("项目2", "C6"): "100"}))
    assert _text_findings(result) == [("项目2", "C6", "R112", "warning")]


def test_another_finding_upstream_of_the_total_does_not_hide_the_text(tmp_path):
    """项目2's 汇总 row holds a constant where its neighbours hold formulas (X108, a finding the
    合计 also reads): the total still follows from 项目1's text too — R120, not R112."""
    result = _check(_book(tmp_path, {1: "90"}, read=(1, 3)))
    assert ("汇总", "D4", "X108") in {(f.sheet, f.cell, f.code) for f in result.findings}
    assert _text_findings(result) == [("项目1", "E6", "R120", "error")]
    assert TOTAL in _named(result, "项目1", "E6").message


def test_a_clean_book_has_no_text_finding(tmp_path):
    assert _text_findings(_check(_book(tmp_path, {}))) == []


def test_a_first_text_number_does_not_hide_a_second(tmp_path):
    """A total that gives 0 as long as 项目3!E6 is text (text compares above any number): with
    项目3!E6 still text, correcting 项目1!E6 changes nothing — yet once 项目3!E6 is corrected
    the SUM still leaves 项目1!E6 out. Both are causes of the wrong total."""
    result = _check(_book(tmp_path, {1: "90", 3: "92"}, total="=IF('项目3'!E6>1000,0,SUM(D3:D5))"))
    assert _text_findings(result) == [("项目1", "E6", "R120", "error"), ("项目3", "E6", "R120", "error")]
    assert TOTAL in _named(result, "项目1", "E6").message


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_the_report_lists_both(run, tmp_path, fmt):
    path = _book(tmp_path, {1: "90", 3: "92"})
    out = run("check", path, "--format", fmt, "--no-write")
    assert out.exit_code == 1, out.output
    if fmt == "json":
        data = json.loads(out.output)
        found = sorted((f["sheet"], f["cell"], f["code"], f["severity"], TOTAL in f["values"]["consequences"])
                       for f in data["findings"] if f["code"] in ("R112", "R120"))
        assert found == [("项目1", "E6", "R120", "error", True), ("项目3", "E6", "R120", "error", True)]
    else:
        lines = [line for line in out.output.splitlines() if "R120" in line or "R112" in line]
        assert len(lines) == 2 and all("R120" in line and TOTAL in line for line in lines), lines


def test_the_result_workbook_lists_both(run, tmp_path):
    path = _book(tmp_path, {1: "90", 3: "92"})
    out = run("check", path)
    assert out.exit_code == 1, out.output
    ws = load_workbook(path.replace(".xlsx", ".perfxl.xlsx"))[FINDINGS]
    head = [c.value for c in ws[1]]
    col = {name: head.index(name) for name in ("严重程度", "代码", "工作表", "单元格", "问题")}
    rows = sorted((r[col["工作表"]], r[col["单元格"]], r[col["代码"]], r[col["严重程度"]], TOTAL in r[col["问题"]])
                  for r in ws.iter_rows(min_row=2, values_only=True) if r[col["代码"]] in ("R112", "R120"))
    assert rows == [("项目1", "E6", "R120", "错误", True), ("项目3", "E6", "R120", "错误", True)]


def test_a_constant_equal_to_its_formula_is_no_cause_of_the_total(tmp_path):
    """项目2's 汇总 row holds 95, what its formula would give (X108, a form mistake): the wrong 合计
    follows from 项目1's text only, so only that finding names it."""
    result = _check(_book(tmp_path, {1: "90"}, read=(1, 3)))
    [x108] = [f for f in result.findings if (f.sheet, f.cell, f.code) == ("汇总", "D4", "X108")]
    assert TOTAL not in x108.message and "随之出错" not in x108.message
    assert TOTAL in _named(result, "项目1", "E6").message

