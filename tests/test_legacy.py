""".xls and .et (BIFF8, written here with xlwt) check with the same findings as their .xlsx
twins, the formula audit aside; the result is written as <name>.perfxl.xlsx; --convert runs
the full check through LibreOffice."""

from __future__ import annotations

import json
import os
import shutil

import pytest
from openpyxl import load_workbook

from conftest import convert, needs_soffice, said
from hostile import xls_twin
from layouts import LAYOUTS, Book, Ind, build
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook

# Findings that depend on formulas or on how the output is written, not on the values.
FORMULA_ONLY = {"R113", "R114", "R119", "R120", "R121"}


def _flawed() -> Book:
    book = Book()
    p = book.projects[0]
    p.executed = 80.0  # the rate, the funding score and the total all change
    p.rate = 0.9  # typed wrong
    p.indicators[1] = Ind("产出指标", "质量指标", "验收合格率", "100%", "95%", 15, 15)  # over-scored
    p.indicators[4].score = 12  # more than 10
    book.unit["人员合计"] = 40  # 30+10+5+1 = 46
    return book


def _findings(path):
    result = run_checks(read_workbook(str(path)), load_profile())
    return result, sorted((f.code, f.sheet, f.cell) for f in result.findings
                          if f.code not in FORMULA_ONLY and not f.code.startswith("X"))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("book", [Book(), _flawed()], ids=["clean", "flawed"])
@pytest.mark.parametrize("ext", [".xls", ".et"])
def test_r121_binary_twin_has_the_same_findings(tmp_path, layout, book, ext):
    xlsx = tmp_path / "twin.xlsx"
    build(book, xlsx, layout)
    binary = tmp_path / f"twin{ext}"
    xls_twin(xlsx, binary)
    result_x, expected = _findings(xlsx)
    result_b, found = _findings(binary)
    assert found == expected
    assert [p.score for p in result_b.projects] == [p.score for p in result_x.projects]
    assert result_b.model.source_format == "xls"
    info = [f for f in result_b.findings if f.code == "R121"]
    assert len(info) == 1 and info[0].severity == "info" and binary.name in info[0].message
    assert not [f for f in result_b.findings if f.code.startswith("X")]


def test_binary_file_reads_values_merges_and_formats(tmp_path):
    xlsx = tmp_path / "a.xlsx"
    build(Book(), xlsx, "messy")
    xls_twin(xlsx, tmp_path / "a.xls")
    model = read_workbook(str(tmp_path / "a.xls"))
    ref = read_workbook(str(xlsx))
    for name, grid in ref.grids.items():
        got = model.grids[name]
        assert {k: (c.value, c.number_format) for k, c in got.cells.items()} == \
               {k: (c.value, c.number_format) for k, c in grid.cells.items()}
        assert got.merged == grid.merged


def test_binary_file_writes_an_xlsx_result_and_keeps_the_input(run, tmp_path):
    xlsx = tmp_path / "src.xlsx"
    build(_flawed(), xlsx, "national")
    xls = tmp_path / "2025.xls"
    xls_twin(xlsx, xls)
    os.remove(xlsx)
    before = xls.read_bytes()
    result = run("check", xls)
    assert result.exit_code == 1
    assert xls.read_bytes() == before
    out = tmp_path / "2025.perfxl.xlsx"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2025.perfxl.xlsx", "2025.xls"]
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["自评结果", "自评综述", "检查结果"]
    assert "项目1" in wb.sheetnames and wb["项目1"]["G6"].comment is not None
    assert "R121" in result.output and "R119" in result.output


def test_e127_binary_file_cannot_be_written_in_place(run, tmp_path):
    xlsx = tmp_path / "src.xlsx"
    build(Book(), xlsx, "national")
    xls_twin(xlsx, tmp_path / "a.xls")
    result = run("check", tmp_path / "a.xls", "--in-place")
    assert result.exit_code == 2 and said(result.output, "E127")
    assert "a.xls" in result.output and "--in-place" in result.output
    result = run("check", tmp_path / "a.xls")  # saved beside it as a.perfxl.xlsx
    assert result.exit_code == 0 and not said(result.output, "E127") and (tmp_path / "a.perfxl.xlsx").is_file()


