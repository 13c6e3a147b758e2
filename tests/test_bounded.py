"""Bounded reading (hostile and oversized files): limits before parsing, no entity
expansion, and a stray far cell costs what one cell costs — in the reader and the writer.
Every input here is built in code."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile

import pytest
from openpyxl import load_workbook

from conftest import said
from layouts import Book, Proj, build
from perfxl.excel import package
from perfxl.workbook.reader import read_workbook


def _digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


def _book(tmp_path, name="in.xlsx") -> str:
    path = str(tmp_path / name)
    build(Book([Proj(), Proj(sheet="项目2", name="食堂改造工程")]), path)
    return path


def _with_far_cell(path: str, ref: str, sheet: str = "项目1") -> None:
    wb = load_workbook(path)
    wb[sheet][ref] = "远处的一个值"
    wb.save(path)


def _rewrite(path: str, part: str, change) -> None:
    """Replace one part of the package (``change``: old bytes -> new bytes)."""
    with zipfile.ZipFile(path) as z:
        items = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in items:
            z.writestr(info, change(data) if info.filename == part else data)


@pytest.mark.parametrize("ref", ["XFD1048576", "A1048576", "XFD1"])
def test_far_cell_costs_one_cell_in_reader_and_writer(run, tmp_path, ref):
    path = _book(tmp_path)
    _with_far_cell(path, ref)
    _with_far_cell(path, ref, sheet="汇总表" if "汇总表" in load_workbook(path).sheetnames else "项目2")
    before = _digest(path)
    model = read_workbook(path)
    grid = model.grids["项目1"]
    assert len(grid.cells) < 400  # the sheet's own cells and the far one, nothing between
    r = run("check", path)  # with write-back; would take minutes and GiBs if anything walked the rectangle
    assert r.exit_code in (0, 1), r.output
    assert _digest(path) == before
    out = path.replace(".xlsx", ".perfxl.xlsx")
    with zipfile.ZipFile(out) as z:
        assert sum(i.file_size for i in z.infolist()) < 2_000_000
    wb = load_workbook(out, read_only=True)
    assert wb["项目1"][ref].value == "远处的一个值"


def test_e119_zip_bomb_is_refused_before_parsing(run, tmp_path):
    path = _book(tmp_path)
    good = run("check", path, "--no-write")  # the same book before the padding is read
    assert good.exit_code in (0, 1) and not said(good.output, "E119")
    pad = b"<!-- " + b" " * (60 * 2**20) + b" -->"  # 60 MB of nothing, about 60 KB compressed
    _rewrite(path, "xl/worksheets/sheet3.xml", lambda data: data.replace(b"<sheetData>", pad + b"<sheetData>", 1))
    before = _digest(path)
    r = run("check", path)
    assert r.exit_code == 2 and said(r.output, "E119")
    line = r.output.strip()
    assert "in.xlsx" in line and "压缩比异常" in line and "另存为" in line
    assert "Error" not in line and "Traceback" not in line
    assert _digest(path) == before
    assert not os.path.exists(path.replace(".xlsx", ".perfxl.xlsx"))


def test_e119_limits_on_size_parts_and_cells(run, tmp_path, monkeypatch):
    path = _book(tmp_path)
    for name, value, words in (("MAX_XML", 10_000, "表格内容解压后"), ("MAX_TOTAL", 10_000, "解压后共"),
                               ("MAX_PARTS", 5, "个部件"), ("MAX_CELLS", 50, "单元格超过")):
        with monkeypatch.context() as m:
            m.setattr(package, name, value)
            r = run("check", path, "--no-write")
        assert r.exit_code == 2 and said(r.output, "E119"), name
        assert "in.xlsx" in r.output and words in r.output and "拆分" in r.output


def test_e119_huge_merge_is_refused(run, tmp_path):
    path = _book(tmp_path)
    huge = b'<mergeCell ref="A200:XFD1048576"/>'

    def add(d: bytes) -> bytes:
        if b"<mergeCell " in d:
            return d.replace(b"<mergeCell ", huge + b"<mergeCell ", 1)
        return d.replace(b"</sheetData>", b"</sheetData><mergeCells>" + huge + b"</mergeCells>", 1)
    _rewrite(path, "xl/worksheets/sheet3.xml", add)
    r = run("check", path, "--no-write")
    assert r.exit_code == 2 and said(r.output, "E119")
    assert "合并单元格" in r.output and "in.xlsx" in r.output


def test_e120_entities_are_never_expanded(run, tmp_path):
    path = _book(tmp_path)
    good = run("check", path, "--no-write")  # the same book before the DTD is read
    assert good.exit_code in (0, 1) and not said(good.output, "E120")
    laughs = (b'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>')
    _rewrite(path, "xl/worksheets/sheet3.xml", lambda d: laughs + (d.split(b"?>", 1)[1] if d.startswith(b"<?xml") else d))
    before = _digest(path)
    r = run("check", path, "--no-write")
    assert r.exit_code == 2 and said(r.output, "E120")
    assert "in.xlsx" in r.output and "DTD" in r.output
    assert _digest(path) == before


def test_reading_a_part_keeps_only_cells_with_content():
    """A styled empty cell costs nothing and a far cell costs one cell, not the rectangle."""
    import io

    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900

    from perfxl.excel import sheetxml

    xml = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
           b'<row r="1"><c r="A1" s="1"/><c r="B1"><v>2</v></c><c r="C1"><f>B1*2</f><v>4</v></c></row>'
           b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
           b'</sheetData><extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}"/></extLst></worksheet>')
    sheet = sheetxml.SheetXML("s")
    seen = sheetxml.read_sheet(io.BytesIO(xml), sheet, [], {}, package.MAX_CELLS, CALENDAR_WINDOWS_1900)
    assert seen == 4
    assert sheet.cells == {(1, 2): (2, None, 0, None), (1, 3): ("=B1*2", "=B1*2", 0, ("4", "n")),
                           (1048576, 16384): ("x", None, 0, None)}
    assert sheet.scan.has_ext and sheet.scan.ext_uris == {"{78C0D931-6437-407d-A8EE-F0AAD7539E65}"}


_HIDE_LXML = "import sys; sys.modules['lxml'] = None; "


@pytest.mark.parametrize("lxml", [False, True])
def test_write_back_caches_every_formula_with_and_without_lxml(tmp_path, lxml):
    """openpyxl writes its XML differently when lxml is installed; the cached values must be
    there either way (a subprocess, because openpyxl picks its writer at import)."""
    if lxml:
        pytest.importorskip("lxml")
    path = _book(tmp_path)
    wb = load_workbook(path)
    wb["项目1"]["J1"] = "=SUM(F10:F12)"
    wb["项目1"]["J2"] = '=IF(J1>0,"有","无")'
    wb.save(path)
    code = ("" if lxml else _HIDE_LXML) + (
        "import openpyxl; assert openpyxl.LXML is %r; "
        "from perfxl.cli import main; sys.argv = ['perfxl', 'check', %r]; main()" % (lxml, path))
    if lxml:
        code = "import sys; " + code
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode in (0, 1), r.stderr
    out = path.replace(".xlsx", ".perfxl.xlsx")
    wf, wv = load_workbook(out), load_workbook(out, data_only=True)
    formulas = [(ws.title, c.coordinate) for ws in wf.worksheets for row in ws.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert len(formulas) >= 10
    assert [f for f in formulas if wv[f[0]][f[1]].value is None] == []
    assert wv["项目1"]["J2"].value in ("有", "无")
    assert isinstance(wv["项目1"]["J1"].value, (int, float))


def test_hand_edited_marks_sheet_with_far_rows_and_ranges(run, tmp_path):
    """A rerun reads perfxl's own marks sheet through the reader's grid: a far row or a range
    typed into it costs nothing and removes nothing it should not."""
    path = _book(tmp_path)
    run("check", path)
    out = path.replace(".xlsx", ".perfxl.xlsx")
    wb = load_workbook(out)
    marks = wb["_perfxl_marks"]
    marks["A1048576"], marks["B1048576"], marks["C1048576"] = "comment", "项目1", "A1:XFD1048576"
    marks["A1048575"], marks["B1048575"], marks["C1048575"] = "comment", "项目1", "B2"
    wb.save(out)
    r = run("check", out, "-o", str(tmp_path / "again.xlsx"))
    assert r.exit_code in (0, 1), r.output
    assert "_perfxl_marks" in load_workbook(str(tmp_path / "again.xlsx")).sheetnames


# -- .xls: the same bounds ------------------------------------------------------------------

def _xls_with_far_blanks(tmp_path, blanks: int = 0, far: bool = True) -> str:
    """The layouts' workbook as an .xls, each project sheet with a formatted blank cell at
    IV65536 (unless not ``far``); ``blanks`` more formatted blank cells on the last sheet (a
    form copied past its end)."""
    import xlwt

    from hostile import xls_twin

    xlsx = _book(tmp_path)
    path = str(tmp_path / "far.xls")
    xls_twin(xlsx, path)
    import xlrd
    book = xlrd.open_workbook(path)
    names = book.sheet_names()
    wb = xlwt.Workbook(encoding="utf-8")  # xlwt cannot append: rewrite from the twin's values
    border = xlwt.easyxf("borders: left thin, bottom thin")
    for sheet in book.sheets():
        ws = wb.add_sheet(sheet.name)
        for r in range(sheet.nrows):
            for c in range(sheet.ncols):
                if sheet.cell_type(r, c) not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    ws.write(r, c, sheet.cell_value(r, c))
        if far and sheet.name.startswith("项目"):
            ws.write(65535, 255, None, border)
        if sheet.name == names[-1]:
            for c in range(blanks):
                ws.write(200 + c // 250, c % 250, None, border)
    wb.save(path)
    return path


def test_xls_far_blank_cell_costs_nothing_in_reader_and_writer(run, tmp_path, monkeypatch):
    """A formatted blank cell at IV65536 made xlrd store every row before it, padded to 256
    columns (16.7 million cells a sheet, half a minute and 230 MB each); nothing is stored now."""
    import xlrd

    path = _xls_with_far_blanks(tmp_path)
    stored = []
    read = xlrd.sheet.Sheet.read

    def counting(self, book):
        result = read(self, book)
        stored.append(sum(len(row) for row in self._cell_types))
        return result
    monkeypatch.setattr(xlrd.sheet.Sheet, "read", counting)
    model = read_workbook(path)
    assert stored and max(stored) < 1000, stored
    assert len(model.grids["项目1"].cells) < 400
    stored.clear()
    r = run("check", path)  # the result workbook copies the sheets' looks from a second read
    assert r.exit_code in (0, 1), r.output
    assert stored and max(stored) < 1000, stored
    wb = load_workbook(str(tmp_path / "far.perfxl.xlsx"), read_only=True)
    assert wb["项目1"].max_row < 1000 and wb["项目1"].max_column < 50


@pytest.mark.parametrize("name, value, words", [("MAX_CELLS", 50, "单元格超过"), ("MAX_TOTAL", 1000, "文件共"),
                                                ("MAX_MERGED_CELLS", 5, "合并单元格")])
def test_e119_limits_apply_to_xls(run, tmp_path, monkeypatch, name, value, words):
    path = _xls_with_far_blanks(tmp_path, far=False)
    if name == "MAX_MERGED_CELLS":
        import xlwt
        wb = xlwt.Workbook(encoding="utf-8")
        ws = wb.add_sheet("项目1")
        ws.write_merge(0, 2, 0, 3, "项目名称")  # 12 cells
        wb.save(path)
    monkeypatch.setattr(package, name, value)
    r = run("check", path, "--no-write")
    assert r.exit_code == 2, r.output
    assert "far.xls" in r.output and words in r.output and "拆分" in r.output


def test_xls_blank_cells_count_toward_the_cell_limit(run, tmp_path, monkeypatch):
    """As every ``<c>`` of an .xlsx counts, so does every blank cell of an .xls: a sheet of
    formatted blank cells is refused before xlrd stores them."""
    path = _xls_with_far_blanks(tmp_path, blanks=3000, far=False)
    r = run("check", path, "--no-write")
    assert r.exit_code in (0, 1), r.output
    monkeypatch.setattr(package, "MAX_CELLS", 2500)
    r = run("check", path, "--no-write")
    assert r.exit_code == 2 and "单元格超过" in r.output, r.output
