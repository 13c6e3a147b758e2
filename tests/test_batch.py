"""perfxl batch: a folder of good, erroneous, broken, encrypted and lock files gives the right
rows, counts and exit code; 问题清单 holds exactly the findings `check --format json` gives."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from conftest import convert, needs_soffice
from layouts import Book, Proj, build, default_unit
from perfxl import batch as runner
from perfxl.views import batch as view

needs_fork = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods() or not sys.platform.startswith("linux"),
                                reason="the test patches the worker through fork")


def _good(path):
    # each file its own unit: byte-identical files are one unit handed in twice (B101)
    build(Book(unit=dict(default_unit(), 单位名称=f"{path.parent.name}{path.stem}")), path)


def _erroneous(path):
    build(Book([Proj(), Proj(sheet="项目2", name="绿化养护项目", total=88)]), path)  # 总分 typed wrong


@pytest.fixture
def folder(tmp_path):
    """units/ with one file of every kind, some in a subfolder."""
    root = tmp_path / "units"
    (root / "乡镇").mkdir(parents=True)
    (root / ".git").mkdir()
    _good(root / "甲单位.xlsx")
    _erroneous(root / "乡镇" / "乙单位.xlsx")
    (root / "丙单位.xlsx").write_text("这不是工作簿", encoding="utf-8")  # broken: not a zip
    (root / "丁单位.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)  # encrypted-looking
    (root / "~$甲单位.xlsx").write_bytes(b"\0" * 165)  # Excel's lock file
    shutil.copy(root / "甲单位.xlsx", root / "甲单位.perfxl.xlsx")  # an earlier check's output
    (root / "说明.docx").write_bytes(b"PK\x03\x04")
    (root / "乡镇" / "名单.txt").write_text("甲\n乙\n", encoding="utf-8")
    _good(root / ".git" / "hidden.xlsx")
    return root


def _sheet(path, name):
    ws = load_workbook(path, read_only=True)[name]
    rows = list(ws.iter_rows(values_only=True))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


def _check_json(run, path):
    result = run("check", path, "--format", "json", "--no-write")
    return json.loads(result.stdout)


def test_folder_gives_one_row_per_workbook_and_counts_the_skips(run, folder, tmp_path):
    out = tmp_path / "汇总.xlsx"
    result = run("batch", folder, "-o", out, "-j", "2")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    _, units = _sheet(out, "单位汇总")
    by_file = {os.path.basename(r["文件"]): r for r in units}
    assert sorted(by_file) == ["丁单位.xlsx", "丙单位.xlsx", "乙单位.xlsx", "甲单位.xlsx"]
    assert by_file["甲单位.xlsx"]["状态"] == "通过"
    assert by_file["甲单位.xlsx"]["错误"] == 0 and by_file["甲单位.xlsx"]["项目数"] == 1
    assert by_file["乙单位.xlsx"]["状态"] == "有错误" and by_file["乙单位.xlsx"]["错误"] >= 1
    assert by_file["乙单位.xlsx"]["单位"] == "某某区机关事务管理局" and by_file["乙单位.xlsx"]["年度"] == 2025
    assert by_file["丙单位.xlsx"]["状态"] == "无法读取"
    assert "不是 Excel 工作簿" in by_file["丙单位.xlsx"]["说明"]
    assert by_file["丁单位.xlsx"]["状态"] == "无法读取"
    assert "加密" in by_file["丁单位.xlsx"]["说明"]
    # the same Chinese line `check` gives for the unreadable files
    for name in ("丙单位.xlsx", "丁单位.xlsx"):
        alone = run("check", folder / name)
        assert alone.output.strip() == f"perfxl：{by_file[name]['说明']}"
    # skips: the lock file, the earlier output, the .docx and the .txt; .git not entered
    assert "跳过 4 个文件（锁文件 ~$ 1 个，perfxl 输出 1 个，非工作簿 2 个）" in result.output
    front = load_workbook(out, read_only=True)["总览"]
    values = {r[0]: r[1] for r in front.iter_rows(max_col=2, values_only=True) if r[0]}
    assert values["检查的工作簿"] == 4
    assert values["　　　无法检查（无法读取、超时、异常）"] == 2
    assert values["　　　有错误"] == 1
    assert values["其中：无问题"] == 1
    assert values["跳过的文件"] == 4
    assert values["项目数"] == 3
    assert values["全年预算数合计（万元）"] == pytest.approx(300)


def test_strict_makes_an_unreadable_file_exit_2(run, folder, tmp_path):
    assert run("batch", folder, "-o", tmp_path / "a.xlsx", "--strict").exit_code == 2
    assert run("batch", folder / "甲单位.xlsx", "-o", tmp_path / "b.xlsx", "--strict").exit_code == 0
    assert run("batch", folder / "甲单位.xlsx", folder / "乡镇", "-o", tmp_path / "c.xlsx", "--strict").exit_code == 1


def test_findings_sheet_equals_check_json_of_every_file(run, folder, tmp_path):
    out = tmp_path / "汇总.xlsx"
    run("batch", folder, "-o", out)
    _, rows = _sheet(out, "问题清单")
    severity = {"错误": "error", "警告": "warning", "提示": "info"}
    got: dict[str, list] = {}
    for r in rows:
        got.setdefault(os.path.basename(r["文件"]), []).append(
            {"code": r["代码"], "severity": severity[r["严重程度"]], "sheet": r["工作表"], "cell": r["单元格"],
             "message": r["问题"], "hint": r["修改建议"] or ""})
    keys = ("code", "severity", "sheet", "cell", "message", "hint")  # the JSON's "values" are not shown
    for name in ("甲单位.xlsx", "乡镇/乙单位.xlsx", "丙单位.xlsx", "丁单位.xlsx"):
        expected = [{k: f[k] or "" if k == "hint" else f[k] for k in keys} for f in _check_json(run, folder / name)["findings"]]
        assert got.get(os.path.basename(name), []) == expected
    assert got["乙单位.xlsx"] and [f["code"] for f in got["丁单位.xlsx"]] == ["E121"]  # an OLE2 file named .xlsx: encrypted


def test_project_rows_carry_the_checks_grade_and_score(run, folder, tmp_path):
    out = tmp_path / "汇总.xlsx"
    run("batch", folder, "-o", out)
    _, rows = _sheet(out, "项目明细")
    report = _check_json(run, folder / "乡镇" / "乙单位.xlsx")
    mine = [r for r in rows if r["文件"].endswith("乙单位.xlsx")]
    assert [(r["工作表"], r["项目名称"], r["核算得分"], r["评价等级"], r["填报得分"]) for r in mine] == [
        (p["sheet"], p["name"], p["score"], p["grade"], p["entered_score"]) for p in report["projects"]]
    assert len(rows) == 3


def test_json_lines_one_object_per_file_then_a_summary(run, folder, tmp_path):
    result = run("batch", folder, "-o", tmp_path / "汇总.xlsx", "--format", "json")
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    *files, summary = lines
    assert len(files) == 4
    by_name = {os.path.basename(o["file"]): o for o in files}
    assert by_name["丙单位.xlsx"]["error"]["code"] == "not_xlsx"
    assert by_name["丁单位.xlsx"]["error"]["code"] == "old_format"
    for name in ("甲单位.xlsx", "丁单位.xlsx"):  # the very object `check --format json` prints
        alone = _check_json(run, folder / name)
        assert {k: v for k, v in by_name[name].items() if k != "file"} == {k: v for k, v in alone.items() if k != "file"}
    s = summary["batch"]
    assert (s["files"], s["checked"], s["failed"], s["unreadable"], s["with_errors"], s["passed"]) == (4, 2, 2, 2, 1, 1)
    assert s["skipped"] == {"lock": 1, "output": 1, "other": 2}
    assert s["exit_code"] == 1 == result.exit_code
    assert "检查" not in result.stdout.split("\n")[0][:2]  # no progress bar in the output


def test_nothing_but_the_summary_when_piped(run, folder, tmp_path):
    result = run("batch", folder, "-o", tmp_path / "汇总.xlsx")
    lines = result.output.strip().splitlines()
    assert lines[-1] == f"汇总已写入：{tmp_path / '汇总.xlsx'}"
    assert not any("|" in line or "\r" in line for line in lines)  # no progress bar
    assert lines[-2].startswith("共 4 个工作簿：1 个有错误，0 个只有警告，1 个无问题，2 个无法检查")


def test_the_roll_up_is_skipped_by_a_later_batch_and_replaced(run, folder, tmp_path):
    out = folder / "汇总.xlsx"
    assert run("batch", folder, "-o", out).exit_code == 1
    renamed = folder / "去年汇总.xlsx"
    shutil.copy(out, renamed)
    result = run("batch", folder, "-o", out)  # the old roll-up in the folder is ours: replaced, and skipped
    assert result.exit_code == 1
    assert "perfxl 输出 3 个" in result.output  # 甲单位.perfxl.xlsx, 汇总.xlsx, 去年汇总.xlsx
    assert len(_sheet(out, "单位汇总")[1]) == 4


def test_a_users_own_workbook_is_never_overwritten(run, folder, tmp_path):
    mine = tmp_path / "汇总.xlsx"
    _good(mine)
    before = mine.read_bytes()
    result = run("batch", folder, "-o", mine)
    assert result.exit_code == 2
    assert "已存在，未覆盖" in result.output
    assert mine.read_bytes() == before


@pytest.mark.parametrize("args, expected", [
    (("-o", "汇总.csv"), "不是 .xlsx 文件名"),
    (("-o", "没有的文件夹/汇总.xlsx"), "不存在"),
    (("--profile", "没有.toml"), "找不到评分方案文件"),
    (("-d", "out"), "只能与 --write-each 或 --review 一起使用"),
])
def test_bad_usage_is_one_line_and_exit_2(run, folder, tmp_path, monkeypatch, args, expected):
    monkeypatch.chdir(tmp_path)
    result = run("batch", folder, *args)
    assert result.exit_code == 2
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_no_workbook_found_is_exit_2(run, tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    result = run("batch", tmp_path, "-o", tmp_path / "汇总.xlsx")
    assert result.exit_code == 2
    assert "没有找到要检查的工作簿" in result.output and "跳过了 1 个文件" in result.output
    assert not (tmp_path / "汇总.xlsx").exists()


def test_a_missing_path_is_a_row(run, folder, tmp_path):
    result = run("batch", folder / "甲单位.xlsx", tmp_path / "没有.xlsx", "-o", tmp_path / "汇总.xlsx")
    assert result.exit_code == 1
    assert "找不到文件" in result.output


def test_write_each_beside_the_input_or_into_a_folder(run, folder, tmp_path):
    inputs = {p: p.read_bytes() for p in folder.rglob("*.xlsx")}
    other = tmp_path / "其他" / "甲单位.xlsx"
    other.parent.mkdir()
    _good(other)
    assert run("batch", folder / "乡镇", "-o", tmp_path / "a.xlsx", "--write-each").exit_code == 1
    assert (folder / "乡镇" / "乙单位.perfxl.xlsx").exists()
    assert "检查结果" in load_workbook(folder / "乡镇" / "乙单位.perfxl.xlsx", read_only=True).sheetnames
    out = tmp_path / "结果"
    result = run("batch", folder / "甲单位.xlsx", other, "-o", tmp_path / "b.xlsx", "--write-each", "-d", out)
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["甲单位.perfxl-2.xlsx", "甲单位.perfxl.xlsx"]
    assert all(p.read_bytes() == data for p, data in inputs.items())  # inputs never written
    _, units = _sheet(tmp_path / "b.xlsx", "单位汇总")
    assert all(r["说明"].startswith("结果：") for r in units)


def test_collect_skips_and_counts():
    assert runner.skip_reason("a/~$x.xlsx") == "lock"
    assert runner.skip_reason("a/x.perfxl.xlsx") == "output"
    assert runner.skip_reason("a/x.PERFXL.XLSX") == "output"
    assert runner.skip_reason("a/x.pdf") == "other"
    assert runner.skip_reason("a/x.xls") is None  # checked: the row says to save it as .xlsx


def test_each_output_never_collides():
    got = runner.each_output(["a/甲.xlsx", "b/甲.xlsx", "c/乙.xlsm"], "out")  # no folder given: names only
    assert got == {"a/甲.xlsx": os.path.join("out", "甲.perfxl.xlsx"), "b/甲.xlsx": os.path.join("out", "甲.perfxl-2.xlsx"),
                   "c/乙.xlsm": os.path.join("out", "乙.perfxl.xlsm")}


def _problem(severity):
    from perfxl.rollup import Problem
    return Problem("X", severity, None, None, "", "")


def test_write_each_into_a_folder_keeps_the_sub_folders(run, tmp_path):
    """Two units' 2025.xlsx in 甲/ and 乙/: their results stay apart, named by their folders."""
    root = tmp_path / "各单位"
    for unit in ("甲", "乙"):
        (root / unit).mkdir(parents=True)
        _good(root / unit / "2025.xlsx")
    out = tmp_path / "结果"
    result = run("batch", root, "-o", tmp_path / "汇总.xlsx", "--write-each", "-d", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx")) == [
        "乙/2025.perfxl.xlsx", "甲/2025.perfxl.xlsx"]
    assert "已写入 2 个结果工作簿。" in result.output


