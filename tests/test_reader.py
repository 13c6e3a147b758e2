"""The reader finds every value by its label, in all three layouts, with its address."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from layouts import LAYOUTS, Book, Proj, build
from perfxl.workbook.reader import read_workbook
from perfxl.excel.labels import normalize
from perfxl.excel.numbers import read_number


def _read(tmp_path, layout, book=None, **options):
    book = book or Book()
    path = tmp_path / f"{layout}.xlsx"
    where = build(book, path, layout, **options)
    return read_workbook(str(path)), where, book


@pytest.mark.parametrize("layout", LAYOUTS)
def test_project_identity_funding_and_total(tmp_path, layout):
    model, where, book = _read(tmp_path, layout)
    assert [p.sheet for p in model.projects] == ["项目1"]
    p = model.projects[0]
    assert p.title == "办公楼维修项目"
    assert p.name.value.coord == where("项目1", "name")
    total = p.funding.total.cells
    k = 1
    assert read_number(total["全年预算数"]).value == 100 * k
    assert total["全年预算数"].coord == where("项目1", "budget")
    assert total["全年执行数"].coord == where("项目1", "executed")
    assert total["得分"].coord == where("项目1", "fscore")
    assert total["执行率"].coord == where("项目1", "rate")
    assert p.total_score.coord == where("项目1", "total")
    assert read_number(p.total_score).value == 100
    assert p.year == 2025


@pytest.mark.parametrize("layout", LAYOUTS)
def test_indicators_read_with_addresses(tmp_path, layout):
    model, where, book = _read(tmp_path, layout)
    p = model.projects[0]
    assert len(p.indicators) == 5
    for i, (ind, spec) in enumerate(zip(p.indicators, book.projects[0].indicators)):
        assert ind.name.value == spec.name
        assert ind.name.coord == where("项目1", (i, "name"))
        assert ind.score.coord == where("项目1", (i, "score"))
        assert read_number(ind.score).value == spec.score
        assert read_number(ind.weight).value == spec.weight
        if layout != "provincial":  # the split target is joined: see the provincial test
            assert normalize(ind.target_text) == normalize(str(spec.target))
        assert normalize(str(ind.level1.value)) == normalize(spec.l1)
        assert ind.level2.value == spec.l2


def test_national_goal_and_closing_rows(tmp_path):
    book = Book([Proj(problems="资金拨付较慢", next_steps="加快进度")])
    model, where, _ = _read(tmp_path, "national", book)
    p = model.projects[0]
    assert p.goal_expected.value.startswith("完成办公楼维修")
    assert p.goal_actual.value == "维修已完成并验收合格。"
    assert p.problems.value.value == "资金拨付较慢"
    assert p.problems.value.coord == where("项目1", "problems")
    assert p.next_steps.value.value == "加快进度"


def test_provincial_split_target_markers_and_extra_column(tmp_path):
    model, where, _ = _read(tmp_path, "provincial")
    p = model.projects[0]
    assert p.indicator_columns["指标性质"] and p.indicator_columns["度量单位"]
    texts = [i.target_text for i in p.indicators]
    assert texts == ["≥1200平方米", "≥100%", "2025年10月底前", "明显改善", "≥90%"]
    assert p.indicators[0].target.coord == where("项目1", (0, "target"))
    assert p.indicators[0].actual.value == "1250平方米"  # the 全年实际值 column
    assert p.indicators[0].reason.coord == where("项目1", (0, "reason"))  # 未完成原因分析
    assert "备注" not in p.indicator_columns
    assert set(p.funding.rows) == {"年度资金总额", "当年财政拨款", "上年结转资金", "其他资金"}


def test_provincial_amounts_in_yuan(tmp_path):
    model, where, _ = _read(tmp_path, "provincial", yuan=True)
    p = model.projects[0]
    assert p.money_unit == "元"
    assert read_number(p.funding.total.cells["全年预算数"]).value == 1_000_000


def test_provincial_without_weight_column(tmp_path):
    model, _, _ = _read(tmp_path, "provincial", no_weight=True)
    p = model.projects[0]
    assert not p.has_weight_column
    assert all(i.weight is None for i in p.indicators)
    assert [read_number(i.score).value for i in p.indicators] == [20, 15, 15, 30, 10]


def test_messy_merged_level1_blank_row_and_spaced_total(tmp_path):
    model, where, book = _read(tmp_path, "messy")
    p = model.projects[0]
    assert [str(i.level1.value) for i in p.indicators] == ["产出指标"] * 3 + ["效益指标", "满意度指标"]
    assert [i.row for i in p.indicators][2] - [i.row for i in p.indicators][1] == 2  # the blank row is skipped
    assert p.total_score.coord == where("项目1", "total")
    assert p.funding.total.cells["全年预算数"].value == "100.0"  # typed as text, read as a number
    assert read_number(p.funding.total.cells["全年预算数"]).typed_as_text


@pytest.mark.parametrize("layout", LAYOUTS)
def test_unit_and_summary(tmp_path, layout):
    model, where, book = _read(tmp_path, layout)
    u = model.unit
    assert u.get("单位名称").value.value == "某某区机关事务管理局"
    assert u.get("项目支出").value.coord == where("单位情况", "项目支出")
    assert read_number(u.get("财政拨款收入").value).value == 1000
    assert model.year == 2025
    s = model.summary
    assert [r.cells["项目名称"].value for r in s.rows] == ["办公楼维修项目"]
    assert s.rows[0].cells["自评得分"].coord == where("汇总", (0, "自评得分"))


def test_label_value_inline_and_stop_at_next_label(tmp_path):
    from openpyxl import Workbook
    wb = Workbook()
    ws = wb.active
    ws.title = "P"
    ws["A1"] = "项目名称：办公楼维修"
    ws["A2"] = "主管部门"
    ws["C2"] = "实施单位"
    ws["D2"] = "某某局"
    ws["A4"], ws["C4"], ws["D4"] = "三级指标", "年度指标值", "得分"
    ws["A5"], ws["C5"], ws["D5"] = "面积", "≥10平方米", 5
    ws["A6"] = "总分"
    path = tmp_path / "inline.xlsx"
    wb.save(path)
    p = read_workbook(str(path)).projects[0]
    assert p.title == "办公楼维修"
    assert p.name.value.coord == "A1"
    assert p.department.value.value is None and p.department.value.coord == "B2"
    assert p.implementer.value.value == "某某局"


def test_merged_score_over_rows(tmp_path):
    book = Book()
    model_path = tmp_path / "m.xlsx"
    where = build(book, model_path, "national")
    wb = load_workbook(model_path)
    ws = wb["项目1"]
    first, second = where("项目1", (0, "score")), where("项目1", (1, "score"))
    ws[first].value = 35
    ws[second].value = None
    ws.merge_cells(f"{first}:{second}")
    wb.save(model_path)
    p = read_workbook(str(model_path)).projects[0]
    assert p.indicators[0].merged_rows == [p.indicators[1].row]
    assert p.indicators[1].merged_into == p.indicators[0].row
    assert p.indicators[1].score is None


def test_sheet_order_kinds_and_hidden(tmp_path):
    book = Book([Proj(), Proj(sheet="项目2", name="食堂改造工程")])
    path = tmp_path / "b.xlsx"
    build(book, path, "national")
    wb = load_workbook(path)
    wb.create_sheet("说明", 0)["A1"] = "填报说明：请按表样填写"
    wb["项目2"].sheet_state = "hidden"
    wb.save(path)
    model = read_workbook(str(path))
    assert [p.sheet for p in model.projects] == ["项目1", "项目2"]
    assert model.unit.sheet == "单位情况" and model.summary.sheet == "汇总"
    assert [f.code for f in model.findings] == ["R104"]


def test_formulas_without_cached_values_are_computed(tmp_path):
    book = Book()
    path = tmp_path / "f.xlsx"
    where = build(book, path, "national")
    wb = load_workbook(path)
    ws = wb["项目1"]
    ws[where("项目1", "rate")] = "=IF(D6>0,E6/D6,0)"
    ws[where("项目1", "fscore")] = "=ROUND(F6*MIN(G6,1),2)"
    ws[where("项目1", "total")] = f"=H6+SUM(G13:G{int(where('项目1', 'total')[1:]) - 1})"
    wb["汇总"][where("汇总", (0, "自评得分"))] = f"='项目1'!{where('项目1', 'total')}"
    wb.save(path)
    model = read_workbook(str(path))
    p = model.projects[0]
    assert p.funding.total.cells["执行率"].value == 1
    assert p.funding.total.cells["执行率"].computed
    assert p.funding.total.cells["得分"].formula == "=ROUND(F6*MIN(G6,1),2)"
    assert p.total_score.value == 100
    assert model.summary.rows[0].cells["自评得分"].value == 100
    assert model.computed_formulas == 4
    assert [f.code for f in model.findings] == ["R113"]
