"""One mistake, one finding, at its cause's cell, with advice that is safe to follow
(docs/template.md §4, "Severity and the cell a finding names")."""

from __future__ import annotations

import re

from openpyxl import load_workbook

from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook
from perfxl.workbook.template import write_template
from test_roundtrip import _fill

PROFILE = load_profile()


def _init(tmp_path, edit=None):
    path = tmp_path / "2025.xlsx"
    write_template(str(path), projects=2, unit="某某区机关事务管理局", year=2025)
    _fill(path)
    if edit:
        wb = load_workbook(path)
        edit(wb)
        wb.save(path)
    return path


def _check(path):
    return run_checks(read_workbook(str(path)), PROFILE)


def _row_of(ws, label, col=1):
    return next(r[0].row for r in ws.iter_rows(min_col=col, max_col=col) if str(r[0].value or "").startswith(label))


def _serious(result):
    # 项目2 of this book spends 50% and is graded 优: the reviewer's doubt (V101) is tested in
    # test_reviewer; here only the arithmetic and its causes count
    return [f for f in result.flatten(severities=("error", "warning")) if not f[2].startswith("V")]


def _formula_cells(path):
    wb = load_workbook(path)
    return {(ws.title, c.coordinate) for ws in wb for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")}


def _no_constant_advice_for_formula_cells(result, path):
    formulas = _formula_cells(path)
    for f in result.findings:
        if (f.sheet, f.cell) in formulas:
            assert not re.search(r"改为\s*-?\d", f.hint), (f.code, f.ref, f.hint)


def test_five_mistakes_five_findings(tmp_path):
    """A typed-over 执行率, a text amount, a 得分 above its 分值, a wrong 合计, an over-scored
    quantitative indicator: exactly five findings, each at its cause's cell."""
    def edit(wb):
        wb["项目2"]["G6"] = 0.9  # 执行率 typed over its formula (20/40 is 50%)
        u = wb["单位情况"]
        u.cell(row=_row_of(u, "在编人员"), column=2, value="30")  # a count stored as text: 人员合计 skips it
        wb["项目1"]["G14"] = 18  # 得分 18 above its 分值 15
        s = wb["汇总"]
        t = _row_of(s, "合计", 2)
        s[f"C{t}"] = 999  # the 合计 typed over its =SUM(...)
        wb["项目1"]["E13"] = "1000平方米"  # ≥1200平方米 done 1000: 20 points is over-scoring
    path = _init(tmp_path, edit)
    result = _check(path)
    u_row = _row_of(load_workbook(path)["单位情况"], "在编人员")
    t = _row_of(load_workbook(path)["汇总"], "合计", 2)
    assert sorted(_serious(result)) == sorted([
        ("项目2", "G6", "F102"),
        ("单位情况", f"B{u_row}", "R120"),
        ("项目1", "G14", "I104"),
        ("汇总", f"C{t}", "S108"),
        ("项目1", "G13", "I101"),
    ]), [(f.code, f.ref, f.message) for f in result.findings]
    rate = next(f for f in result.findings if f.code == "F102")
    assert "90%" in rate.message and "50%" in rate.message and "=IF(D6>0,E6/D6,0)" in rate.message
    assert "恢复公式 =IF(D6>0,E6/D6,0)" in rate.hint
    assert "项目2!H6" in rate.message  # the funding 得分 that follows from it is named, not reported
    total = next(f for f in result.findings if f.code == "S108")
    assert f"=SUM(C3:C{t - 1})" in total.hint
    _no_constant_advice_for_formula_cells(result, path)


def test_x_to_f_constant_over_formula_is_one_finding(tmp_path):
    path = _init(tmp_path, lambda wb: wb["项目2"].__setitem__("G6", 0.9))
    assert _serious(_check(path)) == [("项目2", "G6", "F102")]


def test_f_to_funding_score_is_a_consequence(tmp_path):
    """A wrong 执行率 formula: the funding 得分 and the 汇总 score that follow from it are not reported."""
    path = _init(tmp_path, lambda wb: wb["项目2"].__setitem__("G6", "=E6/100"))
    result = _check(path)
    assert _serious(result) == [("项目2", "G6", "F102")], [(f.code, f.ref, f.message) for f in result.findings]
    [f] = [f for f in result.findings if f.code == "F102"]
    assert "项目2!H6" in f.message and "汇总!F4" in f.message
    # the hint names the wrong formula and, as the cells to correct, only what it reads (E6, not the
    # D6 of the right formula =IF(D6>0,E6/D6,0), which the hint may name as the formula to restore)
    assert "公式 =E6/100" in f.hint and "（E6）" in f.hint and "恢复正确的公式" in f.hint
    assert "D6" not in re.sub(r"=IF\(D6.*", "", f.hint), f.hint
    _no_constant_advice_for_formula_cells(result, path)


def test_project_total_to_summary_to_result_sheet(tmp_path, run):
    """An over-scored indicator changes the 总分; the 汇总 formula pointing at it is a consequence,
    and 自评结果 counts one problem for the project."""
    path = _init(tmp_path, lambda wb: wb["项目1"].__setitem__("G14", 18))
    result = _check(path)
    assert _serious(result) == [("项目1", "G14", "I104")]
    f = result.findings[[x.code for x in result.findings].index("I104")]
    assert "汇总!F3" in f.message
    out = tmp_path / "out.xlsx"
    run("check", path, "-o", out)
    ws = load_workbook(out)["自评结果"]
    assert ws["I4"].value == 1


def test_summary_formula_without_a_cause_advises_the_formula_not_a_number(tmp_path):
    """A summary formula pointing at the wrong cell: no cause upstream, the advice is about the formula."""
    path = _init(tmp_path, lambda wb: wb["汇总"].__setitem__("F4", "='项目2'!F25"))
    result = _check(path)
    hits = [f for f in result.findings if (f.sheet, f.cell) == ("汇总", "F4") and f.code == "S106"]
    assert hits and "公式" in hits[0].hint
    _no_constant_advice_for_formula_cells(result, path)


def test_r120_text_number_skipped_by_a_sum_is_an_error(tmp_path):
    """A count typed as text is a warning (R112) until a SUM skips it and a total goes wrong:
    then it is the cause of that total's error, and itself an error (R120)."""
    def edit(wb):
        u = wb["单位情况"]
        u.cell(row=_row_of(u, "在编人员"), column=2, value="30")
    path = _init(tmp_path, edit)
    result = _check(path)
    row = _row_of(load_workbook(path)["单位情况"], "在编人员")
    assert _serious(result) == [("单位情况", f"B{row}", "R120")]
    f = result.findings[[x.code for x in result.findings].index("R120")]
    assert "人员合计" not in f.hint and "SUM" in f.hint and "单位情况!B" in f.message

    def unread(wb):  # no formula reads 当年财政拨款's 执行数: a format warning only
        wb["项目2"]["E7"] = "20"
    (tmp_path / "b").mkdir()
    result = _check(_init(tmp_path / "b", unread))
    assert _serious(result) == [("项目2", "E7", "R112")]


def test_default_language_of_usage_help_and_click_errors_is_chinese(run):
    r = run("check")
    assert r.exit_code == 2 and "用法" in r.output and "缺少参数" in r.output and "Usage:" not in r.output
    r = run("check", "--help")
    assert "选项" in r.output and "Options:" not in r.output and "显示本帮助并退出" in r.output
    r = run("check", "a.xlsx", "--format", "xml")
    assert r.exit_code == 2 and "值无效" in r.output and "Error:" not in r.output


def test_rules_lists_a_family_as_select_accepts_it(run):
    r = run("rules", "I")
    codes = re.findall(r"^\s+([A-Z]\d{3})\s", r.output, re.M)
    assert codes and all(c.startswith("I") for c in codes) and "I104" in codes
    assert "X106" in run("rules", "X").output and "--select X106" in run("rules", "X").output
    assert run("rules", "Q").exit_code == 2


def test_english_report_has_no_chinese_but_the_users_text(run, tmp_path):
    """--lang en: perfxl's words in English; only names, labels typed by the user and sheet names stay."""
    path = _init(tmp_path, lambda wb: (wb["项目1"].__setitem__("G14", 18), wb["项目2"].__setitem__("G6", 0.9),
                                       wb["单位情况"].__setitem__("B3", None)))
    r = run("check", path, "--lang", "en", "-o", tmp_path / "out.xlsx")
    user = {"项目1", "项目2", "汇总", "单位情况", "某某区机关事务管理局", "办公楼维修项目", "食堂改造工程",
            "维修面积", "验收合格率", "完工时间", "办公条件", "干部职工满意度", "优", "良", "中", "差"}
    text = r.output
    for word in sorted(user, key=len, reverse=True):
        text = text.replace(word, "")
    assert not re.search(r"[\u4e00-\u9fff【】：，。、；（）]", text), text
    assert "Result written to" in r.output and "1 notes" not in r.output


def test_report_columns_stay_aligned_with_wide_and_digit_sheet_names(tmp_path):
    from perfxl.views.text import render, width
    def edit(wb):
        wb["项目1"].title = "04法院派出法庭项目"
        wb["项目2"]["G6"] = 0.9
        wb["项目1"] if False else None
    path = _init(tmp_path, edit)
    out = render(_check(path), str(path), color=False)
    rows = [line for line in out.splitlines() if re.match(r"^  \S+!\S+\s+[A-Z]\d{3}\s", line)]
    assert len(rows) >= 2
    starts = {width(line[:line.index(re.search(r"[A-Z]\d{3}", line).group(0))]) for line in rows}
    assert len(starts) == 1, rows


def test_s108_on_a_sum_explains_why_it_differs(tmp_path):
    def edit(wb):
        s = wb["汇总"]
        t = _row_of(s, "合计", 2)
        s[f"C{t}"] = "=SUM(C3:C3)"  # the second project's row is left out
    path = _init(tmp_path, edit)
    result = _check(path)
    t = _row_of(load_workbook(path)["汇总"], "合计", 2)
    [f] = [f for f in result.findings if (f.sheet, f.cell) == ("汇总", f"C{t}")]
    assert f.code == "S108" and "第4行" in f.message and f.values["outside"] == (4,)
    assert "C3:C4" in f.hint and not re.search(r"改为\s*-?\d", f.hint)


def test_a_finding_keeps_its_raw_values_and_results_flatten(tmp_path):
    path = _init(tmp_path, lambda wb: wb["项目1"].__setitem__("G14", 18))
    result = _check(path)
    f = result.findings[[x.code for x in result.findings].index("I104")]
    assert f.values["entered"] == 18 and f.values["weight"] == 15 and f.values["consequences"] == ("汇总!F3",)
    assert ("项目1", "G14", "I104") in result.flatten()
    assert result.flatten(codes=("I",)) == [("项目1", "G14", "I104")]


def test_the_result_carries_the_unit_figures(tmp_path):
    result = _check(_init(tmp_path))
    u = result.unit
    assert (u.name, u.year) == ("某某区机关事务管理局", 2025)
    assert u.counts["在编人员"] == 30 and u.money["财政拨款收入"] == 1000
    assert round(u.shares["基本支出"], 4) == 0.88 and round(u.shares["人员经费"], 4) == round(700 / 880, 4)
    assert u.income_change == 0
    assert [r.agrees for r in result.summary_rows] == [
        {"全年预算数": True, "全年执行数": True, "执行率": True, "自评得分": True, "评价等级": True}] * 2


def test_staff_total_typed_over_its_formula_is_one_finding(tmp_path):
    def edit(wb):
        u = wb["单位情况"]
        u.cell(row=_row_of(u, "人员合计"), column=2, value=50)  # 30+10+5+1 = 46
    path = _init(tmp_path, edit)
    row = _row_of(load_workbook(path)["单位情况"], "人员合计")
    result = _check(path)
    assert _serious(result) == [("单位情况", f"B{row}", "U101")]
    [f] = [f for f in result.findings if f.code == "U101"]
    assert "=SUM(B" in f.hint and "恢复公式" in f.hint


def test_words_in_an_amount_are_one_finding_not_one_per_formula_that_reads_it(tmp_path):
    """'约100万' in 全年执行数: the formulas that read it (执行率, 得分, 总分, the 汇总 row) show
    #VALUE! or the text; they are consequences, named in the one finding (R111 at the cause),
    and the unit's 项目支出 is not compared with a sum that leaves the project out."""
    def edit(wb):
        wb["项目1"]["E6"] = "约100万"
    path = _init(tmp_path, edit)
    result = _check(path)
    assert _serious(result) == [("项目1", "E6", "R111")]
    cause = result.findings[[f.flat() for f in result.findings].index(("项目1", "E6", "R111"))]
    assert "随之出错的公式" in cause.message and "汇总!F3" in cause.message
    _no_constant_advice_for_formula_cells(result, path)


def test_a_project_without_a_name_is_one_finding_not_also_missing_from_the_summary(tmp_path):
    """An init workbook filled in but for 项目名称: R110 at B3; S102 (not in the summary) at the same
    cell would advise adding a row that already exists. (A sheet not filled in at all is one R130.)"""
    path = tmp_path / "blank.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    wb = load_workbook(path)
    wb["项目1"]["D6"] = 10
    wb.save(path)
    flat = _check(path).flatten()
    assert ("项目1", "B3", "R110") in flat
    assert not [f for f in flat if f[2] == "S102"]