def test_exit_code_is_the_worst_file():
    from perfxl.workbook.fatal import Fatal

    ok = view.FileRow("a", "checked", problems=[_problem("warning")])
    bad = view.FileRow("b", "checked", problems=[_problem("error")])
    gone = view.FileRow.failed("c", "timeout", Fatal("E137", name="c", seconds="1").finding, "timeout")
    assert view.exit_code([ok], strict=True) == 0
    assert view.exit_code([ok, bad], strict=True) == 1
    assert view.exit_code([ok, gone], strict=False) == 1
    assert view.exit_code([bad, gone], strict=True) == 2


# -- a worker that hangs or dies is one row ------------------------------------------------

def _slow_or_dying(path, run, write_to=None, review_to=None):
    import time
    name = os.path.basename(path)
    if name.startswith("慢"):
        time.sleep(30)
    if name.startswith("崩"):
        os._exit(3)
    return _real_check_one(path, run, write_to, review_to)


_real_check_one = runner.check_one


@needs_fork
def test_timeout_and_crash_are_rows_and_the_run_goes_on(run, tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "check_one", _slow_or_dying)  # workers are forked: they see the patch
    root = tmp_path / "units"
    root.mkdir()
    for name in ("慢单位.xlsx", "崩单位.xlsx", "甲单位.xlsx", "乙单位.xlsx", "丙单位.xlsx"):
        _good(root / name)
    result = run("batch", root, "-o", tmp_path / "汇总.xlsx", "-j", "2", "--timeout", "3", "--format", "json")
    *files, summary = [json.loads(line) for line in result.stdout.strip().splitlines()]
    by_name = {os.path.basename(o["file"]): o for o in files}
    assert by_name["慢单位.xlsx"]["error"]["code"] == "timeout"
    assert "3 秒" in by_name["慢单位.xlsx"]["error"]["message"]
    assert by_name["崩单位.xlsx"]["error"]["code"] == "worker_crashed"
    # every stop is a finding of a declared E rule, as `check --format json` gives for any stop
    assert by_name["慢单位.xlsx"]["error"]["rule"] == "E137" and by_name["崩单位.xlsx"]["error"]["rule"] == "E138"
    assert by_name["慢单位.xlsx"]["findings"][0]["code"] == "E137"
    assert all("findings" in by_name[n] for n in ("甲单位.xlsx", "乙单位.xlsx", "丙单位.xlsx"))
    assert (summary["batch"]["timed_out"], summary["batch"]["crashed"], summary["batch"]["checked"]) == (1, 1, 3)
    assert result.exit_code == 1
    strict = run("batch", root / "崩单位.xlsx", root / "甲单位.xlsx", "-o", tmp_path / "b.xlsx", "--strict")
    assert strict.exit_code == 2
    assert "进程异常退出" in strict.output


