"""The bundled sample: the script and the committed file agree, and perfxl says about it
what TEMPLATE §6 says it must."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from perfxl.report.narrative import narrative
from perfxl.rules.engine import run_checks
from perfxl.rules.profile import load_profile
from perfxl.workbook.reader import read_workbook

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def _values(path):
    wb = load_workbook(path)
    return {ws.title: ([[c.value for c in row] for row in ws.iter_rows()], sorted(map(str, ws.merged_cells.ranges)))
            for ws in wb.worksheets}


def test_script_and_committed_sample_agree(tmp_path):
    out = tmp_path / "2025.xlsx"
    subprocess.run([sys.executable, str(SAMPLES / "make_sample.py"), str(out)], check=True, capture_output=True)
    assert _values(out) == _values(SAMPLES / "2025.xlsx")


def test_sample_findings_grades_and_shares():
    result = run_checks(read_workbook(str(SAMPLES / "2025.xlsx")), load_profile())
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
