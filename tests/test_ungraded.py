"""No wrong grade in silence (docs/template.md §1): a project whose 全年预算数 or 全年执行数 cannot
be read, or whose sheet is not filled in at all, has no score. Every output shows it as 待更正,
counts it apart from the four grades and leaves it out of 评优率; an unfilled sheet is one
finding (R130), not one per empty cell."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from layouts import LAYOUTS, Book, Proj, build
from perfxl.result import run_checks
from perfxl.rules.results import UNGRADED
from perfxl.scoring.profile import load_profile
from perfxl.views.docx_report import outline
from perfxl.views.narrative import narrative
from perfxl.workbook.reader import read_workbook
from perfxl.workbook.template import write_template

PROFILE = load_profile()


def _two(tmp_path, executed, layout="national"):
    """Two projects; the second one's 全年执行数 typed as ``executed``."""
    book = Book([Proj(), Proj(sheet="项目2", name="食堂改造工程", budget=50, executed=50)])
    book.unit.update({"项目支出": 150, "基本支出": 850, "人员经费": 650})
    path = str(tmp_path / f"{layout}.xlsx")
    where = build(book, path, layout)
    wb = load_workbook(path)
    wb["项目2"][where("项目2", "executed")].value = executed
    wb.save(path)
    return path, where


@pytest.mark.parametrize("layout", LAYOUTS)
def test_unreadable_execution_leaves_the_project_without_a_grade(tmp_path, layout):
    path, where = _two(tmp_path, "约50", layout)
    result = run_checks(read_workbook(path), PROFILE)
    p = result.projects[1]
    assert (p.score, p.grade, p.graded) == (None, UNGRADED, False)
    assert result.grades == {"优": 1, "良": 0, "中": 0, "差": 0} and result.ungraded == 1
    assert result.excellent_rate == 1.0  # 1 of the 1 graded project
    mine = [f for f in result.findings if f.sheet == "项目2" and f.code != "R112"]  # messy types numbers as text
    assert [(f.code, f.cell) for f in mine] == [("R111", where("项目2", "executed"))]  # no V/S finding about a score
    assert not [f for f in result.findings if f.code in ("S106", "S107")]


def test_good_case_every_project_is_graded(tmp_path):
    path, _ = _two(tmp_path, 50)
    result = run_checks(read_workbook(path), PROFILE)
    assert all(p.graded for p in result.projects) and result.ungraded == 0
    assert "R130" not in {f.code for f in result.findings}


def test_every_output_shows_it_as_to_be_corrected(run, tmp_path):
    path, _ = _two(tmp_path, "约50")
    text = run("check", path, "--no-write").output
    assert "待更正" in text and "待更正 1 个（未评分，不计入评优率）" in text and "评优率 100%" in text
    data = json.loads(run("check", path, "--format", "json", "--no-write").output)
    p = data["projects"][1]
    assert (p["score"], p["grade"], p["graded"]) == (None, "待更正", False)
    assert data["summary"]["ungraded"] == 1 and data["summary"]["excellent_rate"] == 1
    run("check", path)
    wb = load_workbook(path.replace(".xlsx", ".perfxl.xlsx"))
    ws = wb["自评结果"]
    assert (ws["G5"].value, ws["H5"].value) == (None, "待更正")
    labels = [c.value for c in ws["B"] if c.value]
    assert "待更正（未评分，不计入评优率）的项目数" in labels and "评优率（“优”÷已评等级的项目数）" in labels
    result = run_checks(read_workbook(path), PROFILE)
    paragraphs = narrative(result)
    assert "1个项目待更正、未评定等级，评优率为100%（不含待更正的项目）" in paragraphs[1]
    assert "食堂改造工程绩效自评综述：该项目的全年预算数或执行数尚未正确填写，待更正后评分。" in paragraphs[-1]
    table = next(b for b in outline(result).blocks if b.kind == "table")
    assert table.rows[2][-2:] == ["", "待更正"]


def test_r130_a_blank_sheet_is_one_finding_and_a_blank_workbook_adds_no_grades(run, tmp_path):
    path = str(tmp_path / "2025.xlsx")
    write_template(path, projects=3, unit="某单位", year=2025)
    result = run_checks(read_workbook(path), PROFILE)
    assert [(f.sheet, f.code) for f in result.findings if f.severity != "info"] == [
        ("项目1", "R130"), ("项目2", "R130"), ("项目3", "R130")]
    assert result.findings[0].cell == "D6"  # where the first missing amount belongs
    assert result.grades == {"优": 0, "良": 0, "中": 0, "差": 0} and result.ungraded == 3
    assert result.excellent_rate is None
    folder = tmp_path / "各单位"
    folder.mkdir()
    write_template(str(folder / "甲.xlsx"), projects=8, unit="甲单位", year=2025)
    lines = run("batch", folder, "--format", "json", "-j", "1", "-o", tmp_path / "汇总.xlsx").output.splitlines()
    batch = next(json.loads(x) for x in lines if x.startswith('{"batch"'))["batch"]
    assert batch["grades"] == {"优": 0, "良": 0, "中": 0, "差": 0}
    assert (batch["projects"], batch["ungraded"], batch["excellent_rate"]) == (8, 8, None)


def test_a_name_alone_does_not_fill_a_sheet_in(tmp_path):
    path = str(tmp_path / "2025.xlsx")
    write_template(path, projects=1, unit="某单位", year=2025)
    wb = load_workbook(path)
    wb["项目1"]["B3"] = "办公楼维修项目"
    wb.save(path)
    result = run_checks(read_workbook(path), PROFILE)
    assert [f.code for f in result.findings if f.sheet == "项目1"] == ["R130"]
    wb["项目1"]["D6"] = 10  # one amount: the sheet is being filled, each missing value is named
    wb.save(path)
    result = run_checks(read_workbook(path), PROFILE)
    assert "R130" not in {f.code for f in result.findings}
    assert ("项目1", "E6", "R110") in result.flatten()
    assert result.projects[0].grade == UNGRADED
