"""perfxl init: the standard workbook — sheets, labels at their cells, formulas with cached
values, locked/unlocked cells, protection, dropdowns, marker name and print setup."""

from __future__ import annotations

import re
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from conftest import convert, needs_soffice
from perfxl.workbook.template import (INDICATOR_ROWS, LEVEL2, MARKER_NAME, TOTAL_ROW, UNIT_LABELS,
                                      project_sheet_name, write_template)


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    path = tmp_path_factory.mktemp("tpl") / "init.xlsx"
    write_template(str(path), projects=3, unit="某某单位", year=2025)
    return path


@pytest.fixture(scope="module")
def wf(book):
    return load_workbook(book)


@pytest.fixture(scope="module")
def wv(book):
    return load_workbook(book, data_only=True)


def _formulas(wb):
    return [(ws.title, c.coordinate, c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")]


def test_constants():
    assert MARKER_NAME == "_perfxl_template" and INDICATOR_ROWS == 12 and TOTAL_ROW == 25
    assert project_sheet_name(7) == "项目7"


def test_sheet_names_and_order(wf):
    assert wf.sheetnames == ["填报说明", "单位情况", "汇总", "项目1", "项目2", "项目3"]
    assert all(len(n) <= 31 for n in wf.sheetnames)


def test_instructions_cover_the_rules(wf):
    text = "\n".join(str(c.value) for row in wf["填报说明"].iter_rows() for c in row if c.value)
    for word in ("浅黄色", "万元", "50 分", "30 分", "10 分", "“优”", "“良”", "“中”", "“差”", "≥95%",
                 "改名", "插入", "perfxl check"):
        assert word in text, word


def test_unit_sheet_labels_and_prefill(wf):
    ws = wf["单位情况"]
    assert ws["A1"].value == "单位基本情况"
    labels = [ws.cell(row=r, column=1).value for r in range(2, 2 + len(UNIT_LABELS))]
    assert [re.sub(r"（万元）$", "", x) for x in labels] == [
        "单位名称", "评价年度", "主管部门", "部门概况", "机构设置", "在编人员", "退休人员", "劳动聘用人员",
        "其他人员", "人员合计", "年初预算数", "年初结转和结余", "财政拨款收入", "财政拨款支出", "基本支出",
        "人员经费", "日常公用经费", "项目支出", "年末结转和结余", "预决算差异原因", "总体绩效目标",
        "总体绩效目标完成情况", "自评工作开展情况", "存在的问题", "改进措施"]
    assert ws["B2"].value == "某某单位" and ws["B3"].value == 2025
    assert ws["B11"].value == "=SUM(B7:B10)" and ws["B11"].protection.locked
    assert ws["B7"].protection.locked is False and ws["B12"].number_format == "0.00"
    assert "B2:D2" in {str(r) for r in ws.merged_cells.ranges}


def test_project_sheet_layout(wf):
    ws = wf["项目2"]
    expect = {"A1": "项目支出绩效自评表", "A2": "（2025年度）", "A3": "项目名称", "A4": "主管部门",
              "E4": "实施单位", "C5": "年初预算数", "D5": "全年预算数", "E5": "全年执行数", "F5": "分值",
              "G5": "执行率", "H5": "得分", "B6": "年度资金总额", "B7": "其中：当年财政拨款",
              "B8": "上年结转资金", "B9": "其他资金", "A10": "年度总体目标", "B10": "预期目标",
              "F10": "实际完成情况", "A12": "一级指标", "B12": "二级指标", "C12": "三级指标",
              "D12": "年度指标值", "E12": "实际完成值", "F12": "分值", "G12": "得分",
              "H12": "偏差原因分析及改进措施", "A25": "总分", "A26": "主要问题及原因", "A27": "下一步改进措施",
              "F6": 10, "F7": "—", "H9": "—"}
    assert {k: ws[k].value for k in expect} == expect
    assert ws["A5"].value.replace("\n", "") == "项目资金（万元）"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:H1", "A2:H2", "B3:H3", "B4:D4", "F4:H4", "A5:A9", "A10:A11", "B10:E10", "F10:H10",
            "B11:E11", "F11:H11", "A25:E25", "B26:H26", "B27:H27"} <= merged
    # a blank form: nothing in the indicator rows
    assert all(ws.cell(row=r, column=c).value is None for r in range(13, 25) for c in range(1, 9))


def test_project_formulas(wf):
    ws = wf["项目1"]
    assert ws["G6"].value == "=IF(D6>0,E6/D6,0)"
    assert ws["H6"].value == "=ROUND(F6*MIN(G6,1),2)"
    assert ws["F25"].value == "=F6+SUM(F13:F24)"
    assert ws["G25"].value == "=H6+SUM(G13:G24)"
    assert ws["G6"].number_format == "0.00%" and ws["H6"].number_format == "0.00"
    assert ws["D6"].number_format == "0.00"


def test_summary_formulas(wf):
    ws = wf["汇总"]
    assert [c.value.replace("\n", "") for c in ws[2]] == [
        "序号", "项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "自评得分", "评价等级"]
    assert ws["B4"].value == "=IF('项目2'!B3=\"\",\"\",'项目2'!B3)"
    assert (ws["C4"].value, ws["D4"].value, ws["F4"].value) == ("='项目2'!D6", "='项目2'!E6", "='项目2'!G25")
    assert ws["E4"].value == "=IF(C4>0,D4/C4,0)"
    assert 'IF(F4>=90,"优",IF(F4>=80,"良",IF(F4>=60,"中","差")))' in ws["G4"].value
    assert ws["B6"].value == "合计"
    assert (ws["C6"].value, ws["D6"].value, ws["E6"].value) == ("=SUM(C3:C5)", "=SUM(D3:D5)",
                                                                "=IF(C6>0,D6/C6,0)")


def test_every_formula_has_a_cached_value(book, wf, wv):
    formulas = _formulas(wf)
    assert len(formulas) == 1 + 3 * 6 + 3 + 3 * 4
    # in the XML every <f> is followed by its <v>
    with zipfile.ZipFile(book) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert xml.count("<f>") == len(re.findall(r"</f><v>", xml)), name
    # numbers wherever the blank form computes a number; "" only for the summary's name and grade
    blank = [(s, c) for s, c, _ in formulas if wv[s][c].value is None]
    assert blank and all(s == "汇总" and c[0] in "BG" for s, c in blank), blank
    assert wv["项目1"]["F25"].value == 10 and wv["项目1"]["G25"].value == 0 and wv["项目1"]["H6"].value == 0
    assert wv["汇总"]["C6"].value == 0 and wv["单位情况"]["B11"].value == 0


def test_locked_and_unlocked_cells(wf):
    ws = wf["项目1"]
    for ref in ("B3", "B4", "F4", "C6", "D6", "E6", "F6", "C9", "B11", "F11", "A13", "G24", "H24", "B26"):
        assert ws[ref].protection.locked is False, ref
        assert ws[ref].fill.fgColor.rgb.endswith("FFF9E1"), ref
    for ref in ("A3", "G6", "H6", "F7", "A12", "F25", "G25"):
        assert ws[ref].protection.locked is True, ref
    assert all(c.protection.locked for row in wf["汇总"].iter_rows() for c in row)


def test_protection_without_password(wf):
    for ws in wf.worksheets:
        p = ws.protection
        assert p.sheet and not p.password, ws.title
        # openpyxl: False means "allowed while protected"
        assert (p.insertRows, p.deleteRows, p.formatCells, p.formatColumns, p.formatRows) == (False,) * 5


def test_data_validations(wf):
    ws = wf["项目3"]
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert set(dvs) == {"A13:A24", "B13:B24", "F13:F24", "G13:G24"}
    assert dvs["A13:A24"].formula1 == '"产出指标,效益指标,满意度指标,成本指标"'
    assert dvs["B13:B24"].formula1 == '"' + ",".join(LEVEL2) + '"'
    assert "服务对象满意度指标" in LEVEL2 and "生态环境成本指标" in LEVEL2
    assert dvs["F13:F24"].type == "decimal" and (dvs["F13:F24"].formula1, dvs["F13:F24"].formula2) == ("0", "100")
    assert dvs["G13:G24"].type == "decimal" and dvs["G13:G24"].operator == "greaterThanOrEqual"
    assert all(dv.prompt and dv.showInputMessage for dv in dvs.values())


def test_marker_name(wf):
    assert MARKER_NAME in wf.defined_names
    assert "perfxl" in wf.defined_names[MARKER_NAME].attr_text


def test_print_setup(wf):
    for name in ("汇总", "项目1"):
        ws = wf[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0  # 1 is the default
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_options.horizontalCentered
        assert ws.print_title_rows in ("1:2", "$1:$2")
    assert wf["单位情况"].page_setup.orientation == "portrait"


def test_projects_must_be_positive(tmp_path):
    with pytest.raises(ValueError):
        write_template(str(tmp_path / "x.xlsx"), projects=0)


def test_defaults(tmp_path):
    path = tmp_path / "d.xlsx"
    write_template(str(path), projects=1)
    wb = load_workbook(path)
    year = date.today().year - 1
    assert wb.sheetnames[-1] == "项目1" and wb["单位情况"]["B3"].value == year
    assert wb["项目1"]["A2"].value == f"（{year}年度）" and wb["单位情况"]["B2"].value is None


@needs_soffice
def test_libreoffice_recalculation_matches_cached_values(book, wf, wv, tmp_path):
    theirs = load_workbook(convert(book, "xlsx", tmp_path / "recalc", recalc=True), data_only=True)
    for sheet, coord, formula in _formulas(wf):
        ours, lo = wv[sheet][coord].value, theirs[sheet][coord].value
        if isinstance(ours, (int, float)):
            assert isinstance(lo, (int, float)) and ours == pytest.approx(lo), (sheet, coord, formula, ours, lo)
        else:
            assert ours in ("", None) and lo in ("", None), (sheet, coord, formula, ours, lo)
