"""Whole-unit tables (部门整体支出绩效自评表, docs/template.md §2.5): the project form's shape,
checked with every project rule and reported as the unit's own table; the rubric's shape
with its own checks; ``perfxl init --whole-unit``."""

from __future__ import annotations

import json

import docx
from openpyxl import Workbook, load_workbook

from layouts import build, variant_book
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook
from test_roundtrip import INDICATORS, _fill


def _check(path):
    return run_checks(read_workbook(str(path)), load_profile())


def test_init_whole_unit_sheet_filled_is_clean(run, tmp_path):
    path = tmp_path / "2025.xlsx"
    done = run("init", path, "--projects", 2, "--unit", "某某区机关事务管理局", "--year", 2025, "--whole-unit")
    assert done.exit_code == 0, done.output
    _fill(path)
    wb = load_workbook(path)
    assert wb.sheetnames[:4] == ["填报说明", "单位情况", "部门整体", "汇总"]
    ws = wb["部门整体"]
    assert (ws["A1"].value, ws["A3"].value, ws["B3"].value) == ("部门整体支出绩效自评表", "部门（单位）名称",
                                                                "某某区机关事务管理局")
    ws["C6"], ws["D6"], ws["E6"] = 1000, 1000, 1000
    ws["C7"], ws["D7"], ws["E7"] = 880, 880, 880  # 其中：基本支出
    ws["C8"], ws["D8"], ws["E8"] = 120, 120, 120  # 项目支出
    ws["B11"], ws["F11"] = "保障机关运转", "已完成"
    for i, row in enumerate(INDICATORS):
        for j, v in enumerate(row, 1):
            ws.cell(row=13 + i, column=j, value=v)
    wb.save(path)
    result = _check(path)
    assert [(f.ref, f.code, f.message) for f in result.findings if f.severity == "error"] == []
    assert not [f for f in result.findings if f.sheet == "部门整体"]
    assert [p.name for p in result.projects] == ["办公楼维修项目", "食堂改造工程"]
    whole = result.whole_unit
    assert (whole.name, whole.score, whole.grade, whole.funding.budget) == ("某某区机关事务管理局", 100, "优", 1000)
    wb = load_workbook(path)
    wb["部门整体"]["D7"] = 800  # 基本支出 + 项目支出 no longer the total
    wb.save(path)
    assert ("部门整体", "D6", "F101") in _check(path).flatten()


def test_whole_unit_is_the_units_own_row_in_every_output(run, tmp_path):
    path = tmp_path / "w.xlsx"
    build(variant_book("whole_unit"), path, "whole_unit")
    text = run("check", path, "--no-write").output
    assert "部门整体支出（部门整体）：某某区机关事务管理局，核算得分 97.5，等级 优" in text
    assert "单位：共 2 个项目" in text  # not counted among the projects
    data = json.loads(run("check", path, "--format", "json", "--no-write").output)
    assert data["summary"]["projects"] == 2 and len(data["projects"]) == 2
    w = data["whole_unit"]
    assert (w["shape"], w["sheet"], w["name"], w["score"], w["grade"], w["entered_grade"]) == \
        ("form", "部门整体", "某某区机关事务管理局", 97.5, "优", "优")
    assert w["budget"] == 1000 and len(w["indicators"]) == 5
    run("check", path)
    ws = load_workbook(tmp_path / "w.perfxl.xlsx")["自评结果"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4, max_row=7)]
    assert rows[2][0] == "合计" and rows[2][2] == "=SUM(C4:C5)"  # the projects' sum only
    assert rows[3][:2] == ["部门整体", "某某区机关事务管理局"] and rows[3][6:8] == [97.5, "优"]
    assert ws["B9"].value == "评价等级“优”的项目数" and ws["C9"].value == 2
    report = tmp_path / "w.docx"
    assert run("report", path, "-o", report).exit_code == 0
    paragraphs = [p.text for p in docx.Document(str(report)).paragraphs]
    start = paragraphs.index("三、部门整体支出绩效目标实现情况及指标分析")
    section = paragraphs[start:start + 12]
    assert any("部门整体支出绩效自评得分为97.5分，评价等级为“优”" in p for p in section)
    assert any(p.startswith("部门整体产出指标：维修面积年度指标值≥1200平方米，实际完成1080平方米") for p in section)


