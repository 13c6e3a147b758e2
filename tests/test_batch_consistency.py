"""perfxl batch: what no single workbook shows. The same workbook handed in twice is counted once,
listed and marked, with a warning naming both files (B101); units of another evaluation year are
named (B102). Distinct files of one year give neither."""

from __future__ import annotations

import json
import os
import shutil

from openpyxl import load_workbook

from layouts import Book, Proj, build, default_unit
from perfxl import batch as runner


def _book(path, name="某某区机关事务管理局", year=2025, budget=40):
    unit = dict(default_unit(), 单位名称=name, 评价年度=year)
    build(Book([Proj(budget=budget)], unit=unit), path)


def _sheet(path, name):
    ws = load_workbook(path, read_only=True)[name]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _front(path):
    ws = load_workbook(path, read_only=True)["总览"]
    return [[c for c in r if c is not None] for r in ws.iter_rows(values_only=True)]


def _value(front, label):
    return next(r[1] for r in front if r and r[0] == label)


def test_duplicates_are_found_by_content_not_by_name(tmp_path):
    _book(tmp_path / "甲.xlsx")
    shutil.copy(tmp_path / "甲.xlsx", tmp_path / "甲（副本）.xlsx")
    _book(tmp_path / "乙.xlsx", name="乙单位", budget=50)
    files = runner.collect([tmp_path]).files
    assert runner.duplicates(files) == {str(tmp_path / "甲（副本）.xlsx"): str(tmp_path / "甲.xlsx")}


def test_b101_keeps_the_earliest_saved_file_whatever_the_names(tmp_path):
    """``甲-再交一次.xlsx`` sorts before ``甲.xlsx`` ('-' before '.'), but it was saved later: the
    original is the earlier one."""
    _book(tmp_path / "甲.xlsx")
    shutil.copy(tmp_path / "甲.xlsx", tmp_path / "甲-再交一次.xlsx")
    os.utime(tmp_path / "甲.xlsx", (1_700_000_000, 1_700_000_000))
    os.utime(tmp_path / "甲-再交一次.xlsx", (1_700_000_600, 1_700_000_600))
    files = runner.collect([tmp_path]).files
    assert files[0].endswith("甲-再交一次.xlsx")
    assert runner.duplicates(files) == {str(tmp_path / "甲-再交一次.xlsx"): str(tmp_path / "甲.xlsx")}
    os.utime(tmp_path / "甲.xlsx", (1_700_001_200, 1_700_001_200))  # now the other one is older
    assert runner.duplicates(files) == {str(tmp_path / "甲.xlsx"): str(tmp_path / "甲-再交一次.xlsx")}


