"""Bad input: one Chinese line naming the file and what to do, exit 2, never a traceback,
and the input file is never written."""

import json
import zipfile

import pytest
from openpyxl import Workbook

from conftest import said
pytestmark = pytest.mark.usefixtures("tmpdir_left_empty")  # no temp file outlives a run


def _bytes(path):
    return path.read_bytes() if path.is_file() else None


def _docx(path):
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")


def _no_project(path):
    wb = Workbook()
    wb.active["A1"] = "说明"
    wb.save(path)


def _truncated(path):
    wb = Workbook()
    wb.active["A1"] = "项目名称"
    wb.save(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


CASES = {
    "missing": (lambda p: None, "找不到文件"),
    "directory": (lambda p: p.mkdir(), "是文件夹"),
    "empty": (lambda p: p.write_bytes(b""), "空文件"),
    "csv": (lambda p: p.write_text("项目名称,得分\n办公楼,90\n", encoding="utf-8"), "不是 Excel 工作簿"),
    "xls": (lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512), "旧版"),
    "docx": (_docx, "Word 文档"),
    "truncated": (_truncated, "损坏"),
    "no_project": (_no_project, "没有项目表"),
}

# The rule of family E each case is reported as (E_CASES: the every-rule-has-a-test guard reads it).
E_CASES = {"missing": "E101", "directory": "E102", "empty": "E103", "xls": "E104", "truncated": "E105",
           "csv": "E106", "docx": "E107", "no_project": "E108"}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_exits_2_with_one_chinese_line(run, tmp_path, case):
    make, expected = CASES[case]
    name = {"xls": "a.xls", "csv": "a.xlsx", "docx": "a.xlsx"}.get(case, "a.xlsx")
    path = tmp_path / name
    make(path)
    before = _bytes(path)
    result = run("check", path)
    assert result.exit_code == 2
    assert expected in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert _bytes(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ([name] if case != "missing" else [])


def test_bad_input_json_prints_error_object(run, tmp_path):
    result = run("check", tmp_path / "nope.xlsx", "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["error"]["code"] == "file_not_found"
    assert data["file"].endswith("nope.xlsx")


@pytest.mark.parametrize("case", sorted(E_CASES))
def test_fatal_errors_are_findings_of_family_e_in_one_json_shape(run, tmp_path, case):
    make, _ = CASES[case]
    name = {"xls": "a.xls", "csv": "a.xlsx", "docx": "a.xlsx"}.get(case, "a.xlsx")
    path = tmp_path / name
    make(path)
    data = json.loads(run("check", path, "--format", "json").output)
    assert set(data) >= {"file", "unit", "projects", "summary", "findings", "error"}
    [f] = data["findings"]
    assert (f["code"], f["severity"], f["sheet"], f["cell"]) == (E_CASES[case], "error", None, None)
    assert f["message"] and f["hint"] and data["error"]["rule"] == E_CASES[case]
    en = run("check", path, "--lang", "en")
    assert en.exit_code == 2 and en.output.startswith("perfxl: ")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in en.output.replace(str(path), "")), en.output


def test_e109_bad_profile(run, tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[scoring]\nfunding_weight = -1\n", encoding="utf-8")
    data = json.loads(run("check", tmp_path / "x.xlsx", "--profile", bad, "--format", "json").output)
    assert data["findings"][0]["code"] == "E109" and data["error"]["code"] == "bad_profile"


def test_e110_e111_conflicting_output_options(run, tmp_path):
    from perfxl.workbook.template import write_template
    path = tmp_path / "a.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    r = run("check", path, "--in-place", "--no-write", "--format", "json")
    assert r.exit_code == 2 and json.loads(r.output)["findings"][0]["code"] == "E110"
    r = run("check", path, "-o", path, "--format", "json")
    assert r.exit_code == 2 and json.loads(r.output)["findings"][0]["code"] == "E111"


def test_e113_e115_output_folder_missing_or_unwritable(run, tmp_path):
    from perfxl.workbook.template import write_template
    path = tmp_path / "a.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    r = run("check", path, "-o", tmp_path / "nope" / "b.xlsx")
    assert r.exit_code == 2 and said(r.output, "E113") and "不存在" in r.output
    r = run("check", path, "-o", tmp_path / "b.xlsx")  # a folder that exists
    assert r.exit_code in (0, 1) and not said(r.output, "E113") and (tmp_path / "b.xlsx").is_file()
    (tmp_path / "b.xlsx").unlink()
    (tmp_path / "a.perfxl.xlsx").mkdir()  # the default output path is taken by a folder
    r = run("check", path, "--format", "json")
    # checked but not written: the report is kept, the stop is named, exit 3
    assert r.exit_code == 3 and json.loads(r.stdout)["result_workbook"]["error"]["rule"] == "E115"
    assert json.loads(r.stdout)["summary"]["projects"] == 1
    assert "无法写入" in r.stderr and "--no-write" in r.stderr


def test_e116_e117_e118_init_and_rules_usage(run, tmp_path):
    r = run("init", tmp_path / "a.txt")
    assert r.exit_code == 2 and said(r.output, "E117") and ".xlsx" in r.output
    assert run("init", tmp_path / "a.xlsx").exit_code == 0
    r = run("init", tmp_path / "a.xlsx")
    assert r.exit_code == 2 and said(r.output, "E116") and "--force" in r.output
    assert run("init", tmp_path / "a.xlsx", "--force").exit_code == 0
    r = run("rules", "Q999")
    assert r.exit_code == 2 and said(r.output, "E118") and "Q999" in r.output
    r = run("rules", "I104")
    assert r.exit_code == 0 and not said(r.output, "E118")


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert result.output.startswith("perfxl ")


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_console_that_cannot_print_chinese(tmp_path, encoding):
    import os
    import subprocess
    import sys
    from pathlib import Path
    sample = Path(__file__).resolve().parents[1] / "samples" / "2025.xlsx"
    env = {**os.environ, "PYTHONIOENCODING": encoding, "LC_ALL": "C"}
    proc = subprocess.run([sys.executable, "-m", "perfxl", "check", str(sample), "--no-write"],
                          capture_output=True, env=env, timeout=120)
    assert proc.returncode == 1
    assert b"Traceback" not in proc.stderr
    assert b"S106" in proc.stdout and b"U105" in proc.stdout


# -- the system's reasons, in the line's language -------------------------------------------

def test_os_reasons_are_translated():
    import errno

    from perfxl.excel.oserrors import reason

    cases = {errno.EACCES: "没有写入权限", errno.EPERM: "没有写入权限", errno.ENOSPC: "磁盘已满",
             errno.ENAMETOOLONG: "文件名太长", errno.EROFS: "只读", errno.ENOENT: "不存在", errno.EBUSY: "占用"}
    for code, words in cases.items():
        exc = OSError(code, "English from the C library")
        assert words in reason(exc) and "English" not in reason(exc)
        assert "English" not in reason(exc, "en") and reason(exc, "en").isascii()
    assert reason(PermissionError(errno.EACCES, "Permission denied"), reading=True) == "没有读取权限"
    locked = PermissionError(errno.EACCES, "The process cannot access the file")
    locked.winerror = 32  # Windows: Excel holds the file open
    assert "Excel" in reason(locked) and "Excel" not in reason(locked, "en")
    other = OSError(errno.EXDEV, "Invalid cross-device link")
    assert reason(other) == "操作系统拒绝了写入（EXDEV）"
    assert reason(other, "en") == "Invalid cross-device link (EXDEV)"


def test_report_and_batch_say_why_in_chinese(run, tmp_path):
    """A name too long for the file system (a real refusal, even for root): the line is Chinese,
    after the check (exit 3: checked, not written)."""
    from perfxl.workbook.template import write_template

    path = tmp_path / "a.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    too_long = "长" * 100  # 300 bytes: over the 255 a name may have
    r = run("report", path, "-o", tmp_path / f"{too_long}.docx")
    assert r.exit_code == 3 and "文件名太长" in r.output and "too long" not in r.output.lower(), r.output
    r = run("batch", path, "-o", tmp_path / f"{too_long}.xlsx", "-j", "1")
    assert r.exit_code == 3 and "文件名太长" in r.output and "too long" not in r.output.lower(), r.output
    assert "共 1 个工作簿" in r.stdout  # the summary is kept
    r = run("batch", path, "-o", tmp_path / f"{too_long}.xlsx", "-j", "1", "--lang", "en")
    assert r.exit_code == 3 and "file name too long" in r.output, r.output


def test_batch_write_each_note_says_why_in_chinese(run, tmp_path, monkeypatch):
    import errno
    import multiprocessing
    import sys

    from perfxl.views import writer
    from perfxl.workbook.template import write_template

    if "fork" not in multiprocessing.get_all_start_methods() or not sys.platform.startswith("linux"):
        pytest.skip("the test patches the worker through fork")

    def refused(*args):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(writer, "write_result", refused)
    path = tmp_path / "a.xlsx"
    write_template(str(path), projects=1, unit="某单位", year=2025)
    r = run("batch", path, "-o", tmp_path / "汇总.xlsx", "--write-each", "-j", "1", "--format", "json")
    note = json.loads(r.output.splitlines()[0])["result_workbook"]["note"]
    assert "没有写入权限" in note and "Permission" not in note