def test_whole_unit_label_and_explain(run, tmp_path):
    path = tmp_path / "w.xlsx"
    build(variant_book("whole_unit_label"), path, "whole_unit_label")  # 一级预算单位名称, no title
    result = _check(path)
    assert result.whole_unit.name == "某某区机关事务管理局" and result.model.unit is not None
    lines = run("check", path, "--explain", "部门整体", "--no-write").output
    assert "项目“某某区机关事务管理局”（工作表 部门整体）" in lines and "五、项目得分：97.5分" in lines
    wb = load_workbook(path)
    assert wb["部门整体"]["A1"].value == "一级预算单位名称"
    wb["部门整体"]["A1"] = "部门"  # the shortest label a transcribed form used
    wb.save(path)
    assert _check(path).whole_unit.name == "某某区机关事务管理局"


def _rubric(path, rows, total, grade="优", *, weights=True):
    """A rubric built cell by cell: 一级 | 二级 | 三级 | 分值 | 指标解释 | 评分标准 | 得分."""
    wb = Workbook()
    ws = wb.active
    ws.title = "整体自评"
    ws["A1"] = "部门整体支出绩效自评表（2025年度）"
    ws["A2"], ws["B2"] = "部门名称", "某某区机关事务管理局"
    heads = ["一级指标", "二级指标", "三级指标"] + (["分值"] if weights else []) + ["指标解释", "评分标准", "得分"]
    ws.append(heads)
    for l1, l2, name, w, s in rows:
        ws.append([l1, l2, name if weights else f"{name}（{w}分）"] + ([w] if weights else []) + ["", "", s])
    ws.append(["总分"] + [None] * 2 + ([sum(r[3] for r in rows)] if weights else []) + [None, None, total])
    ws.append(["评价等级", grade])
    wb.save(path)
    return ws.max_row - 1  # the 总分 row


RUBRIC = [("决策", "目标设定", "绩效目标合理性", 20, 18), ("过程", "预算执行", "预算执行率", 30, 30),
          ("产出", "职责履行", "重点工作完成率", 30, 28), ("效益", "履职效益", "社会效益", 20, 20)]


def test_t107_t108_i113_i104_rubric_checks(tmp_path):
    good = tmp_path / "good.xlsx"
    _rubric(good, RUBRIC, 96)
    result = _check(good)
    assert result.whole_unit.shape == "rubric" and (result.whole_unit.score, result.whole_unit.grade) == (96, "优")
    assert not [f for f in result.findings if f.code in ("T107", "T108", "I113", "I104", "T106", "T105")]
    bad = tmp_path / "bad.xlsx"
    rows = [list(r) for r in RUBRIC]
    rows[0][3] = 25  # weights 105
    rows[1][4] = -2  # a negative score
    rows[2][4] = 31  # above its 30
    t = _rubric(bad, [tuple(r) for r in rows], 70, grade="良")
    flat = _check(bad).flatten(severities=("error",))
    assert ("整体自评", f"D{t}", "T107") in flat  # the 总分 row's 分值
    assert ("整体自评", "G5", "I113") in flat and ("整体自评", "G6", "I104") in flat
    assert ("整体自评", f"G{t}", "T108") in flat  # 70 typed, 18 - 2 + 31 + 20 = 67 entered
    assert ("整体自评", f"B{t + 1}", "T106") in flat  # 18 + 0 + 30 + 20 = 68 is 中, the total 70 is 中: not 良


def test_rubric_with_points_in_its_names_and_grade_following_a_wrong_total(tmp_path):
    path = tmp_path / "points.xlsx"
    t = _rubric(path, RUBRIC, 91, grade="优", weights=False)  # 96 is right; 91 is still 优: T108 only
    result = _check(path)
    assert [r.weight for r in result.whole_unit.rows] == [20, 30, 30, 20]
    assert result.flatten(severities=("error", "warning")) == [(None, None, "R101"), ("整体自评", f"F{t}", "T108")]
    assert result.year == 2025  # from the rubric's title


def test_a_rubric_beside_a_unit_sheet_is_no_second_unit_sheet(tmp_path):
    path = tmp_path / "w.xlsx"
    build(variant_book("rubric"), path, "rubric")
    result = _check(path)
    assert result.model.unit.sheet == "单位情况" and result.whole_unit.sheet == "部门整体"
    assert not [f for f in result.findings if f.code == "R103"]