@pytest.mark.parametrize("start", ["default", "spawn"])
def test_command_line_exit_code_and_no_traceback(folder, tmp_path, start):
    """``python -m perfxl`` in its own process; "spawn" is how workers start on Windows and macOS."""
    out = tmp_path / "汇总.xlsx"
    env = dict(os.environ, PERFXL_START_METHOD=start)
    proc = subprocess.run([sys.executable, "-m", "perfxl", "batch", str(folder), "-o", str(out), "-j", "2"],
                          capture_output=True, text=True, encoding="utf-8", timeout=120, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr + proc.stdout
    assert proc.stderr == ""  # no progress bar when piped
    assert out.exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a pseudo-terminal")
def test_progress_bar_on_a_terminal_only(folder, tmp_path):
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "perfxl", "batch", str(folder), "-o", str(tmp_path / "汇总.xlsx")],
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the terminal closed
            break
        if not chunk:
            break
        seen += chunk
    out = proc.communicate(timeout=120)[0].decode("utf-8")
    os.close(master)
    bar = seen.decode("utf-8", "replace")
    assert "检查 4/4 个工作簿" in bar and "错误 " in bar and "已用" in bar
    assert "个工作簿 |" not in out  # stdout (piped here) has the summary, not the bar
    assert proc.returncode == 1


