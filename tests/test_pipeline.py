"""One pipeline: ``check``, ``report`` and ``batch`` (with and without ``--write-each``) give the
same findings for the same file; every stop is a finding of a declared E rule; a result that
cannot be written keeps the report and leaves no temporary file anywhere."""

from __future__ import annotations

import errno
import json
import os
import tempfile
import zipfile

import pytest

from hostile import xls_twin
from layouts import LAYOUTS, Book, Ind, build

from perfxl import batch as runner
from perfxl.pipeline import check, settings
from perfxl.rollup import FileRow


def _flawed() -> Book:
    book = Book()
    p = book.projects[0]
    p.executed = 80.0
    p.rate = 0.9
    p.indicators[1] = Ind("产出指标", "质量指标", "验收合格率", "100%", "95%", 15, 15)
    book.unit["人员合计"] = 40
    return book


def _codes(findings) -> list[tuple]:
    return sorted((f["code"], f["sheet"], f["cell"], f["message"]) for f in findings)


def _check_json(run, path, *args) -> dict:
    r = run("check", path, "--format", "json", *args)
    assert r.exit_code in (0, 1), r.output
    return json.loads(r.stdout)


def _batch_lines(run, path, tmp_path, *args) -> list[dict]:
    r = run("batch", path, "-o", tmp_path / "汇总.xlsx", "--format", "json", "-j", "1", *args)
    assert r.exit_code in (0, 1), r.output
    return [json.loads(line) for line in r.stdout.strip().splitlines()]


def _profile(tmp_path, tolerance: float) -> str:
    path = tmp_path / "宽.toml"
    path.write_text(f'name = "宽"\n[scoring]\nscore_tolerance = {tolerance}\n', encoding="utf-8")
    return str(path)


CASES = [(layout, "clean") for layout in LAYOUTS] + [(layout, "flawed") for layout in LAYOUTS] + [
    ("sample", "-"), ("xls", "flawed"), ("tolerance", "-")]


