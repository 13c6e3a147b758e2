"""X family: one bad and one good case per check, on workbooks built in code."""

from __future__ import annotations

import pytest
import xlsxwriter
from openpyxl import load_workbook
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from conftest import needs_soffice
from layouts import LAYOUTS, Book, Proj, build
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook

PROFILE = load_profile()


def _check(path, select=()):
    return run_checks(read_workbook(str(path)), PROFILE, select_codes=select)


def _x(result):
    return [(f.code, f.sheet, f.cell) for f in result.findings if f.code.startswith("X")]


def _formula_book(tmp_path, edit=None, name="f.xlsx"):
    """A national book whose 执行率, 得分, 总分 and summary cells are formulas."""
    book = Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", budget=50, executed=40, problems="工程未结算"),
                 Proj(sheet="项目3", name="绿化工程", budget=20, executed=20)])
    book.unit["项目支出"] = 160
    book.unit["基本支出"] = 840
    book.unit["人员经费"] = 640
    path = tmp_path / name
    where = build(book, path, "national")
    wb = load_workbook(path)
    for p in book.projects:
        ws = wb[p.sheet]
        t = int(where(p.sheet, "total")[1:])
        ws["G6"] = "=IF(D6>0,E6/D6,0)"
        ws["H6"] = "=ROUND(F6*MIN(G6,1),2)"
        ws[f"F{t}"] = f"=F6+SUM(F13:F{t - 1})"
        ws[f"G{t}"] = f"=H6+SUM(G13:G{t - 1})"
    s = wb["汇总"]
    for i, p in enumerate(book.projects):
        r = 3 + i
        t = where(p.sheet, "total")
        s[f"B{r}"] = f"='{p.sheet}'!B3"
        s[f"C{r}"] = f"='{p.sheet}'!D6"
        s[f"D{r}"] = f"='{p.sheet}'!E6"
        s[f"E{r}"] = f"=IF(C{r}>0,D{r}/C{r},0)"
        s[f"F{r}"] = f"='{p.sheet}'!{t}"
    if edit:
        edit(wb, where)
    wb.save(path)
    return path, where


def test_clean_formula_book_has_no_x_findings(tmp_path):
    path, _ = _formula_book(tmp_path)
    result = _check(path)
    assert _x(result) == []
    # the arithmetic holds; full marks on a partly spent budget whose reason is written is a note (V106)
    assert [f.code for f in result.findings if f.severity != "info"] == []
    assert "V106" in {f.code for f in result.findings}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_rule_engine_clean_books_raise_no_x(tmp_path, layout):
    path = tmp_path / "b.xlsx"
    build(Book(), path, layout)
    assert _x(_check(path)) == []


def test_x101_error_value_reported_at_its_source_only(tmp_path):
    def edit(wb, where):
        wb["项目1"]["J6"] = "=E6/0"
        wb["项目1"]["K6"] = "=J6*2"
    path, _ = _formula_book(tmp_path, edit)
    assert ("X101", "项目1", "J6") in _x(_check(path))
    assert ("X101", "项目1", "K6") not in _x(_check(path))


def test_x101_ref_error(tmp_path):
    def edit(wb, where):
        wb["项目1"]["J6"] = "=#REF!+1"
    path, _ = _formula_book(tmp_path, edit)
    assert ("X101", "项目1", "J6") in _x(_check(path))


def test_x102_two_digit_year(tmp_path):
    def edit(wb, where):
        wb["项目1"]["J13"] = "25/12/31"
        wb["项目1"]["J14"] = "2025/12/31"
    path, _ = _formula_book(tmp_path, edit)
    found = _x(_check(path))
    assert ("X102", "项目1", "J13") in found and ("X102", "项目1", "J14") not in found


def test_x103_inconsistent_formula_in_column(tmp_path):
    def edit(wb, where):
        s = wb["汇总"]
        s["E4"] = "=D4/100"
    path, _ = _formula_book(tmp_path, edit)
    # the rate it gives is wrong too: one finding at the cell, the rate's, saying both
    [f] = [f for f in _check(path).findings if (f.sheet, f.cell) == ("汇总", "E4")]
    assert f.code == "S105" and "=IF(C3>0,D3/C3,0)" in f.message and "=D4/100" in f.message

    def same_value(wb, where):
        wb["汇总"]["E4"] = "=D4/C4"
    path, _ = _formula_book(tmp_path, same_value, name="g.xlsx")
    assert ("X103", "汇总", "E4") in _x(_check(path))