@needs_soffice
def test_libreoffice_opens_the_roll_up(run, folder, tmp_path):
    out = tmp_path / "汇总.xlsx"
    run("batch", folder, "-o", out)
    again = load_workbook(convert(out, "xlsx", tmp_path / "lo"), read_only=True)
    assert again.sheetnames == ["总览", "单位汇总", "项目明细", "问题清单"]
    assert len(list(again["问题清单"].iter_rows(values_only=True))) == len(list(
        load_workbook(out, read_only=True)["问题清单"].iter_rows(values_only=True)))


def _fills_under(ws, header_row: int, header: str) -> dict:
    """value -> fill colour of the cells in the column headed ``header``."""
    col = next(c.column for c in ws[header_row] if c.value == header)
    return {ws.cell(row=r, column=col).value: ws.cell(row=r, column=col).fill.fgColor.rgb[-6:]
            for r in range(header_row + 1, ws.max_row + 1) if ws.cell(row=r, column=col).value is not None}


def test_roll_up_and_result_sheet_draw_from_one_palette(run, folder, tmp_path):
    """A grade, an error: the roll-up shows them in the colours of 自评结果 (views/palette.py)."""
    from perfxl.views import palette

    out = tmp_path / "汇总.xlsx"
    assert run("batch", folder / "乡镇", "-o", out, "--write-each").exit_code == 1
    rollup = load_workbook(out)
    result = load_workbook(folder / "乡镇" / "乙单位.perfxl.xlsx")["自评结果"]
    grades = _fills_under(rollup["项目明细"], 1, "评价等级")
    assert grades and grades == {g: palette.GRADES[g] for g in grades}
    assert grades == {g: c for g, c in _fills_under(result, 3, "评价等级").items() if g in palette.GRADES}
    assert _fills_under(rollup["单位汇总"], 1, "状态")["有错误"] == palette.FIX
    assert palette.FIX in _fills_under(result, 3, "问题数").values()  # a project with an error