def test_b101_a_copied_workbook_is_counted_once_listed_and_warned(run, tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    _book(units / "甲.xlsx")
    _book(units / "乙.xlsx", name="乙单位", budget=50)
    shutil.copy(units / "甲.xlsx", units / "甲（副本）.xlsx")
    out = tmp_path / "汇总.xlsx"
    r = run("batch", units, "-o", out, "-j", "1")
    assert r.exit_code == 0, r.output
    assert "B101" in r.output and "甲（副本）.xlsx" in r.output and "甲.xlsx”" in r.output
    assert "1 个重复（未计入）" in r.output and "共 2 个项目" in r.output

    rows = {rw["文件"].rsplit("/", 1)[-1]: rw for rw in _sheet(out, "单位汇总")}
    assert len(rows) == 3  # the duplicate is still listed
    dup = rows["甲（副本）.xlsx"]
    assert dup["状态"] == "重复（未计入）" and "甲.xlsx" in dup["说明"] and "B101" in dup["说明"]
    assert rows["甲.xlsx"]["状态"] in ("通过", "有警告")
    projects = _sheet(out, "项目明细")
    assert len(projects) == 2 and not any(p["文件"].endswith("甲（副本）.xlsx") for p in projects)
    assert not any(x["文件"].endswith("甲（副本）.xlsx") for x in _sheet(out, "问题清单"))
    front = _front(out)
    assert _value(front, "项目数") == 2 and _value(front, "全年预算数合计（万元）") == 90
    assert any("B101" in str(c) for line in front for c in line)

    lines = [json.loads(x) for x in run("batch", units, "-o", out, "-j", "1", "--format", "json").stdout.splitlines()]
    [copy] = [x for x in lines if x.get("file", "").endswith("甲（副本）.xlsx")]
    assert copy["duplicate_of"].endswith("甲.xlsx")
    summary = lines[-1]["batch"]
    assert summary["projects"] == 2 and summary["duplicates"] == 1 and summary["budget_total"] == 90
    [b101] = summary["findings"]
    assert b101["code"] == "B101" and b101["severity"] == "warning" and b101["files"][0].endswith("甲（副本）.xlsx")

    en = run("batch", units, "-o", out, "-j", "1", "--lang", "en")
    assert "warning B101: “" in en.output and "is identical to" in en.output and "1 duplicates (not counted)" in en.output
    assert "B101" not in run("batch", units, "-o", out, "-j", "1", "--ignore", "B101").output


def test_b102_units_of_another_year_are_named(run, tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    _book(units / "甲.xlsx")
    _book(units / "乙.xlsx", name="乙单位")
    _book(units / "丙.xlsx", name="丙单位", year=2024)
    out = tmp_path / "汇总.xlsx"
    r = run("batch", units, "-o", out, "-j", "1")
    assert r.exit_code == 0, r.output
    [line] = [x for x in r.output.splitlines() if "B102" in x]
    assert "2 个工作簿为 2025 年度" in line and "丙.xlsx”（2024）" in line and "甲.xlsx" not in line
    rows = {rw["文件"].rsplit("/", 1)[-1]: rw for rw in _sheet(out, "单位汇总")}
    assert "B102" in (rows["丙.xlsx"]["说明"] or "") and not rows["甲.xlsx"]["说明"]
    assert rows["丙.xlsx"]["状态"] != "重复（未计入）"  # still counted: only named
    summary = json.loads(run("batch", units, "-o", out, "-j", "1", "--format", "json").stdout.splitlines()[-1])["batch"]
    [b102] = summary["findings"]
    assert b102["code"] == "B102" and [f.rsplit("/", 1)[-1] for f in b102["files"]] == ["丙.xlsx"]
    assert summary["projects"] == 3
    en = run("batch", units, "-o", out, "-j", "1", "--lang", "en")
    assert "2 workbooks are for 2025, but not “" in en.output and "丙.xlsx” (2024)" in en.output


def test_a_tie_takes_the_later_year():
    from perfxl.rules.batch import year_findings
    [f] = year_findings({"a.xlsx": 2024, "b.xlsx": 2025, "c.xlsx": None})
    assert f.values["year"] == 2025 and f.values["files"] == ("a.xlsx",)


def test_distinct_files_of_one_year_give_no_batch_warning(run, tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    _book(units / "甲.xlsx")
    _book(units / "乙.xlsx", name="乙单位", budget=50)
    out = tmp_path / "汇总.xlsx"
    r = run("batch", units, "-o", out, "-j", "1", "--format", "json")
    summary = json.loads(r.stdout.splitlines()[-1])["batch"]
    assert summary["findings"] == [] and summary["duplicates"] == 0 and summary["projects"] == 2
    assert all("duplicate_of" not in json.loads(x) for x in r.stdout.splitlines()[:-1])
    assert not any("汇总提示" in str(c) for line in _front(out) for c in line)


def test_b101_pairs_only_files_that_were_read(run, tmp_path):
    """Two identical text files renamed .xlsx (and two empty ones) are equal bytes but no
    workbook: each stays a row 无法读取, none is 'counted'; identical workbooks are still B101."""
    units = tmp_path / "units"
    units.mkdir()
    _book(units / "A1.xlsx")
    shutil.copy(units / "A1.xlsx", units / "A2.xlsx")
    for name in ("丙.xlsx", "丁.xlsx"):
        (units / name).write_text("这不是工作簿\n", encoding="utf-8")
    for name in ("甲.xlsx", "乙.xlsx"):
        (units / name).write_bytes(b"")
    out = tmp_path / "汇总.xlsx"
    r = run("batch", units, "-o", out, "-j", "1")
    [b101] = [x for x in r.output.splitlines() if "B101" in x]
    assert "A2.xlsx" in b101 and "A1.xlsx" in b101
    assert "4 个无法检查，1 个重复（未计入）" in r.output
    for name in ("丙.xlsx", "丁.xlsx", "甲.xlsx", "乙.xlsx"):
        assert f"{name}：无法读取" in r.output
    rows = {rw["文件"].rsplit("/", 1)[-1]: rw for rw in _sheet(out, "单位汇总")}
    assert [rows[n]["状态"] for n in ("丙.xlsx", "丁.xlsx", "甲.xlsx", "乙.xlsx")] == ["无法读取"] * 4
    assert "B101" not in (rows["丙.xlsx"]["说明"] or "") and "B101" not in (rows["乙.xlsx"]["说明"] or "")
    front = _front(out)
    assert _value(front, "　　　无法检查（无法读取、超时、异常）") == 4 and _value(front, "　　　重复（未计入合计）") == 1
    # every unreadable file keeps its own E finding in 问题清单
    assert sorted(x["文件"].rsplit("/", 1)[-1] for x in _sheet(out, "问题清单") if x["代码"] in ("E103", "E106")) == \
        ["丁.xlsx", "丙.xlsx", "乙.xlsx", "甲.xlsx"]

    lines = [json.loads(x) for x in run("batch", units, "-o", out, "-j", "2", "--format", "json").stdout.splitlines()]
    assert len(lines) == 7  # six files, then the summary
    by_name = {x["file"].rsplit("/", 1)[-1]: x for x in lines[:-1]}
    assert [n for n, x in by_name.items() if "duplicate_of" in x] == ["A2.xlsx"]
    summary = lines[-1]["batch"]
    assert summary["unreadable"] == 4 and summary["duplicates"] == 1
    assert [f["files"] for f in summary["findings"] if f["code"] == "B101"] == [[str(units / "A2.xlsx")]]


def test_b101_counts_the_first_copy_that_was_read():
    """Equal bytes, but the first file timed out: the next one that was read is counted."""
    from perfxl.rollup import FileRow, settle_duplicates
    from perfxl.workbook.fatal import Fatal

    rows = [FileRow.failed("a.xlsx", "timeout", Fatal("E137", name="a.xlsx", seconds="1").finding, "timeout"),
            FileRow("b.xlsx", "checked"), FileRow("c.xlsx", "checked")]
    settle_duplicates(rows, {"b.xlsx": "a.xlsx", "c.xlsx": "a.xlsx"})
    assert [r.duplicate_of for r in rows] == [None, None, "b.xlsx"]
    assert [r.state() for r in rows] == ["timeout", "passed", "duplicate"]


def test_b103_one_unit_in_several_different_workbooks_is_named_and_still_counted(run, tmp_path):
    """Three different workbooks of one unit and year (re-saved, edited): counted three times, so
    say so — terminal, 总览, 说明 of each file, JSON — naming the files, the unit and the year."""
    units = tmp_path / "units"
    units.mkdir()
    _book(units / "A单位.xlsx", name="A单位", budget=40)
    _book(units / "A单位-v2.xlsx", name="Ａ 单位", budget=41)  # spaces, full-width letters: the same unit
    _book(units / "A单位（修改稿）.xlsx", name="A单位 ", budget=42)  # (named as most files spell it)
    _book(units / "B单位.xlsx", name="B单位", budget=50)
    _book(units / "A单位2024.xlsx", name="A单位", year=2024, budget=30)  # another year: B102, not B103
    out = tmp_path / "汇总.xlsx"
    r = run("batch", units, "-o", out, "-j", "2")
    assert r.exit_code == 0, r.output
    [line] = [x for x in r.output.splitlines() if "B103" in x]
    names = [str(units / n) for n in ("A单位-v2.xlsx", "A单位.xlsx", "A单位（修改稿）.xlsx")]
    assert line.startswith("警告 B103：“" + "”、“".join(names) + "”都是“A单位”2025 年度的工作簿")
    assert "汇总都已计入（该单位被计算了 3 次）" in line and "核实哪一份是应报送的" in line
    assert "A单位2024.xlsx" not in line and "B单位" not in line
    assert "共 5 个项目" in r.output  # still counted: perfxl cannot know which one is right

    rows = {rw["文件"].rsplit("/", 1)[-1]: rw for rw in _sheet(out, "单位汇总")}
    for n in ("A单位.xlsx", "A单位-v2.xlsx", "A单位（修改稿）.xlsx"):
        assert "B103" in rows[n]["说明"] and "2025 年度" in rows[n]["说明"] and rows[n]["状态"] != "重复（未计入）"
    assert "“" + str(units / "A单位-v2.xlsx") + "”" in rows["A单位.xlsx"]["说明"]
    assert "B103" not in (rows["B单位.xlsx"]["说明"] or "") and "B103" not in (rows["A单位2024.xlsx"]["说明"] or "")
    assert "B102" in rows["A单位2024.xlsx"]["说明"]
    front = _front(out)
    assert _value(front, "项目数") == 5 and _value(front, "全年预算数合计（万元）") == 203
    assert any("B103" in str(c) for line in front for c in line)
    assert any("汇总提示（2 条）" == str(c) for line in front for c in line)  # B102 and B103

    summary = json.loads(run("batch", units, "-o", out, "-j", "2", "--format", "json").stdout.splitlines()[-1])["batch"]
    [b103] = [f for f in summary["findings"] if f["code"] == "B103"]
    assert b103["severity"] == "warning" and b103["files"] == names and "A单位" in b103["message"]
    assert summary["projects"] == 5 and summary["duplicates"] == 0

    en = run("batch", units, "-o", out, "-j", "2", "--lang", "en")
    assert "warning B103: “" in en.output and "are all workbooks of “A单位” for 2025 with different contents" in en.output
    assert "B103" not in run("batch", units, "-o", out, "-j", "1", "--ignore", "B103").output


def test_b103_not_for_copies_nor_units_without_a_name():
    """Byte-identical copies are B101 (not counted), not B103; a file with no unit name is never
    paired; different names or years are different units; a missing year pairs a missing year."""
    from perfxl.rules.batch import same_unit_findings

    assert same_unit_findings({"a.xlsx": ("", 2025), "b.xlsx": ("", 2025), "c.xlsx": (None, 2025),
                               "d.xlsx": ("  ", 2025)}) == []
    assert same_unit_findings({"a.xlsx": ("甲单位", 2025), "b.xlsx": ("乙单位", 2025),
                               "c.xlsx": ("甲单位", 2024)}) == []
    [f] = same_unit_findings({"b.xlsx": ("甲单位", None), "a.xlsx": ("甲单位", None)})
    assert f.values["files"] == ("a.xlsx", "b.xlsx") and "（未填评价年度）" in f.message


def test_b103_names_typed_in_another_case_are_one_unit():
    from perfxl.rules.batch import same_unit_findings

    [f] = same_unit_findings({"a.xlsx": ("XYZ科技服务中心", 2025), "b.xlsx": ("xyz科技服务中心", 2025)})
    assert f.values["files"] == ("a.xlsx", "b.xlsx")
    assert same_unit_findings({"a.xlsx": ("XYZ科技服务中心", 2025), "b.xlsx": ("XY科技服务中心", 2025)}) == []


def test_b103_leaves_byte_identical_copies_to_b101(run, tmp_path):
    units = tmp_path / "units"
    units.mkdir()
    _book(units / "甲.xlsx")
    shutil.copy(units / "甲.xlsx", units / "甲（副本）.xlsx")
    _book(units / "乙.xlsx", name="乙单位", budget=50)
    summary = json.loads(run("batch", units, "-o", tmp_path / "汇总.xlsx", "-j", "1", "--format", "json")
                         .stdout.splitlines()[-1])["batch"]
    assert [f["code"] for f in summary["findings"]] == ["B101"]
