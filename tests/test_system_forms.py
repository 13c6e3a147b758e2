"""What budget-system exports and reviewers' worksheets add to the national form
(docs/template.md §2.4), each read as a finance officer would: two-row and group headers,
system units and codes, score groups, a grade in the 总分 row, the execution row, the
reviewer's columns beside the self-evaluation's."""

from __future__ import annotations

import json

from openpyxl import Workbook

from layouts import Ind, build, variant_book
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook


def _check(path):
    return run_checks(read_workbook(str(path)), load_profile())


def test_two_row_header_with_the_indicator_name_in_its_second_row(tmp_path):
    path = tmp_path / "y.xlsx"
    build(variant_book("yunnan"), path, "yunnan")
    p = read_workbook(str(path)).projects[0]
    assert p.indicator_header_row == 12
    assert {k: v for k, v in p.indicator_columns.items()} == {
        "一级指标": "A", "二级指标": "B", "三级指标": "C", "指标性质": "D", "年度指标值": "E", "度量单位": "F",
        "实际完成值": "G", "分值": "H", "得分": "I", "偏差原因": "J"}
    assert [i.target_text for i in p.indicators][:2] == ["≥1200平方米", "≥100%"]


def test_system_export_units_and_score_group(tmp_path):
    path = tmp_path / "h.xlsx"
    build(variant_book("hebei"), path, "hebei")
    result = _check(path)
    p = result.projects[0]
    ind = p.indicators[1]  # 验收合格率: ≥ 100 %(百分比), B exported as 1 formatted 0%
    assert ind.indicator.target_text == "≥100%" and ind.accepted == 15
    assert ind.indicator.hundred_score.value == 100
    assert p.project.code == "13000025P000000000001" and p.name == "办公楼维修项目"
    assert p.project.funding.columns["全年预算数"] == "C"  # under the 资金情况 group
    cols = p.project.indicator_columns
    assert (cols["百分制得分"], cols["分值"], cols["得分"]) == ("H", "I", "J")


def test_i112_score_out_of_100_must_fit_the_weighted_score(tmp_path):
    book = variant_book("hebei")
    book.projects[0].indicators[1].hundred = 90  # 15 of 15 is 100
    path = tmp_path / "bad.xlsx"
    where = build(book, path, "hebei")
    found = [f for f in _check(path).findings if f.code == "I112"]
    assert [(f.code, f.sheet, f.cell) for f in found] == [("I112", "项目1", where("项目1", (1, "hundred")))]
    assert found[0].message == "单项指标得分为90，按 折算得分15÷分值15×100 应为100"
    good = tmp_path / "good.xlsx"
    build(variant_book("hebei"), good, "hebei")
    assert not [f for f in _check(good).findings if f.code == "I112"]


def test_t106_grade_in_the_total_row(tmp_path):
    book = variant_book("anhui")
    book.projects[0].grade = "良"  # 97.6 is 优
    path = tmp_path / "bad.xlsx"
    where = build(book, path, "anhui")
    assert ("项目1", where("项目1", "grade"), "T106") in _check(path).flatten()
    book = variant_book("anhui")  # a grade that follows a wrong 总分 is that 总分's consequence
    book.projects[0].total = 85
    book.projects[0].grade = "良"
    path = tmp_path / "follows.xlsx"
    where = build(book, path, "anhui")
    flat = _check(path).flatten()
    assert ("项目1", where("项目1", "total"), "T104") in flat and not [f for f in flat if f[2] == "T106"]
    good = tmp_path / "good.xlsx"
    build(variant_book("anhui"), good, "anhui")
    result = _check(good)
    assert not [f for f in result.findings if f.code == "T106"]
    assert result.projects[0].project.entered_grade.value == "优"


