"""perfxl's expat reading gives the same model as a reading through openpyxl (a formulas load
plus a ``data_only`` load, tests/openpyxl_reference.py): every cell, validation, name and finding."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

from layouts import LAYOUTS, Book, Proj, build
from openpyxl_reference import read_with_openpyxl
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook
from perfxl.workbook.template import write_template

ROOT = Path(__file__).resolve().parents[1]


def _grids(model):
    out = {}
    for name, g in model.grids.items():
        cells = {pos: (c.coord, c.value, c.formula, c.number_format, c.locked, c.computed)
                 for pos, c in g.cells.items()}
        out[name] = (g.hidden, cells, dict(g.merged), g.max_row, g.max_col,
                     {r: list(cols) for r, cols in g._rows.items()}, dict(g._norm))
    return out


def assert_same(path: str) -> None:
    a = read_with_openpyxl(path)
    b = read_workbook(path)
    assert b.sheet_names == a.sheet_names
    ga, gb = _grids(a), _grids(b)
    assert list(gb) == list(ga)
    for name in ga:
        assert gb[name] == ga[name], name
    assert b.validations == a.validations
    assert b.defined_names == a.defined_names
    assert b.made_by_perfxl == a.made_by_perfxl
    assert [c.ref for c in b.formula_cells] == [c.ref for c in a.formula_cells]
    assert b.computed_formulas == a.computed_formulas
    profile = load_profile()
    ra, rb = run_checks(a, profile), run_checks(b, profile)
    assert rb.flatten() == ra.flatten()
    assert [f.message for f in rb.findings] == [f.message for f in ra.findings]


def test_sample():
    assert_same(str(ROOT / "samples" / "2025.xlsx"))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_layouts(tmp_path, layout):
    path = str(tmp_path / f"{layout}.xlsx")
    build(Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", total=99)]), path, layout)
    assert_same(path)


def test_init_workbook(tmp_path):
    path = str(tmp_path / "init.xlsx")
    write_template(path, projects=3, unit="某单位", year=2025)
    assert_same(path)


def test_odd_cells_validations_names_and_hidden_sheets(tmp_path):
    """Shared and array formulas, inline strings, booleans, errors, dates, a value inside a
    merged range, a validation, local and global names, a hidden sheet, unlocked formulas."""
    from openpyxl.styles import Protection
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.formula import ArrayFormula

    path = str(tmp_path / "odd.xlsx")
    build(Book([Proj()]), path)
    wb = load_workbook(path)
    ws = wb["项目1"]
    ws["K1"] = True
    ws["K2"] = datetime(2025, 3, 1)
    ws["K3"] = "=1/0"
    ws["K4"] = "=SUM(A1:A3)"
    ws["K4"].protection = Protection(locked=False)
    ws["K5"] = ArrayFormula("K5:K5", "=SUM(A1:A2*1)")
    ws["K6"] = 1.5
    ws["K6"].number_format = "0.00%"
    ws["L1"] = "合并内"
    ws["L2"] = "被合并"
    ws.merge_cells("L1:L2")
    dv = DataValidation(type="list", formula1='"是,否"')
    dv.add("M1:M3")
    dv.add("N5")
    ws.add_data_validation(dv)
    wb.defined_names["全局名"] = DefinedName("全局名", attr_text="'项目1'!$A$1")
    ws.defined_names["局部名"] = DefinedName("局部名", attr_text="'项目1'!$A$2")
    extra = wb.create_sheet("隐藏")
    extra["A1"] = "x"
    extra.sheet_state = "hidden"
    wb.save(path)
    assert_same(path)


def test_shared_formulas_and_inline_strings_written_by_hand(tmp_path):
    """What Excel writes and openpyxl never does: <f t="shared">, <is>, a 1904 epoch."""
    import zipfile

    src = str(tmp_path / "src.xlsx")
    build(Book([Proj()]), src)
    path = str(tmp_path / "hand.xlsx")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                text = data.decode()
                extra = ('<row r="90"><c r="K90"><v>1</v></c><c r="L90"><f t="shared" ref="L90:L92" si="0">K90*2</f>'
                         '<v>2</v></c></row><row r="91"><c r="K91"><v>3</v></c><c r="L91"><f t="shared" si="0"/>'
                         '<v>6</v></c><c r="M91" t="inlineStr"><is><r><t>内联</t></r><r><t>文本</t></r></is></c></row>'
                         '<row r="92"><c r="L92"><f t="shared" si="0"/></c><c r="M92" t="b"><v>1</v></c>'
                         '<c r="N92" t="e"><v>#N/A</v></c></row>')
                text = text.replace("</sheetData>", extra + "</sheetData>", 1)
                data = text.encode()
            zout.writestr(info, data)
    b = read_workbook(path)
    g = b.grids[b.sheet_names[0]]
    assert g.cell(92, 12).formula == "=K92*2"
    assert g.cell(91, 13).value == "内联文本"
    assert_same(path)


def test_no_write_never_loads_the_workbook_in_openpyxl(run, tmp_path, monkeypatch):
    import openpyxl

    path = str(tmp_path / "in.xlsx")
    build(Book([Proj()]), path)

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl.load_workbook called")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", refuse)
    for args in (("check", "--no-write", path), ("check", "--no-write", "--format", "json", path)):
        r = run(*args)
        assert r.exit_code in (0, 1), r.output
        assert "Traceback" not in r.output
