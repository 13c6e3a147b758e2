"""The bundled sample: the script and the committed file agree, the workbook is the one docs/template.md §6
describes (typed by hand, the report's figures), and perfxl says about it what §6 says it must."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from perfxl.views.narrative import narrative
from perfxl.result import run_checks
from perfxl.scoring.profile import load_profile
from perfxl.workbook.reader import read_workbook

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
SAMPLE = SAMPLES / "2025.xlsx"

# (全年预算数, 全年执行数) of the report's 15 projects, in the order of its narrative
FIGURES = [(19, 0), (46.8, 46.8), (27, 27), (90, 30), (47.6, 47.6), (46.76, 46.76), (14.06, 0), (210, 110),
           (20, 0), (100, 20), (26.75, 0), (45.97, 45.97), (15, 0), (13.49, 11.71), (266, 204.36)]


def _generate(out: Path) -> None:
    subprocess.run([sys.executable, str(SAMPLES / "make_sample.py"), str(out)], check=True, capture_output=True)


def _contents(path):
    wb = load_workbook(path)
    return [(ws.title, [[c.value for c in row] for row in ws.iter_rows()], sorted(map(str, ws.merged_cells.ranges)))
            for ws in wb.worksheets]


@pytest.fixture(scope="module")
def book():
    return load_workbook(SAMPLE)


def _projects(wb):
    return [ws for ws in wb.worksheets if ws["A1"].value == "项目支出绩效自评表"]


def _row_of(ws, label, col="A"):
    return next(c.row for c in ws[col] if isinstance(c.value, str) and c.value.startswith(label))


def _col_of(ws, row, header):
    return next(c.column_letter for c in ws[row] if c.value == header)


def test_script_and_committed_sample_agree(tmp_path):
    out = tmp_path / "2025.xlsx"
    _generate(out)
    mine, committed = _contents(out), _contents(SAMPLE)
    assert [s[0] for s in mine] == [s[0] for s in committed]
    for (title, values, merged), (_, values0, merged0) in zip(mine, committed):
        assert values == values0, f"{title}: cell values differ; rerun python samples/make_sample.py"
        assert merged == merged0, f"{title}: merged ranges differ; rerun python samples/make_sample.py"


def test_script_is_deterministic(tmp_path):
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    _generate(a)
    _generate(b)
    assert a.read_bytes() == b.read_bytes()
    props = load_workbook(a).properties
    assert props.created == props.modified


def test_typed_by_hand(book):
    assert len(book.defined_names) == 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} holds a formula"


def test_sheets_and_figures(book):
    assert book.sheetnames[:2] == ["单位情况", "汇总"]
    projects = _projects(book)
    assert len(projects) == 15 == len(book.sheetnames) - 2
    assert all(len(ws.title) <= 31 for ws in projects)
    figures, executed = [], Decimal(0)
    for ws in projects:
        head = _row_of(ws, "项目资金")
        total = _row_of(ws, "年度资金总额", "B")
        budget = ws[f"{_col_of(ws, head, '全年预算数')}{total}"].value
        done = ws[f"{_col_of(ws, head, '全年执行数')}{total}"].value
        figures.append((budget, done))
        executed += Decimal(str(done))
        assert ws[f"{_col_of(ws, head, '年初预算数')}{total}"].value == budget
    assert figures == FIGURES
    assert executed == Decimal("590.2")
    unit = book["单位情况"]
    assert unit[f"B{_row_of(unit, '项目支出')}"].value == 769.22
    assert unit[f"B{_row_of(unit, '人员合计')}"].value == 156
    assert unit[f"B{_row_of(unit, '其他人员')}"].comment is not None


def test_indicators_and_totals(book):
    """90 indicator points in every project, all of them earned except the canteen's 10; the 总分 typed
    as the report's score (or 98.68 for 武装部), agreeing with funding + indicators at its precision."""
    for ws in _projects(book):
        head = _row_of(ws, "一级指标")
        total = _row_of(ws, "总分")
        weight, score = _col_of(ws, head, "分值"), _col_of(ws, head, "得分")
        weights = sum(ws[f"{weight}{r}"].value for r in range(head + 1, total))
        scores = sum(ws[f"{score}{r}"].value for r in range(head + 1, total))
        assert weights == 90 and ws[f"{weight}{total}"].value == 100
        name = ws[f"B{_row_of(ws, '项目名称')}"].value
        assert scores == (80 if "职工活动中心" in name else 90), name
        funding = ws[f"H{_row_of(ws, '年度资金总额', 'B')}"].value
        typed = ws[f"{score}{total}"].value
        assert round(funding + scores, len(str(typed).partition(".")[2])) == typed, name
    armed = next(ws for ws in _projects(book) if ws["B3"].value == "2025武装部采暖改造、室内装修项目")
    assert armed["G18"].value == 98.68


def test_summary_is_the_reports_table(book):
    ws = book["汇总"]
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=3) if row[0].value is not None]
    assert len(rows) == 15 and [r[0] for r in rows] == list(range(1, 16))
    assert rows[13] == [14, "2025武装部采暖改造、室内装修项目", 98, "优"]
    assert [r[3] for r in rows].count("优") == 14


def test_sample_findings_grades_and_shares():
    result = run_checks(read_workbook(str(SAMPLE)), load_profile())
    assert len(result.projects) == 15
    assert result.grades == {"优": 14, "良": 1, "中": 0, "差": 0}
    assert round(result.excellent_rate * 100) == 93
    assert round(result.executed_total, 6) == 590.2
    errors = {(f.code, f.sheet, f.cell) for f in result.findings if f.severity == "error"}
    assert errors == {("U105", "单位情况", "B19"), ("S106", "汇总", "C16")}
    by_code = {f.code: f for f in result.findings if f.severity == "error"}
    assert "769.22" in by_code["U105"].message and "590.2" in by_code["U105"].message
    assert "98" in by_code["S106"].message and "98.68" in by_code["S106"].message
    canteen = next(p for p in result.projects if "职工活动中心" in p.name)
    assert (canteen.score, canteen.grade) == (80, "良")
    text = "\n".join(narrative(result))
    for share in ("70.03%", "29.97%", "85.64%", "14.36%"):
        assert share in text
    assert "评价等级“优”项目14个，“良”项目1个，评优率为93%" in text
    assert "（14）2025武装部采暖改造、室内装修项目绩效自评综述：根据年初设定的绩效目标，该项目绩效自评得分为98.68分。" \
           "全年预算数为13.49万元，执行数为11.71万元，完成预算的87%。" in text