def test_x104_row_inserted_under_sum(tmp_path):
    def edit(wb, where):
        ws = wb["项目1"]
        t = int(where("项目1", "total")[1:])
        ws[f"G{t}"] = f"=H6+SUM(G13:G{t - 2})"  # the last indicator row is left out
    path, where = _formula_book(tmp_path, edit)
    t = int(where("项目1", "total")[1:])
    result = _check(path)
    # the total the formula gives is wrong as well: T104 says so, with X104's advice
    hits = [f for f in result.findings if (f.sheet, f.cell) == ("项目1", f"G{t}")]
    assert [f.code for f in hits] == ["T104"]
    assert f"G{t - 1}" in hits[0].message and f"SUM(G13:G{t - 1})" in hits[0].hint


def test_x104_sum_leaves_out_the_adjacent_number(tmp_path):
    """A working column beside the form (no rule checks its total): the SUM stops one row short."""
    def column(formula):
        def edit(wb, where):
            ws = wb["项目1"]
            for r, v in zip(range(13, 18), (3, 4, 5, 6, 7)):
                ws[f"J{r}"] = v
            ws["J18"] = formula
        return edit
    path, _ = _formula_book(tmp_path, column("=SUM(J13:J16)"))
    [f] = [f for f in _check(path).findings if f.code == "X104"]
    assert (f.code, f.sheet, f.cell) == ("X104", "项目1", "J18")
    assert "J17" in f.message and "=SUM(J13:J17)" in f.hint
    path, _ = _formula_book(tmp_path, column("=SUM(J13:J17)"), name="g.xlsx")
    assert [x for x in _x(_check(path)) if x[0] == "X104"] == []


def test_x105_unlocked_formula(tmp_path):
    from openpyxl.styles import Protection

    def edit(wb, where):
        wb["项目1"]["G6"].protection = Protection(locked=False)
    path, _ = _formula_book(tmp_path, edit)
    assert ("X105", "项目1", "G6") in _x(_check(path))


def test_x106_empty_reference_is_off_by_default(tmp_path):
    def edit(wb, where):
        wb["项目1"]["J6"] = "=Z99+1"
    path, _ = _formula_book(tmp_path, edit)
    assert "X106" not in {c for c, _, _ in _x(_check(path))}
    assert ("X106", "项目1", "J6") in _x(_check(path, select=("X106",)))


def test_x107_value_outside_its_list(tmp_path):
    def edit(wb, where):
        ws = wb["项目1"]
        dv = DataValidation(type="list", formula1='"产出指标,效益指标,满意度指标,成本指标"')
        ws.add_data_validation(dv)
        dv.add("A13:A20")
        ws["A13"] = "产出"
    path, _ = _formula_book(tmp_path, edit)
    found = _x(_check(path))
    assert ("X107", "项目1", "A13") in found and ("X107", "项目1", "A16") not in found


def test_x108_number_typed_over_a_formula_column(tmp_path):
    def edit(wb, where):
        wb["汇总"]["F4"] = 98  # 项目2's score, typed over the formula
    path, where = _formula_book(tmp_path, edit)
    [f] = [f for f in _check(path).findings if (f.sheet, f.cell) == ("汇总", "F4")]
    assert f.code == "X108" and f"='项目2'!{where('项目2', 'total')}" in f.message

    def wrong(wb, where):
        wb["汇总"]["F4"] = 95
    path, _ = _formula_book(tmp_path, wrong, name="g.xlsx")
    [f] = [f for f in _check(path).findings if (f.sheet, f.cell) == ("汇总", "F4")]
    assert f.code == "S106" and "95" in f.message and "此处应为公式" in f.message
    assert "恢复公式" in f.hint and "改为98" not in f.hint


def test_x108_template_cell_typed_over(tmp_path):
    from perfxl.workbook.template import write_template
    path = tmp_path / "init.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    wb = load_workbook(path)
    wb["项目1"]["G6"] = 0.5
    wb.save(path)
    assert ("X108", "项目1", "G6") in _x(_check(path))


