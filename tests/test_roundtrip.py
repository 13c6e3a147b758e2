"""perfxl init -> fill with openpyxl (which drops cached values) -> the reader returns exactly
what was filled, formulas computed, with correct addresses; filled consistently it is clean."""

from __future__ import annotations

import os

from openpyxl import load_workbook

from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.excel.numbers import read_number
from perfxl.workbook.reader import read_workbook

INDICATORS = [
    ("产出指标", "数量指标", "维修面积", "≥1200平方米", "1250平方米", 20, 20),
    ("产出指标", "质量指标", "验收合格率", "100%", "100%", 15, 15),
    ("产出指标", "时效指标", "完工时间", "2025年10月底前", "2025年9月", 15, 15),
    ("效益指标", "社会效益指标", "办公条件", "明显改善", "明显改善", 30, 30),
    ("满意度指标", "服务对象满意度指标", "干部职工满意度", "≥90%", "95%", 10, 10),
]


def _init(run, tmp_path, projects=2):
    path = tmp_path / "2025.xlsx"
    result = run("init", path, "--projects", projects, "--unit", "某某区机关事务管理局", "--year", 2025)
    assert result.exit_code == 0, result.output
    return path


def _fill(path):
    wb = load_workbook(path)
    u = wb["单位情况"]
    values = {"在编人员": 30, "退休人员": 10, "劳动聘用人员": 5, "其他人员": 1, "年初预算数": 1000,
              "年初结转和结余": 0, "财政拨款收入": 1000, "财政拨款支出": 1000, "基本支出": 880,
              "人员经费": 700, "日常公用经费": 180, "项目支出": 120, "年末结转和结余": 0}
    for row in u.iter_rows(min_col=1, max_col=1):
        label = str(row[0].value or "")
        for k, v in values.items():
            if label.startswith(k):
                u.cell(row=row[0].row, column=2, value=v)
    for sheet, name, budget, executed in (("项目1", "办公楼维修项目", 100, 100), ("项目2", "食堂改造工程", 40, 20)):
        ws = wb[sheet]
        ws["B3"] = name
        ws["B4"] = "某某区人民政府"
        ws["F4"] = "某某区机关事务管理局"
        ws["C6"], ws["D6"], ws["E6"] = budget, budget, executed
        ws["C7"], ws["D7"], ws["E7"] = budget, budget, executed
        ws["B11"] = "完成维修"
        ws["F11"] = "已完成"
        for i, row in enumerate(INDICATORS):
            for j, v in enumerate(row, 1):
                ws.cell(row=13 + i, column=j, value=v)
        if executed < budget:
            ws["B26"] = "工程尚未结算"
    wb.save(path)


def test_init_refuses_to_overwrite(run, tmp_path):
    path = _init(run, tmp_path)
    result = run("init", path)
    assert result.exit_code == 2 and "已存在" in result.output and "--force" in result.output
    assert run("init", path, "--force").exit_code == 0


def test_roundtrip_reads_what_was_filled(run, tmp_path):
    path = _init(run, tmp_path)
    _fill(path)
    model = read_workbook(str(path))
    assert model.made_by_perfxl
    assert [p.sheet for p in model.projects] == ["项目1", "项目2"]
    p = model.projects[1]
    assert p.title == "食堂改造工程" and p.name.value.coord == "B3"
    total = p.funding.total.cells
    assert (total["全年预算数"].coord, total["全年执行数"].coord) == ("D6", "E6")
    assert total["执行率"].value == 0.5 and total["执行率"].computed
    assert total["得分"].value == 5 and total["得分"].coord == "H6"
    assert [i.name.value for i in p.indicators] == [r[2] for r in INDICATORS]
    assert [i.score.coord for i in p.indicators] == [f"G{13 + i}" for i in range(5)]
    assert p.total_score.coord == "G25" and p.total_score.value == 95
    assert read_number(p.total_weight).value == 100
    assert p.problems.value.value == "工程尚未结算"
    assert model.unit.get("人员合计").value.value == 46
    rows = model.summary.rows
    assert [r.cells["项目名称"].value for r in rows] == ["办公楼维修项目", "食堂改造工程"]
    assert rows[1].cells["自评得分"].value == 95 and rows[1].cells["评价等级"].value == "优"


def test_init_filled_consistently_is_clean(run, tmp_path):
    path = _init(run, tmp_path)
    _fill(path)
    result = run_checks(read_workbook(str(path)), load_profile())
    serious = [(f.code, f.sheet, f.cell) for f in result.findings if f.severity != "info"]
    # the arithmetic holds; only the reviewer doubts a project that spent 50% and is graded 优
    assert serious == [("V101", "项目2", "G25")], [f.message for f in result.findings]
    assert [p.score for p in result.projects] == [100, 95]


def test_blank_init_workbook_reads_without_errors_of_ours(run, tmp_path):
    path = _init(run, tmp_path, projects=3)
    result = run("check", path, "--no-write")
    assert result.exit_code in (0, 1)
    assert "Traceback" not in result.output
    assert sorted(os.listdir(tmp_path)) == ["2025.xlsx"]