def test_e126_convert_on_an_xlsx_is_a_usage_error(run, tmp_path):
    build(Book(), tmp_path / "a.xlsx", "national")
    result = run("check", tmp_path / "a.xlsx", "--convert")
    assert result.exit_code == 2 and said(result.output, "E126")
    assert "a.xlsx" in result.output and "不需要 --convert" in result.output
    result = run("check", tmp_path / "a.xlsx", "--no-write")
    assert result.exit_code == 0 and not said(result.output, "E126")


def test_e124_convert_without_libreoffice_says_so(run, tmp_path, monkeypatch):
    xlsx = tmp_path / "src.xlsx"
    build(Book(), xlsx, "national")
    xls_twin(xlsx, tmp_path / "a.xls")
    monkeypatch.setattr(shutil, "which", lambda name: None)
    result = run("check", tmp_path / "a.xls", "--convert")
    assert result.exit_code == 2 and said(result.output, "E124")
    assert "a.xls" in result.output and "LibreOffice" in result.output
    result = run("check", tmp_path / "a.xls", "--no-write")  # without --convert LibreOffice is not needed
    assert result.exit_code == 0 and not said(result.output, "E124")


@needs_soffice
def test_convert_runs_the_full_check_with_formulas(run, tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    xlsx = tmp_path / "src.xlsx"
    where = build(_flawed(), xlsx, "national")
    et = tmp_path / "in" / "2025.et"
    et.parent.mkdir()
    total = where("项目1", "total")
    xls_twin(xlsx, et, {("项目1", total): "SUM(G13:G17)+H6"})
    result = run("check", et, "--convert", "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.output[: result.output.rindex("}") + 1])
    codes = {f["code"] for f in data["findings"]}
    assert "R121" not in codes  # the full check ran
    assert not codes & {"E124", "E125"}  # LibreOffice is there and converts
    _, expected = _findings(xlsx)
    assert {c for c, _, _ in expected} <= codes
    out = load_workbook(tmp_path / "in" / "2025.perfxl.xlsx")
    assert out["项目1"][total].value == "=SUM(G13:G17)+H6"  # formulas kept
    assert list((tmp_path / "tmp").iterdir()) == []  # the conversion's folder is gone


def test_e125_conversion_that_produces_nothing(run, tmp_path, monkeypatch):
    # soffice exits 0 even when it fails: the missing output is what tells
    xlsx = tmp_path / "src.xlsx"
    build(Book(), xlsx, "national")
    xls_twin(xlsx, tmp_path / "a.xls")
    monkeypatch.setattr("perfxl.workbook.xls.soffice", lambda: shutil.which("true"))
    result = run("check", tmp_path / "a.xls", "--convert")
    assert result.exit_code == 2 and said(result.output, "E125")
    assert "a.xls" in result.output and "转换为 .xlsx 失败" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.xls", "src.xlsx"]


@needs_soffice
def test_e123_ods_is_refused_and_converted_with_convert(run, tmp_path):
    xlsx = tmp_path / "src" / "2025.xlsx"
    xlsx.parent.mkdir()
    build(_flawed(), xlsx, "provincial")
    ods = convert(xlsx, "ods", tmp_path)
    refused = run("check", ods)
    assert refused.exit_code == 2 and said(refused.output, "E123")
    assert "2025.ods" in refused.output and "--convert" in refused.output
    result = run("check", ods, "--convert", "--no-write", "--format", "json")
    data = json.loads(result.output)
    _, expected = _findings(xlsx)
    assert {c for c, _, _ in expected} <= {f["code"] for f in data["findings"]}