def test_x109_stale_cached_rate_written_by_xlsxwriter(tmp_path):
    path = tmp_path / "stale.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("项目1")
    ws.write_row(0, 0, ["项目名称", "办公楼维修项目"])
    ws.write_row(1, 0, ["", "全年预算数", "全年执行数", "分值", "执行率", "得分"])
    ws.write_row(2, 0, ["年度资金总额", 90, 30, 10])
    ws.write_formula(2, 4, "=C3/B3", None, 0.5)  # stale: should be 0.3333
    ws.write_formula(2, 5, "=ROUND(D3*MIN(E3,1),2)", None, 3.33)
    ws.write_row(4, 0, ["三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"])
    ws.write_row(5, 0, ["面积", "≥10平方米", "10平方米", 90, 90])
    ws.write_row(6, 0, ["总分", None, None, 100, 93.33])
    ws.write_row(7, 0, ["主要问题及原因", "工程未结算"])
    wb.close()
    result = _check(path)
    hits = [f for f in result.findings if f.sheet == "项目1" and f.cell == "E3"]
    assert [f.code for f in hits] == ["X109"]  # not F102 as well: one problem, one finding
    assert "0.5" in hits[0].message and "0.333333" in hits[0].message


def test_x110_other_workbook(tmp_path):
    def edit(wb, where):
        wb["项目1"]["J6"] = "=[1]Sheet1!A1+1"
    path, _ = _formula_book(tmp_path, edit)
    assert ("X110", "项目1", "J6") in _x(_check(path))


def test_x111_circular(tmp_path):
    def edit(wb, where):
        wb["项目1"]["J6"] = "=K6+1"
        wb["项目1"]["K6"] = "=J6+1"
    path, _ = _formula_book(tmp_path, edit)
    found = _x(_check(path))
    assert ("X111", "项目1", "J6") in found


def test_x112_name_to_ref(tmp_path):
    def edit(wb, where):
        wb.defined_names["旧区域"] = DefinedName("旧区域", attr_text="#REF!")
    path, _ = _formula_book(tmp_path, edit)
    assert ("X112", None, None) in _x(_check(path))


def test_x113_volatile_in_totals(tmp_path):
    def edit(wb, where):
        t = int(where("项目1", "total")[1:])
        wb["项目1"][f"G{t}"] = f"=H6+SUM(OFFSET(G13,0,0,{t - 13},1))"
    path, where = _formula_book(tmp_path, edit)
    assert ("X113", "项目1", where("项目1", "total")) in _x(_check(path))


def test_x114_summary_formula_points_at_wrong_project(tmp_path):
    def edit(wb, where):
        wb["汇总"]["F4"] = f"='项目3'!{where('项目3', 'total')}"  # row 4 is 食堂改造工程 (项目2)
    path, _ = _formula_book(tmp_path, edit)
    assert ("X114", "汇总", "F4") in _x(_check(path))


def test_file_without_any_cached_values(tmp_path):
    path, _ = _formula_book(tmp_path)  # saved by openpyxl: no cached values at all
    model = read_workbook(str(path))
    assert model.computed_formulas > 10
    result = run_checks(model, PROFILE)
    assert _x(result) == []
    assert [f.code for f in result.findings if f.code == "R113"] == ["R113"]


def test_init_workbook_and_sample_raise_no_x(tmp_path):
    from pathlib import Path
    from perfxl.workbook.template import write_template
    path = tmp_path / "init.xlsx"
    write_template(str(path), projects=3, unit="某单位", year=2025)
    assert _x(_check(path)) == []
    sample = Path(__file__).resolve().parents[1] / "samples" / "2025.xlsx"
    assert _x(_check(sample)) == []


@needs_soffice
def test_evaluator_agrees_with_libreoffice(tmp_path):
    """Every formula of a filled init workbook: our evaluator vs LibreOffice's forced recalculation."""
    from test_roundtrip import _fill
    from test_writer import _recalculate
    from perfxl.workbook.reader import make_evaluator
    from perfxl.workbook.template import write_template
    path = tmp_path / "2025.xlsx"
    write_template(str(path), projects=2, unit="某单位", year=2025)
    _fill(path)
    model = read_workbook(str(path))
    ev = make_evaluator(model.grids.values(), model.defined_names)
    theirs = load_workbook(_recalculate(str(path), tmp_path), data_only=True)
    assert len(model.formula_cells) > 20
    for cell in model.formula_cells:
        ours, lo = ev.value(cell.sheet, cell.coord), theirs[cell.sheet][cell.coord].value
        if isinstance(lo, (int, float)):
            assert float(ours) == pytest.approx(lo, abs=1e-9), (cell.ref, cell.formula)
        else:
            assert (ours or "") == (lo or ""), (cell.ref, cell.formula)