def test_usage_error_with_json_is_one_json_line(run, folder, tmp_path):
    result = run("batch", folder, "-o", tmp_path / "汇总.csv", "--format", "json")
    assert result.exit_code == 2
    (line,) = result.stdout.strip().splitlines()
    assert json.loads(line)["error"]["rule"] == "E117"


def test_json_lines_make_the_same_roll_up(run, folder, tmp_path):
    """Lines collected elsewhere (several machines) give the same rows and totals."""
    result = run("batch", folder, "-o", tmp_path / "a.xlsx", "--format", "json")
    *lines, summary = [json.loads(line) for line in result.stdout.strip().splitlines()]
    rows = [view.FileRow.from_json(obj) for obj in lines]
    t = view.totals(rows, summary["batch"]["skipped"])
    assert t.json(view.exit_code(rows, False), 0)["batch"] | {"seconds": summary["batch"]["seconds"]} == summary["batch"]
    view.write_rollup(str(tmp_path / "b.xlsx"), rows, t)
    assert _sheet(tmp_path / "b.xlsx", "问题清单")[1] == _sheet(tmp_path / "a.xlsx", "问题清单")[1]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_named_pipe_is_skipped_not_read(tmp_path):
    _good(tmp_path / "甲.xlsx")
    os.mkfifo(tmp_path / "管道.xlsx")
    found = runner.collect([tmp_path])
    assert [os.path.basename(f) for f in found.files] == ["甲.xlsx"]
    assert found.skipped["other"] == 1
