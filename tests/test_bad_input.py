"""Bad input: one Chinese line naming the file and what to do, exit 2, never a traceback,
and the input file is never written."""

import json
import zipfile

import pytest
from openpyxl import Workbook


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
