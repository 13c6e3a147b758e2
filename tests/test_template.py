"""perfxl init: the standard workbook, its formulas (with cached values), protection,
dropdowns, marker name and print setup."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from conftest import needs_soffice
from perfxl.workbook.template import MARKER_NAME, TOTAL_ROW, write_template


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "init.xlsx"
    write_template(str(path), projects=3, unit="某某单位", year=2025)
    return path


def test_sheets_and_labels(book):
    wb = load_workbook(book)
    assert wb.sheetnames == ["填报说明", "单位情况", "汇总", "项目1", "项目2", "项目3"]
    ws = wb["项目2"]
    assert (ws["A3"].value, ws["C5"].value, ws["B6"].value, ws["A12"].value, ws["D12"].value) == \
        ("项目名称", "年初预算数", "年度资金总额", "一级指标", "年度指标值")
    assert ws[f"A{TOTAL_ROW}"].value == "总分"
    assert ws["A2"].value == "（2025年度）"
    assert wb["单位情况"]["B2"].value == "某某单位" and wb["单位情况"]["B3"].value == 2025
    assert MARKER_NAME in wb.defined_names


def test_every_formula_has_a_cached_value(book):
    wf, wv = load_workbook(book), load_workbook(book, data_only=True)
    formulas = [(ws.title, c.coordinate) for ws in wf.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) > 30
    # a blank form's name and grade formulas show "" (stored as an empty cached string)
    blank = [f for f in formulas if wv[f[0]][f[1]].value is None]
    assert all(f[0] == "汇总" and f[1][0] in "BG" for f in blank), blank
    assert wf["项目1"]["G6"].value == "=IF(D6>0,E6/D6,0)"
    assert wf["项目1"][f"G{TOTAL_ROW}"].value == f"=H6+SUM(G13:G{TOTAL_ROW - 1})"
    assert wv["项目1"][f"F{TOTAL_ROW}"].value == 10


def test_protection_inputs_unlocked_formulas_locked(book):
    ws = load_workbook(book)["项目1"]
    assert ws.protection.sheet and not ws.protection.password
    assert ws.protection.insertRows is False and ws.protection.formatCells is False  # False = allowed
    assert ws["D6"].protection.locked is False and ws["G13"].protection.locked is False
    assert ws["G6"].protection.locked is True and ws[f"G{TOTAL_ROW}"].protection.locked is True
    assert ws["D6"].fill.fgColor.rgb.endswith("FFF9E1")


def test_dropdowns_and_print_setup(book):
    ws = load_workbook(book)["项目1"]
    lists = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert '"产出指标,效益指标,满意度指标,成本指标"' == lists["A13:A24"].formula1
    assert lists["A13:A24"].prompt
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows in ("1:2", "$1:$2")


def test_projects_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        write_template(str(tmp_path / "x.xlsx"), projects=0)


@needs_soffice
def test_libreoffice_recalculation_matches_cached_values(book, tmp_path):
    from test_writer import _recalculate
    theirs = load_workbook(_recalculate(str(book), tmp_path), data_only=True)
    ours, formulas = load_workbook(book, data_only=True), load_workbook(book)
    for ws in formulas.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value.startswith("="):
                    a, b = ours[ws.title][c.coordinate].value, theirs[ws.title][c.coordinate].value
                    assert a == b or (a in ("", None) and b in ("", None)), (ws.title, c.coordinate, a, b)