def test_reviewer_worksheet_takes_its_funding_from_the_execution_row(tmp_path, run):
    book = variant_book("reviewer")
    book.projects[0].indicators[0].review = ("1000平方米", 16)
    path = tmp_path / "r.xlsx"
    where = build(book, path, "reviewer")
    result = _check(path)
    assert not [f for f in result.findings if f.code in ("T101", "R118", "I107", "F108")]
    p = result.projects[0]
    assert p.project.funding.source == "indicator" and len(p.indicators) == 5
    assert (p.funding.weight, p.funding.entered, p.funding.rate, p.funding.cell) == (10, 9.6, 0.96, where("项目1", "fscore"))
    assert p.funding.budget is None and p.score == 97.6
    data = json.loads(run("check", path, "--format", "json", "--no-write").output)
    proj = data["projects"][0]
    assert proj["code"] == "13000025P000000000001" and proj["funding"]["source"] == "indicator"
    assert proj["indicators"][0]["review"] == {"actual": "1000平方米", "score": "16", "cell": where("项目1", (0, "review"))}
    assert proj["review_score"] == "95.6"  # the reviewer's total: 9.6 + 16 + 15 + 15 + 30 + 10
    explain = run("check", path, "--explain", "1", "--no-write").output
    assert "本表没有资金块：预算执行取指标表第6行" in explain
    assert f"复核：完成值“1000平方米”，得分16（项目1!{where('项目1', (0, 'review'))}，只列示，不核对）" in explain


def test_funding_pairs_in_one_column(tmp_path):
    """``预算数：``/``执行数：`` written down a column, each with its value on the right."""
    wb = Workbook()
    ws = wb.active
    ws.title = "专项"
    ws["A1"], ws["B1"] = "专项名称", "乡村道路养护"
    for r, (label, value) in enumerate((("预算数：", 200), ("执行数：", 150), ("执行率：", "75%"), ("得分：", 7.5)), 2):
        ws.cell(row=r, column=1, value=label)
        ws.cell(row=r, column=2, value=value)
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"])
    ws.append(["产出指标", "数量指标", "养护里程", "≥120公里", "120公里", 90, 90])
    ws.append(["总分", None, None, None, None, 100, 97.5])
    ws.append(["主要问题及原因", "部分资金年末未支付"])
    path = tmp_path / "pairs.xlsx"
    wb.save(path)
    result = _check(path)
    p = result.projects[0]
    assert p.project.funding.source == "pairs" and (p.funding.budget, p.funding.executed) == (200, 150)
    assert p.funding.weight == 10 and p.funding.entered == 7.5 and p.score == 97.5
    assert result.flatten(severities=("error",)) == []
    assert ("专项", "B4", "R112") in result.flatten()  # "75%" typed as text beside its label


def test_points_only_level_cells_and_placeholders(tmp_path):
    path = tmp_path / "y.xlsx"
    build(variant_book("yunnan_points"), path, "yunnan_points")
    p = read_workbook(str(path)).projects[0]
    assert [str(i.level1.value) for i in p.indicators] == ["产出指标", "产出指标", "产出指标", "效果指标", "满意度指标"]
    assert p.indicators[1].level1.coord == "B13"  # （50分） below 产出指标 takes the level above
    assert [i.name.value for i in p.indicators][:2] == ["维修面积", "验收合格率"]  # ``……`` is no indicator


def test_first_level_reduced_to_its_points_in_first_place_is_output(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "项目名称", "办公设备购置"
    ws.append(["项目资金", "年度资金总额"])
    ws.append(["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"])
    ws.append(["（50分）", "数量指标", "购置台数", "≥10台", "10台", 50, 50])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    p = read_workbook(str(path)).projects[0]
    assert p.indicators[0].level1.value == "产出指标"


def test_names_with_codes_match_the_summary_and_stay_shown(tmp_path):
    book = variant_book("sichuan")
    book.projects[1].indicators[0] = Ind("产出指标", "数量指标", "维修面积", "≥1200平方米", "1250平方米", 20, 20)
    path = tmp_path / "s.xlsx"
    build(book, path, "sichuan")
    result = _check(path)
    assert [p.project.code for p in result.projects] == ["13000025P000000000001", "13000025P000000000002"]
    assert not [f for f in result.findings if f.code in ("S101", "S102", "S103")]
    assert result.projects[0].project.department.value.value == "219-某某区机关事务管理局"


def test_a_unit_name_with_a_code(tmp_path):
    book = variant_book("anhui")
    book.unit["单位名称"] = "219001-某某区机关事务管理局"
    path = tmp_path / "u.xlsx"
    build(book, path, "anhui")
    assert _check(path).unit_name == "某某区机关事务管理局"
