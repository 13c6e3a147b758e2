"""Bad input: one Chinese line naming the file and what to do, exit 2, never a traceback,
and the input file is never written."""

import json
import zipfile

import pytest
from openpyxl import Workbook

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
    assert r.exit_code == 2 and "不存在" in r.output
    (tmp_path / "a.perfxl.xlsx").mkdir()  # the default output path is taken by a folder
    r = run("check", path, "--format", "json")
    assert r.exit_code == 2 and json.loads(r.output)["findings"][0]["code"] == "E115"


def test_e116_e117_e118_init_and_rules_usage(run, tmp_path):
    r = run("init", tmp_path / "a.txt")
    assert r.exit_code == 2 and ".xlsx" in r.output
    assert run("init", tmp_path / "a.xlsx").exit_code == 0
    r = run("init", tmp_path / "a.xlsx")
    assert r.exit_code == 2 and "--force" in r.output
    r = run("rules", "Q999")
    assert r.exit_code == 2 and "Q999" in r.output


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
