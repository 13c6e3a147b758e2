"""A number stored as text (R112) becomes the error R120 only where it really changes a formula's
result, and R120 says how: SUM and the other aggregates skip the text; + - * / convert it, so a
division gives the same and a finding there has another cause (docs/template.md §4)."""

from __future__ import annotations

from openpyxl import load_workbook

from test_root_causes import _check, _init, _row_of, _serious


def _only(result, code):
    [f] = [f for f in result.findings if f.code == code]
    return f


def test_sum_skips_the_text_r120_says_so_in_both_languages(tmp_path):
    def edit(wb):
        u = wb["单位情况"]
        u.cell(row=_row_of(u, "在编人员"), column=2, value="30")  # 人员合计 =SUM(...) skips it
    path = _init(tmp_path, edit)
    row = _row_of(load_workbook(path)["单位情况"], "在编人员")
    result = _check(path)
    assert _serious(result) == [("单位情况", f"B{row}", "R120")]
    f = _only(result, "R120")
    assert "引用它的 SUM 公式把它漏算了" in f.message and "SUM" in f.hint
    message, hint = f.text("en")
    assert "the SUM formula reading it leaves out" in message and "SUM" in hint


def test_a_division_converts_the_text_no_r120_and_the_formula_keeps_its_own_finding(tmp_path):
    """``=E6/D6*2`` with D6 the text '40': Excel divides by 40 all the same, so the wrong 执行率
    (100% for 50%) comes from the formula, not from the text — R112 stays a warning and the
    formula's own finding is kept (the funding score it feeds is its consequence), not folded
    into a "sum left it out" message."""
    def edit(wb):
        ws = wb["项目2"]
        ws["D6"] = "40"
        ws["G6"] = "=E6/D6*2"  # a wrong 执行率 formula (a division)
        del wb["汇总"]  # no SUM reads D6
    result = _check(_init(tmp_path, edit))
    serious = _serious(result)
    assert ("项目2", "D6", "R112") in serious and ("项目2", "G6", "F102") in serious, serious
    assert not [f for f in result.findings if f.code == "R120"]
    assert not any("漏算" in f.message for f in result.findings)


def test_a_division_beside_a_sum_only_the_sum_is_named(tmp_path):
    """The same text read by the 汇总 合计 (SUM) and by a wrong division: R120 names the totals
    the SUM puts wrong, and the division's own finding stays."""
    def edit(wb):
        ws = wb["项目2"]
        ws["D6"] = "40"
        ws["G6"] = "=E6/D6*2"
    result = _check(_init(tmp_path, edit))
    f = _only(result, "R120")
    assert "SUM" in f.message and "汇总!C5" in f.message and "项目2!H6" not in f.message
    assert ("项目2", "G6", "F102") in _serious(result)  # the wrong 执行率 formula (the score it feeds follows)


def test_a_comparison_takes_the_text_as_text_r120_says_what_happens(tmp_path):
    """``=IF(D6>0,E6/D6,0)`` with D6 the text '0': text is greater than any number, so the IF
    divides by zero where the number 0 gives 0. R120, without claiming a sum left it out."""
    def edit(wb):
        wb["项目2"]["D6"] = "0"
        del wb["汇总"]
    result = _check(_init(tmp_path, edit))
    f = _only(result, "R120")
    assert "当作文本而不是数字" in f.message and "漏算" not in f.message and "SUM" not in f.hint
    message, hint = f.text("en")
    assert "takes as text, not as a number" in message and "SUM" not in hint


def test_a_text_number_no_formula_reads_is_a_warning(tmp_path):
    result = _check(_init(tmp_path, lambda wb: wb["项目2"].__setitem__("E7", "20")))
    assert _serious(result) == [("项目2", "E7", "R112")]
