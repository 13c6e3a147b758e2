"""Nothing is lost: backups never overwrite one another, a result file is its own output,
-o takes only workbook names, and lock files of open workbooks are named for what they are."""

from __future__ import annotations

import os

from openpyxl import load_workbook

from conftest import said
from layouts import Book, Proj, build
from perfxl.views.files import backup, open_in, output_path
from perfxl.views.result_sheet import RESULT
from perfxl.views.text_sheets import FINDINGS, NARRATIVE


def _book(tmp_path, name="2025.xlsx") -> str:
    book = Book([Proj()])  # clean: exit 0
    path = tmp_path / name
    build(book, path)
    return str(path)


def test_output_names():
    assert output_path("a/2025.xlsx") == "a/2025.perfxl.xlsx"
    assert output_path("a/2025.xlsm") == "a/2025.perfxl.xlsm"
    assert output_path("a/2025.perfxl.xlsx") == "a/2025.perfxl.xlsx"
    assert output_path("a/2025.PERFXL.xlsx") == "a/2025.PERFXL.xlsx"


def test_in_place_twice_keeps_the_original(run, tmp_path):
    path = _book(tmp_path)
    original = open(path, "rb").read()
    assert run("check", path, "--in-place").exit_code == 0
    first_output = open(path, "rb").read()
    assert first_output != original
    assert run("check", path, "--in-place").exit_code == 0
    assert open(path + ".bak", "rb").read() == original  # the first backup is never overwritten
    assert open(path + ".bak2", "rb").read() == first_output
    assert sorted(os.listdir(tmp_path)) == ["2025.xlsx", "2025.xlsx.bak", "2025.xlsx.bak2"]
    assert load_workbook(path).sheetnames.count(RESULT) == 1


def test_backup_takes_the_next_free_number(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"one")
    (tmp_path / "x.xlsx.bak").write_bytes(b"old")
    (tmp_path / "x.xlsx.bak2").write_bytes(b"older")
    assert backup(str(path)) == str(path) + ".bak3"
    assert (tmp_path / "x.xlsx.bak").read_bytes() == b"old"
    assert (tmp_path / "x.xlsx.bak3").read_bytes() == b"one"


def test_checking_a_result_file_replaces_its_own_sheets(run, tmp_path):
    path = _book(tmp_path)
    assert run("check", path).exit_code == 0
    out = tmp_path / "2025.perfxl.xlsx"
    before = load_workbook(out)
    result = run("check", out)
    assert result.exit_code == 0
    assert str(out) in result.output
    assert sorted(os.listdir(tmp_path)) == ["2025.perfxl.xlsx", "2025.xlsx"]
    after = load_workbook(out)
    assert after.sheetnames == before.sheetnames
    assert [after.sheetnames.count(s) for s in (RESULT, NARRATIVE, FINDINGS)] == [1, 1, 1]


def test_a_users_file_named_like_a_result_is_not_overwritten(run, tmp_path):
    path = _book(tmp_path, "2025.perfxl.xlsx")
    before = open(path, "rb").read()
    assert run("check", path).exit_code == 0
    assert open(path, "rb").read() == before
    assert (tmp_path / "2025.perfxl.perfxl.xlsx").exists()


def test_e135_e136_output_must_be_a_workbook_name(run, tmp_path):
    path = _book(tmp_path)
    for name in ("out.txt", "out", "out.xls", "out.csv"):
        result = run("check", path, "-o", tmp_path / name)
        assert result.exit_code == 2 and said(result.output, "E135"), name
        assert ".xlsx" in result.output and "Traceback" not in result.output
        assert not (tmp_path / name).exists()
    result = run("check", path, "-o", tmp_path / "out.xlsm")  # macros setting must follow the input
    assert result.exit_code == 2 and said(result.output, "E136") and not (tmp_path / "out.xlsm").exists()
    result = run("check", path, "-o", tmp_path / "out.XLSX")  # a workbook name of the input's type
    assert result.exit_code == 0 and not said(result.output, "E135") and not said(result.output, "E136")
    result = run("check", path, "-o", tmp_path / "out.txt", "--lang", "en")
    assert result.exit_code == 2 and "only be saved as .xlsx" in result.output


def test_lock_file_beside_the_input_warns(run, tmp_path):
    path = _book(tmp_path)
    assert open_in(path) is None
    (tmp_path / "~$2025.xlsx").write_bytes(b"\x0bsomebody" + b" " * 150)
    assert open_in(path) == "Excel/WPS"
    result = run("check", path)
    assert result.exit_code == 0
    assert "文件可能正在 Excel/WPS 中打开，未保存的修改不会被检查" in result.output
    assert (tmp_path / "2025.perfxl.xlsx").exists()
    result = run("check", path, "--no-write", "--lang", "en")
    assert "may be open in Excel/WPS" in result.output


def test_libreoffice_lock_file_warns(run, tmp_path):
    path = _book(tmp_path)
    (tmp_path / ".~lock.2025.xlsx#").write_text("somebody,host,2026;")
    result = run("check", path, "--no-write")
    assert result.exit_code == 0 and "LibreOffice" in result.output and "未保存的修改不会被检查" in result.output


def test_without_a_lock_file_no_warning(run, tmp_path):
    result = run("check", _book(tmp_path), "--no-write")
    assert "未保存的修改" not in result.output


def test_e134_checking_the_lock_file_itself_says_what_it_is(run, tmp_path):
    _book(tmp_path)
    lock = tmp_path / "~$2025.xlsx"
    lock.write_bytes(b"\x0bsomebody" + b" " * 150)
    result = run("check", lock)
    assert result.exit_code == 2 and said(result.output, "E134")
    assert "锁文件" in result.output and "“2025.xlsx”" in result.output
    assert "另存为" not in result.output
    result = run("check", lock, "--format", "json")
    assert result.exit_code == 2 and '"lock_file"' in result.output
    assert sorted(os.listdir(tmp_path)) == ["2025.xlsx", "~$2025.xlsx"]
    result = run("check", tmp_path / "2025.xlsx", "--no-write")  # the workbook it belongs to is read
    assert result.exit_code == 0 and not said(result.output, "E134")