@pytest.mark.parametrize("layout, kind", CASES)
def test_check_report_and_batch_give_the_same_findings(run, tmp_path, layout, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    extra: tuple = ()
    if layout == "sample":
        path = folder / "2025.xlsx"
        path.write_bytes(open(os.path.join(os.path.dirname(__file__), "..", "samples", "2025.xlsx"), "rb").read())
    elif layout == "xls":
        build(_flawed(), tmp_path / "twin.xlsx")
        path = folder / "twin.xls"
        xls_twin(tmp_path / "twin.xlsx", path)
    elif layout == "tolerance":
        book = Book()
        book.projects[0].total = 99.4  # computed 100: agrees within a tolerance of 1
        path = folder / "book.xlsx"
        build(book, path)
        extra = ("--profile", _profile(tmp_path, 1.0))
    else:
        path = folder / "book.xlsx"
        build(_flawed() if kind == "flawed" else Book(), path, layout)
    expected = _codes(_check_json(run, path, "--no-write", *extra)["findings"])
    alone = _batch_lines(run, path, tmp_path, *extra)
    assert _codes(alone[0]["findings"]) == expected
    writing = _codes(_check_json(run, path, *extra)["findings"])  # with its result workbook (R119 of an .xls)
    (folder / f"{path.stem}.perfxl.xlsx").unlink(missing_ok=True)
    written = _batch_lines(run, path, tmp_path, "--write-each", "-d", tmp_path / "结果", *extra)
    assert _codes(written[0]["findings"]) == writing
    assert written[0]["result_workbook"]["path"]
    # the report checks through the same pipeline: its first-page notice names the check's errors
    from perfxl.pipeline import report
    done = report(str(path), settings(extra[1] if extra else None), output=str(tmp_path / "r.docx"))
    assert sorted((f.code, f.sheet, f.cell, f.message) for f in done.checked.result.findings) == expected


def test_the_roll_up_uses_the_checks_decision_on_a_typed_total(tmp_path):
    """With score_tolerance = 1, a typed 99.4 against 100 agrees: check says nothing, and the
    roll-up's 项目明细 must not paint it red."""
    from openpyxl import load_workbook

    from perfxl.views.batch import write_rollup
    from perfxl.rollup import totals

    book = Book()
    book.projects[0].total = 99.4
    path = tmp_path / "book.xlsx"
    build(book, path)
    run = settings(_profile(tmp_path, 1.0))
    done = check(str(path), run)
    assert done.result.projects[0].entered_agrees is True
    row = FileRow.of(done.result, str(path))
    assert row.projects[0].entered_agrees is True
    out = tmp_path / "汇总.xlsx"
    write_rollup(str(out), [row], totals([row], {}))
    ws = load_workbook(out)["项目明细"]
    assert ws["I2"].value == 99.4 and ws["I2"].fill.fgColor.rgb in (None, "00000000")
    # the default tolerance (0.01) disagrees: red, by the check's own decision
    strict = check(str(path), settings())
    assert strict.result.projects[0].entered_agrees is False
    row = FileRow.of(strict.result, str(path))
    write_rollup(str(out), [row], totals([row], {}))
    assert load_workbook(out)["项目明细"]["I2"].fill.fgColor.rgb.endswith("F4B084")


def test_a_json_line_merges_back_into_the_same_row(run, tmp_path):
    path = tmp_path / "book.xlsx"
    build(_flawed(), path)
    line = _batch_lines(run, path, tmp_path)[0]
    again = FileRow.from_json(line)
    direct = FileRow.of(check(str(path), settings()).result, str(path))
    assert again.projects == direct.projects
    assert again.problems == direct.problems
    assert (again.unit, again.year, again.grades, again.budget_total) == \
        (direct.unit, direct.year, direct.grades, direct.budget_total)


# -- every stop is a finding ---------------------------------------------------------------------

def test_e137_a_timed_out_file_is_a_finding(tmp_path):
    row = runner.timeout_row(str(tmp_path / "慢.xlsx"), 3.0)
    assert row.stop.code == "E137" and "3 秒" in row.stop.message and row.errors == 1
    assert row.json()["error"] == {"code": "timeout", "rule": "E137", "message": row.stop.line()}
    good = FileRow("快.xlsx", "checked")
    assert good.stop is None and good.errors == 0


def test_e138_a_crashed_worker_is_a_finding(tmp_path):
    row = runner.crash_row(str(tmp_path / "崩.xlsx"), -9, 1.0)
    assert row.stop.code == "E138" and "信号 9" in row.stop.message and "崩.xlsx" in row.stop.message
    assert runner.crash_row("a.xlsx", 3, 1.0, "en").stop.message.endswith("(exit code 3; out of memory, or an odd file)")
    assert FileRow("a.xlsx", "checked").state() == "passed"


def test_e139_dir_without_write_each(run, tmp_path):
    path = tmp_path / "book.xlsx"
    build(Book(), path)
    r = run("batch", path, "-o", tmp_path / "汇总.xlsx", "-d", tmp_path / "out", "--format", "json")
    assert r.exit_code == 2 and json.loads(r.stdout)["findings"][0]["code"] == "E139"
    assert run("batch", path, "-o", tmp_path / "汇总.xlsx", "-d", tmp_path / "out", "--write-each").exit_code == 0


def test_e140_no_workbooks(run, tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    r = run("batch", tmp_path, "-o", tmp_path / "汇总.xlsx", "--format", "json")
    assert r.exit_code == 2
    data = json.loads(r.stdout)
    assert data["findings"][0]["code"] == "E140" and data["error"]["code"] == "no_workbooks"
    build(Book(), tmp_path / "b.xlsx")
    assert run("batch", tmp_path, "-o", tmp_path / "汇总.xlsx").exit_code == 0


def test_the_same_write_failure_reads_the_same_in_every_command(run, tmp_path, monkeypatch):
    import docx.document

    path = tmp_path / "book.xlsx"
    build(Book(), path)

    def refuse(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr("perfxl.views.writer.write_result", refuse)
    monkeypatch.setattr(docx.document.Document, "save", refuse)
    lines = [run("check", path).stderr, run("report", path).stderr]
    assert all("无法写入" in line and "没有写入权限" in line and "Permission" not in line for line in lines)


# -- a full disk ----------------------------------------------------------------------------------

@pytest.fixture
def full_disk(monkeypatch, tmp_path):
    """Every archive written closes with ENOSPC (as a full disk fails at close()), and $TMPDIR
    is a folder of the test's own, to see what is left there."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    real = zipfile.ZipFile.close

    def close(self):
        writing = self.mode in ("w", "a", "x") and self.fp is not None
        real(self)
        if writing:
            raise OSError(errno.ENOSPC, "No space left on device")

    def arm():  # after the test has written its input
        monkeypatch.setenv("TMPDIR", str(temp))
        monkeypatch.setattr(tempfile, "tempdir", None)
        monkeypatch.setattr(zipfile.ZipFile, "close", close)
        return temp
    return arm


@pytest.mark.parametrize("how", ["default", "-o", "--in-place"])
def test_a_full_disk_keeps_the_report_and_the_input(run, tmp_path, full_disk, how):
    folder = tmp_path / "units"
    folder.mkdir()
    path = folder / "book.xlsx"
    build(_flawed(), path)
    before = path.read_bytes()
    temp = full_disk()
    args = {"default": (), "-o": ("-o", folder / "out.xlsx"), "--in-place": ("--in-place",)}[how]
    r = run("check", path, *args)
    assert r.exit_code == 3
    assert "结论：" in r.stdout  # the report came first
    line = r.stderr.strip().splitlines()[-1]
    assert "磁盘已满" in line and "--no-write" in line and "No space" not in line
    assert path.read_bytes() == before
    left = sorted(p.name for p in folder.iterdir())
    assert left == (["book.xlsx", "book.xlsx.bak"] if how == "--in-place" else ["book.xlsx"])
    assert list(temp.iterdir()) == []


def test_a_full_disk_in_report_and_batch(run, tmp_path, full_disk):
    folder = tmp_path / "units"
    folder.mkdir()
    path = folder / "book.xlsx"
    build(Book(), path)
    temp = full_disk()
    r = run("report", path)
    assert r.exit_code == 3 and "磁盘已满" in r.stderr
    r = run("batch", folder, "-o", tmp_path / "汇总.xlsx", "-j", "1", "--write-each")
    assert r.exit_code == 3
    assert "共 1 个工作簿" in r.stdout  # the summary came first
    assert "磁盘已满" in r.stdout + r.stderr and "内部错误" not in r.stdout + r.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["book.xlsx"]
    assert not (tmp_path / "汇总.xlsx").exists()
    assert list(temp.iterdir()) == []
